/* The fleet's event loop: workers, pipes, exits, timeouts, signals. */
#include "config.h"

#include "orchestrator/coordinator.h"

#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "common/log.h"
#include "common/proto.h"
#include "common/xmalloc.h"
#include "orchestrator/inflight.h"
#include "orchestrator/background.h"
#include "orchestrator/notify.h"
#include "orchestrator/slot.h"
#include "orchestrator/spawn.h"
#include "orchestrator/spawner.h"
#include "worker/fleetworker.h"
#include "common/banned.h"

/* Exit statuses read from the spawner at once. */
#define EXITS_PER_READ 64

struct coordinator {
	struct ev_loop *loop;
	const struct coordinator_config *cfg;
	const struct coordinator_job *jobs;
	struct sched *sched;
	struct slot *slots;
	size_t n;
	struct inflight_pool pool; /* the live workers' state */
	size_t running;   /* slots RUNNING, EXITED or CLOSED */
	size_t done;      /* slots DONE (for the service manager) */
	size_t failed;    /* of which not good */
	int interrupted;  /* the first SIGINT/SIGTERM; 0 = none */
	bool starting;    /* inside start_more: no recursion through it */
	bool throttled;   /* out of processes or descriptors: wait for one */
	bool halt_seen;   /* the schedule's halt was acted upon */
	bool lost;        /* the spawner is gone, and its workers */
	uint64_t attempts; /* workers started: the tags' high half */
	size_t wave_shown; /* 1 + the last wave announced; 0 = none */
	unsigned short jitter[3]; /* erand48 state for the backoff */
	struct background bg; /* signals, deadline, grace, notify, tick */
	ev_io exits;      /* the spawner's reports; active while running */
};

static void start_more(struct coordinator *co);

static const char *
name_of(const struct coordinator *co, size_t i)
{
	return co->jobs[i].t->name;
}

static struct outcome *
out_of(const struct coordinator *co, size_t i)
{
	return co->jobs[i].out;
}

/* The slot is DONE for good (not to be retried): counted for the
 * service manager's status line. */
static void
count_done(struct coordinator *co, size_t i)
{
	co->done++;
	co->failed += !outcome_status_info(out_of(co, i)->status)->good;
}

/* ---- ending a worker ----------------------------------------------- */

/* Exit reports are read while a worker may still send one. */
static void
watch_exits(struct coordinator *co)
{
	bool want = co->running > 0 && !co->lost;

	if (want && !ev_is_active(&co->exits))
		ev_io_start(co->loop, &co->exits);
	else if (!want && ev_is_active(&co->exits))
		ev_io_stop(co->loop, &co->exits);
}

static void
close_pipe(struct coordinator *co, struct inflight *a)
{
	if (a->fd < 0)
		return;
	ev_io_stop(co->loop, &a->io);
	close(a->fd);
	a->fd = -1;
}

/*
 * The run halted (interrupted, deadline, budget, failed wave): targets
 * waiting to retry are given up with their last outcome. Once.
 */
static void
on_halt(struct coordinator *co)
{
	ev_tstamp now = ev_now(co->loop);
	char *note;
	size_t i;

	if (co->halt_seen || !sched_halted(co->sched))
		return;
	co->halt_seen = true;
	if (sched_halted(co->sched) != SCHED_INTERRUPTED && co->running > 0)
		progress_note(co->cfg->progress, now,
			      "%s: starting no more targets; %zu still "
			      "running will finish",
			      sched_halt_text(co->sched), co->running);
	else if (sched_halted(co->sched) != SCHED_INTERRUPTED)
		progress_note(co->cfg->progress, now,
			      "%s: starting no more targets",
			      sched_halt_text(co->sched));
	note = xasprintf("not retried: %s", sched_halt_text(co->sched));
	for (i = 0; i < co->n; i++) {
		struct outcome *out = out_of(co, i);

		if (co->slots[i].state != SLOT_WAITING)
			continue;
		slot_wait_end(&co->slots[i], co->loop);
		slot_set_state(&co->slots[i], SLOT_DONE, name_of(co, i));
		count_done(co, i);
		outcome_note(out, note);
		sched_cancel(co->sched, i, out->status, now);
		progress_done(co->cfg->progress, i, co->jobs[i].t, out, now);
	}
	free(note);
}

