/*
 * A plain encoding for data passed between a process and its own fork
 * (the fleet coordinator and its spawner, orchestrator/spawner.h): the
 * same binary on the same machine, so integers and doubles are written in
 * the host's byte order. Still checked on reading, like any input: a
 * reader never reads past its end, and a short or malformed message sets
 * the reader's sticky bad flag instead of crashing.
 *
 * A string is a u32 length and its bytes (WIRE_NULL for a NULL string); a
 * string vector is a u32 count and its strings. Nothing is logged: the
 * bytes may hold a password.
 */
#ifndef MIG_WIRE_H
#define MIG_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/strv.h"

#define WIRE_NULL 0xffffffffu

void wire_put_u32(struct buf *b, uint32_t v);
void wire_put_u64(struct buf *b, uint64_t v);
void wire_put_f64(struct buf *b, double v);
void wire_put_str(struct buf *b, const char *s);
void wire_put_strv(struct buf *b, const struct strv *v);

struct wire_reader {
	const unsigned char *p;
	size_t len;
	size_t off;
	bool bad; /* a read went past the end, or a string was malformed */
};

void wire_reader_init(struct wire_reader *r, const void *p, size_t len);
/* Each returns 0 (or NULL, or an empty vector) once the reader is bad. */
uint32_t wire_get_u32(struct wire_reader *r);
uint64_t wire_get_u64(struct wire_reader *r);
double wire_get_f64(struct wire_reader *r);
/* An allocated copy, or NULL for a NULL string. */
char *wire_get_str(struct wire_reader *r);
/* Appends to out. */
void wire_get_strv(struct wire_reader *r, struct strv *out);
/* Every byte was read, and none too many. */
bool wire_done(const struct wire_reader *r);

#endif
