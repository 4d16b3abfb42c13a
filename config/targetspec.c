/* An inventory entry (or the defaults): its key table, its values expanded
 * and checked, and its merge over the defaults into a target; see
 * targetspec.h. */
#include "config.h"

#include "config/targetspec.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/safefile.h"
#include "common/xmalloc.h"
#include "config/dburl.h"
#include "config/duration.h"
#include "config/engine.h"
#include "config/expansion.h"
#include "config/keytable.h"
#include "common/banned.h"

/* The keys, in the order they are converted: name first, because its
 * ranges set the entry's count. */
enum ikey {
	K_NAME,
	K_ENGINE,
	K_URL,
	K_HOST,
	K_PORT,
	K_UNIX_SOCKET,
	K_DB,
	K_USERNAME,
	K_PASSWORD,
	K_PASSWORD_FILE,
	K_FS,
	K_SAFE,
	K_LOCK_TIMEOUT,
	K_OPERATOR,
	K_PATH,
	K_TAGS,
	K_TIMEOUT,
	K_N
};

#define IN_DEFAULTS 1u
#define IN_TARGET 2u
#define BOTH (IN_DEFAULTS | IN_TARGET)

/* One key's value in one layer (the defaults, or one instance of an
 * entry). */
struct value {
	const struct ynode *node; /* NULL = not given */
	bool null;                /* given as YAML null: unset here */
	bool bad;                 /* given but invalid (problem reported) */
	char *s;                  /* expanded text (password: the secret) */
	long num;                 /* port, lock_timeout, safe */
	double dur;               /* timeout */
	struct strv list;         /* tags */
};

struct layer {
	struct value v[K_N];
	struct dburl url;
	bool url_ok;
};

struct targetspec_defaults {
	struct layer l;
};

typedef void conv_fn(struct targetspec_ctx *c, struct layer *l,
		     struct value *v);

struct spec_key {
	struct keydef def; /* first: keytable_walk steps over the rest */
	conv_fn *conv;     /* text in v->s → checked value (tags: NULL) */
	bool secret;       /* never echo the value */
};

static conv_fn conv_name, conv_engine, conv_url, conv_text, conv_secret,
    conv_secret_file, conv_path, conv_port, conv_bool, conv_seconds,
    conv_duration;

#define KEY(name, slot, shape, where, req, conv, secret)                       \
	{ { name, slot, shape, where, req }, conv, secret }

static const struct spec_key spec_keys[] = {
	KEY("name", K_NAME, KT_SCALAR, IN_TARGET, IN_TARGET, conv_name, 0),
	KEY("engine", K_ENGINE, KT_SCALAR, BOTH, 0, conv_engine, 0),
	KEY("url", K_URL, KT_SCALAR, BOTH, 0, conv_url, 1),
	KEY("host", K_HOST, KT_SCALAR, BOTH, 0, conv_text, 0),
	KEY("port", K_PORT, KT_SCALAR, BOTH, 0, conv_port, 0),
	KEY("unix_socket", K_UNIX_SOCKET, KT_SCALAR, BOTH, 0, conv_path, 0),
	/* a relative SQLite path is resolved once the engine is known */
	KEY("db", K_DB, KT_SCALAR, BOTH, 0, conv_text, 0),
	KEY("username", K_USERNAME, KT_SCALAR, BOTH, 0, conv_text, 0),
	KEY("password", K_PASSWORD, KT_SCALAR, BOTH, 0, conv_secret, 1),
	KEY("password_file", K_PASSWORD_FILE, KT_SCALAR, BOTH, 0,
	    conv_secret_file, 0),
	KEY("fs", K_FS, KT_SCALAR, BOTH, 0, conv_path, 0),
	KEY("safe", K_SAFE, KT_SCALAR, BOTH, 0, conv_bool, 0),
	KEY("lock_timeout", K_LOCK_TIMEOUT, KT_SCALAR, BOTH, 0, conv_seconds,
	    0),
	KEY("operator", K_OPERATOR, KT_SCALAR, BOTH, 0, conv_text, 0),
	KEY("path", K_PATH, KT_SCALAR, BOTH, 0, conv_path, 0),
	KEY("tags", K_TAGS, KT_SEQ, BOTH, 0, NULL, 0), /* see layer_tags */
	KEY("timeout", K_TIMEOUT, KT_SCALAR, BOTH, 0, conv_duration, 0),
	KEY(NULL, 0, 0, 0, 0, NULL, 0),
};

