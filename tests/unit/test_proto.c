/*
 * Unit tests for common/proto (the fleet frames) and worker/framesink (the
 * worker's writer): every type survives a round trip, long text is
 * truncated or split as documented, and every malformed frame is refused.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/proto.h"
#include "worker/framesink.h"

static char uuid[] = "3f6c1a9e-5d0b-4c1e-9a57-2d8e4b7f0c11";
static char file[] = "1795770571_users.sql";
static char op[] = "Run";
static char desc[] = "create the users table";
static char errline[] = "statement 2 of 3 (1795770571_users.sql:7) failed: "
			"no such table: \"x\"\\n";
static char stmt[] = "INSERT INTO x VALUES ('a;b', 'c\nd')";
static char tb[] = "migration: 1795770571_users.sql\nerror: no such table";
static char text[] = "ID          : 1\nUUID        : x\n\xc3\xa9t\xc3\xa9";

/* Encode m, check the frame's size, decode it back. */
static void
round_trip(const struct proto_msg *m, struct proto_msg *back)
{
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	size_t size;

	proto_encode(&b, m);
	cr_assert_geq(b.len, PROTO_HEADER_SIZE);
	cr_assert_eq(proto_frame_check(b.ptr, b.len, &size, &e), 0, "%s",
		     e.msg);
	cr_assert_eq(size, b.len, "the header's length covers the payload");
	cr_assert_eq(proto_decode(b.ptr, b.len, back, &e), 0, "%s", e.msg);
	cr_assert_eq(back->type, m->type);
	buf_release(&b);
}

static void
assert_str(const char *got, const char *want)
{
	if (want == NULL)
		cr_assert_null(got);
	else
		cr_assert_str_eq(got, want);
}

Test(proto, started_round_trip)
{
	struct proto_msg m = { .type = PROTO_STARTED }, back;

	m.u.started.pid = 4242;
	m.u.started.banner = (char *)"sqlite /tmp/x.db";
	round_trip(&m, &back);
	cr_assert_eq(back.u.started.pid, 4242);
	cr_assert_str_eq(back.u.started.banner, "sqlite /tmp/x.db");
	proto_msg_release(&back);
}

Test(proto, step_begin_round_trip)
{
	struct proto_msg m = { .type = PROTO_STEP_BEGIN }, back;

	m.u.step.operation = op;
	m.u.step.uuid = uuid;
	m.u.step.file = file;
	m.u.step.description = desc;
	m.u.step.recovery = true;
	m.u.step.ok = true;      /* not part of STEP_BEGIN: not carried */
	m.u.step.object_id = 99; /* idem */
	round_trip(&m, &back);
	cr_assert_str_eq(back.u.step.operation, "Run");
	cr_assert_str_eq(back.u.step.uuid, uuid);
	cr_assert_str_eq(back.u.step.file, file);
	cr_assert_str_eq(back.u.step.description, desc);
	cr_assert(back.u.step.recovery);
	cr_assert_not(back.u.step.ok);
	cr_assert_eq(back.u.step.object_id, 0);
	proto_msg_release(&back);
}

Test(proto, step_end_round_trip_keeps_every_field)
{
	struct proto_msg m = { .type = PROTO_STEP_END }, back;

	m.u.step.operation = op;
	m.u.step.uuid = uuid;
	m.u.step.file = file;
	m.u.step.description = NULL;
	m.u.step.recovery = false;
	m.u.step.ok = false;
	m.u.step.object_id = 7;
	m.u.step.start = 1795770571;
	m.u.step.seconds = 1.25;
	m.u.step.error = errline;
	m.u.step.statement = stmt;
	m.u.step.statement_no = 2;
	m.u.step.committed = -1;
	m.u.step.total = 3;
	m.u.step.traceback = tb;
	round_trip(&m, &back);
	assert_str(back.u.step.description, NULL);
	cr_assert_not(back.u.step.ok);
	cr_assert_eq(back.u.step.object_id, 7);
	cr_assert_eq(back.u.step.start, 1795770571);
	cr_assert_float_eq(back.u.step.seconds, 1.25, 1e-6);
	cr_assert_str_eq(back.u.step.error, errline);
	cr_assert_str_eq(back.u.step.statement, stmt);
	cr_assert_eq(back.u.step.statement_no, 2);
	cr_assert_eq(back.u.step.committed, -1, "negative numbers survive");
	cr_assert_eq(back.u.step.total, 3);
	cr_assert_str_eq(back.u.step.traceback, tb);
	proto_msg_release(&back);
}

