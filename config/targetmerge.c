/* Merging layers of target keys (an entry over the defaults) into one
 * struct target; see targetlayer.h and migratore-inventory(5),
 * PRECEDENCE. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "config/engine.h"
#include "config/duration.h"
#include "config/targetlayer.h"
#include "common/banned.h"

/* ---- merging layers ---------------------------------------------------- */

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

/* Setting k: each layer's key, then its url, in order. */
static void
pick(const struct layers *ls, int k, struct pick *p)
{
	const struct value *v;
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < ls->n; i++) {
		v = &ls->v[i]->v[k];
		if (k == K_PASSWORD && !v->node)
			v = &ls->v[i]->v[K_PASSWORD_FILE];
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
		if (url_part(ls->v[i], k, p))
			return;
		if (ls->v[i]->v[K_URL].bad) {
			p->bad = true; /* the bad url may have held it */
			return;
		}
	}
}

static void
take_str(struct target *tg, const struct layers *ls, int k, int cfg,
	 char **field)
{
	struct pick p;

	pick(ls, k, &p);
	if (!p.s)
		return;
	free(*field);
	*field = xstrdup(p.s);
	if (cfg >= 0)
		tg->source[cfg] = p.src;
}

static long
take_num(struct target *tg, const struct layers *ls, int k, int cfg,
	 long dflt)
{
	struct pick p;

	pick(ls, k, &p);
	if (p.src == SRC_UNSET) {
		p.num = dflt;
		p.src = dflt ? SRC_DEFAULT : SRC_UNSET;
	}
	tg->source[cfg] = p.src;
	return p.num;
}

/*
 * A duration of the inventory; else the environment's variable of that
 * name (the fleet's default; the loader reports a bad one, once); else
 * dflt.
 */
static double
take_dur(struct targetspec_ctx *c, struct target *tg, const struct layers *ls,
	 int k, int cfg, double dflt)
{
	const char *var = cfg == CFG_DDL_LOCK_TIMEOUT ? "DDL_LOCK_TIMEOUT"
						      : "DDL_LOCK_RETRIES";
	struct err e = ERR_INIT;
	struct pick p;

	pick(ls, k, &p);
	tg->source[cfg] = p.src;
	if (p.src != SRC_UNSET)
		return p.dur;
	tg->source[cfg] = SRC_DEFAULT;
	if (duration_env(c->envp, var, &p.dur, &e) != 1)
		return dflt;
	tg->source[cfg] = SRC_ENV;
	return p.dur;
}

/* The defaults' tags first, then each more specific layer's; a layer's
 * "tags: ~" drops the tags of the layers behind it. */
static void
take_tags(struct target *tg, const struct layers *ls)
{
	const struct strv *tags;
	size_t i, j, from = ls->n;

	for (i = 0; i < ls->n; i++)
		if (ls->v[i]->v[K_TAGS].null) {
			from = i;
			break;
		}
	for (i = from; i-- > 0;) {
		tags = &ls->v[i]->v[K_TAGS].list;
		for (j = 0; j < tags->n; j++)
			if (!strv_contains(&tg->tags, tags->v[j]))
				strv_push(&tg->tags, tags->v[j]);
	}
}

static void
take_url(struct target *tg, const struct layers *ls)
{
	const struct layer *l = NULL;
	size_t i;

	for (i = 0; i < ls->n && !l; i++)
		if (ls->v[i]->v[K_URL].node)
			l = ls->v[i];
	if (!l || !l->url_ok)
		return;
	tg->db_url = xstrdup(l->v[K_URL].s);
	tg->source[CFG_DB_URL] = SRC_INVENTORY;
	for (i = 0; i < l->url.params.n; i++)
		strv_push(&tg->params, l->url.params.v[i]);
}

/* A file engine (SQLite) needs its file, relative to the inventory like
 * every other path, and has no schemas; a server keeps names of a
 * bounded length. */
