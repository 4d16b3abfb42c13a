/* The HTML report's timeline: a row per target, or per wave at fleet
 * scale, on an axis whose zero has the targets' sub-second precision. */
#include "config.h"

#include "orchestrator/timeline.h"

#include <math.h> /* isfinite, NAN: macros, no libm */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/strv.h"
#include "common/xmalloc.h"
#include "orchestrator/html.h"
#include "orchestrator/outcome.h"
#include "orchestrator/reportdoc.h"
#include "common/banned.h"

/* ---- geometry --------------------------------------------------------- */

/* A time given as epoch seconds or as a report time. */
static bool
time_of(const struct json_value *v, double *out)
{
	time_t t;

	if (json_is(v, JSON_NUMBER) && isfinite(json_as_double(v, 0))) {
		*out = json_as_double(v, 0);
		return true;
	}
	if (reportdoc_time(json_as_string(v), &t)) {
		*out = (double)t;
		return true;
	}
	return false;
}

static bool
first_step_start(const struct json_value *t, double *out)
{
	const struct json_value *steps = json_get(t, "steps");
	bool found = false;
	size_t i;

	for (i = 0; i < json_count(steps); i++) {
		double s;

		if (time_of(json_get(json_index(steps, i), "start"), &s) &&
		    (!found || s < *out)) {
			*out = s;
			found = true;
		}
	}
	return found;
}

/* The bar's start when the target has its own; else approx, with the
 * first step's start or NAN (the zero, known later). */
static void
place_start(const struct json_value *t, struct timeline_bar *b)
{
	memset(b, 0, sizeof(*b));
	if (!outcome_status_named(json_as_string(json_get(t, "status")))
		 ->reached)
		return;
	b->has = true;
	if (time_of(json_get(t, "start"), &b->start))
		return;
	b->approx = true;
	if (!first_step_start(t, &b->start))
		b->start = NAN;
}

static void
place_end(const struct json_value *t, double t0, struct timeline_bar *b)
{
	double secs = json_as_double(json_get(t, "seconds"), 0);

	if (isnan(b->start) || (b->approx && b->start < t0))
		b->start = t0; /* a step's second can precede */
	if (!isfinite(secs) || secs < 0)
		secs = 0;
	if (!time_of(json_get(t, "end"), &b->end) || b->end < b->start)
		b->end = b->start + secs;
}

/* The zero: see timeline.h. */
static double
axis_zero(const struct timeline *tl, double run_start)
{
	double first = INFINITY;
	size_t i;

	for (i = 0; i < tl->n; i++)
		if (tl->bars[i].has && !tl->bars[i].approx &&
		    tl->bars[i].start < first)
			first = tl->bars[i].start;
	return first < run_start + 1 ? first : run_start;
}

/* Every bar's end, once the axis starts at t0; t1 grows to the last. */
static void
place_ends(struct timeline *tl, const struct json_value *ts)
{
	size_t i;

	for (i = 0; i < tl->n; i++) {
		struct timeline_bar *b = &tl->bars[i];

		if (!b->has)
			continue;
		place_end(json_index(ts, i), tl->t0, b);
		tl->approx = tl->approx || b->approx;
		if (b->end > tl->t1)
			tl->t1 = b->end;
	}
}

void
timeline_init(struct timeline *tl, const struct json_value *report)
{
	const struct json_value *ts = json_get(report, "targets");
	double run_start = 0, run_end = 0;
	size_t i;

	memset(tl, 0, sizeof(*tl));
	tl->report = report;
	time_of(json_get(report, "start"), &run_start);
	time_of(json_get(report, "end"), &run_end);
	tl->n = json_count(ts);
	tl->bars = xcalloc(tl->n ? tl->n : 1, sizeof(*tl->bars));
	for (i = 0; i < tl->n; i++)
		place_start(json_index(ts, i), &tl->bars[i]);
	tl->t0 = axis_zero(tl, run_start);
	tl->t1 = run_end;
	place_ends(tl, ts);
	if (tl->t1 < tl->t0)
		tl->t1 = tl->t0;
	tl->span = tl->t1 - tl->t0 > 0.001 ? tl->t1 - tl->t0 : 0.001;
}