/* Something ended: act on a halt, fill the free places. */
static void
after_change(struct coordinator *co)
{
	on_halt(co);
	start_more(co);
	if (co->running == 0)
		background_grace_cancel(&co->bg);
}

static void
backoff_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct slot_backoff *b = (struct slot_backoff *)(void *)w;
	struct coordinator *co = b->owner;

	(void)loop;
	(void)revents;
	sched_ready(co->sched, b->job);
	start_more(co);
}

/* Unreachable or locked, with an attempt left: wait, holding no place. */
static void
wait_retry(struct coordinator *co, size_t i, double delay, ev_tstamp now)
{
	struct outcome *out = out_of(co, i);

	log_debug("[%s] %s: attempt %u, next in %.2fs", name_of(co, i),
		  outcome_status_name(out->status), out->attempts, delay);
	progress_retry(co->cfg->progress, i, co->jobs[i].t, out,
		       out->attempts, co->cfg->limits->retries + 1, delay, now);
	slot_wait(&co->slots[i], co->loop, delay, backoff_cb, co, i,
		  name_of(co, i));
}

/* The worker's end is processed: its pipe closed, its timer stopped, its
 * entry back in the pool. Returns whether a worker had been started. */
static bool
end_attempt(struct coordinator *co, struct slot *s, struct outcome *out,
	    ev_tstamp now)
{
	struct inflight *a = s->run;

	if (a == NULL) {
		out->seconds = 0;
		return false;
	}
	close_pipe(co, a);
	ev_timer_stop(co->loop, &a->timer);
	out->seconds = out->started ? now - a->started_at : 0;
	s->run = NULL;
	inflight_give(&co->pool, a);
	return out->started;
}

/* The slot reached DONE: classify, tell the schedule, make room. */
static void
slot_finish(struct coordinator *co, size_t i)
{
	struct outcome *out = out_of(co, i);
	ev_tstamp now = ev_now(co->loop);
	double delay = 0;

	if (end_attempt(co, &co->slots[i], out, now))
		co->running--;
	out->last_end = now;
	out->attempts = sched_attempts(co->sched, i);
	outcome_classify(out, co->cfg->cmd);
	watch_exits(co);
	if (sched_end(co->sched, i, out->status, now, erand48(co->jitter),
		      &delay)) {
		wait_retry(co, i, delay, now);
	} else {
		count_done(co, i);
		progress_done(co->cfg->progress, i, co->jobs[i].t, out, now);
	}
	co->throttled = false;
	after_change(co);
}

static void
terminate(struct coordinator *co, struct inflight *a, int sig)
{
	log_debug("[%s] sending %s to worker %ld", name_of(co, a->job),
		  sig == SIGKILL ? "SIGKILL" : "SIGTERM", (long)a->pid);
	spawner_kill(co->cfg->spawner, a->tag, sig, true);
	out_of(co, a->job)->sent_signal = sig;
	ev_timer_stop(co->loop, &a->timer);
	if (sig != SIGKILL) {
		ev_timer_set(&a->timer, co->cfg->grace_kill, 0.);
		ev_timer_start(co->loop, &a->timer);
	}
}

/*
 * The run is interrupted: ask the worker to stop before its next migration
 * (SIGUSR1, to the worker alone: the program of an executable migration
 * must finish). Only once it has sent STARTED, which says it listens;
 * one that has not yet will be asked when it does.
 */
static void
request_stop(struct coordinator *co, size_t i)
{
	struct inflight *a = co->slots[i].run;
	const struct outcome *out = out_of(co, i);

	if (!slot_alive(&co->slots[i]) || a->stop_sent ||
	    !out->greeted || out->sent_signal != 0)
		return;
	log_debug("[%s] asking worker %ld to stop", name_of(co, i),
		  (long)a->pid);
	spawner_kill(co->cfg->spawner, a->tag, SIGUSR1, false);
	a->stop_sent = true;
}

/* ---- watchers --------------------------------------------------------- */

static void
protocol_error(struct coordinator *co, struct inflight *a,
	       const struct err *e)
{
	struct outcome *out = out_of(co, a->job);

	if (out->protocol_error == NULL)
		out->protocol_error = xstrdup(e->msg);
	progress_note(co->cfg->progress, ev_now(co->loop),
		      "warning: [%s] worker %ld: %s", name_of(co, a->job),
		      (long)a->pid, e->msg);
}

