/*
 * The pure part of squash (SPEC 6): the text of one SQL migration that runs
 * what several ran, built from their files' bytes. No I/O.
 *
 * For each section kind, and for the plain section and each engine that
 * some original qualifies that kind with, the merged section holds, per
 * original in run order (rollback: reverse order), what that original runs
 * there: for `run postgres` its own `run postgres` if it has one, else its
 * plain `run`; for the plain `run` its plain `run`. Each body is copied
 * byte for byte after a line `-- from <uuid> (<file name>)`; an original
 * without such a section gets `-- from <uuid> (<file>): no <kind> section`.
 * After a body, a final statement left without its delimiter gets one and
 * a changed delimiter is reset with `-- migratore: delimiter ;`, so bodies
 * never run into each other.
 */
#ifndef MIG_MERGE_H
#define MIG_MERGE_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "worker/migration.h"

struct merge_src {
	const struct migration *m; /* parsed from exactly text */
	const char *text;
	size_t len;
};

/*
 * The new description, one line: "squash of N migrations: d1; d2; ..."
 * (an original without a description is named by its uuid).
 */
void merge_description(const struct merge_src *src, size_t n,
		       struct buf *out);

/*
 * Append what follows the uuid, timestamp and description lines:
 * `-- migratore: replaces = <uuids>`, `-- migratore: transaction = off` if
 * any original had it, then the merged sections (kinds in the order of
 * enum section_kind; plain first, then engines in alphabetical order).
 */
void merge_body(const struct merge_src *src, size_t n, struct buf *out);

/*
 * Check that merged (the parse of the result) runs, for every kind and for
 * the plain section and every engine named in any original, exactly the
 * statements the originals ran, in order. ERR_INTERNAL if not: a bug, and
 * the caller writes nothing.
 */
int merge_check(const struct merge_src *src, size_t n,
		const struct migration *merged, struct err *e);

#endif
