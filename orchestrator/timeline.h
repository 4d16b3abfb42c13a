/*
 * The HTML report's timeline (html.h): when each target ran, on one time
 * axis, as HTML and inline SVG that need no script.
 *
 * A target's bar runs from its start to its end. Its start is its "start"
 * field when the report has one (epoch seconds or a report time), else its
 * first step's start, else the axis' zero; bars placed by the last two are
 * approximate. A target that was never reached has no bar.
 *
 * The axis: the run's "start" and "end" are whole seconds (report times),
 * the targets' are not. The zero is the run's start, unless a target
 * started less than a second after it (or before it): then the earliest
 * target start, which is closer to the truth than the truncated second.
 * The end is the later of the run's end and the last target's end.
 *
 * Up to TIMELINE_ROWS_MAX targets, one row per target, the name on its
 * left, and each wave's first start marked by a line whose label has a
 * lane of its own (no two labels overlap). Beyond it, one row per wave
 * (per run and wave in a merged report): the number of its targets
 * running at each moment, stacked by the status they ended with, on a
 * scale shared by every row, so that 10,000 targets are a few rows.
 *
 * A wave's label is its name ("canary", a number), and in a report merged
 * from several runs also the run: "rest · run 2", run N being the N-th of
 * the report's "run_ids".
 */
#ifndef MIG_TIMELINE_H
#define MIG_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/jsonparse.h"

#define TIMELINE_ROWS_MAX 200

struct timeline_bar {
	bool has;    /* false: never started, no bar */
	bool approx; /* placed by a step's start or the zero */
	double start, end;
};

struct timeline {
	const struct json_value *report; /* borrowed */
	double t0, t1;                   /* the axis, epoch seconds */
	double span;                     /* t1 - t0, at least 1 ms */
	struct timeline_bar *bars;       /* one per target */
	size_t n;
	bool approx;                     /* some bar is approximate */
};

/* Place every target of report (a root reportdoc accepted). */
void timeline_init(struct timeline *tl, const struct json_value *report);
void timeline_release(struct timeline *tl);

/* The timeline as a <details id="timeline"> section, open up to
 * TIMELINE_ROWS_MAX targets. */
void timeline_render(const struct timeline *tl, struct buf *out);

/* Append target's wave label (above); false and nothing when it has no
 * wave. */
bool timeline_wave_label(const struct json_value *report,
			 const struct json_value *target, struct buf *out);

/* A duration for people: "0.083 s", "12.4 s", "3:05", "2h05". */
void timeline_duration(struct buf *out, double secs);

#endif
