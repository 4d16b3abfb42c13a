/* The fleet's event loop: workers, pipes, exits, timeouts, signals. */
#include "config.h"

#include "orchestrator/coordinator.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
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
#include "orchestrator/notify.h"
#include "orchestrator/slot.h"
#include "orchestrator/spawn.h"
#include "orchestrator/spawner.h"
#include "worker/fleetworker.h"
#include "common/banned.h"

/* Reads per wakeup of one pipe, so one chatty worker cannot starve the
 * others (the watcher is level-triggered: the rest is read next time). */
#define READS_PER_WAKEUP 16
#define READ_CHUNK 65536
/* Exit statuses read from the spawner at once. */
#define EXITS_PER_READ 64

struct coordinator {
	struct ev_loop *loop;
	const struct coordinator_config *cfg;
	const struct coordinator_job *jobs;
	struct sched *sched;
	struct slot *slots;
	size_t n;
	size_t running;   /* slots RUNNING, EXITED or CLOSED */
	int interrupted;  /* the first SIGINT/SIGTERM; 0 = none */
	bool starting;    /* inside start_more: no recursion through it */
	bool throttled;   /* out of processes or descriptors: wait for one */
	bool halt_seen;   /* the schedule's halt was acted upon */
	bool lost;        /* the spawner is gone, and its workers */
	uint64_t attempts; /* workers started: the tags' high half */
	size_t wave_shown; /* 1 + the last wave announced; 0 = none */
	unsigned short jitter[3]; /* erand48 state for the backoff */
	ev_signal sigint;
	ev_signal sigterm;
	ev_timer stop;    /* the interruption's grace periods */
	ev_timer tick;    /* progress redraw */
	ev_signal sigwinch; /* the terminal was resized: redraw */
	ev_timer deadline;
	ev_timer notify;  /* systemd's STATUS= line (notify.h) */
	ev_io exits;      /* the spawner's reports; active while running */
};

static void start_more(struct coordinator *co);

static size_t
job_index(const struct slot *s)
{
	return (size_t)(s - s->co->slots);
}

static const struct coordinator_job *
job_of(const struct slot *s)
{
	return &s->co->jobs[job_index(s)];
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
close_pipe(struct slot *s)
{
	if (s->fd < 0)
		return;
	ev_io_stop(s->co->loop, &s->io);
	close(s->fd);
	s->fd = -1;
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
		struct slot *s = &co->slots[i];

		if (s->state != SLOT_WAITING)
			continue;
		ev_timer_stop(co->loop, &s->backoff);
		slot_set_state(s, SLOT_DONE);
		outcome_note(s->out, note);
		sched_cancel(co->sched, i, s->out->status, now);
		progress_done(co->cfg->progress, i, s->t, s->out, now);
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
		ev_timer_stop(co->loop, &co->stop);
}

static void
backoff_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct slot *s = SLOT_OF(w, backoff);

	(void)loop;
	(void)revents;
	sched_ready(s->co->sched, job_index(s));
	start_more(s->co);
}

/* Unreachable or locked, with an attempt left: wait, holding no place. */
static void
wait_retry(struct slot *s, double delay, ev_tstamp now)
{
	struct coordinator *co = s->co;

	log_debug("[%s] %s: attempt %u, next in %.2fs", s->t->name,
		  outcome_status_name(s->out->status), s->out->attempts, delay);
	progress_retry(co->cfg->progress, job_index(s), s->t, s->out,
		       s->out->attempts, co->cfg->limits->retries + 1, delay, now);
	slot_set_state(s, SLOT_WAITING);
	ev_timer_init(&s->backoff, backoff_cb, delay, 0.);
	ev_timer_start(co->loop, &s->backoff);
}

/* The slot reached DONE: classify, tell the schedule, make room. */
static void
slot_finish(struct slot *s)
{
	struct coordinator *co = s->co;
	ev_tstamp now = ev_now(co->loop);
	double delay = 0;

	close_pipe(s);
	ev_timer_stop(co->loop, &s->timer);
	s->out->seconds = s->out->started ? now - s->started_at : 0;
	s->out->last_end = now;
	s->out->attempts = sched_attempts(co->sched, job_index(s));
	outcome_classify(s->out, co->cfg->cmd);
	if (s->out->started)
		co->running--;
	watch_exits(co);
	slot_release(s); /* the input buffer: 64 KiB kept per target else */
	if (sched_end(co->sched, job_index(s), s->out->status, now,
		      erand48(co->jitter), &delay))
		wait_retry(s, delay, now);
	else
		progress_done(co->cfg->progress, job_index(s), s->t, s->out,
			      now);
	co->throttled = false;
	after_change(co);
}

