/*
 * A worker in flight: what the coordinator holds for one worker while it
 * lives, and a pool of them. A fleet of 100,000 targets runs at most
 * --jobs workers at once, so the per-worker state (the spawner's tag, the
 * frame pipe and its libev watcher, the timeout timer, the bytes read
 * that are not yet a whole frame) lives here, taken from the pool when a
 * worker starts and given back when its end has been processed, and not
 * in the target's slot (orchestrator/slot.h), which stays a few bytes.
 *
 * The pool grows to the largest number of workers alive at once (the
 * schedule's jobs) and keeps its entries, and their input buffers, for
 * the next workers; inflight_pool_release frees them all. An entry comes
 * out of inflight_take reset: no pid, no pipe, no stop request, an empty
 * buffer, its watchers inactive.
 *
 * The watchers live inside the entry; callbacks get it back with
 * container_of (INFLIGHT_OF), and the target from its job index.
 */
#ifndef MIG_INFLIGHT_H
#define MIG_INFLIGHT_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/proto.h"

struct inflight {
	void *owner;             /* the coordinator, for the callbacks */
	size_t job;              /* the target's index in the run */
	uint64_t tag;            /* the attempt, as the spawner knows it */
	pid_t pid;               /* -1 until the spawner answers */
	int fd;                  /* read end of the frame pipe; -1 closed */
	double timeout;          /* seconds; 0 = none */
	bool stop_sent;          /* asked to stop between migrations */
	ev_tstamp started_at;
	struct buf in;           /* bytes read, not yet a whole frame */
	ev_io io;
	ev_timer timer;          /* timeout, then the SIGKILL grace */
	struct inflight *next;    /* the pool's free list */
	struct inflight *made;    /* every entry the pool made */
};

#define INFLIGHT_OF(ptr, member)                                                \
	((struct inflight *)(void *)((char *)(ptr) -                            \
				    offsetof(struct inflight, member)))

struct inflight_pool {
	struct inflight *free;    /* entries not in use */
	struct inflight *made;    /* all of them, for the release */
	size_t size;             /* entries made */
	size_t in_use;
};

#define INFLIGHT_POOL_INIT {NULL, NULL, 0, 0}

/* An entry for the job's next worker, reset; the pool grows if none is
 * free. Never NULL. */
struct inflight *inflight_take(struct inflight_pool *p, void *owner,
			     size_t job);

/* Back to the pool once the worker's end is processed: its pipe closed and its
 * watchers stopped by the caller. A buffer grown by a large frame is
 * freed rather than kept. */
void inflight_give(struct inflight_pool *p, struct inflight *a);

/*
 * Read the worker's pipe (non-blocking) and hand each whole frame to
 * frame(ctx, a, m), in order; bytes of a partial frame stay in a->in for
 * the next call. At most a few chunks per call, so that one chatty worker
 * cannot starve the others (the watcher is level-triggered: the rest is
 * read next time). Returns 0 when the pipe has nothing more for now,
 * INFLIGHT_EOF at its end, or ERR_IO with e filled when it cannot be
 * trusted any more: a read error, or a bad frame (then nothing after it
 * is kept either). The caller closes the pipe after the last two.
 */
#define INFLIGHT_EOF 1
typedef void inflight_frame_fn(void *ctx, struct inflight *a,
			      const struct proto_msg *m);
int inflight_read(struct inflight *a, inflight_frame_fn *frame, void *ctx,
		 struct err *e);

/* Frees every entry, in use or not. */
void inflight_pool_release(struct inflight_pool *p);

#endif