static void
engine_checks(struct targetspec_ctx *c, struct target *tg,
	      const struct ynode *at)
{
	const struct engine *eng = engine_of(tg->engine);
	struct buf b = BUF_INIT;
	char *abs;

	if (eng && tg->schema && eng->schema == ENGINE_SCHEMA_NONE)
		PROBLEM(c, at, "schema: a %s target has no schemas (its "
			       "database is a file: use db)",
			tg->engine);
	else if (eng && tg->schema && eng->name_max &&
		 strlen(tg->schema) > eng->name_max)
		PROBLEM(c, at, "schema: '%s' is longer than %zu bytes, the "
			       "longest name %s keeps",
			problems_quote(&b, tg->schema), eng->name_max,
			tg->engine);
	buf_release(&b);
	if (!engine_is_file(tg->engine))
		return;
	if (!tg->db) {
		PROBLEM(c, at, "no db: a %s target needs the database file "
			       "(db or url)", tg->engine);
	} else if (strcmp(tg->db, ":memory:") != 0) {
		abs = targetspec_path(c->dir, tg->db);
		free(tg->db);
		tg->db = abs;
	}
}

/*
 * One target from its layers, built even when a problem is reported.
 * Problems are worded without the target's name, so that the instances of
 * a range repeat, and are listed, only once.
 */
struct target *
targetmerge_build(struct targetspec_ctx *c, const struct layers *ls,
		  const struct ynode *at)
{
	struct target *tg = target_new();
	struct pick p;

	take_str(tg, ls, K_NAME, -1, &tg->name);
	pick(ls, K_ENGINE, &p);
	if (!p.s && !p.bad)
		PROBLEM(c, at, "no engine: set 'engine' or 'url', in the "
			       "target or in defaults");
	take_str(tg, ls, K_ENGINE, CFG_ENGINE, &tg->engine);
	take_url(tg, ls);
	take_str(tg, ls, K_HOST, CFG_HOST, &tg->host);
	tg->port = (int)take_num(tg, ls, K_PORT, CFG_PORT, 0);
	take_str(tg, ls, K_UNIX_SOCKET, CFG_UNIX_SOCKET, &tg->unix_socket);
	take_str(tg, ls, K_DB, CFG_DB, &tg->db);
	take_str(tg, ls, K_SCHEMA, CFG_SCHEMA, &tg->schema);
	tg->create_schema =
	    take_num(tg, ls, K_CREATE_SCHEMA, CFG_CREATE_SCHEMA, 0) != 0;
	take_str(tg, ls, K_USERNAME, CFG_USERNAME, &tg->username);
	take_str(tg, ls, K_PASSWORD, CFG_PASSWORD, &tg->password);
	take_str(tg, ls, K_FS, CFG_FS, &tg->fs);
	if (!tg->fs && c->cwd) {
		tg->fs = xstrdup(c->cwd);
		tg->source[CFG_FS] = SRC_DEFAULT;
	}
	tg->safe = take_num(tg, ls, K_SAFE, CFG_SAFE, 1) != 0;
	tg->lock_timeout =
	    (int)take_num(tg, ls, K_LOCK_TIMEOUT, CFG_LOCK_TIMEOUT, 60);
	tg->ddl_lock_timeout =
	    take_dur(c, tg, ls, K_DDL_LOCK_TIMEOUT, CFG_DDL_LOCK_TIMEOUT,
		     TARGET_DDL_LOCK_TIMEOUT);
	tg->ddl_lock_retries =
	    take_dur(c, tg, ls, K_DDL_LOCK_RETRIES, CFG_DDL_LOCK_RETRIES,
		     TARGET_DDL_LOCK_RETRIES);
	take_str(tg, ls, K_OPERATOR, CFG_OPERATOR, &tg->operator_name);
	tg->strict_checksums =
	    take_num(tg, ls, K_STRICT_CHECKSUMS, CFG_STRICT_CHECKSUMS, 0) != 0;
	take_str(tg, ls, K_PATH, -1, &tg->path);
	pick(ls, K_TIMEOUT, &p);
	tg->timeout = p.dur;
	take_tags(tg, ls);
	if (tg->source[CFG_ENGINE] != SRC_UNSET)
		engine_checks(c, tg, at);
	return tg;
}

