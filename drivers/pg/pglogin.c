/* The PostgreSQL login with the SQLSTATE of a refusal; see pglogin.h. */
#include "config.h"

#include "drivers/pg/pglogin.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "drivers/driver.h"
#include "common/banned.h"

/* Milliseconds until deadline for poll(2): -1 without one, 0 when past. */
static int
ms_left(double deadline)
{
	double left;

	if (deadline <= 0)
		return -1;
	left = (deadline - driver_clock()) * 1000;
	return left <= 0 ? 0 : (int)left + 1;
}

PGconn *
pglogin_connect(const char *const *keys, const char *const *vals,
		unsigned int timeout, bool *timed_out)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	PGconn *conn = PQconnectStartParams(keys, vals, 0);
	double deadline = 0;
	struct pollfd pfd;
	int n;

	*timed_out = false;
	if (conn == NULL || PQstatus(conn) == CONNECTION_BAD)
		return conn;
	PQsetErrorVerbosity(conn, PQERRORS_VERBOSE);
	if (timeout > 0)
		deadline = driver_clock() + (timeout < 2 ? 2 : timeout);
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		/* the socket may change as libpq tries the next address */
		pfd.fd = PQsocket(conn);
		pfd.events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		pfd.revents = 0;
		n = poll(&pfd, 1, ms_left(deadline));
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			*timed_out = true;
			break;
		}
		st = PQconnectPoll(conn);
	}
	if (st == PGRES_POLLING_OK)
		PQsetErrorVerbosity(conn, PQERRORS_DEFAULT);
	return conn;
}

static bool
sqlstate_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

void
pglogin_sqlstate(const char *msg, char out[6])
{
	const char *p;
	int i;

	out[0] = '\0';
	for (p = msg ? strstr(msg, ":  ") : NULL; p; p = strstr(p + 1, ":  ")) {
		for (i = 0; i < 5 && sqlstate_char(p[3 + i]); i++)
			;
		if (i == 5 && p[8] == ':' && p[9] == ' ') {
			memcpy(out, p + 3, 5);
			out[5] = '\0';
		}
	}
}

bool
pglogin_refused(const char *sqlstate)
{
	return strncmp(sqlstate, "28", 2) == 0 ||
	       strcmp(sqlstate, "3D000") == 0 || strcmp(sqlstate, "42501") == 0;
}
