/*
 * The driver interface: one table of function pointers per engine, found in
 * one static registry indexed by the rows of config/engine.h (a row whose
 * driver configure left out has none). Engine differences (SQL types, locking,
 * placeholders, transactional DDL, error text) live behind this table and
 * nowhere else: code above it never asks which engine it talks to, it asks
 * the driver.
 *
 * Every connection is a struct db whose first member is this base; drivers
 * embed it in their own struct. Callers use the db_* wrappers below, which
 * also trace SQL to stderr when the target has DEBUG on.
 *
 * Transactions: outside begin ... commit/rollback every exec and query is
 * committed on its own (autocommit). Between begin and commit/rollback
 * nothing is committed except what the engine commits implicitly (MySQL
 * DDL; commits_implicitly says which statements), and after such an
 * implicit commit the following statements are again inside the open
 * transaction until commit or rollback. Statements that cannot run in a
 * transaction (CREATE INDEX CONCURRENTLY) are run outside begin/commit.
 *
 * Errors: ERR_CONNECT when the server cannot be reached (also "too many
 * connections", a server starting up or shutting down: it may pass) or the
 * connection is lost mid-way; ERR_REFUSED when the server refused the login
 * (a wrong password, an unknown database, a missing privilege: each driver
 * tells them apart by the engine's codes, so that nothing above retries
 * them); ERR_LOCK when the migration lock is not
 * obtained in time; ERR_SQL when a statement fails. The engine's own words
 * (SQLSTATE, native code, message, detail, hint, position) are copied into
 * struct err intact. A password never appears in an error.
 */
#ifndef MIG_DRIVER_H
#define MIG_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strv.h"
#include "config/engine.h"
#include "config/target.h"
#include "drivers/textfit.h"

struct driver;

struct db {
	const struct driver *drv;
	const struct target *target; /* borrowed; outlives the connection */
	bool debug;                  /* trace SQL to stderr */
	bool readonly;
	/*
	 * The schema (PostgreSQL) or database (MySQL) current at connect,
	 * captured by the driver before any migration ran (PostgreSQL: with
	 * the connection's first statement, not a round trip of its own:
	 * NULL until then, and names unqualified): the bookkeeping
	 * lives there whatever a migration does to the session (SET
	 * search_path, USE). NULL when there is none to capture, and for
	 * SQLite, where no session state moves an unqualified name away from
	 * "main" (names are then left unqualified). Freed by the driver.
	 * A schema target's (struct target's schema) is always its schema.
	 */
	char *schema;
	/* a schema target whose schema does not exist yet, which connect
	 * accepted because the target may create it (db_create_schema) */
	bool schema_missing;
};

/* A bound parameter. Text is bound as text, byte for byte. */
enum db_param_type { DBP_NULL, DBP_INT, DBP_TEXT };
struct db_param {
	enum db_param_type type;
	int64_t i;
	const char *s;
};
#define DBP_NULLV ((struct db_param){ DBP_NULL, 0, NULL })
#define DBP_INTV(v) ((struct db_param){ DBP_INT, (v), NULL })
#define DBP_TEXTV(v)                                                           \
	((v) ? (struct db_param){ DBP_TEXT, 0, (v) } : DBP_NULLV)

/*
 * A column of a table as the driver's catalogue describes it: its name and
 * what text it can hold (textfit.h); numeric columns hold any text the
 * ledger sends them (digits).
 */
struct db_column {
	char *name;
	struct textfit_limit fit;
	char *charset; /* as the catalogue names it; NULL when it has none */
};
struct db_columns {
	struct db_column *v;
	size_t n;
};
#define DB_COLUMNS_INIT { NULL, 0 }
void db_columns_release(struct db_columns *c);
/* The column named name (case-insensitively), or NULL. */
const struct db_column *db_columns_find(const struct db_columns *c,
					const char *name);

/* A result set, every cell as text (NULL for SQL NULL), row-major, and
 * the columns' names as the server gives them (names may be NULL). */
struct db_rows {
	size_t nrows;
	size_t ncols;
	char **cells;
	char **names;
};
const char *db_rows_get(const struct db_rows *r, size_t row, size_t col);
/* The name of column col, or "" when unknown. */
const char *db_rows_name(const struct db_rows *r, size_t col);
/* Fill r->names (ncols set) from name(arg, i). */
void db_rows_set_names(struct db_rows *r, const char *(*name)(void *arg,
							      size_t i),
		       void *arg);
