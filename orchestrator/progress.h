/*
 * What a person watching a fleet run sees on stderr while it runs (stdout
 * is kept for the report). On a terminal: one live line, redrawn in place,
 * "[ 37/120] running 8, failed 1, elapsed 0:42, ETA 1:30", with a line
 * printed above it for each target that did not succeed. Elsewhere (a CI
 * log, a pipe): one line per finished target, "[ 37/120] eu-037 ok 0.21s".
 * Colour only on a terminal and only when NO_COLOR is unset or empty.
 */
#ifndef MIG_PROGRESS_H
#define MIG_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "orchestrator/outcome.h"

struct progress {
	FILE *fp;
	bool live;    /* redraw one line in place */
	bool color;
	bool quiet;   /* say nothing at all */
	bool drawn;   /* the live line is on the screen */
	size_t total;
	size_t done;
	size_t running;
	size_t failed;
	double t0;    /* monotonic seconds at the start */
};

/*
 * Set up for total targets on fp. live and color are what the caller
 * decided from isatty and NO_COLOR (progress_want_color helps).
 */
void progress_init(struct progress *p, FILE *fp, size_t total, bool live,
		   bool color, bool quiet, double now);
/* Should a terminal on fd get colour (isatty and NO_COLOR unset/empty)? */
bool progress_want_color(int fd);
/* ANSI colour sequence for a status ("" when colour is off). */
const char *progress_color(enum outcome_status st, bool color);
const char *progress_color_reset(bool color);

void progress_started(struct progress *p, double now);
void progress_done(struct progress *p, const char *name,
		   const struct outcome *o, double now);
/* An attempt ended unreachable or locked and will be retried after delay
 * seconds: not done yet, but no longer running; a line says so. */
void progress_retry(struct progress *p, const char *name,
		    const struct outcome *o, unsigned attempt,
		    unsigned attempts, double delay, double now);
/* Redraw the live line (elapsed time moves on). */
void progress_tick(struct progress *p, double now);
/* A message from the coordinator (interruption): above the live line. */
void progress_note(struct progress *p, double now, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same for news that --quiet silences (a wave starts). */
void progress_info(struct progress *p, double now, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Clear the live line for good. */
void progress_end(struct progress *p);

#endif
