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
 *
 * The description is one header line: each run of control characters
 * (newlines, tabs) becomes one space and the ends are trimmed; NULL or
 * empty gives "migration <uuid>". The file has the header and a `run` and a
 * `rollback` section holding a comment placeholder. A file path whose name
 * starts with a number (42_init.sql) takes that number as its timestamp,
 * which must be free in its directory (discovery wants them to agree). An
 * existing file is never overwritten (ERR_STATE); a missing directory that
 * is not a .sql path is ERR_USAGE.
 */
int fileops_generate(const char *where, const char *description, time_t now,
		     struct buf *path_out, struct buf *uuid_out, struct err *e);

/*
 * Set the timestamp of migration id (uuid or timestamp) to now (or the
 * next free second after the newest migration's timestamp if that is
 * later, so it sorts last) in its header and rename the file to match.
 * Atomic: the new file is written beside the old one, fsynced, linked to
 * its final name (failing if taken, then trying the next second), and only
 * then is the old name removed. Only the digits of the header's
 * `migratore: timestamp = N` line change (any comment leader, so
 * executables too); the rest of the name, every other byte and the mode
 * are kept. ERR_NOTFOUND "migration 'x' not found in <dir>".
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
 *
 * The new file (format in worker/merge.h: bodies copied byte for byte
 * under a `-- from <uuid> (<file>)` line) has a fresh uuid, the description
 * "squash of N migrations: d1; d2; ...", and the newest original's
 * timestamp rather than now (now is unused): it then sorts where the
 * originals did, before the migrations that followed them. An output file
 * in the migrations directory must be named <timestamp>[_slug].sql (its
 * number is then the timestamp), or it would vanish from discovery with
 * the originals (ERR_USAGE). Refused before anything is written: an id
 * not found (ERR_NOTFOUND "migration 'x' not found in <dir>"), a range of
 * one migration (ERR_USAGE), an executable (ERR_MIGFILE at that file), a
 * name already taken under squashed/ (ERR_STATE). The merged text is parsed
 * and compared statement by statement with the originals before it is
 * written. If moving an original fails, those moved are put back and the
 * new file removed; if even that fails the message says what is where.
 * res is overwritten: release it whatever the result.
 */
int fileops_squash(const struct migset *ms, const char *start, const char *end,
		   const char *output, time_t now, struct squash_result *res,
		   struct err *e);
void squash_result_release(struct squash_result *res);

#endif
