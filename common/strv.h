/*
 * A NULL-terminated vector of owned strings (argv, environments, lists of
 * names). v is NULL only while empty and unallocated; strv_get-style access
 * goes through v[i] for i < n. The vector owns every string in it.
 */
#ifndef MIG_STRV_H
#define MIG_STRV_H

#include <stdbool.h>
#include <stddef.h>

struct strv {
	char **v;
	size_t n;
	size_t cap;
};

#define STRV_INIT { NULL, 0, 0 }

void strv_init(struct strv *sv);
void strv_release(struct strv *sv);
/* Append a copy of s. */
void strv_push(struct strv *sv, const char *s);
/* Append s itself; the vector takes ownership. */
void strv_push_owned(struct strv *sv, char *s);
void strv_pushf(struct strv *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool strv_contains(const struct strv *sv, const char *s);
/* The same for a constant NULL-terminated list (a table of keywords). */
bool strv_list_contains(const char *const *list, const char *s);
/* Deep copy. */
void strv_copy(struct strv *dst, const struct strv *src);

#endif
