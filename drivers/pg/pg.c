/*
 * PostgreSQL driver on libpq: connects from the target's fields, takes the
 * migration lock as a session advisory lock, and copies libpq's error fields
 * (SQLSTATE, message, detail, hint, position) into struct err intact.
 */
#include "config.h"

#include "drivers/pg/pg.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libpq-fe.h>

#include "common/xmalloc.h"
#include "drivers/pg/pgconn.h"
#include "drivers/pg/pgdb.h"
#include "drivers/pg/pglogin.h"
#include "drivers/pg/pgstmt.h"
#include "common/banned.h"

#define PG_INT8OID 20 /* pg_type.h is a server header; the OID is fixed */


static struct pgdb *
pg_of(struct db *db)
{
	return (struct pgdb *)db;
}

/* Server notices (NOTICE: table does not exist, skipping) are not errors;
 * library code never prints, so they are dropped unless tracing SQL. */
static void
pg_notice(void *arg, const char *message)
{
	const struct db *db = arg;

	if (db->debug)
		fprintf(stderr, "postgres: %s", message);
}

static void pg_close(struct db *db);
static void pg_quote_ident(const char *ident, struct buf *out);

/*
 * A schema target's schema is the one current_schema() found: the server
 * applied our search_path. None found: the schema is missing (or this
 * user may not use it), which only a target that may create it accepts.
 */
static int
pg_check_schema(struct pgdb *pg, struct err *e)
{
	const char *want = pg->base.target->schema;
	char *found = pg->base.schema;

	if (found && strcmp(found, want) == 0)
		return 0;
	err_clear(e);
	if (found)
		return err_set(e, ERR_CONNECT,
			       "postgres at %s did not run with search_path "
			       "\"%s\" but in schema \"%s\": does a "
			       "connection pooler drop the startup options?",
			       pg->where, want, found);
	pg->base.schema = xstrdup(want);
	if (pg->base.target->create_schema) {
		pg->base.schema_missing = true;
		return 0;
	}
	return err_set(e, ERR_CONNECT,
		       "cannot use postgres at %s: the schema does not exist "
		       "(or this user may not use it): create it first, or "
		       "let migratore create it (create_schema: true, "
		       "CREATE_SCHEMA=1)",
		       pg->where);
}

/*
 * The schema the bookkeeping lives in: current_schema() before any
 * migration could change search_path. NULL when search_path names no
 * schema that exists (names then stay unqualified, as they were).
 */
void
pg_schema_is(struct pgdb *pg, const struct db_rows *rows)
{
	const char *v = rows ? db_rows_get(rows, 0, 0) : NULL;

	pg->schema_pending = false;
	free(pg->base.schema);
	pg->base.schema = xstrdup_or_null(v);
}

int
pg_settle(struct pgdb *pg, struct err *e)
{
	PGresult *res;
	int rc = 0;

	if (!pg->schema_pending)
		return 0;
	db_trace(&pg->base, PG_SCHEMA_SQL);
	res = PQexec(pg->conn, PG_SCHEMA_SQL);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = pg_fail(pg, res, e);
	} else {
		struct db_rows *rows = pg_rows(res);

		pg_schema_is(pg, rows);
		db_rows_free(rows);
	}
	PQclear(res);
	if (rc == 0 && pg->base.target->schema)
		rc = pg_check_schema(pg, e);
	return rc;
}

/* pg's connection is up: the rest of its fields. where: owned. */
static void
pg_connected(struct pgdb *pg, const struct target *t, bool readonly,
	     char *where)
{
	pg->base.drv = &driver_postgres;
	pg->base.target = t;
	pg->base.debug = t->debug;
	pg->base.readonly = readonly;
	pg->where = where;
	pg->lock_key = pg_lock_key(PQdb(pg->conn), t->schema);
	PQsetNoticeProcessor(pg->conn, pg_notice, &pg->base);
	/* Read with the first statement: no round trip of its own; but a
	 * schema target's is checked before anything runs in it. */
	pg->schema_pending = true;
}