void
timeline_release(struct timeline *tl)
{
	free(tl->bars);
	tl->bars = NULL;
}

static double
pct(const struct timeline *tl, double t)
{
	return 100.0 * (t - tl->t0) / tl->span;
}

/* ---- labels ----------------------------------------------------------- */

void
timeline_duration(struct buf *out, double secs)
{
	long whole;

	if (!isfinite(secs) || secs < 0)
		secs = 0;
	whole = secs < 1e9 ? (long)(secs + 0.5) : 999999999L;
	if (secs < 1)
		buf_addf(out, "%.3f s", secs);
	else if (secs < 60)
		buf_addf(out, "%.1f s", secs);
	else if (secs < 3600)
		buf_addf(out, "%ld:%02ld", whole / 60, whole % 60);
	else
		buf_addf(out, "%ldh%02ld", whole / 3600, whole / 60 % 60);
}

/* The number of the run a target comes from in a merged report, or 0. */
static size_t
run_number(const struct json_value *report, const struct json_value *t)
{
	const struct json_value *ids = json_get(report, "run_ids");
	const char *id = json_as_string(json_get(t, "run_id"));
	size_t i;

	if (id == NULL || json_count(ids) < 2)
		return 0;
	for (i = 0; i < json_count(ids); i++) {
		const char *s = json_as_string(json_index(ids, i));

		if (s != NULL && strcmp(s, id) == 0)
			return i + 1;
	}
	return 0;
}

bool
timeline_wave_label(const struct json_value *report,
		    const struct json_value *t, struct buf *out)
{
	const struct json_value *w = json_get(t, "wave");
	size_t run = run_number(report, t);

	if (json_is(w, JSON_STRING))
		buf_adds(out, w->u.string.s);
	else if (json_is(w, JSON_NUMBER))
		buf_adds(out, w->u.number.text);
	else
		return false;
	if (run > 0)
		buf_addf(out, " · run %zu", run);
	return true;
}

/* An axis label: seconds with as many decimals as the step needs, or
 * minutes:seconds from a minute on. */
static void
axis_label(struct buf *out, double secs, double step)
{
	int decimals = step < 0.01 ? 3 : step < 0.1 ? 2 : step < 1 ? 1 : 0;
	long whole = (long)(secs + 0.5);

	if (secs < 60 || step < 1)
		buf_addf(out, "%.*fs", decimals, secs);
	else if (secs < 3600)
		buf_addf(out, "%ld:%02ld", whole / 60, whole % 60);
	else
		buf_addf(out, "%ldh%02ld", whole / 3600, whole / 60 % 60);
}

static void
render_axis(struct buf *out, const struct timeline *tl)
{
	static const double steps[] = { 0.001, 0.002, 0.005, 0.01, 0.02,
		0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600,
		900, 1800, 3600, 7200, 21600, 43200, 86400 };
	double step = steps[sizeof(steps) / sizeof(steps[0]) - 1];
	size_t i, k;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (tl->span / steps[i] <= 10) {
			step = steps[i];
			break;
		}
	buf_adds(out, "<div class=\"axis\" aria-hidden=\"true\">");
	/* counting steps, not adding them up: no drift in the labels; an
	 * end a rounding error short of a step still gets its label */
	for (k = 0; k * step <= tl->span + step / 1000 && k <= 1000; k++) {
		buf_addf(out, "<span style=\"left:%.3f%%\">",
			 100.0 * (double)k * step / tl->span);
		axis_label(out, (double)k * step, step);
		buf_adds(out, "</span>");
	}
	buf_adds(out, "</div>\n");
}

/* ---- waves: labels in the order they appear ---------------------------- */

#define LANES_MAX 50 /* rows of the aggregated timeline; more: "other" */

