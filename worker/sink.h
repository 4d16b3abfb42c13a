/*
 * Where a command's events go. The command code (worker/commands.c) never
 * prints: it tells a sink what happens, and the sink decides. Single-target
 * mode uses the text sink (worker/textsink.c), which prints what the Python
 * tool printed, or with --format json the JSON sink (worker/jsonsink.c),
 * which prints one document at the end; with --log-format json a tee adds
 * the event sink (worker/eventlog.c: JSON Lines on stderr). A fleet worker
 * uses a sink that writes protocol frames to its coordinator, teed with a
 * text sink into its log. One code path, several callers.
 *
 * Adding an event: a callback here (NULL-able: a sink that has nothing to
 * do with it leaves it out, or sink.c gives it a fallback), its sink_*
 * dispatcher in sink.c, the tee, then each sink that shows it; and for
 * fleet mode a frame in common/proto.h that orchestrator/outcome.c
 * records.
 */
#ifndef MIG_SINK_H
#define MIG_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/proto.h"
#include "worker/migration.h"

struct status;

/* The outcome of one operation on one migration (one bookkeeping row). */
struct step_result {
	const struct migration *m;
	const char *operation; /* "Run", "Rollback", "Run Partial", "Run Skip" */
	bool ok;
	bool recovery;         /* a Rollback run because a Run failed */
	int64_t object_id;     /* the bookkeeping row; 0 = none written */
	int64_t start;         /* epoch seconds */
	double seconds;
	/* on failure */
	const char *error;     /* one line naming the statement */
	const char *traceback; /* statement, engine message, detail */
	const char *statement; /* the failing statement, NULL if none */
	int statement_no;      /* 1-based, 0 = none */
	/* where in the file the engine's error position is (caret.h), and
	 * that line with a caret under it; 0 and NULL when it gave none */
	int error_line;
	int error_column;
	const char *excerpt;
	int committed;         /* statements of the section committed; -1 = unknown */
	int total;             /* statements in the section; -1 = unknown */
	int lock_retries;      /* tried again after lock timeouts */
};

/* Counts at the end of a command against one target. */
struct run_summary {
	int applied;   /* operations that succeeded */
	int failed;    /* operations that failed */
	int rollbacks; /* Rollback rows written (downgrade or recovery) */
	int pending;   /* still pending at the end */
	int exit_code;
	const char *error; /* why the command stopped, if it failed */
	int err_code;      /* ERR_* of that error, 0 if none */
	bool stopped;      /* obeyed a stop request between two migrations */
};

struct sink_ops {
	/* The connection line ("sqlite /path/x.db"); never holds a password. */
	void (*banner)(void *ctx, const char *desc);
	void (*step_begin)(void *ctx, const struct migration *m,
			   const char *operation, bool recovery);
	/* Free-form output: an executable migration's output, notes. */
	void (*output)(void *ctx, const char *text, size_t len);
	void (*step_end)(void *ctx, const struct step_result *r);
	/* A line of the command's result (list blocks, trace). */
	void (*result)(void *ctx, const char *line);
	/* A migration a dry run would run (dry_upgrade) or roll back
	 * (dry_downgrade). Without it: a result line, sink_planned_line. */
	void (*planned)(void *ctx, const struct migration *m);
	/* dry runs with --sql: text holding the statements of one migration
	 * as the real command would run them (worker/sqlplan.h). Without
	 * it: a result. */
	void (*sql)(void *ctx, const char *text);
	/* A diagnostic that is not a step failure (drift, out of order). */
	void (*warning)(void *ctx, const char *msg);
	/* status: every migration's state (worker/status.h); st stays valid
	 * until sink_finished returns. Without it: nothing is shown. */
	void (*status)(void *ctx, const struct status *st);
	void (*finished)(void *ctx, const struct run_summary *s);
};

struct sink {
	const struct sink_ops *ops;
	void *ctx;
};

void sink_banner(struct sink *s, const char *desc);
void sink_step_begin(struct sink *s, const struct migration *m,
		     const char *operation, bool recovery);
void sink_output(struct sink *s, const char *text, size_t len);
void sink_step_end(struct sink *s, const struct step_result *r);
void sink_result(struct sink *s, const char *line);
void sink_resultf(struct sink *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sink_warning(struct sink *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sink_finished(struct sink *s, const struct run_summary *sum);
void sink_planned(struct sink *s, const struct migration *m);
void sink_sql(struct sink *s, const char *text);
void sink_status(struct sink *s, const struct status *st);

/* "<Migration uuid timestamp description>": Python's repr, kept so that
 * scripts reading dry_upgrade keep working (and the fleet's plan,
 * orchestrator/dryplan.c, reads it back). */
void sink_planned_line(const struct migration *m, struct buf *out);

/*
 * The frame fields of a step's end (common/proto.h), borrowed from r: what
 * the frame sink sends, and what the JSON and event sinks write.
 */
void sink_step_proto(const struct step_result *r, struct proto_step *out);

/* Every event to a, then to b (a sink_tee must outlive sink). */
struct sink_tee {
	struct sink a;
	struct sink b;
};

void sink_tee_init(struct sink *sink, struct sink_tee *tee);

#endif
