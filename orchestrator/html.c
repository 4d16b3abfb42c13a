/* The fleet report rendered as one self-contained HTML page: the run and
 * why it stopped, the summary, failures grouped by error, a table drawn
 * by the inline script from a JSON island, and the timeline. */
#include "config.h"

#include "orchestrator/html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "orchestrator/failgroup.h"
#include "orchestrator/htmlassets.h"
#include "orchestrator/htmltable.h"
#include "orchestrator/outcome.h"
#include "orchestrator/timeline.h"
#include "common/banned.h"

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

/* Inside a JSON text these bytes only occur in strings, where a \u
 * escape means the same: the script element cannot be closed from data,
 * and U+2028/U+2029 stay escaped for older JavaScript. */
void
html_script_json(struct buf *out, const char *json, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)json[i];

		if (c == '<' || c == '>' || c == '&')
			buf_addf(out, "\\u%04x", c);
		else if (c == 0xe2 && i + 2 < len &&
			 (unsigned char)json[i + 1] == 0x80 &&
			 ((unsigned char)json[i + 2] == 0xa8 ||
			  (unsigned char)json[i + 2] == 0xa9)) {
			buf_addf(out, "\\u%04x",
				 0x2000 + (unsigned char)json[i + 2] - 0x80);
			i += 2;
		} else
			buf_addc(out, (char)c);
	}
}

static const char *
str(const struct json_value *obj, const char *key)
{
	return json_as_string(json_get(obj, key));
}

/* ---- what the page is made of ----------------------------------------- */

struct page {
	const struct json_value *report;
	const struct json_value *ts;     /* the targets */
	size_t n;
	size_t counts[OUT_NSTATUS];
	size_t unreached;                /* targets the run never got to */
	struct timeline tl;
	struct failgroup_item *items;    /* one per target */
	struct failgroups fails;
	size_t *group_of;                /* per target: its group's number */
	struct failgroup_item *warns;    /* one per warning */
	size_t nwarns;
	struct failgroups warnings;
	struct failgroup_run run;
};

/* The step that failed (its uuid, file, traceback, what stayed
 * committed), and whether a recovery Rollback ran after it. */
static void
failing_step(const struct json_value *t, struct failgroup_item *it)
{
	const struct json_value *steps = json_get(t, "steps");
	size_t i;

	for (i = 0; i < json_count(steps); i++) {
		const struct json_value *s = json_index(steps, i);
		const char *res = str(s, "result");

		if (res == NULL || strcmp(res, "success") == 0) {
			if (json_as_bool(json_get(s, "recovery"), false))
				it->recovered = true;
			continue;
		}
		if (json_as_bool(json_get(s, "recovery"), false))
			continue;
		it->uuid = str(s, "uuid");
		it->file = str(s, "file");
		it->operation = str(s, "operation");
		it->traceback = str(s, "traceback");
		it->committed = (long)json_as_int(json_get(s, "committed"), 0);
		it->total = (long)json_as_int(json_get(s, "total"), 0);
	}
}

static void
item_init(struct failgroup_item *it, const struct json_value *t)
{
	memset(it, 0, sizeof(*it));
	it->name = str(t, "name");
	it->status = str(t, "status");
	it->desc = str(t, "target");
	it->text = str(t, "reason");
	failing_step(t, it);
}

static void
collect_warnings(struct page *p)
{
	size_t i, j, cap = 0;

	for (i = 0; i < p->n; i++)
		cap += json_count(json_get(json_index(p->ts, i), "warnings"));
	p->warns = xcalloc(cap ? cap : 1, sizeof(*p->warns));
	for (i = 0; i < p->n; i++) {
		const struct json_value *t = json_index(p->ts, i);
		const struct json_value *w = json_get(t, "warnings");

		for (j = 0; j < json_count(w); j++) {
			struct failgroup_item *it = &p->warns[p->nwarns];

			if (json_as_string(json_index(w, j)) == NULL)
				continue;
			memset(it, 0, sizeof(*it));
			it->name = str(t, "name");
			it->desc = str(t, "target");
			it->text = json_as_string(json_index(w, j));
			p->nwarns++;
		}
	}
	failgroups_build(&p->warnings, p->warns, p->nwarns);
}

/* Every target's item (failgroup.h), and the counts by status. */
static void
collect_items(struct page *p)
{
	size_t i;
	int s;

	p->items = xcalloc(p->n ? p->n : 1, sizeof(*p->items));
	for (i = 0; i < p->n; i++) {
		const struct json_value *t = json_index(p->ts, i);

		item_init(&p->items[i], t);
		if ((s = outcome_status_by_name(str(t, "status"))) >= 0)
			p->counts[s]++;
		if (!outcome_status_named(str(t, "status"))->reached)
			p->unreached++;
	}
}

