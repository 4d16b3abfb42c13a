/*
 * Unit tests for orchestrator/outcome: the status table, row by row as
 * the documents state it (docs/fleet.md, docs/reports.md, junit.h,
 * dryplan.h, rollout.h, sched.h), and every rule of outcome_classify, one
 * case per rule: synthetic frames and process endings in, the status, the
 * exact reason, the counts and the exit code out. Then what outcome_retry
 * and outcome_note keep.
 */
#include "config.h"

#include <sys/wait.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/proto.h"
#include "common/xmalloc.h"
#include "orchestrator/outcome.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Cases by index 0 .. n-1, not by pointer: each runs in a fresh process. */
static struct criterion_test_params
indices(size_t n)
{
	static size_t idx[64];
	size_t i;

	if (n > N(idx))
		abort(); /* more cases than idx holds */
	for (i = 0; i < n; i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, n);
}

/* ---- the status table ------------------------------------------------ */

struct want_row {
	const char *name;
	bool good, failure, retriable, reached;
	int exit_code;
	const char *ansi;
	const char *css;
	enum outcome_junit junit;
	enum outcome_plan plan;
};

#define T true
#define F false
#define GREEN "\033[32m"
#define DIM "\033[2m"
#define YELLOW "\033[33m"
#define RED "\033[31m"

/* In the order summaries list them (README.md, docs/report-schema.md). */
static const struct want_row want_rows[] = {
	{ "ok", T, F, F, T, 0, GREEN, "background:#2e7d32",
	  OUTCOME_JUNIT_PASSED, OUTCOME_PLAN_CHANGES },
	{ "nothing-to-do", T, F, F, T, 0, DIM, "background:#78909c",
	  OUTCOME_JUNIT_PASSED, OUTCOME_PLAN_UP_TO_DATE },
	{ "failed", F, T, F, T, 1, RED, "background:#c62828",
	  OUTCOME_JUNIT_FAILURE, OUTCOME_PLAN_OTHER },
	{ "rolled-back", F, T, F, T, 1, YELLOW, "background:#ef6c00",
	  OUTCOME_JUNIT_FAILURE, OUTCOME_PLAN_OTHER },
	{ "timeout", F, T, F, T, 1, RED, "background:#6a1b9a",
	  OUTCOME_JUNIT_ERROR, OUTCOME_PLAN_OTHER },
	{ "crashed", F, T, F, T, 1, RED, "background:#4e0000",
	  OUTCOME_JUNIT_ERROR, OUTCOME_PLAN_OTHER },
	{ "unreachable", F, T, T, T, 1, RED, "background:#5d4037",
	  OUTCOME_JUNIT_ERROR, OUTCOME_PLAN_UNREACHABLE },
	{ "refused", F, T, F, T, 1, RED, "background:#880e4f",
	  OUTCOME_JUNIT_ERROR, OUTCOME_PLAN_OTHER },
	{ "locked", F, T, T, T, 1, YELLOW, "background:#f9a825;color:#000",
	  OUTCOME_JUNIT_ERROR, OUTCOME_PLAN_LOCKED },
	{ "interrupted", F, T, F, T, 1, YELLOW, "background:#1565c0",
	  OUTCOME_JUNIT_ERROR, OUTCOME_PLAN_OTHER },
	{ "not-reached", F, F, F, F, 1, YELLOW,
	  "background:#bdbdbd;color:#000", OUTCOME_JUNIT_SKIPPED,
	  OUTCOME_PLAN_OTHER },
};

Test(status, one_expected_row_per_status)
{
	cr_assert_eq(N(want_rows), (size_t)OUT_NSTATUS,
		     "a status was added: describe it in want_rows");
}

ParameterizedTestParameters(status, row)
{
	return indices(N(want_rows));
}

