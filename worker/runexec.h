/*
 * A section's statements run one by one on the runner's connection, the
 * progress table kept up to date as they commit, so that a run that ends
 * anywhere is resumed, not repeated (worker/resume.h). Inside the
 * operation's transaction only what the engine commits implicitly (MySQL
 * DDL) counts as committed: each such statement is marked in flight
 * before it runs (worker/indoubt.h) and counted after. With `transaction
 * = off` every statement commits on its own: one that can share a
 * transaction with its progress row (db_transactional) runs in one with
 * it, BEGIN, statement, row, COMMIT in one round trip, so no run ends
 * between its commit and its count; the others are marked in flight.
 * Under LOCK TABLES the count waits for the next commit after UNLOCK
 * TABLES, or for the end of the section.
 *
 * The testing aid of docs/hacking.md lives here too:
 * MIGRATORE_TESTING_KILL_AT=STEP raises SIGKILL when the run reaches
 * STEP, MIGRATORE_TESTING_STOP_AT=STEP SIGSTOP (once), so that
 * tests/integration/faults.sh interrupts a migration exactly there.
 */
#ifndef MIG_WORKER_RUNEXEC_H
#define MIG_WORKER_RUNEXEC_H

#include <stdbool.h>

#include "common/err.h"
#include "worker/attempt.h"
#include "worker/migration.h"
#include "worker/runner.h"

/*
 * Execute statements from..n-1 of s (replaying the session statements
 * before from first), then put the session back and make sure the
 * progress table knows every commit before the row is attempted. 0, or
 * < 0 with what failed in a (a->committed: how many committed).
 */
int runexec_section(struct runner *r, const struct migration *m,
		    const struct section *s, int from, bool transactional,
		    struct attempt *a);
/* The progress row of m: a->committed statements, with their checksums
 * (worker/resume.h). */
int runexec_set_progress(struct runner *r, const struct migration *m,
			 const struct attempt *a, struct err *e);
/* Is a testing hook set (then migrations run statement by statement)? */
bool runexec_testing(void);
/*
 * The run reached step (n > 0: "step:n"): begin, executed:N (statement N
 * ran, its progress not yet written; a wrapped statement's transaction
 * still open), statement:N (and written), row (the row written, not
 * committed) or commit (just before the row's COMMIT).
 */
void runexec_testing_point(const char *step, int n);

#endif
