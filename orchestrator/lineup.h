/*
 * Which targets a fleet run takes, and in which rollout:
 *
 *   1. --select EXPR (config/selection.h) on the inventory's targets;
 *   2. --resume REPORT.json: of those, only the ones REPORT says did not
 *      finish (reportdoc_unfinished: failed, timed out, unreachable, not
 *      reached, ...); a name of REPORT that is no longer in the inventory
 *      is a warning;
 *   3. --shard K/N (shard.h): of those, the ones in slice K.
 *
 * An empty result after --resume or --shard is no error (every target of
 * the report finished; a shard with nothing in it): the run has nothing to
 * do. The rollout is the inventory's `rollout` section, or --canary's two
 * waves instead; --max-failures replaces its budget (config/rollout.h).
 */
#ifndef MIG_LINEUP_H
#define MIG_LINEUP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "common/strv.h"
#include "config/inventory.h"
#include "config/options.h"
#include "config/rollout.h"
#include "orchestrator/reportdoc.h"
#include "orchestrator/shard.h"

struct lineup {
	const struct options *opts;    /* --select, --resume, --shard,
					  --canary, --max-failures */
	struct shard shard;
	bool sharded;
	struct rollout *own;           /* --canary's, or one for the budget */
	const struct rollout *rollout; /* the run's; NULL = one wave */
	struct rollout_budget budget;  /* --max-failures */
	bool resuming;
	struct reportdoc *resume_doc;  /* --resume: the report (its
					  discovered targets) */
	struct strv unfinished;        /* --resume: names, sorted */
	struct strv warnings;          /* for stderr, one line each */
};

/*
 * Check the options of o that need no inventory and read the --resume
 * report; o must outlive l. command: this run's, to compare with the
 * report's. ERR_USAGE (a bad --shard, --canary or --max-failures) or
 * ERR_CONFIG / ERR_IO (a report that cannot be read) with the message in e.
 */
int lineup_init(struct lineup *l, const struct options *o,
		const char *command, struct err *e);
void lineup_release(struct lineup *l);

/*
 * The targets of inv the run takes, in inventory order, into sel (room
 * for inv->n) and *n. *selected: how many --select alone took (0: a
 * --select that matches nothing, an error for the caller).
 */
void lineup_select(struct lineup *l, const struct inventory *inv,
		   struct target **sel, size_t *n, size_t *selected);

/*
 * The run's rollout, into l->rollout: ERR_USAGE when --canary matches no
 * target of the inventory. May change inv's rollout (its budget).
 */
int lineup_rollout(struct lineup *l, struct inventory *inv, struct err *e);

#endif