#define PROBLEM(c, node, ...)                                                  \
	problems_add((c)->pr, (node)->line, (node)->col, __VA_ARGS__)

static const char *
key_of(ptrdiff_t slot)
{
	return spec_keys[slot].def.key; /* the table is in slot order */
}

void
targetspec_ctx_release(struct targetspec_ctx *c)
{
	free(c->pwf_path);
	free(c->pwf_value);
	free(c->pwf_error);
	c->pwf_path = c->pwf_value = c->pwf_error = NULL;
}

/* ---- values ------------------------------------------------------------ */

/* p made absolute against dir ("./x" → "dir/x"); dir NULL leaves it. */
static char *
path_resolve(const char *dir, const char *p)
{
	if (p[0] == '/' || !dir)
		return xstrdup(p);
	while (p[0] == '.' && p[1] == '/')
		for (p += 2; *p == '/'; p++)
			;
	if (strcmp(p, ".") == 0 || !*p)
		return xstrdup(dir);
	return xasprintf("%s%s%s", dir,
			 dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", p);
}

static void bad(struct targetspec_ctx *c, struct value *v, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));

/* Report a problem with v's value and mark it bad. */
static void
bad(struct targetspec_ctx *c, struct value *v, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	PROBLEM(c, v->node, "%s", msg);
	free(msg);
	v->bad = true;
}

/* Names and tags (and wave names): see targetspec.h. */
bool
targetspec_name_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
			     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

	return n > 0 && s[n] == '\0' && n <= 200 && s[0] != '.' && s[0] != '-';
}

static void
conv_name(struct targetspec_ctx *c, struct layer *l, struct value *v)
{
	struct buf b = BUF_INIT;

	(void)l;
	if (!targetspec_name_ok(v->s))
		bad(c, v,
		    "name: '%s' is not a valid name: use letters, digits, '.', "
		    "'_' and '-', not first '.' or '-', at most 200",
		    problems_quote(&b, v->s));
	buf_release(&b);
}

static void
conv_engine(struct targetspec_ctx *c, struct layer *l, struct value *v)
{
	const struct engine *engine = engine_find(v->s, strlen(v->s));
	struct buf b = BUF_INIT, why = BUF_INIT;

	(void)l;
	if (engine == NULL) {
		engine_expected(&why);
		bad(c, v, "engine: '%s' %s", problems_quote(&b, v->s), why.ptr);
	} else {
		free(v->s);
		v->s = xstrdup(engine->name);
	}
	buf_release(&b);
	buf_release(&why);
}

static void
conv_url(struct targetspec_ctx *c, struct layer *l, struct value *v)
{
	struct err e = ERR_INIT;

	/* dburl's messages never contain the password */
	if (dburl_parse(&l->url, v->s, &e) < 0)
		bad(c, v, "url: %s", e.msg);
	else
		l->url_ok = true;
}

static void
conv_text(struct targetspec_ctx *c, struct layer *l, struct value *v)
{
	if (!*v->s)
		bad(c, v, "%s: the value is empty (leave the key out instead)",
		    key_of(v - l->v));
}

static void
conv_secret(struct targetspec_ctx *c, struct layer *l, struct value *v)
{
	(void)c;
	(void)l;
	(void)v; /* any text, even empty, is a password */
}

