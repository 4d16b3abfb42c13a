/* Operator login, run id and host name for the bookkeeping rows. */
#include "config.h"

#include "common/runinfo.h"

#include <sys/random.h>

#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "common/banned.h"

const char *
runinfo_login(void)
{
	struct passwd *pw;
	const char *s;

	if ((s = getenv("USER")) != NULL && *s)
		return s;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_name;
	return "unknown";
}

void
runinfo_run_id(time_t now, char *out, size_t size)
{
	unsigned char rnd[4] = { 0 };
	struct tm tm;
	char ts[32];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		/* Time and pid still make a collision unlikely. */
		uint32_t x = (uint32_t)getpid() * 2654435761u;

		memcpy(rnd, &x, sizeof(rnd));
	}
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	xsnprintf(out, size, "%s-%02x%02x%02x%02x", ts, rnd[0], rnd[1],
		  rnd[2], rnd[3]);
}

void
runinfo_host(char *out, size_t size)
{
	if (size == 0)
		return;
	if (gethostname(out, size - 1) < 0)
		xsnprintf(out, size, "unknown");
	out[size - 1] = '\0';
}
