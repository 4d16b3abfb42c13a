/* What happened to one fleet target: facts in, status out. */
#include "config.h"

#include "orchestrator/outcome.h"

#include <sys/wait.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/xmalloc.h"
#include "common/banned.h"

/*
 * The status table: each status's properties, one row per status, indexed
 * by the enum, whose order is the order summaries list statuses in (text
 * and JSON totals, the HTML counts and filter). Everything that depends on
 * a status alone reads its row here; nothing else switches on a status.
 *
 * How to add a status: put its value in enum outcome_status where it
 * should appear in summaries, describe it in outcome.h's list, add its row
 * here, and produce it (a rule in outcome_classify, or its caller). The
 * reports, progress lines, HTML colours and filter, JUnit verdict,
 * dry-run plan, retries, budgets and exit code follow from the row. Then
 * the documents that list statuses (README.md, docs/fleet.md,
 * docs/reports.md, docs/report-schema.md) and the expected rows in
 * tests/unit/test_outcome.c.
 */
#define GREEN "\033[32m"
#define DIM "\033[2m"
#define YELLOW "\033[33m"
#define RED "\033[31m"

static const struct outcome_status_info statuses[OUT_NSTATUS] = {
	[OUT_OK] = { .name = "ok",
		.good = true, .failure = false, .retriable = false,
		.reached = true, .exit_code = EXIT_OK, .ansi = GREEN,
		.css = "background:#2e7d32",
		.junit = OUTCOME_JUNIT_PASSED, .plan = OUTCOME_PLAN_CHANGES },
	[OUT_NOTHING_TO_DO] = { .name = "nothing-to-do",
		.good = true, .failure = false, .retriable = false,
		.reached = true, .exit_code = EXIT_OK, .ansi = DIM,
		.css = "background:#78909c",
		.junit = OUTCOME_JUNIT_PASSED,
		.plan = OUTCOME_PLAN_UP_TO_DATE },
	[OUT_FAILED] = { .name = "failed",
		.good = false, .failure = true, .retriable = false,
		.reached = true, .exit_code = EXIT_FAILED, .ansi = RED,
		.css = "background:#c62828",
		.junit = OUTCOME_JUNIT_FAILURE, .plan = OUTCOME_PLAN_OTHER },
	[OUT_ROLLED_BACK] = { .name = "rolled-back",
		.good = false, .failure = true, .retriable = false,
		.reached = true, .exit_code = EXIT_FAILED, .ansi = YELLOW,
		.css = "background:#ef6c00",
		.junit = OUTCOME_JUNIT_FAILURE, .plan = OUTCOME_PLAN_OTHER },
	[OUT_TIMEOUT] = { .name = "timeout",
		.good = false, .failure = true, .retriable = false,
		.reached = true, .exit_code = EXIT_FAILED, .ansi = RED,
		.css = "background:#6a1b9a",
		.junit = OUTCOME_JUNIT_ERROR, .plan = OUTCOME_PLAN_OTHER },
	[OUT_CRASHED] = { .name = "crashed",
		.good = false, .failure = true, .retriable = false,
		.reached = true, .exit_code = EXIT_FAILED, .ansi = RED,
		.css = "background:#4e0000",
		.junit = OUTCOME_JUNIT_ERROR, .plan = OUTCOME_PLAN_OTHER },
	[OUT_UNREACHABLE] = { .name = "unreachable",
		.good = false, .failure = true, .retriable = true,
		.reached = true, .exit_code = EXIT_FAILED, .ansi = RED,
		.css = "background:#5d4037",
		.junit = OUTCOME_JUNIT_ERROR,
		.plan = OUTCOME_PLAN_UNREACHABLE },
	[OUT_REFUSED] = { .name = "refused",
		.good = false, .failure = true, .retriable = false,
		.reached = true, .exit_code = EXIT_FAILED, .ansi = RED,
		.css = "background:#880e4f",
		.junit = OUTCOME_JUNIT_ERROR, .plan = OUTCOME_PLAN_OTHER },
	[OUT_LOCKED] = { .name = "locked",
		.good = false, .failure = true, .retriable = true,
		.reached = true, .exit_code = EXIT_FAILED, .ansi = YELLOW,
		.css = "background:#f9a825;color:#000",
		.junit = OUTCOME_JUNIT_ERROR, .plan = OUTCOME_PLAN_LOCKED },
	[OUT_INTERRUPTED] = { .name = "interrupted",
		.good = false, .failure = true, .retriable = false,
		.reached = true, .exit_code = EXIT_FAILED, .ansi = YELLOW,
		.css = "background:#1565c0",
		.junit = OUTCOME_JUNIT_ERROR, .plan = OUTCOME_PLAN_OTHER },
	[OUT_NOT_REACHED] = { .name = "not-reached",
		.good = false, .failure = false, .retriable = false,
		.reached = false, .exit_code = EXIT_FAILED, .ansi = YELLOW,
		.css = "background:#bdbdbd;color:#000",
		.junit = OUTCOME_JUNIT_SKIPPED, .plan = OUTCOME_PLAN_OTHER },
};