struct lanes {
	struct strv names;
	size_t *of;      /* per target: its lane, or SIZE_MAX */
	double *first;   /* per lane: its first start (per-target mode) */
};

static size_t
lane_of(struct lanes *l, const char *label, size_t max)
{
	size_t i;

	for (i = 0; i < l->names.n; i++)
		if (strcmp(l->names.v[i], label) == 0)
			return i;
	if (l->names.n == max - 1 && max > 1)
		strv_push(&l->names, "other waves");
	else if (l->names.n < max)
		strv_push(&l->names, label);
	return l->names.n - 1;
}

static void
lanes_init(struct lanes *l, const struct timeline *tl, size_t max)
{
	const struct json_value *ts = json_get(tl->report, "targets");
	struct buf label = BUF_INIT;
	size_t i;

	strv_init(&l->names);
	l->of = xcalloc(tl->n ? tl->n : 1, sizeof(*l->of));
	l->first = xcalloc(max, sizeof(*l->first));
	for (i = 0; i < tl->n; i++) {
		buf_reset(&label);
		l->of[i] = SIZE_MAX;
		if (!timeline_wave_label(tl->report, json_index(ts, i), &label))
			continue;
		l->of[i] = lane_of(l, label.ptr, max);
		if (tl->bars[i].has && (l->first[l->of[i]] == 0 ||
					tl->bars[i].start < l->first[l->of[i]]))
			l->first[l->of[i]] = tl->bars[i].start;
	}
	buf_release(&label);
}

static void
lanes_release(struct lanes *l)
{
	strv_release(&l->names);
	free(l->of);
	free(l->first);
}

/* ---- one row per target ----------------------------------------------- */

/* Each wave's first start: a line across the rows, and its label on a
 * lane of its own above the axis. One wave alone is not marked. */
static void
render_wave_labels(struct buf *out, const struct timeline *tl,
		   const struct lanes *l)
{
	size_t w, marked = 0;

	if (l->names.n < 2)
		return;
	for (w = 0; w < l->names.n; w++)
		marked += l->first[w] > 0;
	buf_addf(out, "<div class=\"tl-wave-labels\" style=\"height:%zurem\">",
		 marked);
	for (w = 0, marked = 0; w < l->names.n; w++) {
		double x = pct(tl, l->first[w]);

		if (l->first[w] == 0)
			continue;
		buf_addf(out, "<span class=\"%s\" style=\"left:%.3f%%;"
			 "top:%zurem\">wave ", x > 60 ? "r" : "l", x,
			 marked++);
		html_escape(out, l->names.v[w]);
		buf_adds(out, "</span>");
	}
	buf_adds(out, "</div>\n");
}

static void
render_wave_lines(struct buf *out, const struct timeline *tl,
		  const struct lanes *l)
{
	size_t w;

	for (w = 0; w < l->names.n && l->names.n > 1; w++) {
		if (l->first[w] == 0)
			continue;
		buf_addf(out, "<div class=\"tl-wave\" style=\"left:%.3f%%\" "
			 "data-wave=\"", pct(tl, l->first[w]));
		html_escape(out, l->names.v[w]);
		buf_adds(out, "\"></div>\n");
	}
}

static void
render_bar_row(struct buf *out, const struct timeline *tl, size_t i,
	       const struct json_value *t)
{
	const struct timeline_bar *b = &tl->bars[i];
	const char *st = outcome_status_named(json_as_string(
	    json_get(t, "status")))->name;
	const char *name = json_as_string(json_get(t, "name"));

	buf_addf(out, "<div class=\"tl-row target\" data-status=\"%s\" "
		 "data-name=\"", st);
	html_escape(out, name);
	buf_adds(out, "\"><span class=\"tl-name\" title=\"");
	html_escape(out, name);
	buf_adds(out, "\">");
	html_escape(out, name);
	buf_adds(out, "</span>");
	if (b->has) {
		buf_addf(out, "<div class=\"bar st-%s%s\" style=\"left:%.3f%%;"
			 "width:%.3f%%\" title=\"", st,
			 b->approx ? " approx" : "", pct(tl, b->start),
			 100.0 * (b->end - b->start) / tl->span);
		html_escape(out, name);
		buf_addf(out, ": %s, %.2fs%s\"></div>", st,
			 json_as_double(json_get(t, "seconds"), 0),
			 b->approx ? " (start approximate)" : "");
	}
	buf_adds(out, "</div>\n");
}

