/*
 * Allocation that never returns NULL. Out of memory is fatal: a CLI has
 * nothing better to do, and the coordinator reports a worker that died of it
 * like any other crash. Zero-size requests are rounded up to one byte.
 */
#ifndef MIG_XMALLOC_H
#define MIG_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* xstrdup of NULL is NULL: convenient for optional fields. */
char *xstrdup_or_null(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));
/* snprintf into a fixed buffer; truncation is fatal (a bug, not input). */
int xsnprintf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Grow *arr (of *cap elements of size sz) so that it holds at least n. */
#define XGROW(arr, n, cap)                                                     \
	do {                                                                   \
		if ((n) > (cap)) {                                             \
			size_t xgrow_new_ = (cap) ? (cap) * 2 : 8;             \
			while (xgrow_new_ < (n))                               \
				xgrow_new_ *= 2;                               \
			(arr) = xreallocarray((arr), xgrow_new_,               \
					      sizeof(*(arr)));                 \
			(cap) = xgrow_new_;                                    \
		}                                                              \
	} while (0)

#endif
