/*
 * Writing to the bookkeeping table (worker/ledger.h): rows appended, alone
 * or as statements of a batch; a row's end set again; and the claim, the
 * check that no other run recorded a migration since the table was read.
 * Every function takes the struct ledger that ledger_load (and
 * ledger_ensure) filled on the same connection, and keeps it in step
 * with what it wrote. The text of an INSERT for people (dry_upgrade
 * --sql) is here too, next to the INSERT it shows.
 */
#ifndef MIG_LEDGER_WRITE_H
#define MIG_LEDGER_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strv.h"
#include "drivers/driver.h"
#include "worker/batch.h"

struct ledger;
struct ledger_row;

/*
 * Append a row: object_id is max + 1, computed by the INSERT itself (so
 * rows written by another tool are respected, and no read goes first);
 * inserts with bound values and records the row in l. The caller owns
 * the transaction. A text its column cannot hold is fitted to it; fitted
 * (may be NULL) then receives one line per such column ("error: 3 characters latin1 cannot hold
 * replaced by '?'").
 */
int ledger_append(struct db *db, struct ledger *l,
		  const struct ledger_row *row, int64_t *id_out,
		  struct strv *fitted, struct err *e);

/*
 * The second line of defence against a run that did not take the lock
 * (SPEC 7): called first in the transaction that is to record uuid
 * (serialise true: the transaction is open, and the engine is asked to
 * make every other writer of the table wait until it ends), it reads
 * whether a row for uuid was written since l was loaded. Returns 0 when
 * none was (go on), 1 when one was (*other then points at that row, now
 * in l: the caller must not run the migration), < 0 on error. One query,
 * after the serialising statement (see ledger_write.c for how it becomes a
 * statement of a pipeline).
 */
int ledger_claim(struct db *db, struct ledger *l, const char *uuid,
		 bool serialise, const struct ledger_row **other,
		 struct err *e);

/*
 * The same for a batch (worker/batch.h), each statement tagged tag/arg:
 * ledger_append_stmt adds the INSERT (fitted as ledger_append says);
 * once it ran, ledger_appended records row in l and returns its
 * object_id. ledger_claim_stmts adds the serialising statement and the
 * check, a statement that fails when ledger_claim would return 1 (the
 * caller then rolls back and calls ledger_claim to learn the row); it
 * returns the check (NULL when the table does not exist: nothing added).
 */
void ledger_append_stmt(struct db *db, const struct ledger *l,
			const struct ledger_row *row, struct strv *fitted,
			struct batch *b, int tag, int arg);
int64_t ledger_appended(struct ledger *l, const struct ledger_row *row);
struct db_stmt *ledger_claim_stmts(struct db *db, const struct ledger *l,
				   const char *uuid, struct batch *b, int tag);

/*
 * Row id ended at end, not when it was written: its end, duration and
 * end_s are set again (a batch writes the row before the migration ran).
 */
int ledger_set_end(struct db *db, struct ledger *l, int64_t id, int64_t end,
		   struct err *e);

/* Make every other writer of the table wait until the open transaction
 * ends (a no-op where begin does it already). */
int ledger_serialise(struct db *db, struct err *e);

/*
 * The INSERT ledger_append runs for row, as text for people to read
 * (dry_upgrade --sql): every column, quoted for db, with the values
 * written in (strings as SQL literals, NULL) instead of bound, and those
 * only known when the row is written (columns named in unknown, a
 * NULL-terminated list) as <column>. Never executed.
 */
void ledger_insert_text(struct db *db, const struct ledger_row *row,
			const char *const *unknown, struct buf *out);

#endif
