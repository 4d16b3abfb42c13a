/* The order of a fleet run: waves, parallelism, per-host caps, failure
 * budgets, retries and halts. Pure; see sched.h. */
#include "config.h"

#include "orchestrator/sched.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "orchestrator/deadline.h"
#include "common/banned.h"

#define NO_HOST SIZE_MAX

enum jstate { J_PENDING, J_RUNNING, J_WAITING, J_READY, J_DONE };

struct sjob {
	size_t wave;
	size_t host;       /* index into host_running; NO_HOST = no cap */
	enum jstate st;
	unsigned attempts;
};

struct sched {
	struct sched_config cfg;
	size_t n;
	struct sjob *jobs;
	size_t *order;     /* job indices by wave, inventory order within */
	size_t *first;     /* wave w is order[first[w] .. first[w + 1]) */
	size_t cursor;     /* no pending job of the current wave before it */
	struct sched_wave *waves;
	size_t nwaves;
	size_t cur;        /* the current wave; nwaves when none is left */
	size_t *host_running;
	size_t *ready;     /* retries whose wait is over, oldest first */
	size_t nready;
	size_t failed;     /* final failures, every wave */
	enum sched_halt halt;
	struct buf why;
};

/* ---- pure helpers ------------------------------------------------------- */

double
sched_backoff(unsigned retry, double u)
{
	double d = SCHED_BACKOFF_BASE;
	unsigned i;

	for (i = 1; i < retry && d < SCHED_BACKOFF_CAP; i++)
		d *= 2;
	if (d > SCHED_BACKOFF_CAP)
		d = SCHED_BACKOFF_CAP;
	if (u < 0 || u >= 1)
		u = 0;
	return d / 2 + u * d / 2;
}

void
sched_host_key(const struct target *t, struct buf *out)
{
	const char *p;

	if (t->host) {
		for (p = t->host; *p; p++)
			buf_addc(out, *p >= 'A' && *p <= 'Z' ? (char)(*p + 32)
							     : *p);
		buf_addf(out, ":%d", t->port);
	} else if (t->unix_socket) {
		buf_addf(out, "%s:%d", t->unix_socket, t->port);
	} else if (t->port) {
		buf_addf(out, "localhost:%d", t->port);
	} else {
		/* nothing says which server: never grouped with another */
		buf_addf(out, "%s %s", t->engine, t->db ? t->db : "");
	}
}

/* ---- building ------------------------------------------------------------ */

struct keyed {
	char *key;
	size_t i;
};

static int
keyed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key,
		      ((const struct keyed *)b)->key);
}

/* Number the distinct servers of the targets; jobs[i].host. */
static void
group_hosts(struct sched *s, struct target *const *targets)
{
	struct keyed *k = xcalloc(s->n ? s->n : 1, sizeof(*k));
	struct buf b = BUF_INIT;
	size_t i, h = 0;

	for (i = 0; i < s->n; i++) {
		buf_reset(&b);
		sched_host_key(targets[i], &b);
		k[i].key = xstrdup(b.ptr);
		k[i].i = i;
	}
	qsort(k, s->n, sizeof(*k), keyed_cmp);
	for (i = 0; i < s->n; i++) {
		if (i > 0 && strcmp(k[i].key, k[i - 1].key) != 0)
			h++;
		s->jobs[k[i].i].host = h;
	}
	s->host_running = xcalloc(h + 1, sizeof(*s->host_running));
	for (i = 0; i < s->n; i++)
		free(k[i].key);
	free(k);
	buf_release(&b);
}

/* Waves: who is in which, their order, their parallelism. */
static void
make_waves(struct sched *s, struct target *const *targets)
{
	size_t *wave_of = xcalloc(s->n ? s->n : 1, sizeof(*wave_of));
	size_t *fill, i, w;

	rollout_assign(s->cfg.rollout, targets, s->n, wave_of, &s->nwaves);
	s->waves = xcalloc(s->nwaves + 1, sizeof(*s->waves));
	s->first = xcalloc(s->nwaves + 2, sizeof(*s->first));
	s->order = xcalloc(s->n ? s->n : 1, sizeof(*s->order));
	for (i = 0; i < s->n; i++) {
		s->jobs[i].wave = wave_of[i];
		s->waves[wave_of[i]].size++;
	}
	for (w = 0; w < s->nwaves; w++) {
		size_t jobs = rollout_wave_jobs(s->cfg.rollout, w, s->cfg.jobs);

		if (s->cfg.max_jobs > 0 && jobs > s->cfg.max_jobs)
			jobs = s->cfg.max_jobs;
		s->waves[w].name = rollout_wave_name(s->cfg.rollout, w);
		s->waves[w].jobs = jobs ? jobs : 1;
		s->first[w + 1] = s->first[w] + s->waves[w].size;
	}
	fill = xcalloc(s->nwaves + 1, sizeof(*fill));
	for (i = 0; i < s->n; i++)
		s->order[s->first[wave_of[i]] + fill[wave_of[i]]++] = i;
	free(fill);
	free(wave_of);
}