static void
conv_path(struct targetspec_ctx *c, struct layer *l, struct value *v)
{
	char *abs;

	conv_text(c, l, v);
	if (v->bad)
		return;
	abs = path_resolve(c->dir, v->s);
	free(v->s);
	v->s = abs;
}

/*
 * The first line of a password file, without its line end: a regular
 * file only (links followed, a FIFO never waited for), one line of at
 * most TARGETSPEC_PASSWORD_MAX bytes. A file that group or others can
 * read is a warning, as ssh gives for a key. Cached for the next target.
 */
static void
read_secret(struct targetspec_ctx *c, struct value *v)
{
	struct buf b = BUF_INIT, q = BUF_INIT;
	struct err e = ERR_INIT;
	struct stat st;
	char *p;

	if (c->pwf_path && strcmp(c->pwf_path, v->s) == 0)
		return;
	free(c->pwf_path);
	free(c->pwf_value);
	free(c->pwf_error);
	c->pwf_path = xstrdup(v->s);
	c->pwf_value = c->pwf_error = NULL;
	problems_quote_path(&q, v->s);
	if (safefile_read_line(v->s, TARGETSPEC_PASSWORD_MAX, &b, &st, &e) <
	    0) {
		/* the message names the path: show it as problems do */
		p = strstr(e.msg, v->s);
		c->pwf_error = p ? xasprintf("%.*s%s%s", (int)(p - e.msg),
					     e.msg, q.ptr, p + strlen(v->s))
				 : xstrdup(e.msg);
	} else {
		c->pwf_value = buf_detach(&b);
		if ((st.st_mode & 077) != 0 && c->warn != NULL)
			problems_add(c->warn, v->node->line, v->node->col,
				     "password_file: '%s' is readable by group "
				     "or others (mode %04o); chmod 600 it",
				     q.ptr, (unsigned)(st.st_mode & 07777));
	}
	buf_release(&b);
	buf_release(&q);
}

static void
conv_secret_file(struct targetspec_ctx *c, struct layer *l, struct value *v)
{
	conv_path(c, l, v);
	if (v->bad)
		return;
	read_secret(c, v);
	if (c->pwf_error != NULL)
		bad(c, v, "password_file: %s", c->pwf_error);
	free(v->s);
	v->s = xstrdup_or_null(c->pwf_value);
}

/* A decimal number 0..max without sign or blanks. */
static bool
parse_uint(const char *s, long max, long *out)
{
	long n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || n > (max - (*s - '0')) / 10)
			return false;
		n = n * 10 + (*s - '0');
	}
	*out = n;
	return true;
}

static void
conv_port(struct targetspec_ctx *c, struct layer *l, struct value *v)
{
	struct buf b = BUF_INIT;

	(void)l;
	if (!parse_uint(v->s, 65535, &v->num) || v->num == 0)
		bad(c, v, "port: '%s' is not a number 1-65535",
		    problems_quote(&b, v->s));
	buf_release(&b);
}

static void
conv_bool(struct targetspec_ctx *c, struct layer *l, struct value *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v->s, yes[i]) == 0 ||
		    strcasecmp(v->s, no[i]) == 0) {
			v->num = strcasecmp(v->s, yes[i]) == 0;
			return;
		}
	}
	bad(c, v, "%s: '%s' is not true/false, yes/no, on/off or 1/0",
	    key_of(v - l->v), problems_quote(&b, v->s));
	buf_release(&b);
}

static void
conv_seconds(struct targetspec_ctx *c, struct layer *l, struct value *v)
{
	struct buf b = BUF_INIT;

	(void)l;
	if (!parse_uint(v->s, INT_MAX, &v->num))
		bad(c, v, "lock_timeout: '%s' is not a number of seconds",
		    problems_quote(&b, v->s));
	buf_release(&b);
}

