/* Fitting a text to a column's character set and length; pure logic. */
#include "config.h"

#include "drivers/textfit.h"

#include <stdbool.h>
#include <string.h>

#include "common/banned.h"

#define TEXTFIT_MARKER " [... truncated by migratore]"

/*
 * The next character of p: its length in bytes (1 to 4) and its code
 * point; 0 when p does not start a well-formed UTF-8 sequence (overlong,
 * surrogate, beyond U+10FFFF, cut short).
 */
static size_t
utf8_next(const unsigned char *p, uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n, i;
	uint32_t c = p[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, c &= 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, c &= 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, c &= 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* The characters of Windows-1252 above 0x7F that are not Latin-1, and
 * the five bytes MySQL's latin1 maps to the C1 controls. */
static bool
in_cp1252(uint32_t c)
{
	static const uint16_t extra[] = {
		0x0081, 0x008D, 0x008F, 0x0090, 0x009D, 0x0152, 0x0153,
		0x0160, 0x0161, 0x0178, 0x017D, 0x017E, 0x0192, 0x02C6,
		0x02DC, 0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C,
		0x201D, 0x201E, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030,
		0x2039, 0x203A, 0x20AC, 0x2122,
	};
	size_t i;

	if (c < 0x80 || (c >= 0xA0 && c <= 0xFF))
		return true;
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (extra[i] == c)
			return true;
	return false;
}

static bool
rep_holds(enum textfit_rep rep, uint32_t c)
{
	switch (rep) {
	case TEXTFIT_BYTES:
	case TEXTFIT_UNICODE:
		return true;
	case TEXTFIT_BMP:
		return c <= 0xFFFF;
	case TEXTFIT_CP1252:
		return in_cp1252(c);
	case TEXTFIT_LATIN1:
		return c <= 0xFF;
	case TEXTFIT_ASCII:
		break;
	}
	return c < 0x80;
}

/* Bytes a character of n UTF-8 bytes takes in the column's encoding. */
static size_t
col_bytes(enum textfit_rep rep, size_t n)
{
	return rep == TEXTFIT_BYTES || rep == TEXTFIT_UNICODE ||
			       rep == TEXTFIT_BMP
		   ? n
		   : 1;
}

/* Copy in to out with what rep cannot hold replaced; the count of those. */
static size_t
replace_pass(enum textfit_rep rep, const char *in, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t n, count = 0;
	uint32_t c;

	while (*p) {
		n = utf8_next(p, &c);
		if (n == 0 && rep == TEXTFIT_BYTES) {
			buf_addc(out, (char)*p++);
			continue;
		}
		if (n == 0 || !rep_holds(rep, c)) {
			buf_addc(out, '?');
			count++;
			p += n ? n : 1;
			continue;
		}
		buf_add(out, p, n);
		p += n;
	}
	return count;
}

/* Whether the text fits in max chars and bytes (0 = no limit). */
static bool
within(enum textfit_rep rep, const char *s, int64_t max_chars,
       int64_t max_bytes, size_t *cut)
{
	const unsigned char *p = (const unsigned char *)s;
	int64_t chars = 0, bytes = 0;
	size_t n;
	uint32_t c;

	while (*p) {
		n = utf8_next(p, &c);
		n = n ? n : 1;
		if ((max_chars > 0 && chars + 1 > max_chars) ||
		    (max_bytes > 0 &&
		     bytes + (int64_t)col_bytes(rep, n) > max_bytes)) {
			*cut = (size_t)(p - (const unsigned char *)s);
			return false;
		}
		chars++;
		bytes += (int64_t)col_bytes(rep, n);
		p += n;
	}
	*cut = (size_t)(p - (const unsigned char *)s);
	return true;
}

unsigned
textfit(const struct textfit_limit *lim, const char *in, struct buf *out,
	size_t *replaced)
{
	struct buf r = BUF_INIT;
	int64_t mlen = (int64_t)strlen(TEXTFIT_MARKER);
	unsigned what = 0;
	size_t count, cut;

	if (replaced)
		*replaced = 0;
	count = replace_pass(lim->rep, in, &r);
	if (count > 0)
		what |= TEXTFIT_REPLACED;
	if (!within(lim->rep, r.ptr, lim->max_chars, lim->max_bytes, &cut)) {
		what |= TEXTFIT_TRUNCATED;
		/* Room for the marker, when the column has any. */
		if ((lim->max_chars == 0 || lim->max_chars > mlen) &&
		    (lim->max_bytes == 0 || lim->max_bytes > mlen)) {
			within(lim->rep, r.ptr,
			       lim->max_chars ? lim->max_chars - mlen : 0,
			       lim->max_bytes ? lim->max_bytes - mlen : 0, &cut);
			buf_truncate(&r, cut);
			buf_adds(&r, TEXTFIT_MARKER);
		} else {
			buf_truncate(&r, cut);
		}
	}
	if (what != 0) {
		buf_reset(out);
		buf_add(out, r.ptr, r.len);
	}
	if (replaced)
		*replaced = count;
	buf_release(&r);
	return what;
}

const char *
textfit_rep_name(enum textfit_rep rep)
{
	static const char *const names[] = {
		[TEXTFIT_BYTES] = "bytes",     [TEXTFIT_UNICODE] = "unicode",
		[TEXTFIT_BMP] = "utf8mb3",     [TEXTFIT_CP1252] = "latin1",
		[TEXTFIT_LATIN1] = "latin1",   [TEXTFIT_ASCII] = "ascii",
	};

	return names[rep];
}