static void wave_check(struct sched *s);

struct sched *
sched_new(const struct sched_config *cfg, struct target *const *targets,
	  size_t n)
{
	struct sched *s = xcalloc(1, sizeof(*s));
	size_t i;

	s->cfg = *cfg;
	s->n = n;
	s->jobs = xcalloc(n ? n : 1, sizeof(*s->jobs));
	s->ready = xcalloc(n ? n : 1, sizeof(*s->ready));
	buf_init(&s->why);
	make_waves(s, targets);
	if (cfg->per_host > 0)
		group_hosts(s, targets);
	else
		for (i = 0; i < n; i++)
			s->jobs[i].host = NO_HOST;
	s->cur = 0;
	wave_check(s); /* skips leading empty waves */
	return s;
}

void
sched_free(struct sched *s)
{
	if (!s)
		return;
	free(s->jobs);
	free(s->order);
	free(s->first);
	free(s->waves);
	free(s->host_running);
	free(s->ready);
	buf_release(&s->why);
	free(s);
}

/* ---- halting --------------------------------------------------------------- */

static void
budget_text(struct buf *b, const struct rollout_budget *mf, size_t n)
{
	if (mf->percent)
		buf_addf(b, "%ld allowed (max_failures %g%% of %zu)",
			 rollout_budget_limit(mf, n), mf->value, n);
	else
		buf_addf(b, "%ld allowed (max_failures %g)",
			 rollout_budget_limit(mf, n), mf->value);
}

static void
set_halt(struct sched *s, enum sched_halt why)
{
	const struct rollout *r = s->cfg.rollout;
	const struct sched_wave *w = &s->waves[s->cur < s->nwaves ? s->cur : 0];
	long run_limit = r ? rollout_budget_limit(&r->max_failures, s->n) : -1;
	char iso[32];

	if (s->halt)
		return;
	s->halt = why;
	buf_reset(&s->why);
	switch (why) {
	case SCHED_GOING:
		break;
	case SCHED_INTERRUPTED:
		buf_adds(&s->why, "the run was interrupted");
		break;
	case SCHED_DEADLINE:
		deadline_iso(s->cfg.deadline, iso, sizeof(iso));
		buf_addf(&s->why, "deadline passed (%s)", iso);
		break;
	case SCHED_BUDGET:
		if (run_limit >= 0 && s->failed > (size_t)run_limit) {
			buf_addf(&s->why, "the run's failure budget was "
					  "exceeded: %zu targets failed, ",
				 s->failed);
			budget_text(&s->why, &r->max_failures, s->n);
		} else if (r && s->cur < r->n) {
			buf_addf(&s->why, "wave '%s' exceeded its failure "
					  "budget: %zu of its targets failed, ",
				 w->name, w->failed);
			budget_text(&s->why, &r->v[s->cur].max_failures,
				    w->size);
		}
		break;
	case SCHED_WAVE_FAILED:
		buf_addf(&s->why, "wave '%s' ended with %zu failed target%s",
			 w->name, w->failed, w->failed == 1 ? "" : "s");
		break;
	}
}

void
sched_halt(struct sched *s, enum sched_halt why)
{
	set_halt(s, why);
	wave_check(s);
}

enum sched_halt
sched_halted(const struct sched *s)
{
	return s->halt;
}

const char *
sched_halt_text(const struct sched *s)
{
	return s->why.ptr;
}

static struct rollout_tally
tally(const struct sched *s)
{
	struct rollout_tally t;

	t.selected = s->n;
	t.failed = s->failed;
	t.wave_size = s->waves[s->cur].size;
	t.wave_failed = s->waves[s->cur].failed;
	return t;
}

/* The first wave after w with targets; nwaves when none. */
static size_t
next_wave(const struct sched *s, size_t w)
{
	for (w++; w < s->nwaves && s->waves[w].size == 0; w++)
		s->waves[w].over = true; /* nothing to run: over at once */
	return w;
}

/*
 * The current wave is over when nothing of it runs or waits and every
 * target is done, or, once halted, when nothing runs or waits. Then the
 * next wave with targets starts, if the rollout lets it.
 */
