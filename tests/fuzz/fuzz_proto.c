// SOURCES: common/proto.c common/buf.c common/err.c common/intern.c common/strv.c common/xmalloc.c orchestrator/outcome.c
/*
 * libFuzzer harness for the frame protocol as the coordinator reads it
 * from a worker (orchestrator/coordinator.c, dispatch and pipe_eof): a byte
 * stream arrives in reads of any size, proto_next takes whole frames off
 * it, outcome_apply records each, a bad frame stops the reading, the
 * worker ends (exit status or signal) and outcome_classify says what
 * happened. Whatever the bytes: no crash, no leak, the reader never moves
 * past what it was given, a decoded message encodes to a frame that
 * decodes and encodes to the same bytes, and the outcome gets a status
 * with a reason for every status but ok and nothing-to-do.
 *
 * Input: byte 0 seeds the sizes of the reads; byte 1 how the worker ended
 * (bit 7: killed, else exited; the rest the signal or exit status); byte 2
 * the command; byte 3 bit 0: the rest is a raw stream, or (bit 0 set) a
 * list of messages to encode first, so that the fuzzer reaches the outcome
 * logic behind valid frames: each a type byte then its fields from the
 * input (integers 8 bytes, booleans 1, strings a length byte then bytes),
 * with a last byte flipped at a chosen place when byte 3 bit 1 is set.
 */
#include "config.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/proto.h"
#include "orchestrator/outcome.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct src {
	const uint8_t *p;
	size_t n;
};

static uint8_t
take8(struct src *s)
{
	uint8_t v = s->n ? *s->p : 0;

	if (s->n) {
		s->p++;
		s->n--;
	}
	return v;
}

static int64_t
take64(struct src *s)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | take8(s);
	return (int64_t)v;
}

/* A string of the input, or NULL (length 255); freed by the caller. */
static char *
take_str(struct src *s)
{
	size_t n = take8(s), i;
	char *str;

	if (n == 255)
		return NULL;
	str = malloc(n + 1);
	for (i = 0; i < n; i++)
		str[i] = (char)take8(s);
	str[n] = '\0';
	return str;
}

static void
build_one(struct src *s, struct buf *out)
{
	static const enum proto_type types[] = {
		PROTO_STARTED, PROTO_FINISHED, PROTO_STEP_BEGIN, PROTO_STEP_END,
		PROTO_OUTPUT,  PROTO_RESULT,   PROTO_WARNING,  PROTO_SQL,
	};
	struct proto_msg m;

	memset(&m, 0, sizeof(m));
	m.type = types[take8(s) % (sizeof(types) / sizeof(types[0]))];
	switch (m.type) {
	case PROTO_STARTED:
		m.u.started.pid = take64(s);
		m.u.started.banner = take_str(s);
		break;
	case PROTO_FINISHED:
		m.u.finished.applied = take64(s);
		m.u.finished.failed = take64(s);
		m.u.finished.rollbacks = take64(s);
		m.u.finished.pending = take64(s);
		m.u.finished.exit_code = take64(s);
		m.u.finished.err_code = take64(s);
		m.u.finished.error = take_str(s);
		m.u.finished.stopped = take8(s) & 1;
		break;
	case PROTO_STEP_BEGIN:
	case PROTO_STEP_END:
		m.u.step.operation = take_str(s);
		m.u.step.uuid = take_str(s);
		m.u.step.file = take_str(s);
		m.u.step.description = take_str(s);
		m.u.step.recovery = take8(s) & 1;
		if (m.type == PROTO_STEP_BEGIN)
			break; /* the rest is STEP_END's */
		m.u.step.ok = take8(s) & 1;
		m.u.step.object_id = take64(s);
		m.u.step.start = take64(s);
		m.u.step.seconds = (double)take64(s) / 1e6;
		m.u.step.error = take_str(s);
		m.u.step.statement = take_str(s);
		m.u.step.statement_no = take64(s);
		m.u.step.committed = take64(s);
		m.u.step.total = take64(s);
		m.u.step.traceback = take_str(s);
		break;
	default:
		m.u.text.text = take_str(s);
		break;
	}
	proto_encode(out, &m);
	proto_msg_release(&m);
}

