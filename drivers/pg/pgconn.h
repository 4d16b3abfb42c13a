/*
 * Connecting to PostgreSQL, the parts that are not the login itself
 * (drivers/pg/pglogin.h): what libpq is given, what is checked before,
 * and the words of a failure.
 *
 * libpq gets keywords and values, never a conninfo string, so nothing is
 * quoted by hand: the target's host (or socket), port, database, user
 * and password; connect_timeout and application_name unless DB_URL sets
 * them; client_encoding UTF8; options (DB_URL's, then a schema target's
 * search_path, a dry run's read-only transactions or the session's
 * lock_timeout); then every other DB_URL parameter. DB_URL may not set
 * the keywords the target owns (pgconn_url_params lists those it may).
 * Nothing outside drivers/pg includes this.
 */
#ifndef MIG_DRIVERS_PGCONN_H
#define MIG_DRIVERS_PGCONN_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strv.h"
#include "config/target.h"

/* Keywords and values for PQconnectdbParams, NULL-terminated. */
struct pgconn_params {
	const char **keys;
	const char **vals;
	int n;
	struct strv owned;  /* the keys cut out of "key=value" */
	struct buf options; /* options: the user's, then ours */
	char port[16];
};

/* The parameters of t for a connection (readonly: a dry run's). */
void pgconn_params_init(struct pgconn_params *p, const struct target *t,
			bool readonly);
void pgconn_params_release(struct pgconn_params *p);

/*
 * What libpq cannot tell apart from a network failure: an sslmode it does
 * not know (ERR_CONFIG). *secs: connect_timeout, which bounds the login.
 */
int pgconn_check(const struct target *t, unsigned int *secs, struct err *e);

/* The DB_URL parameters: libpq's keywords but those the target owns. */
const char *const *pgconn_url_params(void);

/* "host:port/db" (and " schema s") for messages; never the password. */
void pgconn_where(const struct target *t, PGconn *conn, struct buf *out);
/* libpq's message raw cut to its first reason, in our words' case, the
 * password redacted. */
void pgconn_reason(const char *raw, const struct target *t, struct buf *out);
/*
 * A failed connection into e: ERR_REFUSED when the server refused the
 * login, ERR_CONFIG for a parameter libpq or the server found invalid,
 * ERR_CONNECT otherwise (timed_out: the time ran out). Returns the code.
 */
int pgconn_error(const struct target *t, const char *where, PGconn *conn,
		 bool timed_out, struct err *e);

#endif
