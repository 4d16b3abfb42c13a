/*
 * The coordinator's record of one target's worker, and its life as an
 * explicit state machine:
 *
 *     PENDING ──fork──> RUNNING ──reaped──> EXITED ──pipe EOF──> DONE
 *        │                 └────pipe EOF──> CLOSED ──reaped────> DONE
 *        └──(not started: interrupted, setup error)────────────> DONE
 *
 *     DONE ──retry──> WAITING ──backoff over, fork──> RUNNING ...
 *                        └──(the run halted: given up)──> DONE
 *
 * A worker is done only when its process has been reaped AND its pipe has
 * reached EOF, whichever comes second: before that, frames may still be
 * in the pipe, or the process may still be running. A target that ended
 * unreachable or locked with retries left (--retries) waits in WAITING,
 * holding no place, until its backoff timer fires. Every change of state
 * goes through slot_set_state, which logs old -> new (at debug level).
 *
 * "Reaped" is the spawner's report of the worker's exit status
 * (orchestrator/spawner.h), which the coordinator reads on one pipe for
 * all its workers.
 *
 * A slot is kept for every target of the run, so it holds only the state
 * and two pointers: while a worker lives (RUNNING, EXITED, CLOSED) its
 * entry in flight (orchestrator/inflight.h: pid, pipe, watchers, input
 * buffer), taken from a pool of --jobs entries; while it waits to be
 * retried, its
 * backoff timer, the coordinator's. The target, its migrations and its
 * outcome are the coordinator's job of the same index.
 */
#ifndef MIG_SLOT_H
#define MIG_SLOT_H

#include <stdbool.h>
#include <stddef.h>

#include <ev.h>

#include "orchestrator/inflight.h"

enum slot_state {
	SLOT_PENDING,
	SLOT_RUNNING,
	SLOT_EXITED, /* reaped, pipe still open */
	SLOT_CLOSED, /* pipe at EOF, process not yet reaped */
	SLOT_DONE,
	SLOT_WAITING, /* to be retried once its backoff timer fires */
};

/* A target waiting to be retried: its timer, allocated for the wait. */
struct slot_backoff {
	ev_timer timer;
	void *owner;   /* the coordinator, for the callback */
	size_t job;    /* the target's index */
};

struct slot {
	struct inflight *run;         /* RUNNING, EXITED, CLOSED; else NULL */
	struct slot_backoff *wait;   /* WAITING; else NULL */
	enum slot_state state;
};

/* PENDING, with neither. */
void slot_init(struct slot *s);

/* name is the target's, for the debug line "[name] worker PID: a -> b". */
void slot_set_state(struct slot *s, enum slot_state st, const char *name);
const char *slot_state_name(enum slot_state st);

/*
 * The two halves of "done": each moves RUNNING to EXITED/CLOSED, or
 * EXITED/CLOSED to DONE. They return true when the slot is now DONE.
 */
bool slot_reaped(struct slot *s, const char *name);
bool slot_closed(struct slot *s, const char *name);

/* DONE -> WAITING: cb(loop, &s->wait->timer, ...) in delay seconds. */
void slot_wait(struct slot *s, struct ev_loop *loop, double delay,
	       void (*cb)(struct ev_loop *, ev_timer *, int), void *owner,
	       size_t job, const char *name);
/* The wait is over (the slot leaves WAITING): its timer stopped, freed. */
void slot_wait_end(struct slot *s, struct ev_loop *loop);

/* Still has a live process (RUNNING or CLOSED). */
bool slot_alive(const struct slot *s);

#endif
