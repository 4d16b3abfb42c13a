/*
 * The driver registry (one driver per row of config/engine.h), the check of
 * DB_URL parameters against the chosen driver, and the db_* wrappers that
 * dispatch through the table and trace SQL when DEBUG is on.
 */
#include "config.h"

#include "drivers/driver.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/spelling.h"
#include "common/xmalloc.h"
#include "config/dburl.h"
#include "common/banned.h"

/*
 * Defined by drivers/<engine>/, each compiled in unless configure was told
 * --without-<engine> (config.h); nothing above drivers/ names them.
 */
extern const struct driver driver_sqlite;
#if WITH_POSTGRES
extern const struct driver driver_postgres;
#endif
#if WITH_MYSQL
extern const struct driver driver_mysql;
#endif

/* One driver per row of the engine table; NULL: not compiled in. */
static const struct driver *const registry[ENGINE_N] = {
	[ENGINE_SQLITE] = &driver_sqlite,
#if WITH_POSTGRES
	[ENGINE_POSTGRES] = &driver_postgres,
#endif
#if WITH_MYSQL
	[ENGINE_MYSQL] = &driver_mysql,
#endif
};

const struct driver *
driver_of(enum engine_id id)
{
	return (unsigned)id < ENGINE_N ? registry[id] : NULL;
}

const struct driver *
driver_find(const char *engine)
{
	const struct engine *row = engine_of(engine);

	return row ? registry[engine_id(row)] : NULL;
}

double
driver_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int
driver_poll(int timeout, int (*try)(void *arg), void *arg)
{
	double deadline = driver_clock() + (timeout > 0 ? timeout : 0), left;
	long pause = 5;
	int rc;

	for (;;) {
		if ((rc = try(arg)) != 0)
			return rc > 0 ? 0 : rc;
		left = deadline - driver_clock();
		if (left <= 0)
			return ERR_LOCK;
		sleep_ms(left * 1000 < pause ? (long)(left * 1000) + 1 : pause);
		pause = pause * 2 > 100 ? 100 : pause * 2;
	}
}

/* A number of the catalogue, 0 when NULL or out of range. */
static int64_t
describe_limit(const char *v)
{
	long long n = v ? strtoll(v, NULL, 10) : 0;

	return n > 0 ? (int64_t)n : 0;
}

void
db_describe_rows(const struct db *db, const struct db_rows *r,
		 struct db_columns *out)
{
	enum textfit_rep (*rep)(const char *) = db->drv->columns_rep;
	struct db_column *c;
	const char *name, *cs;
	size_t i;

	out->v = xcalloc(r->nrows + 1, sizeof(*out->v));
	for (i = 0; i < r->nrows; i++) {
		if ((name = db_rows_get(r, i, 0)) == NULL)
			continue;
		c = &out->v[out->n++];
		c->name = xstrdup(name);
		cs = db_rows_get(r, i, 1);
		c->charset = xstrdup_or_null(cs);
		c->fit.rep = cs && rep ? rep(cs) : TEXTFIT_BYTES;
		c->fit.max_chars = describe_limit(db_rows_get(r, i, 2));
		c->fit.max_bytes = describe_limit(db_rows_get(r, i, 3));
	}
}

const char *
db_columns_sql(const struct db *db)
{
	return db->drv->columns_sql;
}

int
driver_describe(struct db *db, const char *table, struct db_columns *out,
		struct err *e)
{
	struct db_param p[2] = { DBP_TEXTV(db->schema), DBP_TEXTV(table) };
	struct db_rows *r = NULL;
	int rc;

	db_trace(db, db->drv->columns_sql);
	if ((rc = db->drv->query(db, db->drv->columns_sql, p, 2, &r, e)) < 0)
		return rc;
	db_describe_rows(db, r, out);
	db_rows_free(r);
	return 0;
}

void
db_columns_release(struct db_columns *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].charset);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

const struct db_column *
db_columns_find(const struct db_columns *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcasecmp(c->v[i].name, name) == 0)
			return &c->v[i];
	return NULL;
}

void
driver_quote_ident(const char *ident, char q, struct buf *out)
{
	buf_addc(out, q);
	for (; *ident; ident++) {
		if (*ident == q)
			buf_addc(out, q);
		buf_addc(out, *ident);
	}
	buf_addc(out, q);
}

void
drivers_init(void)
{
	size_t i;

	for (i = 0; i < ENGINE_N; i++)
		if (registry[i] && registry[i]->init)
			registry[i]->init();
}

/* "a, b, c", or "none" for an empty list. */
static void
join_names(const char *const *names, struct buf *out)
{
	size_t i;

	if (names == NULL || names[0] == NULL) {
		buf_adds(out, "none");
		return;
	}
	for (i = 0; names[i] != NULL; i++) {
		if (i > 0)
			buf_adds(out, ", ");
		buf_adds(out, names[i]);
	}
}