static void
conv_duration(struct targetspec_ctx *c, struct layer *l, struct value *v)
{
	struct err e = ERR_INIT;

	if (duration_parse(v->s, &v->dur, &e) < 0)
		bad(c, v, "%s: %s", key_of(v - l->v), e.msg);
}

/* ---- expansion --------------------------------------------------------- */

/*
 * Check the ranges of one scalar against the entry's count (*count 0: not
 * known yet; the name's ranges set it, since every target needs its own
 * name). Returns false after reporting.
 */
static bool
ranges_check(struct targetspec_ctx *c, const struct ynode *n,
	     const struct spec_key *sk, bool in_defaults, long long *count)
{
	const char *key = sk->def.key, *why = NULL;
	struct expansion_range r;
	struct buf b = BUF_INIT;
	size_t pos = 0;
	bool ok = true;
	int rc;

	while ((rc = expansion_range_next(n->str, &pos, &r, &why)) != 0) {
		buf_reset(&b);
		if (!sk->secret)
			buf_addf(&b, " '%.*s'", (int)r.len, n->str + r.at);
		if (rc < 0)
			PROBLEM(c, n, "%s: bad range%s: %s", key, b.ptr, why);
		else if (in_defaults)
			PROBLEM(c, n, "%s: ranges are not allowed in defaults",
				key);
		else if (*count == 0 && sk->def.slot != K_NAME)
			PROBLEM(c, n,
				"%s: a range%s needs one in 'name' too, so that "
				"every target gets its own name",
				key, b.ptr);
		else if (*count != 0 && r.count != *count)
			PROBLEM(c, n,
				"%s: range%s has %lld values, but this entry's "
				"name has %lld (ranges expand together)",
				key, b.ptr, r.count, *count);
		else
			*count = r.count;
		ok &= rc > 0 && *count == r.count;
	}
	buf_release(&b);
	return ok;
}

/* How many targets an entry stands for; 0 after reporting a bad range. */
static long long
layer_count(struct targetspec_ctx *c, const struct ynode **nodes,
	    bool in_defaults)
{
	const struct spec_key *sk;
	const struct ynode *n;
	long long count = 0;
	bool ok = true;
	size_t i;

	for (sk = spec_keys; sk->def.key; sk++) {
		if (!(n = nodes[sk->def.slot]))
			continue;
		if (n->kind == YNODE_SCALAR)
			ok &= ranges_check(c, n, sk, in_defaults, &count);
		for (i = 0; n->kind == YNODE_SEQ && i < n->n; i++)
			if (n->kids[i]->kind == YNODE_SCALAR)
				ok &= ranges_check(c, n->kids[i], sk,
						   in_defaults, &count);
	}
	if (!ok)
		return 0;
	return count ? count : 1;
}

/* The text of scalar n for instance idx: ranges first, then references,
 * so that ${PW_{001..128}} names one variable per target. NULL after
 * reporting (a bad range was reported by layer_count already). */
static char *
expand(struct targetspec_ctx *c, const struct ynode *n, const char *key,
       bool secret, long long idx)
{
	struct buf tmp = BUF_INIT, out = BUF_INIT, why = BUF_INIT;
	const char *s = n->str;
	bool ok = true;

	if (strlen(s) != n->len) {
		PROBLEM(c, n, "%s: the value contains a NUL byte", key);
		return NULL;
	}
	if (strchr(s, '{')) {
		ok = expansion_ranges(s, idx, &tmp);
		s = tmp.ptr;
	}
	if (ok && secret && c->secret_vars != NULL)
		expansion_env_names(s, c->secret_vars);
	if (ok && !expansion_env(s, c->envp, &out, &why)) {
		PROBLEM(c, n, "%s: %s", key, why.ptr);
		ok = false;
	}
	buf_release(&tmp);
	buf_release(&why);
	if (!ok) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out);
}

/* ---- layers ------------------------------------------------------------ */

static void
layer_init(struct layer *l)
{
	memset(l, 0, sizeof(*l));
	dburl_init(&l->url);
}

