/*
 * A growable byte buffer, after git's strbuf. Invariants: ptr is never NULL
 * and ptr[len] is always '\0', so a buffer is always a valid C string (it may
 * also hold NUL bytes inside, counted by len). A buffer owns its memory until
 * buf_detach hands it to the caller.
 */
#ifndef MIG_BUF_H
#define MIG_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *ptr;
	size_t len;
	size_t cap; /* 0 while ptr points at the shared empty string */
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Keep the allocation, drop the contents. */
void buf_reset(struct buf *b);
/* Return the string (caller frees) and reinitialise the buffer. */
char *buf_detach(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_truncate(struct buf *b, size_t len);

void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Remove trailing whitespace. */
void buf_rtrim(struct buf *b);
bool buf_ends_with(const struct buf *b, const char *suffix);

/*
 * Read a whole file. Returns 0, or -errno with the buffer left as it was
 * (callers format the message: they know what the file is for).
 */
int buf_read_file(struct buf *b, const char *path);
/* Read everything from fd until EOF, retrying on EINTR. */
int buf_read_fd(struct buf *b, int fd);

#endif