struct text_case {
	enum proto_type type;
};

ParameterizedTestParameters(proto, text_round_trip)
{
	static struct text_case cases[] = {
		{ PROTO_OUTPUT },
		{ PROTO_RESULT },
		{ PROTO_WARNING },
		{ PROTO_SQL },
	};

	return cr_make_param_array(struct text_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct text_case *c, proto, text_round_trip)
{
	struct proto_msg m = { .type = c->type }, back;

	m.u.text.text = text;
	round_trip(&m, &back);
	cr_assert_str_eq(back.u.text.text, text, "%s keeps its bytes",
			 proto_type_name(c->type));
	proto_msg_release(&back);
}

Test(proto, finished_round_trip)
{
	struct proto_msg m = { .type = PROTO_FINISHED }, back;

	m.u.finished.applied = 3;
	m.u.finished.failed = 1;
	m.u.finished.rollbacks = 1;
	m.u.finished.pending = 2;
	m.u.finished.exit_code = 1;
	m.u.finished.err_code = ERR_FAILED;
	m.u.finished.error = errline;
	m.u.finished.stopped = true;
	round_trip(&m, &back);
	cr_assert_eq(back.u.finished.applied, 3);
	cr_assert_eq(back.u.finished.failed, 1);
	cr_assert_eq(back.u.finished.rollbacks, 1);
	cr_assert_eq(back.u.finished.pending, 2);
	cr_assert_eq(back.u.finished.exit_code, 1);
	cr_assert_eq(back.u.finished.err_code, ERR_FAILED);
	cr_assert_str_eq(back.u.finished.error, errline);
	cr_assert(back.u.finished.stopped);
	proto_msg_release(&back);
}

Test(proto, empty_and_null_strings_differ)
{
	struct proto_msg m = { .type = PROTO_FINISHED }, back;

	m.u.finished.error = (char *)"";
	round_trip(&m, &back);
	cr_assert_str_eq(back.u.finished.error, "");
	proto_msg_release(&back);
	m.u.finished.error = NULL;
	round_trip(&m, &back);
	cr_assert_null(back.u.finished.error);
	proto_msg_release(&back);
}

Test(proto, oversized_text_is_truncated_with_a_marker)
{
	struct proto_msg m = { .type = PROTO_STEP_END }, back;
	size_t big = 3 * 1024 * 1024;
	char *huge = malloc(big + 1);
	struct buf b = BUF_INIT;
	char marker[64];

	memset(huge, 'x', big);
	huge[big] = '\0';
	m.u.step.error = huge;
	m.u.step.statement = huge;
	m.u.step.traceback = huge;
	m.u.step.description = huge;
	m.u.step.uuid = huge;
	m.u.step.file = huge;
	m.u.step.operation = huge;
	proto_encode(&b, &m);
	cr_assert_leq(b.len, PROTO_HEADER_SIZE + PROTO_MAX_PAYLOAD,
		      "every field at once still fits one frame");
	buf_release(&b);
	round_trip(&m, &back);
	snprintf(marker, sizeof(marker), "\n[... truncated %zu bytes]",
		 big - (PROTO_CAP_TEXT - 48));
	cr_assert_leq(strlen(back.u.step.traceback), PROTO_CAP_TEXT);
	cr_assert(strstr(back.u.step.traceback, marker) != NULL,
		  "the marker says how much was cut: %s", marker);
	cr_assert_eq(strspn(back.u.step.traceback, "x"), PROTO_CAP_TEXT - 48,
		     "the head is kept");
	cr_assert_leq(strlen(back.u.step.statement), PROTO_CAP_STATEMENT);
	cr_assert_leq(strlen(back.u.step.uuid), PROTO_CAP_NAME);
	proto_msg_release(&back);
	free(huge);
}

Test(proto, truncation_never_splits_a_utf8_character)
{
	struct proto_msg m = { .type = PROTO_WARNING }, back;
	size_t n = PROTO_CAP_ERROR * 2, i;
	char *s = malloc(n + 1);
	const unsigned char *p;

	for (i = 0; i + 1 < n; i += 2) {
		s[i] = (char)0xc3; /* é */
		s[i + 1] = (char)0xa9;
	}
	s[n] = '\0';
	m.u.text.text = s;
	round_trip(&m, &back);
	p = (const unsigned char *)strstr(back.u.text.text, "\n[...");
	cr_assert_not_null(p);
	cr_assert_eq(p[-1], 0xa9, "the kept text ends on a whole character");
	proto_msg_release(&back);
	free(s);
}

Test(proto, incomplete_frames_ask_for_more)
{
	struct proto_msg m = { .type = PROTO_RESULT };
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	size_t size = 1, i;

	m.u.text.text = text;
	proto_encode(&b, &m);
	for (i = 0; i < b.len; i++) {
		cr_assert_eq(proto_frame_check(b.ptr, i, &size, &e), 0);
		cr_assert_eq(size, 0, "%zu of %zu bytes is not a frame", i,
			     b.len);
	}
	buf_release(&b);
}

Test(proto, frames_follow_each_other_in_a_stream)
{
	struct proto_msg a = { .type = PROTO_WARNING }, z = {
		.type = PROTO_FINISHED
	}, back;
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	size_t size, off = 0;

	a.u.text.text = (char *)"first";
	z.u.finished.exit_code = 4;
	proto_encode(&b, &a);
	proto_encode(&b, &z);
	cr_assert_eq(proto_frame_check(b.ptr, b.len, &size, &e), 0);
	cr_assert_eq(proto_decode(b.ptr, size, &back, &e), 0);
	cr_assert_str_eq(back.u.text.text, "first");
	proto_msg_release(&back);
	off = size;
	cr_assert_eq(proto_frame_check(b.ptr + off, b.len - off, &size, &e),
		     0);
	cr_assert_eq(off + size, b.len);
	cr_assert_eq(proto_decode(b.ptr + off, size, &back, &e), 0);
	cr_assert_eq(back.u.finished.exit_code, 4);
	proto_msg_release(&back);
	buf_release(&b);
}

/* The stream reader, fed as a pipe may give the bytes: whatever the cut,
 * the same two messages come out, then 0 (more needed), never an error. */
Test(proto, next_reads_a_stream_cut_anywhere)
{
	struct proto_msg a = { .type = PROTO_WARNING }, z = {
		.type = PROTO_FINISHED
	}, m;
	struct buf all = BUF_INIT, in = BUF_INIT;
	struct err e = ERR_INIT;
	size_t cut, off, got;
	int r;

	a.u.text.text = (char *)"first";
	z.u.finished.exit_code = 4;
	proto_encode(&all, &a);
	proto_encode(&all, &z);
	for (cut = 0; cut <= all.len; cut++) {
		buf_reset(&in);
		buf_add(&in, all.ptr, cut);
		off = got = 0;
		while ((r = proto_next(in.ptr, in.len, &off, &m, &e)) > 0) {
			proto_msg_release(&m);
			got++;
		}
		cr_assert_eq(r, 0, "cut at %zu: %s", cut, e.msg);
		buf_add(&in, all.ptr + cut, all.len - cut);
		while ((r = proto_next(in.ptr, in.len, &off, &m, &e)) > 0) {
			if (++got == 2)
				cr_assert_eq(m.u.finished.exit_code, 4);
			proto_msg_release(&m);
		}
		cr_assert_eq(r, 0);
		cr_assert_eq(got, 2, "cut at %zu", cut);
		cr_assert_eq(off, all.len);
	}
	/* a bad byte: an error, and the offset stays before the frame */
	all.ptr[0] ^= 1;
	off = 0;
	cr_assert_eq(proto_next(all.ptr, all.len, &off, &m, &e), ERR_IO);
	cr_assert_eq(off, 0);
	buf_release(&all);
	buf_release(&in);
}

/* Seconds that do not fit in int64 microseconds are clamped, not cast
 * (undefined): found by fuzz_proto. */
Test(proto, huge_seconds_are_clamped)
{
	static const double in[] = { 1e300, -1e300, 0.0 / 0.0 };
	static const double want[] = { 9223372036854.775807,
				       -9223372036854.775808, 0 };
	struct proto_msg m = { .type = PROTO_STEP_END }, back;
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	size_t i, off;

	for (i = 0; i < 3; i++) {
		buf_reset(&b);
		m.u.step.seconds = in[i];
		proto_encode(&b, &m);
		off = 0;
		cr_assert_eq(proto_next(b.ptr, b.len, &off, &back, &e), 1);
		cr_assert_float_eq(back.u.step.seconds, want[i], 1e-3);
		proto_msg_release(&back);
	}
	buf_release(&b);
}

/* A header with the given fields, big-endian. */
static void
header(unsigned char *h, uint32_t magic, uint16_t version, uint16_t type,
       uint32_t len)
{
	h[0] = magic >> 24;
	h[1] = magic >> 16;
	h[2] = magic >> 8;
	h[3] = magic;
	h[4] = version >> 8;
	h[5] = version;
	h[6] = type >> 8;
	h[7] = type;
	h[8] = len >> 24;
	h[9] = len >> 16;
	h[10] = len >> 8;
	h[11] = len;
}

struct bad_header {
	uint32_t magic;
	uint16_t version;
	uint16_t type;
	uint32_t len;
	const char *why;
};

static const struct bad_header bad_headers[] = {
	{ 0x48545450, PROTO_VERSION, PROTO_WARNING, 4, "magic" },
	{ PROTO_MAGIC, PROTO_VERSION + 1, PROTO_WARNING, 4,
	  "protocol version 3" },
	{ PROTO_MAGIC, 0, PROTO_WARNING, 4, "protocol version 0" },
	{ PROTO_MAGIC, PROTO_VERSION, 999, 4, "unknown type 999" },
	{ PROTO_MAGIC, PROTO_VERSION, PROTO_OUTPUT, PROTO_MAX_PAYLOAD + 1,
	  "exceeds the maximum" },
	{ PROTO_MAGIC, PROTO_VERSION, PROTO_OUTPUT, 0xffffffffu,
	  "exceeds the maximum" },
};

/* Indices, not pointers: each case runs in a fresh process. */
ParameterizedTestParameters(proto, bad_headers_are_refused)
{
	static size_t idx[sizeof(bad_headers) / sizeof(bad_headers[0])];
	size_t i;

	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, sizeof(idx) / sizeof(idx[0]));
}

