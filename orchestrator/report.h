/*
 * The consolidated report of a fleet run (SPEC 8.3): a text summary for a
 * person, a JSON document for programs (schema "migratore-fleet-report",
 * documented in docs/report-schema.md), and the fleet's exit code. The
 * renderers are pure: they format what the run recorded into a buffer and
 * never print; the caller decides where it goes. No password appears: a
 * target is shown by its masked description (target_describe).
 *
 * Fleet exit codes (documented in docs/fleet.md), from the run's result
 * (report_result) through common/err.c's table:
 *   0    every target ok or nothing-to-do
 *   1    at least one target ended otherwise (ERR_FAILED)
 *   2    usage error (bad option, --select, report or log path)
 *   3    inventory, migration-file or target configuration error:
 *        nothing was started
 *   130  interrupted by SIGINT, 143 by SIGTERM (ERR_INTERRUPTED: 128 +
 *        the signal)
 */
#ifndef MIG_REPORT_H
#define MIG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/safefile.h"
#include "common/strv.h"
#include "config/discovery.h"
#include "config/options.h"
#include "config/target.h"
#include "orchestrator/dryplan.h"
#include "orchestrator/failgroup.h"
#include "orchestrator/outcome.h"
#include "worker/eventlog.h"

struct fleetstatus;

#define REPORT_SCHEMA "migratore-fleet-report"
#define REPORT_SCHEMA_VERSION 1

/* One target of the run; everything borrowed. */
struct report_row {
	const struct target *t;
	const char *log;        /* its log file, NULL = none */
	const struct outcome *o;
	size_t wave;            /* index into report.waves */
};

/* A wave of the run: a rollout's, or the one implicit wave "rest". */
struct report_wave {
	const char *name;
	size_t targets;
	size_t started;         /* targets started at least once */
	size_t failed;          /* failures, in the budgets' sense */
	size_t jobs;            /* at most this many at once */
	double start, end;      /* first start, last end (epoch); 0 = never */
	const char *status;     /* "completed", "stopped", "not-started" */
	const char *max_failures; /* its budget as written; NULL = none */
};

struct report {
	const char *tool_version;
	const char *run_id;
	const char *command;
	const char *host;
	time_t start;
	time_t end;
	int interrupted;        /* the signal that stopped the run; 0 none */
	/* the options as given (never NULL), and what the run made of
	 * those it had to interpret */
	const struct options *opts;
	const char *inventory;  /* --inventory, or INVENTORY */
	const char *path;       /* [path]; NULL = per target */
	const char *id;         /* rebuild's id */
	size_t jobs;            /* at once: --jobs or the default, fitted */
	const char *deadline;   /* --deadline as an absolute time; NULL */
	/* the targets, in inventory order */
	const struct report_row *rows;
	size_t n;
	/* the waves, in order; show_waves: mark them in the text (a run
	 * with a rollout) */
	const struct report_wave *waves;
	size_t nwaves;
	bool show_waves;
	const char *stopped;    /* why targets stopped being started, or NULL */
	/* what the inventory's discover entries found (config/discovery.h) */
	struct discovery *const *discovered;
	size_t ndiscovered;
	const struct dryplan *plan; /* dry runs: the fleet-wide plan */
	/* status: the fleet's overview (fleetstatus.h), which takes the
	 * place of the table in the text, and its strictness counts in the
	 * run's result */
	const struct fleetstatus *status;
};

/* How many targets ended with each status. */
void report_count(const struct report *r, size_t counts[OUT_NSTATUS]);

/*
 * The text summary: per-target result sections ("== name ==", then its
 * result lines) when the command printed results (list, errors, dry runs)
 * and with_results is set, one table row per target (grouped under a
 * "# wave NAME: ..." line per wave when show_waves), warnings, the totals
 * line "12 targets: 10 ok, 1 failed, 1 unreachable", why the run stopped
 * starting targets, and a dry run's plan (dryplan.h). color adds ANSI
 * colours to the status column.
 */
void report_text(const struct report *r, bool with_results, bool color,
		 struct buf *out);

/*
 * list/errors --format json: one JSON object mapping each target's name to
 * the array its worker printed (null when it printed none).
 */
void report_results_json(const struct report *r, struct buf *out);

/* The JSON report (pretty-printed, newline-terminated; reportjson.c). */
void report_json(const struct report *r, struct buf *out);
/*
 * The same, handed to flush (when given) target by target as it grows, so
 * that a report of 100,000 targets never sits in memory whole; 0, or -1
 * when flush failed.
 */
typedef int (*report_flush_fn)(void *ctx, struct buf *b);
int report_render_json(const struct report *r, struct buf *out,
		       report_flush_fn flush, void *ctx);

/*
 * For the two renderings (report.c, reportjson.c), which group failures
 * alike: one failgroup item per target (per warning when warnings), descs
 * keeping the targets' descriptions the items point to, *n of them; and
 * what a next-step command needs to know of the run.
 */
struct failgroup_item *report_group_items(const struct report *r,
					  bool warnings, struct strv *descs,
					  size_t *n);
struct failgroup_run report_group_run(const struct report *r,
				      size_t unfinished);

/* The run_end event of --log-format json (worker/eventlog.h): exit_code,
 * seconds, stopped, interrupted and the totals object of the report. */
void report_event_end(const struct report *r, struct eventlog *ev,
		      double seconds);

/* The run's result: 0, ERR_FAILED (a target not ok, or status --strict
 * and a target not up to date), or ERR_INTERRUPTED with e->signal; e
 * gets the code, no message (the report says it all). */
int report_result(const struct report *r, struct err *e);
/* Its exit code, of the table above (0, 1, 130, 143). */
int report_exit_code(const struct report *r);

/*
 * The JSON report is written atomically (common/safefile.h, safeout): a
 * temporary file ".NAME.tmp" in the same directory (mode 0600, locked) is
 * created before the run, so that a report that cannot be written stops
 * the run before anything starts, and renamed over the destination once
 * written and fsync'ed. A destination that is a link, not a regular file
 * or someone else's is refused; a temporary file left by a killed run is
 * removed.
 */
struct report_file {
	char *path; /* NULL: not asked for */
	struct safeout out;
};

#define REPORT_FILE_INIT { NULL, SAFEOUT_INIT }

/* ERR_USAGE "PATH: why" (the caller names its option). */
int report_file_open(struct report_file *f, const char *path, struct err *e);
/* Write r's JSON report (rendered and written target by target) and
 * rename it into place. */
int report_file_write(struct report_file *f, const struct report *r,
		      struct err *e);
/* The same with text already rendered. */
int report_file_commit(struct report_file *f, const struct buf *data,
		       struct err *e);
/* Remove the temporary file if it is still there; free the names. */
void report_file_release(struct report_file *f);

#endif