void db_rows_free(struct db_rows *r);

/*
 * One statement of a batch (db_batch). DBS_RAW is a migration's statement
 * as written (exec); DBS_SQL one with '?' placeholders bound to params
 * (query); DBS_BEGIN, DBS_COMMIT and DBS_SERIALIZE what begin, commit and
 * serialize do (sql: serialize's table), DBS_SERIALIZE nothing at all
 * where the driver has no serialize.
 */
enum db_stmt_kind { DBS_RAW, DBS_SQL, DBS_BEGIN, DBS_COMMIT, DBS_SERIALIZE };
struct db_stmt {
	enum db_stmt_kind kind;
	const char *sql;
	const struct db_param *params;
	size_t nparams;
	/* DBS_SQL: the statement fails (ERR_SQL, and the batch stops there)
	 * when it returns a row; the server makes it fail, so nothing after
	 * it runs. */
	bool must_be_empty;
	/* DBS_SQL: where its rows go (the caller frees them); NULL: dropped */
	struct db_rows **rows;
	/* Called once the statement succeeded, as soon as its result is
	 * in: the driver asks the server for the results so far (no round
	 * trip of its own) instead of waiting for the whole batch. */
	void (*done)(void *arg);
	void *arg;
};

/* What the catalogue says of a statement's effect (stmt_effect). */
enum db_effect {
	DB_EFFECT_UNKNOWN, /* it cannot tell */
	DB_EFFECT_APPLIED, /* the effect is there: the statement committed */
	DB_EFFECT_ABSENT,  /* it is not: the statement did not commit */
};

struct driver {
	const char *name; /* its engine's canonical name: "postgres" */
	/*
	 * The DB_URL query parameters this engine accepts, NULL-terminated,
	 * never NULL; a function because PostgreSQL's are the keywords the
	 * libpq it runs with knows (PQconndefaults).
	 */
	const char *const *(*url_params)(void);
	/* DDL runs inside a transaction and rolls back with it */
	bool transactional_ddl;
	/* SQL types for new bookkeeping tables */
	const char *type_int64;
	const char *type_text;   /* long text: description, traceback */
	const char *type_string; /* short text: uuid, result, start_s */
	/* appended to CREATE TABLE of a bookkeeping table: "" or options
	 * (MySQL: its character set, whatever the server's default) */
	const char *table_options;

