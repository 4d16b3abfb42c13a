/* Unit tests for config/duration: every form of the one duration grammar
 * (--timeout, --deadline, the inventory's timeout), accepted or refused
 * with its exact message. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "config/duration.h"

/*
 * Criterion runs each case in a fresh process where the parent's pointers
 * mean nothing: the parameters are indices into file-level tables.
 */
#define NCASES(t) (sizeof(t) / sizeof((t)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

static const struct {
	const char *s;
	double secs;
} good[] = {
	{ "90", 90 },
	{ "90s", 90 },
	{ "10m", 600 },
	{ "30m", 1800 },
	{ "2h", 7200 },
	{ "1.5h", 5400 },
	{ "1h30m", 5400 },
	{ "1h30m15s", 5415 },
	{ "1h15s", 3615 },
	{ "2m30s", 150 },
	{ "0.25s", 0.25 },
	{ "1.5", 1.5 },
	{ "0.000001s", 0.000001 },
	{ "1.5h30m", 7200 },
	{ "007", 7 },
	{ "0", 0 },
	{ "0s", 0 },
	{ "0h0m0s", 0 },
	{ "none", 0 },
	{ "1000000000", 1000000000 },
	{ "277777h46m40s", 1000000000 },
};

ParameterizedTestParameters(duration, accepted) { CASE_INDICES(good); }

ParameterizedTest(size_t *i, duration, accepted)
{
	struct err e = ERR_INIT;
	double d = -1;

	cr_assert_eq(duration_parse(good[*i].s, &d, &e), 0, "'%s': %s",
		     good[*i].s, e.msg);
	cr_assert_float_eq(d, good[*i].secs, 1e-9, "'%s': %g", good[*i].s, d);
}

#define NOT_A " is not a duration such as 90, 90s, 1.5h, 10m, 1h30m or none"
#define ORDER ": write the units in the order h, m, s, each at most once"
#define ALONE ": a number without a unit must stand alone (write 1h30m)"

static const struct {
	const char *s;
	const char *msg;
} bad[] = {
	{ "", "''" NOT_A },
	{ "h", "'h'" NOT_A },
	{ "1d", "'1d'" NOT_A },
	{ "1H", "'1H'" NOT_A },
	{ "-5", "'-5'" NOT_A },
	{ "+5", "'+5'" NOT_A },
	{ "1e3", "'1e3'" NOT_A },
	{ "inf", "'inf'" NOT_A },
	{ "nan", "'nan'" NOT_A },
	{ "None", "'None'" NOT_A },
	{ "none ", "'none '" NOT_A },
	{ "1.", "'1.'" NOT_A },
	{ ".5", "'.5'" NOT_A },
	{ "1.5.5s", "'1.5.5s'" NOT_A },
	{ "0.0000001s", "'0.0000001s'" NOT_A },
	{ "10 m", "'10 m'" NOT_A },
	{ " 10m", "' 10m'" NOT_A },
	{ "10m ", "'10m '" NOT_A },
	{ "1hm", "'1hm'" NOT_A },
	{ "12345678901s", "'12345678901s'" NOT_A },
	{ "5\n", "'5?'" NOT_A },
	{ "30m1h", "'30m1h'" ORDER },
	{ "1s1m", "'1s1m'" ORDER },
	{ "1m1m", "'1m1m'" ORDER },
	{ "1h1h", "'1h1h'" ORDER },
	{ "1h30", "'1h30'" ALONE },
	{ "1m30", "'1m30'" ALONE },
	{ "1000000001", "'1000000001' is more than 1000000000 seconds" },
	{ "9999999999h", "'9999999999h' is more than 1000000000 seconds" },
	{ "277777h46m41s", "'277777h46m41s' is more than 1000000000 seconds" },
};

ParameterizedTestParameters(duration, refused) { CASE_INDICES(bad); }

ParameterizedTest(size_t *i, duration, refused)
{
	struct err e = ERR_INIT;
	double d = -1;

	cr_assert_eq(duration_parse(bad[*i].s, &d, &e), ERR_USAGE, "'%s'",
		     bad[*i].s);
	cr_assert_str_eq(e.msg, bad[*i].msg);
	cr_assert_eq(d, -1, "'%s': untouched on error", bad[*i].s);
}

/* A long input is cut in the message, which stays one line. */
Test(duration, long_input_is_cut)
{
	char s[200];
	struct err e = ERR_INIT;
	double d;

	memset(s, 'x', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	cr_assert_eq(duration_parse(s, &d, &e), ERR_USAGE);
	cr_assert(strstr(e.msg, "...'" NOT_A) != NULL, "%s", e.msg);
	cr_assert(strlen(e.msg) < 140, "%s", e.msg);
}

/* DDL_LOCK_TIMEOUT and DDL_LOCK_RETRIES, the fleet's defaults. */
Test(duration, from_the_environment)
{
	char *const env[] = { (char *)"DDL_LOCK_TIMEOUTX=9",
			      (char *)"DDL_LOCK_TIMEOUT=1.5",
			      (char *)"DDL_LOCK_RETRIES=", (char *)"BAD=soon",
			      NULL };
	struct err e = ERR_INIT;
	double d = -1;

	cr_expect_eq(duration_env(env, "DDL_LOCK_TIMEOUT", &d, &e), 1);
	cr_expect_float_eq(d, 1.5, 1e-9);
	d = -1;
	cr_expect_eq(duration_env(env, "DDL_LOCK_RETRIES", &d, &e), 0);
	cr_expect_eq(duration_env(env, "NOPE", &d, &e), 0);
	cr_expect_eq(duration_env(NULL, "NOPE", &d, &e), 0);
	cr_expect_float_eq(d, -1, 1e-9);
	cr_assert_eq(duration_env(env, "BAD", &d, &e), ERR_CONFIG);
	cr_expect_str_eq(e.msg, "BAD (from environment): 'soon'" NOT_A);
}
