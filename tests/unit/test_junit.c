/* Unit tests for orchestrator/junit: one test case per target, the right
 * verdict for each status, steps and errors in the case, and text that XML
 * can carry. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "orchestrator/junit.h"
#include "orchestrator/reportdoc.h"

#define STEP_OK(file) \
	"{\"operation\": \"Run\", \"file\": \"" file "\", \"result\": " \
	"\"success\", \"recovery\": false, \"seconds\": 0.25, \"error\": null, " \
	"\"statement\": null, \"traceback\": null}"

static const char report_json[] =
	"{\"schema\": \"migratore-fleet-report\", \"schema_version\": 1,\n"
	" \"tool_version\": \"1.0.0\", \"run_id\": \"20260101T100000Z-abcd\",\n"
	" \"command\": \"upgrade\", \"host\": \"ci-1\",\n"
	" \"start\": \"2026-01-01T10:00:00Z\", \"end\": \"2026-01-01T10:00:04Z\",\n"
	" \"interrupted\": null, \"exit_code\": 1, \"options\": {},\n"
	" \"totals\": {}, \"targets\": [\n"
	"  {\"name\": \"eu-1\", \"engine\": \"sqlite\", \"target\": "
	"\"sqlite /db/eu-1.db\", \"status\": \"ok\", \"reason\": null,"
	" \"seconds\": 1.5, \"log\": \"/logs/eu-1.log\", \"steps\": ["
	STEP_OK("0001_a.sql") "], \"warnings\": [\"0001_a.sql changed\"]},\n"
	"  {\"name\": \"eu-2\", \"engine\": \"sqlite\", \"status\": "
	"\"nothing-to-do\", \"seconds\": 0.1, \"steps\": []},\n"
	"  {\"name\": \"eu-3\", \"engine\": \"sqlite\", \"status\": \"failed\","
	" \"reason\": \"statement 2 of 2 (0002_b.sql:7) failed: no <such> & \\\"table\\\"\","
	" \"seconds\": 0.5, \"steps\": [" STEP_OK("0001_a.sql") ", "
	"{\"operation\": \"Run\", \"file\": \"0002_b.sql\", \"result\": \"error\","
	" \"recovery\": false, \"seconds\": 0.01, \"error\": \"statement 2 of 2"
	" failed\", \"statement\": \"INSERT INTO x VALUES ('<b>')\","
	" \"traceback\": \"Traceback:\\n  line one\\u0001\\n  line two\"}]},\n"
	"  {\"name\": \"eu-4\", \"engine\": \"sqlite\", \"status\": "
	"\"rolled-back\", \"reason\": \"r\", \"seconds\": 0.2, \"steps\": []},\n"
	"  {\"name\": \"eu-5\", \"engine\": \"postgres\", \"status\": \"timeout\","
	" \"reason\": \"no result after 1s\\nterminated\", \"seconds\": 1.0,"
	" \"steps\": [], \"output_tail\": \"sleeping\"},\n"
	"  {\"name\": \"eu-6\", \"engine\": \"mysql\", \"status\": \"unreachable\","
	" \"reason\": \"cannot connect\", \"seconds\": 0.0, \"steps\": []},\n"
	"  {\"name\": \"eu-7\", \"engine\": \"sqlite\", \"status\": \"not-reached\","
	" \"reason\": \"the run was interrupted\", \"seconds\": 0, \"steps\": []},\n"
	"  {\"name\": \"eu-8\", \"engine\": \"sqlite\", \"status\": \"crashed\","
	" \"reason\": \"killed by signal 9 (SIGKILL)\", \"seconds\": 0.3, \"steps\": []}\n"
	" ]}\n";

static char *
render(void)
{
	struct reportdoc *d = NULL;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;

	cr_assert_eq(reportdoc_parse(report_json, strlen(report_json), "r",
				     &d, &e), 0, "%d:%d: %s", e.line, e.col,
		     e.msg);
	junit_render(d->root, &out);
	reportdoc_free(d);
	return buf_detach(&out);
}

/* The text of one testcase element. */
static char *
testcase(const char *xml, const char *name)
{
	struct buf key = BUF_INIT;
	const char *s, *e;
	char *r;

	buf_addf(&key, "<testcase name=\"%s\"", name);
	s = strstr(xml, key.ptr);
	cr_assert_not_null(s, "no testcase %s", name);
	e = strstr(s, "</testcase>");
	cr_assert_not_null(e);
	r = strndup(s, (size_t)(e - s));
	buf_release(&key);
	return r;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

Test(junit, suite_counts_every_target)
{
	char *x = render();

	cr_assert(strncmp(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			  "<testsuites name=\"migratore upgrade\" tests=\"8\" "
			  "failures=\"2\" errors=\"3\" time=\"4.000\">\n", 100) == 0,
		  "%s", x);
	cr_assert(strstr(x, "<testsuite name=\"migratore upgrade\" tests=\"8\" "
			    "failures=\"2\" errors=\"3\" skipped=\"1\" "
			    "time=\"4.000\" timestamp=\"2026-01-01T10:00:00\" "
			    "hostname=\"ci-1\" id=\"0\" package=\"migratore\">"),
		  "%s", x);
	cr_assert_eq(count(x, "<testcase "), 8);
	cr_assert_eq(count(x, "classname=\"migratore.upgrade\""), 8);
	cr_assert_eq(count(x, "<failure "), 2);
	cr_assert_eq(count(x, "<error "), 3);
	cr_assert_eq(count(x, "<skipped "), 1);
	cr_assert_eq(count(x, "<system-out>"), 8);
	cr_assert(strstr(x, "<property name=\"run_id\" "
			    "value=\"20260101T100000Z-abcd\"/>"));
	cr_assert(strstr(x, "<property name=\"exit_code\" value=\"1\"/>"));
	cr_assert(strstr(x, "</testsuite>\n</testsuites>\n"));
	free(x);
}

Test(junit, verdicts_by_status)
{
	char *x = render(), *c;

	c = testcase(x, "eu-1");
	cr_assert(strstr(c, "time=\"1.500\""));
	cr_assert_null(strstr(c, "<failure"));
	cr_assert_null(strstr(c, "<error"));
	cr_assert(strstr(c, "Run 0001_a.sql: success (0.250s)"), "%s", c);
	cr_assert(strstr(c, "warnings:\n    0001_a.sql changed"), "%s", c);
	cr_assert(strstr(c, "log: /logs/eu-1.log"));
	free(c);
	c = testcase(x, "eu-2");
	cr_assert_null(strstr(c, "<failure"));
	free(c);
	c = testcase(x, "eu-4");
	cr_assert(strstr(c, "<failure message=\"r\" type=\"rolled-back\">"));
	free(c);
	c = testcase(x, "eu-5");
	cr_assert(strstr(c, "<error message=\"no result after 1s&#10;"
			    "terminated\" type=\"timeout\">"), "%s", c);
	cr_assert(strstr(c, "output (tail):\n    sleeping"), "%s", c);
	free(c);
	c = testcase(x, "eu-6");
	cr_assert(strstr(c, "<error message=\"cannot connect\" "
			    "type=\"unreachable\">"));
	free(c);
	c = testcase(x, "eu-7");
	cr_assert(strstr(c, "<skipped message=\"the run was interrupted\"/>"));
	free(c);
	c = testcase(x, "eu-8");
	cr_assert(strstr(c, "type=\"crashed\""));
	free(c);
	free(x);
}

Test(junit, failure_holds_steps_and_error)
{
	char *x = render(), *c = testcase(x, "eu-3");

	cr_assert(strstr(c, "<failure message=\"statement 2 of 2 (0002_b.sql:7) "
			    "failed: no &lt;such&gt; &amp; &quot;table&quot;\" "
			    "type=\"failed\">"), "%s", c);
	cr_assert(strstr(c, "steps:\n    Run 0001_a.sql: success (0.250s)\n"
			    "    Run 0002_b.sql: error (0.010s)\n"), "%s", c);
	cr_assert(strstr(c, "error: statement 2 of 2 failed\n"), "%s", c);
	cr_assert(strstr(c, "statement:\n    INSERT INTO x VALUES ('&lt;b&gt;')"),
		  "%s", c);
	/* U+0001 cannot be in XML 1.0: it becomes U+FFFD */
	cr_assert(strstr(c, "traceback:\n    Traceback:\n      line one"
			    "\xef\xbf\xbd\n      line two\n"), "%s", c);
	cr_assert_null(strstr(c, "\x01"));
	free(c);
	free(x);
}

struct escape_case {
	char in[32];
	char text[64];
	char attr[64];
};

ParameterizedTestParameters(junit, escape)
{
	static struct escape_case cases[] = {
		{ "plain", "plain", "plain" },
		{ "a<b>&\"c'", "a&lt;b&gt;&amp;\"c'", "a&lt;b&gt;&amp;&quot;c'" },
		{ "l1\nl2\tx\r", "l1\nl2\tx&#13;", "l1&#10;l2&#9;x&#13;" },
		{ "\x01\x1f\x7f", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xef\xbf\xbe\xef\xbf\xbf", "\xef\xbf\xbd\xef\xbf\xbd",
		  "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "z\xc3\xab \xe2\x82\xac ]]>", "z\xc3\xab \xe2\x82\xac ]]&gt;",
		  "z\xc3\xab \xe2\x82\xac ]]&gt;" },
	};
	return cr_make_param_array(struct escape_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct escape_case *c, junit, escape)
{
	struct buf b = BUF_INIT;

	junit_escape(&b, c->in, false);
	cr_assert_str_eq(b.ptr, c->text);
	buf_reset(&b);
	junit_escape(&b, c->in, true);
	cr_assert_str_eq(b.ptr, c->attr);
	buf_release(&b);
}
