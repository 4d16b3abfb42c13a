/*
 * Reading JSON (RFC 8259, strictly) into a tree; the writer is
 * common/json.h. Strict means: one value per document, no comments, no
 * trailing commas, no NaN or Infinity, no leading zeros, no control
 * characters or invalid UTF-8 in strings, no lone surrogates, no duplicate
 * keys in an object, nesting at most JSON_PARSE_MAX_DEPTH deep. Errors name
 * the file, line and column (columns count characters, from 1).
 *
 * The tree is plain data, readable directly or through the accessors, which
 * all accept NULL and a value of the wrong type (they then return NULL or
 * the caller's default), so that a chain such as
 *     json_as_int(json_get(json_index(targets, i), "applied"), -1)
 * needs no checks in between. The parser is pure: no I/O, no globals.
 *
 * Ownership: json_parse hands the caller a tree freed by json_value_free;
 * every string in it is owned by the tree. Pointers returned by the
 * accessors are borrowed from it.
 */
#ifndef MIG_JSONPARSE_H
#define MIG_JSONPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define JSON_PARSE_MAX_DEPTH 64

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value;

struct json_member {
	char *key;      /* UTF-8, NUL-terminated; may hold NULs (\u0000) */
	size_t key_len;
	int line, col;  /* where the key starts */
	struct json_value *value;
};

struct json_value {
	enum json_type type;
	int line, col; /* where the value starts, 1-based */
	union {
		bool boolean;
		struct {
			double d;
			int64_t i;   /* valid when is_int */
			bool is_int; /* an integer literal that fits, or a
					whole double below 2^53 */
			char *text;  /* the literal as written */
		} number;
		struct {
			char *s; /* UTF-8, NUL-terminated; len counts NULs */
			size_t len;
		} string;
		struct {
			struct json_value **v;
			size_t n;
		} array;
		struct {
			struct json_member *v; /* in document order */
			size_t n;
		} object;
	} u;
};

/*
 * Parse len bytes of text (need not be NUL-terminated). file names the
 * input in errors (NULL: "<input>"). Returns 0 and the tree in *out, or
 * ERR_CONFIG with the position in e (and *out untouched).
 */
int json_parse(const char *text, size_t len, const char *file,
	       struct json_value **out, struct err *e);
void json_value_free(struct json_value *v);

/* The value of key in an object (its first occurrence), or NULL. */
const struct json_value *json_get(const struct json_value *obj,
				  const char *key);
/* Item i of an array, or NULL. */
const struct json_value *json_index(const struct json_value *arr, size_t i);
/* Items of an array or members of an object; 0 for anything else. */
size_t json_count(const struct json_value *v);
bool json_is(const struct json_value *v, enum json_type type);

/* The string, or NULL when v is not a string. */
const char *json_as_string(const struct json_value *v);
/* The number when v is an integer (see is_int), else dflt. */
int64_t json_as_int(const struct json_value *v, int64_t dflt);
double json_as_double(const struct json_value *v, double dflt);
bool json_as_bool(const struct json_value *v, bool dflt);

/*
 * Append v as JSON, pretty-printed like common/json.h's writer at the given
 * nesting depth (0 at the top; two spaces per level). Numbers are written
 * as they were read, so a document survives a round trip byte for byte
 * when it was written by that writer.
 */
void json_value_write(struct buf *out, const struct json_value *v, int depth);

#endif