static void
layer_release(struct layer *l)
{
	int k;

	for (k = 0; k < K_N; k++) {
		free(l->v[k].s);
		strv_release(&l->v[k].list);
	}
	dburl_release(&l->url);
	layer_init(l);
}

static const char *
kind_or_null(const struct ynode *n)
{
	return ynode_is_null(n) ? "null" : ynode_kind_name(n);
}

/* Tags: a sequence of names; each item may hold ranges and references. */
static void
layer_tags(struct targetspec_ctx *c, struct value *v, long long idx)
{
	const struct ynode *item;
	struct buf b = BUF_INIT;
	size_t i;
	char *s;

	for (i = 0; i < v->node->n; i++) {
		item = v->node->kids[i];
		if (item->kind != YNODE_SCALAR || ynode_is_null(item)) {
			PROBLEM(c, item, "tags: a tag must be a string, not %s",
				kind_or_null(item));
			v->bad = true;
		} else if ((s = expand(c, item, "tags", false, idx)) == NULL) {
			v->bad = true;
		} else if (!targetspec_name_ok(s)) {
			PROBLEM(c, item,
				"tags: '%s' is not a valid tag: use letters, "
				"digits, '.', '_' and '-', not first '.' or '-'",
				problems_quote(&b, s));
			v->bad = true;
			free(s);
		} else if (strv_contains(&v->list, s)) {
			free(s);
		} else {
			strv_push_owned(&v->list, s);
		}
	}
	buf_release(&b);
}

/* Convert the keys given in nodes for instance idx of the entry's ranges:
 * expand, then check each through its table entry. */
static void
layer_convert(struct targetspec_ctx *c, const struct ynode **nodes,
	      long long idx, struct layer *l)
{
	const struct spec_key *sk;
	struct value *v, *eng = &l->v[K_ENGINE];

	for (sk = spec_keys; sk->def.key; sk++) {
		v = &l->v[sk->def.slot];
		if (!(v->node = nodes[sk->def.slot]))
			continue;
		if (ynode_is_null(v->node)) {
			v->null = true;
			if (sk->def.slot == K_NAME)
				bad(c, v, "name: must not be empty");
		} else if (sk->def.shape == KT_SEQ) {
			layer_tags(c, v, idx);
		} else if (!(v->s = expand(c, v->node, sk->def.key, sk->secret,
					   idx))) {
			v->bad = true;
		} else {
			sk->conv(c, l, v);
		}
	}
	if (l->url_ok && eng->s && !eng->bad &&
	    strcmp(eng->s, l->url.engine) != 0)
		bad(c, eng, "engine: '%s' contradicts 'url', which is for %s",
		    eng->s, l->url.engine);
}

/* Walk a mapping with the key table; checks that need only the nodes. */
static void
layer_walk(struct targetspec_ctx *c, const struct ynode *map, unsigned where,
	   const char *what, const struct ynode **nodes)
{
	keytable_walk(spec_keys, sizeof(spec_keys[0]), map, where, what, nodes,
		      c->pr);
	if (nodes[K_PASSWORD] && nodes[K_PASSWORD_FILE])
		PROBLEM(c, nodes[K_PASSWORD_FILE],
			"password_file: give either 'password' or "
			"'password_file', not both");
}

/* ---- merging an entry over the defaults -------------------------------- */

struct pick {
	const char *s;
	long num;
	double dur;
	enum cfg_source src;
	bool bad; /* the deciding value was invalid: say nothing more */
};

static bool
url_part(const struct layer *l, int k, struct pick *p)
{
	const struct dburl *u = &l->url;

	if (!l->url_ok)
		return false;
	switch (k) {
	case K_ENGINE: p->s = u->engine; break;
	case K_HOST: p->s = u->host; break;
	case K_UNIX_SOCKET: p->s = u->unix_socket; break;
	case K_DB: p->s = u->db; break;
	case K_USERNAME: p->s = u->user; break;
	case K_PASSWORD: p->s = u->password; break;
	case K_PORT:
		if (!u->port)
			return false;
		p->num = u->port;
		p->src = SRC_URL;
		return true;
	default: return false;
	}
	if (!p->s)
		return false;
	p->src = SRC_URL;
	return true;
}

