/*
 * One suite of driver tests, written once against drivers/driver.h and run
 * against every driver. Each engine's test program (test_driver_sqlite,
 * test_driver_pg, test_driver_mysql) links driver_suite.c, the cases every
 * driver must pass; the engines with a server also link
 * driver_suite_server.c (logins, unreachable servers, URL parameters, lost
 * connections). The program defines suite_engine below: how to reach its
 * test database and what the engine answers where engines rightly differ.
 * Its own file holds only what is particular to that engine.
 *
 * Server engines skip every case that needs the server when their
 * TEST_*_URL is unset (tests/servers.sh sets it). Criterion runs the cases
 * in parallel against one server database: tables are named with
 * suite_unique, and a case that locks gets a database of its own.
 */
#ifndef MIG_TESTS_DRIVER_SUITE_H
#define MIG_TESTS_DRIVER_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config/target.h"
#include "drivers/driver.h"

/*
 * Parameter tables hold arrays, not pointers: Criterion hands each element
 * to the process that runs the case.
 */

/* An identifier and the engine's quoted form of it. */
struct suite_quote {
	char in[32];
	char out[48];
};

/* A place where no database answers (server engines). */
struct suite_place {
	char host[32]; /* "": the test server's */
	int port;      /* 0: the test server's */
	char db[32];   /* "": the test database */
	char says[32]; /* part of the reason */
	bool native;   /* the engine gives its own error number */
	int rc;        /* ERR_CONNECT, or ERR_REFUSED: the server said no */
	char sqlstate[8]; /* the SQLSTATE of a refusal, "" = none */
};

/* DB_URL parameters and what connecting with them gives (server engines). */
struct suite_params {
	char params[96]; /* "key=value", separated by spaces */
	int rc;          /* 0: connects */
	char says[32];   /* part of the message when rc < 0 */
};

struct suite_engine {
	const char *engine; /* the target's engine */
	/* Before and after each case (a temporary directory); may be NULL. */
	void (*init)(void);
	void (*fini)(void);
	/* The test database; skips the case when there is none. */
	struct target *(*target)(void);
	bool server; /* a server, not a file: databases are made and dropped */
	const char *drop_db_suffix; /* after DROP DATABASE name */

	const char *table_options; /* after CREATE TABLE name (...) */
	const char *byte_length;   /* SQL: the length of column s in bytes */
	const char *truth;         /* a true boolean as text */
	const struct suite_quote *quotes;
	size_t nquotes;

	/* the lock */
	const char *lock_says[2]; /* in the message when it is held elsewhere */
	int unlock_unheld;        /* unlock of a lock not held: 0 or ERR_LOCK */
	int freed_wait;           /* lock timeout right after a holder died */
	double freed_within;      /* seconds it may take */

	/* server engines only */
	const char *password_refused; /* part of the message */
	long password_native;
	const char *password_sqlstate;
	const struct suite_place *places;
	size_t nplaces;
	const struct suite_params *params;
	size_t nparams;
	const char *readonly_sqlstate; /* a write on a readonly connection */
	long readonly_native;
	const char *socket_env; /* environment variable naming the socket */
	bool socket_port;       /* the socket's name has the port in it */
	const char *socket_sql;  /* a query whose answer, over the socket, */
	const char *socket_says; /* is this */
	const char *socket_missing_says; /* the reason when there is none */
	const char *session_sql; /* the connection's id */
	const char *kill_sql;    /* ends the connection with id ? */
	const char *kill_says;   /* the one row kill_sql returns; NULL: none */
};

/* Defined by each test program. */
extern const struct suite_engine suite_engine;

/* The suites' .init and .fini: the engine's init and fini, if any. */
void suite_init(void);
void suite_fini(void);
/* Replace a target's string field. */
void suite_set(char **field, const char *value);
/* A server engine's test database from TEST_* variables, or a skip. */
struct target *suite_server_target(const char *url_var, const char *host_var,
				   const char *port_var);
struct db *suite_open(const struct target *t, bool readonly);
void suite_run(struct db *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The only cell of a one-row query, copied; NULL for NULL. */
char *suite_one(struct db *db, const char *sql, const struct db_param *p,
		size_t n);
void suite_assert_one(struct db *db, const char *sql, const char *want);
/* Exactly these columns (NULL-terminated), in this order. */
void suite_assert_columns(struct db *db, const char *table,
			  const char *const *want);
/* stem_<pid>: a name no case running in parallel uses. */
const char *suite_unique(const char *stem);
double suite_now(void);
/* Point t at a database of its own, and drop it again (server engines). */
void suite_fresh_db(struct target *t);
void suite_drop_db(struct target *t);
/*
 * Bound a case that forks: Criterion's timeout does not reach the
 * processes a case forks, so they and the case bound themselves.
 */
void suite_guard(void);
/*
 * Fork a process that connects to t, takes the lock and holds it until it
 * is killed or *ctl is closed (also when this process dies).
 */
pid_t suite_spawn_holder(const struct target *t, int *ctl);

#endif
