/*
 * Runs one operation of one migration against an open, locked connection
 * and records it (SPEC 6.1): the statements of the section in one
 * transaction together with the success row; on failure a rollback, an
 * error row in a fresh transaction naming the statement and how many of the
 * section's statements were already committed, and with SAFE off a
 * recovery Rollback. The cleanup section runs after every operation.
 */
#ifndef MIG_RUNNER_H
#define MIG_RUNNER_H

#include <stdbool.h>

#include "common/err.h"
#include "config/target.h"
#include "drivers/driver.h"
#include "worker/ledger.h"
#include "worker/migration.h"
#include "worker/sink.h"

enum op {
	OP_RUN,         /* upgrade: section run */
	OP_RUN_PARTIAL, /* rebuild: run_partial, or run from a resume point */
	OP_RUN_SKIP,    /* skip, mark: run_skip if present */
	OP_ROLLBACK,    /* downgrade (force) or recovery (no force) */
};

struct runner {
	struct db *db;
	const struct target *t;
	struct ledger *ledger;
	struct sink *sink;
	const char *run_id;
	const char *host;
	struct run_summary *sum;
};

/* "Run", "Run Partial", "Run Skip", "Rollback" */
const char *op_name(enum op op);

/*
 * Run op on m. from is the first statement (0-based) for OP_RUN_PARTIAL
 * without a run_partial section; 0 otherwise. force matters for
 * OP_ROLLBACK only. Returns 0 on success; ERR_FAILED when the operation
 * failed and was recorded (the message in e); another code when even the
 * record could not be written (the connection was lost).
 */
int runner_run(struct runner *r, const struct migration *m, enum op op,
	       int from, bool force, struct err *e);

#endif