static void
page_init(struct page *p, const struct json_value *report)
{
	const struct json_value *opts = json_get(report, "options");
	size_t i, k;

	memset(p, 0, sizeof(*p));
	p->report = report;
	p->ts = json_get(report, "targets");
	p->n = json_count(p->ts);
	timeline_init(&p->tl, report);
	collect_items(p);
	failgroups_build(&p->fails, p->items, p->n);
	p->group_of = xcalloc(p->n ? p->n : 1, sizeof(*p->group_of));
	for (i = 0; i < p->fails.n; i++)
		for (k = 0; k < p->fails.v[i].n; k++)
			p->group_of[p->fails.v[i].members[k]] = i + 1;
	collect_warnings(p);
	p->run.command = str(report, "command");
	p->run.id = str(opts, "id");
	p->run.inventory = str(opts, "inventory");
	p->run.unfinished = p->fails.items;
}

static void
page_release(struct page *p)
{
	timeline_release(&p->tl);
	failgroups_release(&p->fails);
	failgroups_release(&p->warnings);
	free(p->items);
	free(p->group_of);
	free(p->warns);
}

/* ---- head and header ---------------------------------------------------- */

/* The status table's colours: .st-<name> for boxes, and as a fill for
 * the timeline's areas (the background colour of the declarations). */
static void
render_status_css(struct buf *out)
{
	int s;

	for (s = 0; s < OUT_NSTATUS; s++) {
		const struct outcome_status_info *st =
		    outcome_status_info((enum outcome_status)s);
		const char *bg = strstr(st->css, "background:");

		buf_addf(out, ".st-%s{%s}", st->name, st->css);
		if (bg != NULL)
			buf_addf(out, "svg .st-%s{fill:%.*s}", st->name,
				 (int)strcspn(bg + 11, ";"), bg + 11);
		buf_addc(out, '\n');
	}
}

static void
render_head(struct buf *out, const struct page *p)
{
	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
		 "<meta charset=\"utf-8\">\n"
		 "<meta http-equiv=\"Content-Security-Policy\" content=\""
		 "default-src 'none'; style-src 'unsafe-inline'; "
		 "script-src 'unsafe-inline'\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width\">\n"
		 "<title>migratore ");
	html_escape(out, str(p->report, "command"));
	buf_adds(out, " report</title>\n<style>\n");
	buf_adds(out, htmlassets_css);
	render_status_css(out);
	buf_adds(out, "</style></head>\n<body>\n");
}

static void
render_run_line(struct buf *out, const struct page *p)
{
	const struct json_value *r = p->report, *code = json_get(r, "exit_code");
	size_t runs = json_count(json_get(r, "run_ids"));
	const char *v;

	buf_adds(out, "<p class=\"run\">");
	if ((v = str(r, "run_id")) != NULL) {
		buf_adds(out, "run <code>");
		html_escape(out, v);
		buf_adds(out, "</code> · ");
	} else if (runs > 0) {
		buf_addf(out, "merged from %zu run%s · ", runs,
			 runs == 1 ? "" : "s");
	}
	if ((v = str(r, "host")) != NULL) {
		buf_adds(out, "host ");
		html_escape(out, v);
		buf_adds(out, " · ");
	}
	html_escape(out, str(r, "start"));
	buf_adds(out, " → ");
	html_escape(out, str(r, "end"));
	buf_adds(out, " · <span id=\"duration\">");
	timeline_duration(out, p->tl.span);
	buf_adds(out, "</span>");
	if (json_is(code, JSON_NUMBER))
		buf_addf(out, " · exit code %lld",
			 (long long)json_as_int(code, 0));
	if ((v = str(r, "tool_version")) != NULL) {
		buf_adds(out, " · migratore ");
		html_escape(out, v);
	}
	buf_adds(out, "</p>\n");
}

