/*
 * Trying a migration again after its statement waited too long for a
 * table's lock (DDL_LOCK_TIMEOUT; the driver says which errors are such a
 * timeout, db_lock_timed_out). A migration queued behind a long
 * transaction would park every later query of its table behind itself;
 * with a short timeout it steps aside instead, lets the traffic through
 * for a pause, and queues again, until DDL_LOCK_RETRIES (a total time,
 * counted from the migration's first try) is spent.
 *
 * The pauses start at LOCKRETRY_FIRST seconds and double up to
 * LOCKRETRY_MOST, each one jittered to between half and one and a half
 * times its base, so that the workers of a fleet queued behind one
 * holder do not come back all at once.
 */
#ifndef MIG_LOCKRETRY_H
#define MIG_LOCKRETRY_H

#include <stdbool.h>
#include <time.h>

#include "common/buf.h"
#include "drivers/driver.h"

#define LOCKRETRY_FIRST 0.5
#define LOCKRETRY_MOST 8.0

struct lockretry {
	double budget;       /* seconds in all; 0 = never again */
	struct timespec t0;  /* the first try */
	int tries;           /* retries so far */
	unsigned int seed;   /* of the jitter */
};

/* Start counting now; budget in seconds (0: no retry). */
void lockretry_init(struct lockretry *lr, double budget);

/*
 * After a lock timeout: when the next pause still ends within the budget,
 * sleep for it, count a retry and return true; otherwise return false
 * (the caller gives up and says who held the lock).
 */
bool lockretry_wait(struct lockretry *lr);

/* Seconds since lockretry_init. */
double lockretry_elapsed(const struct lockretry *lr);

/*
 * Pure: "could not get the lock on <table> held by pid N (query ...)"
 * into out, from what db_lock_holders found (rows of table, pid, query,
 * the longest held first; table NULL when the server cannot say) and
 * the statement that waited: the first holder of a table the statement
 * names, else the first holder. The table is the holder's, else the one
 * the statement names after TABLE or ON, else "its table".
 */
void lockretry_explain(const struct db_rows *holders, const char *stmt,
		       struct buf *out);

/* Pure: the pause before retry n (0-based) for u in [0, 1), the jitter. */
double lockretry_pause(int n, double u);

#endif
