/* Unit tests for orchestrator/deadline: durations, clock times and dates
 * for --deadline (the duration grammar itself: test_duration). */
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
	const char *tz;
	const char *s;
	int rc;
	double at;        /* epoch seconds */
	const char *msg;  /* part of the error */
} deadlines[] = {
	/* from the start of the run; 0 and none: no deadline */
	{ "UTC", "2h", 0, NOW + 7200, NULL },
	{ "UTC", "90m", 0, NOW + 5400, NULL },
	{ "UTC", "1.5h", 0, NOW + 5400, NULL },
	{ "UTC", "90", 0, NOW + 90, NULL },
	{ "UTC", "none", 0, 0, NULL },
	{ "UTC", "0", 0, 0, NULL },
	{ "UTC", "30m1h", ERR_USAGE, 0,
	  "--deadline: '30m1h': write the units in the order h, m, s, each "
	  "at most once" },
	{ "UTC", "1h30", ERR_USAGE, 0,
	  "--deadline: '1h30': a number without a unit must stand alone" },
	{ "UTC", "1.5.5h", ERR_USAGE, 0,
	  "--deadline: '1.5.5h' is not a duration such as 90, 90s, 1.5h, "
	  "10m, 1h30m or none" },
	{ "UTC", "1d", ERR_USAGE, 0, "--deadline '1d': give a duration" },
	{ "UTC", "", ERR_USAGE, 0, "give a duration" },
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
