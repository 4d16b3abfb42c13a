/*
 * The progress table, LEDGER_PROGRESS_TABLE (ledger.h says what it is
 * for): its rows, each the count of statements an unfinished run of a
 * migration committed and their checksums (worker/resume.h), read into
 * struct ledger with the bookkeeping table and written one statement at
 * a time or inside a batch. ledger.c makes the table (ledger_ensure);
 * the parts it shares with this module are at the end.
 */
#ifndef MIG_WORKER_LEDGER_PROGRESS_H
#define MIG_WORKER_LEDGER_PROGRESS_H

#include <stdbool.h>

#include "drivers/driver.h"
#include "worker/batch.h"
#include "worker/ledger.h"

/*
 * Read the progress rows into l without writing anything (a dry run; a
 * writing command gets them from ledger_ensure). A missing table is no
 * progress.
 */
int ledger_read_progress(struct db *db, struct ledger *l, struct err *e);

/*
 * Record (committed >= 0, with the checksums of those statements) or
 * clear (committed < 0) the progress of uuid: one statement (an INSERT
 * the first time, an UPDATE after, a DELETE to clear), so it is atomic on
 * its own. Outside a transaction it commits at once; inside one it
 * commits with it (the row of a finished migration clears its progress in
 * the same transaction).
 */
int ledger_set_progress(struct db *db, struct ledger *l, const char *uuid,
			int committed, const char *checksums,
			const char *run_id, struct err *e);
/* A progress row to write: ledger_set_progress's arguments. */
struct ledger_progress_set {
	const char *uuid;
	int committed;
	const char *checksums;
	const char *run_id;
};
/*
 * ledger_set_progress's statement added to b (false: none is needed, a
 * clear of nothing). *known says whether uuid has a progress row before
 * it, and is updated for the next one; once it ran, ledger_progress_note
 * brings l up to date.
 */
bool ledger_progress_stmt(struct db *db, const struct ledger_progress_set *ps,
			  bool *known, struct batch *b, int tag, int arg);
void ledger_progress_note(struct ledger *l, const char *uuid, int committed,
			  const char *checksums);
bool ledger_progress_known(const struct ledger *l, const char *uuid);
/* Statements of uuid an unfinished run committed; 0 when none. */
int ledger_progress_of(const struct ledger *l, const char *uuid);
/* Their checksums (resume.h); NULL when none were recorded. */
const char *ledger_progress_sums(const struct ledger *l, const char *uuid);

/* ---- for ledger.c ---- */

/* The CREATE TABLE of the progress table, unless it exists, into b. */
void ledger_progress_create(struct db *db, struct batch *b);
/*
 * The read of every progress row into b, its rows to *rows; sums: the
 * table has the checksums column (else uuid stands in for it, unread).
 */
void ledger_progress_select(struct db *db, bool sums, struct batch *b,
			    struct db_rows **rows);
/* The rows ledger_progress_select read, into l. */
void ledger_progress_rows(struct ledger *l, const struct db_rows *rows,
			  bool sums);
/* Free l's progress rows. */
void ledger_progress_release(struct ledger *l);

#endif
