/* Host-order encoding between a process and its fork; see wire.h. */
#include "config.h"

#include "common/wire.h"

#include <string.h>

#include "common/xmalloc.h"
#include "common/banned.h"

void
wire_put_u32(struct buf *b, uint32_t v)
{
	buf_add(b, &v, sizeof(v));
}

void
wire_put_u64(struct buf *b, uint64_t v)
{
	buf_add(b, &v, sizeof(v));
}

void
wire_put_f64(struct buf *b, double v)
{
	buf_add(b, &v, sizeof(v));
}

void
wire_put_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	wire_put_u32(b, s ? (uint32_t)n : WIRE_NULL);
	if (s)
		buf_add(b, s, n);
}

void
wire_put_strv(struct buf *b, const struct strv *v)
{
	size_t i;

	wire_put_u32(b, (uint32_t)v->n);
	for (i = 0; i < v->n; i++)
		wire_put_str(b, v->v[i]);
}

void
wire_reader_init(struct wire_reader *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->bad = false;
}

/* The next n bytes, or NULL (and bad) when there are fewer. */
static const unsigned char *
take(struct wire_reader *r, size_t n)
{
	const unsigned char *at;

	if (r->bad || r->len - r->off < n) {
		r->bad = true;
		return NULL;
	}
	at = r->p + r->off;
	r->off += n;
	return at;
}

/* n bytes into out; zeros once the reader is bad. */
static void
get_raw(struct wire_reader *r, void *out, size_t n)
{
	const unsigned char *at = take(r, n);

	if (at)
		memcpy(out, at, n);
	else
		memset(out, 0, n);
}

uint32_t
wire_get_u32(struct wire_reader *r)
{
	uint32_t v;

	get_raw(r, &v, sizeof(v));
	return v;
}

uint64_t
wire_get_u64(struct wire_reader *r)
{
	uint64_t v;

	get_raw(r, &v, sizeof(v));
	return v;
}

double
wire_get_f64(struct wire_reader *r)
{
	double v;

	get_raw(r, &v, sizeof(v));
	return v;
}

char *
wire_get_str(struct wire_reader *r)
{
	uint32_t n = wire_get_u32(r);
	const unsigned char *at;
	char *s;

	if (r->bad || n == WIRE_NULL)
		return NULL;
	if ((at = take(r, n)) == NULL)
		return NULL;
	/* a C string cannot hold a NUL: a bad message, not a short one */
	if (memchr(at, '\0', n) != NULL) {
		r->bad = true;
		return NULL;
	}
	s = xmalloc((size_t)n + 1);
	memcpy(s, at, n);
	s[n] = '\0';
	return s;
}

void
wire_get_strv(struct wire_reader *r, struct strv *out)
{
	uint32_t n = wire_get_u32(r), i;
	char *s;

	for (i = 0; i < n && !r->bad; i++) {
		s = wire_get_str(r);
		if (s)
			strv_push_owned(out, s);
		else
			r->bad = true; /* a vector holds no NULL */
	}
}

bool
wire_done(const struct wire_reader *r)
{
	return !r->bad && r->off == r->len;
}
