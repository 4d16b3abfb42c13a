/*
 * The PostgreSQL driver's own parts, shared by pg.c (one statement at a
 * time) and pgpipe.c (pipelines); nothing outside drivers/pg includes it.
 */
#ifndef MIG_DRIVERS_PGDB_H
#define MIG_DRIVERS_PGDB_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "drivers/driver.h"

struct pgdb {
	struct db base; /* first: a struct db * is a struct pgdb * */
	PGconn *conn;
	char *where; /* "host:port/db" for messages; never the password */
	bool session_changed; /* a statement may have SET something */
	/* base.schema not read yet: the first statement reads it (as the
	 * first of its pipeline), before any migration could move it. */
	bool schema_pending;
};

/*
 * A statement's text with $n placeholders and its values as PQexecParams
 * takes them: integers declared int8, text left untyped.
 */
struct pg_params {
	struct buf sql;
	const char **values;
	char (*ints)[24];
	Oid *types;
	int n;
};
int pg_params_init(struct pg_params *p, const char *sql,
		   const struct db_param *params, size_t nparams,
		   struct err *e);
void pg_params_release(struct pg_params *p);

/* A failed result (or none) into e: ERR_CONNECT when the session is gone. */
int pg_fail(struct pgdb *pg, const PGresult *res, struct err *e);
bool pg_ok(const PGresult *res);
struct db_rows *pg_rows(const PGresult *res);
/* sql, about to run, may change the session (see session_reset). */
void pg_note_session(struct pgdb *pg, const char *sql);
/* A COMMIT's result that says ROLLBACK: the error to give. */
int pg_rolled_back(struct err *e);
/* serialize's statement for table. */
void pg_serialize_sql(const char *table, struct buf *out);

/* Read the schema now if it is still pending. */
int pg_settle(struct pgdb *pg, struct err *e);
/* The statement that reads it (one cell), and what to do with the cell. */
#define PG_SCHEMA_SQL "SELECT current_schema()"
void pg_schema_is(struct pgdb *pg, const struct db_rows *rows);

int pg_batch(struct db *db, const struct db_stmt *v, size_t n, size_t *failed,
	     struct err *e);

#endif