/* The options that shape what ran, those that were given. */
static void
render_options(struct buf *out, const struct json_value *opts)
{
	static const char *const keys[][2] = {
		{ "inventory", "inventory" }, { "path", "path" },
		{ "canary", "canary" }, { "max_failures", "max failures" },
		{ "per_host", "per host" }, { "deadline", "deadline" },
		{ "shard", "shard" }, { "resume", "resume" },
	};
	const struct json_value *sel = json_get(opts, "select");
	size_t i;

	if (!json_is(opts, JSON_OBJECT))
		return;
	buf_addf(out, "<p class=\"run\">jobs %lld",
		 (long long)json_as_int(json_get(opts, "jobs"), 0));
	for (i = 0; i < json_count(sel); i++) {
		buf_adds(out, i ? ", " : " · select ");
		html_escape(out, json_as_string(json_index(sel, i)));
	}
	if (json_as_int(json_get(opts, "retries"), 0) > 0)
		buf_addf(out, " · retries %lld",
			 (long long)json_as_int(json_get(opts, "retries"), 0));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct json_value *v = json_get(opts, keys[i][0]);

		if (!json_is(v, JSON_STRING) && !json_is(v, JSON_NUMBER))
			continue;
		buf_addf(out, " · %s ", keys[i][1]);
		html_escape(out, json_is(v, JSON_STRING) ? v->u.string.s
							  : v->u.number.text);
	}
	buf_adds(out, "</p>\n");
}

/* Why a run stopped early: its "interrupted" and "stopped". */
static bool
stop_reason(struct buf *out, const struct json_value *r, const char *who)
{
	const char *sig = str(r, "interrupted"), *why = str(r, "stopped");

	if (sig == NULL && why == NULL)
		return false;
	buf_adds(out, "<p class=\"stop\"><b>");
	html_escape(out, who);
	if (sig != NULL) {
		buf_adds(out, " was interrupted</b> by ");
		html_escape(out, sig);
	}
	if (why != NULL) {
		buf_adds(out, sig ? "; stopped: " : " stopped early:</b> ");
		html_escape(out, why);
	}
	buf_adds(out, "</p>\n");
	return true;
}

/* Table cells: text escaped, a count right-aligned. */
static void
text_cell(struct buf *out, const char *s)
{
	buf_adds(out, "<td>");
	html_escape(out, s);
	buf_adds(out, "</td>");
}

static void
count_cell(struct buf *out, const struct json_value *obj, const char *key)
{
	buf_addf(out, "<td class=\"num\">%lld</td>",
		 (long long)json_as_int(json_get(obj, key), 0));
}

/* The runs a merged report comes from, numbered as run_ids. */
/* One merged run: which, when, how many targets, how it ended. */
static void
render_run_row(struct buf *out, const struct json_value *e)
{
	const char *why = str(e, "stopped");

	buf_adds(out, "<tr>");
	text_cell(out, str(e, "run_id"));
	text_cell(out, str(e, "file"));
	text_cell(out, str(e, "start"));
	text_cell(out, str(e, "end"));
	count_cell(out, e, "targets");
	count_cell(out, e, "exit_code");
	buf_adds(out, "<td>");
	if (str(e, "interrupted")) {
		buf_adds(out, "interrupted by ");
		html_escape(out, str(e, "interrupted"));
		buf_adds(out, why ? "; " : "");
	}
	html_escape(out, why);
	buf_adds(out, "</td></tr>\n");
}

static void
render_runs(struct buf *out, const struct json_value *report)
{
	const struct json_value *m = json_get(report, "merged");
	size_t i;

	if (json_count(m) == 0)
		return;
	buf_adds(out, "<table class=\"runs\"><thead><tr><th>Run</th>"
		 "<th>Report</th><th>Start</th><th>End</th><th class=\"num\">"
		 "Targets</th><th class=\"num\">Exit</th><th>Stopped</th>"
		 "</tr></thead><tbody>\n");
	for (i = 0; i < json_count(m); i++)
		render_run_row(out, json_index(m, i));
	buf_adds(out, "</tbody></table>\n");
}

static void
render_header(struct buf *out, const struct page *p)
{
	bool stopped;

	buf_adds(out, "<header><h1>migratore ");
	html_escape(out, str(p->report, "command"));
	buf_adds(out, "</h1>\n");
	render_run_line(out, p);
	render_options(out, json_get(p->report, "options"));
	stopped = stop_reason(out, p->report, "The run");
	if (stopped || p->unreached > 0)
		buf_addf(out, "<p class=\"run\">%zu target%s not reached.</p>\n",
			 p->unreached, p->unreached == 1 ? " was" : "s were");
	render_runs(out, p->report);
	buf_adds(out, "</header>\n");
}

/* ---- summary ---------------------------------------------------------- */

