/* One worker's state machine; every transition goes through here. */
#include "config.h"

#include "orchestrator/slot.h"

#include <string.h>

#include "common/log.h"
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
slot_init(struct slot *s, struct coordinator *co, const struct target *t,
	  const struct migset *ms, struct outcome *out)
{
	memset(s, 0, sizeof(*s));
	s->co = co;
	s->t = t;
	s->ms = ms;
	s->out = out;
	s->state = SLOT_PENDING;
	s->pid = -1;
	s->fd = -1;
	s->log_fd = -1;
	buf_init(&s->in);
}

void
slot_release(struct slot *s)
{
	buf_release(&s->in);
}

void
slot_reset(struct slot *s)
{
	buf_reset(&s->in);
	s->pid = -1;
	s->fd = -1;
	s->stop_sent = false;
}

void
slot_set_state(struct slot *s, enum slot_state st)
{
	if (!(allowed[s->state] & BIT(st))) {
		/* A bug in the coordinator; keep going, loudly. */
		log_error("[%s] worker %ld: impossible state change %s -> %s",
			  s->t->name, (long)s->pid, state_names[s->state],
			  state_names[st]);
		return;
	}
	log_debug("[%s] worker %ld: %s -> %s", s->t->name, (long)s->pid,
		  state_names[s->state], state_names[st]);
	s->state = st;
}

bool
slot_reaped(struct slot *s)
{
	slot_set_state(s, s->state == SLOT_CLOSED ? SLOT_DONE : SLOT_EXITED);
	return s->state == SLOT_DONE;
}

bool
slot_closed(struct slot *s)
{
	slot_set_state(s, s->state == SLOT_EXITED ? SLOT_DONE : SLOT_CLOSED);
	return s->state == SLOT_DONE;
}

bool
slot_alive(const struct slot *s)
{
	return s->state == SLOT_RUNNING || s->state == SLOT_CLOSED;
}
