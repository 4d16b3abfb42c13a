/* Unit tests for orchestrator/sched: waves, parallelism, per-host caps,
 * failure budgets, retries with backoff, halts; no fork, no clock. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "config/rollout.h"
#include "config/target.h"
#include "orchestrator/sched.h"

#define NCASES(t) (sizeof(t) / sizeof((t)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

/* ---- fixtures -------------------------------------------------------------- */

static struct target **targets;
static size_t ntargets;

/* "name@host name@host ...": postgres targets on those hosts ("-": a
 * SQLite file named after the target). */
static void
make(const char *spec)
{
	char *copy = xstrdup(spec), *save, *tok, *at;
	struct target *t;

	targets = NULL;
	ntargets = 0;
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		t = target_new();
		at = strchr(tok, '@');
		*at = '\0';
		free(t->name);
		t->name = xstrdup(tok);
		free(t->engine);
		if (strcmp(at + 1, "-") == 0) {
			t->engine = xstrdup("sqlite");
			t->db = xasprintf("/db/%s.db", tok);
		} else {
			t->engine = xstrdup("postgres");
			t->host = xstrdup(at + 1);
			t->port = 5432;
			t->db = xstrdup(tok);
		}
		targets = xreallocarray(targets, ntargets + 1, sizeof(*targets));
		targets[ntargets++] = t;
	}
	free(copy);
}

static void
unmake(void)
{
	size_t i;

	for (i = 0; i < ntargets; i++)
		target_free(targets[i]);
	free(targets);
}

static size_t
index_of(const char *name)
{
	size_t i;

	for (i = 0; i < ntargets; i++)
		if (strcmp(targets[i]->name, name) == 0)
			return i;
	cr_assert_fail("no target %s", name);
	return 0;
}

/* The name sched_next offers, or "-" for none. */
static const char *
next(struct sched *s)
{
	size_t i;

	return sched_next(s, &i) ? targets[i]->name : "-";
}

/* Start every target sched offers now; their names, space-separated. */
static char *
start_all(struct sched *s, double now)
{
	struct buf b = BUF_INIT;
	size_t i;

	while (sched_next(s, &i)) {
		buf_addf(&b, "%s%s", b.len ? " " : "", targets[i]->name);
		sched_start(s, i, now);
	}
	return buf_detach(&b);
}

static bool
end(struct sched *s, const char *name, enum outcome_status st, double now)
{
	double delay = -1;

	return sched_end(s, index_of(name), st, now, 0.5, &delay);
}

static struct rollout_wave *
add_wave(struct rollout *r, const char *name, const char *select)
{
	struct rollout_wave *w;

	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	w = &r->v[r->n++];
	memset(w, 0, sizeof(*w));
	w->name = xstrdup(name);
	strv_init(&w->select);
	if (select)
		strv_push(&w->select, select);
	return w;
}

static struct sched *
new_sched(const struct rollout *r, size_t jobs, size_t per_host,
	  unsigned retries)
{
	struct sched_config c = { r, jobs, 0, per_host, retries, 0 };

	return sched_new(&c, targets, ntargets);
}

#define STARTS(s, now, want)                                                   \
	do {                                                                   \
		char *got_ = start_all(s, now);                                \
		cr_assert_str_eq(got_, want);                                  \
		free(got_);                                                    \
	} while (0)

/* ---- pure parts ------------------------------------------------------------ */

static const struct {
	unsigned retry;
	double u;
	double want;
} backoffs[] = {
	{ 1, 0.0, 0.25 }, { 1, 0.999999, 0.49999975 }, { 2, 0.0, 0.5 },
	{ 2, 0.5, 0.75 }, { 3, 0.0, 1.0 },            { 4, 0.0, 2.0 },
	{ 6, 0.0, 8.0 },  { 7, 0.0, 15.0 },           { 7, 0.5, 22.5 },
	{ 8, 0.0, 15.0 }, { 100, 0.999999, 29.999985 },
	/* out of range: treated as the first retry, u as 0 */
	{ 0, 0.0, 0.25 }, { 1, 1.5, 0.25 },
};