/* One frame from the worker: into its outcome and the progress. */
static void
on_frame(void *ctx, struct inflight *a, const struct proto_msg *m)
{
	struct coordinator *co = ctx;
	size_t i = a->job;

	outcome_apply(out_of(co, i), m);
	progress_frame(co->cfg->progress, i, co->jobs[i].t, m,
		       ev_now(co->loop));
	if (m->type == PROTO_STARTED && co->interrupted)
		request_stop(co, i);
	if (m->type == PROTO_WARNING && m->u.text.text &&
	    fleetworker_log_warning(m->u.text.text))
		progress_note(co->cfg->progress, ev_now(co->loop),
			      "warning: [%s] %s", name_of(co, i),
			      m->u.text.text);
}

static void
pipe_eof(struct coordinator *co, struct inflight *a)
{
	struct err e = ERR_INIT;
	size_t i = a->job;

	if (a->in.len > 0 && out_of(co, i)->protocol_error == NULL) {
		err_set(&e, ERR_IO,
			"pipe closed in the middle of a frame (%zu bytes)",
			a->in.len);
		protocol_error(co, a, &e);
	}
	close_pipe(co, a);
	if (slot_closed(&co->slots[i], name_of(co, i)))
		slot_finish(co, i);
}

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct inflight *a = INFLIGHT_OF(w, io);
	struct coordinator *co = a->owner;
	struct err e = ERR_INIT;
	int r;

	(void)loop;
	(void)revents;
	if ((r = inflight_read(a, on_frame, co, &e)) == 0)
		return;
	if (r < 0)
		protocol_error(co, a, &e);
	pipe_eof(co, a);
}

/* The spawner reaped the worker; status is waitpid's. */
static void
reaped(struct coordinator *co, size_t i, int status)
{
	struct inflight *a = co->slots[i].run;
	struct outcome *out = out_of(co, i);

	/* The pid may be reused from now on: never signal it again. */
	ev_timer_stop(co->loop, &a->timer);
	out->reaped = true;
	out->wait_status = status;
	/* its own timer (spawn.h), when this loop was too late to act */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM &&
	    a->timeout > 0 && !out->timed_out) {
		out->timed_out = true;
		out->timeout = a->timeout;
	}
	if (slot_reaped(&co->slots[i], name_of(co, i)))
		slot_finish(co, i);
}

/* The spawner died (killed from outside): its workers died with it, of
 * the SIGKILL it left them (spawn.h); no worker starts any more. */
static void
spawner_lost(struct coordinator *co)
{
	size_t i;

	co->lost = true;
	watch_exits(co);
	progress_note(co->cfg->progress, ev_now(co->loop),
		      "warning: the spawner (pid %ld) is gone, and its "
		      "workers with it",
		      (long)co->cfg->spawner->pid);
	for (i = 0; i < co->n; i++)
		if (slot_alive(&co->slots[i]))
			reaped(co, i, SIGKILL);
}

static void
exits_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct coordinator *co = w->data;
	struct spawner_exit v[EXITS_PER_READ];
	const struct slot *s;
	ssize_t n, i;

	(void)loop;
	(void)revents;
	if ((n = spawner_exits(co->cfg->spawner, v, EXITS_PER_READ)) < 0) {
		spawner_lost(co);
		return;
	}
	for (i = 0; i < n; i++) {
		size_t job = (size_t)(v[i].tag & 0xffffffffu);

		/* an attempt the coordinator gave up on: nothing to do */
		if (job >= co->n || !slot_alive(s = &co->slots[job]) ||
		    s->run->tag != v[i].tag)
			continue;
		reaped(co, job, v[i].status);
	}
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct inflight *a = INFLIGHT_OF(w, timer);
	struct coordinator *co = a->owner;
	struct outcome *out = out_of(co, a->job);

	(void)loop;
	(void)revents;
	if (!slot_alive(&co->slots[a->job]))
		return;
	if (out->sent_signal == 0) {
		out->timed_out = true;
		out->timeout = a->timeout;
		log_info("[%s] timed out after %gs", name_of(co, a->job),
			 a->timeout);
		terminate(co, a, SIGTERM);
	} else if (out->sent_signal != SIGKILL) {
		terminate(co, a, SIGKILL);
	}
}