ParameterizedTest(size_t *ix, status, row)
{
	const struct want_row *w = &want_rows[*ix];
	const struct outcome_status_info *r =
	    outcome_status_info((enum outcome_status)*ix);

	cr_assert_str_eq(r->name, w->name, "status %zu in summary order", *ix);
	cr_assert_str_eq(outcome_status_name((enum outcome_status)*ix),
			 w->name);
	cr_assert_eq(r->good, w->good, "%s: counts as success", w->name);
	cr_assert_eq(r->failure, w->failure, "%s: counts against budgets",
		     w->name);
	cr_assert_eq(r->retriable, w->retriable, "%s: retried", w->name);
	cr_assert_eq(r->reached, w->reached, "%s: reached", w->name);
	cr_assert_eq(r->exit_code, w->exit_code, "%s: exit code", w->name);
	cr_assert_str_eq(r->ansi, w->ansi, "%s: terminal colour", w->name);
	cr_assert_str_eq(r->css, w->css, "%s: HTML colour", w->name);
	cr_assert_eq(r->junit, w->junit, "%s: JUnit verdict", w->name);
	cr_assert_eq(r->plan, w->plan, "%s: dry-run plan column", w->name);
	cr_assert_eq(outcome_status_by_name(w->name), (int)*ix);
	cr_assert_eq(outcome_status_named(w->name), r);
}

/* What the documents promise of any status, so a new row cannot break
 * them unnoticed. */
Test(status, rows_keep_the_documented_rules)
{
	int s;

	for (s = 0; s < OUT_NSTATUS; s++) {
		const struct outcome_status_info *r =
		    outcome_status_info((enum outcome_status)s);

		/* docs/fleet.md: exit 0 when every target is ok or
		 * nothing-to-do, 1 otherwise */
		cr_assert_eq(r->good, r->exit_code == EXIT_OK, "%s", r->name);
		cr_assert(r->exit_code == EXIT_OK || r->exit_code == EXIT_FAILED,
			  "%s", r->name);
		/* rollout.h: a failure is any status but the good ones and
		 * not-reached */
		cr_assert_eq(r->failure, !r->good && r->reached, "%s", r->name);
		/* sched.h: only a failure is worth another attempt */
		cr_assert(!r->retriable || r->failure, "%s", r->name);
		/* junit.h: passed exactly when good */
		cr_assert_eq(r->good, r->junit == OUTCOME_JUNIT_PASSED, "%s",
			     r->name);
		/* the HTML class: a background of its own */
		cr_assert(strncmp(r->css, "background:#", 12) == 0, "%s",
			  r->name);
		cr_assert(r->ansi[0] == '\033', "%s", r->name);
	}
}

Test(status, unknown_names_and_values_get_the_unknown_row)
{
	static const char *const bogus[] = { "bogus", "OK", "ok ", "" };
	const struct outcome_status_info *u = outcome_status_named(NULL);
	size_t i;

	cr_assert_str_eq(u->name, "unknown");
	cr_assert(!u->good && u->failure && u->reached);
	cr_assert_eq(u->exit_code, EXIT_FAILED);
	cr_assert_eq(u->junit, OUTCOME_JUNIT_ERROR);
	cr_assert_eq(u->plan, OUTCOME_PLAN_OTHER);
	cr_assert_eq(outcome_status_by_name(NULL), -1);
	for (i = 0; i < N(bogus); i++) {
		cr_assert_eq(outcome_status_by_name(bogus[i]), -1, "'%s'",
			     bogus[i]);
		cr_assert_eq(outcome_status_named(bogus[i]), u, "'%s'",
			     bogus[i]);
	}
	cr_assert_eq(outcome_status_info(OUT_NSTATUS), u);
	cr_assert_eq(outcome_status_info((enum outcome_status)-1), u);
	cr_assert_str_eq(outcome_status_name(OUT_NSTATUS), "unknown");
}

/* ---- classification ---------------------------------------------------- */

/* A step as the worker reports it; ended false: STEP_BEGIN only. */
struct step_fact {
	const char *op, *file;
	bool ended, ok, recovery;
	const char *error;
	int committed, total; /* 0: not said */
};

/* The worker's FINISHED frame. */
struct fin_fact {
	int64_t applied, failed, rollbacks, pending, exit_code, err_code;
	const char *error;
	bool stopped;
};

enum end { STILL, EXITED, KILLED };

