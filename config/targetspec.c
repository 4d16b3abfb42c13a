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
#include "config/targetlayer.h"
#include "common/banned.h"

/* The places a mapping of target keys stands (keytable's masks). */
#define IN_DEFAULTS 1u
#define IN_TARGET 2u  /* a static entry */
#define IN_QUERY 4u   /* a discover entry with a query: a template */
#define IN_COMMAND 8u /* a discover entry with a command */
#define IN_LINE 16u   /* one target a command printed */
#define ENTRIES (IN_TARGET | IN_QUERY | IN_COMMAND | IN_LINE)
#define BOTH (IN_DEFAULTS | ENTRIES)
#define NAMED (IN_TARGET | IN_QUERY | IN_LINE)
#define DISCOVERING (IN_QUERY | IN_COMMAND)

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
	KEY("name", K_NAME, KT_SCALAR, NAMED, NAMED, conv_name, 0),
	KEY("engine", K_ENGINE, KT_SCALAR, BOTH, 0, conv_engine, 0),
	KEY("url", K_URL, KT_SCALAR, BOTH, 0, conv_url, 1),
	KEY("host", K_HOST, KT_SCALAR, BOTH, 0, conv_text, 0),
	KEY("port", K_PORT, KT_SCALAR, BOTH, 0, conv_port, 0),
	KEY("unix_socket", K_UNIX_SOCKET, KT_SCALAR, BOTH, 0, conv_path, 0),
	/* a relative SQLite path is resolved once the engine is known */
	KEY("db", K_DB, KT_SCALAR, BOTH, 0, conv_text, 0),
	KEY("schema", K_SCHEMA, KT_SCALAR, BOTH, 0, conv_text, 0),
	KEY("create_schema", K_CREATE_SCHEMA, KT_SCALAR, BOTH, 0, conv_bool,
	    0),
	KEY("username", K_USERNAME, KT_SCALAR, BOTH, 0, conv_text, 0),
	KEY("password", K_PASSWORD, KT_SCALAR, BOTH, 0, conv_secret, 1),
	KEY("password_file", K_PASSWORD_FILE, KT_SCALAR, BOTH, 0,
	    conv_secret_file, 0),
	KEY("fs", K_FS, KT_SCALAR, BOTH, 0, conv_path, 0),
	KEY("safe", K_SAFE, KT_SCALAR, BOTH, 0, conv_bool, 0),
	KEY("lock_timeout", K_LOCK_TIMEOUT, KT_SCALAR, BOTH, 0, conv_seconds,
	    0),
	KEY("ddl_lock_timeout", K_DDL_LOCK_TIMEOUT, KT_SCALAR, BOTH, 0,
	    conv_duration, 0),
	KEY("ddl_lock_retries", K_DDL_LOCK_RETRIES, KT_SCALAR, BOTH, 0,
	    conv_duration, 0),
	KEY("operator", K_OPERATOR, KT_SCALAR, BOTH, 0, conv_text, 0),
	KEY("strict_checksums", K_STRICT_CHECKSUMS, KT_SCALAR, BOTH, 0,
	    conv_bool, 0),
	KEY("path", K_PATH, KT_SCALAR, BOTH, 0, conv_path, 0),
	KEY("tags", K_TAGS, KT_SEQ, BOTH, 0, NULL, 0), /* see layer_tags */
	KEY("timeout", K_TIMEOUT, KT_SCALAR, BOTH, 0, conv_duration, 0),
	/* config/discovery.c reads it; never converted here */
	KEY("discover", K_DISCOVER, KT_MAP, DISCOVERING, DISCOVERING, NULL, 0),
	KEY(NULL, 0, 0, 0, 0, NULL, 0),
};

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

char *
targetspec_path(const char *dir, const char *p)
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
	abs = targetspec_path(c->dir, v->s);
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
 * name). no_ranges names a place where ranges are refused ("defaults").
 * Returns false after reporting.
 */
