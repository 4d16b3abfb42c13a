/* Ranges and environment references in inventory strings. */
#include "config.h"

#include "config/expansion.h"

#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "common/buf.h"

/* Criterion runs each case in a new process: pass an index, not a pointer. */
#define NCASES(table) (sizeof(table) / sizeof((table)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

struct range_case {
	const char *s;
	long long idx;
	const char *want; /* NULL: a bad range */
};

static const struct range_case range_cases[] = {
	{ "us-{001..128}", 0, "us-001" },
	{ "us-{001..128}", 127, "us-128" },
	{ "{1..128}", 6, "7" },
	{ "{08..11}", 2, "10" },
	{ "{098..101}", 3, "101" },
	{ "a{1..3}b{4..6}c", 1, "a2b5c" },
	{ "no range", 5, "no range" },
	{ "{x}{}{1.2}{ 1..2}", 0, "{x}{}{1.2}{ 1..2}" },
	{ "${VAR}", 0, "${VAR}" },
	{ "${PW_{1..3}}", 2, "${PW_3}" },
	{ "{5..1}", 0, NULL },
	{ "{a..b}", 0, NULL },
	{ "{1..}", 0, NULL },
	{ "{1...3}", 0, NULL },
	{ "{1..100000}", 99999, "100000" },
	{ "{0..100000}", 0, NULL },
	{ "{1..1234567890123456789}", 0, NULL },
};

ParameterizedTestParameters(expansion, ranges)
{
	CASE_INDICES(range_cases);
}

ParameterizedTest(size_t *i, expansion, ranges)
{
	const struct range_case *c = &range_cases[*i];
	struct buf out = BUF_INIT;
	bool ok = expansion_ranges(c->s, c->idx, &out);

	if (c->want) {
		cr_assert(ok, "%s", c->s);
		cr_assert_str_eq(out.ptr, c->want);
	} else {
		cr_assert_not(ok, "%s accepted as %s", c->s, out.ptr);
	}
	buf_release(&out);
}

Test(expansion, range_next_reports_why_and_where)
{
	struct expansion_range r;
	const char *why = NULL;
	size_t pos = 0;

	cr_assert_eq(expansion_range_next("ab{5..1}cd{1..2}", &pos, &r, &why),
		     -1);
	cr_assert_eq(r.at, 2);
	cr_assert_eq(r.len, 6);
	cr_assert_str_eq(why, "the end is before the start");
	cr_assert_eq(expansion_range_next("ab{5..1}cd{1..2}", &pos, &r, &why),
		     1);
	cr_assert_eq(r.at, 10);
	cr_assert_eq(r.start, 1);
	cr_assert_eq(r.count, 2);
	cr_assert_eq(r.width, 1);
	cr_assert_eq(expansion_range_next("ab{5..1}cd{1..2}", &pos, &r, &why),
		     0);
	pos = 0;
	cr_assert_eq(expansion_range_next("{0..100000}", &pos, &r, &why), -1);
	cr_assert_str_eq(why, "more than 100000 values");
}

static char *const env[] = {
	(char *)"PG_PASSWORD=s3cret", (char *)"EMPTY=", (char *)"A=1",
	(char *)"AB=2", NULL,
};

struct env_case {
	const char *s;
	const char *want; /* expansion, or the message when it fails */
	bool ok;
};

static const struct env_case env_cases[] = {
	{ "${PG_PASSWORD}", "s3cret", true },
	{ "x${A}y${AB}z", "x1y2z", true },
	{ "${EMPTY}", "", true },
	{ "${EMPTY:-d}", "d", true },
	{ "${NOPE:-d e f}", "d e f", true },
	{ "${A:-d}", "1", true },
	{ "${NOPE:-}", "", true },
	{ "pa$$word$$", "pa$word$", true },
	{ "$${A}", "${A}", true },
	{ "plain", "plain", true },
	{ "${NOPE}", "${NOPE} is not set", false },
	{ "$HOME", "'$' must start ${VAR} or ${VAR:-default}; write '$$' for "
		   "a '$'",
	  false },
	{ "trailing$", "'$' must start ${VAR} or ${VAR:-default}; write '$$' "
		       "for a '$'",
	  false },
	{ "${}", "malformed ${...} reference: write ${NAME} or "
		 "${NAME:-default}",
	  false },
	{ "${1A}", "malformed ${...} reference: write ${NAME} or "
		   "${NAME:-default}",
	  false },
	{ "${A", "malformed ${...} reference: write ${NAME} or "
		 "${NAME:-default}",
	  false },
	{ "${A:=x}", "malformed ${...} reference: write ${NAME} or "
		     "${NAME:-default}",
	  false },
};

ParameterizedTestParameters(expansion, env)
{
	CASE_INDICES(env_cases);
}

ParameterizedTest(size_t *i, expansion, env)
{
	const struct env_case *c = &env_cases[*i];
	struct buf out = BUF_INIT, why = BUF_INIT;

	cr_assert_eq(expansion_env(c->s, env, &out, &why), c->ok, "%s", c->s);
	cr_assert_str_eq(c->ok ? out.ptr : why.ptr, c->want, "%s", c->s);
	cr_assert_null(strstr(why.ptr, "s3cret"));
	buf_release(&out);
	buf_release(&why);
}

Test(expansion, empty_environment)
{
	struct buf out = BUF_INIT, why = BUF_INIT;

	cr_assert(expansion_env("${X:-y}", NULL, &out, &why));
	cr_assert_str_eq(out.ptr, "y");
	cr_assert_not(expansion_env("${X}", NULL, &out, &why));
	buf_release(&out);
	buf_release(&why);
}

/* The variables a secret was taken from: well-formed references only, a
 * name repeated at once kept once. */
Test(expansion, env_names)
{
	struct strv names = STRV_INIT;

	expansion_env_names("a${PW}b$${NOT}${PW}${X_1:-d}${bad${}$x${Y}", &names);
	cr_assert_eq(names.n, 3);
	cr_assert_str_eq(names.v[0], "PW");
	cr_assert_str_eq(names.v[1], "X_1");
	cr_assert_str_eq(names.v[2], "Y");
	strv_release(&names);
}