/* ---- starting workers ------------------------------------------------- */

/* A new attempt begins: a retried target forgets the last one's facts. */
static void
attempt_begins(struct coordinator *co, size_t i, ev_tstamp now)
{
	struct outcome *out = out_of(co, i);

	if (co->slots[i].state == SLOT_WAITING) {
		outcome_retry(out);
		slot_wait_end(&co->slots[i], co->loop);
	}
	sched_start(co->sched, i, now);
	if (out->first_start == 0)
		out->first_start = now;
}

static void
start_failed(struct coordinator *co, size_t i, char *why)
{
	attempt_begins(co, i, ev_now(co->loop));
	out_of(co, i)->setup_error = why;
	slot_set_state(&co->slots[i], SLOT_DONE, name_of(co, i));
	slot_finish(co, i);
}

/*
 * Out of processes or descriptors while other workers run: not this
 * target's fault. It stays in the queue and starts when one ends.
 */
static bool
start_later(struct coordinator *co, int errnum)
{
	if (co->running == 0 ||
	    (errnum != EAGAIN && errnum != EMFILE && errnum != ENFILE))
		return false;
	if (!co->throttled)
		log_debug("at %zu workers: %s; waiting for one to end",
			  co->running, strerror(errnum));
	co->throttled = true;
	return true;
}

/* The spawner forks the worker, whose pipe the coordinator makes. On
 * failure the entry is back in the pool. */
static int
launch(struct coordinator *co, size_t i, int log_fd, struct err *e)
{
	const struct coordinator_job *job = &co->jobs[i];
	struct inflight *a = inflight_take(&co->pool, co, i);
	struct spawner_job sj;
	int wfd, r, saved;

	if (spawn_pipe(&a->fd, &wfd, e) < 0) {
		inflight_give(&co->pool, a);
		return ERR_IO;
	}
	a->timeout = job->timeout;
	a->tag = ++co->attempts << 32 | (uint64_t)i;
	sj.tag = a->tag;
	sj.t = job->t;
	sj.migpath = job->migpath;
	sj.ms = job->ms;
	sj.timeout = a->timeout;
	sj.wfd = wfd;
	sj.log_fd = log_fd;
	r = spawner_spawn(co->cfg->spawner, &sj, &a->pid, e);
	saved = errno;
	close(wfd);
	if (r < 0) {
		close(a->fd);
		a->fd = -1;
		inflight_give(&co->pool, a);
	} else {
		co->slots[i].run = a;
	}
	errno = saved;
	return r;
}

/* The worker is forked: RUNNING, its pipe and timeout watched. */
static void
started(struct coordinator *co, size_t i)
{
	struct outcome *out = out_of(co, i);
	ev_tstamp now = ev_now(co->loop);
	struct inflight *a;

	attempt_begins(co, i, now);
	out->started = true;
	slot_set_state(&co->slots[i], SLOT_RUNNING, name_of(co, i));
	a = co->slots[i].run;
	a->started_at = now;
	co->running++;
	watch_exits(co);
	ev_io_init(&a->io, io_cb, a->fd, EV_READ);
	ev_io_start(co->loop, &a->io);
	ev_timer_init(&a->timer, timer_cb, a->timeout, 0.);
	if (a->timeout > 0)
		ev_timer_start(co->loop, &a->timer);
	progress_started(co->cfg->progress, i, co->jobs[i].t,
			 sched_attempts(co->sched, i), now);
}

/* Returns false when the slot must wait (start_later). */
static bool
start_slot(struct coordinator *co, size_t i)
{
	const struct coordinator_job *job = &co->jobs[i];
	struct err e = ERR_INIT;
	int log_fd = -1, errnum;

	/* A new log replaces an old one; a retry appends to its own. */
	if (job->log_name != NULL &&
	    (log_fd = safefile_create(co->cfg->log_dir, job->log_name,
				      co->slots[i].state == SLOT_WAITING
					  ? SAFEFILE_APPEND
					  : SAFEFILE_REPLACE,
				      0600, &e)) < 0) {
		errnum = errno;
		if (start_later(co, errnum))
			return false;
		start_failed(co, i,
			     xasprintf("cannot create log file: %s", e.msg));
		return true;
	}
	if (launch(co, i, log_fd, &e) < 0) {
		errnum = errno;
		if (log_fd >= 0)
			close(log_fd);
		if (start_later(co, errnum))
			return false;
		start_failed(co, i,
			     xasprintf("cannot start a worker: %s", e.msg));
		return true;
	}
	if (log_fd >= 0)
		close(log_fd);
	started(co, i);
	return true;
}