ParameterizedTest(size_t *ix, proto, bad_headers_are_refused)
{
	const struct bad_header *c = &bad_headers[*ix];
	unsigned char h[PROTO_HEADER_SIZE];
	struct err e = ERR_INIT;
	size_t size = 1;

	header(h, c->magic, c->version, c->type, c->len);
	cr_assert_eq(proto_frame_check(h, sizeof(h), &size, &e), ERR_IO,
		     "refused before the payload arrives (%s)", c->why);
	cr_assert_eq(size, 0);
	cr_assert(strstr(e.msg, c->why) != NULL, "'%s' names '%s'", e.msg,
		  c->why);
}

Test(proto, version_is_checked_before_length)
{
	unsigned char h[PROTO_HEADER_SIZE];
	struct err e = ERR_INIT;
	size_t size;

	header(h, PROTO_MAGIC, 7, 12345, 0xffffffffu);
	cr_assert_eq(proto_frame_check(h, sizeof(h), &size, &e), ERR_IO);
	cr_assert(strstr(e.msg, "version 7") != NULL, "%s", e.msg);
}

/* A payload that lies about its contents. */
static int
decode_payload(uint16_t type, const unsigned char *p, size_t n,
	       struct err *e)
{
	unsigned char *frame = malloc(PROTO_HEADER_SIZE + n);
	struct proto_msg m;
	int r;