static void
terminate(struct slot *s, int sig)
{
	struct coordinator *co = s->co;

	log_debug("[%s] sending %s to worker %ld", s->t->name,
		  sig == SIGKILL ? "SIGKILL" : "SIGTERM", (long)s->pid);
	spawner_kill(co->cfg->spawner, s->tag, sig, true);
	s->out->sent_signal = sig;
	ev_timer_stop(co->loop, &s->timer);
	if (sig != SIGKILL) {
		ev_timer_set(&s->timer, co->cfg->grace_kill, 0.);
		ev_timer_start(co->loop, &s->timer);
	}
}

/*
 * The run is interrupted: ask the worker to stop before its next migration
 * (SIGUSR1, to the worker alone: the program of an executable migration
 * must finish). Only once it has sent STARTED, which says it listens;
 * one that has not yet will be asked when it does.
 */
static void
request_stop(struct slot *s)
{
	if (s->stop_sent || !slot_alive(s) || s->out->banner == NULL ||
	    s->out->sent_signal != 0)
		return;
	log_debug("[%s] asking worker %ld to stop", s->t->name, (long)s->pid);
	spawner_kill(s->co->cfg->spawner, s->tag, SIGUSR1, false);
	s->stop_sent = true;
}

/* ---- watchers --------------------------------------------------------- */

static void
protocol_error(struct slot *s, const struct err *e)
{
	if (s->out->protocol_error == NULL)
		s->out->protocol_error = xstrdup(e->msg);
	progress_note(s->co->cfg->progress, ev_now(s->co->loop),
		      "warning: [%s] worker %ld: %s", s->t->name, (long)s->pid,
		      e->msg);
}

/* Dispatch every whole frame in s->in; false on a bad frame. */
static bool
dispatch(struct slot *s)
{
	struct err e = ERR_INIT;
	struct proto_msg m;
	size_t off = 0;
	int r;

	while ((r = proto_next(s->in.ptr, s->in.len, &off, &m, &e)) > 0) {
		outcome_apply(s->out, &m);
		progress_frame(s->co->cfg->progress, job_index(s), s->t, &m,
			       ev_now(s->co->loop));
		if (m.type == PROTO_STARTED && s->co->interrupted)
			request_stop(s);
		if (m.type == PROTO_WARNING && m.u.text.text &&
		    fleetworker_log_warning(m.u.text.text))
			progress_note(s->co->cfg->progress, ev_now(s->co->loop),
				      "warning: [%s] %s", s->t->name,
				      m.u.text.text);
		proto_msg_release(&m);
	}
	if (r < 0)
		protocol_error(s, &e);
	if (off > 0) {
		memmove(s->in.ptr, s->in.ptr + off, s->in.len - off);
		buf_truncate(&s->in, s->in.len - off);
	}
	return r == 0;
}

static void
pipe_eof(struct slot *s)
{
	struct err e = ERR_INIT;

	if (s->in.len > 0 && s->out->protocol_error == NULL) {
		err_set(&e, ERR_IO,
			"pipe closed in the middle of a frame (%zu bytes)",
			s->in.len);
		protocol_error(s, &e);
	}
	close_pipe(s);
	if (slot_closed(s))
		slot_finish(s);
}

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct slot *s = SLOT_OF(w, io);
	struct err e = ERR_INIT;
	ssize_t n;
	int i;

	(void)loop;
	(void)revents;
	for (i = 0; i < READS_PER_WAKEUP; i++) {
		buf_grow(&s->in, READ_CHUNK);
		n = read(s->fd, s->in.ptr + s->in.len, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			err_set(&e, ERR_IO, "reading its pipe: %s",
				strerror(errno));
			protocol_error(s, &e);
			n = 0;
		}
		if (n == 0) {
			pipe_eof(s);
			return;
		}
		s->in.len += (size_t)n;
		s->in.ptr[s->in.len] = '\0';
		if (!dispatch(s)) {
			/* Nothing after a bad frame can be trusted. */
			buf_reset(&s->in);
			pipe_eof(s);
			return;
		}
	}
}

