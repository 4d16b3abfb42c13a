/*
 * `status` of one target: every migration known from the directory and
 * from the bookkeeping table, one line each, with its state (worker/plan.h:
 * applied, baseline, skipped, drifted, failed, partial, rolled back,
 * pending, missing), when its row was written and how long it took, and a
 * note that says what comes next where something does (the command for a
 * failed or partial migration, `repair` for a drifted one). Above the
 * lines nothing; below them the counts and the last run: the newest row
 * of the table and the rows of its run (one run_id), failed when one of
 * them is an error, with its age.
 *
 * Pure: built from the plan, the rows and the files (no I/O), rendered as
 * text (the table) or JSON (docs/report-schema.md, "status"). A fleet
 * worker sends the brief JSON (no "migrations" array: the counts, the
 * newest applied migration, the problems) for the coordinator's overview
 * (orchestrator/fleetstatus.h).
 *
 * The entries borrow from the migrations, the rows and the plan, which
 * must outlive the status.
 */
#ifndef MIG_STATUS_H
#define MIG_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/json.h"
#include "worker/ledger.h"
#include "worker/migset.h"
#include "worker/plan.h"

#define STATUS_SCHEMA_VERSION 1

struct status_entry {
	enum plan_state state;
	const struct migration *m;    /* NULL: missing (a row, no file) */
	const struct ledger_row *row; /* the row behind the state (plan.h);
					 missing: the uuid's latest row */
	const struct plan_detail *detail; /* NULL for a missing one */
	int total;                    /* partial: statements of its run
					 section on this engine */
	bool out_of_order;            /* pending, older than the newest
					 applied one */
	const char *was;              /* missing: "applied", "rolled back",
					 "failed" (what its rows say) */
};

struct status {
	const char *engine;
	const char *dir;
	struct status_entry *v;     /* by timestamp, missing ones among them */
	size_t n;
	size_t counts[PLAN_NSTATES];
	size_t pending;             /* migrations not applied (failed,
				       partial, rolled back included) */
	const struct migration *latest; /* the newest applied; NULL */
	const struct ledger_row *baseline;
	const struct ledger_row *last;  /* the table's newest row; NULL */
	bool last_failed;           /* a row of its run is an error */
	int64_t last_end;           /* the latest end of its run's rows */
	int64_t now;                /* epoch seconds, for ages */
};

void status_build(struct status *st, const struct migset *ms,
		  const struct ledger *l, const struct plan *p,
		  const char *engine, int64_t now);
void status_release(struct status *st);

/* What --strict refuses: something pending (failed and partial ones are
 * pending too) or drifted. */
bool status_unclean(const struct status *st);
/* "2 pending (1 failed), 1 drifted": what --strict says. */
void status_problems(const struct status *st, struct buf *out);

/* The table, the counts and the last run, newline-terminated. */
void status_text(const struct status *st, struct buf *out);

/*
 * The status as the value of key (NULL in an array) of the object j is
 * writing. brief leaves the "migrations" array out and lists only the
 * problems (failed, partial, drifted).
 */
void status_json(const struct status *st, bool brief, const char *key,
		 struct json *j);

/* An age in seconds as people say it: "45s", "12m", "3h", "2d". */
void status_age(int64_t seconds, struct buf *out);

#endif
