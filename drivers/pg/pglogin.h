/*
 * The PostgreSQL login, apart from the rest of the driver because libpq
 * hides what matters here: whether a failed login was refused by the
 * server (a wrong password, an unknown database, no CONNECT privilege:
 * ERR_REFUSED, never retried) or could not happen (no route, a server
 * starting up, too many connections: ERR_CONNECT, retriable).
 *
 * libpq gives a failed login's SQLSTATE only inside its message text, and
 * only when the connection's error verbosity asks for it, which can be set
 * on a connection already started, never before PQconnectdbParams: so
 * pglogin_connect starts the connection (PQconnectStartParams), turns
 * verbose errors on, and drives it with PQconnectPoll, bounded by
 * connect_timeout as PQconnectdbParams would bound it (libpq ignores it in
 * this mode). Once connected, the verbosity is back to libpq's default.
 */
#ifndef MIG_DRIVERS_PGLOGIN_H
#define MIG_DRIVERS_PGLOGIN_H

#include <stdbool.h>

#include <libpq-fe.h>

/*
 * Connect with keys/vals (NULL-terminated, as PQconnectdbParams; never
 * expanded as a conninfo). timeout in seconds, 0 = none; less than 2 is
 * 2, as libpq does. Returns the connection (PQstatus tells how it went;
 * NULL only when out of memory); *timed_out is set when the time ran out,
 * for the message libpq then lacks.
 */
PGconn *pglogin_connect(const char *const *keys, const char *const *vals,
			unsigned int timeout, bool *timed_out);

/*
 * The SQLSTATE a verbose login message carries ("...failed: FATAL:
 * 28P01: password authentication failed..."; the severity may be
 * translated, so the code is found by its shape: two blanks after a
 * colon, five digits or capitals, a colon), the last one when libpq tried
 * several addresses; "" when none. out holds 6 bytes.
 */
void pglogin_sqlstate(const char *msg, char out[6]);

/*
 * Whether a login failed with sqlstate was the server's refusal: class
 * 28 (invalid authorization: a wrong password, an unknown role, no
 * pg_hba.conf entry), 3D000 (no such database), 42501 (no CONNECT
 * privilege). Everything else (57P03 starting up or shutting down, 53300
 * too many connections, no SQLSTATE at all: the network) may pass.
 */
bool pglogin_refused(const char *sqlstate);

#endif