static bool
ranges_check(struct targetspec_ctx *c, const struct ynode *n,
	     const struct spec_key *sk, const char *no_ranges,
	     long long *count)
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
		else if (no_ranges)
			PROBLEM(c, n, "%s: ranges are not allowed in %s", key,
				no_ranges);
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
	    const char *no_ranges)
{
	const struct spec_key *sk;
	const struct ynode *n;
	long long count = 0;
	bool ok = true;
	size_t i;

	for (sk = spec_keys; sk->def.key; sk++) {
		if (!(n = nodes[sk->def.slot]) || sk->def.slot == K_DISCOVER)
			continue;
		if (n->kind == YNODE_SCALAR)
			ok &= ranges_check(c, n, sk, no_ranges, &count);
		for (i = 0; n->kind == YNODE_SEQ && i < n->n; i++)
			if (n->kids[i]->kind == YNODE_SCALAR)
				ok &= ranges_check(c, n->kids[i], sk, no_ranges,
						   &count);
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
       long long idx)
{
	struct buf tmp = BUF_INIT, out = BUF_INIT, why = BUF_INIT;
	const char *s = n->str;
	bool ok = true;

	if (!targetspec_text_ok(c, key, n))
		return NULL;
	if (strchr(s, '{')) {
		ok = expansion_ranges(s, idx, &tmp);
		s = tmp.ptr;
	}
	if (ok)
		targetspec_note_secret(c, key, s);
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

void
targetspec_note_secret(struct targetspec_ctx *c, const char *key,
		       const char *text)
{
	const struct spec_key *sk;

	for (sk = spec_keys; sk->def.key; sk++)
		if (strcmp(sk->def.key, key) == 0)
			break;
	if (sk->def.key && sk->secret && c->secret_vars != NULL)
		expansion_env_names(text, c->secret_vars);
}

bool
targetspec_text_ok(struct targetspec_ctx *c, const char *key,
		   const struct ynode *n)
{
	if (strlen(n->str) == n->len)
		return true;
	PROBLEM(c, n, "%s: the value contains a NUL byte", key);
	return false;
}

/* The static entries' text function: instance *(long long *)arg. */
static char *
static_text(struct targetspec_ctx *c, void *arg, const char *key,
	    const struct ynode *n)
{
	return expand(c, n, key, *(const long long *)arg);
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

/* Tags: a sequence of names; each item's text comes from fn. */
static void
layer_tags(struct targetspec_ctx *c, struct value *v, targetspec_text_fn *fn,
	   void *arg)
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
		} else if ((s = fn(c, arg, "tags", item)) == NULL) {
			v->bad = true;
		} else if (s == TARGETSPEC_SKIP) {
			continue;
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

/* Convert the keys given in nodes: each scalar's text from fn (a skipped
 * key counts as not given), then checked through its table entry. */
static void
layer_convert(struct targetspec_ctx *c, const struct ynode **nodes,
	      targetspec_text_fn *fn, void *arg, struct layer *l)
{
	const struct spec_key *sk;
	struct value *v, *eng = &l->v[K_ENGINE];

	for (sk = spec_keys; sk->def.key; sk++) {
		v = &l->v[sk->def.slot];
		if (!(v->node = nodes[sk->def.slot]) ||
		    sk->def.slot == K_DISCOVER)
			continue;
		if (ynode_is_null(v->node)) {
			v->null = true;
			if (sk->def.slot == K_NAME)
				bad(c, v, "name: must not be empty");
		} else if (sk->def.shape == KT_SEQ) {
			layer_tags(c, v, fn, arg);
		} else if (!(v->s = fn(c, arg, sk->def.key, v->node))) {
			v->bad = true;
		} else if (v->s == TARGETSPEC_SKIP) {
			v->s = NULL;
			v->node = NULL;
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

/* ---- the API ----------------------------------------------------------- */

struct targetspec_defaults *
targetspec_defaults(struct targetspec_ctx *c, const struct ynode *map)
{
	struct targetspec_defaults *d = xcalloc(1, sizeof(*d));
	const struct ynode *nodes[K_N] = { 0 };
	long long idx = 0;

	layer_init(&d->l);
	if (!map || ynode_is_null(map))
		return d;
	layer_walk(c, map, IN_DEFAULTS, "defaults", nodes);
	layer_count(c, nodes, "defaults");
	layer_convert(c, nodes, static_text, &idx, &d->l);
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

const struct ynode *
targetspec_discover(const struct ynode *item, const struct ynode **value)
{
	size_t i;

	for (i = 0; item->kind == YNODE_MAP && i < item->n; i++)
		if (ynode_key(item, i)->kind == YNODE_SCALAR &&
		    strcmp(ynode_key(item, i)->str, "discover") == 0) {
			if (value)
				*value = ynode_value(item, i);
			return ynode_key(item, i);
		}
	return NULL;
}

void
targetspec_entry(struct targetspec_ctx *c,
		 const struct targetspec_defaults *d, const struct ynode *item,
		 targetspec_emit_fn *emit, void *arg)
{
	const struct ynode *nodes[K_N] = { 0 };
	struct layers ls = { { NULL, &d->l }, 2 };
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
	count = layer_count(c, nodes, NULL);
	for (i = 0; i < (count ? count : 1); i++) {
		layer_init(&t);
		layer_convert(c, nodes, static_text, &i, &t);
		ls.v[0] = &t;
		if (count && t.v[K_NAME].s && !t.v[K_NAME].bad)
			emit(arg, targetmerge_build(c, &ls, nodes[K_NAME]),
			     nodes[K_NAME]);
		layer_release(&t);
	}
out:
	problems_window_end(c->pr, "this target entry");
}

/* ---- layers for discovery ---------------------------------------------- */

char targetspec_skip_marker;

struct targetspec_layer {
	const struct ynode *nodes[K_N]; /* as walked */
	struct layer l;                 /* as last converted */
};

static const char *const place_what[] = {
	[TARGETSPEC_QUERY] = "a discover entry",
	[TARGETSPEC_COMMAND] = "a discover entry with a command (each line "
			       "of its output names its target)",
	[TARGETSPEC_LINE] = "a discovered target",
};

static const unsigned place_where[] = {
	[TARGETSPEC_QUERY] = IN_QUERY,
	[TARGETSPEC_COMMAND] = IN_COMMAND,
	[TARGETSPEC_LINE] = IN_LINE,
};

struct targetspec_layer *
targetspec_layer_walk(struct targetspec_ctx *c, const struct ynode *map,
		      enum targetspec_place place)
{
	struct targetspec_layer *tl = xcalloc(1, sizeof(*tl));

	layer_init(&tl->l);
	layer_walk(c, map, place_where[place], place_what[place], tl->nodes);
	return tl;
}

struct targetspec_layer *
targetspec_layer_pairs(const char *const *keys,
		       const struct ynode *const *nodes, size_t n)
{
	struct targetspec_layer *tl = xcalloc(1, sizeof(*tl));
	const struct keydef *kd;
	size_t i;

	layer_init(&tl->l);
	for (i = 0; i < n; i++)
		if (nodes[i] && (kd = keytable_find(spec_keys,
						    sizeof(spec_keys[0]),
						    keys[i])) != NULL)
			tl->nodes[kd->slot] = nodes[i];
	return tl;
}

void
targetspec_layer_free(struct targetspec_layer *tl)
{
	if (!tl)
		return;
	layer_release(&tl->l);
	free(tl);
}

const struct ynode *
targetspec_layer_node(const struct targetspec_layer *tl, const char *key)
{
	const struct keydef *kd =
	    keytable_find(spec_keys, sizeof(spec_keys[0]), key);

	return kd ? tl->nodes[kd->slot] : NULL;
}

void
targetspec_layer_scalars(const struct targetspec_layer *tl,
			 void (*fn)(void *arg, const char *key,
				    const struct ynode *n),
			 void *arg)
{
	const struct spec_key *sk;
	const struct ynode *n;
	size_t i;

	for (sk = spec_keys; sk->def.key; sk++) {
		if (!(n = tl->nodes[sk->def.slot]) || ynode_is_null(n) ||
		    sk->def.slot == K_DISCOVER)
			continue;
		if (n->kind == YNODE_SCALAR)
			fn(arg, sk->def.key, n);
		for (i = 0; n->kind == YNODE_SEQ && i < n->n; i++)
			if (n->kids[i]->kind == YNODE_SCALAR &&
			    !ynode_is_null(n->kids[i]))
				fn(arg, sk->def.key, n->kids[i]);
	}
}

const char *
targetspec_layer_convert(struct targetspec_ctx *c, struct targetspec_layer *tl,
			 targetspec_text_fn *fn, void *arg)
{
	const struct value *name = &tl->l.v[K_NAME];

	layer_release(&tl->l);
	layer_convert(c, tl->nodes, fn, arg, &tl->l);
	return name->s && !name->bad ? name->s : NULL;
}

struct target *
targetspec_build(struct targetspec_ctx *c,
		 const struct targetspec_layer *const *v, size_t n,
		 const struct targetspec_defaults *d, const struct ynode *at)
{
	struct layers ls = { { NULL }, 0 };
	size_t i;

	for (i = 0; i < n && ls.n < 3; i++)
		ls.v[ls.n++] = &v[i]->l;
	if (d)
		ls.v[ls.n++] = &d->l;
	return targetmerge_build(c, &ls, at);
}