static void
wave_check(struct sched *s)
{
	struct sched_wave *w;
	struct rollout_tally t;
	size_t nx;

	while (s->cur < s->nwaves) {
		w = &s->waves[s->cur];
		if (w->running > 0 || w->waiting > 0 ||
		    (!s->halt && w->done < w->size))
			return;
		w->over = true;
		if (s->halt)
			return;
		nx = next_wave(s, s->cur);
		t = tally(s);
		if (nx < s->nwaves && w->size > 0 &&
		    !rollout_may_advance(s->cfg.rollout, s->cur, &t)) {
			set_halt(s, SCHED_WAVE_FAILED);
			return;
		}
		s->cur = nx;
		if (s->cur < s->nwaves)
			s->cursor = s->first[s->cur];
	}
}

/* ---- running ------------------------------------------------------------- */

static bool
host_free(const struct sched *s, size_t i)
{
	size_t h = s->jobs[i].host;

	return s->cfg.per_host == 0 || h == NO_HOST ||
	       s->host_running[h] < s->cfg.per_host;
}

bool
sched_next(struct sched *s, size_t *job)
{
	const struct sched_wave *w;
	size_t k, end;

	if (s->halt || s->cur >= s->nwaves)
		return false;
	w = &s->waves[s->cur];
	if (w->running >= w->jobs)
		return false;
	for (k = 0; k < s->nready; k++)
		if (host_free(s, s->ready[k])) {
			*job = s->ready[k];
			return true;
		}
	end = s->first[s->cur + 1];
	while (s->cursor < end && s->jobs[s->order[s->cursor]].st != J_PENDING)
		s->cursor++;
	for (k = s->cursor; k < end; k++)
		if (s->jobs[s->order[k]].st == J_PENDING &&
		    host_free(s, s->order[k])) {
			*job = s->order[k];
			return true;
		}
	return false;
}

static void
unready(struct sched *s, size_t i)
{
	size_t k;

	for (k = 0; k < s->nready && s->ready[k] != i; k++)
		;
	if (k == s->nready)
		return;
	memmove(&s->ready[k], &s->ready[k + 1],
		(s->nready - k - 1) * sizeof(*s->ready));
	s->nready--;
}

void
sched_start(struct sched *s, size_t i, double now)
{
	struct sjob *j = &s->jobs[i];
	struct sched_wave *w = &s->waves[j->wave];

	if (j->st == J_READY) {
		unready(s, i);
		w->waiting--;
	} else {
		w->started++;
	}
	if (w->start == 0)
		w->start = now;
	j->st = J_RUNNING;
	j->attempts++;
	w->running++;
	if (j->host != NO_HOST)
		s->host_running[j->host]++;
}

/* Job i's outcome st is final. */
static void
finish(struct sched *s, size_t i, enum outcome_status st, double now)
{
	struct sjob *j = &s->jobs[i];
	struct sched_wave *w = &s->waves[j->wave];
	struct rollout_tally t;

	j->st = J_DONE;
	w->done++;
	w->end = now;
	if (outcome_status_info(st)->failure) {
		w->failed++;
		s->failed++;
	}
	t = tally(s);
	if (!s->halt && !rollout_may_start(s->cfg.rollout, s->cur, &t))
		set_halt(s, SCHED_BUDGET);
	wave_check(s);
}

bool
sched_end(struct sched *s, size_t i, enum outcome_status st, double now,
	  double u, double *delay)
{
	struct sjob *j = &s->jobs[i];
	struct sched_wave *w = &s->waves[j->wave];
	double d;

	w->running--;
	if (j->host != NO_HOST)
		s->host_running[j->host]--;
	if (!s->halt && outcome_status_info(st)->retriable &&
	    j->attempts <= s->cfg.retries) {
		d = sched_backoff(j->attempts, u);
		if (s->cfg.deadline <= 0 || now + d < s->cfg.deadline) {
			j->st = J_WAITING;
			w->waiting++;
			w->end = now;
			*delay = d;
			return true;
		}
	}
	finish(s, i, st, now);
	return false;
}

void
sched_ready(struct sched *s, size_t i)
{
	if (s->jobs[i].st != J_WAITING)
		return;
	s->jobs[i].st = J_READY;
	s->ready[s->nready++] = i;
}

void
sched_cancel(struct sched *s, size_t i, enum outcome_status st, double now)
{
	struct sjob *j = &s->jobs[i];

	if (j->st != J_WAITING && j->st != J_READY)
		return;
	if (j->st == J_READY)
		unready(s, i);
	s->waves[j->wave].waiting--;
	finish(s, i, st, now);
}

size_t
sched_nwaves(const struct sched *s)
{
	return s->nwaves;
}

const struct sched_wave *
sched_wave(const struct sched *s, size_t w)
{
	return &s->waves[w];
}

size_t
sched_wave_of(const struct sched *s, size_t i)
{
	return s->jobs[i].wave;
}

unsigned
sched_attempts(const struct sched *s, size_t i)
{
	return s->jobs[i].attempts;
}