ParameterizedTestParameters(sched, backoff) { CASE_INDICES(backoffs); }

ParameterizedTest(size_t *i, sched, backoff)
{
	double d = sched_backoff(backoffs[*i].retry, backoffs[*i].u);

	cr_assert_float_eq(d, backoffs[*i].want, 1e-6, "retry %u, u %g: %g",
			   backoffs[*i].retry, backoffs[*i].u, d);
}

/* Waits grow, stay within the cap and never drop under half the step. */
Test(sched, backoff_bounds)
{
	unsigned r;
	double u, d, step;

	for (r = 1; r <= 40; r++)
		for (u = 0; u < 1; u += 0.125) {
			d = sched_backoff(r, u);
			step = SCHED_BACKOFF_BASE * (double)(1ull << (r < 20 ? r - 1 : 19));
			if (step > SCHED_BACKOFF_CAP)
				step = SCHED_BACKOFF_CAP;
			cr_assert(d >= step / 2 && d < step, "retry %u: %g", r, d);
		}
}

static const struct {
	const char *host, *socket, *engine, *db;
	int port;
	const char *want;
} keys[] = {
	{ "pg1.internal", NULL, "postgres", "a", 5432, "pg1.internal:5432" },
	{ "PG1.Internal", NULL, "postgres", "b", 5432, "pg1.internal:5432" },
	{ "pg1.internal", NULL, "postgres", "a", 0, "pg1.internal:0" },
	{ "127.0.0.1", "/ignored", "mysql", "a", 3306, "127.0.0.1:3306" },
	{ NULL, "/run/mysqld/mysqld.sock", "mysql", "a", 0,
	  "/run/mysqld/mysqld.sock:0" },
	{ NULL, "/tmp/pg", "postgres", "a", 5433, "/tmp/pg:5433" },
	{ NULL, NULL, "postgres", "a", 5433, "localhost:5433" },
	{ NULL, NULL, "sqlite", "/var/lib/x.db", 0, "sqlite /var/lib/x.db" },
	{ NULL, NULL, "postgres", "app", 0, "postgres app" },
};

ParameterizedTestParameters(sched, host_key) { CASE_INDICES(keys); }

ParameterizedTest(size_t *i, sched, host_key)
{
	struct target *t = target_new();
	struct buf b = BUF_INIT;

	free(t->engine);
	t->engine = xstrdup(keys[*i].engine);
	t->host = keys[*i].host ? xstrdup(keys[*i].host) : NULL;
	t->unix_socket = keys[*i].socket ? xstrdup(keys[*i].socket) : NULL;
	t->db = xstrdup(keys[*i].db);
	t->port = keys[*i].port;
	sched_host_key(t, &b);
	cr_assert_str_eq(b.ptr, keys[*i].want);
	buf_release(&b);
	target_free(t);
}

/* ---- the schedule ---------------------------------------------------------- */

Test(sched, jobs_and_order)
{
	struct sched *s;

	make("a@h b@h c@h d@h e@h");
	s = new_sched(NULL, 2, 0, 0);
	cr_assert_eq(sched_nwaves(s), 1);
	cr_assert_str_eq(sched_wave(s, 0)->name, "rest");
	STARTS(s, 1, "a b");
	cr_assert_str_eq(next(s), "-", "two at a time");
	cr_assert(!end(s, "b", OUT_OK, 2));
	STARTS(s, 2, "c");
	cr_assert(!end(s, "a", OUT_FAILED, 3));
	cr_assert(!end(s, "c", OUT_OK, 3));
	STARTS(s, 3, "d e");
	cr_assert(!end(s, "d", OUT_OK, 4));
	cr_assert(!end(s, "e", OUT_OK, 5));
	cr_assert_eq(sched_halted(s), SCHED_GOING,
		     "without a budget one wave runs everything");
	cr_assert(sched_wave(s, 0)->over);
	cr_assert_eq(sched_wave(s, 0)->failed, 1);
	cr_assert_float_eq(sched_wave(s, 0)->start, 1, 1e-9);
	cr_assert_float_eq(sched_wave(s, 0)->end, 5, 1e-9);
	sched_free(s);
	unmake();
}

