/*
 * A transactional migration in one round trip: BEGIN, the claim that no
 * other runner recorded it meanwhile, its statements (each one the engine
 * commits implicitly marked in flight before it and followed by its
 * progress, each committed at once), the success row, the clear of the
 * progress row and COMMIT go out as one batch (worker/batch.h). When
 * something in it fails, the attempt is filled as the statements run one
 * by one would have filled it, and runner.c records it the same way.
 */
#ifndef MIG_WORKER_RUNBATCH_H
#define MIG_WORKER_RUNBATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "worker/attempt.h"
#include "worker/migration.h"
#include "worker/runner.h"

/*
 * Whether op goes as one batch: a transactional section run from its
 * start, none of whose statements changes the session (the bookkeeping
 * in the same batch must not depend on it; those run one by one), and no
 * testing hook set.
 */
bool runbatch_able(const struct runner *r, const struct migration *m,
		   const struct section *s, int from);
/*
 * op of m as one batch. 0: it ran (a says how; a->recorded when the
 * batch wrote its row, *id its object_id); 1 or < 0: it did not begin
 * (recorded meanwhile by another runner, or an error, in e).
 */
int runbatch_op(struct runner *r, const struct migration *m, enum op op,
		const struct section *s, bool force, struct attempt *a,
		int64_t *id, struct err *e);
/*
 * The batch stopped at a statement that waited too long for a table's
 * lock (nothing of it happened; PostgreSQL rolled the batch back, MySQL
 * kept the statements before it, which committed with their progress).
 * True when, after the pause, the operation goes on one statement at a
 * time from *from, the first that did not commit, with the retries of
 * the statements run one by one: the batch is for migrations that get
 * their locks at once. False: a is what to record.
 */
bool runbatch_retry(struct runner *r, const struct migration *m,
		    struct attempt *a, int *from);

#endif