/* Setting k: the entry's key, its url, the defaults' key, their url. */
static void
pick(const struct layer *t, const struct layer *d, int k, struct pick *p)
{
	const struct layer *ls[2] = { t, d };
	const struct value *v;
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < 2; i++) {
		v = &ls[i]->v[k];
		if (k == K_PASSWORD && !v->node)
			v = &ls[i]->v[K_PASSWORD_FILE];
		if (v->node) {
			p->bad = v->bad;
			if (!v->null && !v->bad) {
				p->s = v->s;
				p->num = v->num;
				p->dur = v->dur;
				p->src = SRC_INVENTORY;
			}
			return;
		}
		if (url_part(ls[i], k, p))
			return;
		if (ls[i]->v[K_URL].bad) {
			p->bad = true; /* the bad url may have held it */
			return;
		}
	}
}

static void
take_str(struct target *tg, const struct layer *t, const struct layer *d,
	 int k, int cfg, char **field)
{
	struct pick p;

	pick(t, d, k, &p);
	if (!p.s)
		return;
	free(*field);
	*field = xstrdup(p.s);
	if (cfg >= 0)
		tg->source[cfg] = p.src;
}

static long
take_num(struct target *tg, const struct layer *t, const struct layer *d,
	 int k, int cfg, long dflt)
{
	struct pick p;

	pick(t, d, k, &p);
	if (p.src == SRC_UNSET) {
		p.num = dflt;
		p.src = dflt ? SRC_DEFAULT : SRC_UNSET;
	}
	tg->source[cfg] = p.src;
	return p.num;
}

/* The defaults' tags, then the entry's; the entry's "tags: ~" drops both. */
static void
take_tags(struct target *tg, const struct layer *t, const struct layer *d)
{
	const struct layer *ls[2] = { d, t };
	const struct strv *tags;
	size_t i, j;

	if (t->v[K_TAGS].null)
		return;
	for (i = 0; i < 2; i++) {
		tags = &ls[i]->v[K_TAGS].list;
		for (j = 0; j < tags->n; j++)
			if (!strv_contains(&tg->tags, tags->v[j]))
				strv_push(&tg->tags, tags->v[j]);
	}
}

static void
take_url(struct target *tg, const struct layer *t, const struct layer *d)
{
	const struct layer *l = t->v[K_URL].node ? t : d;
	size_t i;

	if (!l->url_ok)
		return;
	tg->db_url = xstrdup(l->v[K_URL].s);
	tg->source[CFG_DB_URL] = SRC_INVENTORY;
	for (i = 0; i < l->url.params.n; i++)
		strv_push(&tg->params, l->url.params.v[i]);
}

/* A file engine (SQLite) needs its file, relative to the inventory like
 * every other path. */
static void
file_db(struct targetspec_ctx *c, struct target *tg, const struct ynode *at)
{
	char *abs;

	if (!engine_is_file(tg->engine))
		return;
	if (!tg->db) {
		PROBLEM(c, at, "no db: a %s target needs the database file "
			       "(db or url)", tg->engine);
	} else if (strcmp(tg->db, ":memory:") != 0) {
		abs = path_resolve(c->dir, tg->db);
		free(tg->db);
		tg->db = abs;
	}
}

/*
 * One target from an entry instance over the defaults, built even when a
 * problem is reported. Problems are worded without the target's name, so
 * that the instances of a range repeat, and are listed, only once.
 */