struct rule_case {
	const char *rule;
	enum command_id cmd;
	/* facts: frames, how the process ended, what the coordinator did */
	bool not_started;
	const char *setup_error, *unreached;
	struct step_fact steps[3];
	const char *result;
	bool finished;
	struct fin_fact fin;
	enum end end;
	int end_value;            /* exit status or signal */
	bool timed_out, interrupted;
	double timeout;
	int sent_signal;
	const char *protocol_error;
	/* derived */
	enum outcome_status want;
	const char *reason;       /* exact; NULL: none */
	int exit_code, signal;
	int64_t applied, failed, rollbacks, pending;
};

#define RUN_OK(f) { "Run", f, true, true, false, NULL }
#define RUN_FAILED(f, e) { "Run", f, true, false, false, e }
#define IN_RUN(f) { "Run", f, false, false, false, NULL }
#define RECOVERY(f, ok) { "Rollback", f, true, ok, true, NULL }
#define ERR_2B "statement 1 of 1 (2_b.sql:3) failed: boom"

static const struct rule_case rules[] = {
	/* not started */
	{ .rule = "a setup error fails the target with its text",
	  .not_started = true, .setup_error = "cannot create log file /l/a",
	  .want = OUT_FAILED, .reason = "cannot create log file /l/a",
	  .exit_code = -1, .pending = -1 },
	{ .rule = "a target the run did not start says why",
	  .not_started = true, .unreached = "deadline passed (10:00)",
	  .want = OUT_NOT_REACHED,
	  .reason = "not started: deadline passed (10:00)", .exit_code = -1,
	  .pending = -1 },
	{ .rule = "without a halt, the run was interrupted",
	  .not_started = true, .want = OUT_NOT_REACHED,
	  .reason = "not started: the run was interrupted", .exit_code = -1,
	  .pending = -1 },
	/* the worker's summary */
	{ .rule = "a stop request obeyed is interrupted, in its words",
	  .steps = { RUN_OK("1_a.sql") }, .finished = true,
	  .fin = { 1, 0, 0, -1, 1, ERR_STATE,
		   "stopped before 2_b.sql: the run was interrupted", true },
	  .end = EXITED, .end_value = 1, .interrupted = true,
	  .want = OUT_INTERRUPTED,
	  .reason = "stopped before 2_b.sql: the run was interrupted",
	  .exit_code = 1, .applied = 1, .pending = -1 },
	{ .rule = "a stop request without words says stopped",
	  .finished = true, .fin = { 0, 0, 0, 3, 1, ERR_STATE, NULL, true },
	  .end = EXITED, .end_value = 1, .want = OUT_INTERRUPTED,
	  .reason = "stopped", .exit_code = 1, .pending = 3 },
	{ .rule = "a stop request with empty words says stopped (fuzz_proto)",
	  .finished = true, .fin = { 0, 0, 0, 3, 1, ERR_STATE, "", true },
	  .end = EXITED, .end_value = 1, .want = OUT_INTERRUPTED,
	  .reason = "stopped", .exit_code = 1, .pending = 3 },
	{ .rule = "success that applied something is ok",
	  .steps = { RUN_OK("1_a.sql"), RUN_OK("2_b.sql") }, .finished = true,
	  .fin = { 2, 0, 0, 0, 0, 0, NULL, false }, .end = EXITED,
	  .want = OUT_OK, .applied = 2 },
	{ .rule = "success with migrations pending (a dry run) is ok",
	  .cmd = CMD_DRY_UPGRADE, .finished = true,
	  .fin = { 0, 0, 0, 2, 0, 0, NULL, false }, .end = EXITED,
	  .want = OUT_OK, .pending = 2 },
	{ .rule = "success that printed a result is ok",
	  .cmd = CMD_DRY_DOWNGRADE, .result = "<Migration x 1 a>",
	  .finished = true, .fin = { 0, 0, 0, 0, 0, 0, NULL, false },
	  .end = EXITED, .want = OUT_OK },
	{ .rule = "list is ok even when empty", .cmd = CMD_LIST,
	  .finished = true, .fin = { 0, 0, 0, 0, 0, 0, NULL, false },
	  .end = EXITED, .want = OUT_OK },
	{ .rule = "errors is ok even when empty", .cmd = CMD_ERRORS,
	  .finished = true, .fin = { 0, 0, 0, 0, 0, 0, NULL, false },
	  .end = EXITED, .want = OUT_OK },
	{ .rule = "success with nothing done is nothing-to-do",
	  .finished = true, .fin = { 0, 0, 0, 0, 0, 0, NULL, false },
	  .end = EXITED, .want = OUT_NOTHING_TO_DO },
	{ .rule = "the summary's exit code before the worker is reaped",
	  .finished = true, .fin = { 0, 0, 0, 0, 0, 0, NULL, false },
	  .end = STILL, .want = OUT_NOTHING_TO_DO },
	{ .rule = "a connection error is unreachable",
	  .finished = true,
	  .fin = { 0, 0, 0, 0, 4, ERR_CONNECT, "connection refused", false },
	  .end = EXITED, .end_value = 4, .want = OUT_UNREACHABLE,
	  .reason = "connection refused", .exit_code = 4 },
	{ .rule = "a login the server refused is refused",
	  .finished = true,
	  .fin = { 0, 0, 0, 0, 4, ERR_REFUSED, "password authentication "
	  "failed", false },
	  .end = EXITED, .end_value = 4, .want = OUT_REFUSED,
	  .reason = "password authentication failed", .exit_code = 4 },
	{ .rule = "a lock not obtained is locked", .finished = true,
	  .fin = { 0, 0, 0, 2, 4, ERR_LOCK, "lock held by pid 7", false },
	  .end = EXITED, .end_value = 4, .want = OUT_LOCKED,
	  .reason = "lock held by pid 7", .exit_code = 4, .pending = 2 },
	{ .rule = "a failure with a recovery Rollback is rolled-back",
	  .steps = { RUN_FAILED("2_b.sql", ERR_2B), RECOVERY("2_b.sql", true) },
	  .finished = true,
	  .fin = { 1, 1, 1, 1, 1, ERR_FAILED, "boom", false }, .end = EXITED,
	  .end_value = 1, .want = OUT_ROLLED_BACK, .reason = ERR_2B,
	  .exit_code = 1, .applied = 1, .failed = 1, .rollbacks = 1,
	  .pending = 1 },
	{ .rule = "what stayed committed of a failed step is in its reason",
	  .steps = { { "Run", "2_b.sql", true, false, false, ERR_2B, 2, 3 } },
	  .finished = true,
	  .fin = { 0, 1, 0, 1, 1, ERR_FAILED, "boom", false }, .end = EXITED,
	  .end_value = 1, .want = OUT_FAILED,
	  .reason = ERR_2B " (2 of 3 statements stayed committed)",
	  .exit_code = 1, .failed = 1, .pending = 1 },
	{ .rule = "a connection lost says what committed itself",
	  .steps = { { "Run", "2_b.sql", true, false, false, ERR_2B, 2, 3 } },
	  .finished = true,
	  .fin = { 0, 1, 0, 1, 1, ERR_LOST, "lost", false }, .end = EXITED,
	  .end_value = 1, .want = OUT_FAILED, .reason = ERR_2B,
	  .exit_code = 1, .failed = 1, .pending = 1 },
	{ .rule = "nothing stays committed once a recovery ran",
	  .steps = { { "Run", "2_b.sql", true, false, false, ERR_2B, 2, 3 },
		     RECOVERY("2_b.sql", true) },
	  .finished = true,
	  .fin = { 1, 1, 1, 1, 1, ERR_FAILED, "boom", false }, .end = EXITED,
	  .end_value = 1, .want = OUT_ROLLED_BACK, .reason = ERR_2B,
	  .exit_code = 1, .applied = 1, .failed = 1, .rollbacks = 1,
	  .pending = 1 },
	{ .rule = "a failure whose recovery failed too is failed",
	  .steps = { RUN_FAILED("2_b.sql", ERR_2B),
		     RECOVERY("2_b.sql", false) },
	  .finished = true,
	  .fin = { 0, 2, 0, 1, 1, ERR_FAILED, "boom", false }, .end = EXITED,
	  .end_value = 1, .want = OUT_FAILED, .reason = ERR_2B,
	  .exit_code = 1, .failed = 2, .pending = 1 },
	{ .rule = "a failure (SAFE on) is failed, named by its step",
	  .steps = { RUN_OK("1_a.sql"), RUN_FAILED("2_b.sql", ERR_2B) },
	  .finished = true,
	  .fin = { 1, 1, 0, 1, 1, ERR_FAILED, "boom", false }, .end = EXITED,
	  .end_value = 1, .want = OUT_FAILED, .reason = ERR_2B,
	  .exit_code = 1, .applied = 1, .failed = 1, .pending = 1 },
	{ .rule = "any other error is failed, in the worker's words",
	  .finished = true,
	  .fin = { 0, 0, 0, 0, 3, ERR_CONFIG, "bad sslmode", false },
	  .end = EXITED, .end_value = 3, .want = OUT_FAILED,
	  .reason = "bad sslmode", .exit_code = 3 },
	{ .rule = "a failed step without text: the worker's words",
	  .steps = { RUN_FAILED("2_b.sql", "") }, .finished = true,
	  .fin = { 0, 1, 0, 1, 1, ERR_FAILED, "2_b.sql failed", false },
	  .end = EXITED, .end_value = 1, .want = OUT_FAILED,
	  .reason = "2_b.sql failed", .exit_code = 1, .failed = 1,
	  .pending = 1 },
	{ .rule = "no words at all: the exit status", .finished = true,
	  .fin = { 0, 0, 0, 0, 1, ERR_SQL, "", false }, .end = EXITED,
	  .end_value = 1, .want = OUT_FAILED,
	  .reason = "exited with status 1", .exit_code = 1 },
	/* no summary */
	{ .rule = "a bad frame is crashed, even past the timeout",
	  .steps = { IN_RUN("3_slow") }, .protocol_error = "bad length 9",
	  .timed_out = true, .timeout = 1, .sent_signal = SIGTERM,
	  .end = KILLED, .end_value = SIGTERM, .want = OUT_CRASHED,
	  .reason = "protocol error during Run of 3_slow: bad length 9",
	  .exit_code = 143, .signal = SIGTERM, .pending = -1 },
	{ .rule = "a timeout terminated is timeout",
	  .steps = { RUN_OK("1_a.sql"), IN_RUN("3_slow") },
	  .timed_out = true, .timeout = 1.5, .sent_signal = SIGTERM,
	  .end = KILLED, .end_value = SIGTERM, .want = OUT_TIMEOUT,
	  .reason = "no result after 1.5s during Run of 3_slow: terminated "
		    "by the coordinator",
	  .exit_code = 143, .signal = SIGTERM, .applied = 1, .pending = -1 },
	{ .rule = "a timeout killed is timeout", .timed_out = true,
	  .timeout = 30, .sent_signal = SIGKILL, .end = KILLED,
	  .end_value = SIGKILL, .want = OUT_TIMEOUT,
	  .reason = "no result after 30s: killed by the coordinator",
	  .exit_code = 137, .signal = SIGKILL, .pending = -1 },
	{ .rule = "a worker stopped by its own timer is timeout",
	  .steps = { IN_RUN("3_slow") }, .timed_out = true, .timeout = 2,
	  .end = KILLED, .end_value = SIGALRM, .want = OUT_TIMEOUT,
	  .reason = "no result after 2s during Run of 3_slow: stopped by its "
		    "own timer",
	  .exit_code = 142, .signal = SIGALRM, .pending = -1 },
	{ .rule = "an interruption the coordinator terminated",
	  .steps = { IN_RUN("3_slow") }, .interrupted = true,
	  .sent_signal = SIGTERM, .end = KILLED, .end_value = SIGTERM,
	  .want = OUT_INTERRUPTED,
	  .reason = "run interrupted during Run of 3_slow: worker terminated",
	  .exit_code = 143, .signal = SIGTERM, .pending = -1 },
	{ .rule = "an interruption the coordinator killed",
	  .interrupted = true, .sent_signal = SIGKILL, .end = KILLED,
	  .end_value = SIGKILL, .want = OUT_INTERRUPTED,
	  .reason = "run interrupted: worker killed", .exit_code = 137,
	  .signal = SIGKILL, .pending = -1 },
	{ .rule = "an interruption's signal sent to every process",
	  .interrupted = true, .end = KILLED, .end_value = SIGHUP,
	  .want = OUT_INTERRUPTED,
	  .reason = "run interrupted: worker killed by SIGHUP",
	  .exit_code = 129, .signal = SIGHUP, .pending = -1 },
	{ .rule = "a crash during an interruption is crashed",
	  .interrupted = true, .end = KILLED, .end_value = SIGSEGV,
	  .want = OUT_CRASHED, .reason = "killed by signal 11 (SIGSEGV)",
	  .exit_code = 139, .signal = SIGSEGV, .pending = -1 },
	{ .rule = "a signal nobody sent is crashed, counted from its steps",
	  .steps = { RUN_OK("1_a.sql"), { "Rollback", "0_z.sql", true, true,
					  false, NULL },
		     IN_RUN("2_b.sql") },
	  .end = KILLED, .end_value = SIGINT, .want = OUT_CRASHED,
	  .reason = "killed by signal 2 (SIGINT) during Run of 2_b.sql",
	  .exit_code = 130, .signal = SIGINT, .applied = 2, .rollbacks = 1,
	  .pending = -1 },
	{ .rule = "a signal without a name", .end = KILLED,
	  .end_value = SIGSYS, .want = OUT_CRASHED,
	  .reason = "killed by signal 31 (a signal)", .exit_code = 159,
	  .signal = SIGSYS, .pending = -1 },
	{ .rule = "an exit without a summary is crashed",
	  .steps = { RUN_OK("1_a.sql"), RUN_FAILED("2_b.sql", ERR_2B) },
	  .end = EXITED, .end_value = 0, .want = OUT_CRASHED,
	  .reason = "exited with status 0 without reporting a result",
	  .exit_code = 0, .applied = 1, .failed = 1, .pending = -1 },
	{ .rule = "an exit without a summary, in a step",
	  .steps = { IN_RUN("2_b.sql") }, .end = EXITED, .end_value = 3,
	  .want = OUT_CRASHED,
	  .reason = "exited with status 3 during Run of 2_b.sql without "
		    "reporting a result",
	  .exit_code = 3, .pending = -1 },
};

