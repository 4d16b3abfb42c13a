/*
 * A small JSON writer into a struct buf: nesting and commas are tracked, so
 * callers only say what to write. Strings are escaped per RFC 8259; bytes
 * that are not valid UTF-8 are written as U+FFFD so the output always
 * parses. Depth is limited to JSON_MAX_DEPTH (deeper calls are a bug).
 */
#ifndef MIG_JSON_H
#define MIG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define JSON_MAX_DEPTH 16

struct json {
	struct buf *out;
	int depth;
	bool first[JSON_MAX_DEPTH];
	bool pretty;
};

void json_init(struct json *j, struct buf *out, bool pretty);
/* key is NULL inside an array or at the top. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
void json_int(struct json *j, const char *key, int64_t value);
void json_double(struct json *j, const char *key, double value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
/* value when known, else null */
void json_int_or_null(struct json *j, const char *key, int64_t value,
		      bool known);
/* An array of the strings v[0..n). */
void json_string_array(struct json *j, const char *key,
		       const char *const *v, size_t n);

/*
 * Length of the valid UTF-8 sequence at s (at most avail bytes, or up to
 * a NUL: pass SIZE_MAX for a C string), 0 when it is not one: overlong,
 * surrogate, beyond U+10FFFF or cut short. Shared by writer and parser.
 */
int json_utf8_len(const unsigned char *s, size_t avail);

/* Append s as a quoted JSON string (null for NULL). */
void json_quote(struct buf *out, const char *s);

/* Epoch seconds t as "2026-11-27T10:15:00.123Z": UTC, milliseconds. */
void json_utc_time(double t, struct buf *out);
/* The time now, in epoch seconds with microseconds. */
double json_now(void);

#endif