/* "wave 'eu' (2 of 3): 40 targets, 16 at a time", once per wave. */
static void
wave_news(struct coordinator *co, size_t job)
{
	size_t w = sched_wave_of(co->sched, job), nw = sched_nwaves(co->sched);
	const struct sched_wave *sw = sched_wave(co->sched, w);

	if (nw < 2 || co->wave_shown == w + 1)
		return;
	co->wave_shown = w + 1;
	progress_info(co->cfg->progress, ev_now(co->loop),
		      "wave '%s' (%zu of %zu): %zu target%s, %zu at a time",
		      sw->name, w + 1, nw, sw->size, sw->size == 1 ? "" : "s",
		      sw->jobs);
}

/* Past the deadline (the timer may not have run yet): halt. */
static void
check_deadline(struct coordinator *co)
{
	if (co->cfg->limits->deadline > 0 && ev_now(co->loop) >= co->cfg->limits->deadline &&
	    !sched_halted(co->sched)) {
		sched_halt(co->sched, SCHED_DEADLINE);
		on_halt(co);
	}
}

/*
 * Fill the free places, as the schedule says. A target that cannot start
 * finishes at once and calls back here; the flag turns that call into a
 * no-op so that a run of such targets loops instead of recursing.
 */
static void
start_more(struct coordinator *co)
{
	size_t i;

	if (co->starting)
		return;
	co->starting = true;
	check_deadline(co);
	while (!co->throttled && sched_next(co->sched, &i)) {
		wave_news(co, i);
		if (!start_slot(co, i))
			break;
	}
	co->starting = false;
}

/* ---- interruption ----------------------------------------------------- */

/* One step further: SIGTERM to workers not yet told, SIGKILL to the rest. */
static void
escalate(struct coordinator *co)
{
	bool more = false;
	size_t i;

	for (i = 0; i < co->n; i++) {
		int sent = out_of(co, i)->sent_signal;

		if (!slot_alive(&co->slots[i]) || sent == SIGKILL)
			continue;
		terminate(co, co->slots[i].run, sent == 0 ? SIGTERM : SIGKILL);
		more = more || sent == 0;
	}
	background_grace_cancel(&co->bg);
	if (more)
		background_grace(&co->bg, co->cfg->grace_kill);
}

static void
grace_over(void *ctx)
{
	escalate(ctx);
}

/* What notify_now says with the status line: READY=1 (once, before the
 * first worker), nothing more (the timer's and the last), STOPPING=1. */
enum notify_what { NOTIFY_READY, NOTIFY_STATUS, NOTIFY_STOPPING };

/* "[prefix: ]12/60 done, 3 running, 1 failed" for the service manager. */
static void
notify_now(const struct coordinator *co, enum notify_what what,
	   const char *prefix)
{
	struct buf text = BUF_INIT;

	if (!notify_enabled())
		return;
	if (prefix)
		buf_addf(&text, "%s: ", prefix);
	notify_progress_text(co->done, co->n, co->running, co->failed, &text);
	if (what == NOTIFY_READY)
		notify_ready(text.ptr);
	else if (what == NOTIFY_STOPPING)
		notify_stopping(text.ptr);
	else
		notify_status(text.ptr);
	buf_release(&text);
}

static void
notify_tick(void *ctx)
{
	notify_now(ctx, NOTIFY_STATUS, NULL);
}

static const char *
sig_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal";
}

