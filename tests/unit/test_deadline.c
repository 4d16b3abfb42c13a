/* Unit tests for orchestrator/deadline: durations, clock times and dates
 * for --deadline (and --timeout's durations). */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "orchestrator/deadline.h"

#define NCASES(t) (sizeof(t) / sizeof((t)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

#define NOW ((time_t)1795773600) /* 2026-11-27T10:00:00Z, a Friday */

static const struct {
	const char *s;
	int rc;
	double secs;
} durations[] = {
	{ "90", 0, 90 },
	{ "90s", 0, 90 },
	{ "10m", 0, 600 },
	{ "2h", 0, 7200 },
	{ "1h30m", 0, 5400 },
	{ "1h30m15s", 0, 5415 },
	{ "1.5h", 0, 5400 },
	{ "0.25s", 0, 0.25 },
	{ "0", 0, 0 },
	{ "", ERR_USAGE, 0 },
	{ "h", ERR_USAGE, 0 },
	{ "1d", ERR_USAGE, 0 },
	{ "-5", ERR_USAGE, 0 },
	{ "1e3", ERR_USAGE, 0 },
	{ "inf", ERR_USAGE, 0 },
	{ "nan", ERR_USAGE, 0 },
	{ "1.", ERR_USAGE, 0 },
	{ ".5", ERR_USAGE, 0 },
	{ "10 m", ERR_USAGE, 0 },
};

ParameterizedTestParameters(deadline, duration) { CASE_INDICES(durations); }

ParameterizedTest(size_t *i, deadline, duration)
{
	struct err e = ERR_INIT;
	double d = -1;
	int rc = deadline_duration(durations[*i].s, &d, &e);

	cr_assert_eq(rc, durations[*i].rc, "'%s': %d %s", durations[*i].s, rc,
		     e.msg);
	if (rc == 0)
		cr_assert_float_eq(d, durations[*i].secs, 1e-9, "'%s': %g",
				   durations[*i].s, d);
	else
		cr_assert(strstr(e.msg, "not a duration"), "%s", e.msg);
}

static const struct {
	const char *tz;
	const char *s;
	int rc;
	double at;        /* epoch seconds */
	const char *msg;  /* part of the error */
} deadlines[] = {
	/* from the start of the run */
	{ "UTC", "2h", 0, NOW + 7200, NULL },
	{ "UTC", "90m", 0, NOW + 5400, NULL },
	/* a clock time: today while ahead, else tomorrow */
	{ "UTC", "12:30", 0, 1795782600, NULL },
	{ "UTC", "06:00", 0, 1795845600, NULL },
	{ "UTC", "10:00", 0, NOW + 86400, NULL },
	{ "UTC", "10:00:01", 0, NOW + 1, NULL },
	{ "Europe/Paris", "06:00", 0, 1795842000, NULL }, /* 05:00Z */
	{ "America/New_York", "06:00", 0, 1795777200, NULL }, /* today 11:00Z */
	/* a date and time */
	{ "UTC", "2026-11-28T06:00Z", 0, 1795845600, NULL },
	{ "UTC", "2026-11-28T06:00:00Z", 0, 1795845600, NULL },
	{ "UTC", "2026-11-28T07:00:00+01:00", 0, 1795845600, NULL },
	{ "UTC", "2026-11-28T01:00-0500", 0, 1795845600, NULL },
	{ "Europe/Paris", "2026-11-28 07:00", 0, 1795845600, NULL },
	{ "UTC", "2026-11-27T09:59:59Z", ERR_USAGE, 0, "has passed" },
	{ "UTC", "2026-02-30T06:00Z", ERR_USAGE, 0, "not a date" },
	{ "UTC", "2026-11-28T24:00Z", ERR_USAGE, 0, "not a date" },
	{ "UTC", "2026-11-28T06:00+1", ERR_USAGE, 0, "not a date" },
	{ "UTC", "2026-11-28", ERR_USAGE, 0, "give a duration" },
	{ "UTC", "25:00", ERR_USAGE, 0, "not a clock time" },
	{ "UTC", "6:00", ERR_USAGE, 0, "not a clock time" },
	{ "UTC", "06:60", ERR_USAGE, 0, "not a clock time" },
	{ "UTC", "tomorrow", ERR_USAGE, 0, "give a duration" },
};

ParameterizedTestParameters(deadline, parse) { CASE_INDICES(deadlines); }

ParameterizedTest(size_t *i, deadline, parse)
{
	struct err e = ERR_INIT;
	double at = -1;
	int rc;

	setenv("TZ", deadlines[*i].tz, 1);
	tzset();
	rc = deadline_parse(deadlines[*i].s, NOW, &at, &e);
	cr_assert_eq(rc, deadlines[*i].rc, "'%s' (%s): %d %s", deadlines[*i].s,
		     deadlines[*i].tz, rc, e.msg);
	if (rc == 0) {
		cr_assert_float_eq(at, deadlines[*i].at, 1e-6,
				   "'%s' (%s): %.0f, want %.0f",
				   deadlines[*i].s, deadlines[*i].tz, at,
				   deadlines[*i].at);
	} else {
		cr_assert(strstr(e.msg, deadlines[*i].msg), "%s", e.msg);
		cr_assert(strstr(e.msg, "--deadline"), "%s", e.msg);
		cr_assert_eq(at, -1, "untouched on error");
	}
}

Test(deadline, iso)
{
	char s[32];

	deadline_iso(1795845600.7, s, sizeof(s));
	cr_assert_str_eq(s, "2026-11-28T06:00:00Z");
}