static void
apply_step(struct outcome *o, const struct step_fact *f)
{
	struct proto_msg m = { .type = PROTO_STEP_BEGIN };

	m.u.step.operation = (char *)f->op;
	m.u.step.uuid = (char *)f->file;
	m.u.step.file = (char *)f->file;
	m.u.step.recovery = f->recovery;
	outcome_apply(o, &m);
	if (!f->ended)
		return;
	m.type = PROTO_STEP_END;
	m.u.step.ok = f->ok;
	m.u.step.error = (char *)f->error;
	m.u.step.committed = f->committed;
	m.u.step.total = f->total;
	outcome_apply(o, &m);
}

static void
apply_text(struct outcome *o, enum proto_type type, const char *text)
{
	struct proto_msg m = { .type = type };

	m.u.text.text = (char *)text;
	outcome_apply(o, &m);
}

static void
apply_finished(struct outcome *o, const struct fin_fact *f)
{
	struct proto_msg m = { .type = PROTO_FINISHED };

	m.u.finished.applied = f->applied;
	m.u.finished.failed = f->failed;
	m.u.finished.rollbacks = f->rollbacks;
	m.u.finished.pending = f->pending;
	m.u.finished.exit_code = f->exit_code;
	m.u.finished.err_code = f->err_code;
	m.u.finished.error = (char *)f->error;
	m.u.finished.stopped = f->stopped;
	outcome_apply(o, &m);
}