/* A full server is passed over, not waited for. */
Test(sched, per_host)
{
	struct sched *s;

	make("a1@A a2@a a3@A b1@B b2@B b3@B c1@-");
	s = new_sched(NULL, 8, 2, 0);
	STARTS(s, 1, "a1 a2 b1 b2 c1");
	cr_assert(!end(s, "b1", OUT_OK, 2));
	STARTS(s, 2, "b3");
	cr_assert(!end(s, "a2", OUT_OK, 2));
	STARTS(s, 2, "a3");
	sched_free(s);
	unmake();
}

/* SQLite files and targets without an address are never grouped. */
Test(sched, per_host_files)
{
	struct sched *s;

	make("f1@- f2@- f3@- f4@-");
	s = new_sched(NULL, 8, 1, 0);
	STARTS(s, 1, "f1 f2 f3 f4");
	sched_free(s);
	unmake();
}

/* --canary: the canary wave, then the rest only if it had no failure. */
Test(sched, canary_fails)
{
	struct rollout *r;
	struct err e = ERR_INIT;
	struct sched *s;

	make("x1@h c1@h x2@h c2@h x3@h");
	cr_assert_eq(rollout_canary("c*", &r, &e), 0);
	s = new_sched(r, 4, 0, 0);
	cr_assert_eq(sched_nwaves(s), 2);
	cr_assert_eq(sched_wave_of(s, index_of("c2")), 0);
	cr_assert_eq(sched_wave_of(s, index_of("x1")), 1);
	STARTS(s, 1, "c1 c2");
	cr_assert(!end(s, "c1", OUT_FAILED, 2));
	cr_assert_eq(sched_halted(s), SCHED_GOING, "the wave runs to its end");
	cr_assert(!end(s, "c2", OUT_OK, 3));
	cr_assert_eq(sched_halted(s), SCHED_WAVE_FAILED);
	cr_assert_str_eq(sched_halt_text(s),
			 "wave 'canary' ended with 1 failed target");
	STARTS(s, 4, "");
	cr_assert(sched_wave(s, 0)->over);
	cr_assert(!sched_wave(s, 1)->over);
	cr_assert_eq(sched_wave(s, 1)->started, 0);
	sched_free(s);
	rollout_free(r);
	unmake();
}

Test(sched, canary_passes)
{
	struct rollout *r;
	struct err e = ERR_INIT;
	struct sched *s;

	make("x1@h c1@h x2@h");
	cr_assert_eq(rollout_canary("c*", &r, &e), 0);
	s = new_sched(r, 4, 0, 0);
	STARTS(s, 1, "c1");
	cr_assert(!end(s, "c1", OUT_NOTHING_TO_DO, 2));
	STARTS(s, 2, "x1 x2");
	cr_assert_float_eq(sched_wave(s, 1)->start, 2, 1e-9);
	sched_free(s);
	rollout_free(r);
	unmake();
}

/* max_failures 1: the second failure stops every start; running targets
 * still end, and their failures are counted. */