static bool
driver_accepts_param(const struct driver *drv, const char *key, size_t keylen)
{
	const char *const *p;

	for (p = drv->url_params(); *p != NULL; p++)
		if (strlen(*p) == keylen && strncmp(*p, key, keylen) == 0)
			return true;
	return false;
}

/* Was the key of params[i] given before it? */
static bool
param_repeated(const struct strv *params, size_t i, size_t keylen)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strncmp(params->v[j], params->v[i], keylen + 1) == 0)
			return true;
	return false;
}

/* An unknown parameter key[0..keylen): a typo of a known one, or the list. */
static int
unknown_param(const struct driver *drv, const char *key, size_t keylen,
	      struct err *e)
{
	struct buf list = BUF_INIT;
	struct spelling sp;
	const char *const *p;
	char *word = xstrndup(key, keylen);

	spelling_init(&sp, word);
	for (p = drv->url_params(); *p != NULL; p++)
		spelling_offer(&sp, *p);
	if (sp.best != NULL)
		buf_addf(&list, "did you mean '%s'?", sp.best);
	else {
		buf_adds(&list, "supported: ");
		join_names(drv->url_params(), &list);
	}
	err_set(e, ERR_CONFIG,
		"DB_URL: parameter '%s' is not supported by the %s driver (%s)",
		word, drv->name, list.ptr);
	buf_release(&list);
	free(word);
	return ERR_CONFIG;
}

/* "sqlite, postgres, mysql": the engines compiled in. */
static void
built_names(struct buf *out)
{
	size_t i;

	for (i = 0; i < ENGINE_N; i++)
		if (registry[i])
			buf_addf(out, "%s%s", out->len ? ", " : "",
				 engine_get(i)->name);
}

/* An engine with no driver: not one of the table, or not compiled in. */
static int
unknown_engine(const char *engine, struct err *e)
{
	struct buf list = BUF_INIT;

	built_names(&list);
	if (engine_of(engine) != NULL)
		err_set(e, ERR_CONFIG,
			"engine '%s' is not compiled into this migratore "
			"(built with: %s; see ./configure --help)",
			engine, list.ptr);
	else
		err_set(e, ERR_CONFIG, "unknown engine '%s' (supported: %s)",
			engine ? engine : "", list.ptr);
	buf_release(&list);
	return ERR_CONFIG;
}

int
driver_validate(const struct target *t, struct err *e)
{
	const struct driver *drv = driver_find(t->engine);
	size_t i, keylen;
	const char *key;

	if (drv == NULL)
		return unknown_engine(t->engine, e);
	if (t->schema != NULL && drv->create_schema == NULL)
		return err_set(e, ERR_CONFIG,
			       "schema '%s': a %s database has no schemas",
			       t->schema, drv->name);
	for (i = 0; i < t->params.n; i++) {
		key = t->params.v[i];
		keylen = strcspn(key, "=");
		if (!driver_accepts_param(drv, key, keylen))
			return unknown_param(drv, key, keylen, e);
		if (param_repeated(&t->params, i, keylen))
			return err_set(e, ERR_CONFIG,
				       "DB_URL: parameter '%.*s' is given "
				       "twice",
				       (int)keylen, key);
	}
	return 0;
}

const char *
db_rows_get(const struct db_rows *r, size_t row, size_t col)
{
	if (r == NULL || row >= r->nrows || col >= r->ncols)
		return NULL;
	return r->cells[row * r->ncols + col];
}

void
db_rows_free(struct db_rows *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i]);
	for (i = 0; r->names && i < r->ncols; i++)
		free(r->names[i]);
	free(r->names);
	free(r->cells);
	free(r);
}

const char *
db_rows_name(const struct db_rows *r, size_t col)
{
	if (r == NULL || !r->names || col >= r->ncols || !r->names[col])
		return "";
	return r->names[col];
}

void
db_rows_set_names(struct db_rows *r, const char *(*name)(void *arg, size_t i),
		  void *arg)
{
	size_t i;

	r->names = xcalloc(r->ncols ? r->ncols : 1, sizeof(*r->names));
	for (i = 0; i < r->ncols; i++)
		r->names[i] = xstrdup_or_null(name(arg, i));
}

/*
 * DEBUG=1 promises every SQL statement on stderr whatever the log level, in
 * the Python tool's "[engine] sql" form, so this is the one place in the
 * library that writes to stderr itself instead of going through log.h: the
 * trace is output the user asked for, not a diagnostic. In fleet mode the
 * worker's stderr is captured per target like the rest of its output.
 */
void
db_trace(const struct db *db, const char *sql)
{
	if (db == NULL || !db->debug)
		return;
	fprintf(stderr, "[%s] %s\n", db->drv->name, sql);
}