/* The spawner reaped the worker; status is waitpid's. */
static void
reaped(struct slot *s, int status)
{
	/* The pid may be reused from now on: never signal it again. */
	ev_timer_stop(s->co->loop, &s->timer);
	s->out->reaped = true;
	s->out->wait_status = status;
	/* its own timer (spawn.h), when this loop was too late to act */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM &&
	    s->timeout > 0 && !s->out->timed_out) {
		s->out->timed_out = true;
		s->out->timeout = s->timeout;
	}
	if (slot_reaped(s))
		slot_finish(s);
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
			reaped(&co->slots[i], SIGKILL);
}

static void
exits_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct coordinator *co = w->data;
	struct spawner_exit v[EXITS_PER_READ];
	struct slot *s;
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
		if (job >= co->n || (s = &co->slots[job])->tag != v[i].tag ||
		    !slot_alive(s))
			continue;
		reaped(s, v[i].status);
	}
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct slot *s = SLOT_OF(w, timer);

	(void)loop;
	(void)revents;
	if (!slot_alive(s))
		return;
	if (s->out->sent_signal == 0) {
		s->out->timed_out = true;
		s->out->timeout = s->timeout;
		log_info("[%s] timed out after %gs", s->t->name, s->timeout);
		terminate(s, SIGTERM);
	} else if (s->out->sent_signal != SIGKILL) {
		terminate(s, SIGKILL);
	}
}

/* ---- starting workers ------------------------------------------------- */

/* A new attempt begins: a retried target forgets the last one's facts. */
static void
attempt_begins(struct slot *s, ev_tstamp now)
{
	if (s->state == SLOT_WAITING)
		outcome_retry(s->out);
	sched_start(s->co->sched, job_index(s), now);
	if (s->out->first_start == 0)
		s->out->first_start = now;
}

static void
start_failed(struct slot *s, char *why)
{
	attempt_begins(s, ev_now(s->co->loop));
	s->out->setup_error = why;
	slot_set_state(s, SLOT_DONE);
	slot_finish(s);
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

/* The spawner forks the worker, whose pipe the coordinator makes. */
static int
launch(struct coordinator *co, struct slot *s, int log_fd, struct err *e)
{
	const struct coordinator_job *job = job_of(s);
	struct spawner_job sj;
	int wfd, r, saved;

	if (spawn_pipe(&s->fd, &wfd, e) < 0)
		return ERR_IO;
	s->tag = ++co->attempts << 32 | (uint64_t)job_index(s);
	sj.tag = s->tag;
	sj.t = s->t;
	sj.migpath = job->migpath;
	sj.ms = s->ms;
	sj.timeout = s->timeout;
	sj.wfd = wfd;
	sj.log_fd = log_fd;
	r = spawner_spawn(co->cfg->spawner, &sj, &s->pid, e);
	saved = errno;
	close(wfd);
	if (r < 0) {
		close(s->fd);
		s->fd = -1;
	}
	errno = saved;
	return r;
}

/* Returns false when the slot must wait (start_later). */
static bool
start_slot(struct coordinator *co, struct slot *s)
{
	const struct coordinator_job *job = job_of(s);
	struct err e = ERR_INIT;
	int log_fd = -1, errnum;

	/* A new log replaces an old one; a retry appends to its own. */
	if (job->log_name != NULL &&
	    (log_fd = safefile_create(co->cfg->log_dir, job->log_name,
				      s->state == SLOT_WAITING
					  ? SAFEFILE_APPEND
					  : SAFEFILE_REPLACE,
				      0600, &e)) < 0) {
		errnum = errno;
		if (start_later(co, errnum))
			return false;
		start_failed(s, xasprintf("cannot create log file: %s", e.msg));
		return true;
	}
	s->timeout = job->timeout;
	slot_reset(s);
	if (launch(co, s, log_fd, &e) < 0) {
		errnum = errno;
		if (log_fd >= 0)
			close(log_fd);
		if (start_later(co, errnum))
			return false;
		start_failed(s, xasprintf("cannot start a worker: %s", e.msg));
		return true;
	}
	if (log_fd >= 0)
		close(log_fd);
	attempt_begins(s, ev_now(co->loop));
	s->out->started = true;
	s->started_at = ev_now(co->loop);
	slot_set_state(s, SLOT_RUNNING);
	co->running++;
	watch_exits(co);
	ev_io_init(&s->io, io_cb, s->fd, EV_READ);
	ev_io_start(co->loop, &s->io);
	ev_timer_init(&s->timer, timer_cb, s->timeout, 0.);
	if (s->timeout > 0)
		ev_timer_start(co->loop, &s->timer);
	progress_started(co->cfg->progress, job_index(s), s->t,
			 sched_attempts(co->sched, job_index(s)),
			 ev_now(co->loop));
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
		if (!start_slot(co, &co->slots[i]))
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
		struct slot *s = &co->slots[i];

		if (!slot_alive(s) || s->out->sent_signal == SIGKILL)
			continue;
		if (s->out->sent_signal == 0) {
			terminate(s, SIGTERM);
			more = true;
		} else {
			terminate(s, SIGKILL);
		}
	}
	ev_timer_stop(co->loop, &co->stop);
	if (more) {
		ev_timer_set(&co->stop, co->cfg->grace_kill, 0.);
		ev_timer_start(co->loop, &co->stop);
	}
}

