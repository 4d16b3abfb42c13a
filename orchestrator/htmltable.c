/* The HTML report's table of targets: its frame, and the JSON island the
 * page's script draws it from, a page at a time. */
#include "config.h"

#include "orchestrator/htmltable.h"

#include <math.h> /* isfinite: a macro, no libm */
#include <string.h>

#include "common/json.h"
#include "orchestrator/html.h"
#include "orchestrator/timeline.h"
#include "common/banned.h"

static const char *
str(const struct json_value *obj, const char *key)
{
	return json_as_string(json_get(obj, key));
}


struct column {
	const char *key, *title, *width, *cls;
};

static const struct column columns[] = {
	{ "name", "Target", "14rem", NULL },
	{ "wave", "Wave", "8rem", NULL },
	{ "engine", "Engine", "6rem", NULL },
	{ "tags", "Tags", "7rem", NULL },
	{ "status", "Status", "8.5rem", NULL },
	{ "applied", "Applied", "5rem", "num" },
	{ "pending", "Pending", "5rem", "num" },
	{ "rollbacks", "Rollbacks", "6.5rem", "num" },
	{ "seconds", "Duration", "5.5rem", "num" },
	{ "error", "Error", NULL, NULL },
};

/* Several waves (labels) among the targets? */
static bool
has_waves(const struct json_value *report)
{
	const struct json_value *ts = json_get(report, "targets");
	struct buf first = BUF_INIT, label = BUF_INIT;
	bool found = false, several = false;
	size_t i;

	for (i = 0; i < json_count(ts) && !several; i++) {
		buf_reset(&label);
		if (!timeline_wave_label(report, json_index(ts, i), &label))
			continue;
		if (found)
			several = strcmp(first.ptr, label.ptr) != 0;
		else
			buf_adds(&first, label.ptr);
		found = true;
	}
	buf_release(&first);
	buf_release(&label);
	return several;
}

static bool
has_tags(const struct json_value *report)
{
	const struct json_value *ts = json_get(report, "targets");
	size_t i;

	for (i = 0; i < json_count(ts); i++)
		if (json_count(json_get(json_index(ts, i), "tags")) > 0)
			return true;
	return false;
}

static bool
column_shown(const struct column *c, bool waves, bool tags)
{
	return (strcmp(c->key, "wave") != 0 || waves) &&
	       (strcmp(c->key, "tags") != 0 || tags);
}

static void
render_filter(struct buf *out, const struct htmltable *t)
{
	size_t problems = 0;
	int s;

	for (s = 0; s < OUT_NSTATUS; s++)
		if (!outcome_status_info((enum outcome_status)s)->good)
			problems += t->counts[s];
	buf_addf(out, "<div id=\"filter\" role=\"group\" aria-label=\"filter "
		 "by status\">\n<button type=\"button\" data-filter=\"all\">"
		 "all (%zu)</button>\n<button type=\"button\" data-filter="
		 "\"problems\">not ok (%zu)</button>\n", t->n, problems);
	for (s = 0; s < OUT_NSTATUS; s++) {
		const char *name = outcome_status_name((enum outcome_status)s);

		if (t->counts[s] > 0)
			buf_addf(out, "<button type=\"button\" data-filter=\"%s\">"
				 "%s (%zu)</button>\n", name, name,
				 t->counts[s]);
	}
	buf_adds(out, "</div>\n");
}

static void
render_controls(struct buf *out, const struct htmltable *t)
{
	static const char *const selects[] = { "engine", "wave", "tag" };
	size_t i;

	buf_adds(out, "<div id=\"controls\" hidden>\n<input type=\"search\" "
		 "id=\"q\" placeholder=\"search name, engine, error\" "
		 "aria-label=\"search name, engine and error\">\n");
	for (i = 0; i < sizeof(selects) / sizeof(selects[0]); i++)
		buf_addf(out, "<label>%s <select id=\"%s\" name=\"%s\"><option "
			 "value=\"\">any</option></select></label>\n",
			 selects[i], selects[i], selects[i]);
	buf_adds(out, "<span id=\"group\" hidden>failure group <span id=\""
		 "group-n\"></span> <button type=\"button\" aria-label=\"show "
		 "every group\">×</button></span>\n<button type=\"button\" "
		 "id=\"clear\">clear filters</button>\n");
	render_filter(out, t);
	buf_adds(out, "</div>\n");
}

void
htmltable_render(const struct htmltable *t, struct buf *out)
{
	size_t i;

	buf_adds(out, "<section id=\"targets\"><h2>Targets</h2>\n");
	render_controls(out, t);
	buf_addf(out, "<p class=\"note\">Showing <span id=\"range\">0</span> "
		 "of <span id=\"shown\">%zu</span> matching, of %zu targets, "
		 "%d to a page; click a heading to sort.</p>\n<table id=\""
		 "targets-table\"><colgroup>", t->n, t->n, HTML_PAGE_ROWS);
	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		if (column_shown(&columns[i], t->waves, t->tags)) {
			if (columns[i].width)
				buf_addf(out, "<col style=\"width:%s\">",
					 columns[i].width);
			else
				buf_adds(out, "<col>");
		}
	buf_adds(out, "</colgroup>\n<thead><tr>");
	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		if (column_shown(&columns[i], t->waves, t->tags))
			buf_addf(out, "<th data-key=\"%s\"%s%s%s>%s</th>",
				 columns[i].key, columns[i].cls ? " class=\""
				 : "", columns[i].cls ? columns[i].cls : "",
				 columns[i].cls ? "\"" : "", columns[i].title);
	buf_adds(out, "</tr></thead>\n<tbody id=\"rows\"></tbody></table>\n"
		 "<p id=\"none\" class=\"note\" hidden>No target matches.</p>\n"
		 "<div id=\"pager\" hidden><button type=\"button\" data-page=\""
		 "first\">« first</button><button type=\"button\" data-page=\""
		 "prev\">‹ previous</button><span id=\"page\"></span><button "
		 "type=\"button\" data-page=\"next\">next ›</button><button "
		 "type=\"button\" data-page=\"last\">last »</button></div>\n"
		 "<noscript><p class=\"stop\">The table of targets needs "
		 "JavaScript. The failures above name every target that did "
		 "not succeed; the JSON report has everything.</p></noscript>\n"
		 "</section>\n");
}