/* An encoded, decoded message encodes to what decodes the same again. */
static void
check_round_trip(const struct proto_msg *m)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct err e = ERR_INIT;
	struct proto_msg back;
	size_t off = 0;

	proto_encode(&a, m);
	if (proto_next(a.ptr, a.len, &off, &back, &e) != 1 || off != a.len)
		abort();
	proto_encode(&b, &back);
	/* seconds travel as microseconds through a double: exact up to
	 * 2^53 us (285 years), not beyond */
	if ((m->type != PROTO_STEP_END ||
	     (m->u.step.seconds < 1e9 && m->u.step.seconds > -1e9)) &&
	    (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0))
		abort();
	proto_msg_release(&back);
	buf_release(&a);
	buf_release(&b);
}

/* The coordinator's dispatch: whole frames off the front of in. */
static bool
dispatch(struct outcome *o, struct buf *in)
{
	struct err e = ERR_INIT;
	struct proto_msg m;
	size_t off = 0;
	int r;

	while ((r = proto_next(in->ptr, in->len, &off, &m, &e)) > 0) {
		if (off > in->len)
			abort();
		check_round_trip(&m);
		outcome_apply(o, &m);
		proto_msg_release(&m);
	}
	if (r < 0 && (e.msg[0] == '\0' || o->protocol_error != NULL))
		abort();
	if (r < 0)
		o->protocol_error = strdup(e.msg);
	memmove(in->ptr, in->ptr + off, in->len - off);
	buf_truncate(in, in->len - off);
	return r == 0;
}

static void
feed(struct outcome *o, const uint8_t *p, size_t n, unsigned seed)
{
	struct buf in = BUF_INIT;
	size_t chunk;

	while (n > 0) {
		seed = seed * 1103515245u + 12345u;
		chunk = 1 + (seed >> 16) % (seed & 8 ? 4096 : 16);
		if (chunk > n)
			chunk = n;
		buf_add(&in, p, chunk);
		p += chunk;
		n -= chunk;
		if (!dispatch(o, &in))
			break;
	}
	/* pipe_eof: the rest of a frame that never came whole */
	if (in.len > 0 && o->protocol_error == NULL)
		o->protocol_error = strdup("pipe closed in the middle of a frame");
	buf_release(&in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome o;
	struct buf built = BUF_INIT;
	struct src s;
	unsigned end, flip;

	if (size < 4)
		return 0;
	outcome_init(&o);
	o.started = true;
	s.p = data + 4;
	s.n = size - 4;
	if (data[3] & 1) {
		while (s.n > 0)
			build_one(&s, &built);
		if ((data[3] & 2) && built.len > 0) {
			flip = (unsigned)data[0] * 257u % (unsigned)built.len;
			built.ptr[flip] ^= (char)(data[3] | 1);
		}
		feed(&o, (const uint8_t *)built.ptr, built.len, data[0]);
	} else {
		feed(&o, data + 4, size - 4, data[0]);
	}
	end = data[1];
	o.reaped = true;
	o.wait_status = end & 0x80 ? (int)(end & 0x1f) : (int)((end & 0x7f) << 8);
	if ((end & 0x80) && (end & 0x1f) == 0)
		o.wait_status = SIGKILL;
	o.timed_out = (end & 0x60) == 0x60;
	o.timeout = 1.5;
	o.sent_signal = end & 0x20 ? SIGTERM : 0;
	outcome_classify(&o, (enum command_id)(data[2] % (CMD_TRACE + 1)));
	if (outcome_status_name(o.status) == NULL)
		abort();
	if (o.status != OUT_OK && o.status != OUT_NOTHING_TO_DO &&
	    (o.reason == NULL || o.reason[0] == '\0'))
		abort();
	buf_release(&built);
	outcome_release(&o);
	return 0;
}
