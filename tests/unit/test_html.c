/* Unit tests for orchestrator/html and its timeline: a self-contained
 * page, the run and why it stopped, failures grouped with their next
 * command, the targets in a script-safe JSON island, bars on an axis
 * whose zero has sub-second precision, waves marked without overlapping,
 * a timeline by wave at fleet scale, and nothing from the report
 * unescaped. (The page in a browser: tests/integration/report_browser.sh.) */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/jsonparse.h"
#include "orchestrator/html.h"
#include "orchestrator/reportdoc.h"
#include "orchestrator/timeline.h"

/* The run starts at 1767261600 (2026-01-01T10:00:00Z) and, unless said
 * otherwise, lasts 10 s. */
#define REPORT_HEAD(end, more) \
	"{\"schema\": \"migratore-fleet-report\", \"schema_version\": 1,\n" \
	" \"command\": \"upgrade\", \"host\": \"ci\",\n" \
	" \"start\": \"2026-01-01T10:00:00Z\", \"end\": \"" end "\",\n" \
	more " \"targets\": [\n"
#define HEADER_WITH(more) REPORT_HEAD("2026-01-01T10:00:10Z", more)
#define HEADER HEADER_WITH(" \"run_id\": \"R1\", \"interrupted\": " \
	"\"SIGINT\", \"exit_code\": 130,\n \"options\": {\"inventory\": " \
	"\"fleet.yaml\", \"jobs\": 4},\n")

static const char plain_json[] = HEADER
	"  {\"name\": \"a<script>alert(1)</script>\", \"engine\": \"sqlite\","
	" \"status\": \"failed\", \"reason\": \"bad 'x' & \\\"y\\\" <i>\\nsecond line\","
	" \"applied\": 2, \"pending\": 1, \"rollbacks\": 0, \"seconds\": 5.0,"
	" \"start\": 1767261602, \"end\": 1767261607, \"steps\": [{\"operation\":"
	" \"Run\", \"file\": \"0002_b.sql\", \"result\": \"error\","
	" \"traceback\": \"TB <here>\\nDETAIL: dup <k>\"}]},\n"
	"  {\"name\": \"b\", \"engine\": \"postgres\", \"status\": \"ok\","
	" \"tags\": [\"eu\", \"pg\"],"
	" \"applied\": 3, \"pending\": 0, \"rollbacks\": 0, \"seconds\": 2.0,"
	" \"steps\": [{\"operation\": \"Run\", \"start\": 1767261601}]},\n"
	"  {\"name\": \"c\", \"engine\": \"mysql\", \"status\": \"not-reached\","
	" \"reason\": \"the run was interrupted\","
	" \"applied\": null, \"pending\": null, \"rollbacks\": null,"
	" \"seconds\": 0, \"steps\": []},\n"
	"  {\"name\": \"d\", \"engine\": \"sqlite\", \"status\": \"unreachable\","
	" \"reason\": \"cannot open d\", \"seconds\": 1.0, \"steps\": []}\n"
	" ]}\n";

static const char waves_json[] = HEADER
	"  {\"name\": \"c1\", \"status\": \"ok\", \"wave\": \"canary\","
	" \"seconds\": 1, \"start\": 1767261600, \"end\": 1767261601, \"steps\": []},\n"
	"  {\"name\": \"e1\", \"status\": \"ok\", \"wave\": \"eu\","
	" \"seconds\": 1, \"start\": 1767261605, \"end\": 1767261606, \"steps\": []},\n"
	"  {\"name\": \"e2\", \"status\": \"failed\", \"wave\": \"eu\","
	" \"seconds\": 1, \"start\": 1767261604, \"end\": 1767261606, \"steps\": []},\n"
	"  {\"name\": \"r1\", \"status\": \"not-reached\", \"wave\": 3,"
	" \"seconds\": 0, \"steps\": []}\n"
	" ]}\n";

