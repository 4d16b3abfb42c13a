/*
 * What someone watching a fleet run sees while it runs, on stderr (stdout
 * is kept for the report).
 *
 * On a terminal, a live block at the bottom, redrawn in place at most ten
 * times a second:
 *
 *     pg-07   1:02  Run 0042_add_index.sql
 *     my-03   0:41  Run 0042_add_index.sql
 *     sq-12   0:00  starting
 *     ... and 5 more running
 *   [ 37/120] running 8, failed 1, elapsed 1:42, ETA 3:30
 *
 * the running targets, the longest-running first, each with its elapsed
 * time and the operation and migration it is in, as many as fit the
 * terminal (PROGRESS_MAX_LINES at most, fewer on a short terminal: its
 * size is read with TIOCGWINSZ, again on SIGWINCH), and the summary line.
 * Above it, lines that stay: each failure the moment it happens (the
 * target, the operation and migration, the first line of the error:
 * "my-04 failed: Run 0002_idx.sql: statement 2 of 3 ... failed: ..."),
 * each target that ended otherwise than ok or nothing-to-do and had no
 * such line, retries, and the coordinator's notes. progress_end clears
 * the block: nothing of it is left on the screen.
 *
 * Elsewhere (a CI log, a pipe): one line per finished target,
 * "[ 37/120] eu-037 ok 0.21s", with the reason when it did not succeed.
 *
 * With an event log (--log-format json) nothing of the above is written:
 * stderr gets the JSON Lines events instead (worker/eventlog.h), the
 * coordinator's notes and the targets' ends included.
 *
 * Colour only on a terminal and only when NO_COLOR is unset or empty (and
 * TERM is not dumb).
 */
#ifndef MIG_PROGRESS_H
#define MIG_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/proto.h"
#include "config/target.h"
#include "orchestrator/outcome.h"
#include "worker/eventlog.h"

/* Target lines of the live block, at most ("... and N more" included). */
#define PROGRESS_MAX_LINES 8
/* Seconds between two redraws, at least; the caller ticks this often. */
#define PROGRESS_TICK 0.1

/* A running target, for the live block. */
struct progress_run {
	size_t job;
	const char *name;  /* borrowed: the targets outlive the run */
	double start;
	char *step;        /* "Run 0042_x.sql"; NULL until its first step */
};

struct progress {
	FILE *fp;
	bool live;    /* the live block (a terminal) */
	bool color;
	bool quiet;   /* say nothing at all (events still) */
	struct eventlog *events; /* JSON Lines instead of text; NULL none */
	size_t total;
	size_t done;
	size_t failed;
	double t0;    /* monotonic seconds at the start */
	/* the live block */
	struct progress_run *run; /* the running targets, unordered */
	size_t nrun;
	bool *failure_shown;      /* per job: its failure line was written */
	int rows, cols;           /* the terminal's size */
	size_t drawn;             /* lines of the block on the screen */
	double last_draw;
	bool dirty;               /* something changed since the last draw */
};

/*
 * Set up for total targets on fp. live and color are what the caller
 * decided from isatty and NO_COLOR (progress_want_color helps); set
 * p->events afterwards for --log-format json.
 */
void progress_init(struct progress *p, FILE *fp, size_t total, bool live,
		   bool color, bool quiet, double now);
void progress_release(struct progress *p);
/* Should a terminal on fd get colour (isatty and NO_COLOR unset/empty)? */
bool progress_want_color(int fd);
/* ANSI colour sequence for a status ("" when colour is off). */
const char *progress_color(enum outcome_status st, bool color);
const char *progress_color_reset(bool color);

/* Job number job (the target t) started its attempt-th attempt. */
void progress_started(struct progress *p, size_t job, const struct target *t,
		      unsigned attempt, double now);
/* A frame from its worker: its current step, a failure, a warning. */
void progress_frame(struct progress *p, size_t job, const struct target *t,
		    const struct proto_msg *m, double now);
/* It is done, with this outcome (classified). */
void progress_done(struct progress *p, size_t job, const struct target *t,
		   const struct outcome *o, double now);
/* It was never started (the run stopped first): only an event says so. */
void progress_unreached(struct progress *p, const struct target *t,
			const struct outcome *o);
/* An attempt ended unreachable or locked and will be retried after delay
 * seconds: not done yet, but no longer running; a line says so. */
void progress_retry(struct progress *p, size_t job, const struct target *t,
		    const struct outcome *o, unsigned attempt,
		    unsigned attempts, double delay, double now);
/* Redraw the block if it changed or its clocks moved (the caller calls
 * this every PROGRESS_TICK seconds). */
void progress_tick(struct progress *p, double now);
/* The terminal was resized (SIGWINCH): read its size, redraw. */
void progress_resize(struct progress *p, double now);
/* A message from the coordinator (interruption): above the block. */
void progress_note(struct progress *p, double now, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same for news that --quiet silences (a wave starts). */
void progress_info(struct progress *p, double now, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Clear the block for good. */
void progress_end(struct progress *p);

/*
 * The live block as it would be drawn now on a terminal of rows x cols:
 * its lines joined by '\n', without a final one, no escape sequence but
 * colours. Returns the number of lines. Pure (the tests read it).
 */
size_t progress_block(const struct progress *p, double now, int rows,
		      int cols, struct buf *out);

#endif
