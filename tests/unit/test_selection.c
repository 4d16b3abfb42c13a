/* Unit tests for config/selection: the selection expressions of --select,
 * --canary and a wave's select, by name glob and tag. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "config/selection.h"
#include "config/target.h"

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

struct sel_case {
	const char *exprs[3]; /* up to three expressions, OR'ed */
	const char *name;
	const char *tags;     /* space-separated */
	bool want;
};

static const struct sel_case sel_cases[] = {
	{ { NULL }, "eu-001", "", true },
	{ { "eu-001" }, "eu-001", "", true },
	{ { "eu-001" }, "eu-0011", "", false },
	{ { "eu-*" }, "eu-042", "", true },
	{ { "eu-*" }, "us-042", "", false },
	{ { "eu-00?" }, "eu-001", "", true },
	{ { "eu-00[2-4]" }, "eu-001", "", false },
	{ { "eu-00[2-4]" }, "eu-003", "", true },
	{ { "us-00[1-4]" }, "us-003", "", true },
	{ { "us-00[1-4]" }, "us-005", "", false },
	{ { "?s-001" }, "us-001", "", true },
	{ { "*" }, "x", "", true },
	{ { "tag:canary" }, "eu-001", "eu canary", true },
	{ { "tag:canary" }, "eu-002", "eu", false },
	{ { "tag:canary" }, "canary", "", false }, /* a tag, not a name */
	{ { "tag:can*" }, "eu-001", "canary", true },
	{ { "tag:can*" }, "a", "eu", false },
	{ { "tag:eu" }, "eu-001", "", false },
	{ { "tag:x:y" }, "a", "x:y", true }, /* a pattern may hold ':' */
	{ { "eu-*,tag:canary" }, "us-001", "us canary", true },
	{ { "eu-*,tag:canary" }, "us-002", "us", false },
	{ { "b,a" }, "a", "", true },
	{ { "b,tag:x" }, "a", "x", true },
	{ { "b,c" }, "a", "", false },
	{ { "tag:x,tag:y" }, "a", "y", true },
	{ { "eu-*", "legacy" }, "legacy", "", true },
	{ { "eu-*", "tag:us" }, "us-9", "us", true },
	{ { "eu-*", "tag:us" }, "ap-1", "ap", false },
	{ { "a", "b", "c*" }, "cz", "", true },
	/* a name that looks like a tag term is a glob on the name */
	{ { "tag" }, "tag", "", true },
};

ParameterizedTestParameters(selection, matches)
{
	CASE_INDICES(sel_cases);
}

ParameterizedTest(size_t *ix, selection, matches)
{
	const struct sel_case *c = &sel_cases[*ix];
	struct strv exprs = STRV_INIT;
	struct target *t = target_new();
	struct err e = ERR_INIT;
	char tags[64], *tok, *save;
	int i;

	free(t->name);
	t->name = strdup(c->name);
	snprintf(tags, sizeof(tags), "%s", c->tags);
	for (tok = strtok_r(tags, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		strv_push(&t->tags, tok);
	for (i = 0; i < 3 && c->exprs[i]; i++)
		strv_push(&exprs, c->exprs[i]);
	cr_assert_eq(selection_check_each(&exprs, "--select", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(selection_match_any(&exprs, t), c->want,
		     "%s%s%s on %s [%s]", c->exprs[0] ? c->exprs[0] : "(none)",
		     c->exprs[1] ? " or " : "", c->exprs[1] ? c->exprs[1] : "",
		     c->name, c->tags);
	/* one expression: the same answer alone */
	if (exprs.n == 1)
		cr_assert_eq(selection_match(c->exprs[0], t), c->want);
	strv_release(&exprs);
	target_free(t);
}

#define EMPTY_TERM                                                             \
	" has an empty term (write NAME-GLOB or tag:TAG-GLOB, several "       \
	"separated by commas)"

static const struct {
	const char *expr;
	const char *msg; /* NULL: well formed */
} checks[] = {
	{ "a", NULL },
	{ "tag:x", NULL },
	{ "a,tag:x,b*", NULL },
	{ "tag:x:y", NULL },
	{ "tag", NULL },
	{ "", "''" EMPTY_TERM },
	{ "tag:", "'tag:'" EMPTY_TERM },
	{ "a,", "'a,'" EMPTY_TERM },
	{ ",a", "',a'" EMPTY_TERM },
	{ "a,,b", "'a,,b'" EMPTY_TERM },
	{ "eu-*,,us-*", "'eu-*,,us-*'" EMPTY_TERM },
	{ "a,tag:", "'a,tag:'" EMPTY_TERM },
	{ "tag:,a", "'tag:,a'" EMPTY_TERM },
	{ "a,\n,", "'a,?,'" EMPTY_TERM }, /* control characters quoted */
};

ParameterizedTestParameters(selection, check) { CASE_INDICES(checks); }

ParameterizedTest(size_t *ix, selection, check)
{
	struct err e = ERR_INIT;
	int rc = selection_check(checks[*ix].expr, &e);

	if (checks[*ix].msg == NULL) {
		cr_assert_eq(rc, 0, "'%s': %s", checks[*ix].expr, e.msg);
		return;
	}
	cr_assert_eq(rc, ERR_USAGE, "'%s'", checks[*ix].expr);
	cr_assert_str_eq(e.msg, checks[*ix].msg);
}

/* The first bad expression of several is named, after the option. */
Test(selection, check_each_names_the_option)
{
	struct strv exprs = STRV_INIT;
	struct err e = ERR_INIT;

	strv_push(&exprs, "eu-*");
	strv_push(&exprs, "a,,b");
	strv_push(&exprs, "tag:");
	cr_assert_eq(selection_check_each(&exprs, "--select", &e), ERR_USAGE);
	cr_assert_str_eq(e.msg, "--select: 'a,,b'" EMPTY_TERM);
	strv_release(&exprs);
}
