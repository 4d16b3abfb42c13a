/* The coordinator's signals and timers that never keep its loop alive. */
#include "config.h"

#include "orchestrator/background.h"

#include <signal.h>
#include <stddef.h>

#include "orchestrator/notify.h"
#include "common/banned.h"

#define BG_OF(ptr, member)                                                     \
	((struct background *)(void *)((char *)(ptr) -                         \
				       offsetof(struct background, member)))

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct background *bg = w->data;

	(void)loop;
	(void)revents;
	bg->hooks.signal(bg->hooks.ctx, w->signum);
}

static void
grace_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct background *bg = BG_OF(w, grace);

	(void)loop;
	(void)revents;
	bg->hooks.grace_over(bg->hooks.ctx);
}

static void
deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct background *bg = BG_OF(w, deadline);

	(void)revents;
	/* It was unref'd and has stopped by itself: give the reference back,
	 * or the loop would end with workers still running. */
	ev_ref(loop);
	bg->hooks.deadline(bg->hooks.ctx);
}

static void
notify_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct background *bg = BG_OF(w, notify);

	(void)loop;
	(void)revents;
	bg->hooks.notify(bg->hooks.ctx);
}

static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct background *bg = BG_OF(w, tick);

	(void)revents;
	progress_tick(bg->progress, ev_now(loop));
}

static void
winch_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct background *bg = BG_OF(w, sigwinch);

	(void)revents;
	progress_resize(bg->progress, ev_now(loop));
}

/* Started, and not counted among what keeps the loop running. */
static void
start_timer_unref(struct background *bg, ev_timer *w)
{
	ev_timer_start(bg->loop, w);
	ev_unref(bg->loop);
}

static void
start_signal_unref(struct background *bg, ev_signal *w)
{
	ev_signal_start(bg->loop, w);
	ev_unref(bg->loop);
}

void
background_start(struct background *bg, struct ev_loop *loop,
		 struct progress *progress, double deadline,
		 const struct background_hooks *hooks)
{
	double now = ev_now(loop);

	bg->loop = loop;
	bg->progress = progress;
	bg->hooks = *hooks;
	ev_signal_init(&bg->sigint, signal_cb, SIGINT);
	ev_signal_init(&bg->sigterm, signal_cb, SIGTERM);
	bg->sigint.data = bg->sigterm.data = bg;
	start_signal_unref(bg, &bg->sigint);
	start_signal_unref(bg, &bg->sigterm);
	ev_timer_init(&bg->tick, tick_cb, PROGRESS_TICK, PROGRESS_TICK);
	ev_signal_init(&bg->sigwinch, winch_cb, SIGWINCH);
	if (progress->live) {
		start_timer_unref(bg, &bg->tick);
		start_signal_unref(bg, &bg->sigwinch);
	}
	ev_timer_init(&bg->grace, grace_cb, 0., 0.);
	ev_timer_init(&bg->deadline, deadline_cb,
		      deadline > now ? deadline - now : 0., 0.);
	if (deadline > 0)
		start_timer_unref(bg, &bg->deadline);
	ev_timer_init(&bg->notify, notify_cb, NOTIFY_INTERVAL,
		      NOTIFY_INTERVAL);
	if (notify_enabled())
		start_timer_unref(bg, &bg->notify);
}

static void
stop_timer_ref(struct background *bg, ev_timer *w)
{
	if (!ev_is_active(w))
		return;
	ev_ref(bg->loop);
	ev_timer_stop(bg->loop, w);
}

static void
stop_signal_ref(struct background *bg, ev_signal *w)
{
	if (!ev_is_active(w))
		return;
	ev_ref(bg->loop);
	ev_signal_stop(bg->loop, w);
}

void
background_stop(struct background *bg)
{
	stop_signal_ref(bg, &bg->sigint);
	stop_signal_ref(bg, &bg->sigterm);
	stop_timer_ref(bg, &bg->tick);
	stop_signal_ref(bg, &bg->sigwinch);
	ev_timer_stop(bg->loop, &bg->grace);
	stop_timer_ref(bg, &bg->deadline);
	stop_timer_ref(bg, &bg->notify);
}

void
background_grace(struct background *bg, double seconds)
{
	ev_timer_stop(bg->loop, &bg->grace);
	ev_timer_set(&bg->grace, seconds, 0.);
	ev_timer_start(bg->loop, &bg->grace);
}

void
background_grace_cancel(struct background *bg)
{
	ev_timer_stop(bg->loop, &bg->grace);
}
