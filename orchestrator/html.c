/* The fleet report rendered as one self-contained HTML page: summary,
 * timeline and a table of targets filtered by status in inline JS. */
#include "config.h"

#include "orchestrator/html.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/strv.h"
#include "common/xmalloc.h"
#include "orchestrator/outcome.h"
#include "orchestrator/reportdoc.h"
#include "common/banned.h"

static const char html_css[] =
	":root{font-family:system-ui,sans-serif;color:#1d1d1f;"
	"background:#fff}\n"
	"body{margin:1.5rem;max-width:80rem}\n"
	"h1{font-size:1.4rem;margin:0 0 .3rem}\n"
	"h2{font-size:1.1rem;margin:1.5rem 0 .5rem}\n"
	".run{color:#555;margin:0}\n"
	".counts{display:flex;flex-wrap:wrap;gap:.5rem;padding:0;"
	"list-style:none}\n"
	".counts li{padding:.3rem .6rem;border-radius:.3rem;color:#fff}\n"
	".counts li.zero{display:none}\n"
	".tl{position:relative;border-left:1px solid #999;"
	"margin-left:12rem}\n"
	".tl-row{position:relative;height:1.1rem;margin:2px 0}\n"
	".tl-name{position:absolute;right:100%;width:11.5rem;"
	"padding-right:.5rem;text-align:right;font-size:.8rem;"
	"white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\n"
	".bar{position:absolute;top:0;bottom:0;min-width:2px;"
	"border-radius:2px}\n"
	".bar.approx{opacity:.6;outline:1px dashed #333}\n"
	".axis{position:relative;height:1.2rem;font-size:.7rem;color:#555}\n"
	".axis span{position:absolute;transform:translateX(-50%)}\n"
	".wave{position:absolute;top:0;bottom:0;border-left:2px dashed "
	"#333;z-index:1}\n"
	".wave span{position:absolute;top:-1.2rem;font-size:.7rem;"
	"white-space:nowrap;background:#fff}\n"
	"table{border-collapse:collapse;width:100%;font-size:.85rem}\n"
	"th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;"
	"text-align:left;vertical-align:top}\n"
	"td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.err{font-family:monospace;white-space:pre-wrap}\n"
	".pill{padding:0 .4rem;border-radius:.3rem;color:#fff;"
	"white-space:nowrap}\n"
	"#filter{margin:.5rem 0}\n"
	"#filter button{margin:0 .3rem .3rem 0}\n"
	"#filter button[aria-pressed=true]{font-weight:bold;"
	"outline:2px solid #333}\n"
	"[hidden]{display:none!important}\n"
	"pre{white-space:pre-wrap;margin:.3rem 0}\n";

/* The class of each status, from the status table: two to a line. */
static void
render_status_css(struct buf *out)
{
	int s;

	for (s = 0; s < OUT_NSTATUS; s++) {
		const struct outcome_status_info *st =
		    outcome_status_info((enum outcome_status)s);

		buf_addf(out, ".st-%s{%s}", st->name, st->css);
		if (s % 2 == 1 || s == OUT_NSTATUS - 1)
			buf_addc(out, '\n');
	}
}

/* The filter: reads the URL fragment on load and on change, hides the
 * rows and bars that do not match; everything is visible without it.
 * "problems" are the statuses that are not good, in render_script. */
static const char html_js_head[] =
	"(function () {\n"
	"  'use strict';\n";