/* The waves of the run, when it had several or one stopped. */
static void
render_waves(struct buf *out, const struct json_value *report)
{
	const struct json_value *ws = json_get(report, "waves");
	const char *first = str(json_index(ws, 0), "status");
	size_t i;

	if (json_count(ws) == 0 || (json_count(ws) == 1 && first != NULL &&
				    strcmp(first, "completed") == 0))
		return;
	buf_adds(out, "<table class=\"waves\"><thead><tr><th>Wave</th>"
		 "<th>Status</th><th class=\"num\">Targets</th><th class="
		 "\"num\">Started</th><th class=\"num\">Failed</th><th>"
		 "Budget</th></tr></thead><tbody>\n");
	for (i = 0; i < json_count(ws); i++) {
		const struct json_value *w = json_index(ws, i);

		buf_adds(out, "<tr>");
		text_cell(out, str(w, "name"));
		text_cell(out, str(w, "status"));
		count_cell(out, w, "targets");
		count_cell(out, w, "started");
		count_cell(out, w, "failed");
		text_cell(out, str(w, "max_failures"));
		buf_adds(out, "</tr>\n");
	}
	buf_adds(out, "</tbody></table>\n");
}

/* A count per status, each a filter of the table. */
static void
render_counts(struct buf *out, const struct page *p)
{
	int s;

	buf_adds(out, "<ul class=\"counts\">\n");
	for (s = 0; s < OUT_NSTATUS; s++) {
		const char *name = outcome_status_name((enum outcome_status)s);

		buf_addf(out, "<li class=\"st-%s%s\" data-count=\"%zu\" "
			 "data-filter=\"%s\" title=\"show them in the table\">"
			 "%zu %s</li>\n", name, p->counts[s] ? "" : " zero",
			 p->counts[s], name, p->counts[s], name);
	}
	buf_adds(out, "</ul>\n");
}

static void
render_summary(struct buf *out, const struct page *p)
{
	buf_addf(out, "<section id=\"summary\"><h2>Summary: %zu target%s"
		 "</h2>\n", p->n, p->n == 1 ? "" : "s");
	render_counts(out, p);
	render_waves(out, p->report);
	buf_adds(out, "</section>\n");
}

/* ---- failures and warnings, grouped ------------------------------------ */

/* The first HTML_GROUP_NAMES names, then the rest to unfold. */
/* A member's name, whole in its title when the box cuts it. */
static void
render_name(struct buf *out, const char *name)
{
	buf_adds(out, "<span class=\"nm\" title=\"");
	html_escape(out, name);
	buf_adds(out, "\">");
	html_escape(out, name);
	buf_adds(out, "</span>");
}

/* The names past the first HTML_GROUP_NAMES, folded. */
static void
render_more_names(struct buf *out, const struct failgroup *g,
		  const struct failgroup_item *it)
{
	size_t i;

	buf_addf(out, "<details><summary>and %zu more</summary><div>",
		 g->n - HTML_GROUP_NAMES);
	for (i = HTML_GROUP_NAMES; i < g->n; i++) {
		buf_adds(out, i > HTML_GROUP_NAMES ? ", " : "");
		html_escape(out, it[g->members[i]].name);
	}
	buf_adds(out, "</div></details>");
}

static void
render_names(struct buf *out, const struct failgroup *g,
	     const struct failgroup_item *it)
{
	size_t i;

	buf_adds(out, "<div class=\"names\">");
	for (i = 0; i < g->n && i < HTML_GROUP_NAMES; i++)
		render_name(out, it[g->members[i]].name);
	if (g->n > HTML_GROUP_NAMES)
		render_more_names(out, g, it);
	buf_adds(out, "</div>\n");
}

static void
render_notes(struct buf *out, const struct failgroup *g,
	     const struct failgroup_item *it)
{
	if (g->detail == NULL && g->hint == NULL)
		return;
	buf_adds(out, "<p class=\"notes\">");
	if (g->detail) {
		buf_adds(out, "DETAIL: ");
		html_escape(out, g->detail);
	}
	if (g->hint) {
		buf_adds(out, g->detail ? "\nHINT: " : "HINT: ");
		html_escape(out, g->hint);
	}
	if (g->notes_differ) {
		buf_adds(out, "\n(");
		html_escape(out, it[g->members[0]].name);
		buf_adds(out, "'s; other targets of the group differ)");
	}
	buf_adds(out, "</p>\n");
}