static void
on_signal(void *ctx, int signum)
{
	struct coordinator *co = ctx;
	ev_tstamp now = ev_now(co->loop);
	char why[32];
	size_t i;

	if (co->interrupted) {
		progress_note(co->cfg->progress, now,
			      "%s again: stopping the running workers now",
			      sig_name(signum));
		escalate(co);
		return;
	}
	co->interrupted = signum;
	xsnprintf(why, sizeof(why), "stopping on %s", sig_name(signum));
	notify_now(co, NOTIFY_STOPPING, why);
	sched_halt(co->sched, SCHED_INTERRUPTED);
	for (i = 0; i < co->n; i++)
		if (slot_alive(&co->slots[i])) {
			out_of(co, i)->interrupted = true;
			request_stop(co, i);
		}
	progress_note(co->cfg->progress, now,
		      "%s: starting no more targets; %zu running stop after "
		      "their current migration, within %gs (send it again to "
		      "stop them now)",
		      sig_name(signum), co->running, co->cfg->grace_term);
	on_halt(co); /* targets waiting to retry: given up */
	if (co->running > 0)
		background_grace(&co->bg, co->cfg->grace_term);
}

static void
on_deadline(void *ctx)
{
	check_deadline(ctx);
}

/* ---- the run ---------------------------------------------------------- */

/* Whatever never started was not reached: say why. */
static void
unreached(struct coordinator *co)
{
	const char *why = sched_halted(co->sched) ? sched_halt_text(co->sched)
						  : "the run ended first";
	size_t i;

	for (i = 0; i < co->n; i++) {
		struct outcome *out = out_of(co, i);

		if (co->slots[i].state != SLOT_PENDING)
			continue;
		slot_set_state(&co->slots[i], SLOT_DONE, name_of(co, i));
		out->unreached = xstrdup(why);
		outcome_classify(out, co->cfg->cmd);
		count_done(co, i);
		progress_unreached(co->cfg->progress, co->jobs[i].t, out);
	}
}

static void
coordinator_init(struct coordinator *co, const struct coordinator_config *cfg,
		 const struct coordinator_job *jobs, size_t n)
{
	size_t i;

	co->cfg = cfg;
	co->jobs = jobs;
	co->n = n;
	co->sched = cfg->sched;
	co->pool = (struct inflight_pool)INFLIGHT_POOL_INIT;
	co->jitter[0] = (unsigned short)getpid();
	co->jitter[1] = (unsigned short)time(NULL);
	co->jitter[2] = (unsigned short)((unsigned long)time(NULL) >> 16);
	co->slots = xcalloc(n ? n : 1, sizeof(*co->slots));
	for (i = 0; i < n; i++)
		slot_init(&co->slots[i]);
	ev_io_init(&co->exits, exits_cb, cfg->spawner->reports, EV_READ);
	co->exits.data = co;
}

/* After the loop: no watcher left, nothing held. */
static void
coordinator_release(struct coordinator *co)
{
	size_t i;

	for (i = 0; i < co->n; i++)
		slot_wait_end(&co->slots[i], co->loop);
	free(co->slots);
	inflight_pool_release(&co->pool);
	ev_loop_destroy(co->loop);
}

int
coordinator_run(const struct coordinator_config *cfg,
		const struct coordinator_job *jobs, size_t n, struct err *e)
{
	struct coordinator co;
	struct background_hooks h = {
		.signal = on_signal,
		.grace_over = grace_over,
		.deadline = on_deadline,
		.notify = notify_tick,
		.ctx = &co,
	};

	memset(&co, 0, sizeof(co));
	if ((co.loop = ev_default_loop(0)) == NULL)
		return err_set(e, ERR_INTERNAL,
			       "cannot start the event loop (libev)");
	coordinator_init(&co, cfg, jobs, n);
	background_start(&co.bg, co.loop, cfg->progress,
			 cfg->limits->deadline, &h);
	notify_now(&co, NOTIFY_READY, NULL);
	start_more(&co);
	ev_run(co.loop, 0);
	background_stop(&co.bg);
	ev_io_stop(co.loop, &co.exits);
	unreached(&co);
	notify_now(&co, NOTIFY_STATUS,
		   co.interrupted == SIGINT    ? "interrupted by SIGINT"
		   : co.interrupted == SIGTERM ? "interrupted by SIGTERM"
		   : co.interrupted            ? "interrupted"
					       : "finished");
	coordinator_release(&co);
	if (co.interrupted == 0)
		return 0;
	e->signal = co.interrupted;
	return e->code = ERR_INTERRUPTED;
}