static int
pg_connect(const struct target *t, bool readonly, struct db **out,
	   struct err *e)
{
	struct pgdb *pg;
	struct buf where = BUF_INIT;
	struct pgconn_params kv;
	unsigned int secs;
	bool timed_out;
	int rc;

	*out = NULL;
	if ((rc = pgconn_check(t, &secs, e)) < 0)
		return rc;
	pgconn_params_init(&kv, t, readonly);

	pg = xcalloc(1, sizeof(*pg));
	/* expand_dbname = 0: a database name is a name, never a conninfo. */
	pg->conn = pglogin_connect(kv.keys, kv.vals, secs, &timed_out);
	pgconn_params_release(&kv);
	pgconn_where(t, pg->conn, &where);
	if (!pg->conn || PQstatus(pg->conn) != CONNECTION_OK) {
		rc = pgconn_error(t, where.ptr, pg->conn, timed_out, e);
		PQfinish(pg->conn);
		free(pg);
		buf_release(&where);
		return rc;
	}
	pg_connected(pg, t, readonly, buf_detach(&where));
	if (t->schema && (rc = pg_settle(pg, e)) < 0) {
		pg_close(&pg->base);
		return rc;
	}
	*out = &pg->base;
	return 0;
}

static void
pg_close(struct db *db)
{
	struct pgdb *pg;

	if (!db)
		return;
	pg = pg_of(db);
	PQfinish(pg->conn);
	free(pg->where);
	free(pg->base.schema);
	free(pg);
}

/* The server's own words beside its message: SQLSTATE, DETAIL, HINT,
 * and where in the statement. */
static void
pg_error_fields(const PGresult *res, struct err *e)
{
	const char *pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);

	driver_copy_field(e->sqlstate, sizeof(e->sqlstate),
		   PQresultErrorField(res, PG_DIAG_SQLSTATE));
	driver_copy_field(e->detail, sizeof(e->detail),
		   PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
	driver_copy_field(e->hint, sizeof(e->hint),
		   PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
	e->position = pos ? atoi(pos) : 0;
}

/*
 * A failed result into struct err. A connection that went bad is ERR_CONNECT
 * whatever the statement was: the caller must not go on with this session
 * (its lock and transaction are gone with it).
 */
int
pg_fail(struct pgdb *pg, const PGresult *res, struct err *e)
{
	const char *msg;
	struct buf reason = BUF_INIT;

	err_clear(e);
	if (PQstatus(pg->conn) == CONNECTION_BAD) {
		pgconn_reason(PQerrorMessage(pg->conn), pg->base.target,
			      &reason);
		err_set(e, ERR_CONNECT, "connection to postgres at %s lost: %s",
			pg->where, reason.ptr);
		buf_release(&reason);
		return ERR_CONNECT;
	}
	msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg) {
		pgconn_reason(PQerrorMessage(pg->conn), pg->base.target,
			      &reason);
		err_set(e, ERR_SQL, "%s", reason.ptr);
		buf_release(&reason);
		return ERR_SQL;
	}
	err_set(e, ERR_SQL, "%s", msg);
	pg_error_fields(res, e);
	return ERR_SQL;
}

/*
 * A result that is not a plain success. COPY ... FROM STDIN would wait for
 * data that a migration file cannot give: end it with an error. COPY ... TO
 * STDOUT is drained and discarded.
 */
static PGresult *
pg_finish_copy(struct pgdb *pg, PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	char *row;

	if (st == PGRES_COPY_IN)
		PQputCopyEnd(pg->conn, "COPY FROM STDIN is not supported in "
				       "migrations");
	else if (st == PGRES_COPY_OUT)
		while (PQgetCopyData(pg->conn, &row, 0) > 0)
			PQfreemem(row);
	else
		return res;
	PQclear(res);
	res = PQgetResult(pg->conn);
	/* drain to the end so the connection is ready for the next command */
	for (PGresult *more; (more = PQgetResult(pg->conn)) != NULL;)
		PQclear(more);
	return res;
}