	/* readonly: never create or change anything (dry runs, list) */
	int (*connect)(const struct target *t, bool readonly, struct db **out,
		       struct err *e);
	void (*close)(struct db *db);
	/* The per-database migration lock; waits up to timeout seconds. */
	int (*lock)(struct db *db, int timeout, struct err *e);
	int (*unlock)(struct db *db, struct err *e);
	/*
	 * One try of lock, without waiting, as a statement that a batch can
	 * carry with the reads after it: its text, and its parameters in p
	 * (at most 2, *np of them). Its one cell is "1" or "t" when the lock
	 * was taken. NULL where the lock is no statement (SQLite's flock).
	 */
	const char *(*lock_sql)(struct db *db, struct db_param *p, size_t *np);
	int (*begin)(struct db *db, struct err *e);
	int (*commit)(struct db *db, struct err *e);
	int (*rollback)(struct db *db, struct err *e);
	/* One statement of a migration, as written, no parameters. */
	int (*exec)(struct db *db, const char *sql, struct err *e);
	/*
	 * One statement with '?' placeholders bound to params (the driver
	 * translates them to its own syntax). out may be NULL when no rows
	 * are wanted.
	 */
	int (*query)(struct db *db, const char *sql,
		     const struct db_param *params, size_t nparams,
		     struct db_rows **out, struct err *e);
	/*
	 * The columns of a table in db->schema, in order, with what text
	 * they hold; none when the table is absent.
	 */
	int (*columns)(struct db *db, const char *table,
		       struct db_columns *out, struct err *e);
	/*
	 * The catalogue query behind columns (two '?': db->schema and the
	 * table; rows as driver_describe reads them) and the map of its
	 * character sets, so that a batch can carry it (db_columns_sql).
	 */
	const char *columns_sql;
	enum textfit_rep (*columns_rep)(const char *charset);
	void (*quote_ident)(const char *ident, struct buf *out);
	int (*server_version)(struct db *db, struct buf *out, struct err *e);
	/* True when running stmt commits the open transaction (MySQL DDL). */
	bool (*commits_implicitly)(const char *stmt);
	/*
	 * True when stmt can run inside a transaction and commits nothing
	 * there on its own: not MySQL's DDL, not what PostgreSQL refuses in
	 * a transaction block (VACUUM, CREATE INDEX CONCURRENTLY, ...), not
	 * a statement that opens or ends a transaction itself or may (a
	 * procedure's CALL). With `transaction = off` such a statement runs
	 * in a transaction of its own with its progress row, so that the two
	 * commit together. When unsure, false: the statement is then marked
	 * in flight instead. NULL: no statement is.
	 */
	bool (*transactional)(const char *stmt);
	/*
	 * Session state. A migration may change its session (SET
	 * search_path, USE, LOCK TABLES); the driver notices such statements
	 * as it runs them. session_reset puts the session back as it was at
	 * connect, so the bookkeeping and the next migration start clean
	 * (never by dropping the session's migration lock); a no-op when
	 * nothing changed. tables_locked says that the session may touch no
	 * other table now (MySQL LOCK TABLES): the bookkeeping must wait.
	 * session_statement says whether stmt only sets session state, to be
	 * replayed when a migration resumes after statements that committed
	 * in an earlier session. Each may be NULL: nothing to do, false.
	 */
	int (*session_reset)(struct db *db, struct err *e);
	bool (*tables_locked)(const struct db *db);
	bool (*session_statement)(const char *stmt);
	/*
	 * Inside the open transaction: make every other writer of table (a
	 * quoted, qualified name) wait until the transaction ends, so that
	 * what the transaction reads of it stays true until it commits.
	 * NULL when begin already does it (SQLite's BEGIN IMMEDIATE) or
	 * nothing can (MySQL: DDL would end the transaction).
	 */
	int (*serialize)(struct db *db, const char *table, struct err *e);
	/*
	 * v[0..n-1] in order, stopping at the first that fails: *failed is
	 * its index (n when none failed) and e its error, as exec or query
	 * would give it. One round trip where the engine can (a PostgreSQL
	 * pipeline, a MySQL multi-statement batch). A transaction that a
	 * failure leaves open stays open: the caller rolls it back. NULL:
	 * the statements run one by one through the other entries.
	 */
	int (*batch)(struct db *db, const struct db_stmt *v, size_t n,
		     size_t *failed, struct err *e);
	/*
	 * Create db->schema, which connect found missing (schema_missing),
	 * and make it the session's, as if it had existed at connect. The
	 * worker calls it under the migration lock, before the bookkeeping
	 * table, for a target with create_schema. NULL: no schemas.
	 */
	int (*create_schema)(struct db *db, struct err *e);
	/*
	 * The target's ddl_lock_timeout bounds how long a statement of a
	 * migration waits for a table's lock: connect sets it for the
	 * session (PostgreSQL: lock_timeout in the startup packet; MySQL:
	 * lock_wait_timeout with the first statement), so that a migration
	 * that gets its lock at once pays nothing more. lock_timed_out says
	 * whether e is such a wait that timed out (nothing of the statement
	 * happened; on
	 * PostgreSQL its transaction is aborted). lock_holders gives the
	 * sessions holding a lock on a table of the database now, the
	 * longest held first, as rows of (table, pid, query), table NULL
	 * where the server cannot say which. Each may be NULL: never, none.
	 */
	bool (*lock_timed_out)(const struct err *e);
	int (*lock_holders)(struct db *db, struct db_rows **out, struct err *e);
	/*
	 * A statement that commits on its own, whose run ended without a
	 * word (the process killed, the reply lost): did its effect reach
	 * the catalogue? effect_known says, from the text alone, whether
	 * stmt_effect can answer for stmt (the forms each driver knows:
	 * CREATE/DROP TABLE, ADD/DROP COLUMN ...); stmt_effect asks the
	 * catalogue, in db->schema unless stmt names another. Each may be
	 * NULL: no form known, DB_EFFECT_UNKNOWN.
	 */
	bool (*effect_known)(const char *stmt);
	int (*stmt_effect)(struct db *db, const char *stmt,
			   enum db_effect *out, struct err *e);
	/* One-time library set-up; may be NULL. */
	void (*init)(void);
};