static void
render_rows(struct buf *out, const struct timeline *tl)
{
	const struct json_value *ts = json_get(tl->report, "targets");
	struct lanes l;
	size_t i;

	lanes_init(&l, tl, tl->n + 1);
	buf_adds(out, "<div class=\"tl\">\n");
	render_wave_labels(out, tl, &l);
	render_axis(out, tl);
	buf_adds(out, "<div class=\"tl-rows\">\n");
	render_wave_lines(out, tl, &l);
	for (i = 0; i < tl->n; i++)
		render_bar_row(out, tl, i, json_index(ts, i));
	buf_adds(out, "</div></div>\n");
	lanes_release(&l);
}

/* ---- one row per wave -------------------------------------------------- */

#define BUCKETS 120

/* Per lane and status: the targets running in each bucket, on average. */
struct load {
	double (*v)[OUT_NSTATUS][BUCKETS];
	size_t *targets;  /* per lane */
	double max;       /* the highest stack of any lane */
};

static void
add_bar(double *row, const struct timeline *tl, const struct timeline_bar *b)
{
	double w = tl->span / BUCKETS;
	double s = (b->start - tl->t0) / w, e = (b->end - tl->t0) / w;
	double k;

	s = s < 0 ? 0 : s > BUCKETS ? BUCKETS : s;
	e = e < s ? s : e > BUCKETS ? BUCKETS : e;
	for (k = (double)(size_t)s; k < e && k < BUCKETS; k++) {
		double lo = k > s ? k : s, hi = k + 1 < e ? k + 1 : e;

		row[(size_t)k] += hi - lo;
	}
}

/* The highest stack of targets any of the n lanes has in a bucket. */
static double
load_peak(const struct load *ld, size_t n)
{
	double max = 0, sum;
	size_t i, b;
	int s;

	for (i = 0; i < n; i++)
		for (b = 0; b < BUCKETS; b++) {
			for (sum = 0, s = 0; s < OUT_NSTATUS; s++)
				sum += ld->v[i][s][b];
			max = sum > max ? sum : max;
		}
	return max;
}

static void
load_init(struct load *ld, const struct timeline *tl, const struct lanes *l)
{
	const struct json_value *ts = json_get(tl->report, "targets");
	size_t i;
	int s;

	ld->v = xcalloc(l->names.n ? l->names.n : 1, sizeof(*ld->v));
	ld->targets = xcalloc(l->names.n ? l->names.n : 1,
			      sizeof(*ld->targets));
	for (i = 0; i < tl->n; i++) {
		size_t lane = l->of[i];

		if (lane == SIZE_MAX)
			continue;
		ld->targets[lane]++;
		s = outcome_status_by_name(json_as_string(
		    json_get(json_index(ts, i), "status")));
		if (s >= 0 && tl->bars[i].has)
			add_bar(ld->v[lane][s], tl, &tl->bars[i]);
	}
	ld->max = load_peak(ld, l->names.n);
}

/* An edge of the stack, as steps: "H x V y" where its height changes,
 * from left to right, or back from right to left. */
static void
edge(struct buf *out, const double *y, bool back)
{
	double cur = NAN;
	size_t k;

	for (k = 0; k < BUCKETS; k++) {
		size_t b = back ? BUCKETS - 1 - k : k;

		if (y[b] != cur)
			buf_addf(out, "H%zuV%.1f", (back ? b + 1 : b) * 10,
				 y[b]);
		cur = y[b];
	}
	buf_addf(out, "H%d", back ? 0 : BUCKETS * 10);
}

