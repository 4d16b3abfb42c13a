/*
 * Unit tests for orchestrator/outcome and orchestrator/report: synthetic
 * worker frames and process endings become the statuses of SPEC 8.3, and
 * the text summary, the JSON report and the exit code say what a person
 * or a program reading them needs.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/proto.h"
#include "config/target.h"
#include "orchestrator/outcome.h"
#include "orchestrator/report.h"

/* ---- synthetic workers ---------------------------------------------- */

static void
f_started(struct outcome *o)
{
	struct proto_msg m = { .type = PROTO_STARTED };

	o->started = true;
	m.u.started.pid = 100;
	m.u.started.banner = (char *)"sqlite /tmp/a.db";
	outcome_apply(o, &m);
}

static void
f_step(struct outcome *o, const char *op, const char *file, bool ok,
       bool recovery, const char *error)
{
	struct proto_msg m = { .type = PROTO_STEP_BEGIN };

	m.u.step.operation = (char *)op;
	m.u.step.uuid = (char *)file; /* any distinct text */
	m.u.step.file = (char *)file;
	m.u.step.recovery = recovery;
	outcome_apply(o, &m);
	m.type = PROTO_STEP_END;
	m.u.step.ok = ok;
	m.u.step.object_id = (int64_t)o->nsteps;
	m.u.step.seconds = 0.5;
	m.u.step.error = (char *)error;
	m.u.step.committed = ok ? -1 : 0;
	m.u.step.total = 2;
	outcome_apply(o, &m);
}

static void
f_begin_only(struct outcome *o, const char *op, const char *file)
{
	struct proto_msg m = { .type = PROTO_STEP_BEGIN };

	m.u.step.operation = (char *)op;
	m.u.step.uuid = (char *)file;
	m.u.step.file = (char *)file;
	outcome_apply(o, &m);
}

static void
f_finished(struct outcome *o, int applied, int failed, int rollbacks,
	   int pending, int exit_code, int err_code, const char *error)
{
	struct proto_msg m = { .type = PROTO_FINISHED };

	m.u.finished.applied = applied;
	m.u.finished.failed = failed;
	m.u.finished.rollbacks = rollbacks;
	m.u.finished.pending = pending;
	m.u.finished.exit_code = exit_code;
	m.u.finished.err_code = err_code;
	m.u.finished.error = (char *)error;
	outcome_apply(o, &m);
}

static void
f_result(struct outcome *o, const char *text)
{
	struct proto_msg m = { .type = PROTO_RESULT };

	m.u.text.text = (char *)text;
	outcome_apply(o, &m);
}

static void
f_exit(struct outcome *o, int code)
{
	o->reaped = true;
	o->wait_status = W_EXITCODE(code, 0);
}

static void
f_killed(struct outcome *o, int sig)
{
	o->reaped = true;
	o->wait_status = W_EXITCODE(0, sig);
}

/* ---- classification ------------------------------------------------- */

/*
 * A scenario: what a worker sent and how its process ended. Every one but
 * sc_not_reached and sc_setup (no worker ran) starts with the worker's
 * STARTED frame: run_scenario sends it.
 */
typedef void scenario_fn(struct outcome *o);

/* The worker's summary, then its exit with the summary's exit code. */
static void
f_done(struct outcome *o, int applied, int failed, int rollbacks,
       int pending, int exit_code, int err_code, const char *error)
{
	f_finished(o, applied, failed, rollbacks, pending, exit_code,
		   err_code, error);
	f_exit(o, exit_code);
}

static void
sc_applied(struct outcome *o)
{
	f_step(o, "Run", "1_a.sql", true, false, NULL);
	f_step(o, "Run", "2_b.sql", true, false, NULL);
	f_done(o, 2, 0, 0, 0, 0, 0, NULL);
}

/* nothing pending, or nothing to list */
static void
sc_nothing(struct outcome *o)
{
	f_done(o, 0, 0, 0, 0, 0, 0, NULL);
}

static void
sc_dry_pending(struct outcome *o)
{
	f_result(o, "<Migration x 1 a>");
	f_done(o, 0, 0, 0, 2, 0, 0, NULL);
}

static void
sc_failed(struct outcome *o)
{
	f_step(o, "Run", "1_a.sql", true, false, NULL);
	f_step(o, "Run", "2_b.sql", false, false,
	       "statement 1 of 2 (2_b.sql:4) failed: boom\nmore");
	f_done(o, 1, 1, 0, 1, 1, ERR_FAILED, "boom");
}

static void
sc_rolled_back(struct outcome *o)
{
	f_step(o, "Run", "2_b.sql", false, false,
	       "statement 1 of 1 (2_b.sql:3) failed: boom");
	f_step(o, "Rollback", "2_b.sql", true, true, NULL);
	f_done(o, 1, 1, 1, 1, 1, ERR_FAILED, "boom");
}

static void
sc_unreachable(struct outcome *o)
{
	f_done(o, 0, 0, 0, 0, 4, ERR_CONNECT, "unable to open database file");
}

