/*
 * Unit tests for worker/caret: an engine's error position (a 1-based
 * character offset in a statement) as the file's line and column, and the
 * line shown with a caret under the column.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "worker/caret.h"

struct caret_case {
	const char *what;
	const char *sql; /* the statement, starting at line:col of its file */
	int line, col;
	int pos;         /* the engine's offset */
	int want_line, want_col;
	const char *want; /* the excerpt */
};

static const struct caret_case cases[] = {
	{ "PostgreSQL's syntax error on the 3rd line",
	  "create table b1 (\n  x int,\n  y int nope,\n  z int\n)", 6, 1, 36,
	  8, 9,
	  "  8 |   y int nope,\n"
	  "    |         ^" },
	/* what came before the statement on its first line is blank, and
	 * the column counts from the line's start */
	{ "the first line starts at the statement's column",
	  "select nope from t", 12, 10, 8, 12, 17,
	  "  12 |          select nope from t\n"
	  "     |                 ^" },
	/* 'n' of nope: 14 + 1 tab + "values ('é€', " (13 characters) + 1 */
	{ "characters, not bytes; a tab stays a tab",
	  "insert into t\n\tvalues ('é€', nope)", 3, 1, 29, 4, 15,
	  "  4 | \tvalues ('é€', nope)\n"
	  "    | \t             ^" },
	{ "one past the last character: at end of input", "select (1", 1, 1,
	  10, 1, 10,
	  "  1 | select (1\n"
	  "    |          ^" },
	{ "a carriage return is not shown", "select 1,\r\n  nope x\r\nfrom t", 2,
	  1, 19, 3, 8,
	  "  3 |   nope x\n"
	  "    |        ^" },
};

ParameterizedTestParameters(caret, locates)
{
	static size_t idx[sizeof(cases) / sizeof(cases[0])];
	size_t i;

	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, sizeof(idx) / sizeof(idx[0]));
}

ParameterizedTest(size_t *i, caret, locates)
{
	const struct caret_case *c = &cases[*i];
	struct stmt st = { .sql = (char *)c->sql, .line = c->line,
			   .col = c->col };
	struct buf ex = BUF_INIT;
	struct caret at;

	cr_assert(caret_locate(&st, c->pos, &at, &ex), "%s", c->what);
	cr_assert_eq(at.line, c->want_line, "%s", c->what);
	cr_assert_eq(at.col, c->want_col, "%s", c->what);
	cr_assert_str_eq(ex.ptr, c->want, "%s", c->what);
	buf_release(&ex);
}

Test(caret, no_position_or_one_beyond_the_statement_is_none)
{
	struct stmt st = { .sql = (char *)"select 1", .line = 1, .col = 1 };
	struct buf ex = BUF_INIT;
	struct caret at = { 7, 7 };

	cr_assert_not(caret_locate(&st, 0, &at, &ex));
	cr_assert_not(caret_locate(&st, 10, &at, &ex));
	cr_assert_not(caret_locate(&st, -3, &at, &ex));
	cr_assert_eq(at.line, 7);
	cr_assert_eq(ex.len, 0);
	buf_release(&ex);
}
