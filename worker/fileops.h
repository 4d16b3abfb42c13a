/*
 * The commands that edit migration files and never touch a database:
 * generate, touch and squash (SPEC 6). They never overwrite a file: new
 * names are claimed with O_EXCL or link(2), and a busy name moves on to the
 * next second. Each fills a result the command layer prints; nothing here
 * prints.
 */
#ifndef MIG_FILEOPS_H
#define MIG_FILEOPS_H

#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strv.h"
#include "worker/migset.h"

/*
 * Write a new SQL migration. where is a directory (the file is created in
 * it as <timestamp>_<slug>.sql, slug from the description) or a file path
 * ending in .sql; NULL means the current directory. Fresh uuid v4 from
 * /dev/urandom, timestamp now (bumped while the name is taken).
 */
int fileops_generate(const char *where, const char *description, time_t now,
		     struct buf *path_out, struct buf *uuid_out, struct err *e);

/*
 * Set the timestamp of migration id (uuid or timestamp) to now (or the
 * next free second after the newest migration's timestamp if that is
 * later, so it sorts last) in its header and rename the file to match.
 * Atomic: the new file is written beside the old one, fsynced, linked to
 * its final name (failing if taken, then trying the next second), and only
 * then is the old name removed.
 */
int fileops_touch(const struct migset *ms, const char *id, time_t now,
		  struct buf *old_path, struct buf *new_path, struct err *e);

struct squash_result {
	char *path;           /* the new file */
	char *uuid;
	int64_t timestamp;
	struct strv replaced; /* "uuid (timestamp)" of each original, in order */
	struct strv moved;    /* new paths of the originals under squashed/ */
};

/*
 * Merge the SQL migrations from start to end (uuids or timestamps,
 * inclusive, swapped if reversed) into one new file with
 * `replaces = <their uuids>`: run sections concatenated in order, rollback
 * sections in reverse order, engine-qualified sections kept per engine,
 * `transaction = off` if any original had it. output: a file path, a
 * directory, or NULL for the migrations directory. The originals are moved
 * into <dir>/squashed/. Executable migrations cannot be squashed.
 */
int fileops_squash(const struct migset *ms, const char *start, const char *end,
		   const char *output, time_t now, struct squash_result *res,
		   struct err *e);
void squash_result_release(struct squash_result *res);

#endif
