/* The pool of workers in flight: at most --jobs entries, reused. */
#include "config.h"

#include "orchestrator/inflight.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "common/banned.h"

/* Reads per call, and their size. */
#define READS_PER_CALL 16
#define READ_CHUNK 65536

/* An input buffer kept for the next worker: what one read needs (the
 * coordinator reads 64 KiB at a time) with room for a partial frame. */
#define KEEP_INPUT (256u * 1024u)

struct inflight *
inflight_take(struct inflight_pool *p, void *owner, size_t job)
{
	struct inflight *a = p->free;

	if (a != NULL) {
		p->free = a->next;
	} else {
		a = xcalloc(1, sizeof(*a));
		buf_init(&a->in);
		a->made = p->made;
		p->made = a;
		p->size++;
	}
	a->next = NULL;
	a->owner = owner;
	a->job = job;
	a->tag = 0;
	a->pid = -1;
	a->fd = -1;
	a->timeout = 0;
	a->stop_sent = false;
	a->started_at = 0;
	buf_reset(&a->in);
	p->in_use++;
	return a;
}

void
inflight_give(struct inflight_pool *p, struct inflight *a)
{
	if (a->in.cap > KEEP_INPUT)
		buf_release(&a->in);
	a->next = p->free;
	p->free = a;
	p->in_use--;
}

void
inflight_pool_release(struct inflight_pool *p)
{
	struct inflight *a, *next;

	for (a = p->made; a != NULL; a = next) {
		next = a->made;
		buf_release(&a->in);
		free(a);
	}
	memset(p, 0, sizeof(*p));
}

/* Every whole frame in a->in, to frame(); ERR_IO on a bad frame. */
static int
dispatch(struct inflight *a, inflight_frame_fn *frame, void *ctx,
	 struct err *e)
{
	struct proto_msg m;
	size_t off = 0;
	int r;

	while ((r = proto_next(a->in.ptr, a->in.len, &off, &m, e)) > 0) {
		frame(ctx, a, &m);
		proto_msg_release(&m);
	}
	if (r < 0) {
		buf_reset(&a->in);
		return ERR_IO;
	}
	if (off > 0) {
		memmove(a->in.ptr, a->in.ptr + off, a->in.len - off);
		buf_truncate(&a->in, a->in.len - off);
	}
	return 0;
}

int
inflight_read(struct inflight *a, inflight_frame_fn *frame, void *ctx,
	     struct err *e)
{
	ssize_t n;
	int i;

	for (i = 0; i < READS_PER_CALL; i++) {
		buf_grow(&a->in, READ_CHUNK);
		n = read(a->fd, a->in.ptr + a->in.len, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return err_set(e, ERR_IO, "reading its pipe: %s",
				       strerror(errno));
		if (n == 0)
			return INFLIGHT_EOF;
		a->in.len += (size_t)n;
		a->in.ptr[a->in.len] = '\0';
		if (dispatch(a, frame, ctx, e) < 0)
			return ERR_IO;
	}
	return 0;
}
