/* One worker's state machine; every transition goes through here. */
#include "config.h"

#include "orchestrator/slot.h"

#include <stdlib.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "common/banned.h"

static const char *const state_names[] = {
	[SLOT_PENDING] = "pending",
	[SLOT_RUNNING] = "running",
	[SLOT_EXITED] = "exited",
	[SLOT_CLOSED] = "closed",
	[SLOT_DONE] = "done",
	[SLOT_WAITING] = "waiting",
};

/* allowed[old] is the set of states old may move to (bit per state). */
#define BIT(st) (1u << (st))
static const unsigned allowed[] = {
	[SLOT_PENDING] = BIT(SLOT_RUNNING) | BIT(SLOT_DONE),
	[SLOT_RUNNING] = BIT(SLOT_EXITED) | BIT(SLOT_CLOSED),
	[SLOT_EXITED] = BIT(SLOT_DONE),
	[SLOT_CLOSED] = BIT(SLOT_DONE),
	[SLOT_DONE] = BIT(SLOT_WAITING),
	[SLOT_WAITING] = BIT(SLOT_RUNNING) | BIT(SLOT_DONE),
};

const char *
slot_state_name(enum slot_state st)
{
	return state_names[st];
}

void
slot_init(struct slot *s)
{
	s->run = NULL;
	s->wait = NULL;
	s->state = SLOT_PENDING;
}

void
slot_set_state(struct slot *s, enum slot_state st, const char *name)
{
	long pid = s->run != NULL ? (long)s->run->pid : -1;

	if (!(allowed[s->state] & BIT(st))) {
		/* A bug in the coordinator; keep going, loudly. */
		log_error("[%s] worker %ld: impossible state change %s -> %s",
			  name, pid, state_names[s->state], state_names[st]);
		return;
	}
	log_debug("[%s] worker %ld: %s -> %s", name, pid,
		  state_names[s->state], state_names[st]);
	s->state = st;
}

bool
slot_reaped(struct slot *s, const char *name)
{
	slot_set_state(s, s->state == SLOT_CLOSED ? SLOT_DONE : SLOT_EXITED,
		       name);
	return s->state == SLOT_DONE;
}

bool
slot_closed(struct slot *s, const char *name)
{
	slot_set_state(s, s->state == SLOT_EXITED ? SLOT_DONE : SLOT_CLOSED,
		       name);
	return s->state == SLOT_DONE;
}

void
slot_wait(struct slot *s, struct ev_loop *loop, double delay,
	  void (*cb)(struct ev_loop *, ev_timer *, int), void *owner,
	  size_t job, const char *name)
{
	slot_set_state(s, SLOT_WAITING, name);
	s->wait = xmalloc(sizeof(*s->wait));
	s->wait->owner = owner;
	s->wait->job = job;
	ev_timer_init(&s->wait->timer, cb, delay, 0.);
	ev_timer_start(loop, &s->wait->timer);
}

void
slot_wait_end(struct slot *s, struct ev_loop *loop)
{
	if (s->wait == NULL)
		return;
	ev_timer_stop(loop, &s->wait->timer);
	free(s->wait);
	s->wait = NULL;
}

bool
slot_alive(const struct slot *s)
{
	return s->state == SLOT_RUNNING || s->state == SLOT_CLOSED;
}