/*
 * The driver of an engine, by its row or by its canonical name (as struct
 * target holds it); NULL for an unknown name and for an engine that was
 * not compiled in (configure --without-<engine>).
 */
const struct driver *driver_of(enum engine_id id);
const struct driver *driver_find(const char *engine);
/*
 * Initialise every driver's client library. Optional (each library sets
 * itself up on first use), but a process about to fork many workers calls
 * it once so that no worker repeats the work.
 */
void drivers_init(void);
/*
 * Check what can be checked before touching anything: the engine exists
 * and is compiled in ("engine 'mysql' is not compiled into this
 * migratore (built with: sqlite, postgres; ...)"), and every DB_URL query
 * parameter is one the engine accepts, given once, and a schema is one
 * the engine has (ERR_CONFIG). An unknown parameter is named, with the
 * closest known one when it looks like a typo of it ("parameter
 * 'sslcertt' is not supported by the postgres driver (did you mean
 * 'sslcert'?)"), else with the engine's whole list.
 */
int driver_validate(const struct target *t, struct err *e);

/*
 * For drivers whose lock can only be tried: call try(arg) until it returns
 * > 0 (acquired: 0 is returned) or < 0 (an error, returned as it is), for
 * at most timeout seconds (then ERR_LOCK, with e untouched: the driver
 * words the message). Pauses start at 5 ms and double up to 100 ms, so a
 * short wait stays short and a long one costs little.
 */
int driver_poll(int timeout, int (*try)(void *arg), void *arg);
/* Seconds on the monotonic clock, for the deadlines of waits. */
double driver_clock(void);

/*
 * Helpers for drivers whose differences are only data. driver_describe
 * runs the driver's columns_sql with its two '?' bound to db->schema and
 * table, whose rows are (name, character set, maximum characters,
 * maximum bytes), the last three NULL when unknown, and maps each
 * character set through columns_rep (NULL charset: TEXTFIT_BYTES);
 * driver_quote_ident doubles every q inside ident and wraps it in q.
 */
int driver_describe(struct db *db, const char *table, struct db_columns *out,
		    struct err *e);
void driver_quote_ident(const char *ident, char q, struct buf *out);

/* Wrappers: dispatch through db->drv and trace SQL when debug is on. */
int db_connect(const struct target *t, bool readonly, struct db **out,
	       struct err *e);
void db_close(struct db *db);
int db_lock(struct db *db, int timeout, struct err *e);
int db_unlock(struct db *db, struct err *e);
/* The driver's lock_sql (NULL when it has none), and whether the cell
 * that statement returned says the lock was taken. */
const char *db_lock_sql(struct db *db, struct db_param p[2], size_t *np);
bool db_lock_taken(const char *cell);
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
int db_rollback(struct db *db, struct err *e);
int db_exec(struct db *db, const char *sql, struct err *e);
int db_query(struct db *db, const char *sql, const struct db_param *params,
	     size_t nparams, struct db_rows **out, struct err *e);
/* The batch entry, or its statements one by one (see batch). */
int db_batch(struct db *db, const struct db_stmt *v, size_t n, size_t *failed,
	     struct err *e);
/* The names of the columns of table (driver columns). */
int db_columns(struct db *db, const char *table, struct strv *out,
	       struct err *e);
int db_describe(struct db *db, const char *table, struct db_columns *out,
		struct err *e);
/*
 * db_describe as a statement of a batch: its query, whose two '?' take
 * db->schema and the table, and the columns of the rows it returned.
 */
const char *db_columns_sql(const struct db *db);
void db_describe_rows(const struct db *db, const struct db_rows *rows,
		      struct db_columns *out);