/* A status no row describes: a newer report's, or a corrupt one. */
static const struct outcome_status_info unknown_status = {
	.name = "unknown", .good = false, .failure = true, .retriable = false,
	.reached = true, .exit_code = EXIT_FAILED, .ansi = RED, .css = "",
	.junit = OUTCOME_JUNIT_ERROR, .plan = OUTCOME_PLAN_OTHER,
};

const struct outcome_status_info *
outcome_status_info(enum outcome_status st)
{
	return (unsigned)st < OUT_NSTATUS ? &statuses[st] : &unknown_status;
}

const char *
outcome_status_name(enum outcome_status st)
{
	return outcome_status_info(st)->name;
}

int
outcome_status_by_name(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < OUT_NSTATUS; i++)
		if (strcmp(statuses[i].name, name) == 0)
			return i;
	return -1;
}

const struct outcome_status_info *
outcome_status_named(const char *name)
{
	int i = outcome_status_by_name(name);

	return i < 0 ? &unknown_status : &statuses[i];
}

void
outcome_init(struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	strv_init(&o->warnings);
	strv_init(&o->earlier);
	buf_init(&o->tail);
	buf_init(&o->sql);
	o->exit_code = -1;
	o->pending = -1;
	o->status = OUT_NOT_REACHED;
}

static void
step_release(struct outcome_step *s)
{
	free(s->operation);
	free(s->uuid);
	free(s->file);
	free(s->error);
	free(s->statement);
	free(s->traceback);
}

/*
 * An array of n entries grows when n is 0 or a power of two from 4 up:
 * its capacity is then exactly n (4, 8, 16, ...), so an outcome keeps
 * no capacity field. Returns the new capacity, or 0 when there is room.
 */
static size_t
room_for(size_t n)
{
	if (n == 0)
		return 4;
	return n >= 4 && (n & (n - 1)) == 0 ? 2 * n : 0;
}

void
outcome_add_result(struct outcome *o, const char *text)
{
	size_t cap = room_for(o->nresults);

	if (o->texts == NULL) {
		o->texts = xcalloc(1, sizeof(*o->texts));
		o->own_texts = true;
	}
	if (cap != 0)
		o->results = xreallocarray(o->results, cap, sizeof(*o->results));
	o->results[o->nresults++] = intern_get(o->texts, text);
}

void
outcome_release(struct outcome *o)
{
	size_t i;

	free(o->setup_error);
	free(o->fin.error);
	free(o->protocol_error);
	for (i = 0; i < o->nsteps; i++)
		step_release(&o->steps[i]);
	free(o->steps);
	strv_release(&o->warnings);
	free(o->results);
	if (o->own_texts) {
		intern_release(o->texts);
		free(o->texts);
	}
	buf_release(&o->tail);
	buf_release(&o->sql);
	free(o->reason);
	free(o->unreached);
	strv_release(&o->earlier);
	free(o->note);
	outcome_init(o);
}