	header(frame, PROTO_MAGIC, PROTO_VERSION, type, (uint32_t)n);
	memcpy(frame + PROTO_HEADER_SIZE, p, n);
	r = proto_decode(frame, PROTO_HEADER_SIZE + n, &m, e);
	if (r == 0)
		proto_msg_release(&m);
	free(frame);
	return r;
}

Test(proto, string_length_past_the_end_is_refused)
{
	/* WARNING: one string claiming 100 bytes, 3 present */
	unsigned char p[] = { 0, 0, 0, 100, 'a', 'b', 'c' };
	struct err e = ERR_INIT;

	cr_assert_eq(decode_payload(PROTO_WARNING, p, sizeof(p), &e), ERR_IO);
	cr_assert(strstr(e.msg, "past the end") != NULL, "%s", e.msg);
}

Test(proto, trailing_bytes_are_refused)
{
	unsigned char p[] = { 0, 0, 0, 1, 'a', 'X' };
	struct err e = ERR_INIT;

	cr_assert_eq(decode_payload(PROTO_WARNING, p, sizeof(p), &e), ERR_IO);
	cr_assert(strstr(e.msg, "left over") != NULL, "%s", e.msg);
}

Test(proto, missing_fields_are_refused)
{
	/* FINISHED needs six integers, a string and a flag; give two */
	unsigned char p[16] = { 0 };
	struct err e = ERR_INIT;

	cr_assert_eq(decode_payload(PROTO_FINISHED, p, sizeof(p), &e), ERR_IO);
}

