/* Encoding and checked decoding of the fleet frames; see proto.h. */
#include "config.h"

#include "common/proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "common/banned.h"

/*
 * Each message is described by a table of its fields, walked by one
 * encoder and one decoder, so the two can never disagree on the order.
 */
enum field_kind {
	F_I64,  /* int64_t */
	F_BOOL, /* bool, on the wire 0 or 1 */
	F_USEC, /* double seconds, on the wire int64 microseconds */
	F_STR,  /* char *, length-prefixed, capped */
};

struct field {
	enum field_kind kind;
	size_t offset; /* in struct proto_msg */
	size_t cap;    /* F_STR: most bytes the writer sends */
};

#define FLD(kind, member, cap) { kind, offsetof(struct proto_msg, member), cap }
#define I64(m) FLD(F_I64, m, 0)
#define BOOL(m) FLD(F_BOOL, m, 0)
#define USEC(m) FLD(F_USEC, m, 0)
#define STR(m, cap) FLD(F_STR, m, cap)

static const struct field started_fields[] = {
	I64(u.started.pid),
	STR(u.started.banner, PROTO_CAP_NAME),
};

/* STEP_BEGIN sends the first STEP_BEGIN_FIELDS, STEP_END all. */
#define STEP_BEGIN_FIELDS 5
static const struct field step_fields[] = {
	STR(u.step.operation, PROTO_CAP_NAME),
	STR(u.step.uuid, PROTO_CAP_NAME),
	STR(u.step.file, PROTO_CAP_NAME),
	STR(u.step.description, PROTO_CAP_ERROR),
	BOOL(u.step.recovery),
	BOOL(u.step.ok),
	I64(u.step.object_id),
	I64(u.step.start),
	USEC(u.step.seconds),
	STR(u.step.error, PROTO_CAP_ERROR),
	STR(u.step.statement, PROTO_CAP_STATEMENT),
	I64(u.step.statement_no),
	I64(u.step.committed),
	I64(u.step.total),
	STR(u.step.traceback, PROTO_CAP_TEXT),
};

static const struct field text_fields[] = {
	STR(u.text.text, PROTO_CAP_TEXT),
};

static const struct field warning_fields[] = {
	STR(u.text.text, PROTO_CAP_ERROR),
};

static const struct field finished_fields[] = {
	I64(u.finished.applied),
	I64(u.finished.failed),
	I64(u.finished.rollbacks),
	I64(u.finished.pending),
	I64(u.finished.exit_code),
	I64(u.finished.err_code),
	STR(u.finished.error, PROTO_CAP_ERROR),
	BOOL(u.finished.stopped),
};

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct msgdef {
	int type;
	const char *name;
	const struct field *fields;
	size_t nfields;
} msgdefs[] = {
	{ PROTO_STARTED, "STARTED", started_fields, NF(started_fields) },
	{ PROTO_FINISHED, "FINISHED", finished_fields, NF(finished_fields) },
	{ PROTO_STEP_BEGIN, "STEP_BEGIN", step_fields, STEP_BEGIN_FIELDS },
	{ PROTO_STEP_END, "STEP_END", step_fields, NF(step_fields) },
	{ PROTO_OUTPUT, "OUTPUT", text_fields, NF(text_fields) },
	{ PROTO_RESULT, "RESULT", text_fields, NF(text_fields) },
	{ PROTO_WARNING, "WARNING", warning_fields, NF(warning_fields) },
	{ PROTO_SQL, "SQL", text_fields, NF(text_fields) },
};

static const struct msgdef *
msgdef_find(int type)
{
	size_t i;

	for (i = 0; i < NF(msgdefs); i++)
		if (msgdefs[i].type == type)
			return &msgdefs[i];
	return NULL;
}

const char *
proto_type_name(int type)
{
	const struct msgdef *d = msgdef_find(type);

	return d ? d->name : "unknown";
}

/* ---- encoding --------------------------------------------------------- */

