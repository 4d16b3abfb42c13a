/* --deadline: "2h", "06:00", "2026-11-28T06:00Z". */
#include "config.h"

#include "orchestrator/deadline.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config/duration.h"
#include "common/banned.h"

#define DIGITS "0123456789"
#define DAY (24 * 3600)

/* Exactly n digits into *v; advances *s. */
static bool
digits(const char **s, size_t n, int *v)
{
	size_t i;

	if (strspn(*s, DIGITS) < n)
		return false;
	for (*v = 0, i = 0; i < n; i++)
		*v = *v * 10 + ((*s)[i] - '0');
	*s += n;
	return true;
}

/* "HH:MM" or "HH:MM:SS" into tm; advances *s. */
static bool
clock_part(const char **s, struct tm *tm)
{
	if (!digits(s, 2, &tm->tm_hour) || *(*s)++ != ':' ||
	    !digits(s, 2, &tm->tm_min))
		return false;
	tm->tm_sec = 0;
	if (**s == ':' && (++*s, !digits(s, 2, &tm->tm_sec)))
		return false;
	return tm->tm_hour <= 23 && tm->tm_min <= 59 && tm->tm_sec <= 59;
}

/* "Z", "+01:00", "-0500", or nothing (local): seconds east of UTC. */
static bool
zone_part(const char *s, bool *local, long *east)
{
	int h, m, sign;

	*local = *s == '\0';
	*east = 0;
	if (*local || strcmp(s, "Z") == 0)
		return true;
	if (*s != '+' && *s != '-')
		return false;
	sign = *s++ == '-' ? -1 : 1;
	if (!digits(&s, 2, &h))
		return false;
	if (*s == ':')
		s++;
	if (!digits(&s, 2, &m) || *s != '\0' || h > 23 || m > 59)
		return false;
	*east = sign * (h * 3600L + m * 60L);
	return true;
}

/* "HH:MM[:SS]": the next such local time after now. */
static bool
parse_clock(const char *s, time_t now, double *at)
{
	struct tm tm;
	time_t t;

	localtime_r(&now, &tm);
	if (!clock_part(&s, &tm) || *s != '\0')
		return false;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return false;
	if (t <= now) {
		tm.tm_mday++; /* mktime normalises, across DST too */
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	*at = (double)t;
	return true;
}

/* "YYYY-MM-DD[T ]HH:MM[:SS][zone]". */
static bool
parse_date(const char *s, double *at)
{
	struct tm tm, back;
	bool local;
	long east;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (!digits(&s, 4, &tm.tm_year) || *s++ != '-' ||
	    !digits(&s, 2, &tm.tm_mon) || *s++ != '-' ||
	    !digits(&s, 2, &tm.tm_mday) || (*s != 'T' && *s != ' '))
		return false;
	s++;
	if (!clock_part(&s, &tm) || !zone_part(s, &local, &east))
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	back = tm;
	tm.tm_isdst = -1;
	t = local ? mktime(&tm) : timegm(&tm);
	/* normalisation moved a field: no such day (2026-02-30) */
	if (t == (time_t)-1 || tm.tm_mday != back.tm_mday ||
	    tm.tm_mon != back.tm_mon)
		return false;
	*at = (double)t - (double)east;
	return true;
}

/* The relative form: a duration from now; "0" and "none": no deadline. */
static int
parse_relative(const char *s, double now, double *at, struct err *e)
{
	double d;

	if (duration_parse(s, &d, e) == 0) {
		*at = d > 0 ? now + d : 0;
		return 0;
	}
	/* only a duration's characters: its own message says what is wrong */
	if (s[0] && strspn(s, DIGITS ".hms") == strlen(s))
		return err_prefix(e, "--deadline");
	return err_set(e, ERR_USAGE,
		       "--deadline '%s': give a duration (2h, 90m), a clock "
		       "time (06:00) or a date and time (2026-11-28T06:00Z)",
		       s);
}

int
deadline_parse(const char *s, double now, double *at, struct err *e)
{
	char iso[32];
	double t;

	if (strchr(s, ':') == NULL)
		return parse_relative(s, now, at, e);
	if (strlen(s) <= 8) {
		if (!parse_clock(s, (time_t)now, at))
			return err_set(e, ERR_USAGE,
				       "--deadline '%s': not a clock time such "
				       "as 06:00 or 23:30:00",
				       s);
		return 0;
	}
	if (!parse_date(s, &t))
		return err_set(e, ERR_USAGE,
			       "--deadline '%s': not a date and time such as "
			       "2026-11-28T06:00Z, 2026-11-28T06:00+01:00 or "
			       "2026-11-28 06:00 (local)",
			       s);
	if (t <= now) {
		deadline_iso(t, iso, sizeof(iso));
		return err_set(e, ERR_USAGE, "--deadline '%s' (%s) has passed",
			       s, iso);
	}
	*at = t;
	return 0;
}

void
deadline_iso(double at, char *out, size_t size)
{
	time_t t = (time_t)at;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