Test(proto, a_boolean_must_be_0_or_1)
{
	struct proto_msg m = { .type = PROTO_STEP_BEGIN };
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	struct proto_msg back;

	m.u.step.operation = op;
	proto_encode(&b, &m);
	/* the recovery flag is the last 8 bytes of STEP_BEGIN */
	b.ptr[b.len - 1] = 2;
	cr_assert_eq(proto_decode(b.ptr, b.len, &back, &e), ERR_IO);
	buf_release(&b);
}

Test(proto, decode_of_a_truncated_frame_is_refused)
{
	struct proto_msg m = { .type = PROTO_RESULT }, back;
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;

	m.u.text.text = text;
	proto_encode(&b, &m);
	cr_assert_eq(proto_decode(b.ptr, b.len - 1, &back, &e), ERR_IO);
	buf_release(&b);
}

/* ---- framesink ------------------------------------------------------ */

/* Decode every frame in b; returns how many. */
static size_t
frames(const struct buf *b, struct proto_msg *out, size_t max)
{
	struct err e = ERR_INIT;
	size_t off = 0, size, n = 0;

	while (off < b->len && n < max) {
		cr_assert_eq(proto_frame_check(b->ptr + off, b->len - off,
					       &size, &e),
			     0, "%s", e.msg);
		cr_assert_gt(size, 0, "a whole frame at %zu", off);
		cr_assert_eq(proto_decode(b->ptr + off, size, &out[n], &e), 0,
			     "%s", e.msg);
		off += size;
		n++;
	}
	cr_assert_eq(off, b->len, "nothing but whole frames");
	return n;
}

/* Run fn against a framesink writing into a pipe; collect the bytes. */
static void
through_pipe(void (*fn)(struct sink *), struct buf *bytes)
{
	struct framesink fs;
	struct sink sink;
	int p[2];

	cr_assert_eq(pipe(p), 0);
	if (fork() == 0) {
		close(p[0]);
		framesink_init(&sink, &fs, p[1]);
		fn(&sink);
		framesink_release(&fs);
		_exit(0);
	}
	close(p[1]);
	cr_assert_eq(buf_read_fd(bytes, p[0]), 0);
	close(p[0]);
}

static void
long_result(struct sink *sink)
{
	struct buf listing = BUF_INIT;
	int i;

	for (i = 0; i < 40000; i++)
		buf_addf(&listing, "line %05d of a long listing\n", i);
	buf_rtrim(&listing);
	sink_result(sink, listing.ptr);
	buf_release(&listing);
}

Test(framesink, long_results_are_split_at_lines_and_join_back,
     .timeout = 10)
{
	struct buf bytes = BUF_INIT, joined = BUF_INIT, want = BUF_INIT;
	struct proto_msg m[16];
	size_t n, i;
	int k;

	through_pipe(long_result, &bytes);
	n = frames(&bytes, m, 16);
	cr_assert_gt(n, 1, "a 1.1 MB listing needs several frames");
	for (i = 0; i < n; i++) {
		cr_assert_eq(m[i].type, PROTO_RESULT);
		buf_addf(&joined, "%s%s", i ? "\n" : "", m[i].u.text.text);
		proto_msg_release(&m[i]);
	}
	for (k = 0; k < 40000; k++)
		buf_addf(&want, "line %05d of a long listing\n", k);
	buf_rtrim(&want);
	cr_assert_eq(joined.len, want.len);
	cr_assert(memcmp(joined.ptr, want.ptr, want.len) == 0);
	buf_release(&bytes);
	buf_release(&joined);
	buf_release(&want);
}

static void
events(struct sink *sink)
{
	struct run_summary sum = { .applied = 1, .pending = 0,
				   .exit_code = 0 };

	sink_output(sink, "hello\n", 6);
	sink_warning(sink, "drift in %s", "0001.sql");
	sink_finished(sink, &sum);
}

Test(framesink, events_become_frames_in_order, .timeout = 10)
{
	struct buf bytes = BUF_INIT;
	struct proto_msg m[8];
	size_t n, i;

	through_pipe(events, &bytes);
	n = frames(&bytes, m, 8);
	cr_assert_eq(n, 3);
	cr_assert_eq(m[0].type, PROTO_OUTPUT);
	cr_assert_str_eq(m[0].u.text.text, "hello\n");
	cr_assert_eq(m[1].type, PROTO_WARNING);
	cr_assert_str_eq(m[1].u.text.text, "drift in 0001.sql");
	cr_assert_eq(m[2].type, PROTO_FINISHED);
	cr_assert_eq(m[2].u.finished.applied, 1);
	for (i = 0; i < n; i++)
		proto_msg_release(&m[i]);
	buf_release(&bytes);
}
