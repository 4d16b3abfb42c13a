/*
 * The MySQL driver's own parts, shared by mysql.c (one statement at a
 * time), myquery.c (prepared statements) and mybatch.c (multi-statement
 * batches); nothing outside
 * drivers/mysql includes it.
 */
#ifndef MIG_DRIVERS_MYDB_H
#define MIG_DRIVERS_MYDB_H

#include <stdbool.h>

#include <mysql.h>

#include "drivers/driver.h"

/* MySQL 8's client library dropped my_bool for bool; same size. */
#if !defined(LIBMARIADB) && MYSQL_VERSION_ID >= 80001
typedef bool my_bool;
#endif

struct mydb {
	struct db base; /* first: a struct db * is a struct mydb * */
	MYSQL *conn;
	char *where;    /* "host:port/db" for messages; never the password */
	char *lockname; /* GET_LOCK name of this database */
	/* What the statements run so far did to the session. */
	bool used;          /* a USE: the current database may differ */
	bool set;           /* a SET of the connection's character set */
	bool tables_locked; /* LOCK TABLES in effect */
	/* Session settings not sent yet: they go with the first batch or
	 * before the first statement; NULL-terminated, in session. */
	const char *const *pending;
	const char *session[4];
	char lock_wait[64]; /* "SET SESSION lock_wait_timeout = N" */
};

/* The connection's last error into e: ERR_CONNECT when the session is
 * gone, else ERR_SQL with the server's errno, SQLSTATE and message. */
int my_fail(struct mydb *my, struct err *e);
/* The same for a prepared statement's last error. */
int my_stmt_fail(struct mydb *my, MYSQL_STMT *st, struct err *e);
/* The driver's query entry (myquery.c): values bound, rows fetched. */
int my_query(struct db *db, const char *sql, const struct db_param *params,
	     size_t nparams, struct db_rows **out, struct err *e);
/* Send what my->pending holds, if anything, now. */
int my_settle(struct mydb *my, struct err *e);
/* What sql, which just ran, did to the session (see session_reset). */
void my_note_session(struct mydb *my, const char *sql);

int my_batch(struct db *db, const struct db_stmt *v, size_t n, size_t *failed,
	     struct err *e);

#endif