Test(sched, run_budget)
{
	struct rollout *r = rollout_new();
	struct err e = ERR_INIT;
	struct sched *s;

	make("a@h b@h c@h d@h e@h f@h");
	cr_assert_eq(rollout_budget_parse("1", &r->max_failures, &e), 0);
	s = new_sched(r, 3, 0, 0);
	STARTS(s, 1, "a b c");
	cr_assert(!end(s, "a", OUT_FAILED, 2));
	STARTS(s, 2, "d");
	cr_assert(!end(s, "b", OUT_CRASHED, 3));
	cr_assert_eq(sched_halted(s), SCHED_BUDGET);
	cr_assert_str_eq(sched_halt_text(s),
			 "the run's failure budget was exceeded: 2 targets "
			 "failed, 1 allowed (max_failures 1)");
	STARTS(s, 3, "");
	cr_assert(!sched_wave(s, 0)->over, "c and d still run");
	cr_assert(!end(s, "c", OUT_TIMEOUT, 4));
	cr_assert(!end(s, "d", OUT_OK, 5));
	cr_assert(sched_wave(s, 0)->over);
	cr_assert_eq(sched_wave(s, 0)->failed, 3);
	cr_assert_eq(sched_wave(s, 0)->started, 4);
	sched_free(s);
	rollout_free(r);
	unmake();
}

/* A wave's own budget, in percent of the wave, and its jobs. */
Test(sched, wave_budget)
{
	struct rollout *r = rollout_new();
	struct rollout_wave *w;
	struct err e = ERR_INIT;
	struct sched *s;

	make("e1@h e2@h e3@h e4@h u1@h");
	w = add_wave(r, "eu", "e*");
	w->jobs = 1;
	cr_assert_eq(rollout_budget_parse("50%", &w->max_failures, &e), 0);
	s = new_sched(r, 8, 0, 0);
	STARTS(s, 1, "e1");
	cr_assert(!end(s, "e1", OUT_FAILED, 2));
	STARTS(s, 2, "e2");
	cr_assert(!end(s, "e2", OUT_UNREACHABLE, 3));
	STARTS(s, 3, "e3");
	cr_assert(!end(s, "e3", OUT_LOCKED, 4));
	cr_assert_eq(sched_halted(s), SCHED_BUDGET);
	cr_assert_str_eq(sched_halt_text(s),
			 "wave 'eu' exceeded its failure budget: 3 of its "
			 "targets failed, 2 allowed (max_failures 50% of 4)");
	STARTS(s, 4, "");
	sched_free(s);
	rollout_free(r);
	unmake();
}

/* Within budget, the next wave starts even after failures. */
Test(sched, budget_lets_waves_go_on)
{
	struct rollout *r = rollout_new();
	struct rollout_wave *w;
	struct err e = ERR_INIT;
	struct sched *s;

	make("e1@h e2@h u1@h");
	w = add_wave(r, "eu", "e*");
	cr_assert_eq(rollout_budget_parse("1", &w->max_failures, &e), 0);
	s = new_sched(r, 8, 0, 0);
	STARTS(s, 1, "e1 e2");
	cr_assert(!end(s, "e1", OUT_FAILED, 2));
	cr_assert(!end(s, "e2", OUT_OK, 2));
	STARTS(s, 2, "u1");
	sched_free(s);
	rollout_free(r);
	unmake();
}

/* An explicit wave left empty by the selection is skipped. */
Test(sched, empty_wave)
{
	struct rollout *r = rollout_new();
	struct sched *s;

	make("a@h b@h");
	add_wave(r, "none", "zz*");
	add_wave(r, "first", "b");
	s = new_sched(r, 8, 0, 0);
	cr_assert_eq(sched_nwaves(s), 3);
	cr_assert(sched_wave(s, 0)->over);
	STARTS(s, 1, "b");
	cr_assert(!end(s, "b", OUT_OK, 2));
	STARTS(s, 2, "a");
	sched_free(s);
	rollout_free(r);
	unmake();
}

/* Unreachable and locked are retried, first in line, holding no place
 * while they wait; a failed migration never is. */
