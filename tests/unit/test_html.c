/* Unit tests for orchestrator/html: a self-contained page with every
 * target in a filterable row, bars placed on the run's time axis, waves
 * marked, and nothing from the report unescaped. (The page in a browser:
 * tests/integration/report_browser.sh.) */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "orchestrator/html.h"
#include "orchestrator/reportdoc.h"

/* The run starts at 1767261600 (2026-01-01T10:00:00Z) and lasts 10 s. */
#define HEADER \
	"{\"schema\": \"migratore-fleet-report\", \"schema_version\": 1,\n" \
	" \"run_id\": \"R1\", \"command\": \"upgrade\", \"host\": \"ci\",\n" \
	" \"start\": \"2026-01-01T10:00:00Z\", \"end\": \"2026-01-01T10:00:10Z\",\n" \
	" \"interrupted\": \"SIGINT\", \"exit_code\": 130, \"targets\": [\n"

static const char plain_json[] = HEADER
	"  {\"name\": \"a<script>alert(1)</script>\", \"engine\": \"sqlite\","
	" \"status\": \"failed\", \"reason\": \"bad 'x' & \\\"y\\\" <i>\\nsecond line\","
	" \"applied\": 2, \"pending\": 1, \"rollbacks\": 0, \"seconds\": 5.0,"
	" \"start\": 1767261602, \"end\": 1767261607, \"steps\": [{\"operation\":"
	" \"Run\", \"file\": \"0002_b.sql\", \"traceback\": \"TB <here>\"}]},\n"
	"  {\"name\": \"b\", \"engine\": \"postgres\", \"status\": \"ok\","
	" \"applied\": 3, \"pending\": 0, \"rollbacks\": 0, \"seconds\": 2.0,"
	" \"steps\": [{\"operation\": \"Run\", \"start\": 1767261601}]},\n"
	"  {\"name\": \"c\", \"engine\": \"mysql\", \"status\": \"not-reached\","
	" \"applied\": null, \"pending\": null, \"rollbacks\": null,"
	" \"seconds\": 0, \"steps\": []},\n"
	"  {\"name\": \"d\", \"engine\": \"sqlite\", \"status\": \"unreachable\","
	" \"seconds\": 1.0, \"steps\": []}\n"
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
	cr_assert_eq(count(h, "<style>"), 1);
	cr_assert_eq(count(h, "<script>"), 1);
	cr_assert(strstr(h, "</body></html>\n"));
	free(h);
}

Test(html, every_target_is_a_row)
{
	char *h = render(plain_json);

	cr_assert_eq(count(h, "<tr class=\"target\" data-status="), 4);
	cr_assert(strstr(h, "<tr class=\"target\" data-status=\"failed\" "
			    "data-name=\"a&lt;script&gt;alert(1)&lt;/script&gt;\">"));
	cr_assert(strstr(h, "<tr class=\"target\" data-status=\"ok\" "
			    "data-name=\"b\"><td>b</td><td>postgres</td>"
			    "<td><span class=\"pill st-ok\">ok</span></td>"
			    "<td class=\"num\">3</td><td class=\"num\">0</td>"
			    "<td class=\"num\">0</td><td class=\"num\">2.00s"
			    "</td>"), "%s", h);
	/* counts a worker never gave are "-", not 0 */
	cr_assert(strstr(h, "data-name=\"c\"><td>c</td><td>mysql</td><td>"
			    "<span class=\"pill st-not-reached\">not-reached"
			    "</span></td><td class=\"num\">-</td>"));
	/* nothing is hidden in the page as written: without JavaScript
	 * every row shows, and the filter's buttons do not */
	cr_assert_null(strstr(h, "<tr class=\"target\" hidden"));
	cr_assert_null(strstr(h, "\" hidden>\n<td"));
	cr_assert(strstr(h, "<div id=\"filter\" role=\"group\" aria-label="
			    "\"filter by status\" hidden>"));
	cr_assert(strstr(h, "data-filter=\"failed\">failed (1)</button>"));
	cr_assert(strstr(h, "data-filter=\"problems\">not ok (3)</button>"));
	cr_assert_null(strstr(h, "data-filter=\"timeout\""),
		       "no button for a status nobody has");
	free(h);
}

Test(html, everything_is_escaped)
{
	char *h = render(plain_json);

	cr_assert_null(strstr(h, "<script>alert"));
	cr_assert_null(strstr(h, "<i>"));
	cr_assert_null(strstr(h, "<here>"));
	/* the first line of the reason in the table, the traceback unfolds */
	cr_assert(strstr(h, "<td class=\"err\">bad &#39;x&#39; &amp; "
			    "&quot;y&quot; &lt;i&gt;<details><summary>Run "
			    "0002_b.sql</summary><pre>TB &lt;here&gt;</pre>"
			    "</details></td>"), "%s", h);
	cr_assert(strstr(h, "interrupted by SIGINT"));
	cr_assert(strstr(h, "exit code 130"));
	free(h);
}

Test(html, summary_counts)
{
	char *h = render(plain_json);

	cr_assert(strstr(h, "<h2>Summary: 4 targets</h2>"));
	cr_assert(strstr(h, "<li class=\"st-failed\" data-count=\"1\">1 failed"));
	cr_assert(strstr(h, "<li class=\"st-ok\" data-count=\"1\">1 ok"));
	cr_assert(strstr(h, "<li class=\"st-timeout zero\" data-count=\"0\">"));
	free(h);
}

Test(html, timeline_bars)
{
	char *h = render(plain_json);

	/* from its own start and end: 2 s into a 10 s run, for 5 s */
	cr_assert(strstr(h, "<div class=\"bar st-failed\" style=\"left:20.000%;"
			    "width:50.000%\""), "%s", h);
	/* from its first step's start, its seconds long: approximate */
	cr_assert(strstr(h, "<div class=\"bar st-ok approx\" style=\"left:"
			    "10.000%;width:20.000%\""), "%s", h);
	/* no step, no start: at the run's start */
	cr_assert(strstr(h, "<div class=\"bar st-unreachable approx\" style="
			    "\"left:0.000%;width:10.000%\""), "%s", h);
	/* never started: a row without a bar */
	cr_assert(strstr(h, "<div class=\"tl-row target\" data-status="
			    "\"not-reached\"><span class=\"tl-name\">c</span>"
			    "</div>"), "%s", h);
	cr_assert_eq(count(h, "<div class=\"bar "), 3);
	cr_assert(strstr(h, "Dashed bars"));
	cr_assert(strstr(h, "<span style=\"left:100.000%\">10s</span>"), "%s",
		  h);
	cr_assert_null(strstr(h, "class=\"wave\""));
	cr_assert_null(strstr(h, "<th>Wave</th>"));
	free(h);
}

Test(html, waves_marked)
{
	char *h = render(waves_json);

	cr_assert_eq(count(h, "<div class=\"wave\""), 2, "%s", h);
	cr_assert(strstr(h, "<div class=\"wave\" style=\"left:0.000%\" "
			    "data-wave=\"canary\"><span>wave canary</span>"));
	/* a wave starts with its first target */
	cr_assert(strstr(h, "<div class=\"wave\" style=\"left:40.000%\" "
			    "data-wave=\"eu\"><span>wave eu</span>"));
	cr_assert(strstr(h, "<th>Target</th><th>Wave</th>"));
	cr_assert(strstr(h, "data-name=\"r1\"><td>r1</td><td>3</td>"));
	cr_assert_null(strstr(h, "Dashed bars"));
	free(h);
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