static void
sc_locked(struct outcome *o)
{
	f_done(o, 0, 0, 0, 0, 4, ERR_LOCK,
	       "lock on /x.db.lock held by another process");
}

static void
sc_config(struct outcome *o)
{
	f_done(o, 0, 0, 0, 0, 3, ERR_CONFIG, "bad sslmode");
}

static void
sc_timeout(struct outcome *o)
{
	f_begin_only(o, "Run", "3_slow");
	o->timed_out = true;
	o->timeout = 1;
	o->sent_signal = SIGTERM;
	f_killed(o, SIGTERM);
}

static void
sc_killed(struct outcome *o)
{
	f_step(o, "Run", "1_a.sql", true, false, NULL);
	f_begin_only(o, "Run", "2_kill");
	f_killed(o, SIGKILL);
}

static void
sc_no_summary(struct outcome *o)
{
	f_exit(o, 0);
}

static void
sc_protocol(struct outcome *o)
{
	o->protocol_error = strdup("bad frame: protocol version 9");
	f_exit(o, 0);
}

static void
sc_interrupted(struct outcome *o)
{
	f_begin_only(o, "Run", "3_slow");
	o->interrupted = true;
	o->sent_signal = SIGKILL;
	f_killed(o, SIGKILL);
}

/* systemd's SIGTERM to the cgroup */
static void
sc_stopped_with_us(struct outcome *o)
{
	o->interrupted = true;
	f_killed(o, SIGTERM);
}

/* obeyed SIGUSR1 between two migrations */
static void
sc_stop_request(struct outcome *o)
{
	f_step(o, "Run", "1_a.sql", true, false, NULL);
	f_finished(o, 1, 0, 0, -1, 1, ERR_STATE,
		   "stopped before 2_b.sql: the run was interrupted");
	o->fin.stopped = true;
	o->interrupted = true;
	f_exit(o, 1);
}

/* not an interruption of the run */
static void
sc_sigint_alone(struct outcome *o)
{
	f_killed(o, SIGINT);
}

static void
sc_not_reached(struct outcome *o)
{
	(void)o;
}

static void
sc_setup(struct outcome *o)
{
	o->setup_error = strdup("cannot create log file /x/a.log");
}

static void
run_scenario(struct outcome *o, scenario_fn *sc)
{
	if (sc != sc_not_reached && sc != sc_setup)
		f_started(o);
	sc(o);
}

struct class_case {
	scenario_fn *sc;
	enum command_id cmd;
	enum outcome_status want;
	const char *reason;   /* substring; NULL = no reason */
	int exit_code;
	int signal;
	int applied;
	int pending;
};

static const struct class_case class_cases[] = {
	{ sc_applied, CMD_UPGRADE, OUT_OK, NULL, 0, 0, 2, 0 },
	{ sc_nothing, CMD_UPGRADE, OUT_NOTHING_TO_DO, NULL, 0, 0, 0,
	  0 },
	{ sc_dry_pending, CMD_DRY_UPGRADE, OUT_OK, NULL, 0, 0, 0, 2 },
	{ sc_nothing, CMD_DRY_UPGRADE, OUT_NOTHING_TO_DO, NULL, 0, 0,
	  0, 0 },
	{ sc_nothing, CMD_LIST, OUT_OK, NULL, 0, 0, 0, 0 },
	{ sc_failed, CMD_UPGRADE, OUT_FAILED, "(2_b.sql:4) failed", 1,
	  0, 1, 1 },
	{ sc_rolled_back, CMD_UPGRADE, OUT_ROLLED_BACK, "2_b.sql", 1,
	  0, 1, 1 },
	{ sc_unreachable, CMD_UPGRADE, OUT_UNREACHABLE,
	  "unable to open", 4, 0, 0, 0 },
	{ sc_locked, CMD_UPGRADE, OUT_LOCKED, "held by another", 4, 0,
	  0, 0 },
	{ sc_config, CMD_UPGRADE, OUT_FAILED, "bad sslmode", 3, 0, 0,
	  0 },
	{ sc_timeout, CMD_UPGRADE, OUT_TIMEOUT,
	  "no result after 1s during Run of 3_slow", 143, SIGTERM, 0,
	  -1 },
	{ sc_killed, CMD_UPGRADE, OUT_CRASHED,
	  "killed by signal 9 (SIGKILL) during Run of 2_kill", 137,
	  SIGKILL, 1, -1 },
	{ sc_no_summary, CMD_UPGRADE, OUT_CRASHED,
	  "exited with status 0 without reporting", 0, 0, 0, -1 },
	{ sc_protocol, CMD_UPGRADE, OUT_CRASHED,
	  "protocol error: bad frame", 0, 0, 0, -1 },
	{ sc_interrupted, CMD_UPGRADE, OUT_INTERRUPTED,
	  "run interrupted during Run of 3_slow: worker killed", 137,
	  SIGKILL, 0, -1 },
	{ sc_stopped_with_us, CMD_UPGRADE, OUT_INTERRUPTED,
	  "run interrupted: worker killed by SIGTERM", 143, SIGTERM, 0, -1 },
	{ sc_stop_request, CMD_UPGRADE, OUT_INTERRUPTED,
	  "stopped before 2_b.sql", 1, 0, 1, -1 },
	{ sc_sigint_alone, CMD_UPGRADE, OUT_CRASHED,
	  "killed by signal 2 (SIGINT)", 130, SIGINT, 0, -1 },
	{ sc_not_reached, CMD_UPGRADE, OUT_NOT_REACHED, "not started",
	  -1, 0, 0, -1 },
	{ sc_setup, CMD_UPGRADE, OUT_FAILED, "cannot create log file",
	  -1, 0, 0, -1 },
};