bool
pg_ok(const PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
	       st == PGRES_EMPTY_QUERY;
}

void
pg_note_session(struct pgdb *pg, const char *sql)
{
	/* SET, RESET, set_config(): the session may differ from now on. A
	 * word inside a name or a string only costs a needless reset. */
	if (strcasestr(sql, "set") != NULL)
		pg->session_changed = true;
}

static int
pg_exec(struct db *db, const char *sql, struct err *e)
{
	struct pgdb *pg = pg_of(db);
	PGresult *res;
	int rc;

	if ((rc = pg_settle(pg, e)) < 0)
		return rc;
	pg_note_session(pg, sql);
	res = pg_finish_copy(pg, PQexec(pg->conn, sql));
	if (!res || !pg_ok(res))
		rc = pg_fail(pg, res, e);
	PQclear(res);
	return rc;
}

static int
pg_begin(struct db *db, struct err *e)
{
	return db_exec(db, "BEGIN", e);
}

/* lock_not_available: lock_timeout, or NOWAIT. */
static bool
pg_lock_timed_out(const struct err *e)
{
	return strcmp(e->sqlstate, "55P03") == 0;
}

/* The tables of the search path others hold a lock on: pg_locks tells
 * which, pg_stat_activity the holder's last query. */
static int
pg_lock_holders(struct db *db, struct db_rows **out, struct err *e)
{
	return db_query(db,
			"SELECT c.relname, l.pid::text, a.query"
			" FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
			" JOIN pg_stat_activity a ON a.pid = l.pid"
			" WHERE l.locktype = 'relation' AND l.granted"
			" AND l.pid <> pg_backend_pid()"
			" AND l.database = (SELECT oid FROM pg_database"
			" WHERE datname = current_database())"
			" AND c.relkind IN ('r', 'p', 'm', 'f', 'v')"
			" AND c.relnamespace <> 'pg_catalog'::regnamespace"
			" AND pg_table_is_visible(c.oid)"
			" ORDER BY a.xact_start NULLS LAST, l.pid",
			NULL, 0, out, e);
}

/* COMMIT of a transaction that already failed succeeds as a ROLLBACK. */
static int
pg_commit(struct db *db, struct err *e)
{
	struct pgdb *pg = pg_of(db);
	PGresult *res;
	int rc = 0;

	db_trace(db, "COMMIT");
	res = PQexec(pg->conn, "COMMIT");
	if (!res || !pg_ok(res))
		rc = pg_fail(pg, res, e);
	else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		rc = pg_rolled_back(e);
	PQclear(res);
	return rc;
}

int
pg_rolled_back(struct err *e)
{
	return err_set(e, ERR_SQL, "the transaction had failed and was "
				   "rolled back instead of committed");
}

static int
pg_rollback(struct db *db, struct err *e)
{
	return db_exec(db, "ROLLBACK", e);
}

/* ---- statements ---- */

static const char *
pg_fname(void *res, size_t i)
{
	return PQfname(res, (int)i);
}

struct db_rows *
pg_rows(const PGresult *res)
{
	struct db_rows *r = xcalloc(1, sizeof(*r));
	size_t i, j;

	r->nrows = (size_t)PQntuples(res);
	r->ncols = (size_t)PQnfields(res);
	r->cells = xcalloc(r->nrows ? r->nrows : 1,
			   (r->ncols ? r->ncols : 1) * sizeof(*r->cells));
	for (i = 0; i < r->nrows; i++)
		for (j = 0; j < r->ncols; j++)
			if (!PQgetisnull(res, (int)i, (int)j))
				r->cells[i * r->ncols + j] = xstrdup(
				    PQgetvalue(res, (int)i, (int)j));
	db_rows_set_names(r, pg_fname, (void *)res);
	return r;
}

