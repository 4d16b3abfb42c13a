/* Durations: "90", "1.5h", "1h30m", "none"; the grammar is in duration.h. */
#include "config.h"

#include "config/duration.h"

#include <stdbool.h>
#include <string.h>

#include "common/buf.h"
#include "config/problems.h"
#include "common/banned.h"

#define DIGITS "0123456789"

/* One number: 1-10 digits, then optionally '.' and 1-6 digits. */
static bool
number(const char **s, double *v)
{
	size_t n = strspn(*s, DIGITS), f, i;
	double x = 0, scale = 1;

	if (n == 0 || n > 10)
		return false;
	for (i = 0; i < n; i++)
		x = x * 10 + ((*s)[i] - '0');
	*s += n;
	if (**s == '.') {
		f = strspn(*s + 1, DIGITS);
		if (f == 0 || f > 6)
			return false;
		for (i = 1; i <= f; i++)
			x += ((*s)[i] - '0') * (scale /= 10);
		*s += 1 + f;
	}
	*v = x;
	return true;
}

#define NOT_A_DURATION                                                         \
	" is not a duration such as 90, 90s, 1.5h, 10m, 1h30m or none"

/* ERR_USAGE, the message the input quoted and then why. */
static int
refuse(const char *s, const char *why, struct err *e)
{
	struct buf q = BUF_INIT;

	err_set(e, ERR_USAGE, "'%s'%s", problems_quote(&q, s), why);
	buf_release(&q);
	return ERR_USAGE;
}

int
duration_parse(const char *s, double *seconds, struct err *e)
{
	static const char units[] = "hms";
	static const double scale[] = { 3600, 60, 1 };
	const char *p = s, *u;
	size_t next = 0;
	double total = 0, v;

	if (strcmp(s, "none") == 0) {
		*seconds = 0;
		return 0;
	}
	do {
		if (!number(&p, &v))
			return refuse(s, NOT_A_DURATION, e);
		if (*p == '\0' && next == 0) {
			total = v; /* a number alone: seconds */
			break;
		}
		if (*p == '\0')
			return refuse(s, ": a number without a unit must stand "
					 "alone (write 1h30m)", e);
		if ((u = strchr(units, *p)) == NULL)
			return refuse(s, NOT_A_DURATION, e);
		if ((size_t)(u - units) < next)
			return refuse(s, ": write the units in the order h, m, "
					 "s, each at most once", e);
		next = (size_t)(u - units) + 1;
		total += v * scale[u - units];
		p++;
	} while (*p);
	if (total > DURATION_MAX)
		return refuse(s, " is more than 1000000000 seconds", e);
	*seconds = total;
	return 0;
}

int
duration_env(char *const *envp, const char *name, double *seconds,
	     struct err *e)
{
	size_t len = strlen(name);
	struct err why = ERR_INIT;

	for (; envp && *envp; envp++) {
		if (strncmp(*envp, name, len) != 0 || (*envp)[len] != '=')
			continue;
		if ((*envp)[len + 1] == '\0')
			return 0;
		if (duration_parse(*envp + len + 1, seconds, &why) == 0)
			return 1;
		return err_set(e, ERR_CONFIG, "%s (from environment): %s", name,
			       why.msg);
	}
	return 0;
}