static void
put_be(struct buf *out, uint64_t v, int bytes)
{
	unsigned char b[8];
	int i;

	for (i = bytes - 1; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	buf_add(out, b, (size_t)bytes);
}

static void
patch_be32(struct buf *out, size_t at, uint32_t v)
{
	unsigned char *p = (unsigned char *)out->ptr + at;

	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/*
 * A string over its cap keeps its head and says how much was cut. The cut
 * backs off to a UTF-8 character boundary so the kept text stays valid.
 */
static void
put_str(struct buf *out, const char *s, size_t cap)
{
	char marker[48];
	size_t len, keep;
	int mlen;

	if (s == NULL) {
		put_be(out, PROTO_NULL_STRING, 4);
		return;
	}
	len = strlen(s);
	if (len <= cap) {
		put_be(out, len, 4);
		buf_add(out, s, len);
		return;
	}
	keep = cap - sizeof(marker);
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	mlen = snprintf(marker, sizeof(marker), "\n[... truncated %zu bytes]",
			len - keep);
	put_be(out, keep + (size_t)mlen, 4);
	buf_add(out, s, keep);
	buf_add(out, marker, (size_t)mlen);
}

/* Seconds as microseconds, rounded; out of range (or NaN) is clamped: a
 * cast of a double that does not fit is undefined. */
static int64_t
usec_of(double d)
{
	double us = d * 1e6 + (d < 0 ? -0.5 : 0.5);

	if (!(us == us))
		return 0;
	if (us >= 9223372036854775807.0)
		return INT64_MAX;
	if (us <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)us;
}

static void
put_field(struct buf *out, const struct proto_msg *m, const struct field *f)
{
	const char *base = (const char *)m + f->offset;
	int64_t v;
	double d;

	switch (f->kind) {
	case F_I64:
		memcpy(&v, base, sizeof(v));
		put_be(out, (uint64_t)v, 8);
		break;
	case F_BOOL:
		put_be(out, *(const bool *)base ? 1 : 0, 8);
		break;
	case F_USEC:
		memcpy(&d, base, sizeof(d));
		put_be(out, (uint64_t)usec_of(d), 8);
		break;
	case F_STR:
		put_str(out, *(char *const *)base, f->cap);
		break;
	}
}

void
proto_encode(struct buf *out, const struct proto_msg *m)
{
	const struct msgdef *d = msgdef_find(m->type);
	size_t start = out->len, i;

	if (d == NULL)
		return; /* a bug in the caller; nothing sensible to send */
	put_be(out, PROTO_MAGIC, 4);
	put_be(out, PROTO_VERSION, 2);
	put_be(out, (uint64_t)m->type, 2);
	put_be(out, 0, 4); /* length, patched below */
	for (i = 0; i < d->nfields; i++)
		put_field(out, m, &d->fields[i]);
	patch_be32(out, start + 8,
		   (uint32_t)(out->len - start - PROTO_HEADER_SIZE));
}

/* ---- decoding --------------------------------------------------------- */

static uint64_t
get_be(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v = (v << 8) | p[i];
	return v;
}

int
proto_frame_check(const void *data, size_t avail, size_t *size,
		  struct err *e)
{
	const unsigned char *p = data;
	uint64_t magic, version, type, length;

	*size = 0;
	if (avail < PROTO_HEADER_SIZE)
		return 0;
	magic = get_be(p, 4);
	version = get_be(p + 4, 2);
	type = get_be(p + 6, 2);
	length = get_be(p + 8, 4);
	if (magic != PROTO_MAGIC)
		return err_set(e, ERR_IO,
			       "bad frame: magic 0x%08llx is not 0x%08x",
			       (unsigned long long)magic, PROTO_MAGIC);
	if (version != PROTO_VERSION)
		return err_set(e, ERR_IO,
			       "bad frame: protocol version %llu, expected %d",
			       (unsigned long long)version, PROTO_VERSION);
	if (msgdef_find((int)type) == NULL)
		return err_set(e, ERR_IO, "bad frame: unknown type %llu",
			       (unsigned long long)type);
	if (length > PROTO_MAX_PAYLOAD)
		return err_set(e, ERR_IO,
			       "bad frame: %s payload of %llu bytes exceeds "
			       "the maximum of %d",
			       proto_type_name((int)type),
			       (unsigned long long)length, PROTO_MAX_PAYLOAD);
	if (avail - PROTO_HEADER_SIZE < length)
		return 0;
	*size = PROTO_HEADER_SIZE + (size_t)length;
	return 0;
}

struct reader {
	const unsigned char *p;
	size_t n;
	size_t off;
};

static bool
get_u(struct reader *r, int bytes, uint64_t *v)
{
	if (r->n - r->off < (size_t)bytes)
		return false;
	*v = get_be(r->p + r->off, bytes);
	r->off += (size_t)bytes;
	return true;
}

static bool
get_str(struct reader *r, char **out)
{
	uint64_t len;

	if (!get_u(r, 4, &len))
		return false;
	if (len == PROTO_NULL_STRING) {
		*out = NULL;
		return true;
	}
	if (len > r->n - r->off)
		return false;
	*out = xmalloc((size_t)len + 1);
	memcpy(*out, r->p + r->off, (size_t)len);
	(*out)[len] = '\0';
	r->off += (size_t)len;
	return true;
}

static bool
get_field(struct reader *r, struct proto_msg *m, const struct field *f)
{
	char *base = (char *)m + f->offset;
	uint64_t u;
	int64_t v;
	double d;

	if (f->kind == F_STR)
		return get_str(r, (char **)base);
	if (!get_u(r, 8, &u))
		return false;
	v = (int64_t)u;
	switch (f->kind) {
	case F_I64:
		memcpy(base, &v, sizeof(v));
		return true;
	case F_BOOL:
		if (u > 1)
			return false;
		*(bool *)base = u == 1;
		return true;
	case F_USEC:
		d = (double)v / 1e6;
		memcpy(base, &d, sizeof(d));
		return true;
	case F_STR:
		break;
	}
	return false;
}

int
proto_decode(const void *data, size_t size, struct proto_msg *m,
	     struct err *e)
{
	const struct msgdef *d;
	struct reader r;
	size_t i, want;
	int rc;

	memset(m, 0, sizeof(*m));
	if ((rc = proto_frame_check(data, size, &want, e)) < 0)
		return rc;
	if (want == 0 || want != size)
		return err_set(e, ERR_IO,
			       "bad frame: %zu bytes given, the header says "
			       "%zu",
			       size, want);
	/* proto_frame_check knows the type */
	d = msgdef_find((int)get_be((const unsigned char *)data + 6, 2));
	m->type = (enum proto_type)d->type;
	r.p = (const unsigned char *)data + PROTO_HEADER_SIZE;
	r.n = size - PROTO_HEADER_SIZE;
	r.off = 0;
	for (i = 0; i < d->nfields; i++)
		if (!get_field(&r, m, &d->fields[i])) {
			err_set(e, ERR_IO,
				"bad frame: %s field %zu runs past the end of "
				"its %zu-byte payload or has a bad value",
				d->name, i + 1, r.n);
			goto bad;
		}
	if (r.off != r.n) {
		err_set(e, ERR_IO, "bad frame: %zu bytes left over after %s",
			r.n - r.off, d->name);
		goto bad;
	}
	return 0;
bad:
	proto_msg_release(m);
	return ERR_IO;
}

void
proto_msg_release(struct proto_msg *m)
{
	const struct msgdef *d = msgdef_find(m->type);
	size_t i;

	for (i = 0; d && i < d->nfields; i++)
		if (d->fields[i].kind == F_STR) {
			char **s = (char **)((char *)m + d->fields[i].offset);

			free(*s);
			*s = NULL;
		}
	memset(m, 0, sizeof(*m));
}

int
proto_next(const void *data, size_t len, size_t *off, struct proto_msg *m,
	   struct err *e)
{
	const char *p = (const char *)data + *off;
	size_t size;
	int rc;

	if (*off >= len)
		return 0;
	if ((rc = proto_frame_check(p, len - *off, &size, e)) < 0)
		return rc;
	if (size == 0)
		return 0;
	if ((rc = proto_decode(p, size, m, e)) < 0)
		return rc;
	*off += size;
	return 1;
}