/* ---- the island: the targets as the script reads them ------------------ */

static void
json_count_or_null(struct json *j, const struct json_value *v)
{
	if (json_is(v, JSON_NUMBER))
		json_int(j, NULL, json_as_int(v, 0));
	else
		json_null(j, NULL);
}

/* [operation, file, traceback] of each step that says what failed. */
static void
island_steps(struct json *j, const struct json_value *t)
{
	const struct json_value *steps = json_get(t, "steps");
	size_t i;

	json_array_begin(j, NULL);
	for (i = 0; i < json_count(steps); i++) {
		const struct json_value *s = json_index(steps, i);
		const char *tb = str(s, "traceback");

		if (tb == NULL)
			tb = str(s, "error");
		if (tb == NULL)
			continue;
		json_array_begin(j, NULL);
		json_string(j, NULL, str(s, "operation") ? str(s, "operation")
							  : "");
		json_string(j, NULL, str(s, "file") ? str(s, "file") : "");
		json_string(j, NULL, tb);
		json_array_end(j);
	}
	json_array_end(j);
}

/* The fields of a target's row in the island, in island_target's order. */
static const char *const island_columns[] = {
	"name", "engine", "status", "wave", "tags", "applied", "pending",
	"rollbacks", "seconds", "error", "group", "steps",
};

static void
island_target(struct json *j, const struct htmltable *tab, size_t i)
{
	const struct json_value *t = json_index(tab->ts, i);
	const struct json_value *tags = json_get(t, "tags");
	double secs = json_as_double(json_get(t, "seconds"), 0);
	struct buf wave = BUF_INIT;
	size_t k;

	json_array_begin(j, NULL);
	json_string(j, NULL, str(t, "name"));
	json_string(j, NULL, str(t, "engine") ? str(t, "engine") : "");
	json_string(j, NULL, outcome_status_named(str(t, "status"))->name);
	timeline_wave_label(tab->report, t, &wave);
	json_string(j, NULL, wave.ptr);
	json_array_begin(j, NULL);
	for (k = 0; k < json_count(tags); k++)
		if (json_as_string(json_index(tags, k)))
			json_string(j, NULL, json_as_string(json_index(tags, k)));
	json_array_end(j);
	json_count_or_null(j, json_get(t, "applied"));
	json_count_or_null(j, json_get(t, "pending"));
	json_count_or_null(j, json_get(t, "rollbacks"));
	json_double(j, NULL, isfinite(secs) ? secs : 0);
	json_string(j, NULL, str(t, "reason"));
	json_int(j, NULL, (int64_t)tab->group_of[i]);
	island_steps(j, t);
	json_array_end(j);
	buf_release(&wave);
}

static void
island_strings(struct json *j, const char *key, bool good_only)
{
	int s;

	json_array_begin(j, key);
	for (s = 0; s < OUT_NSTATUS; s++)
		if (!good_only || outcome_status_info((enum outcome_status)s)->good)
			json_string(j, NULL,
				    outcome_status_name((enum outcome_status)s));
	json_array_end(j);
}

void
htmltable_island(const struct htmltable *t, struct buf *out)
{
	struct buf text = BUF_INIT;
	struct json j;
	size_t i;

	json_init(&j, &text, false);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "columns");
	for (i = 0; i < sizeof(island_columns) / sizeof(island_columns[0]); i++)
		json_string(&j, NULL, island_columns[i]);
	json_array_end(&j);
	island_strings(&j, "statuses", false);
	island_strings(&j, "good", true);
	json_bool(&j, "waves", t->waves);
	json_bool(&j, "tags", t->tags);
	json_int(&j, "page", HTML_PAGE_ROWS);
	json_array_begin(&j, "targets");
	for (i = 0; i < t->n; i++) {
		buf_adds(&text, "\n");
		island_target(&j, t, i);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_adds(out, "<script type=\"application/json\" id=\"report-data\">");
	html_script_json(out, text.ptr, text.len);
	buf_adds(out, "</script>\n");
	buf_release(&text);
}

void
htmltable_init(struct htmltable *t, const struct json_value *report,
	       const size_t counts[OUT_NSTATUS], const size_t *group_of)
{
	t->report = report;
	t->ts = json_get(report, "targets");
	t->n = json_count(t->ts);
	t->counts = counts;
	t->group_of = group_of;
	t->waves = has_waves(report);
	t->tags = has_tags(report);
}