static void
stop_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct coordinator *co = w->data;

	(void)loop;
	(void)revents;
	escalate(co);
}

/* "[prefix: ]12/60 done, 3 running, 1 failed" for the service manager. */
static void
notify_text(const struct coordinator *co, const char *prefix,
	    struct buf *out)
{
	size_t i, done = 0, failed = 0;

	for (i = 0; i < co->n; i++) {
		if (co->slots[i].state != SLOT_DONE)
			continue;
		done++;
		failed += !outcome_status_info(co->slots[i].out->status)->good;
	}
	if (prefix)
		buf_addf(out, "%s: ", prefix);
	notify_progress_text(done, co->n, co->running, failed, out);
}

/* What notify_now says with the status line: READY=1 (once, before the
 * first worker), nothing more (the timer's and the last), STOPPING=1. */
enum notify_what { NOTIFY_READY, NOTIFY_STATUS, NOTIFY_STOPPING };

static void
notify_now(const struct coordinator *co, enum notify_what what,
	   const char *prefix)
{
	struct buf text = BUF_INIT;

	if (!notify_enabled())
		return;
	notify_text(co, prefix, &text);
	if (what == NOTIFY_READY)
		notify_ready(text.ptr);
	else if (what == NOTIFY_STOPPING)
		notify_stopping(text.ptr);
	else
		notify_status(text.ptr);
	buf_release(&text);
}

static void
notify_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	notify_now(w->data, NOTIFY_STATUS, NULL);
}

static const char *
sig_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal";
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct coordinator *co = w->data;
	size_t i;

	(void)revents;
	if (co->interrupted) {
		progress_note(co->cfg->progress, ev_now(loop),
			      "%s again: stopping the running workers now",
			      sig_name(w->signum));
		escalate(co);
		return;
	}
	co->interrupted = w->signum;
	if (notify_enabled()) {
		char why[32];

		xsnprintf(why, sizeof(why), "stopping on %s",
			  sig_name(w->signum));
		notify_now(co, NOTIFY_STOPPING, why);
	}
	sched_halt(co->sched, SCHED_INTERRUPTED);
	for (i = 0; i < co->n; i++)
		if (slot_alive(&co->slots[i])) {
			co->slots[i].out->interrupted = true;
			request_stop(&co->slots[i]);
		}
	progress_note(co->cfg->progress, ev_now(loop),
		      "%s: starting no more targets; %zu running stop after "
		      "their current migration, within %gs (send it again to "
		      "stop them now)",
		      sig_name(w->signum), co->running, co->cfg->grace_term);
	on_halt(co); /* targets waiting to retry: given up */
	if (co->running > 0) {
		ev_timer_set(&co->stop, co->cfg->grace_term, 0.);
		ev_timer_start(loop, &co->stop);
	}
}

static void
deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct coordinator *co = w->data;

	(void)revents;
	/* It was unref'd and has stopped by itself: give the reference back,
	 * or the loop would end with workers still running. */
	ev_ref(loop);
	check_deadline(co);
}

static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct coordinator *co = w->data;

	(void)revents;
	progress_tick(co->cfg->progress, ev_now(loop));
}

static void
winch_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct coordinator *co = w->data;

	(void)revents;
	progress_resize(co->cfg->progress, ev_now(loop));
}

/* ---- the run ---------------------------------------------------------- */