int
db_connect(const struct target *t, bool readonly, struct db **out,
	   struct err *e)
{
	const struct driver *drv = driver_find(t->engine);
	int rc;

	*out = NULL;
	if (drv == NULL)
		return unknown_engine(t->engine, e);
	rc = drv->connect(t, readonly, out, e);
	if (rc == ERR_REFUSED) {
		size_t n = strlen(e->msg);

		/* exit 4 like an unreachable server: say which it was */
		snprintf(e->msg + n, sizeof(e->msg) - n,
			 " (refused by the server: fix the password, the "
			 "database name or the privilege, a retry would not "
			 "help; nothing was touched)");
	}
	if (rc < 0)
		return rc;
	/* Every driver fills the base; setting it here keeps them honest. */
	(*out)->drv = drv;
	(*out)->target = t;
	(*out)->debug = t->debug;
	(*out)->readonly = readonly;
	return 0;
}

void
db_close(struct db *db)
{
	if (db != NULL)
		db->drv->close(db);
}

int
db_lock(struct db *db, int timeout, struct err *e)
{
	return db->drv->lock(db, timeout, e);
}

int
db_unlock(struct db *db, struct err *e)
{
	return db->drv->unlock(db, e);
}

int
db_begin(struct db *db, struct err *e)
{
	return db->drv->begin(db, e);
}

int
db_commit(struct db *db, struct err *e)
{
	return db->drv->commit(db, e);
}

int
db_rollback(struct db *db, struct err *e)
{
	return db->drv->rollback(db, e);
}

const char *
db_lock_sql(struct db *db, struct db_param p[2], size_t *np)
{
	*np = 0;
	return db->drv->lock_sql ? db->drv->lock_sql(db, p, np) : NULL;
}

bool
db_lock_taken(const char *cell)
{
	return cell && (strcmp(cell, "1") == 0 || strcmp(cell, "t") == 0);
}

int
db_exec(struct db *db, const char *sql, struct err *e)
{
	db_trace(db, sql);
	return db->drv->exec(db, sql, e);
}

int
db_query(struct db *db, const char *sql, const struct db_param *params,
	 size_t nparams, struct db_rows **out, struct err *e)
{
	db_trace(db, sql);
	return db->drv->query(db, sql, params, nparams, out, e);
}

int
db_describe(struct db *db, const char *table, struct db_columns *out,
	    struct err *e)
{
	return db->drv->columns(db, table, out, e);
}

int
db_columns(struct db *db, const char *table, struct strv *out,
	   struct err *e)
{
	struct db_columns cols = DB_COLUMNS_INIT;
	size_t i;
	int rc;

	if ((rc = db_describe(db, table, &cols, e)) < 0)
		return rc;
	for (i = 0; i < cols.n; i++)
		strv_push(out, cols.v[i].name);
	db_columns_release(&cols);
	return 0;
}

void
db_quote_ident(struct db *db, const char *ident, struct buf *out)
{
	db->drv->quote_ident(ident, out);
}

void
db_qualify(struct db *db, const char *name, struct buf *out)
{
	if (db->schema != NULL) {
		db->drv->quote_ident(db->schema, out);
		buf_addc(out, '.');
	}
	db->drv->quote_ident(name, out);
}

int
db_create_schema(struct db *db, struct err *e)
{
	int rc;

	if (!db->drv->create_schema)
		return err_set(e, ERR_INTERNAL, "%s has no schemas to create",
			       db->drv->name);
	if ((rc = db->drv->create_schema(db, e)) == 0)
		db->schema_missing = false;
	return rc;
}

int
db_session_reset(struct db *db, struct err *e)
{
	return db->drv->session_reset ? db->drv->session_reset(db, e) : 0;
}

bool
db_tables_locked(const struct db *db)
{
	return db->drv->tables_locked && db->drv->tables_locked(db);
}

bool
db_session_statement(const struct db *db, const char *stmt)
{
	return db->drv->session_statement &&
	       db->drv->session_statement(stmt);
}

int
db_serialize(struct db *db, const char *table, struct err *e)
{
	return db->drv->serialize ? db->drv->serialize(db, table, e) : 0;
}

bool
db_transactional_ddl(const struct db *db)
{
	return db->drv->transactional_ddl;
}

bool
db_lock_timed_out(const struct db *db, const struct err *e)
{
	return db->drv->lock_timed_out && db->drv->lock_timed_out(e);
}

int
db_lock_holders(struct db *db, struct db_rows **out, struct err *e)
{
	*out = NULL;
	return db->drv->lock_holders ? db->drv->lock_holders(db, out, e) : 0;
}

bool
db_commits_implicitly(const struct db *db, const char *stmt)
{
	return db->drv->commits_implicitly(stmt);
}

