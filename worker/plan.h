/*
 * What is applied and what is pending (SPEC 5), computed from the migration
 * files and the bookkeeping rows alone: no I/O, unit-tested without a
 * database.
 *
 * Applied: the most recent successful row for the uuid has an operation
 * other than Rollback; a squashed migration without rows of its own counts
 * as applied when every uuid it replaces is. Pending: every other
 * migration, in timestamp order. Out of order: a pending migration older
 * than the newest applied one. Drifted: an applied migration whose file
 * no longer matches the checksum of its latest successful Run, Repair,
 * or Run Partial that ran its run section (worker/drift.h).
 *
 * Baseline: the Python tool's `mark` wrote one success row with uuid
 * LEDGER_BASELINE_UUID whose timestamp means "every migration up to here
 * is applied". A migration whose timestamp is at most that one's counts as
 * applied (state PLAN_BASELINE) unless a row of its own written after the
 * baseline row says otherwise (a later Rollback makes it pending again).
 * So a file older than the baseline is never pending, and never out of
 * order: it is history the baseline stands for. Baselined migrations
 * count as applied for the out-of-order rule like any other.
 *
 * Each migration's state says a little more than applied or pending, for
 * `status` (worker/status.h); the applied ones are APPLIED, BASELINE,
 * SKIPPED and DRIFTED, every other is pending:
 *   skipped      applied, its latest successful row a Run Skip
 *   drifted      applied, its file changed since (above)
 *   failed       its latest row other than a Rollback is an error (a
 *                recovery Rollback after it undid the attempt)
 *   partial      statements of it stayed committed: an interrupted run
 *                left progress rows (`upgrade` resumes after them), or
 *                an error row says so and no success came after it
 *                (`rebuild` resumes after them)
 *   rolled back  its latest successful row is a Rollback (downgrade)
 * A uuid of the bookkeeping table that no file names (neither its own
 * uuid nor in a `replaces`) and that is not the baseline is missing: the
 * plan lists its rows, a migration it does not have.
 */
#ifndef MIG_PLAN_H
#define MIG_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "worker/ledger.h"
#include "worker/migset.h"

/* Where a migration stands; a later `status` shows it by name. */
enum plan_state {
	PLAN_PENDING,
	PLAN_APPLIED,  /* its own rows say so */
	PLAN_BASELINE, /* at or before the baseline, without rows of its own
			  after it */
	PLAN_SKIPPED,
	PLAN_DRIFTED,
	PLAN_FAILED,
	PLAN_PARTIAL,
	PLAN_ROLLED_BACK,
	PLAN_MISSING,  /* a row without a file: in plan.missing only */
	PLAN_NSTATES
};

/* The rows behind a migration's state. */
struct plan_detail {
	/* applied, skipped, drifted: its latest successful row but a
	 * Repair; failed,
	 * partial: its latest error row (NULL when only progress rows say
	 * so); rolled back: the Rollback; NULL otherwise */
	const struct ledger_row *row;
	const struct ledger_row *ref; /* drifted: the row it differs from;
					 applied: a Repair that recorded a
					 change, or NULL */
	int committed;                /* partial: statements committed */
	bool interrupted;             /* partial: from progress rows */
};

struct plan {
	size_t n;               /* = ms->n */
	bool *applied;          /* per migration, in migset order */
	enum plan_state *state; /* the same, with the reason */
	struct plan_detail *detail;
	int64_t baseline;       /* the baseline's timestamp; -1 when none */
	bool *drifted;
	long newest_applied;    /* index, -1 when nothing is applied */
	size_t *pending;        /* indexes, ascending */
	size_t npending;
	size_t *out_of_order;   /* subset of pending older than newest_applied */
	size_t nout_of_order;
	size_t ndrifted;
	/* uuids without a file: their latest row each, by timestamp */
	const struct ledger_row **missing;
	size_t nmissing;
};

void plan_compute(const struct migset *ms, const struct ledger *l,
		  const char *engine, struct plan *p);
void plan_release(struct plan *p);
/* "pending", "applied", "baseline", "skipped", "drifted", "failed",
 * "partial", "rolled back", "missing" */
const char *plan_state_name(enum plan_state s);
/* Whether a migration in state s counts as applied. */
bool plan_state_applied(enum plan_state s);

/* The baseline row (the newest by timestamp), or NULL when there is none. */
const struct ledger_row *plan_baseline(const struct ledger *l);

/* The latest successful row for uuid, or NULL. */
const struct ledger_row *plan_latest_success(const struct ledger *l,
					     const char *uuid);
bool plan_uuid_applied(const struct ledger *l, const char *uuid);

/*
 * Where `rebuild` resumes `run` (SPEC 4.2): the highest committed count
 * among the error rows of uuid since its latest successful row (a
 * recovery Rollback or a completed run resets it, a Repair does not); 0
 * when there is none.
 */
int plan_resume_point(const struct ledger *l, const char *uuid);

#endif