/*
 * Every value goes as text. An integer is declared int8, what the caller
 * said it is: left to inference, "? + 1" would make it int4 and refuse
 * 2^31. Text is left untyped so the server reads it as the column's type.
 */
int
pg_params_init(struct pg_params *p, const char *sql,
	       const struct db_param *params, size_t nparams, struct err *e)
{
	size_t i, n = nparams ? nparams : 1;

	buf_init(&p->sql);
	p->values = xcalloc(n, sizeof(*p->values));
	p->ints = xcalloc(n, sizeof(*p->ints));
	p->types = xcalloc(n, sizeof(*p->types));
	p->n = (int)nparams;
	for (i = 0; i < nparams; i++) {
		if (params[i].type == DBP_INT) {
			p->types[i] = PG_INT8OID;
			xsnprintf(p->ints[i], sizeof(p->ints[i]), "%" PRId64,
				  params[i].i);
			p->values[i] = p->ints[i];
		} else if (params[i].type == DBP_TEXT) {
			p->values[i] = params[i].s;
		}
	}
	return pgstmt_placeholders(sql, nparams, &p->sql, e);
}

void
pg_params_release(struct pg_params *p)
{
	buf_release(&p->sql);
	free(p->values);
	free(p->ints);
	free(p->types);
}

static int
pg_query(struct db *db, const char *sql, const struct db_param *params,
	 size_t nparams, struct db_rows **out, struct err *e)
{
	struct pgdb *pg = pg_of(db);
	struct pg_params p;
	PGresult *res = NULL;
	int rc;

	if (out)
		*out = NULL;
	if ((rc = pg_params_init(&p, sql, params, nparams, e)) < 0 ||
	    (rc = pg_settle(pg, e)) < 0)
		goto out;
	res = PQexecParams(pg->conn, p.sql.ptr, p.n, p.types, p.values, NULL,
			   NULL, 0);
	if (!res || !pg_ok(res)) {
		rc = pg_fail(pg, res, e);
		goto out;
	}
	if (out)
		*out = pg_rows(res);
out:
	PQclear(res);
	pg_params_release(&p);
	return rc;
}

/* ---- the migration lock ---- */

int64_t
pg_lock_key(const char *dbname, const char *schema)
{
	/* FNV-1a is fixed by its definition: every build and every version
	 * of migratore computes the same key for the same database. A
	 * schema follows a NUL byte, which no name holds. */
	const char *parts[] = { "migratore:", dbname ? dbname : "", schema };
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *p;
	size_t i;

	for (i = 0; i < (schema ? 3 : 2); i++) {
		if (i == 2)
			h *= 0x100000001b3ULL; /* the NUL byte: h ^= 0 */
		for (p = parts[i]; *p; p++) {
			h ^= (unsigned char)*p;
			h *= 0x100000001b3ULL;
		}
	}
	/* 63 bits: a positive key reads the same in pg_locks and in logs */
	return (int64_t)(h >> 1);
}

/* ", pid N" of the session holding key, for the operator; "" if unknown. */
static void
pg_lock_holder(struct pgdb *pg, int64_t key, struct buf *out)
{
	struct db_param p[2] = { DBP_INTV(key >> 32),
				 DBP_INTV(key & 0xffffffff) };
	struct err ignored = ERR_INIT;
	char *pid = NULL;

	driver_query_one(&pg->base,
			 "SELECT l.pid FROM pg_locks l JOIN pg_database d"
			 " ON d.oid = l.database WHERE l.locktype = 'advisory'"
			 " AND l.granted AND d.datname = current_database()"
			 " AND l.classid::bigint = ? AND l.objid::bigint = ?"
			 " AND l.objsubid = 1 LIMIT 1",
			 p, 2, &pid, &ignored);
	if (pid)
		buf_addf(out, "pid %s, ", pid);
	free(pid);
}

struct pg_try {
	struct pgdb *pg;
	struct db_param key;
	struct err *e;
};