void
outcome_retry(struct outcome *o)
{
	struct strv earlier = o->earlier;
	unsigned attempts = o->attempts;
	double first = o->first_start;
	struct intern *shared = o->own_texts ? NULL : o->texts;
	struct buf line = BUF_INIT;

	buf_addf(&line, "%s: ", outcome_status_name(o->status));
	outcome_first_line(o, 0, &line);
	strv_init(&o->earlier); /* handed over to the copy */
	strv_push(&earlier, line.ptr);
	outcome_release(o);
	o->earlier = earlier;
	o->attempts = attempts;
	o->first_start = first;
	o->texts = shared;
	buf_release(&line);
}

static void
add_note(struct outcome *o)
{
	char *r;

	if (o->note == NULL)
		return;
	r = xasprintf("%s (%s)", o->reason ? o->reason : "", o->note);
	free(o->reason);
	o->reason = r;
}

void
outcome_note(struct outcome *o, const char *note)
{
	free(o->note);
	o->note = xstrdup(note);
	add_note(o);
}

static struct outcome_step *
step_push(struct outcome *o, const struct proto_step *p)
{
	size_t cap = room_for(o->nsteps);
	struct outcome_step *s;

	if (cap != 0)
		o->steps = xreallocarray(o->steps, cap, sizeof(*o->steps));
	s = &o->steps[o->nsteps++];
	memset(s, 0, sizeof(*s));
	s->operation = xstrdup_or_null(p->operation);
	s->uuid = xstrdup_or_null(p->uuid);
	s->file = xstrdup_or_null(p->file);
	s->recovery = p->recovery;
	s->committed = -1;
	s->total = -1;
	return s;
}