/* Indices, not pointers: each case runs in a fresh process. */
ParameterizedTestParameters(outcome, classify)
{
	static size_t idx[sizeof(class_cases) / sizeof(class_cases[0])];
	size_t i;

	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, sizeof(idx) / sizeof(idx[0]));
}

ParameterizedTest(size_t *ix, outcome, classify)
{
	const struct class_case *c = &class_cases[*ix];
	struct outcome o;

	outcome_init(&o);
	run_scenario(&o, c->sc);
	outcome_classify(&o, c->cmd);
	cr_assert_eq(o.status, c->want, "case %zu: %s, want %s", *ix,
		     outcome_status_name(o.status),
		     outcome_status_name(c->want));
	if (c->reason)
		cr_assert(o.reason && strstr(o.reason, c->reason),
			  "reason '%s' holds '%s'", o.reason, c->reason);
	else
		cr_assert_null(o.reason, "no reason for %s: '%s'",
			       outcome_status_name(o.status), o.reason);
	cr_assert_eq(o.exit_code, c->exit_code, "exit code %d", o.exit_code);
	cr_assert_eq(o.signal, c->signal);
	if (o.started)
		cr_assert_eq(o.applied, c->applied);
	cr_assert_eq(o.pending, c->pending);
	outcome_release(&o);
}

Test(outcome, step_end_without_begin_still_counts)
{
	struct outcome o;
	struct proto_msg m = { .type = PROTO_STEP_END };

	outcome_init(&o);
	f_started(&o);
	m.u.step.operation = (char *)"Run";
	m.u.step.file = (char *)"1_a.sql";
	m.u.step.ok = true;
	outcome_apply(&o, &m);
	f_killed(&o, SIGSEGV);
	outcome_classify(&o, CMD_UPGRADE);
	cr_assert_eq(o.nsteps, 1);
	cr_assert_eq(o.applied, 1);
	cr_assert(strstr(o.reason, "SIGSEGV"), "%s", o.reason);
	outcome_release(&o);
}

Test(outcome, output_keeps_only_a_tail)
{
	struct outcome o;
	struct proto_msg m = { .type = PROTO_OUTPUT };
	char chunk[1000];
	int i;

	outcome_init(&o);
	memset(chunk, 'a', sizeof(chunk) - 1);
	chunk[sizeof(chunk) - 1] = '\0';
	m.u.text.text = chunk;
	for (i = 0; i < 20; i++)
		outcome_apply(&o, &m);
	m.u.text.text = (char *)"THE END";
	outcome_apply(&o, &m);
	cr_assert_eq(o.tail.len, OUTCOME_TAIL_MAX);
	cr_assert(buf_ends_with(&o.tail, "THE END"));
	outcome_release(&o);
}

/* ---- rendering -------------------------------------------------------- */

struct fixture {
	struct target *t[4];
	struct outcome o[4];
	struct report_row rows[4];
	struct report r;
	struct options opts;
};

static struct target *
mk_target(const char *name, const char *engine, const char *password)
{
	struct target *t = target_new();

	free(t->name);
	free(t->engine);
	t->name = strdup(name);
	t->engine = strdup(engine);
	if (strcmp(engine, "sqlite") == 0) {
		t->db = strdup("/srv/db/a.db");
	} else {
		t->host = strdup("pg1.internal");
		t->db = strdup("app");
		t->username = strdup("migratore");
		t->password = password ? strdup(password) : NULL;
	}
	return t;
}

static void
fixture_build(struct fixture *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	options_init(&f->opts);
	strv_push(&f->opts.select, "tag:eu");
	f->t[0] = mk_target("eu-001", "sqlite", NULL);
	f->t[1] = mk_target("eu-002-long-name", "postgres", "hunter2-secret");
	f->t[2] = mk_target("eu-003", "postgres", "hunter2-secret");
	f->t[3] = mk_target("eu-004", "sqlite", NULL);
	for (i = 0; i < 4; i++)
		outcome_init(&f->o[i]);
	run_scenario(&f->o[0], sc_applied);
	run_scenario(&f->o[1], sc_failed);
	run_scenario(&f->o[2], sc_unreachable);
	run_scenario(&f->o[3], sc_not_reached);
	f_result(&f->o[0], "<Migration a 1 x>\n<Migration b 2 y>");
	{
		struct proto_msg w = { .type = PROTO_WARNING };

		w.u.text.text =
		    (char *)"1_a.sql was changed after it was applied";
		outcome_apply(&f->o[0], &w);
	}
	for (i = 0; i < 4; i++) {
		outcome_classify(&f->o[i], CMD_UPGRADE);
		f->o[i].seconds = 0.25 * (double)i;
		f->rows[i].t = f->t[i];
		f->rows[i].o = &f->o[i];
	}
	f->rows[0].log = "/var/log/mig/eu-001.log";
	f->r.tool_version = "1.0.0";
	f->r.run_id = "20261127T101500Z-1a2b3c4d";
	f->r.command = "upgrade";
	f->r.host = "ci-7";
	f->r.start = 1795770000;
	f->r.end = 1795770012;
	f->r.opts = &f->opts;
	f->r.inventory = "fleet.yaml";
	f->r.jobs = 8;
	f->r.rows = f->rows;
	f->r.n = 4;
}

