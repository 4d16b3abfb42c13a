/*
 * A fleet run's failures grouped by error, for a person who must decide
 * what to do next (the HTML report; any summary can use it): one group per
 * identical first error line once the parts that name the target are
 * replaced, with the engine's DETAIL and HINT and the command that comes
 * next for the whole group. Warnings group the same way.
 *
 * Normalising a line: every occurrence of the target's name, its database
 * (the file's path and its last component for SQLite, the database name
 * for a server) and its host (from the masked description,
 * target_describe's "postgres user:****@host:5432/db") becomes <target>,
 * <db> or <host>; an occurrence counts when it does not continue a longer
 * word of letters, digits and '_' (so "pg-1" is not found in "pg-10"),
 * and, for a value of letters only, which could be a word of the message
 * ("failed", "legacy"), when it comes right after a quote or a slash
 * (database "legacy", /srv/legacy). Values shorter than two bytes are
 * left alone. Longer values are tried first. Nothing else is touched: two different values in the engine's
 * message (`Duplicate entry 'a@x'`, `'b@x'`) are two groups.
 *
 * Grouping: the key is the status, what comes next (below), the failing
 * migration's uuid, for FAILGROUP_COMMITTED how many of its statements
 * stayed committed, and the normalised line. Groups are ordered by size,
 * the largest first, then by their first target's position; members keep
 * the targets' order.
 *
 * What comes next (enum failgroup_action), from the status table and the
 * failing step; a status's kind is its JUnit verdict, which already tells
 * a migration that failed (failure) from a run that could not complete
 * (error, skipped):
 *   FAILGROUP_RESUME   the run could not complete it (unreachable, locked,
 *                      timeout, crashed, interrupted, not reached): run
 *                      the unfinished targets again with --resume
 *   FAILGROUP_FIX      a migration failed and nothing of it stayed
 *                      committed (SAFE on, or a recovery Rollback ran):
 *                      fix it, then --resume
 *   FAILGROUP_COMMITTED  its run section (Run, Run Partial) failed after
 *                      some of its statements were committed
 *                      (MySQL/MariaDB commit DDL implicitly; transaction
 *                      = off; a connection lost) and nothing rolled them
 *                      back: fix what failed, leaving those statements
 *                      as they are, then --resume: upgrade resumes after
 *                      them (worker/resume.h)
 *   FAILGROUP_REPAIR   a warning that a migration was changed after it
 *                      was applied (worker/drift.h): if the change was
 *                      intended, `repair` the group's targets
 *   FAILGROUP_NONE     another warning: nothing to run
 *
 * Pure: no I/O. Every string handed in is borrowed and must outlive the
 * groups; the groups own their normalised lines, DETAIL and HINT.
 */
#ifndef MIG_FAILGROUP_H
#define MIG_FAILGROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

enum failgroup_action {
	FAILGROUP_NONE,
	FAILGROUP_RESUME,
	FAILGROUP_FIX,
	FAILGROUP_COMMITTED,
	FAILGROUP_REPAIR,
};

/* One target (or one warning of a target) to group. */
struct failgroup_item {
	const char *name;
	const char *status;    /* outcome.h's name; NULL for a warning */
	const char *desc;      /* the masked description, or NULL */
	const char *text;      /* the reason or warning; its first line counts */
	/* the step that failed, when one did */
	const char *uuid;
	const char *file;
	const char *operation; /* "Run", "Rollback", ...; NULL: unknown */
	const char *traceback; /* its DETAIL: and HINT: lines are taken */
	long committed;        /* statements of it left committed */
	long total;            /* statements of its section; 0: unknown */
	bool recovered;        /* a recovery Rollback ran after it */
};

struct failgroup {
	char *line;            /* the normalised first line */
	const char *status;    /* the members' status (NULL: warnings) */
	enum failgroup_action action;
	const char *uuid;      /* the failing migration, or NULL */
	const char *file;
	long committed, total; /* FAILGROUP_COMMITTED: its statements */
	char *detail, *hint;   /* the first member's, or NULL */
	bool notes_differ;     /* some member has another DETAIL or HINT */
	size_t *members;       /* indexes into the items, in their order */
	size_t n;
};

struct failgroups {
	struct failgroup *v;
	size_t n;
	size_t items;          /* members over all groups */
};

/* Group the items whose status is not a good one (and every warning). */
void failgroups_build(struct failgroups *g, const struct failgroup_item *it,
		      size_t n);
void failgroups_release(struct failgroups *g);

/* The first line of item->text (or "") with the item's target-specific
 * values replaced, as described above. */
void failgroup_normalise(const struct failgroup_item *item, struct buf *out);

/* What a command line needs to know about the run. */
struct failgroup_run {
	const char *command;   /* "upgrade" */
	const char *id;        /* rebuild's id, else NULL */
	const char *inventory; /* NULL: "FILE" is written */
	const char *report;    /* the JSON report; NULL: "REPORT.json" */
	bool no_report;        /* the run wrote no report file to resume
				* from: --select the group instead */
	size_t unfinished;     /* the targets --resume would run again */
};

/*
 * The shell command(s) that come next for group g, one per line, without
 * a final newline; nothing for FAILGROUP_NONE. --resume alone runs every
 * unfinished target again; --select narrows it to the group's, unless the
 * group is all of them. Every argument that is not a plain word is quoted
 * for the shell; the names given to --select match themselves only (the
 * pattern characters escaped).
 *   RESUME, FIX, COMMITTED:
 *                migratore upgrade --inventory fleet.yaml --resume R.json
 *                    --select a,b
 * With no_report it has no --resume and always the group's --select.
 *   REPAIR:      migratore repair --inventory fleet.yaml --select a,b
 */
void failgroup_command(const struct failgroup *g,
		       const struct failgroup_item *it,
		       const struct failgroup_run *run, struct buf *out);

/* The step before the command, as a sentence for people ("Fix
 * 0042_x.sql, then run them again:"; "2 statements of 0042_x.sql stayed
 * committed. Fix what failed, leaving the first 2 as they are: the next
 * run resumes at statement 3:"). */
void failgroup_advice(const struct failgroup *g, struct buf *out);

#endif
