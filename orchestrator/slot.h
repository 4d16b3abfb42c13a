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
 * The libev watchers live inside the slot; callbacks get the slot back
 * with container_of (SLOT_OF).
 */
#ifndef MIG_SLOT_H
#define MIG_SLOT_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "common/buf.h"
#include "config/target.h"
#include "orchestrator/outcome.h"
#include "worker/migset.h"

enum slot_state {
	SLOT_PENDING,
	SLOT_RUNNING,
	SLOT_EXITED, /* reaped, pipe still open */
	SLOT_CLOSED, /* pipe at EOF, process not yet reaped */
	SLOT_DONE,
	SLOT_WAITING, /* to be retried once its backoff timer fires */
};

struct coordinator;

struct slot {
	struct coordinator *co;
	const struct target *t;
	const struct migset *ms; /* NULL for commands without migrations */
	struct outcome *out;     /* the target's entry in the report */
	enum slot_state state;
	pid_t pid;
	uint64_t tag;            /* the attempt, as the spawner knows it */
	int fd;                  /* read end of the frame pipe; -1 closed */
	int log_fd;              /* held only between open and fork */
	double timeout;          /* seconds; 0 = none */
	bool stop_sent;          /* asked to stop between migrations */
	ev_tstamp started_at;
	struct buf in;           /* bytes read, not yet a whole frame */
	ev_io io;
	ev_timer timer;          /* timeout, then the SIGKILL grace */
	ev_timer backoff;        /* WAITING: until the next attempt */
};

#define SLOT_OF(ptr, member)                                                   \
	((struct slot *)(void *)((char *)(ptr) - offsetof(struct slot, member)))

void slot_init(struct slot *s, struct coordinator *co, const struct target *t,
	       const struct migset *ms, struct outcome *out);
/* Frees the input buffer; the slot must be PENDING or DONE. slot_reset
 * empties it for another attempt. */
void slot_release(struct slot *s);
void slot_reset(struct slot *s);

void slot_set_state(struct slot *s, enum slot_state st);
const char *slot_state_name(enum slot_state st);

/*
 * The two halves of "done": each moves RUNNING to EXITED/CLOSED, or
 * EXITED/CLOSED to DONE. They return true when the slot is now DONE.
 */
bool slot_reaped(struct slot *s);
bool slot_closed(struct slot *s);

/* Still has a live process (RUNNING or CLOSED). */
bool slot_alive(const struct slot *s);

#endif
