/*
 * The bookkeeping table `migratore` (SPEC 5), shared with the Python tool:
 * the same fifteen columns and strings, plus nullable columns of our own
 * (checksum, statement, committed, run_id, host) that the Python tool
 * ignores. A table the Python tool made (32-bit integers, latin1, duplicate
 * indexes) is used as it is; missing columns are added. Every value is
 * bound, never spliced into SQL.
 *
 * Both tables live in the schema the driver captured at connect (db->schema)
 * and every statement names them qualified, so a migration that changes
 * search_path or USEs another database moves nothing. New tables hold any
 * text (MySQL: utf8mb4). A row is written whatever its text: what a column
 * cannot hold (a latin1 table, a varchar shorter than an error) is fitted
 * to it (drivers/textfit.h) and the caller is told, so that it can warn;
 * the full text stays in the report. Text is otherwise stored byte for byte.
 *
 * Rows are appended only, each with object_id = max + 1 allocated inside
 * the migration lock, or inside the transaction ledger_claim serialised.
 */
#ifndef MIG_LEDGER_H
#define MIG_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strv.h"
#include "drivers/driver.h"
#include "worker/batch.h"

#define LEDGER_TABLE "migratore"
/*
 * Progress of a migration whose statements commit one by one (MySQL DDL,
 * `transaction = off`): after each commit the number of statements
 * committed so far is recorded here, durably, so that a run killed in the
 * middle (SIGKILL, a lost machine) leaves behind where the next run must
 * resume. With the count, the checksums of the committed statements
 * (worker/resume.h), so that the next run resumes only where the file
 * still has them. A row lives while its migration is unfinished: killed,
 * cut off, or failed after statements committed (the error row has the
 * count too, for `rebuild`). The Python tool does not know this table
 * and does not need to.
 */
#define LEDGER_PROGRESS_TABLE "migratore_progress"

struct ledger_progress {
	char *uuid;
	int64_t committed;
	char *checksums; /* resume.h's list; NULL: written without one */
};

struct ledger_row {
	int64_t object_id;
	char *uuid;
	int64_t timestamp;
	char *name;
	char *description;
	char *result;    /* "success" or "error" */
	char *error;
	char *traceback;
	char *operator_name;
	char *operation; /* "Run", "Run Partial", "Run Skip", "Rollback" */
	int64_t start;
	int64_t end;
	int64_t duration;
	char *start_s;
	char *end_s;
	char *checksum;
	char *statement;
	int64_t committed; /* -1 when NULL */
	char *run_id;
	char *host;
};

struct ledger {
	struct ledger_row *v; /* ascending object_id */
	size_t n;
	size_t cap;
	bool exists;          /* the table was there */
	struct db_columns cols; /* the table's columns, as found */
	struct ledger_progress *progress; /* unfinished migrations */
	size_t nprogress;
	size_t progress_cap;
	bool progress_exists; /* the progress table was there */
};

#define LEDGER_INIT { NULL, 0, 0, false, DB_COLUMNS_INIT, NULL, 0, 0, false }

/* The uuid of the Python tool's `mark` row: a baseline (plan.h). */
#define LEDGER_BASELINE_UUID "da023aab-736d-40a6-8e9b-c6175c1241f5"

/*
 * Create the table if l says it is missing, and add the columns l lacks,
 * in one transaction; afterwards l->cols describes every column. l must
 * come from ledger_load on the same connection.
 */
int ledger_ensure(struct db *db, struct ledger *l, struct err *e);

/*
 * Read every row, ascending object_id. With full false the long text
 * columns (traceback, statement) are not read. A missing table is an
 * empty ledger, not an error (dry runs must not create it).
 */
int ledger_load(struct db *db, bool full, struct ledger *out, struct err *e);
/*
 * The migration lock (db_lock, waiting up to timeout seconds), then
 * ledger_load; where the lock is a statement its first try goes in the
 * same round trip as the reads. *locked says whether the lock is held
 * (also when the reads failed after it was taken).
 */
int ledger_lock_load(struct db *db, bool full, int timeout, struct ledger *out,
		     bool *locked, struct err *e);
void ledger_release(struct ledger *l);

/* The row with this object_id, or NULL. */
const struct ledger_row *ledger_find(const struct ledger *l, int64_t id);
bool ledger_row_success(const struct ledger_row *r);
/* The Python tool's `mark` row: success, uuid LEDGER_BASELINE_UUID. */
bool ledger_row_baseline(const struct ledger_row *r);

/* "27 Nov 2026 09:09:39" (UTC), the Python tool's start_s format. */
void ledger_format_time(int64_t t, char out[32]);

/* Writing rows: appended, ended, claimed (every caller of the ledger
 * writes too). */
#include "worker/ledger_write.h"

#endif
