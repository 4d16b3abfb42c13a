/*
 * `status --inventory`: the fleet at a glance, from what each target's
 * worker read (its brief status, worker/status.h, sent as its RESULT:
 * one JSON object, cut into frames without a separator when it is long).
 * Pure: built from the report's rows, rendered as text or JSON.
 *
 * The text, top to bottom:
 *   - the version skew: how many targets stand at each latest applied
 *     migration, newest first ("1795770900 add currency: 52 targets"),
 *     then "nothing applied" and the targets that sent no status;
 *   - the targets that need a look: a failed or partial migration, a
 *     drifted one (each with its note), a target that sent no status
 *     (unreachable, crashed, ... with the reason);
 *   - one line per target: engine, latest applied migration, pending and
 *     drifted counts, the last run's result and age (from its rows);
 *   - the counts: each target in one category, the first that applies:
 *     not reached (by its fleet status: unreachable, crashed, ...),
 *     failed, drifted, behind (something pending), up to date.
 *
 * Under --strict (or STATUS_STRICT) the run fails (exit 1) unless every
 * target is up to date; without it only when a target sent no status.
 */
#ifndef MIG_FLEETSTATUS_H
#define MIG_FLEETSTATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/jsonparse.h"
#include "orchestrator/report.h"

enum fleetstatus_kind {
	FLEETSTATUS_UP_TO_DATE,
	FLEETSTATUS_BEHIND,
	FLEETSTATUS_DRIFTED,
	FLEETSTATUS_FAILED,
	FLEETSTATUS_NOT_REACHED,
	FLEETSTATUS_NKINDS
};

struct fleetstatus_target {
	const struct report_row *row;
	struct json_value *doc;       /* its brief status; NULL: none */
	enum fleetstatus_kind kind;
	const struct json_value *latest; /* null or absent: none applied */
	int64_t pending, drifted, failed;
};

/* The targets at one latest applied migration. */
struct fleetstatus_skew {
	const struct json_value *latest; /* NULL: nothing applied */
	size_t targets;
};

struct fleetstatus {
	struct fleetstatus_target *v;
	size_t n;
	struct fleetstatus_skew *skew; /* newest first */
	size_t nskew;
	size_t unknown;                /* targets without a status */
	size_t counts[FLEETSTATUS_NKINDS];
	bool strict;
	int64_t now;                   /* epoch seconds, for ages */
};

/* From the rows of a finished status run (borrowed: they must outlive
 * fs). */
void fleetstatus_build(struct fleetstatus *fs, const struct report_row *rows,
		       size_t n, bool strict, int64_t now);
void fleetstatus_release(struct fleetstatus *fs);

/* Whether the run fails for what the targets said: --strict and some
 * target not up to date. (Targets without a status fail it anyway.) */
bool fleetstatus_fails(const struct fleetstatus *fs);

/* The text above; color: ANSI colours for the failed and drifted. */
void fleetstatus_text(const struct fleetstatus *fs, bool color,
		      struct buf *out);

/* The "status" member of the JSON report (docs/report-schema.md). */
void fleetstatus_json(const struct fleetstatus *fs, struct json *j);

#endif