bool
db_transactional(const struct db *db, const char *stmt)
{
	return db->drv->transactional && db->drv->transactional(stmt);
}

bool
db_effect_known(const struct db *db, const char *stmt)
{
	return db->drv->effect_known && db->drv->effect_known(stmt);
}

enum db_effect
db_stmt_effect(struct db *db, const char *stmt)
{
	enum db_effect out = DB_EFFECT_UNKNOWN;

	if (!db_effect_known(db, stmt) || db->drv->stmt_effect == NULL ||
	    db->drv->stmt_effect(db, stmt, &out, &(struct err){ 0 }) < 0)
		return DB_EFFECT_UNKNOWN;
	return out;
}

int
db_server_version(struct db *db, struct buf *out, struct err *e)
{
	return db->drv->server_version(db, out, e);
}

/* ---- helpers the drivers share ---- */

#define REDACT_MASK "****"

static bool
redact_delim(char c)
{
	return c != '\0' && strchr(" \t\r\n\v\f'\"`=:@&", c) != NULL;
}

/* Would masking pw hide anything? (See driver.h.) */
static bool
redact_worth_it(const struct target *t, const char *pw)
{
	const char *p;

	if (pw == NULL || *pw == '\0')
		return false;
	for (p = pw; redact_delim(*p); p++)
		;
	if (*p == '\0')
		return false; /* no word in it: it cannot stand as a token */
	return !((t->username && strcmp(t->username, pw) == 0) ||
		 (t->db && strcmp(t->db, pw) == 0) ||
		 (t->host && strcmp(t->host, pw) == 0));
}

/*
 * One pass over the original text into a new buffer: what is written is
 * never searched again, so a mask that contains the password (a password
 * of '*') cannot make it loop or grow.
 */
static void
redact_one(struct buf *text, const struct target *t, const char *pw)
{
	const char *s = text->ptr;
	struct buf out = BUF_INIT;
	size_t i = 0, n = text->len, plen;

	if (!redact_worth_it(t, pw))
		return;
	plen = strlen(pw);
	while (i < n) {
		if ((i == 0 || redact_delim(s[i - 1])) && n - i >= plen &&
		    memcmp(s + i, pw, plen) == 0 &&
		    (i + plen == n || redact_delim(s[i + plen]))) {
			buf_adds(&out, REDACT_MASK);
			i += plen;
		} else {
			buf_addc(&out, s[i++]);
		}
	}
	buf_release(text);
	*text = out;
}

void
driver_redact(struct buf *text, const struct target *t)
{
	const char *kv;
	size_t i, keylen;

	redact_one(text, t, t->password);
	for (i = 0; i < t->params.n; i++) {
		kv = t->params.v[i];
		keylen = strcspn(kv, "=");
		if (kv[keylen] == '=' && dburl_secret_key(kv, keylen))
			redact_one(text, t, kv + keylen + 1);
	}
}

int
driver_query_one(struct db *db, const char *sql,
		 const struct db_param *params, size_t nparams, char **val,
		 struct err *e)
{
	struct db_rows *r = NULL;
	struct db_stmt s = { DBS_SQL, sql, params, nparams, false, &r, NULL,
			     NULL };
	size_t failed;
	int rc;

	/* As a batch: MySQL then sends it as text, one round trip instead
	 * of a prepared statement's two. */
	*val = NULL;
	if ((rc = db_batch(db, &s, 1, &failed, e)) < 0)
		return rc;
	if (r->nrows > 0 && r->ncols > 0 && r->cells[0]) {
		*val = r->cells[0];
		r->cells[0] = NULL;
	}
	db_rows_free(r);
	return 0;
}

int
driver_param_seconds(const struct target *t, const char *key,
		     unsigned int def, unsigned int *out, struct err *e)
{
	const char *v = target_param(t, key);
	char *end;
	long n;

	*out = def;
	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > 86400)
		return err_set(e, ERR_CONFIG,
			       "invalid %s '%s' (expected seconds, 0-86400)",
			       key, v);
	*out = (unsigned int)n;
	return 0;
}

void
driver_copy_field(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

int
driver_count_mismatch(size_t placeholders, size_t nparams, const char *sql,
		      struct err *e)
{
	return err_set(e, ERR_INTERNAL,
		       "statement has %zu placeholders but %zu parameters "
		       "were given: %s",
		       placeholders, nparams, sql);
}

bool
driver_never_commits(const char *stmt)
{
	(void)stmt;
	return false;
}

const char *
driver_skip_blanks(const char *p)
{
	const char *q;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-')
			p += strcspn(p, "\n");
		else if (p[0] == '/' && p[1] == '*' &&
			 (q = strstr(p + 2, "*/")) != NULL)
			p = q + 2;
		else
			return p;
	}
}
