/*
 * What is applied and what is pending (SPEC 5), computed from the migration
 * files and the bookkeeping rows alone: no I/O, unit-tested without a
 * database.
 *
 * Applied: the most recent successful row for the uuid has an operation
 * other than Rollback; a squashed migration without rows of its own counts
 * as applied when every uuid it replaces is. Pending: every other
 * migration, in timestamp order. Out of order: a pending migration older
 * than the newest applied one. Drifted: an applied migration whose run
 * section changed since its latest successful Run was recorded.
 */
#ifndef MIG_PLAN_H
#define MIG_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "worker/ledger.h"
#include "worker/migset.h"

struct plan {
	size_t n;               /* = ms->n */
	bool *applied;          /* per migration, in migset order */
	bool *drifted;
	long newest_applied;    /* index, -1 when nothing is applied */
	size_t *pending;        /* indexes, ascending */
	size_t npending;
	size_t *out_of_order;   /* subset of pending older than newest_applied */
	size_t nout_of_order;
	size_t ndrifted;
};

void plan_compute(const struct migset *ms, const struct ledger *l,
		  const char *engine, struct plan *p);
void plan_release(struct plan *p);

/* The latest successful row for uuid, or NULL. */
const struct ledger_row *plan_latest_success(const struct ledger *l,
					     const char *uuid);
bool plan_uuid_applied(const struct ledger *l, const char *uuid);

/*
 * Where `rebuild` resumes `run` (SPEC 4.2): the highest committed count
 * among the error rows of uuid since its latest successful row (a
 * recovery Rollback or a completed run resets it); 0 when there is none.
 */
int plan_resume_point(const struct ledger *l, const char *uuid);

#endif