static void
render_next(struct buf *out, const struct failgroup *g,
	    const struct failgroup_item *it, const struct failgroup_run *run)
{
	struct buf b = BUF_INIT;
	char *line, *save = NULL;
	bool first = true;

	failgroup_advice(g, &b);
	buf_adds(out, "<p class=\"next\">");
	html_escape(out, b.ptr);
	buf_adds(out, "</p>\n<pre class=\"cmd\">");
	buf_reset(&b);
	failgroup_command(g, it, run, &b);
	/* a command to a box: a long --select scrolls in its own */
	for (line = strtok_r(b.ptr, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		buf_adds(out, first ? "" : "</pre>\n<pre class=\"cmd\">");
		html_escape(out, line);
		first = false;
	}
	buf_adds(out, "</pre>\n");
	buf_release(&b);
}

static void
render_group(struct buf *out, const struct page *p, size_t k)
{
	const struct failgroup *g = &p->fails.v[k];
	const char *st = outcome_status_named(g->status)->name;

	buf_addf(out, "<article class=\"group\" id=\"group-%zu\" data-count="
		 "\"%zu\" data-status=\"%s\"><button type=\"button\" "
		 "data-group=\"%zu\" hidden>show them in the table</button>"
		 "<h3><b>%zu target%s</b> <span class=\"pill st-%s\">%s</span> "
		 "<span class=\"line\">", k + 1, g->n, st, k + 1, g->n,
		 g->n == 1 ? "" : "s", st, st);
	html_escape(out, g->line);
	buf_adds(out, "</span></h3>\n");
	render_notes(out, g, p->items);
	render_names(out, g, p->items);
	render_next(out, g, p->items, &p->run);
	buf_adds(out, "</article>\n");
}

static void
render_failures(struct buf *out, const struct page *p)
{
	size_t k, rest = 0;

	buf_adds(out, "<section id=\"failures\"><h2>Failures by error</h2>\n");
	if (p->fails.n == 0) {
		buf_adds(out, "<p class=\"note\">Every target succeeded."
			 "</p></section>\n");
		return;
	}
	buf_addf(out, "<p class=\"note\">%zu target%s did not succeed: %zu "
		 "different error%s. In the commands, REPORT.json is this "
		 "run's JSON report (<code>--report</code>).</p>\n",
		 p->fails.items, p->fails.items == 1 ? "" : "s", p->fails.n,
		 p->fails.n == 1 ? "" : "s");
	for (k = 0; k < p->fails.n && k < HTML_GROUPS_MAX; k++)
		render_group(out, p, k);
	for (; k < p->fails.n; k++)
		rest += p->fails.v[k].n;
	if (p->fails.n > HTML_GROUPS_MAX)
		buf_addf(out, "<p class=\"note\">%zu more errors, of %zu "
			 "targets: each is in the table (filter \"not ok\")."
			 "</p>\n", p->fails.n - HTML_GROUPS_MAX, rest);
	buf_adds(out, "</section>\n");
}

static void
render_warning(struct buf *out, const struct page *p,
	       const struct failgroup *g)
{
	buf_addf(out, "<article class=\"group warning\" data-count=\"%zu\">"
		 "<h3><b>%zu target%s</b> <span class=\"line\">", g->n, g->n,
		 g->n == 1 ? "" : "s");
	html_escape(out, g->line);
	buf_adds(out, "</span></h3>\n");
	render_names(out, g, p->warns);
	if (g->action == FAILGROUP_REPAIR)
		render_next(out, g, p->warns, &p->run);
	buf_adds(out, "</article>\n");
}

static void
render_warnings(struct buf *out, const struct page *p)
{
	size_t k;

	if (p->warnings.n == 0)
		return;
	buf_addf(out, "<section id=\"warnings\"><h2>Warnings</h2>\n<p class="
		 "\"note\">%zu warning%s, %zu different.</p>\n",
		 p->warnings.items, p->warnings.items == 1 ? "" : "s",
		 p->warnings.n);
	for (k = 0; k < p->warnings.n && k < HTML_GROUPS_MAX; k++)
		render_warning(out, p, &p->warnings.v[k]);
	buf_adds(out, "</section>\n");
}

void
html_render(const struct json_value *report, struct buf *out)
{
	struct htmltable table;
	struct page p;

	page_init(&p, report);
	htmltable_init(&table, report, p.counts, p.group_of);
	render_head(out, &p);
	render_header(out, &p);
	render_summary(out, &p);
	render_failures(out, &p);
	render_warnings(out, &p);
	htmltable_render(&table, out);
	timeline_render(&p.tl, out);
	htmltable_island(&table, out);
	buf_adds(out, "<script>\n");
	buf_adds(out, htmlassets_js);
	buf_adds(out, "</script>\n</body></html>\n");
	page_release(&p);
}