static struct target *
target_build(struct targetspec_ctx *c, const struct layer *t,
	     const struct layer *d, const struct ynode *at)
{
	struct target *tg = target_new();
	struct pick p;

	take_str(tg, t, d, K_NAME, -1, &tg->name);
	pick(t, d, K_ENGINE, &p);
	if (!p.s && !p.bad)
		PROBLEM(c, at, "no engine: set 'engine' or 'url', in the "
			       "target or in defaults");
	take_str(tg, t, d, K_ENGINE, CFG_ENGINE, &tg->engine);
	take_url(tg, t, d);
	take_str(tg, t, d, K_HOST, CFG_HOST, &tg->host);
	tg->port = (int)take_num(tg, t, d, K_PORT, CFG_PORT, 0);
	take_str(tg, t, d, K_UNIX_SOCKET, CFG_UNIX_SOCKET, &tg->unix_socket);
	take_str(tg, t, d, K_DB, CFG_DB, &tg->db);
	take_str(tg, t, d, K_USERNAME, CFG_USERNAME, &tg->username);
	take_str(tg, t, d, K_PASSWORD, CFG_PASSWORD, &tg->password);
	take_str(tg, t, d, K_FS, CFG_FS, &tg->fs);
	if (!tg->fs && c->cwd) {
		tg->fs = xstrdup(c->cwd);
		tg->source[CFG_FS] = SRC_DEFAULT;
	}
	tg->safe = take_num(tg, t, d, K_SAFE, CFG_SAFE, 1) != 0;
	tg->lock_timeout =
	    (int)take_num(tg, t, d, K_LOCK_TIMEOUT, CFG_LOCK_TIMEOUT, 60);
	take_str(tg, t, d, K_OPERATOR, CFG_OPERATOR, &tg->operator_name);
	take_str(tg, t, d, K_PATH, -1, &tg->path);
	pick(t, d, K_TIMEOUT, &p);
	tg->timeout = p.dur;
	take_tags(tg, t, d);
	if (tg->source[CFG_ENGINE] != SRC_UNSET)
		file_db(c, tg, at);
	return tg;
}

/* ---- the API ----------------------------------------------------------- */

struct targetspec_defaults *
targetspec_defaults(struct targetspec_ctx *c, const struct ynode *map)
{
	struct targetspec_defaults *d = xcalloc(1, sizeof(*d));
	const struct ynode *nodes[K_N] = { 0 };

	layer_init(&d->l);
	if (!map || ynode_is_null(map))
		return d;
	layer_walk(c, map, IN_DEFAULTS, "defaults", nodes);
	layer_count(c, nodes, true);
	layer_convert(c, nodes, 0, &d->l);
	return d;
}

void
targetspec_defaults_free(struct targetspec_defaults *d)
{
	if (!d)
		return;
	layer_release(&d->l);
	free(d);
}

void
targetspec_entry(struct targetspec_ctx *c,
		 const struct targetspec_defaults *d, const struct ynode *item,
		 targetspec_emit_fn *emit, void *arg)
{
	const struct ynode *nodes[K_N] = { 0 };
	struct layer t;
	long long count, i;

	problems_window_begin(c->pr, TARGETSPEC_MAX_ENTRY_PROBLEMS);
	if (item->kind != YNODE_MAP) {
		PROBLEM(c, item,
			"a target must be a mapping with at least 'name', not %s",
			kind_or_null(item));
		goto out;
	}
	layer_walk(c, item, IN_TARGET, "a target entry", nodes);
	/* with a bad range, check the other values once and build nothing */
	count = layer_count(c, nodes, false);
	for (i = 0; i < (count ? count : 1); i++) {
		layer_init(&t);
		layer_convert(c, nodes, i, &t);
		if (count && t.v[K_NAME].s && !t.v[K_NAME].bad)
			emit(arg, target_build(c, &t, &d->l, nodes[K_NAME]),
			     nodes[K_NAME]);
		layer_release(&t);
	}
out:
	problems_window_end(c->pr, "this target entry");
}
