/*
 * Resuming a migration after statements of it committed (a failed run on
 * MySQL/MariaDB, whose DDL commits implicitly; `transaction = off` on any
 * engine; a run killed or cut off): where the next run starts, and
 * whether it may. The progress table (ledger.h) keeps, with the count of
 * committed statements, a checksum of each of them; the next upgrade
 * resumes after them only when the file still has the same statements
 * there, since running the rest of a changed migration would apply a mix
 * of two versions. When they changed, the user decides: restore them, or
 * `rebuild` (resume anyway), `skip` or `mark` (record without running).
 *
 * A statement's checksum is the first RESUME_SUM_LEN hex digits of the
 * SHA-256 of its text as the engine's client splits it (worker/lexer.h:
 * trimmed, comment lines before it dropped), with every run of blanks
 * (spaces, tabs, carriage returns, newlines) counted as one space, so
 * that re-indenting or re-wrapping a statement does not change it. The
 * list of a migration's committed statements is their checksums in order,
 * separated by commas.
 *
 * Pure: no I/O, unit-tested (tests/unit/test_resume.c).
 */
#ifndef MIG_RESUME_H
#define MIG_RESUME_H

#include <stdbool.h>

#include "common/buf.h"
#include "common/err.h"
#include "worker/lexer.h"
#include "worker/migration.h"

#define RESUME_SUM_LEN 12

/* The checksum of one statement's text. */
void resume_sum(const char *sql, char out[RESUME_SUM_LEN + 1]);

/* The checksums of the first n statements of l, comma-separated, appended
 * to out (nothing for n <= 0). */
void resume_sums(const struct stmt_list *l, int n, struct buf *out);
/* Those of statements from to n - 1, appended to out, which holds those of
 * the first from (a list that grows as statements commit). */
void resume_sums_from(const struct stmt_list *l, int from, int n,
		      struct buf *out);

/*
 * A statement that commits on its own is marked in flight before it runs
 * (worker/indoubt.h): the list of the statements committed before it,
 * then its own checksum with a '!' in front ("1a2b3c4d5e6f,!9f8e7d6c5b4a"
 * for statement 2 in flight after statement 1). A version that knows no
 * marks compares the committed ones only and never reads it.
 *
 * resume_mark appends statement i's mark to out (which holds the
 * checksums of the statements before it). resume_in_doubt says whether
 * sums, of a row that counts committed statements, marks statement
 * committed + 1 in flight, and gives its checksum.
 */
void resume_mark(const struct stmt_list *l, int i, struct buf *out);
bool resume_in_doubt(const char *sums, int committed,
		     char sum[RESUME_SUM_LEN + 1]);

/*
 * May the run section of m (its statements l, as this engine splits
 * them) resume after its first committed statements, whose checksums an
 * earlier run recorded in sums? 0 when each of them is unchanged, or when
 * sums is NULL or empty (recorded by a version that kept none: nothing to
 * compare), or lists fewer (only those are compared). Otherwise ERR_STATE
 * naming the first statement that differs, its file:line, both checksums
 * and what to do:
 *   "0042_x.sql (uuid): statement 2 of 3 (0042_x.sql:8) changed after an
 *    earlier run committed it (checksum 1a2b3c4d5e6f then, 9f8e7d6c5b4a
 *    now): the first 2 statements committed, and the rest can run after
 *    them only as they were. Restore statement 2, or say what is true:
 *    `migratore rebuild uuid` runs statement 3 on as the file is now,
 *    `migratore skip` records the migration without running it"
 */
int resume_check(const struct migration *m, const struct stmt_list *l,
		 int committed, const char *sums, struct err *e);

#endif
