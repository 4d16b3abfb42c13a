/* The fleet worker's sink: command events as protocol frames on a pipe. */
#include "config.h"

#include "worker/framesink.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "common/proto.h"
#include "worker/status.h"
#include "common/banned.h"

static void
fs_write(struct framesink *fs, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0 && fs->write_errno == 0) {
		w = write(fs->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			fs->write_errno = errno;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void
fs_send(struct framesink *fs, const struct proto_msg *m)
{
	if (fs->write_errno != 0)
		return;
	buf_reset(&fs->frame);
	proto_encode(&fs->frame, m);
	fs_write(fs, fs->frame.ptr, fs->frame.len);
}

/* One text frame of type holding text[0..len), which has no NUL. */
static void
fs_send_text(struct framesink *fs, enum proto_type type, const char *text,
	     size_t len)
{
	struct proto_msg m;
	struct buf b = BUF_INIT;

	buf_add(&b, text, len);
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.u.text.text = b.ptr;
	fs_send(fs, &m);
	buf_release(&b);
}

void
framesink_started(struct framesink *fs, const char *banner)
{
	struct proto_msg m;

	memset(&m, 0, sizeof(m));
	m.type = PROTO_STARTED;
	m.u.started.pid = (int64_t)getpid();
	m.u.started.banner = (char *)banner;
	fs_send(fs, &m);
}

static void
fs_step_begin(void *ctx, const struct migration *mg, const char *operation,
	      bool recovery)
{
	struct proto_msg m;

	memset(&m, 0, sizeof(m));
	m.type = PROTO_STEP_BEGIN;
	m.u.step.operation = (char *)operation;
	m.u.step.uuid = mg->uuid;
	m.u.step.file = mg->filename;
	m.u.step.description = mg->description;
	m.u.step.recovery = recovery;
	fs_send(ctx, &m);
}

/* Text cut into frames of at most the cap, which the coordinator puts
 * back together: nothing is truncated. */
static void
fs_send_chunks(struct framesink *fs, enum proto_type type, const char *text,
	       size_t len)
{
	size_t n;

	while (len > 0) {
		n = len < PROTO_CAP_TEXT ? len : PROTO_CAP_TEXT;
		fs_send_text(fs, type, text, n);
		text += n;
		len -= n;
	}
}

static void
fs_output(void *ctx, const char *text, size_t len)
{
	fs_send_chunks(ctx, PROTO_OUTPUT, text, len);
}

static void
fs_step_end(void *ctx, const struct step_result *r)
{
	struct proto_msg m;

	memset(&m, 0, sizeof(m));
	m.type = PROTO_STEP_END;
	sink_step_proto(r, &m.u.step);
	fs_send(ctx, &m);
}

/*
 * Result text (a listing may be long) is split at line ends, the newline
 * between two frames being implied, so the coordinator joins the frames
 * with newlines and gets the text back unchanged. (A single line longer
 * than a frame is cut where it must be.)
 */
static void
fs_result(void *ctx, const char *line)
{
	size_t len = strlen(line), n;
	const char *nl;

	while (len > PROTO_CAP_TEXT) {
		n = PROTO_CAP_TEXT;
		nl = memrchr(line, '\n', n);
		if (nl != NULL && nl > line)
			n = (size_t)(nl - line);
		fs_send_text(ctx, PROTO_RESULT, line, n);
		if (nl != NULL && nl > line)
			n++; /* the newline itself */
		line += n;
		len -= n;
	}
	fs_send_text(ctx, PROTO_RESULT, line, len);
}

static void
fs_sql(void *ctx, const char *text)
{
	fs_send_chunks(ctx, PROTO_SQL, text, strlen(text));
}

static void
fs_warning(void *ctx, const char *msg)
{
	fs_send_text(ctx, PROTO_WARNING, msg, strlen(msg));
}

/* The coordinator's overview (orchestrator/fleetstatus.h) reads the
 * status as a RESULT: the brief JSON object, on one line. */
static void
fs_status(void *ctx, const struct status *st)
{
	struct buf b = BUF_INIT;
	struct json j;

	json_init(&j, &b, false);
	status_json(st, true, NULL, &j);
	fs_result(ctx, b.ptr);
	buf_release(&b);
}

void
framesink_finished(struct framesink *fs, const struct run_summary *s,
		   bool stopped)
{
	struct proto_msg m;

	memset(&m, 0, sizeof(m));
	m.type = PROTO_FINISHED;
	m.u.finished.applied = s->applied;
	m.u.finished.failed = s->failed;
	m.u.finished.rollbacks = s->rollbacks;
	m.u.finished.pending = s->pending;
	m.u.finished.exit_code = s->exit_code;
	m.u.finished.err_code = s->err_code;
	m.u.finished.error = (char *)s->error;
	m.u.finished.stopped = stopped;
	fs_send(fs, &m);
}

static void
fs_finished(void *ctx, const struct run_summary *s)
{
	framesink_finished(ctx, s, s->stopped);
}

static const struct sink_ops framesink_ops = {
	.banner = NULL, /* the STARTED frame carries it */
	.step_begin = fs_step_begin,
	.output = fs_output,
	.step_end = fs_step_end,
	.result = fs_result,
	.sql = fs_sql,
	.warning = fs_warning,
	.status = fs_status,
	.finished = fs_finished,
};

void
framesink_init(struct sink *sink, struct framesink *fs, int fd)
{
	fs->fd = fd;
	fs->write_errno = 0;
	buf_init(&fs->frame);
	sink->ops = &framesink_ops;
	sink->ctx = fs;
}

void
framesink_release(struct framesink *fs)
{
	buf_release(&fs->frame);
}