static void
fixture_release(struct fixture *f)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		outcome_release(&f->o[i]);
		target_free(f->t[i]);
	}
	options_release(&f->opts);
}

/* The line of out that starts with prefix. */
static char *
line_of(const char *out, const char *prefix)
{
	const char *p = out;
	size_t n = strlen(prefix);

	while (p && *p) {
		if (strncmp(p, prefix, n) == 0)
			return strndup(p, strcspn(p, "\n"));
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

Test(report, text_has_a_row_per_target_and_totals)
{
	struct fixture f;
	struct buf out = BUF_INIT;
	char *l;

	fixture_build(&f);
	report_text(&f.r, true, false, &out);
	cr_assert(strstr(out.ptr, "TARGET") && strstr(out.ptr, "ROLLBACKS"),
		  "%s", out.ptr);
	l = line_of(out.ptr, "eu-001 ");
	cr_assert_not_null(l, "%s", out.ptr);
	cr_assert(strstr(l, " sqlite ") && strstr(l, " ok "), "%s", l);
	free(l);
	l = line_of(out.ptr, "eu-002-long-name");
	cr_assert(strstr(l, " failed ") &&
		      strstr(l, "statement 1 of 2 (2_b.sql:4) failed: boom"),
		  "%s", l);
	cr_assert_null(strstr(l, "more"), "only the first error line: %s", l);
	free(l);
	l = line_of(out.ptr, "eu-004");
	cr_assert(strstr(l, "not-reached"), "%s", l);
	free(l);
	cr_assert(strstr(out.ptr, "\n4 targets: 1 ok, 1 failed, 1 "
				  "unreachable, 1 not-reached\n"),
		  "%s", out.ptr);
	cr_assert(strstr(out.ptr, "\nWarnings:\n\n1 target: 1_a.sql was "
				  "changed after it was applied\n  [eu-001]\n"),
		  "%s", out.ptr);
	cr_assert(strstr(out.ptr, "== eu-001 ==\n<Migration a 1 x>\n"
				  "<Migration b 2 y>\n"),
		  "result section: %s", out.ptr);
	cr_assert_null(strstr(out.ptr, "\033["), "no colour when off");
	cr_assert_null(strstr(out.ptr, "hunter2"));
	buf_release(&out);
	fixture_release(&f);
}

Test(report, text_columns_line_up)
{
	struct fixture f;
	struct buf out = BUF_INIT;
	char *a, *b;

	fixture_build(&f);
	report_text(&f.r, false, false, &out);
	a = line_of(out.ptr, "TARGET");
	b = line_of(out.ptr, "eu-001");
	cr_assert_eq(strstr(a, "ENGINE") - a, strstr(b, "sqlite") - b);
	cr_assert_eq(strstr(a, "STATUS") - a, strstr(b, "ok") - b);
	cr_assert_null(strstr(out.ptr, "== eu-001 =="),
		       "no result sections when not asked");
	free(a);
	free(b);
	buf_release(&out);
	fixture_release(&f);
}

Test(report, colour_wraps_the_status_only_when_asked)
{
	struct fixture f;
	struct buf out = BUF_INIT;

	fixture_build(&f);
	report_text(&f.r, false, true, &out);
	cr_assert(strstr(out.ptr, "\033[32mok\033[0m"), "%s", out.ptr);
	cr_assert(strstr(out.ptr, "\033[31mfailed\033[0m"), "%s", out.ptr);
	buf_release(&out);
	fixture_release(&f);
}

Test(report, json_holds_the_run_and_every_step)
{
	struct fixture f;
	struct buf out = BUF_INIT;
	const char *want[] = {
		"\"schema\": \"migratore-fleet-report\"",
		"\"schema_version\": 1",
		"\"run_id\": \"20261127T101500Z-1a2b3c4d\"",
		"\"start\": \"2026-11-27T",
		"\"command\": \"upgrade\"",
		"\"exit_code\": 1",
		"\"select\": [\n      \"tag:eu\"\n    ]",
		"\"failed\": 1",
		"\"not-reached\": 1",
		"\"status\": \"failed\"",
		"\"status\": \"unreachable\"",
		"\"reason\": \"unable to open database file\"",
		"\"result\": \"error\"",
		"\"error\": \"statement 1 of 2 (2_b.sql:4) failed: boom\\nmore\"",
		"\"log\": \"/var/log/mig/eu-001.log\"",
		"\"target\": \"postgres migratore:****@pg1.internal",
		"\"warnings\": [\n        \"1_a.sql was changed",
		"\"interrupted\": null",
	};
	size_t i;

	fixture_build(&f);
	report_json(&f.r, &out);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert(strstr(out.ptr, want[i]), "JSON holds %s:\n%s",
			  want[i], out.ptr);
	cr_assert_null(strstr(out.ptr, "hunter2"), "no password");
	cr_assert_eq(out.ptr[out.len - 1], '\n');
	buf_release(&out);
	fixture_release(&f);
}

Test(report, results_json_maps_names_to_arrays)
{
	struct fixture f;
	struct buf out = BUF_INIT;

	fixture_build(&f);
	outcome_release(&f.o[0]);
	outcome_init(&f.o[0]);
	f_result(&f.o[0], "[\n  {\"id\": 1}\n]");
	report_results_json(&f.r, &out);
	cr_assert(strstr(out.ptr, "\"eu-001\": [\n  {\"id\": 1}\n]"), "%s",
		  out.ptr);
	cr_assert(strstr(out.ptr, "\"eu-003\": null"), "%s", out.ptr);
	buf_release(&out);
	fixture_release(&f);
}

Test(report, exit_code_follows_the_table)
{
	struct fixture f;
	size_t i;

	fixture_build(&f);
	cr_assert_eq(report_exit_code(&f.r), 1, "a failed target: 1");
	for (i = 1; i < 4; i++)
		f.o[i].status = i == 2 ? OUT_NOTHING_TO_DO : OUT_OK;
	cr_assert_eq(report_exit_code(&f.r), 0, "ok and nothing-to-do: 0");
	f.r.interrupted = SIGINT;
	cr_assert_eq(report_exit_code(&f.r), 130);
	f.r.interrupted = SIGTERM;
	cr_assert_eq(report_exit_code(&f.r), 143);
	fixture_release(&f);
}

Test(report, file_is_written_atomically_with_mode_0600)
{
	char dir[] = "/tmp/test_report.XXXXXX";
	struct report_file rf = REPORT_FILE_INIT;
	struct buf data = BUF_INIT, back = BUF_INIT;
	struct err e = ERR_INIT;
	struct stat st;
	char *path;

	cr_assert_not_null(mkdtemp(dir));
	path = NULL;
	cr_assert(asprintf(&path, "%s/report.json", dir) > 0);
	cr_assert_eq(report_file_open(&rf, path, &e), 0, "%s", e.msg);
	cr_assert_neq(access(path, F_OK), 0, "nothing at the path yet");
	buf_adds(&data, "{\"x\": 1}\n");
	cr_assert_eq(report_file_commit(&rf, &data, &e), 0, "%s", e.msg);
	report_file_release(&rf);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(buf_read_file(&back, path), 0);
	cr_assert_str_eq(back.ptr, "{\"x\": 1}\n");
	unlink(path);
	cr_assert_eq(rmdir(dir), 0, "no temporary file left behind");
	free(path);
	buf_release(&data);
	buf_release(&back);
}

Test(report, file_written_in_pieces_equals_the_rendered_report)
{
	char dir[] = "/tmp/test_report.XXXXXX";
	struct report_file rf = REPORT_FILE_INIT;
	struct buf want = BUF_INIT, got = BUF_INIT;
	struct report_row rows[800];
	struct err e = ERR_INIT;
	struct fixture f;
	char *path = NULL;
	size_t i;

	fixture_build(&f);
	for (i = 0; i < 800; i++)
		rows[i] = f.rows[i % 4];
	f.r.rows = rows;
	f.r.n = 800;
	report_json(&f.r, &want);
	cr_assert_gt(want.len, 4 * 65536, "big enough to be flushed often");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert(asprintf(&path, "%s/r.json", dir) > 0);
	cr_assert_eq(report_file_open(&rf, path, &e), 0, "%s", e.msg);
	cr_assert_eq(report_file_write(&rf, &f.r, &e), 0, "%s", e.msg);
	report_file_release(&rf);
	cr_assert_eq(buf_read_file(&got, path), 0);
	cr_assert_eq(got.len, want.len);
	cr_assert(memcmp(got.ptr, want.ptr, want.len) == 0);
	unlink(path);
	rmdir(dir);
	free(path);
	buf_release(&want);
	buf_release(&got);
	fixture_release(&f);
}

Test(report, unwritable_report_path_is_a_usage_error)
{
	struct report_file rf = REPORT_FILE_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(report_file_open(&rf, "/nonexistent-dir/r.json", &e),
		     ERR_USAGE);
	cr_assert(strstr(e.msg, "/nonexistent-dir/r.json"), "%s", e.msg);
	report_file_release(&rf);
}

/* ---- rollouts: waves, attempts, the plan -------------------------------- */

static void
fixture_waves(struct fixture *f, struct report_wave w[2])
{
	memset(w, 0, 2 * sizeof(*w));
	w[0].name = "canary";
	w[0].targets = 2;
	w[0].started = 2;
	w[0].failed = 1;
	w[0].jobs = 1;
	w[0].start = 1795770001;
	w[0].end = 1795770003;
	w[0].status = "completed";
	w[0].max_failures = "0";
	w[1].name = "rest";
	w[1].targets = 2;
	w[1].status = "not-started";
	/* eu-002 and eu-003 are the canaries: rows by wave, not by order */
	f->rows[0].wave = 1;
	f->rows[1].wave = 0;
	f->rows[2].wave = 0;
	f->rows[3].wave = 1;
	f->r.waves = w;
	f->r.nwaves = 2;
	f->r.show_waves = true;
	f->r.stopped = "wave 'canary' ended with 2 failed targets";
}

Test(report, text_marks_waves)
{
	struct report_wave w[2];
	struct fixture f;
	struct buf out = BUF_INIT;
	const char *a, *b, *c, *d;

	fixture_build(&f);
	fixture_waves(&f, w);
	report_text(&f.r, false, false, &out);
	a = strstr(out.ptr, "# wave canary: 2 targets, 2 started, 1 failed\n");
	b = strstr(out.ptr, "eu-002-long-name ");
	c = strstr(out.ptr, "# wave rest: 2 targets, not started\n");
	d = strstr(out.ptr, "eu-001 ");
	cr_assert(a && b && c && d, "%s", out.ptr);
	cr_assert(a < b && b < c && c < d, "waves in order, each with its "
					   "targets:\n%s", out.ptr);
	cr_assert(strstr(out.ptr, "\nstopped: wave 'canary' ended with 2 "
				  "failed targets; 1 target not reached\n"),
		  "%s", out.ptr);
	buf_release(&out);
	fixture_release(&f);
}

Test(report, text_without_a_rollout_has_no_wave_lines)
{
	struct report_wave w[2];
	struct fixture f;
	struct buf out = BUF_INIT;

	fixture_build(&f);
	fixture_waves(&f, w);
	f.r.show_waves = false;
	report_text(&f.r, false, false, &out);
	cr_assert_null(strstr(out.ptr, "# wave"), "%s", out.ptr);
	cr_assert(strstr(out.ptr, "eu-001 ") < strstr(out.ptr, "eu-002"),
		  "inventory order");
	buf_release(&out);
	fixture_release(&f);
}

Test(report, json_has_waves_attempts_and_options)
{
	struct report_wave w[2];
	struct fixture f;
	struct buf out = BUF_INIT;
	const char *want[] = {
		"\"stopped\": \"wave 'canary' ended with 2 failed targets\"",
		"\"waves\": [\n    {\n      \"name\": \"canary\",\n      "
		"\"status\": \"completed\",\n      \"targets\": 2,",
		"\"max_failures\": \"0\"",
		"\"start\": \"2026-11-27T",
		"\"name\": \"rest\",\n      \"status\": \"not-started\"",
		"\"start\": null,\n      \"end\": null",
		"\"wave\": \"canary\"",
		"\"attempts\": 3",
		"\"earlier_attempts\": [\n        \"unreachable: refused\",",
		"\"start\": 1795770001.5",
		"\"canary\": \"tag:canary\"",
		"\"per_host\": 2",
		"\"retries\": 2",
		"\"shard\": \"0/3\"",
		"\"deadline\": \"2026-11-28T05:00:00Z\"",
		"\"plan\": null",
	};
	size_t i;

	fixture_build(&f);
	fixture_waves(&f, w);
	f.o[2].attempts = 3;
	strv_push(&f.o[2].earlier, "unreachable: refused");
	strv_push(&f.o[2].earlier, "unreachable: refused again");
	f.o[2].first_start = 1795770001.5;
	f.o[2].last_end = 1795770003;
	f.opts.canary = "tag:canary";
	f.opts.per_host = 2;
	f.opts.retries = 2;
	f.opts.shard = "0/3";
	f.r.deadline = "2026-11-28T05:00:00Z";
	report_json(&f.r, &out);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert(strstr(out.ptr, want[i]), "JSON holds %s:\n%s",
			  want[i], out.ptr);
	buf_release(&out);
	fixture_release(&f);
}

Test(report, dry_runs_end_with_the_plan)
{
	struct fixture f;
	struct dryplan plan;
	struct buf out = BUF_INIT;
	size_t i;

	fixture_build(&f);
	dryplan_init(&plan, false);
	for (i = 0; i < 4; i++)
		dryplan_add(&plan, f.t[i]->name, &f.o[i]);
	dryplan_finish(&plan);
	f.r.plan = &plan;
	report_text(&f.r, false, false, &out);
	cr_assert(strstr(out.ptr, "\n\nPlan: 1 target will apply 2 migrations "
				  "(2 steps); 1 unreachable; 0 locked; 1 "
				  "drifted; 0 out of order; 2 other failures\n"),
		  "%s", out.ptr);
	buf_reset(&out);
	report_json(&f.r, &out);
	cr_assert(strstr(out.ptr, "\"plan\": {\n    \"operation\": \"run\""),
		  "%s", out.ptr);
	buf_release(&out);
	dryplan_release(&plan);
	fixture_release(&f);
}

/* ---- failures grouped by error ------------------------------------- */

/* A migration that failed on a server: the engine's message names the
 * target's database; DETAIL and HINT are in the traceback. */
static void
f_failed_on(struct outcome *o, const char *db, const char *detail,
	    int committed, int exit_code)
{
	struct proto_msg m = { .type = PROTO_STEP_BEGIN };
	char err[256], tb[512];

	snprintf(err, sizeof(err), "statement 2 of 3 (0002_idx.sql:6) "
		 "failed: could not create unique index \"users_email\" in "
		 "database \"%s\"", db);
	snprintf(tb, sizeof(tb), "migration: 0002_idx.sql (u2)\nerror: x\n"
		 "DETAIL: %s\nHINT: Remove the duplicates first.", detail);
	f_started(o);
	m.u.step.operation = (char *)"Run";
	m.u.step.uuid = (char *)"u2";
	m.u.step.file = (char *)"0002_idx.sql";
	outcome_apply(o, &m);
	m.type = PROTO_STEP_END;
	m.u.step.error = err;
	m.u.step.traceback = tb;
	m.u.step.committed = committed;
	m.u.step.total = 3;
	outcome_apply(o, &m);
	f_finished(o, 0, 1, 0, 1, exit_code, ERR_FAILED, "x");
	f_exit(o, exit_code);
	outcome_classify(o, CMD_UPGRADE);
}

static struct target *
mk_server(const char *name, const char *engine, const char *db)
{
	struct target *t = mk_target(name, engine, "hunter2-secret");

	free(t->db);
	t->db = strdup(db);
	return t;
}

/* Seven targets: three postgres and two mysql failed on the same index
 * (two of them with another DETAIL, the mysql ones with a statement
 * committed), a sqlite one unreachable, one applied. */
struct groups_fleet {
	struct outcome o[7];
	struct target *t[7];
	struct report_row rows[7];
	struct options opts;
	struct report r;
	struct buf out;
};

static void
groups_targets(struct groups_fleet *g)
{
	g->t[0] = mk_server("pg-1", "postgres", "app_1");
	g->t[1] = mk_server("my-01", "mysql", "shop_1");
	g->t[2] = mk_server("pg-2", "postgres", "app_2");
	g->t[3] = mk_target("sq-1", "sqlite", NULL);
	g->t[4] = mk_server("my-04", "mysql", "shop_4");
	g->t[5] = mk_server("pg-3", "postgres", "app_3");
	g->t[6] = mk_target("sq-2", "sqlite", NULL);
}

static void
groups_outcomes(struct outcome *o)
{
	f_failed_on(&o[0], "app_1", "Key (email)=(a@x) is duplicated.", 0, 1);
	f_failed_on(&o[1], "shop_1", "Key (email)=(a@x) is duplicated.", 1, 1);
	f_failed_on(&o[2], "app_2", "Key (email)=(b@x) is duplicated.", 0, 1);
	run_scenario(&o[3], sc_unreachable);
	outcome_classify(&o[3], CMD_UPGRADE);
	f_failed_on(&o[4], "shop_4", "Key (email)=(a@x) is duplicated.", 1, 1);
	f_failed_on(&o[5], "app_3", "Key (email)=(a@x) is duplicated.", 0, 1);
	run_scenario(&o[6], sc_applied);
	outcome_classify(&o[6], CMD_UPGRADE);
}

static void
groups_build(struct groups_fleet *g, const char *report)
{
	size_t i;

	memset(g, 0, sizeof(*g));
	options_init(&g->opts);
	g->opts.report = report;
	groups_targets(g);
	for (i = 0; i < 7; i++) {
		outcome_init(&g->o[i]);
		g->rows[i].t = g->t[i];
		g->rows[i].o = &g->o[i];
	}
	groups_outcomes(g->o);
	g->r.command = "upgrade";
	g->r.opts = &g->opts;
	g->r.inventory = "fleet.yaml";
	g->r.rows = g->rows;
	g->r.n = 7;
	buf_init(&g->out);
}

static void
groups_release(struct groups_fleet *g)
{
	size_t i;

	buf_release(&g->out);
	for (i = 0; i < 7; i++) {
		outcome_release(&g->o[i]);
		target_free(g->t[i]);
	}
	options_release(&g->opts);
}

/* The section after the table, exactly: one group per error once the
 * target's own names are replaced, largest first, with DETAIL, HINT, the
 * targets and the next command. */
Test(report, text_groups_failures_by_error)
{
	static const char want[] =
	    "\nFailures by error:\n"
	    "\n3 targets failed: statement 2 of 3 (0002_idx.sql:6) failed: "
	    "could not create unique index \"users_email\" in database "
	    "\"<db>\"\n"
	    "  DETAIL: Key (email)=(a@x) is duplicated.\n"
	    "  HINT: Remove the duplicates first.\n"
	    "  (DETAIL and HINT of pg-1; other targets' differ)\n"
	    "  [pg-1 pg-2 pg-3]\n"
	    "  Fix 0002_idx.sql, then run them again:\n"
	    "    migratore upgrade --inventory fleet.yaml --resume night.json "
	    "--select pg-1,pg-2,pg-3\n"
	    "\n2 targets failed: statement 2 of 3 (0002_idx.sql:6) failed: "
	    "could not create unique index \"users_email\" in database "
	    "\"<db>\" (1 of 3 statements stayed committed)\n"
	    "  DETAIL: Key (email)=(a@x) is duplicated.\n"
	    "  HINT: Remove the duplicates first.\n"
	    "  [my-01 my-04]\n"
	    "  1 statement of 0002_idx.sql stayed committed. Fix what failed, "
	    "leaving the first statement as it is: the next run resumes at "
	    "statement 2:\n"
	    "    migratore upgrade --inventory fleet.yaml --resume night.json "
	    "--select my-01,my-04\n"
	    "\n1 target unreachable: unable to open database file\n"
	    "  [sq-1]\n"
	    "  Once the cause is gone, run them again:\n"
	    "    migratore upgrade --inventory fleet.yaml --resume night.json "
	    "--select sq-1\n";
	struct groups_fleet g;
	const char *groups;

	groups_build(&g, "night.json");
	report_text(&g.r, false, false, &g.out);
	groups = strstr(g.out.ptr, "\nFailures by error:");
	cr_assert_not_null(groups, "%s", g.out.ptr);
	cr_assert_str_eq(groups, want);
	cr_assert_null(strstr(g.out.ptr, "hunter2"));
	groups_release(&g);
}

/* No report file: the next command selects the group instead. */
Test(report, failure_groups_without_a_report_select_the_targets)
{
	struct groups_fleet g;

	groups_build(&g, "-");
	report_text(&g.r, false, false, &g.out);
	cr_assert(strstr(g.out.ptr, "\n    migratore upgrade --inventory "
				    "fleet.yaml --select sq-1\n"),
		  "%s", g.out.ptr);
	cr_assert_null(strstr(g.out.ptr, "--resume"), "%s", g.out.ptr);
	groups_release(&g);
}

/* The JSON report: each target's committed count and its group's next
 * step. */
Test(report, json_gives_each_failure_its_next_step)
{
	struct groups_fleet g;

	groups_build(&g, "night.json");
	report_json(&g.r, &g.out);
	cr_assert(strstr(g.out.ptr, "\"committed\": 1,\n      \"next\": {\n"
				    "        \"advice\": \"1 statement of "
				    "0002_idx.sql stayed committed. Fix what "
				    "failed, leaving the first statement as "
				    "it is: the next run resumes at statement "
				    "2:\",\n"
				    "        \"command\": \"migratore upgrade "
				    "--inventory fleet.yaml --resume "
				    "night.json --select my-01,my-04\"\n"),
		  "%s", g.out.ptr);
	cr_assert(strstr(g.out.ptr, "\"committed\": null,\n      \"next\": "
				    "null,"),
		  "an ok target: %s", g.out.ptr);
	groups_release(&g);
}

/* A retry keeps the attempts, the first start and the earlier reasons. */
Test(outcome, retry_keeps_what_the_next_attempt_needs)
{
	struct outcome o;

	outcome_init(&o);
	f_started(&o);
	f_finished(&o, 0, 0, 0, 0, 4, ERR_CONNECT, "connection refused");
	f_exit(&o, 4);
	o.attempts = 1;
	o.first_start = 100.5;
	outcome_classify(&o, CMD_UPGRADE);
	cr_assert_eq(o.status, OUT_UNREACHABLE);
	outcome_retry(&o);
	cr_assert_eq(o.attempts, 1);
	cr_assert_float_eq(o.first_start, 100.5, 1e-9);
	cr_assert_eq(o.earlier.n, 1);
	cr_assert_str_eq(o.earlier.v[0], "unreachable: connection refused");
	cr_assert(!o.started && !o.finished && !o.greeted,
		  "the attempt's facts are gone");
	f_started(&o);
	f_finished(&o, 0, 0, 0, 0, 4, ERR_LOCK, "lock held");
	f_exit(&o, 4);
	outcome_classify(&o, CMD_UPGRADE);
	outcome_note(&o, "not retried: deadline passed");
	cr_assert_eq(o.status, OUT_LOCKED);
	cr_assert_str_eq(o.reason, "lock held (not retried: deadline passed)");
	outcome_classify(&o, CMD_UPGRADE);
	cr_assert_str_eq(o.reason, "lock held (not retried: deadline passed)",
			 "the note survives a new classification");
	outcome_release(&o);
}

Test(outcome, not_reached_says_why)
{
	struct outcome o;

	outcome_init(&o);
	outcome_classify(&o, CMD_UPGRADE);
	cr_assert_str_eq(o.reason, "not started: the run was interrupted");
	outcome_release(&o);
	o.unreached = strdup("deadline passed (2026-11-28T05:00:00Z)");
	outcome_classify(&o, CMD_UPGRADE);
	cr_assert_eq(o.status, OUT_NOT_REACHED);
	cr_assert_str_eq(o.reason, "not started: deadline passed "
				   "(2026-11-28T05:00:00Z)");
	outcome_release(&o);
}
