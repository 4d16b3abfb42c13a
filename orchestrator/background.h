/*
 * The fleet run's background watchers, on the coordinator's libev loop:
 * the ones that must not keep the loop alive on their own, and the
 * interruption's grace timer.
 *
 *   SIGINT, SIGTERM   hooks.signal(ctx, signum)
 *   SIGWINCH          the progress display redraws (live display only)
 *   every PROGRESS_TICK seconds   the progress display ticks (live only)
 *   the deadline      hooks.deadline(ctx), once; an absolute ev_now time,
 *                     0 = none
 *   every NOTIFY_INTERVAL seconds, under a service manager (notify.h)
 *                     hooks.notify(ctx)
 *   the grace timer   hooks.grace_over(ctx), when background_grace armed
 *                     it: the time given to running workers to stop
 *
 * The loop ends when the workers are done, whatever these watchers still
 * wait for; the grace timer is the exception, and is meant to be armed
 * only while workers run. background_stop stops them all (the loop may
 * be destroyed after it).
 */
#ifndef MIG_BACKGROUND_H
#define MIG_BACKGROUND_H

#include <ev.h>

#include "orchestrator/progress.h"

struct background_hooks {
	void (*signal)(void *ctx, int signum);
	void (*grace_over)(void *ctx);
	void (*deadline)(void *ctx);
	void (*notify)(void *ctx);
	void *ctx;
};

struct background {
	struct ev_loop *loop;
	struct progress *progress;
	struct background_hooks hooks;
	ev_signal sigint;
	ev_signal sigterm;
	ev_signal sigwinch;
	ev_timer tick;
	ev_timer deadline;
	ev_timer notify;
	ev_timer grace;
};

void background_start(struct background *bg, struct ev_loop *loop,
		      struct progress *progress, double deadline,
		      const struct background_hooks *hooks);
void background_stop(struct background *bg);

/* (Re)arm the grace timer to fire in seconds; background_grace_cancel
 * stops it. */
void background_grace(struct background *bg, double seconds);
void background_grace_cancel(struct background *bg);

#endif
