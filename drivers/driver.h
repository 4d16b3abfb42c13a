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
 * Errors: ERR_CONNECT when the server cannot be reached, refuses the login or
 * the connection is lost mid-way; ERR_LOCK when the migration lock is not
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

struct driver;

struct db {
	const struct driver *drv;
	const struct target *target; /* borrowed; outlives the connection */
	bool debug;                  /* trace SQL to stderr */
	bool readonly;
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

/* A result set, every cell as text (NULL for SQL NULL), row-major. */
struct db_rows {
	size_t nrows;
	size_t ncols;
	char **cells;
};
const char *db_rows_get(const struct db_rows *r, size_t row, size_t col);
void db_rows_free(struct db_rows *r);

struct driver {
	const char *name; /* its engine's canonical name: "postgres" */
	/* DB_URL query parameters this engine accepts; NULL-terminated */
	const char *const *url_params;
	/* DDL runs inside a transaction and rolls back with it */
	bool transactional_ddl;
	/* SQL types for new bookkeeping tables */
	const char *type_int64;
	const char *type_text;   /* long text: description, traceback */
	const char *type_string; /* short text: uuid, result, start_s */

	/* readonly: never create or change anything (dry runs, list) */
	int (*connect)(const struct target *t, bool readonly, struct db **out,
		       struct err *e);
	void (*close)(struct db *db);
	/* The per-database migration lock; waits up to timeout seconds. */
	int (*lock)(struct db *db, int timeout, struct err *e);
	int (*unlock)(struct db *db, struct err *e);
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
	/* Column names of a table in the current database; none if absent. */
	int (*columns)(struct db *db, const char *table, struct strv *out,
		       struct err *e);
	void (*quote_ident)(const char *ident, struct buf *out);
	int (*server_version)(struct db *db, struct buf *out, struct err *e);
	/* True when running stmt commits the open transaction (MySQL DDL). */
	bool (*commits_implicitly)(const char *stmt);
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
 * parameter is one the engine accepts (ERR_CONFIG).
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

/*
 * Helpers for drivers whose differences are only data. driver_column_names
 * runs sql (one '?' bound to table, the names in the first column) and
 * appends the names to out; driver_quote_ident doubles every q inside
 * ident and wraps it in q.
 */
int driver_column_names(struct db *db, const char *sql, const char *table,
			struct strv *out, struct err *e);
void driver_quote_ident(const char *ident, char q, struct buf *out);

/* Wrappers: dispatch through db->drv and trace SQL when debug is on. */
int db_connect(const struct target *t, bool readonly, struct db **out,
	       struct err *e);
void db_close(struct db *db);
int db_lock(struct db *db, int timeout, struct err *e);
int db_unlock(struct db *db, struct err *e);
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
int db_rollback(struct db *db, struct err *e);
int db_exec(struct db *db, const char *sql, struct err *e);
int db_query(struct db *db, const char *sql, const struct db_param *params,
	     size_t nparams, struct db_rows **out, struct err *e);
int db_columns(struct db *db, const char *table, struct strv *out,
	       struct err *e);
void db_quote_ident(struct db *db, const char *ident, struct buf *out);
int db_server_version(struct db *db, struct buf *out, struct err *e);
bool db_transactional_ddl(const struct db *db);
bool db_commits_implicitly(const struct db *db, const char *stmt);

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
 * comparisons, and the text at most 4 times as long.
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

/* commits_implicitly of an engine whose DDL is transactional. */
bool driver_never_commits(const char *stmt);

#endif
