/*
 * Unit tests for worker/caret: an engine's error position (a 1-based
 * character offset in a statement) as the file's line and column, and the
 * line shown with a caret under the column.
 */
#include "config.h"

#include <criterion/criterion.h>

#include "worker/caret.h"

/* A statement as the lexer makes it (its text is never written to). */
static struct stmt
stmt_at(const char *sql, int line, int col)
{
	struct stmt st = { (char *)sql, line, col };

	return st;
}

/* The position of PostgreSQL's syntax error on the 3rd line. */
Test(caret, a_later_line_of_the_statement)
{
	struct stmt st = stmt_at("create table b1 (\n  x int,\n  y int nope,\n"
				 "  z int\n)",
				 6, 1);
	struct buf ex = BUF_INIT;
	struct caret at;

	cr_assert(caret_locate(&st, 36, &at, &ex));
	cr_assert_eq(at.line, 8);
	cr_assert_eq(at.col, 9);
	cr_assert_str_eq(ex.ptr, "  8 |   y int nope,\n"
				 "    |         ^");
	buf_release(&ex);
}

/* On its first line a statement starts at its own column: what came before
 * it on that line is blank, and the column counts from the line's start. */
Test(caret, the_first_line_starts_at_the_statement_column)
{
	struct stmt st = stmt_at("select nope from t", 12, 10);
	struct buf ex = BUF_INIT;
	struct caret at;

	cr_assert(caret_locate(&st, 8, &at, &ex));
	cr_assert_eq(at.line, 12);
	cr_assert_eq(at.col, 17);
	cr_assert_str_eq(ex.ptr, "  12 |          select nope from t\n"
				 "     |                 ^");
	buf_release(&ex);
}

/* Characters, not bytes, as PostgreSQL counts; a tab stays a tab. */
Test(caret, characters_and_tabs)
{
	struct stmt st = stmt_at("insert into t\n\tvalues ('é€', nope)", 3, 1);
	struct buf ex = BUF_INIT;
	struct caret at;

	/* 'n' of nope: 14 + 1 tab + "values ('é€', " (13 characters) + 1 */
	cr_assert(caret_locate(&st, 29, &at, &ex));
	cr_assert_eq(at.line, 4);
	cr_assert_eq(at.col, 15);
	cr_assert_str_eq(ex.ptr, "  4 | \tvalues ('é€', nope)\n"
				 "    | \t             ^");
	buf_release(&ex);
}

/* One past the last character: "syntax error at end of input". */
Test(caret, the_end_of_the_statement)
{
	struct stmt st = stmt_at("select (1", 1, 1);
	struct buf ex = BUF_INIT;
	struct caret at;

	cr_assert(caret_locate(&st, 10, &at, &ex));
	cr_assert_eq(at.col, 10);
	cr_assert_str_eq(ex.ptr, "  1 | select (1\n"
				 "    |          ^");
	buf_release(&ex);
}

Test(caret, no_position_or_one_beyond_the_statement_is_none)
{
	struct stmt st = stmt_at("select 1", 1, 1);
	struct buf ex = BUF_INIT;
	struct caret at = { 7, 7 };

	cr_assert_not(caret_locate(&st, 0, &at, &ex));
	cr_assert_not(caret_locate(&st, 10, &at, &ex));
	cr_assert_not(caret_locate(&st, -3, &at, &ex));
	cr_assert_eq(at.line, 7);
	cr_assert_eq(ex.len, 0);
	buf_release(&ex);
}

/* A CRLF file: the carriage return is not shown. */
Test(caret, a_carriage_return_is_not_shown)
{
	struct stmt st = stmt_at("select 1,\r\n  nope x\r\nfrom t", 2, 1);
	struct buf ex = BUF_INIT;
	struct caret at;

	cr_assert(caret_locate(&st, 19, &at, &ex));
	cr_assert_eq(at.line, 3);
	cr_assert_eq(at.col, 8);
	cr_assert_str_eq(ex.ptr, "  3 |   nope x\n"
				 "    |        ^");
	buf_release(&ex);
}