/* The facts of c, as the coordinator would record them. */
static void
build(struct outcome *o, const struct rule_case *c)
{
	size_t i;

	outcome_init(o);
	o->setup_error = c->setup_error ? strdup(c->setup_error) : NULL;
	o->unreached = c->unreached ? strdup(c->unreached) : NULL;
	if (c->not_started)
		return;
	o->started = true;
	for (i = 0; i < N(c->steps) && c->steps[i].op; i++)
		apply_step(o, &c->steps[i]);
	if (c->result)
		apply_text(o, PROTO_RESULT, c->result);
	if (c->finished)
		apply_finished(o, &c->fin);
	o->reaped = c->end != STILL;
	if (c->end == EXITED)
		o->wait_status = W_EXITCODE(c->end_value, 0);
	else if (c->end == KILLED)
		o->wait_status = W_EXITCODE(0, c->end_value);
	o->timed_out = c->timed_out;
	o->timeout = c->timeout;
	o->interrupted = c->interrupted;
	o->sent_signal = c->sent_signal;
	o->protocol_error = c->protocol_error ? strdup(c->protocol_error)
					      : NULL;
}

ParameterizedTestParameters(classify, rule)
{
	return indices(N(rules));
}

ParameterizedTest(size_t *ix, classify, rule)
{
	const struct rule_case *c = &rules[*ix];
	struct outcome o;

	build(&o, c);
	outcome_classify(&o, c->cmd);
	cr_assert_eq(o.status, c->want, "%s: %s, want %s", c->rule,
		     outcome_status_name(o.status),
		     outcome_status_name(c->want));
	if (c->reason)
		cr_assert_str_eq(o.reason ? o.reason : "(none)", c->reason,
				 "%s", c->rule);
	else
		cr_assert_null(o.reason, "%s: '%s'", c->rule, o.reason);
	cr_assert_eq(o.exit_code, c->exit_code, "%s: exit code %d", c->rule,
		     o.exit_code);
	cr_assert_eq(o.signal, c->signal, "%s: signal %d", c->rule,
		     o.signal);
	cr_assert_eq(o.applied, c->applied, "%s: applied", c->rule);
	cr_assert_eq(o.failed, c->failed, "%s: failed", c->rule);
	cr_assert_eq(o.rollbacks, c->rollbacks, "%s: rollbacks", c->rule);
	cr_assert_eq(o.pending, c->pending, "%s: pending", c->rule);
	outcome_release(&o);
}

