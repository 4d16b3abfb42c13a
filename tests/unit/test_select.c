/* Unit tests for orchestrator/select: --select by name glob and tag. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "config/target.h"
#include "orchestrator/select.h"

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
	const char *exprs[3]; /* up to three --select options */
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
	{ { "us-00[1-4]" }, "us-003", "", true },
	{ { "us-00[1-4]" }, "us-005", "", false },
	{ { "?s-001" }, "us-001", "", true },
	{ { "tag:canary" }, "eu-001", "eu canary", true },
	{ { "tag:canary" }, "eu-002", "eu", false },
	{ { "tag:can*" }, "eu-001", "canary", true },
	{ { "tag:eu" }, "eu-001", "", false },
	{ { "eu-*,tag:canary" }, "us-001", "us canary", true },
	{ { "eu-*,tag:canary" }, "us-002", "us", false },
	{ { "eu-*", "legacy" }, "legacy", "", true },
	{ { "eu-*", "tag:us" }, "us-9", "us", true },
	{ { "eu-*", "tag:us" }, "ap-1", "ap", false },
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
	cr_assert_eq(select_check(&exprs, &e), 0, "%s", e.msg);
	cr_assert_eq(select_match(&exprs, t), c->want,
		     "--select %s%s%s on %s [%s]",
		     c->exprs[0] ? c->exprs[0] : "(none)",
		     c->exprs[1] ? " --select " : "",
		     c->exprs[1] ? c->exprs[1] : "", c->name, c->tags);
	strv_release(&exprs);
	target_free(t);
}

struct bad_case {
	const char *expr;
};

static const struct bad_case bad_cases[] = {
	{ "" }, { "eu-*," }, { ",eu-*" }, { "eu-*,,us-*" }, { "tag:" },
	{ "eu-*,tag:" },
};

ParameterizedTestParameters(selection, empty_terms_are_refused)
{
	CASE_INDICES(bad_cases);
}

ParameterizedTest(size_t *ix, selection, empty_terms_are_refused)
{
	const struct bad_case *c = &bad_cases[*ix];
	struct strv exprs = STRV_INIT;
	struct err e = ERR_INIT;

	strv_push(&exprs, c->expr);
	cr_assert_eq(select_check(&exprs, &e), ERR_USAGE, "'%s'", c->expr);
	cr_assert(strstr(e.msg, "--select") != NULL, "%s", e.msg);
	strv_release(&exprs);
}