static bool
same(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* STEP_END closes the step its STEP_BEGIN opened (the last one). */
static void
step_end(struct outcome *o, const struct proto_step *p)
{
	struct outcome_step *s = NULL;

	if (o->nsteps > 0 && !o->steps[o->nsteps - 1].ended &&
	    same(o->steps[o->nsteps - 1].uuid, p->uuid) &&
	    same(o->steps[o->nsteps - 1].operation, p->operation))
		s = &o->steps[o->nsteps - 1];
	if (s == NULL)
		s = step_push(o, p);
	s->ended = true;
	s->ok = p->ok;
	s->recovery = p->recovery;
	s->object_id = p->object_id;
	s->start = p->start;
	s->seconds = p->seconds;
	s->error = xstrdup_or_null(p->error);
	s->statement = xstrdup_or_null(p->statement);
	s->statement_no = p->statement_no;
	s->committed = p->committed;
	s->total = p->total;
	s->lock_retries = p->lock_retries;
	s->traceback = xstrdup_or_null(p->traceback);
	s->error_line = p->error_line;
	s->error_column = p->error_column;
}

static void
tail_add(struct buf *tail, const char *text)
{
	size_t cut;

	buf_adds(tail, text);
	if (tail->len <= OUTCOME_TAIL_MAX)
		return;
	cut = tail->len - OUTCOME_TAIL_MAX;
	memmove(tail->ptr, tail->ptr + cut, OUTCOME_TAIL_MAX);
	buf_truncate(tail, OUTCOME_TAIL_MAX);
}

void
outcome_apply(struct outcome *o, const struct proto_msg *m)
{
	switch (m->type) {
	case PROTO_STARTED:
		o->greeted = true;
		break;
	case PROTO_STEP_BEGIN:
		step_push(o, &m->u.step);
		break;
	case PROTO_STEP_END:
		step_end(o, &m->u.step);
		break;
	case PROTO_OUTPUT:
		if (m->u.text.text)
			tail_add(&o->tail, m->u.text.text);
		break;
	case PROTO_RESULT:
		outcome_add_result(o, m->u.text.text ? m->u.text.text : "");
		break;
	case PROTO_WARNING:
		strv_push(&o->warnings, m->u.text.text ? m->u.text.text : "");
		break;
	case PROTO_SQL:
		buf_adds(&o->sql, m->u.text.text ? m->u.text.text : "");
		break;
	case PROTO_FINISHED:
		free(o->fin.error);
		o->fin = m->u.finished;
		o->fin.error = xstrdup_or_null(m->u.finished.error);
		o->finished = true;
		break;
	}
}

static const char *
signal_name(int sig)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {
		{ SIGHUP, "SIGHUP" },   { SIGINT, "SIGINT" },
		{ SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
		{ SIGABRT, "SIGABRT" }, { SIGBUS, "SIGBUS" },
		{ SIGFPE, "SIGFPE" },   { SIGKILL, "SIGKILL" },
		{ SIGSEGV, "SIGSEGV" }, { SIGPIPE, "SIGPIPE" },
		{ SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
		{ SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return "a signal";
}

/* Signals that stop a whole service (sent to every process of it). */
static bool
stop_signal(int sig)
{
	return sig == SIGINT || sig == SIGTERM || sig == SIGHUP;
}

/* Counts from the steps, for a worker that died before its summary. */
static void
count_steps(struct outcome *o)
{
	size_t i;

	o->applied = o->failed = o->rollbacks = 0;
	for (i = 0; i < o->nsteps; i++) {
		const struct outcome_step *s = &o->steps[i];

		if (!s->ended)
			continue;
		if (s->ok)
			o->applied++;
		else
			o->failed++;
		if (s->ok && same(s->operation, "Rollback"))
			o->rollbacks++;
	}
}

static bool
recovered(const struct outcome *o)
{
	size_t i;

	for (i = 0; i < o->nsteps; i++)
		if (o->steps[i].ended && o->steps[i].ok &&
		    o->steps[i].recovery)
			return true;
	return false;
}

/* The first step that failed with an error text, or NULL. */
static const struct outcome_step *
failed_step(const struct outcome *o)
{
	size_t i;

	for (i = 0; i < o->nsteps; i++)
		if (o->steps[i].ended && !o->steps[i].ok &&
		    o->steps[i].error && o->steps[i].error[0])
			return &o->steps[i];
	return NULL;
}

/*
 * A failed step's error as the reason, with what of it stayed committed
 * at the end of its first line (the line tables show), unless its text
 * says so already (a connection lost) or a recovery Rollback undid it.
 */
static char *
step_reason(const struct outcome *o, const struct outcome_step *s)
{
	size_t n = strcspn(s->error, "\n");

	if (s->committed <= 0 || s->total <= 0 || o->fin.err_code == ERR_LOST ||
	    recovered(o))
		return xstrdup(s->error);
	return xasprintf("%.*s (%lld of %lld statements stayed committed)%s",
			 (int)n, s->error, (long long)s->committed,
			 (long long)s->total, s->error + n);
}

/* The worker told us how it ended. */
static void
classify_finished(struct outcome *o, enum command_id cmd)
{
	const struct proto_finished *f = &o->fin;
	const struct outcome_step *s;

	o->applied = f->applied;
	o->failed = f->failed;
	o->rollbacks = f->rollbacks;
	o->pending = f->pending;
	o->exit_code = (int)f->exit_code;
	if (f->stopped) {
		o->status = OUT_INTERRUPTED;
		o->reason = xstrdup(f->error && f->error[0] ? f->error
							   : "stopped");
		return;
	}
	if (f->exit_code == 0) {
		if (cmd == CMD_LIST || cmd == CMD_ERRORS || f->applied > 0 ||
		    f->pending > 0 || o->nresults > 0)
			o->status = OUT_OK;
		else
			o->status = OUT_NOTHING_TO_DO;
		return;
	}
	if (f->err_code == ERR_CONNECT)
		o->status = OUT_UNREACHABLE;
	else if (f->err_code == ERR_REFUSED)
		o->status = OUT_REFUSED;
	else if (f->err_code == ERR_LOCK)
		o->status = OUT_LOCKED;
	else if (f->err_code == ERR_FAILED && recovered(o))
		o->status = OUT_ROLLED_BACK;
	else
		o->status = OUT_FAILED;
	if ((s = failed_step(o)) != NULL)
		o->reason = step_reason(o, s); /* names the statement */
	else if (f->error && f->error[0])
		o->reason = xstrdup(f->error);
	else
		o->reason = xasprintf("exited with status %d",
				      (int)f->exit_code);
}

/* The step a dead worker was in, for its reason; "" when none. */
static char *
during(const struct outcome *o)
{
	const struct outcome_step *s;

	if (o->nsteps == 0 || o->steps[o->nsteps - 1].ended)
		return xstrdup("");
	s = &o->steps[o->nsteps - 1];
	return xasprintf(" during %s of %s", s->operation ? s->operation : "?",
			 s->file ? s->file : "?");
}

/* The worker ended without its summary. */
static void
classify_dead(struct outcome *o)
{
	int sig = o->signal;
	char *where = during(o);

	count_steps(o);
	if (o->protocol_error) {
		o->status = OUT_CRASHED;
		o->reason = xasprintf("protocol error%s: %s", where,
				      o->protocol_error);
	} else if (o->timed_out) {
		o->status = OUT_TIMEOUT;
		o->reason = xasprintf("no result after %gs%s: %s", o->timeout,
				      where,
				      o->sent_signal == SIGKILL
					  ? "killed by the coordinator"
				      : o->sent_signal != 0
					  ? "terminated by the coordinator"
					  : "stopped by its own timer");
	} else if (o->interrupted && o->sent_signal != 0) {
		o->status = OUT_INTERRUPTED;
		o->reason = xasprintf("run interrupted%s: worker %s",
				      where,
				      o->sent_signal == SIGKILL ? "killed"
								: "terminated");
	} else if (o->interrupted && stop_signal(sig)) {
		o->status = OUT_INTERRUPTED;
		o->reason = xasprintf("run interrupted%s: worker killed by "
				      "%s",
				      where, signal_name(sig));
	} else if (sig != 0) {
		o->status = OUT_CRASHED;
		o->reason = xasprintf("killed by signal %d (%s)%s", sig,
				      signal_name(sig), where);
	} else {
		o->status = OUT_CRASHED;
		o->reason = xasprintf("exited with status %d%s without "
				      "reporting a result",
				      o->exit_code, where);
	}
	free(where);
}

void
outcome_classify(struct outcome *o, enum command_id cmd)
{
	free(o->reason);
	o->reason = NULL;
	o->signal = 0;
	if (o->reaped && WIFSIGNALED(o->wait_status)) {
		o->signal = WTERMSIG(o->wait_status);
		o->exit_code = 128 + o->signal;
	} else if (o->reaped && WIFEXITED(o->wait_status))
		o->exit_code = WEXITSTATUS(o->wait_status);
	if (!o->started) {
		o->status = o->setup_error ? OUT_FAILED : OUT_NOT_REACHED;
		if (o->setup_error)
			o->reason = xstrdup(o->setup_error);
		else
			o->reason = xasprintf("not started: %s",
					      o->unreached
						  ? o->unreached
						  : "the run was interrupted");
	} else if (o->finished) {
		classify_finished(o, cmd);
	} else {
		classify_dead(o);
	}
	add_note(o);
}

void
outcome_first_line(const struct outcome *o, size_t max, struct buf *out)
{
	const char *s = o->reason ? o->reason : "";
	size_t n = strcspn(s, "\n");

	if (max > 3 && n > max) {
		n = max - 3;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--; /* not in the middle of a UTF-8 character */
		buf_add(out, s, n);
		buf_adds(out, "...");
	} else
		buf_add(out, s, n);
}
