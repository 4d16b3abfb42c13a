/*
 * Names and durable writes of new migration files, for the commands that
 * create them (generate, touch, squash). A name is claimed without ever
 * replacing a file (O_CREAT|O_EXCL). Discovery refuses two files whose
 * names start with the same timestamp, so a second is free in a directory
 * only when no other file there starts with that number; a busy second
 * moves on to the next one.
 */
#ifndef MIG_MIGFILE_H
#define MIG_MIGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strv.h"

/* The last component of path (no allocation). */
const char *migfile_basename(const char *path);
/* The directory part of path: "." when there is none. Caller frees. */
char *migfile_dirname(const char *path);
/* out = dir/name, as discovery writes paths (one '/' between the two). */
void migfile_join(struct buf *out, const char *dir, const char *name);

/*
 * The timestamp a file name starts with: digits followed by '_', '.' or the
 * end. *ndigits (may be NULL) gets the number of digits.
 */
bool migfile_number(const char *name, int64_t *ts, size_t *ndigits);

/*
 * Whether a file of dir other than self and those named in ignore (both
 * may be NULL) starts with timestamp ts. Returns 1 (the holder's name in
 * who, if not NULL), 0, or ERR_IO.
 */
int migfile_ts_taken(const char *dir, int64_t ts, const struct strv *ignore,
		     const char *self, struct buf *who, struct err *e);

/*
 * Create a new, empty migration file and return its open fd (O_WRONLY).
 * where is either an existing directory, in which the file is named
 * <ts>_<slug>.sql (slug: the description in lower-case ASCII letters,
 * digits and '_', at most 50 characters; <ts>.sql when that is empty) with
 * *ts moved on while its second is busy; or the path of a new file ending
 * in .sql, created as given: if its name starts with a number, that number
 * becomes *ts and must be free in its directory. An existing file is never
 * overwritten (ERR_STATE). Files named in ignore do not make a second busy
 * (squash: the originals that are about to leave). path gets the name.
 */
int migfile_create(const char *where, const char *description, int64_t *ts,
		   const struct strv *ignore, struct buf *path, struct err *e);

/* Write all of len bytes, retrying on EINTR. Returns 0 or -errno. */
int migfile_write_all(int fd, const char *p, size_t len);

/*
 * Fill the file just created as path (open as fd) with text, fsync and
 * close it, then fsync its directory. On failure the file is removed.
 */
int migfile_fill(int fd, const char *path, const struct buf *text,
		 struct err *e);

/* fsync a directory so that a new or removed name in it survives a crash. */
int migfile_sync_dir(const char *dir, struct err *e);

#endif