static char *
render(const char *json)
{
	struct reportdoc *d = NULL;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;

	cr_assert_eq(reportdoc_parse(json, strlen(json), "r", &d, &e), 0,
		     "%d:%d: %s", e.line, e.col, e.msg);
	html_render(d->root, &out);
	reportdoc_free(d);
	return buf_detach(&out);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

/* The page's JSON island, parsed back. */
static struct json_value *
island(const char *page)
{
	static const char open[] =
	    "<script type=\"application/json\" id=\"report-data\">";
	const char *s = strstr(page, open), *e;
	struct json_value *v = NULL;
	struct err err = ERR_INIT;

	cr_assert_not_null(s);
	s += strlen(open);
	e = strstr(s, "</script>");
	cr_assert_not_null(e);
	cr_assert_eq(json_parse(s, (size_t)(e - s), "island", &v, &err), 0,
		     "%d:%d: %s", err.line, err.col, err.msg);
	return v;
}

/* Field key of the island's target i, by the island's column names. */
static const struct json_value *
cell(const struct json_value *isl, size_t i, const char *key)
{
	const struct json_value *cols = json_get(isl, "columns");
	size_t c;

	for (c = 0; c < json_count(cols); c++)
		if (strcmp(json_as_string(json_index(cols, c)), key) == 0)
			return json_index(json_index(json_get(isl, "targets"),
						     i), c);
	cr_assert_fail("no column %s", key);
	return NULL;
}

Test(html, self_contained)
{
	char *h = render(plain_json);

	cr_assert(strncmp(h, "<!DOCTYPE html>\n", 16) == 0);
	cr_assert(strstr(h, "Content-Security-Policy\" content=\"default-src "
			    "'none'; style-src 'unsafe-inline'; script-src "
			    "'unsafe-inline'\""));
	cr_assert_null(strstr(h, "src="));
	cr_assert_null(strstr(h, "href="));
	cr_assert_null(strstr(h, "url("));
	cr_assert_null(strstr(h, "@import"));
	cr_assert_null(strstr(h, "http:"));
	cr_assert_null(strstr(h, "https:"));
	/* no code from strings, no HTML from strings */
	cr_assert_null(strstr(h, "eval("));
	cr_assert_null(strstr(h, "Function("));
	cr_assert_null(strstr(h, "innerHTML"));
	cr_assert_null(strstr(h, "insertAdjacentHTML"));
	cr_assert_eq(count(h, "<style>"), 1);
	cr_assert_eq(count(h, "<script>"), 1);
	cr_assert_eq(count(h, "<script type=\"application/json\" id=\""
			      "report-data\">"), 1);
	cr_assert_eq(count(h, "</script>"), 2);
	cr_assert(strstr(h, "</body></html>\n"));
	free(h);
}

Test(html, every_target_is_in_the_island)
{
	char *h = render(plain_json);
	struct json_value *isl = island(h);

	cr_assert_eq(json_count(json_get(isl, "targets")), 4);
	cr_assert_eq(json_as_int(json_get(isl, "page"), 0), HTML_PAGE_ROWS);
	cr_assert_str_eq(json_as_string(cell(isl, 0, "name")),
			 "a<script>alert(1)</script>");
	cr_assert_str_eq(json_as_string(cell(isl, 0, "error")),
			 "bad 'x' & \"y\" <i>\nsecond line");
	cr_assert_str_eq(json_as_string(json_index(json_index(
	    cell(isl, 0, "steps"), 0), 2)), "TB <here>\nDETAIL: dup <k>");
	cr_assert_str_eq(json_as_string(cell(isl, 1, "engine")), "postgres");
	cr_assert_str_eq(json_as_string(json_index(cell(isl, 1, "tags"), 1)),
			 "pg");
	cr_assert_eq(json_as_int(cell(isl, 1, "applied"), -1), 3);
	cr_assert_eq(json_as_double(cell(isl, 1, "seconds"), -1), 2.0);
	/* counts a worker never gave are null, not 0 */
	cr_assert(json_is(cell(isl, 2, "applied"), JSON_NULL));
	cr_assert_str_eq(json_as_string(cell(isl, 2, "status")),
			 "not-reached");
	/* each failing target knows its group (groups by size, then order) */
	cr_assert_eq(json_as_int(cell(isl, 0, "group"), -1), 1);
	cr_assert_eq(json_as_int(cell(isl, 1, "group"), -1), 0);
	cr_assert_eq(json_as_int(cell(isl, 2, "group"), -1), 2);
	cr_assert_eq(json_as_int(cell(isl, 3, "group"), -1), 3);
	cr_assert(json_as_bool(json_get(isl, "tags"), false));
	cr_assert_not(json_as_bool(json_get(isl, "waves"), true));
	cr_assert_str_eq(json_as_string(json_index(json_get(isl, "good"), 1)),
			 "nothing-to-do");
	/* the table's frame: one heading per shown column, no rows yet */
	cr_assert(strstr(h, "<thead><tr><th data-key=\"name\">Target</th><th "
			    "data-key=\"engine\">Engine</th><th data-key=\""
			    "tags\">Tags</th><th data-key=\"status\">"), "%s", h);
	cr_assert(strstr(h, "<tbody id=\"rows\"></tbody>"));
	cr_assert(strstr(h, "<noscript>"));
	cr_assert(strstr(h, "<div id=\"controls\" hidden>"));
	cr_assert(strstr(h, "data-filter=\"failed\">failed (1)</button>"));
	cr_assert(strstr(h, "data-filter=\"problems\">not ok (3)</button>"));
	cr_assert_null(strstr(h, "data-filter=\"timeout\">"),
		       "no button for a status nobody has");
	json_value_free(isl);
	free(h);
}

Test(html, everything_is_escaped)
{
	char *h = render(plain_json);
	const char *data = strstr(h, "id=\"report-data\">");

	cr_assert_null(strstr(h, "<script>alert"));
	cr_assert_null(strstr(h, "<i>"));
	cr_assert_null(strstr(h, "<here>"));
	cr_assert_null(strstr(h, "<k>"));
	/* in the island, markup is \u escaped; in the page, entities */
	cr_assert(strstr(data, "a\\u003cscript\\u003ealert(1)\\u003c/script"
			       "\\u003e"), "%s", data);
	cr_assert(strstr(data, "bad 'x' \\u0026 \\\"y\\\" \\u003ci\\u003e"));
	cr_assert(strstr(h, "<span class=\"nm\" title=\"a&lt;script&gt;alert"
			    "(1)&lt;/script&gt;\">a&lt;script&gt;"));
	cr_assert(strstr(h, "<span class=\"line\">bad &#39;x&#39; &amp; "
			    "&quot;y&quot; &lt;i&gt;</span>"), "%s", h);
	cr_assert(strstr(h, "<p class=\"notes\">DETAIL: dup &lt;k&gt;</p>"));
	free(h);
}

struct json_case {
	char in[48];
	char out[64];
};

ParameterizedTestParameters(html, script_json)
{
	static struct json_case cases[] = {
		{ "{\"a\": \"</script>\"}",
		  "{\"a\": \"\\u003c/script\\u003e\"}" },
		{ "\"<!-- & -->\"", "\"\\u003c!-- \\u0026 --\\u003e\"" },
		{ "\"\xe2\x80\xa8|\xe2\x80\xa9|\xe2\x80\xa6\"",
		  "\"\\u2028|\\u2029|\xe2\x80\xa6\"" },
		{ "\"it's \\\"q\\\"\"", "\"it's \\\"q\\\"\"" },
	};
	return cr_make_param_array(struct json_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct json_case *c, html, script_json)
{
	struct buf b = BUF_INIT;
	struct json_value *v = NULL;
	struct err e = ERR_INIT;

	html_script_json(&b, c->in, strlen(c->in));
	cr_assert_str_eq(b.ptr, c->out);
	/* and it still means the same */
	cr_assert_eq(json_parse(b.ptr, b.len, "x", &v, &e), 0, "%s", e.msg);
	json_value_free(v);
	buf_release(&b);
}

Test(html, header_says_why_it_stopped)
{
	char *h = render(plain_json);

	cr_assert(strstr(h, "<h1>migratore upgrade</h1>"));
	cr_assert(strstr(h, "run <code>R1</code> · host ci · 2026-01-01T10:00:"
			    "00Z → 2026-01-01T10:00:10Z · <span id=\""
			    "duration\">10.0 s</span> · exit code 130"), "%s", h);
	cr_assert(strstr(h, "<p class=\"run\">jobs 4 · inventory fleet.yaml"
			    "</p>"), "%s", h);
	cr_assert(strstr(h, "<p class=\"stop\"><b>The run was interrupted</b>"
			    " by SIGINT</p>"), "%s", h);
	cr_assert(strstr(h, "1 target was not reached."));
	free(h);
	h = render(HEADER_WITH(" \"run_id\": \"R1\", \"interrupted\": null,"
			       " \"exit_code\": 1,"
			       " \"stopped\": \"deadline passed (2026-01-01T"
			       "10:00:05Z)\",\n") "]}\n");
	cr_assert(strstr(h, "<p class=\"stop\"><b>The run stopped early:</b> "
			    "deadline passed (2026-01-01T10:00:05Z)</p>"), "%s",
		  h);
	cr_assert(strstr(h, "0 targets were not reached."));
	cr_assert(strstr(h, "Every target succeeded."));
	free(h);
}

Test(html, summary_counts)
{
	char *h = render(plain_json);

	cr_assert(strstr(h, "<h2>Summary: 4 targets</h2>"));
	cr_assert(strstr(h, "<li class=\"st-failed\" data-count=\"1\" "
			    "data-filter=\"failed\""));
	cr_assert(strstr(h, ">1 ok</li>"));
	cr_assert(strstr(h, "<li class=\"st-timeout zero\" data-count=\"0\""));
	/* the status table's colours, for boxes and for the areas */
	cr_assert(strstr(h, ".st-locked{background:#f9a825;color:#000}svg "
			    ".st-locked{fill:#f9a825}"));
	free(h);
}

Test(html, failures_grouped_with_next_command)
{
	char *h = render(plain_json);
	const char *g1 = strstr(h, "<article class=\"group\" id=\"group-1\"");
	const char *g2 = strstr(h, "<article class=\"group\" id=\"group-2\"");

	cr_assert(strstr(h, "3 targets did not succeed: 3 different errors."));
	cr_assert_not_null(g1);
	cr_assert_not_null(g2);
	cr_assert(strstr(g1, "data-count=\"1\" data-status=\"failed\">"));
	cr_assert(strstr(g1, "<p class=\"next\">Fix 0002_b.sql, then run "
			     "them again:</p>\n<pre class=\"cmd\">migratore "
			     "upgrade --inventory fleet.yaml --resume "
			     "REPORT.json --select "), "%s", g1);
	/* the hostile name is one quoted shell word, escaped for HTML */
	cr_assert(strstr(g1, "--select &#39;a&lt;script&gt;alert(1)&lt;/script"
			     "&gt;&#39;</pre>"), "%s", g1);
	cr_assert(strstr(g2, "<span class=\"pill st-not-reached\">not-reached"
			     "</span> <span class=\"line\">the run was "
			     "interrupted</span>"));
	cr_assert(strstr(g2, "The run never got to them; run them:"));
	cr_assert(strstr(g2, "--select c</pre>"));
	free(h);
}

/* A report of n failed targets, one error: the names fold after 20. */
static char *
many_failed(size_t n, const char *wave_of_half)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_adds(&b, HEADER);
	for (i = 0; i < n; i++)
		buf_addf(&b, "%s{\"name\": \"t-%03zu\", \"status\": \"%s\", "
			 "\"reason\": \"boom\", \"wave\": \"%s\", \"seconds\": "
			 "1, \"start\": %zu.5, \"end\": %zu.75}\n", i ? "," : "",
			 i, i % 2 ? "failed" : "ok",
			 i % 2 && wave_of_half ? wave_of_half : "rest",
			 1767261600 + i % 10, 1767261601 + i % 10);
	buf_adds(&b, "]}\n");
	return buf_detach(&b);
}

Test(html, group_names_fold_after_twenty)
{
	char *json = many_failed(60, NULL), *h = render(json);

	cr_assert(strstr(h, "<article class=\"group\" id=\"group-1\" "
			    "data-count=\"30\""));
	cr_assert_eq(count(h, "<span class=\"nm\""), HTML_GROUP_NAMES);
	cr_assert(strstr(h, "<span class=\"nm\" title=\"t-039\">t-039</span>"
			    "<details><summary>and 10 more</summary><div>"
			    "t-041, t-043, "), "%s", h);
	cr_assert(strstr(h, "t-059</div></details>"));
	/* every unfinished target: --resume alone says it */
	cr_assert(strstr(h, "--resume REPORT.json</pre>"));
	free(h);
	free(json);
}

Test(html, timeline_bars)
{
	char *h = render(plain_json);

	cr_assert(strstr(h, "<details id=\"timeline\" open>"));
	/* from its own start and end: 2 s into a 10 s run, for 5 s */
	cr_assert(strstr(h, "<div class=\"bar st-failed\" style=\"left:20.000%;"
			    "width:50.000%\""), "%s", h);
	/* from its first step's start, its seconds long: approximate */
	cr_assert(strstr(h, "<div class=\"bar st-ok approx\" style=\"left:"
			    "10.000%;width:20.000%\""), "%s", h);
	/* no step, no start: at the run's start */
	cr_assert(strstr(h, "<div class=\"bar st-unreachable approx\" style="
			    "\"left:0.000%;width:10.000%\""), "%s", h);
	/* never started: a row without a bar; a name cut with a title */
	cr_assert(strstr(h, "<div class=\"tl-row target\" data-status="
			    "\"not-reached\" data-name=\"c\"><span class=\""
			    "tl-name\" title=\"c\">c</span></div>"), "%s", h);
	cr_assert_eq(count(h, "<div class=\"bar "), 3);
	cr_assert(strstr(h, "Dashed bars"));
	cr_assert(strstr(h, "<span style=\"left:100.000%\">10s</span>"), "%s",
		  h);
	cr_assert_null(strstr(h, "class=\"tl-wave"));
	cr_assert_null(strstr(h, "data-key=\"wave\""));
	free(h);
}

/* The run's start and end are whole seconds, the same one; its only
 * target started 0.66 s into it and ran 0.08 s: the axis starts with the
 * target, not before, and ends with it. */
Test(html, zero_from_the_first_target)
{
	char *h = render(REPORT_HEAD("2026-01-01T10:00:00Z", "")
			 "{\"name\": \"demo\", \"status\": \"ok\", "
			 "\"seconds\": 0.08, \"start\": 1767261600.66, "
			 "\"end\": 1767261600.74, \"steps\": []}]}\n");

	cr_assert(strstr(h, "<div class=\"bar st-ok\" style=\"left:0.000%;"
			    "width:100.000%\""), "%s", h);
	cr_assert(strstr(h, "<span id=\"duration\">0.080 s</span>"), "%s", h);
	cr_assert(strstr(h, "<span style=\"left:100.000%\">0.08s</span>"),
		  "%s", h);
	free(h);
	/* a target that started seconds later leaves the zero alone */
	h = render(HEADER "{\"name\": \"late\", \"status\": \"ok\", "
		   "\"seconds\": 1, \"start\": 1767261605, \"end\": "
		   "1767261606, \"steps\": []}]}\n");
	cr_assert(strstr(h, "<div class=\"bar st-ok\" style=\"left:50.000%;"
			    "width:10.000%\""), "%s", h);
	free(h);
}

Test(html, waves_marked)
{
	char *h = render(waves_json);

	cr_assert_eq(count(h, "<div class=\"tl-wave\""), 2, "%s", h);
	cr_assert(strstr(h, "<div class=\"tl-wave\" style=\"left:0.000%\" "
			    "data-wave=\"canary\">"));
	/* a wave starts with its first target */
	cr_assert(strstr(h, "<div class=\"tl-wave\" style=\"left:40.000%\" "
			    "data-wave=\"eu\">"));
	/* each label on a lane of its own */
	cr_assert(strstr(h, "<div class=\"tl-wave-labels\" style=\"height:"
			    "2rem\"><span class=\"l\" style=\"left:0.000%;"
			    "top:0rem\">wave canary</span><span class=\"l\" "
			    "style=\"left:40.000%;top:1rem\">wave eu</span>"),
		  "%s", h);
	cr_assert(strstr(h, "<th data-key=\"name\">Target</th><th data-key=\""
			    "wave\">Wave</th>"));
	cr_assert_null(strstr(h, "Dashed bars"));
	free(h);
}

/* Two shards merged: each run's waves are marked, apart. */
Test(html, merged_runs_mark_every_wave)
{
	char *h = render(HEADER_WITH(" \"run_id\": null, \"run_ids\": "
		"[\"S1\", \"S2\"],\n \"merged\": [{\"file\": \"s1.json\", "
		"\"run_id\": \"S1\", \"start\": \"2026-01-01T10:00:00Z\", \"end\":"
		" \"2026-01-01T10:00:10Z\", \"interrupted\": null, \"stopped\": "
		"\"wave 'canary' ended with 1 failed target\", \"exit_code\": 1, "
		"\"targets\": 2}],\n")
		"{\"name\": \"a\", \"status\": \"ok\", \"wave\": \"canary\", "
		"\"run_id\": \"S1\", \"seconds\": 1, \"start\": 1767261601, "
		"\"end\": 1767261602},\n"
		"{\"name\": \"b\", \"status\": \"ok\", \"wave\": \"canary\", "
		"\"run_id\": \"S2\", \"seconds\": 1, \"start\": 1767261601.2, "
		"\"end\": 1767261602}]}\n");

	cr_assert(strstr(h, "merged from 2 runs"));
	cr_assert(strstr(h, "data-wave=\"canary · run 1\""), "%s", h);
	cr_assert(strstr(h, "data-wave=\"canary · run 2\""), "%s", h);
	cr_assert(strstr(h, "top:0rem\">wave canary · run 1</span>"));
	cr_assert(strstr(h, "top:1rem\">wave canary · run 2</span>"));
	cr_assert(strstr(h, "<td>wave &#39;canary&#39; ended with 1 failed "
			    "target</td>"), "%s", h);
	free(h);
}

/* Beyond 200 targets: closed, and one row per wave, not per target. */
Test(html, timeline_by_wave_at_scale)
{
	char *json = many_failed(TIMELINE_ROWS_MAX + 1, "eu"), *h = render(json);

	cr_assert(strstr(h, "<details id=\"timeline\"><summary>"), "%.3000s", h);
	cr_assert_null(strstr(h, "class=\"tl-row"));
	cr_assert_eq(count(h, "<div class=\"tl-lane\">"), 2);
	cr_assert(strstr(h, "<span class=\"tl-name\" title=\"wave rest: 101 "
			    "targets\">rest<small>101 targets</small>"));
	cr_assert(strstr(h, "title=\"wave eu: 100 targets\""));
	/* eu's targets all failed: its area is one path, of that colour */
	cr_assert(strstr(h, "wave eu: 100 targets\">eu<small>100 targets"
			    "</small></span><svg class=\"area\" viewBox=\"0 0 "
			    "1200 100\" preserveAspectRatio=\"none\" role=\"img"
			    "\" aria-label=\"targets running\"><path class=\""
			    "st-failed\" d=\"M0,100.0"), "%s", h);
	cr_assert(strstr(h, "at most 21 running"), "%s", h);
	free(h);
	free(json);
}

struct escape_case {
	char in[32];
	char out[64];
};

ParameterizedTestParameters(html, escape)
{
	static struct escape_case cases[] = {
		{ "plain", "plain" },
		{ "<a href='x'>&\"", "&lt;a href=&#39;x&#39;&gt;&amp;&quot;" },
		{ "l1\nl2\tz", "l1\nl2\tz" },
		{ "\x01\x7f", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "z\xc3\xab \xe2\x82\xac", "z\xc3\xab \xe2\x82\xac" },
	};
	return cr_make_param_array(struct escape_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct escape_case *c, html, escape)
{
	struct buf b = BUF_INIT;

	html_escape(&b, c->in);
	cr_assert_str_eq(b.ptr, c->out);
	buf_release(&b);
}