void db_quote_ident(struct db *db, const char *ident, struct buf *out);
/* name quoted and qualified with db->schema: "schema"."name". */
void db_qualify(struct db *db, const char *name, struct buf *out);
int db_session_reset(struct db *db, struct err *e);
bool db_tables_locked(const struct db *db);
bool db_session_statement(const struct db *db, const char *stmt);
int db_serialize(struct db *db, const char *table, struct err *e);
/* db->drv->create_schema; clears schema_missing. */
int db_create_schema(struct db *db, struct err *e);
int db_server_version(struct db *db, struct buf *out, struct err *e);
bool db_transactional_ddl(const struct db *db);
bool db_lock_timed_out(const struct db *db, const struct err *e);
/* *out NULL when the driver knows of none. */
int db_lock_holders(struct db *db, struct db_rows **out, struct err *e);
bool db_commits_implicitly(const struct db *db, const char *stmt);
bool db_transactional(const struct db *db, const char *stmt);
bool db_effect_known(const struct db *db, const char *stmt);
/* DB_EFFECT_UNKNOWN when the driver cannot tell (the catalogue failing
 * included: a question that cannot be answered is no error here). */
enum db_effect db_stmt_effect(struct db *db, const char *stmt);

/*
 * Write "[engine] sql" to stderr when db->debug is set. db_exec and
 * db_query trace what they are given; a driver calls this for the SQL it
 * sends on its own (BEGIN, COMMIT, lock and catalogue queries), so that
 * DEBUG=1 shows every statement exactly once.
 */
void db_trace(const struct db *db, const char *sql);

/*
 * Helpers that the drivers share (engine differences stay in the drivers).
 *
 * driver_redact: the client libraries build their messages from host, port,
 * socket, user and database, never from the password (PQconnectdbParams
 * with keyword arrays parses no conninfo; MariaDB names user@host), and our
 * own messages name the same fields. This is the one guard left on library
 * text: every occurrence of t->password that stands as a whole token, i.e.
 * starts at the beginning of text or after a delimiter and ends at the end
 * or before one, becomes "****"; an occurrence inside a word is left alone
 * (masking it would reveal the password and garble the word). Delimiters
 * are whitespace, the quotes ' " `, and = : @ & (the characters around a
 * password in a conninfo, a URL or a quoted value). Nothing is masked when
 * the password is empty, made of delimiters only, or equal to the user,
 * database or host name (those are printed as they are: masking them would
 * hide nothing). One pass: at most strlen(text) * strlen(password)
 * comparisons, and the text at most 4 times as long. The value of every
 * secret DB_URL parameter (sslpassword: config/dburl.h's
 * dburl_secret_key) is masked the same way.
 */
void driver_redact(struct buf *text, const struct target *t);

/*
 * A query of one cell, traced like the SQL a driver sends on its own: *val
 * is that cell (the caller frees it), NULL for SQL NULL or no row.
 */
int driver_query_one(struct db *db, const char *sql,
		     const struct db_param *params, size_t nparams, char **val,
		     struct err *e);

/*
 * The DB_URL parameter key as seconds, 0-86400: *out is def when absent;
 * anything else is ERR_CONFIG "invalid key 'value' (expected seconds,
 * 0-86400)".
 */
int driver_param_seconds(const struct target *t, const char *key,
			 unsigned int def, unsigned int *out, struct err *e);

/* Copy a library's error field (NULL: none) into a struct err field. */
void driver_copy_field(char *dst, size_t size, const char *src);

/*
 * The caller's bug of a placeholder count that differs from the number of
 * parameters given: ERR_INTERNAL, the same words on every engine.
 */
int driver_count_mismatch(size_t placeholders, size_t nparams,
			  const char *sql, struct err *e);

/*
 * For drivers' batches: sql wrapped so that the server fails it when it
 * returns a row (a scalar subquery of two rows: PostgreSQL and MySQL both
 * refuse it, SQLSTATE 21000), and the error that the caller then sees.
 */
void driver_must_be_empty(const char *sql, struct buf *out);
int driver_found_row(struct err *e);
/* A batch one statement at a time, through the driver's other entries. */
int driver_batch_each(struct db *db, const struct db_stmt *v, size_t n,
		      size_t *failed, struct err *e);

/* commits_implicitly of an engine whose DDL is transactional. */
bool driver_never_commits(const char *stmt);

/*
 * p past blanks and SQL comments (-- to the end of the line, and a
 * closed slash-star one, not nested): where a statement's first word
 * starts, for the drivers that classify statements by it.
 */
const char *driver_skip_blanks(const char *p);

#endif
