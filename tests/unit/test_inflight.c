/* The pool of workers in flight and their frame reader (inflight.h). */
#include "config.h"

#include <criterion/criterion.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/proto.h"
#include "orchestrator/inflight.h"

Test(inflight, the_pool_reuses_its_entries_and_grows_only_to_the_peak)
{
	struct inflight_pool p = INFLIGHT_POOL_INIT;
	struct inflight *a = inflight_take(&p, &p, 0);
	struct inflight *b = inflight_take(&p, &p, 1);
	struct inflight *c;
	int i;

	cr_assert_neq(a, b);
	cr_assert_eq(b->job, 1);
	cr_assert_eq(b->owner, &p);
	a->pid = 42;
	a->fd = 7;
	a->stop_sent = true;
	buf_adds(&a->in, "half a frame");
	inflight_give(&p, a);
	/* a thousand targets, two at a time: still two entries */
	for (i = 2; i < 1000; i++) {
		c = inflight_take(&p, &p, (size_t)i);
		cr_assert_eq(c, a, "the free entry is reused");
		cr_assert(c->pid == -1 && c->fd == -1 && !c->stop_sent &&
				  c->in.len == 0 && c->job == (size_t)i,
			  "and comes back reset");
		a = c;
		inflight_give(&p, c);
	}
	cr_assert_eq(p.size, 2);
	cr_assert_eq(p.in_use, 1);
	inflight_give(&p, b);
	cr_assert_eq(p.in_use, 0);
	inflight_pool_release(&p);
	cr_assert_eq(p.size, 0);
}

static size_t nframes;
static char seen[256];

static void
frame(void *ctx, struct inflight *a, const struct proto_msg *m)
{
	(void)a;
	cr_assert_eq(ctx, &nframes);
	nframes++;
	if (m->type == PROTO_STARTED)
		strcat(seen, m->u.started.banner);
	else if (m->type == PROTO_WARNING)
		strcat(seen, m->u.text.text);
}

static void
encode(struct buf *out, int type, const char *text)
{
	struct proto_msg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	if (type == PROTO_STARTED)
		m.u.started.banner = (char *)text;
	else
		m.u.text.text = (char *)text;
	proto_encode(out, &m);
}

static struct inflight *
piped(struct inflight_pool *p, int *wfd)
{
	struct inflight *a = inflight_take(p, &nframes, 0);
	int fds[2];

	cr_assert_eq(pipe2(fds, O_NONBLOCK), 0);
	a->fd = fds[0];
	*wfd = fds[1];
	nframes = 0;
	seen[0] = '\0';
	return a;
}

Test(inflight, whole_frames_are_handed_over_a_partial_one_waits)
{
	struct inflight_pool p = INFLIGHT_POOL_INIT;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	struct inflight *a;
	int wfd;

	a = piped(&p, &wfd);
	encode(&b, PROTO_STARTED, "sqlite a.db");
	encode(&b, PROTO_WARNING, "+w1");
	encode(&b, PROTO_WARNING, "+w2");
	/* all but the last 5 bytes of the third frame */
	cr_assert_eq(write(wfd, b.ptr, b.len - 5), (ssize_t)(b.len - 5));
	cr_assert_eq(inflight_read(a, frame, &nframes, &e), 0);
	cr_assert_eq(nframes, 2);
	cr_assert_str_eq(seen, "sqlite a.db+w1");
	cr_assert_gt(a->in.len, 0, "the partial frame is kept");
	cr_assert_eq(write(wfd, b.ptr + b.len - 5, 5), 5);
	cr_assert_eq(inflight_read(a, frame, &nframes, &e), 0);
	cr_assert_eq(nframes, 3);
	cr_assert_str_eq(seen, "sqlite a.db+w1+w2");
	cr_assert_eq(a->in.len, 0);
	close(wfd);
	cr_assert_eq(inflight_read(a, frame, &nframes, &e), INFLIGHT_EOF);
	close(a->fd);
	buf_release(&b);
	inflight_pool_release(&p);
}

Test(inflight, a_bad_frame_ends_the_pipe_and_drops_what_follows)
{
	struct inflight_pool p = INFLIGHT_POOL_INIT;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	struct inflight *a;
	int wfd;

	a = piped(&p, &wfd);
	encode(&b, PROTO_WARNING, "+ok");
	buf_adds(&b, "not a frame at all, but long enough");
	encode(&b, PROTO_WARNING, "+never");
	cr_assert_eq(write(wfd, b.ptr, b.len), (ssize_t)b.len);
	cr_assert_eq(inflight_read(a, frame, &nframes, &e), ERR_IO);
	cr_assert_str_eq(seen, "+ok", "the frame before it was handed over");
	cr_assert_neq(e.msg[0], '\0', "the error is said");
	cr_assert_eq(a->in.len, 0);
	close(wfd);
	close(a->fd);
	buf_release(&b);
	inflight_pool_release(&p);
}
