/*
 * A set of strings kept once each. Texts that repeat across thousands of
 * owners — a dry run's plan lines, the same "<Migration ...>" line from
 * every target of a fleet — are stored once and shared by pointer, so
 * that the coordinator's memory grows with the number of distinct texts,
 * not with targets × lines.
 *
 * A string returned by intern_get lives until intern_release of its set;
 * two equal strings give the same pointer.
 */
#ifndef MIG_INTERN_H
#define MIG_INTERN_H

#include <stddef.h>

struct intern {
	char **slot;    /* open addressing; NULL = free */
	size_t n;       /* strings kept */
	size_t cap;     /* slots, a power of two (0 while empty) */
};

#define INTERN_INIT { NULL, 0, 0 }

void intern_init(struct intern *in);
void intern_release(struct intern *in);

/* The set's copy of s, made on the first call for that text. */
const char *intern_get(struct intern *in, const char *s);

#endif
