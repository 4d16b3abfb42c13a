/*
 * Fitting a text to what a column can hold, so that a bookkeeping row is
 * always written (SPEC 5, "Character sets"): a table the Python tool made
 * is latin1 on most MySQL servers, a PostgreSQL database may be LATIN1,
 * and a column may be shorter than an error text. Pure: the driver says
 * what its column holds (a repertoire and limits, read from its catalogue),
 * this decides what to send. No I/O, unit-tested in test_textfit.
 *
 * Characters the column cannot hold, and bytes that are not UTF-8 (an
 * executable migration's output may hold anything), become '?', as the
 * servers themselves do in non-strict mode. A text over a limit is cut at
 * a character boundary and ends with a marker that says so.
 */
#ifndef MIG_TEXTFIT_H
#define MIG_TEXTFIT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* What a column's character set can represent. */
enum textfit_rep {
	TEXTFIT_BYTES,   /* any bytes, kept as they are (SQLite, SQL_ASCII) */
	TEXTFIT_UNICODE, /* every character: UTF-8, MySQL utf8mb4 */
	TEXTFIT_BMP,     /* U+0000..U+FFFF: MySQL utf8 (utf8mb3) */
	TEXTFIT_CP1252,  /* MySQL's latin1 (Windows-1252 in its catalogue) */
	TEXTFIT_LATIN1,  /* ISO 8859-1: PostgreSQL LATIN1 */
	TEXTFIT_ASCII,   /* any other character set: only ASCII surely fits */
};

struct textfit_limit {
	enum textfit_rep rep;
	int64_t max_chars; /* 0 = none */
	int64_t max_bytes; /* 0 = none; bytes in the column's own encoding */
};

/* What textfit changed; 0 = nothing (out is then untouched). */
#define TEXTFIT_REPLACED 1u
#define TEXTFIT_TRUNCATED 2u

/*
 * Fit the NUL-terminated UTF-8 text in to lim. When something must change,
 * out receives the fitted text and the flags say what changed; *replaced
 * (may be NULL) counts the characters (or stray bytes) replaced by '?'.
 */
unsigned textfit(const struct textfit_limit *lim, const char *in,
		 struct buf *out, size_t *replaced);

/* "latin1", "utf8mb4", ...: a short name of rep for messages. */
const char *textfit_rep_name(enum textfit_rep rep);

#endif