/* Classifying twice gives the same answer (the coordinator may). */
Test(classify, is_repeatable)
{
	size_t i;

	for (i = 0; i < N(rules); i++) {
		struct outcome o;

		build(&o, &rules[i]);
		outcome_classify(&o, rules[i].cmd);
		outcome_classify(&o, rules[i].cmd);
		cr_assert_eq(o.status, rules[i].want, "%s", rules[i].rule);
		if (rules[i].reason)
			cr_assert_str_eq(o.reason, rules[i].reason);
		outcome_release(&o);
	}
}

/* ---- retries and notes --------------------------------------------------- */

static const struct rule_case *
rule_named(const char *rule)
{
	size_t i;

	for (i = 0; i < N(rules); i++)
		if (strcmp(rules[i].rule, rule) == 0)
			return &rules[i];
	cr_assert_fail("no rule '%s'", rule);
	return NULL;
}

Test(retry, keeps_attempts_first_start_and_one_line_per_attempt)
{
	struct outcome o;
	struct proto_msg w = { .type = PROTO_WARNING };

	build(&o, rule_named("a connection error is unreachable"));
	free(o.fin.error);
	o.fin.error = strdup("connection refused\nis the server up?");
	o.attempts = 1;
	o.first_start = 100.5;
	o.last_end = 101;
	outcome_classify(&o, CMD_UPGRADE);
	outcome_note(&o, "retrying");
	outcome_retry(&o);
	cr_assert_eq(o.attempts, 1);
	cr_assert_float_eq(o.first_start, 100.5, 1e-9);
	cr_assert_eq(o.earlier.n, 1);
	cr_assert_str_eq(o.earlier.v[0], "unreachable: connection refused",
			 "the first line only (the note is on the last)");
	cr_assert(!o.started && !o.finished && !o.reaped);
	cr_assert_eq(o.nsteps, 0);
	cr_assert_null(o.note);
	cr_assert_null(o.reason);
	cr_assert_eq(o.status, OUT_NOT_REACHED);
	cr_assert_eq(o.exit_code, -1);
	cr_assert_float_eq(o.last_end, 0, 1e-9);

	o.attempts = 2;
	o.started = true;
	w.u.text.text = (char *)"slow server";
	outcome_apply(&o, &w);
	apply_finished(&o, &(struct fin_fact){ 0, 0, 0, 0, 4, ERR_LOCK,
					      "lock held", false });
	outcome_classify(&o, CMD_UPGRADE);
	outcome_retry(&o);
	cr_assert_eq(o.attempts, 2);
	cr_assert_eq(o.earlier.n, 2);
	cr_assert_str_eq(o.earlier.v[0], "unreachable: connection refused");
	cr_assert_str_eq(o.earlier.v[1], "locked: lock held");
	cr_assert_eq(o.warnings.n, 0, "warnings belong to their attempt");
	outcome_release(&o);
	cr_assert_eq(o.earlier.n, 0, "release forgets the earlier attempts");
}

