/*
 * Unit tests for orchestrator/progress: the live block as it is drawn
 * (the running targets longest first, their step and clock, what fits the
 * terminal, the summary line), the line a failure gets the moment it
 * happens, and the one-line-per-target text elsewhere. The terminal test
 * is tests/integration/progress_tty.sh.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/proto.h"
#include "config/target.h"
#include "orchestrator/outcome.h"
#include "orchestrator/progress.h"

static struct target targets[4] = {
	{ .name = (char *)"eu-001", .engine = (char *)"sqlite" },
	{ .name = (char *)"a-much-longer-target-name", .engine = (char *)"mysql" },
	{ .name = (char *)"pg-7", .engine = (char *)"postgres" },
	{ .name = (char *)"pg-8", .engine = (char *)"postgres" },
};

static void
step(struct progress *p, size_t job, int type, const char *file, bool ok,
     const char *error, double now)
{
	struct proto_msg m = { .type = (enum proto_type)type };

	m.u.step.operation = (char *)"Run";
	m.u.step.file = (char *)file;
	m.u.step.ok = ok;
	m.u.step.error = (char *)error;
	progress_frame(p, job, &targets[job], &m, now);
}

static char *
block(const struct progress *p, double now, int rows, int cols)
{
	struct buf b = BUF_INIT;

	progress_block(p, now, rows, cols, &b);
	return buf_detach(&b);
}

/* Not a terminal: nothing is drawn, the block is still computed. */
static void
setup(struct progress *p, FILE *fp)
{
	progress_init(p, fp, 4, false, false, false, 100.0);
	progress_started(p, 0, &targets[0], 1, 100.0);
	progress_started(p, 1, &targets[1], 1, 101.0);
	progress_started(p, 2, &targets[2], 1, 130.0);
	step(p, 0, PROTO_STEP_BEGIN, "0042_add_index.sql", true, NULL, 102.0);
	step(p, 2, PROTO_STEP_BEGIN, "0001_init.sql", true, NULL, 131.0);
}

Test(progress, block_lists_the_longest_running_first)
{
	struct progress p;
	char *s;

	setup(&p, stderr);
	s = block(&p, 172.4, 24, 80);
	cr_assert_str_eq(s,
			 "  eu-001                     1:12  Run 0042_add_index.sql\n"
			 "  a-much-longer-target-name  1:11  starting\n"
			 "  pg-7                       0:42  Run 0001_init.sql\n"
			 "[  0/4] running 3, failed 0, elapsed 1:12");
	free(s);
	progress_release(&p);
}

Test(progress, block_fits_the_terminal)
{
	struct progress p;
	char *s;

	setup(&p, stderr);
	/* 4 rows: room for 2 lines, the last of them says how many more */
	s = block(&p, 172.4, 4, 80);
	cr_assert_str_eq(s, "  eu-001  1:12  Run 0042_add_index.sql\n"
			    "  ... and 2 more running\n"
			    "[  0/4] running 3, failed 0, elapsed 1:12");
	free(s);
	/* 2 rows: the summary only; 30 columns: every line cut to 29 */
	s = block(&p, 172.4, 2, 30);
	cr_assert_str_eq(s, "[  0/4] running 3, failed 0, ");
	free(s);
	s = block(&p, 172.4, 4, 20);
	cr_assert_str_eq(s, "  eu-001  1:12  Run\n"
			    "  ... and 2 more ru\n"
			    "[  0/4] running 3, ");
	free(s);
	progress_release(&p);
}

Test(progress, done_and_retried_targets_leave_the_block)
{
	struct progress p;
	struct outcome o;
	char *s;

	setup(&p, stderr);
	outcome_init(&o);
	o.started = true;
	o.status = OUT_OK;
	progress_done(&p, 0, &targets[0], &o, 150.0);
	o.status = OUT_UNREACHABLE;
	o.reason = strdup("refused");
	progress_retry(&p, 2, &targets[2], &o, 1, 3, 0.5, 150.0);
	progress_started(&p, 3, &targets[3], 1, 151.0);
	s = block(&p, 172.4, 24, 80);
	cr_assert_str_eq(s,
			 "  a-much-longer-target-name  1:11  starting\n"
			 "  pg-8                       0:21  starting\n"
			 "[  1/4] running 2, failed 0, elapsed 1:12, ETA 3:37");
	free(s);
	outcome_release(&o);
	progress_release(&p);
}

/* A target that failed, as the coordinator classified it. */
static void
failed(struct outcome *o, double seconds, const char *reason)
{
	outcome_init(o);
	o->started = true;
	o->status = OUT_FAILED;
	o->seconds = seconds;
	o->reason = strdup(reason);
}

/* Read what was written to fp. */
static char *
written(FILE *fp)
{
	struct buf b = BUF_INIT;
	char chunk[512];
	size_t n;

	fflush(fp);
	rewind(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	return buf_detach(&b);
}

/* On a terminal a failure is a line of its own at once, above the block
 * (which is cleared first and drawn again after it), and said once. */
Test(progress, a_failure_is_printed_when_it_happens)
{
	struct progress p;
	struct outcome o;
	FILE *fp = tmpfile();
	char *s;

	progress_init(&p, fp, 2, true, false, false, 10.0);
	progress_started(&p, 0, &targets[0], 1, 10.0);
	step(&p, 0, PROTO_STEP_BEGIN, "0002_idx.sql", true, NULL, 10.5);
	step(&p, 0, PROTO_STEP_END, "0002_idx.sql", false,
	     "statement 2 of 3 (0002_idx.sql:6) failed: duplicate key\nDETAIL: "
	     "more",
	     11.0);
	s = written(fp);
	cr_assert(strstr(s, "\r\033[1A\033[Jeu-001 failed: Run 0002_idx.sql: "
			    "statement 2 of 3 (0002_idx.sql:6) failed: "
			    "duplicate key\n  eu-001  0:01  Run 0002_idx.sql\n"
			    "[  0/2] running 1, failed 0, elapsed 0:01"),
		  "%s", s);
	free(s);
	failed(&o, 2.0, "statement 2 of 3 (0002_idx.sql:6) failed: dup");
	progress_done(&p, 0, &targets[0], &o, 12.0);
	progress_end(&p);
	s = written(fp);
	cr_assert_null(strstr(s, "[  1/2] eu-001 failed"),
		       "no second line for the same failure: %s", s);
	cr_assert(strstr(s, "\r\033[J") == s + strlen(s) - 4,
		  "the block cleared at the end: %s", s);
	free(s);
	outcome_release(&o);
	progress_release(&p);
	fclose(fp);
}

/* Elsewhere: one line per finished target, the reason when it failed;
 * no failure line before it, no escape sequence. */
Test(progress, not_a_terminal_gets_a_line_per_target)
{
	struct progress p;
	struct outcome o;
	FILE *fp = tmpfile();
	char *s;

	progress_init(&p, fp, 2, false, false, false, 10.0);
	progress_started(&p, 0, &targets[0], 1, 10.0);
	step(&p, 0, PROTO_STEP_END, "0002_idx.sql", false, "boom", 11.0);
	failed(&o, 1.5, "statement 1 of 1 (0002_idx.sql:3) failed: boom");
	progress_done(&p, 0, &targets[0], &o, 12.0);
	progress_end(&p);
	s = written(fp);
	cr_assert_str_eq(s, "[  1/2] eu-001 failed 1.50s: statement 1 of 1 "
			    "(0002_idx.sql:3) failed: boom\n");
	free(s);
	outcome_release(&o);
	progress_release(&p);
	fclose(fp);
}