/* sql, of one parameter key, answers one boolean: *yes when it is true. */
static int
pg_query_true(struct pgdb *pg, const char *sql, const struct db_param *key,
	      bool *yes, struct err *e)
{
	char *got;
	int rc = driver_query_one(&pg->base, sql, key, 1, &got, e);

	*yes = rc == 0 && got && strcmp(got, "t") == 0;
	free(got);
	return rc;
}

/* One pg_try_advisory_lock: 1 ours, 0 held by another session, < 0. */
static int
pg_lock_try(void *arg)
{
	struct pg_try *t = arg;
	bool ours;
	int rc = pg_query_true(t->pg, "SELECT pg_try_advisory_lock(?::bigint)",
			       &t->key, &ours, t->e);

	return rc < 0 ? rc : ours;
}

static const char *
pg_lock_sql(struct db *db, struct db_param *p, size_t *np)
{
	p[0] = DBP_INTV(pg_of(db)->lock_key);
	*np = 1;
	return "SELECT pg_try_advisory_lock(?::bigint)";
}

/* Polled, not blocking: a blocked pg_advisory_lock could not time out
 * without a statement_timeout that would outlive the call. */
static int
pg_lock(struct db *db, int timeout, struct err *e)
{
	struct pgdb *pg = pg_of(db);
	struct pg_try t = { pg, DBP_INTV(pg->lock_key), e };
	struct buf holder = BUF_INIT;
	int rc;

	if ((rc = driver_poll(timeout, pg_lock_try, &t)) != ERR_LOCK)
		return rc;
	pg_lock_holder(pg, t.key.i, &holder);
	err_clear(e);
	err_set(e, ERR_LOCK,
		"advisory lock %" PRId64 " on postgres database %s is held by "
		"another session (%swaited %d s)",
		t.key.i, pg->where, holder.ptr, timeout);
	buf_release(&holder);
	return ERR_LOCK;
}

static int
pg_unlock(struct db *db, struct err *e)
{
	struct pgdb *pg = pg_of(db);
	struct db_param key = DBP_INTV(pg->lock_key);
	bool held;
	int rc = pg_query_true(pg, "SELECT pg_advisory_unlock(?::bigint)", &key,
			       &held, e);

	if (rc < 0 || held)
		return rc;
	return err_set(e, ERR_LOCK, "advisory lock %" PRId64 " on postgres "
		       "database %s was not held by this session", key.i,
		       pg->where);
}

/*
 * The database's encoding holds what a text column can hold: SQL_ASCII
 * takes any bytes, UTF8 any character, LATIN1 and WIN1252 theirs; of the
 * others only ASCII is sure to fit.
 */
static enum textfit_rep
pg_rep(const char *encoding)
{
	if (strcmp(encoding, "UTF8") == 0)
		return TEXTFIT_UNICODE;
	if (strcmp(encoding, "SQL_ASCII") == 0)
		return TEXTFIT_BYTES;
	if (strcmp(encoding, "LATIN1") == 0)
		return TEXTFIT_LATIN1;
	if (strcmp(encoding, "WIN1252") == 0)
		return TEXTFIT_CP1252;
	return TEXTFIT_ASCII;
}

/* The catalogue itself: information_schema.columns costs 10 ms and more
 * on a fresh connection, this a fraction of one. The length of varchar(n)
 * and char(n) is their typmod less 4. */
static const char pg_columns_sql[] =
    "SELECT a.attname, pg_catalog.current_setting('server_encoding'),"
    " CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 4"
    " THEN a.atttypmod - 4 END, NULL"
    " FROM pg_catalog.pg_attribute a"
    " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = COALESCE(?, current_schema()) AND c.relname = ?"
    " AND c.relkind IN ('r', 'p') AND a.attnum > 0"
    " AND NOT a.attisdropped ORDER BY a.attnum";

/*
 * SHARE ROW EXCLUSIVE conflicts with itself and with the ROW EXCLUSIVE of
 * an INSERT, not with readers: a second runner waits here until the first
 * commits, then reads what it wrote (READ COMMITTED takes a new snapshot
 * for each statement, so the check that follows sees it).
 */
