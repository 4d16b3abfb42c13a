/* Unit tests for worker/resume: the checksums of committed statements and
 * whether a migration may resume after them. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/sha256.h"
#include "worker/resume.h"

static struct stmt stmts[] = {
	{ .sql = (char *)"ALTER TABLE users ADD COLUMN a INTEGER", .line = 6, .col = 1 },
	{ .sql = (char *)"ALTER TABLE users ADD COLUMN b INTEGER", .line = 7, .col = 1 },
	{ .sql = (char *)"INSERT INTO users (id) VALUES (1)", .line = 8, .col = 1 },
};
static const struct stmt_list list = { stmts, 3, 3 };

static struct migration *
mig(void)
{
	static struct migration m;

	m.filename = (char *)"0002_x.sql";
	m.uuid = (char *)"u-2";
	return &m;
}

static void
sum_of(const char *text, char out[RESUME_SUM_LEN + 1])
{
	char hex[SHA256_HEX_LEN + 1];

	sha256_hex(text, strlen(text), hex);
	memcpy(out, hex, RESUME_SUM_LEN);
	out[RESUME_SUM_LEN] = '\0';
}

Test(resume, a_sum_is_the_sha256_prefix_of_the_text)
{
	char got[RESUME_SUM_LEN + 1], want[RESUME_SUM_LEN + 1];

	resume_sum("SELECT 1", got);
	sum_of("SELECT 1", want);
	cr_assert_str_eq(got, want);
	cr_assert_eq(strlen(got), 12);
}

Test(resume, blanks_count_as_one_space)
{
	char a[RESUME_SUM_LEN + 1], b[RESUME_SUM_LEN + 1];
	char c[RESUME_SUM_LEN + 1];

	resume_sum("ALTER TABLE t ADD COLUMN a INT", a);
	resume_sum("  ALTER TABLE t\r\n    ADD COLUMN\ta   INT \n", b);
	resume_sum("ALTER TABLE t ADD COLUMN aa INT", c);
	cr_assert_str_eq(a, b, "re-wrapped and re-indented: the same");
	cr_assert_str_neq(a, c, "another name: another sum");
}

Test(resume, the_list_of_the_first_n)
{
	struct buf b = BUF_INIT;
	char s1[RESUME_SUM_LEN + 1], s2[RESUME_SUM_LEN + 1];
	char want[64];

	resume_sum(stmts[0].sql, s1);
	resume_sum(stmts[1].sql, s2);
	snprintf(want, sizeof(want), "%s,%s", s1, s2);
	resume_sums(&list, 2, &b);
	cr_assert_str_eq(b.ptr, want);
	buf_reset(&b);
	resume_sums(&list, 0, &b);
	cr_assert_str_eq(b.ptr, "");
	buf_release(&b);
}

Test(resume, unchanged_statements_resume)
{
	struct buf sums = BUF_INIT;
	struct err e = ERR_INIT;

	resume_sums(&list, 2, &sums);
	cr_assert_eq(resume_check(mig(), &list, 2, sums.ptr, &e), 0);
	cr_assert_eq(resume_check(mig(), &list, 2, NULL, &e), 0,
		     "no checksums: nothing to compare");
	cr_assert_eq(resume_check(mig(), &list, 2, "", &e), 0);
	buf_reset(&sums);
	resume_sums(&list, 1, &sums);
	cr_assert_eq(resume_check(mig(), &list, 2, sums.ptr, &e), 0,
		     "fewer checksums than statements: those are compared");
	buf_release(&sums);
}

Test(resume, a_changed_statement_is_named)
{
	struct err e = ERR_INIT;
	char s1[RESUME_SUM_LEN + 1], s2[RESUME_SUM_LEN + 1];
	char sums[64], want[1024];

	resume_sum(stmts[0].sql, s1);
	resume_sum(stmts[1].sql, s2);
	snprintf(sums, sizeof(sums), "%s,0123456789ab", s1);
	cr_assert_eq(resume_check(mig(), &list, 2, sums, &e), ERR_STATE);
	snprintf(want, sizeof(want),
		 "0002_x.sql (u-2): statement 2 of 3 (0002_x.sql:7) changed "
		 "after an earlier run committed it (checksum 0123456789ab "
		 "then, %s now): the first 2 statements committed, and the "
		 "rest can run after them only as they were. Restore "
		 "statement 2, or say what is true: `migratore rebuild u-2` "
		 "runs statement 3 on as the file is now, `migratore skip` "
		 "records the migration without running it",
		 s2);
	cr_assert_str_eq(e.msg, want);
}

Test(resume, a_statement_gone_is_named)
{
	struct stmt_list one = { stmts, 1, 1 };
	struct buf sums = BUF_INIT;
	struct err e = ERR_INIT;

	resume_sums(&list, 2, &sums);
	cr_assert_eq(resume_check(mig(), &one, 2, sums.ptr, &e), ERR_STATE);
	cr_assert(strstr(e.msg, "statement 2 is gone (the file has 1 now)"),
		  "%s", e.msg);
	cr_assert(strstr(e.msg, ", none now)"), "%s", e.msg);
	buf_release(&sums);
}

Test(resume, a_statement_in_flight_is_marked_after_the_committed_ones)
{
	struct buf b = BUF_INIT;
	char s0[RESUME_SUM_LEN + 1], s1[RESUME_SUM_LEN + 1];
	char want[64], got[RESUME_SUM_LEN + 1];

	resume_sum(stmts[0].sql, s0);
	resume_sum(stmts[1].sql, s1);
	resume_sums(&list, 1, &b);
	resume_mark(&list, 1, &b);
	snprintf(want, sizeof(want), "%s,!%s", s0, s1);
	cr_assert_str_eq(b.ptr, want);
	cr_assert(resume_in_doubt(b.ptr, 1, got));
	cr_assert_str_eq(got, s1);
	cr_assert_not(resume_in_doubt(b.ptr, 0, got),
		      "the mark is after the committed ones only");
	cr_assert_eq(resume_check(mig(), &list, 1, b.ptr, &(struct err){ 0 }),
		     0, "a mark does not count as committed");
	buf_reset(&b);
	resume_mark(&list, 0, &b);
	snprintf(want, sizeof(want), "!%s", s0);
	cr_assert_str_eq(b.ptr, want, "the first statement: no comma");
	cr_assert(resume_in_doubt(b.ptr, 0, got));
	cr_assert_str_eq(got, s0);
	buf_release(&b);
}

Test(resume, no_mark_no_doubt)
{
	char got[RESUME_SUM_LEN + 1];

	cr_assert_not(resume_in_doubt(NULL, 0, got));
	cr_assert_not(resume_in_doubt("", 0, got));
	cr_assert_not(resume_in_doubt("1a2b3c4d5e6f", 1, got));
	cr_assert_not(resume_in_doubt("1a2b3c4d5e6f,!short", 1, got));
}