Test(note, is_appended_now_and_after_each_classification)
{
	struct outcome o;

	build(&o, rule_named("a lock not obtained is locked"));
	outcome_classify(&o, CMD_UPGRADE);
	outcome_note(&o, "not retried: deadline passed");
	cr_assert_str_eq(o.reason,
			 "lock held by pid 7 (not retried: deadline passed)");
	outcome_classify(&o, CMD_UPGRADE);
	cr_assert_str_eq(o.reason,
			 "lock held by pid 7 (not retried: deadline passed)");
	cr_assert_eq(o.status, OUT_LOCKED, "a note changes no status");
	outcome_release(&o);
}

Test(note, on_a_target_not_reached)
{
	struct outcome o;

	build(&o, rule_named("a target the run did not start says why"));
	outcome_note(&o, "attempt 2 of 3");
	outcome_classify(&o, CMD_UPGRADE);
	cr_assert_str_eq(o.reason, "not started: deadline passed (10:00) "
				   "(attempt 2 of 3)");
	outcome_release(&o);
}

/* ---- the first line of a reason ---------------------------------------- */

Test(first_line, is_cut_with_dots_between_characters)
{
	struct outcome o;
	struct buf b = BUF_INIT;

	outcome_init(&o);
	outcome_first_line(&o, 10, &b);
	cr_assert_str_eq(b.ptr, "", "no reason");
	o.reason = strdup("caf\xc3\xa9 ol\xc3\xa9\nsecond line");
	outcome_first_line(&o, 0, &b);
	cr_assert_str_eq(b.ptr, "caf\xc3\xa9 ol\xc3\xa9");
	buf_reset(&b);
	outcome_first_line(&o, 20, &b);
	cr_assert_str_eq(b.ptr, "caf\xc3\xa9 ol\xc3\xa9", "it fits");
	buf_reset(&b);
	outcome_first_line(&o, 7, &b);
	cr_assert_str_eq(b.ptr, "caf...", "not in the middle of the é");
	buf_reset(&b);
	outcome_first_line(&o, 9, &b);
	cr_assert_str_eq(b.ptr, "caf\xc3\xa9 ...");
	buf_reset(&b);
	outcome_first_line(&o, 3, &b);
	cr_assert_str_eq(b.ptr, "caf\xc3\xa9 ol\xc3\xa9", "too short to cut");
	buf_release(&b);
	outcome_release(&o);
}

/* The arrays keep no capacity (it follows from the count): every step
 * and result of a long run is kept, in order, through many growths. */
Test(arrays, keep_every_step_and_result_in_order)
{
	struct outcome o;
	struct proto_msg m;
	char text[32];
	size_t i;

	outcome_init(&o);
	for (i = 0; i < 1000; i++) {
		memset(&m, 0, sizeof(m));
		m.type = PROTO_STEP_BEGIN;
		xsnprintf(text, sizeof(text), "%zu_m.sql", i);
		m.u.step.operation = (char *)"Run";
		m.u.step.file = text;
		outcome_apply(&o, &m);
		xsnprintf(text, sizeof(text), "result %zu", i % 7);
		outcome_add_result(&o, text);
	}
	cr_assert_eq(o.nsteps, 1000);
	cr_assert_eq(o.nresults, 1000);
	for (i = 0; i < 1000; i++) {
		xsnprintf(text, sizeof(text), "%zu_m.sql", i);
		cr_assert_str_eq(o.steps[i].file, text);
		xsnprintf(text, sizeof(text), "result %zu", i % 7);
		cr_assert_str_eq(o.results[i], text);
	}
	outcome_release(&o);
}
