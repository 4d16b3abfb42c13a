/* "Did you mean": the distance, and which candidate is offered. */
#include "config.h"

#include "common/spelling.h"

#include <stdint.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

struct distance_case {
	const char *a, *b;
	size_t want;
};

static const struct distance_case distance_cases[] = {
	{ "upgrade", "upgrade", 0 },
	{ "upgarde", "upgrade", 1 },  /* a swap is one edit */
	{ "upgrad", "upgrade", 1 },   /* a deletion */
	{ "uupgrade", "upgrade", 1 }, /* an insertion */
	{ "opgrade", "upgrade", 1 },  /* a substitution */
	{ "", "db", 2 },
	{ "--jbos", "--jobs", 1 },
	{ "abc", "cba", 2 },
	{ "0123456789012345678901234567890", "x", 31 },
	{ "01234567890123456789012345678901", "x", SIZE_MAX },
};

#define NCASES (sizeof(distance_cases) / sizeof(distance_cases[0]))

/* Indexes: the cases hold pointers, which Criterion's copies would not. */
ParameterizedTestParameters(spelling, distance)
{
	static size_t idx[NCASES];
	size_t i;

	for (i = 0; i < NCASES; i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, NCASES);
}

ParameterizedTest(size_t *ix, spelling, distance)
{
	const struct distance_case *c = &distance_cases[*ix];

	cr_assert_eq(spelling_distance(c->a, c->b), c->want, "%s / %s: %zu",
		     c->a, c->b, spelling_distance(c->a, c->b));
	cr_assert_eq(spelling_distance(c->b, c->a), c->want, "symmetric");
}

static const char *
closest(const char *word)
{
	static const char *const known[] = { "list", "errors", "upgrade",
					     "dry_upgrade", "downgrade", "db",
					     "mark" };
	struct spelling s;
	size_t i;

	spelling_init(&s, word);
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		spelling_offer(&s, known[i]);
	return s.best;
}

Test(spelling, offers_the_closest_near_word)
{
	cr_assert_str_eq(closest("upgarde"), "upgrade");
	cr_assert_str_eq(closest("dry-upgrade"), "dry_upgrade");
	cr_assert_str_eq(closest("lst"), "list");
	cr_assert_str_eq(closest("errros"), "errors");
	/* the first of equally close: "mrak" is one swap from mark */
	cr_assert_str_eq(closest("mrak"), "mark");
}

Test(spelling, offers_nothing_that_is_not_a_typo)
{
	cr_assert_null(closest("frobnicate"));
	cr_assert_null(closest("upgr"));  /* 3 edits */
	cr_assert_null(closest("x"));     /* as many edits as "db" has */
	cr_assert_null(closest(""));
}
