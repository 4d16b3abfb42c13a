/*
 * The MySQL driver's own parts, shared by mysql.c (one statement at a
 * time) and mybatch.c (multi-statement batches); nothing outside
 * drivers/mysql includes it.
 */
#ifndef MIG_DRIVERS_MYDB_H
#define MIG_DRIVERS_MYDB_H

#include <stdbool.h>

#include <mysql.h>

#include "drivers/driver.h"

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
	 * before the first statement; NULL-terminated, static. */
	const char *const *pending;
};

/* The connection's last error into e: ERR_CONNECT when the session is
 * gone, else ERR_SQL with the server's errno, SQLSTATE and message. */
int my_fail(struct mydb *my, struct err *e);
/* Send what my->pending holds, if anything, now. */
int my_settle(struct mydb *my, struct err *e);
/* What sql, which just ran, did to the session (see session_reset). */
void my_note_session(struct mydb *my, const char *sql);

int my_batch(struct db *db, const struct db_stmt *v, size_t n, size_t *failed,
	     struct err *e);

#endif