Test(sched, retries)
{
	struct sched *s;
	double delay = -1;

	make("a@h b@h c@h d@h");
	s = new_sched(NULL, 1, 0, 2);
	STARTS(s, 1, "a");
	cr_assert(sched_end(s, 0, OUT_UNREACHABLE, 2, 0.0, &delay));
	cr_assert_float_eq(delay, 0.25, 1e-9);
	STARTS(s, 2, "b");
	sched_ready(s, 0);
	cr_assert(!end(s, "b", OUT_FAILED, 3), "a failed migration: final");
	cr_assert_eq(sched_attempts(s, 1), 1);
	STARTS(s, 3, "a");
	cr_assert(sched_end(s, 0, OUT_LOCKED, 4, 0.0, &delay));
	cr_assert_float_eq(delay, 0.5, 1e-9);
	STARTS(s, 4, "c");
	cr_assert(!end(s, "c", OUT_OK, 5));
	cr_assert(!sched_wave(s, 0)->over);
	sched_ready(s, 0);
	STARTS(s, 5, "a");
	cr_assert(!end(s, "a", OUT_UNREACHABLE, 6), "no retry left");
	cr_assert_eq(sched_attempts(s, 0), 3);
	cr_assert_eq(sched_wave(s, 0)->failed, 2);
	STARTS(s, 6, "d");
	sched_free(s);
	unmake();
}

/* A retry that would start after the deadline is not made. */
Test(sched, retry_after_deadline)
{
	struct sched_config c = { NULL, 1, 0, 0, 3, 10.2 };
	struct sched *s;
	double delay;

	make("a@h");
	s = sched_new(&c, targets, ntargets);
	STARTS(s, 1, "a");
	cr_assert(sched_end(s, 0, OUT_UNREACHABLE, 9.0, 0.0, &delay));
	sched_ready(s, 0);
	STARTS(s, 9.25, "a");
	cr_assert(!sched_end(s, 0, OUT_UNREACHABLE, 10.0, 0.0, &delay),
		  "10.0 + 0.5 is past the deadline");
	cr_assert(sched_wave(s, 0)->over);
	sched_free(s);
	unmake();
}

/* A halt stops starts; waiting targets are given up by sched_cancel. */
Test(sched, halt_with_waiting)
{
	struct sched *s;
	double delay;

	make("a@h b@h c@h");
	s = new_sched(NULL, 2, 0, 3);
	STARTS(s, 1, "a b");
	cr_assert(sched_end(s, 0, OUT_UNREACHABLE, 2, 0.3, &delay));
	sched_halt(s, SCHED_DEADLINE);
	cr_assert_eq(sched_halted(s), SCHED_DEADLINE);
	cr_assert(strstr(sched_halt_text(s), "deadline passed"));
	sched_halt(s, SCHED_INTERRUPTED);
	cr_assert_eq(sched_halted(s), SCHED_DEADLINE, "the first halt wins");
	sched_ready(s, 0);
	STARTS(s, 3, "");
	cr_assert(!end(s, "b", OUT_UNREACHABLE, 3), "halted: no retry");
	cr_assert(!sched_wave(s, 0)->over, "a still waits");
	sched_cancel(s, 0, OUT_UNREACHABLE, 4);
	cr_assert(sched_wave(s, 0)->over);
	cr_assert_eq(sched_wave(s, 0)->failed, 2);
	cr_assert_eq(sched_wave(s, 0)->done, 2);
	sched_free(s);
	unmake();
}

/* --jobs is capped by max_jobs, and so is a wave's own jobs. */
Test(sched, max_jobs)
{
	struct sched_config c = { NULL, 8, 2, 0, 0, 0 };
	struct sched *s;

	make("a@h b@h c@h");
	s = sched_new(&c, targets, ntargets);
	STARTS(s, 1, "a b");
	sched_free(s);
	unmake();
}

Test(sched, no_targets)
{
	struct sched *s;

	make("");
	s = new_sched(NULL, 2, 1, 1);
	STARTS(s, 1, "");
	sched_free(s);
	unmake();
}