static const char html_js[] =
	"  var items = document.querySelectorAll('.target[data-status]');\n"
	"  var bar = document.getElementById('filter');\n"
	"  var buttons = bar.querySelectorAll('button');\n"
	"  function wanted() {\n"
	"    var m = /(?:^#|&)status=([a-z,-]+)/.exec(location.hash);\n"
	"    return m ? m[1].split(',') : ['all'];\n"
	"  }\n"
	"  function shows(want, st) {\n"
	"    if (want.indexOf('all') >= 0) return true;\n"
	"    if (want.indexOf('problems') >= 0 && good.indexOf(st) < 0)\n"
	"      return true;\n"
	"    return want.indexOf(st) >= 0;\n"
	"  }\n"
	"  function apply() {\n"
	"    var want = wanted(), shown = 0, i;\n"
	"    for (i = 0; i < items.length; i++) {\n"
	"      var on = shows(want, items[i].getAttribute('data-status'));\n"
	"      items[i].hidden = !on;\n"
	"      if (on && items[i].tagName === 'TR') shown++;\n"
	"    }\n"
	"    for (i = 0; i < buttons.length; i++)\n"
	"      buttons[i].setAttribute('aria-pressed', String(want.indexOf(\n"
	"        buttons[i].getAttribute('data-filter')) >= 0));\n"
	"    bar.setAttribute('data-active', want.join(','));\n"
	"    document.getElementById('shown').textContent = shown;\n"
	"  }\n"
	"  for (var i = 0; i < buttons.length; i++)\n"
	"    buttons[i].addEventListener('click', function (ev) {\n"
	"      location.hash = 'status=' +\n"
	"        ev.currentTarget.getAttribute('data-filter');\n"
	"    });\n"
	"  window.addEventListener('hashchange', apply);\n"
	"  bar.hidden = false;\n"
	"  apply();\n"
	"})();\n";

void
html_escape(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		switch (*p) {
		case '&': buf_adds(out, "&amp;"); break;
		case '<': buf_adds(out, "&lt;"); break;
		case '>': buf_adds(out, "&gt;"); break;
		case '"': buf_adds(out, "&quot;"); break;
		case '\'': buf_adds(out, "&#39;"); break;
		case '\t':
		case '\n':
			buf_addc(out, (char)*p);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				buf_adds(out, "\xef\xbf\xbd");
			else
				buf_addc(out, (char)*p);
		}
	}
}

static const char *
str(const struct json_value *obj, const char *key)
{
	return json_as_string(json_get(obj, key));
}

/* The status, safe to use as a class name: one of outcome.h's. */
static const char *
status_of(const struct json_value *t)
{
	return outcome_status_named(str(t, "status"))->name;
}

/* ---- the timeline's geometry ------------------------------------------ */

struct bar {
	bool has;    /* false: never started, no bar */
	bool approx; /* placed by a step's or the run's start */
	double start, end;
};

struct timeline {
	double t0, span;
	struct bar *bars;
	size_t n;
};