/* One lane's stacked areas, in the status table's order. */
static void
render_area(struct buf *out, const struct load *ld, size_t lane)
{
	double below[BUCKETS], above[BUCKETS], sum[BUCKETS] = { 0 };
	size_t b;
	int s;

	for (b = 0; b < BUCKETS; b++)
		below[b] = 100;
	for (s = 0; s < OUT_NSTATUS; s++) {
		bool any = false;

		for (b = 0; b < BUCKETS; b++) {
			sum[b] += ld->v[lane][s][b];
			/* rounded as written: the next status' lower
			 * edge is exactly this one */
			above[b] = (double)(long)(1000.5 - 1000 * sum[b] /
						    ld->max) / 10;
			any = any || ld->v[lane][s][b] > 0;
		}
		if (!any)
			continue;
		buf_addf(out, "<path class=\"st-%s\" d=\"M0,%.1f",
			 outcome_status_name((enum outcome_status)s), below[0]);
		edge(out, above, false);
		edge(out, below, true);
		buf_adds(out, "Z\"/>");
		memcpy(below, above, sizeof(below));
	}
}

static void
render_lane(struct buf *out, const struct load *ld, const struct lanes *l,
	    size_t lane)
{
	buf_adds(out, "<div class=\"tl-lane\"><span class=\"tl-name\" "
		 "title=\"wave ");
	html_escape(out, l->names.v[lane]);
	buf_addf(out, ": %zu target%s\">", ld->targets[lane],
		 ld->targets[lane] == 1 ? "" : "s");
	html_escape(out, l->names.v[lane]);
	buf_addf(out, "<small>%zu target%s</small></span>", ld->targets[lane],
		 ld->targets[lane] == 1 ? "" : "s");
	buf_addf(out, "<svg class=\"area\" viewBox=\"0 0 %d 100\" "
		 "preserveAspectRatio=\"none\" role=\"img\" aria-label=\""
		 "targets running\">", BUCKETS * 10);
	if (ld->max > 0)
		render_area(out, ld, lane);
	buf_adds(out, "</svg></div>\n");
}

static void
render_lanes(struct buf *out, const struct timeline *tl)
{
	struct lanes l;
	struct load ld;
	size_t lane;

	lanes_init(&l, tl, LANES_MAX);
	if (l.names.n == 0) /* no waves at all: one row for the run */
		for (lane = 0; lane < tl->n; lane++)
			l.of[lane] = lane_of(&l, "all targets", LANES_MAX);
	load_init(&ld, tl, &l);
	buf_adds(out, "<div class=\"tl agg\">\n");
	render_axis(out, tl);
	for (lane = 0; lane < l.names.n; lane++)
		render_lane(out, &ld, &l, lane);
	buf_addf(out, "</div>\n<p class=\"note\">Each row is a wave: how many "
		 "of its targets were running at each moment (the average "
		 "over 1/%d of the axis), coloured by the status they ended "
		 "with. The height is the same scale in every row: at most "
		 "%zu running.</p>\n", BUCKETS, (size_t)(ld.max + 0.999));
	free(ld.v);
	free(ld.targets);
	lanes_release(&l);
}

void
timeline_render(const struct timeline *tl, struct buf *out)
{
	bool rows = tl->n <= TIMELINE_ROWS_MAX;

	buf_addf(out, "<details id=\"timeline\"%s><summary><h2>Timeline"
		 "</h2> <span class=\"note\">", rows ? " open" : "");
	timeline_duration(out, tl->span);
	buf_addf(out, "%s</span></summary>\n", rows ? ""
		 : ", one row per wave");
	if (rows)
		render_rows(out, tl);
	else
		render_lanes(out, tl);
	if (rows && tl->approx)
		buf_adds(out, "<p class=\"note\">Dashed bars: the report has "
			 "no start time for the target; the bar starts at its "
			 "first step's second, or at the run's start.</p>\n");
	buf_adds(out, "</details>\n");
}
