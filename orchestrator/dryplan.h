/*
 * The fleet-wide plan of a dry run (dry_upgrade, dry_downgrade with
 * --inventory): what the real run would do, summed over every target.
 *
 *   Plan: 412 targets will apply 3 migrations (1,236 steps); 2 unreachable;
 *   1 locked; 1 drifted; 0 out of order
 *     412  <Migration 3f6c... 1795770571 create the users table>
 *     ...
 *
 * A target "will apply" when its dry run succeeded and listed migrations
 * (the worker's RESULT lines, `<Migration uuid timestamp description>`);
 * each listed migration is a step, and each migration line counts the
 * targets that would apply it. "up to date": nothing to do. "unreachable",
 * "locked": the real run could not start there now (the dry run probes the
 * lock without waiting). "out of order" (dry_upgrade): the real upgrade
 * would refuse a pending migration older than the newest applied one.
 * With --sql each target also sent the SQL it would run; identical texts
 * are grouped, so that a fleet of 60 shows each distinct plan once.
 * "drifted": an applied migration's file changed since (a WARNING); such
 * a target is counted in its own status too, since the real run proceeds
 * there: drift is a warning, not a failure. Anything else that failed is
 * "other". Pure: outcomes in, text and JSON out.
 */
#ifndef MIG_DRYPLAN_H
#define MIG_DRYPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/strv.h"
#include "orchestrator/outcome.h"

struct dryplan_mig {
	char *line;        /* the RESULT line, as the worker wrote it */
	char *uuid;        /* NULL when the line is not a <Migration ...> */
	long long timestamp;
	char *description;
	size_t targets;    /* targets that would apply (roll back) it */
};

/* dry runs with --sql: one text (worker/sqlplan.h) and the targets that
 * would run exactly that. */
struct dryplan_sql {
	char *text;
	uint64_t hash;
	struct strv targets; /* names, in inventory order */
	size_t first;        /* the first one's position in the run */
};

struct dryplan {
	bool downgrade;    /* dry_downgrade: "roll back", else "apply" */
	size_t targets;
	size_t changing;   /* would apply (roll back) at least one */
	size_t up_to_date;
	size_t unreachable;
	size_t locked;
	size_t drifted;
	size_t out_of_order;
	size_t other;
	size_t steps;      /* migrations summed over the changing targets */
	struct dryplan_mig *v; /* by timestamp once finished */
	size_t n;
	size_t cap;
	size_t *index;     /* while adding: open addressing on line */
	size_t nindex;
	struct dryplan_sql *sql; /* the distinct SQL texts, largest group
				    first once finished */
	size_t nsql;
	size_t capsql;
};

void dryplan_init(struct dryplan *p, bool downgrade);
void dryplan_release(struct dryplan *p);

/* Count one target's classified outcome; name: the target's, for the
 * SQL groups. */
void dryplan_add(struct dryplan *p, const char *name,
		 const struct outcome *o);
/* Sort the migrations by timestamp; call once every target is added. */
void dryplan_finish(struct dryplan *p);

/* Whether the real command could proceed on every target. */
bool dryplan_clear(const struct dryplan *p);

/* The plan's lines (see above), newline-terminated. */
void dryplan_text(const struct dryplan *p, struct buf *out);
/*
 * --sql: one block per distinct SQL text, the largest group first:
 * "== 38 targets: sq-01 sq-02 ... ==" (the first 50 names, then
 * "... and N more"), then the text. Nothing without --sql.
 */
void dryplan_sql_text(const struct dryplan *p, struct buf *out);
/* The "plan" object of the JSON report (key "plan"); with --sql its
 * "sql" array holds {"targets": [names], "sql": text} per group. */
void dryplan_json(const struct dryplan *p, struct json *j);

/* n with thousands separators: 1236 -> "1,236". */
void dryplan_count(struct buf *out, size_t n);

#endif