void
pg_serialize_sql(const char *table, struct buf *out)
{
	buf_addf(out, "LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE", table);
}

static int
pg_serialize(struct db *db, const char *table, struct err *e)
{
	struct buf sql = BUF_INIT;
	int rc;

	pg_serialize_sql(table, &sql);
	rc = db_exec(db, sql.ptr, e);
	buf_release(&sql);
	return rc;
}

/*
 * RESET ALL puts every setting back to its value at connect (what the
 * server, the database, the role and our startup options made it);
 * RESET ROLE undoes SET ROLE, which RESET ALL leaves. Never DISCARD ALL:
 * it would drop the session's advisory lock, the migration lock.
 */
static int
pg_session_reset(struct db *db, struct err *e)
{
	struct pgdb *pg = pg_of(db);
	PGresult *res;
	int rc = 0;

	if (!pg->session_changed)
		return 0;
	db_trace(db, "RESET ALL; RESET ROLE");
	res = PQexec(pg->conn, "RESET ALL; RESET ROLE");
	if (!res || !pg_ok(res))
		rc = pg_fail(pg, res, e);
	else
		pg->session_changed = false;
	PQclear(res);
	return rc;
}

/* search_path names it already: once it exists, the session is in it. */
static int
pg_create_schema(struct db *db, struct err *e)
{
	struct buf sql = BUF_INIT;
	int rc;

	buf_adds(&sql, "CREATE SCHEMA IF NOT EXISTS ");
	pg_quote_ident(db->schema, &sql);
	rc = db_exec(db, sql.ptr, e);
	buf_release(&sql);
	return rc;
}

/* SET, and SELECT set_config(...) as pg_dump writes it. */
static bool
pg_session_statement(const char *stmt)
{
	const char *p = driver_skip_blanks(stmt);

	if (strncasecmp(p, "SET", 3) == 0 && isspace((unsigned char)p[3]))
		return true;
	return strncasecmp(p, "SELECT", 6) == 0 &&
	       strcasestr(p, "set_config(") != NULL;
}

static void
pg_quote_ident(const char *ident, struct buf *out)
{
	driver_quote_ident(ident, '"', out);
}

static int
pg_server_version(struct db *db, struct buf *out, struct err *e)
{
	int v = PQserverVersion(pg_of(db)->conn);

	if (v <= 0)
		return err_set(e, ERR_CONNECT, "connection to postgres at %s "
					       "lost",
			       pg_of(db)->where);
	/* 150020 is 15.20; before version 10, 90624 was 9.6.24 */
	if (v >= 100000)
		buf_addf(out, "%d.%d", v / 10000, v % 10000);
	else
		buf_addf(out, "%d.%d.%d", v / 10000, v / 100 % 100, v % 100);
	return 0;
}

const struct driver driver_postgres = {
	.name = "postgres",
	.url_params = pgconn_url_params,
	.transactional_ddl = true,
	.type_int64 = "BIGINT",
	.type_text = "TEXT",
	.type_string = "VARCHAR(255)",
	.table_options = "",
	.connect = pg_connect,
	.close = pg_close,
	.lock = pg_lock,
	.unlock = pg_unlock,
	.lock_sql = pg_lock_sql,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.query = pg_query,
	.columns = driver_describe,
	.columns_sql = pg_columns_sql,
	.columns_rep = pg_rep,
	.quote_ident = pg_quote_ident,
	.server_version = pg_server_version,
	.commits_implicitly = driver_never_commits,
	.transactional = pgstmt_transactional,
	.effect_known = pgstmt_effect_known,
	.stmt_effect = pgstmt_effect,
	.session_reset = pg_session_reset,
	.session_statement = pg_session_statement,
	.serialize = pg_serialize,
	.batch = pg_batch,
	.create_schema = pg_create_schema,
	.lock_timed_out = pg_lock_timed_out,
	.lock_holders = pg_lock_holders,
};
