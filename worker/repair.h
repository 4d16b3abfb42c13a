/*
 * `repair` (Flyway's word): the user says a drifted migration's change was
 * intended, and its current checksum is recorded, without running
 * anything. Each one gets a row of its own, appended like every row (the
 * table is append-only): operation `Repair`, result `success`, the
 * checksum of what its run section is now on this engine
 * (worker/drift.h), the operator, run id and host, no duration. Drift is
 * then measured against that row.
 *
 * The Python tool reads the table too. A Repair row changes nothing of
 * what it considers applied: it is written only for a migration that is
 * applied (its latest successful row is not a Rollback, so it stays so),
 * with the migration's own uuid and timestamp (a success row no newer than
 * its Run, so 0.6's high-water mark does not move). Its `list` shows the
 * row, operation Repair.
 */
#ifndef MIG_REPAIR_H
#define MIG_REPAIR_H

#include "common/err.h"
#include "worker/migration.h"
#include "worker/runner.h"

/*
 * Record m's current checksum: one Repair row in a transaction of its
 * own, told to r->sink as a step (operation "Repair"), counted in
 * r->sum->applied. The caller holds the lock and made the table
 * writable. 0, or the error that kept the row from being written.
 */
int repair_record(struct runner *r, const struct migration *m,
		  struct err *e);

#endif