/* A time given as epoch seconds or as a report time. */
static bool
time_of(const struct json_value *v, double *out)
{
	time_t t;

	if (json_is(v, JSON_NUMBER)) {
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

static void
place_bar(const struct json_value *t, double run_start, struct bar *b)
{
	double secs = json_as_double(json_get(t, "seconds"), 0);

	memset(b, 0, sizeof(*b));
	if (!outcome_status_named(str(t, "status"))->reached)
		return;
	b->has = true;
	if (!time_of(json_get(t, "start"), &b->start)) {
		b->approx = true;
		if (!first_step_start(t, &b->start))
			b->start = run_start;
	}
	if (!time_of(json_get(t, "end"), &b->end) || b->end < b->start)
		b->end = b->start + (secs > 0 ? secs : 0);
}

static void
timeline_init(struct timeline *tl, const struct json_value *report)
{
	const struct json_value *ts = json_get(report, "targets");
	double t1 = 0;
	size_t i;

	tl->t0 = 0;
	time_of(json_get(report, "start"), &tl->t0);
	time_of(json_get(report, "end"), &t1);
	tl->n = json_count(ts);
	tl->bars = xcalloc(tl->n ? tl->n : 1, sizeof(*tl->bars));
	for (i = 0; i < tl->n; i++) {
		struct bar *b = &tl->bars[i];

		place_bar(json_index(ts, i), tl->t0, b);
		if (b->has && b->start < tl->t0)
			b->start = tl->t0; /* a step's second can precede */
		if (b->has && b->end > t1)
			t1 = b->end;
	}
	tl->span = t1 - tl->t0 > 0.001 ? t1 - tl->t0 : 1;
}

static double
pct(const struct timeline *tl, double t)
{
	return 100.0 * (t - tl->t0) / tl->span;
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
	/* counting steps, not adding them up: no drift in the labels */
	for (k = 0; k * step <= tl->span * (1 + 1e-9) && k <= 1000; k++) {
		buf_addf(out, "<span style=\"left:%.3f%%\">",
			 100.0 * (double)k * step / tl->span);
		axis_label(out, (double)k * step, step);
		buf_adds(out, "</span>");
	}
	buf_adds(out, "</div>\n");
}

/* A wave's label: its name, or its number. */
static const char *
wave_of(const struct json_value *t)
{
	const struct json_value *w = json_get(t, "wave");

	if (json_is(w, JSON_STRING))
		return w->u.string.s;
	if (json_is(w, JSON_NUMBER))
		return w->u.number.text;
	return NULL;
}

/* Each wave's first start, in the order waves appear in the report. */
static void
render_waves(struct buf *out, const struct timeline *tl,
	     const struct json_value *ts)
{
	struct strv names = STRV_INIT;
	double *first = xcalloc(tl->n ? tl->n : 1, sizeof(*first));
	size_t i, w;

	for (i = 0; i < tl->n; i++) {
		const char *wave = wave_of(json_index(ts, i));

		if (wave == NULL || !tl->bars[i].has)
			continue;
		for (w = 0; w < names.n && strcmp(names.v[w], wave); w++)
			;
		if (w == names.n) {
			strv_push(&names, wave);
			first[w] = tl->bars[i].start;
		} else if (tl->bars[i].start < first[w]) {
			first[w] = tl->bars[i].start;
		}
	}
	for (w = 0; w < names.n; w++) {
		buf_addf(out, "<div class=\"wave\" style=\"left:%.3f%%\" "
			 "data-wave=\"", pct(tl, first[w]));
		html_escape(out, names.v[w]);
		buf_adds(out, "\"><span>wave ");
		html_escape(out, names.v[w]);
		buf_adds(out, "</span></div>\n");
	}
	free(first);
	strv_release(&names);
}

static void
render_bar_row(struct buf *out, const struct timeline *tl, size_t i,
	       const struct json_value *t)
{
	const struct bar *b = &tl->bars[i];
	const char *st = status_of(t);

	buf_adds(out, "<div class=\"tl-row target\" data-status=\"");
	html_escape(out, st);
	buf_adds(out, "\"><span class=\"tl-name\">");
	html_escape(out, str(t, "name"));
	buf_adds(out, "</span>");
	if (b->has) {
		buf_addf(out, "<div class=\"bar st-%s%s\" style=\"left:%.3f%%;"
			 "width:%.3f%%\" title=\"", st,
			 b->approx ? " approx" : "", pct(tl, b->start),
			 100.0 * (b->end - b->start) / tl->span);
		html_escape(out, str(t, "name"));
		buf_addf(out, ": %s, %.2fs%s\"></div>", st,
			 json_as_double(json_get(t, "seconds"), 0),
			 b->approx ? " (start approximate)" : "");
	}
	buf_adds(out, "</div>\n");
}

static void
render_timeline(struct buf *out, const struct json_value *report)
{
	const struct json_value *ts = json_get(report, "targets");
	struct timeline tl;
	bool approx = false;
	size_t i;

	timeline_init(&tl, report);
	buf_adds(out, "<section id=\"timeline\"><h2>Timeline</h2>\n"
		 "<div class=\"tl\">\n");
	render_axis(out, &tl);
	render_waves(out, &tl, ts);
	for (i = 0; i < tl.n; i++) {
		render_bar_row(out, &tl, i, json_index(ts, i));
		approx = approx || tl.bars[i].approx;
	}
	buf_adds(out, "</div>\n");
	if (approx)
		buf_adds(out, "<p class=\"run\">Dashed bars: the report has no "
			 "start time for the target; the bar starts at its "
			 "first step's second, or at the run's start.</p>\n");
	buf_adds(out, "</section>\n");
	free(tl.bars);
}

/* ---- summary and table ------------------------------------------------ */

static void
count_statuses(const struct json_value *ts, size_t counts[OUT_NSTATUS])
{
	size_t i;
	int s;

	memset(counts, 0, OUT_NSTATUS * sizeof(counts[0]));
	for (i = 0; i < json_count(ts); i++)
		if ((s = outcome_status_by_name(str(json_index(ts, i),
						    "status"))) >= 0)
			counts[s]++;
}

static void
render_header(struct buf *out, const struct json_value *report)
{
	const struct json_value *code = json_get(report, "exit_code");
	const char *v;

	buf_adds(out, "<header><h1>migratore ");
	html_escape(out, str(report, "command"));
	buf_adds(out, "</h1>\n<p class=\"run\">");
	if ((v = str(report, "run_id")) != NULL) {
		buf_adds(out, "run <code>");
		html_escape(out, v);
		buf_adds(out, "</code> · ");
	} else if (json_count(json_get(report, "run_ids")) > 0) {
		buf_addf(out, "merged from %zu runs · ",
			 json_count(json_get(report, "run_ids")));
	}
	if ((v = str(report, "host")) != NULL) {
		buf_adds(out, "host ");
		html_escape(out, v);
		buf_adds(out, " · ");
	}
	html_escape(out, str(report, "start"));
	buf_adds(out, " → ");
	html_escape(out, str(report, "end"));
	if (json_is(code, JSON_NUMBER))
		buf_addf(out, " · exit code %lld", (long long)json_as_int(code, 0));
	if ((v = str(report, "interrupted")) != NULL) {
		buf_adds(out, " · interrupted by ");
		html_escape(out, v);
	}
	buf_adds(out, "</p></header>\n");
}

static void
render_summary(struct buf *out, const size_t counts[OUT_NSTATUS], size_t n)
{
	int s;

	buf_addf(out, "<section id=\"summary\"><h2>Summary: %zu target%s"
		 "</h2>\n<ul class=\"counts\">\n", n, n == 1 ? "" : "s");
	for (s = 0; s < OUT_NSTATUS; s++) {
		const char *name = outcome_status_name((enum outcome_status)s);

		buf_addf(out, "<li class=\"st-%s%s\" data-count=\"%zu\">"
			 "%zu %s</li>\n", name, counts[s] ? "" : " zero",
			 counts[s], counts[s], name);
	}
	buf_adds(out, "</ul></section>\n");
}

static void
render_filter(struct buf *out, const size_t counts[OUT_NSTATUS], size_t n)
{
	size_t problems = 0;
	int s;

	for (s = 0; s < OUT_NSTATUS; s++)
		if (!outcome_status_info((enum outcome_status)s)->good)
			problems += counts[s];
	buf_addf(out, "<div id=\"filter\" role=\"group\" aria-label=\"filter "
		 "by status\" hidden>\n<button type=\"button\" "
		 "data-filter=\"all\">all (%zu)</button>\n<button type=\"button\" "
		 "data-filter=\"problems\">not ok (%zu)</button>\n", n, problems);
	for (s = 0; s < OUT_NSTATUS; s++) {
		const char *name = outcome_status_name((enum outcome_status)s);

		if (counts[s] > 0)
			buf_addf(out, "<button type=\"button\" data-filter=\"%s\">"
				 "%s (%zu)</button>\n", name, name, counts[s]);
	}
	buf_addf(out, "</div>\n<p class=\"run\">Showing <span id=\"shown\">"
		 "%zu</span> of %zu.</p>\n", n, n);
}

/* A count, or "-" when the worker never said. */
static void
count_cell(struct buf *out, const struct json_value *t, const char *key)
{
	const struct json_value *v = json_get(t, key);

	if (json_is(v, JSON_NUMBER))
		buf_addf(out, "<td class=\"num\">%lld</td>",
			 (long long)json_as_int(v, 0));
	else
		buf_adds(out, "<td class=\"num\">-</td>");
}

/* The first error: the reason, and the failing steps' texts to unfold. */
static void
error_cell(struct buf *out, const struct json_value *t)
{
	const struct json_value *steps = json_get(t, "steps");
	const char *reason = str(t, "reason"), *nl;
	size_t i;

	buf_adds(out, "<td class=\"err\">");
	if (reason) {
		nl = strchr(reason, '\n');
		if (nl) {
			char *line = xstrndup(reason, (size_t)(nl - reason));

			html_escape(out, line);
			free(line);
		} else {
			html_escape(out, reason);
		}
	}
	for (i = 0; i < json_count(steps); i++) {
		const struct json_value *s = json_index(steps, i);
		const char *tb = str(s, "traceback");

		if (tb == NULL)
			tb = str(s, "error");
		if (tb == NULL)
			continue;
		buf_adds(out, "<details><summary>");
		html_escape(out, str(s, "operation"));
		buf_adds(out, " ");
		html_escape(out, str(s, "file"));
		buf_adds(out, "</summary><pre>");
		html_escape(out, tb);
		buf_adds(out, "</pre></details>");
	}
	buf_adds(out, "</td>");
}

static void
render_row(struct buf *out, const struct json_value *t, bool waves)
{
	const char *st = status_of(t);

	buf_adds(out, "<tr class=\"target\" data-status=\"");
	html_escape(out, st);
	buf_adds(out, "\" data-name=\"");
	html_escape(out, str(t, "name"));
	buf_adds(out, "\"><td>");
	html_escape(out, str(t, "name"));
	if (waves) {
		buf_adds(out, "</td><td>");
		html_escape(out, wave_of(t));
	}
	buf_adds(out, "</td><td>");
	html_escape(out, str(t, "engine"));
	buf_addf(out, "</td><td><span class=\"pill st-%s\">", st);
	html_escape(out, st);
	buf_adds(out, "</span></td>");
	count_cell(out, t, "applied");
	count_cell(out, t, "pending");
	count_cell(out, t, "rollbacks");
	buf_addf(out, "<td class=\"num\">%.2fs</td>",
		 json_as_double(json_get(t, "seconds"), 0));
	error_cell(out, t);
	buf_adds(out, "</tr>\n");
}

static void
render_table(struct buf *out, const struct json_value *ts,
	     const size_t counts[OUT_NSTATUS])
{
	bool waves = false;
	size_t i;

	for (i = 0; i < json_count(ts); i++)
		waves = waves || wave_of(json_index(ts, i)) != NULL;
	buf_adds(out, "<section id=\"targets\"><h2>Targets</h2>\n");
	render_filter(out, counts, json_count(ts));
	buf_addf(out, "<table id=\"targets-table\"><thead><tr><th>Target</th>"
		 "%s<th>Engine</th><th>Status</th><th>Applied</th>"
		 "<th>Pending</th><th>Rollbacks</th><th>Duration</th>"
		 "<th>Error</th></tr></thead>\n<tbody>\n",
		 waves ? "<th>Wave</th>" : "");
	for (i = 0; i < json_count(ts); i++)
		render_row(out, json_index(ts, i), waves);
	buf_adds(out, "</tbody></table></section>\n");
}

/* The filter's script, with the good statuses from the status table. */
static void
render_script(struct buf *out)
{
	const char *sep = "";
	int s;

	buf_adds(out, "<script>\n");
	buf_adds(out, html_js_head);
	buf_adds(out, "  var good = [");
	for (s = 0; s < OUT_NSTATUS; s++) {
		const struct outcome_status_info *st =
		    outcome_status_info((enum outcome_status)s);

		if (st->good) {
			buf_addf(out, "%s'%s'", sep, st->name);
			sep = ", ";
		}
	}
	buf_adds(out, "];\n");
	buf_adds(out, html_js);
	buf_adds(out, "</script>\n");
}

void
html_render(const struct json_value *report, struct buf *out)
{
	const struct json_value *ts = json_get(report, "targets");
	size_t counts[OUT_NSTATUS];

	count_statuses(ts, counts);
	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
		 "<meta charset=\"utf-8\">\n"
		 "<meta http-equiv=\"Content-Security-Policy\" content=\""
		 "default-src 'none'; style-src 'unsafe-inline'; "
		 "script-src 'unsafe-inline'\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width\">\n"
		 "<title>migratore ");
	html_escape(out, str(report, "command"));
	buf_adds(out, " report</title>\n<style>\n");
	buf_adds(out, html_css);
	render_status_css(out);
	buf_adds(out, "</style></head>\n<body>\n");
	render_header(out, report);
	render_summary(out, counts, json_count(ts));
	render_timeline(out, report);
	render_table(out, ts, counts);
	render_script(out);
	buf_adds(out, "</body></html>\n");
}