/* Watchers that must not keep the loop alive on their own. */
static void
start_background(struct coordinator *co)
{
	ev_signal_init(&co->sigint, signal_cb, SIGINT);
	ev_signal_init(&co->sigterm, signal_cb, SIGTERM);
	co->sigint.data = co->sigterm.data = co;
	ev_signal_start(co->loop, &co->sigint);
	ev_unref(co->loop);
	ev_signal_start(co->loop, &co->sigterm);
	ev_unref(co->loop);
	ev_timer_init(&co->tick, tick_cb, PROGRESS_TICK, PROGRESS_TICK);
	co->tick.data = co;
	ev_signal_init(&co->sigwinch, winch_cb, SIGWINCH);
	co->sigwinch.data = co;
	if (co->cfg->progress->live) {
		ev_timer_start(co->loop, &co->tick);
		ev_unref(co->loop);
		ev_signal_start(co->loop, &co->sigwinch);
		ev_unref(co->loop);
	}
	ev_timer_init(&co->stop, stop_cb, 0., 0.);
	co->stop.data = co;
	ev_timer_init(&co->deadline, deadline_cb,
		      co->cfg->limits->deadline > ev_now(co->loop)
			  ? co->cfg->limits->deadline - ev_now(co->loop)
			  : 0.,
		      0.);
	co->deadline.data = co;
	if (co->cfg->limits->deadline > 0) {
		ev_timer_start(co->loop, &co->deadline);
		ev_unref(co->loop);
	}
	ev_timer_init(&co->notify, notify_cb, NOTIFY_INTERVAL, NOTIFY_INTERVAL);
	co->notify.data = co;
	if (notify_enabled()) {
		ev_timer_start(co->loop, &co->notify);
		ev_unref(co->loop);
	}
}

static void
stop_background(struct coordinator *co)
{
	ev_ref(co->loop);
	ev_signal_stop(co->loop, &co->sigint);
	ev_ref(co->loop);
	ev_signal_stop(co->loop, &co->sigterm);
	if (ev_is_active(&co->tick)) {
		ev_ref(co->loop);
		ev_timer_stop(co->loop, &co->tick);
	}
	if (ev_is_active(&co->sigwinch)) {
		ev_ref(co->loop);
		ev_signal_stop(co->loop, &co->sigwinch);
	}
	ev_timer_stop(co->loop, &co->stop);
	if (ev_is_active(&co->deadline)) {
		ev_ref(co->loop);
		ev_timer_stop(co->loop, &co->deadline);
	}
	if (ev_is_active(&co->notify)) {
		ev_ref(co->loop);
		ev_timer_stop(co->loop, &co->notify);
	}
}

/* Whatever never started was not reached: say why. */
static void
unreached(struct coordinator *co)
{
	const char *why = sched_halted(co->sched) ? sched_halt_text(co->sched)
						  : "the run ended first";
	size_t i;

	for (i = 0; i < co->n; i++)
		if (co->slots[i].state == SLOT_PENDING) {
			slot_set_state(&co->slots[i], SLOT_DONE);
			co->slots[i].out->unreached = xstrdup(why);
			outcome_classify(co->slots[i].out, co->cfg->cmd);
			progress_unreached(co->cfg->progress, co->slots[i].t,
					   co->slots[i].out);
		}
}

int
coordinator_run(const struct coordinator_config *cfg,
		const struct coordinator_job *jobs, size_t n, struct err *e)
{
	struct coordinator co;
	size_t i;

	memset(&co, 0, sizeof(co));
	if ((co.loop = ev_default_loop(0)) == NULL)
		return err_set(e, ERR_INTERNAL,
			       "cannot start the event loop (libev)");
	co.cfg = cfg;
	co.jobs = jobs;
	co.n = n;
	co.sched = cfg->sched;
	co.jitter[0] = (unsigned short)getpid();
	co.jitter[1] = (unsigned short)time(NULL);
	co.jitter[2] = (unsigned short)((unsigned long)time(NULL) >> 16);
	co.slots = xcalloc(n ? n : 1, sizeof(*co.slots));
	ev_io_init(&co.exits, exits_cb, cfg->spawner->reports, EV_READ);
	co.exits.data = &co;
	for (i = 0; i < n; i++)
		slot_init(&co.slots[i], &co, jobs[i].t, jobs[i].ms,
			  jobs[i].out);
	start_background(&co);
	notify_now(&co, NOTIFY_READY, NULL);
	start_more(&co);
	ev_run(co.loop, 0);
	stop_background(&co);
	ev_io_stop(co.loop, &co.exits);
	unreached(&co);
	notify_now(&co, NOTIFY_STATUS,
		   co.interrupted == SIGINT    ? "interrupted by SIGINT"
		   : co.interrupted == SIGTERM ? "interrupted by SIGTERM"
		   : co.interrupted            ? "interrupted"
					       : "finished");
	for (i = 0; i < n; i++)
		slot_release(&co.slots[i]);
	free(co.slots);
	ev_loop_destroy(co.loop);
	if (co.interrupted == 0)
		return 0;
	e->signal = co.interrupted;
	return e->code = ERR_INTERRUPTED;
}
