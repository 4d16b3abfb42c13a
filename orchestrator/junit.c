/* The fleet report rendered as JUnit XML: one test case per target, its
 * steps and error in the case, for CI systems. */
#include "config.h"

#include "orchestrator/junit.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "orchestrator/outcome.h"
#include "orchestrator/reportdoc.h"
#include "common/banned.h"

/* What a target's status becomes in JUnit (an unknown one: an error). */
static enum outcome_junit
verdict_of(const char *status)
{
	return outcome_status_named(status)->junit;
}

static void
put_replacement(struct buf *out)
{
	buf_adds(out, "\xef\xbf\xbd");
}

void
junit_escape(struct buf *out, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		switch (*p) {
		case '&': buf_adds(out, "&amp;"); continue;
		case '<': buf_adds(out, "&lt;"); continue;
		case '>': buf_adds(out, "&gt;"); continue;
		case '"': buf_adds(out, attr ? "&quot;" : "\""); continue;
		case '\n': buf_adds(out, attr ? "&#10;" : "\n"); continue;
		case '\r': buf_adds(out, "&#13;"); continue;
		case '\t': buf_adds(out, attr ? "&#9;" : "\t"); continue;
		default: break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			put_replacement(out); /* XML 1.0 cannot carry them */
		} else if (p[0] == 0xef && p[1] == 0xbf &&
			   (p[2] == 0xbe || p[2] == 0xbf)) {
			put_replacement(out); /* U+FFFE, U+FFFF */
			p += 2;
		} else {
			buf_addc(out, (char)*p);
		}
	}
}

static void
attr(struct buf *out, const char *name, const char *value)
{
	buf_addf(out, " %s=\"", name);
	junit_escape(out, value, true);
	buf_addc(out, '"');
}

static const char *
str(const struct json_value *obj, const char *key)
{
	return json_as_string(json_get(obj, key));
}

/* The same, "" when absent: for text that is only shown. */
static const char *
txt(const struct json_value *obj, const char *key)
{
	const char *s = str(obj, key);

	return s ? s : "";
}

static void
add_line(struct buf *out, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	buf_addf(out, "%s: %s\n", label, value);
}

/* A multi-line text under a heading, indented so it reads as one block. */
static void
add_block(struct buf *out, const char *label, const char *text)
{
	const char *p, *nl;

	if (text == NULL || *text == '\0')
		return;
	buf_addf(out, "%s:\n", label);
	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		buf_adds(out, "    ");
		if (nl == NULL) {
			buf_adds(out, p);
			buf_addc(out, '\n');
			break;
		}
		buf_add(out, p, (size_t)(nl - p + 1));
	}
}

static void
add_steps(struct buf *out, const struct json_value *t)
{
	const struct json_value *steps = json_get(t, "steps");
	size_t i;

	if (json_count(steps) == 0)
		return;
	buf_adds(out, "steps:\n");
	for (i = 0; i < json_count(steps); i++) {
		const struct json_value *s = json_index(steps, i);
		const struct json_value *secs = json_get(s, "seconds");

		buf_addf(out, "    %s %s: %s", txt(s, "operation"),
			 txt(s, "file"), txt(s, "result"));
		if (json_is(secs, JSON_NUMBER))
			buf_addf(out, " (%.3fs)", json_as_double(secs, 0));
		if (json_as_bool(json_get(s, "recovery"), false))
			buf_adds(out, " [recovery]");
		buf_addc(out, '\n');
	}
}

/* The failing steps' error, statement and traceback. */
static void
add_errors(struct buf *out, const struct json_value *t)
{
	const struct json_value *steps = json_get(t, "steps");
	size_t i;

	for (i = 0; i < json_count(steps); i++) {
		const struct json_value *s = json_index(steps, i);

		if (strcmp(txt(s, "result"), "success") == 0)
			continue;
		buf_addf(out, "\n%s %s: %s\n", txt(s, "operation"),
			 txt(s, "file"), txt(s, "result"));
		add_line(out, "error", str(s, "error"));
		add_block(out, "statement", str(s, "statement"));
		add_block(out, "traceback", str(s, "traceback"));
	}
	add_block(out, "output (tail)", str(t, "output_tail"));
}

static void
add_list(struct buf *out, const char *label, const struct json_value *arr)
{
	size_t i;

	if (json_count(arr) == 0)
		return;
	buf_addf(out, "%s:\n", label);
	for (i = 0; i < json_count(arr); i++)
		if (json_as_string(json_index(arr, i)))
			buf_addf(out, "    %s\n",
				 json_as_string(json_index(arr, i)));
}

static void
render_problem(struct buf *out, const struct json_value *t,
	       enum outcome_junit v)
{
	static const char *const tags[OUTCOME_NJUNIT] = {
		[OUTCOME_JUNIT_FAILURE] = "failure",
		[OUTCOME_JUNIT_ERROR] = "error",
		[OUTCOME_JUNIT_SKIPPED] = "skipped",
	};
	const char *status = str(t, "status"), *reason = str(t, "reason");
	struct buf body = BUF_INIT;

	buf_addf(out, "      <%s", tags[v]);
	attr(out, "message", reason ? reason : status);
	if (v == OUTCOME_JUNIT_SKIPPED) {
		buf_adds(out, "/>\n");
		return;
	}
	attr(out, "type", status);
	buf_adds(out, ">");
	add_line(&body, "target", str(t, "target"));
	add_line(&body, "status", status);
	add_line(&body, "reason", reason);
	add_steps(&body, t);
	add_errors(&body, t);
	junit_escape(out, body.ptr, false);
	buf_addf(out, "</%s>\n", tags[v]);
	buf_release(&body);
}

static void
render_case(struct buf *out, const char *command, const struct json_value *t)
{
	enum outcome_junit v = verdict_of(str(t, "status"));
	struct buf sysout = BUF_INIT;

	buf_adds(out, "    <testcase");
	attr(out, "name", str(t, "name"));
	buf_adds(out, " classname=\"migratore.");
	junit_escape(out, command, true);
	buf_addf(out, "\" time=\"%.3f\">\n",
		 json_as_double(json_get(t, "seconds"), 0));
	if (v != OUTCOME_JUNIT_PASSED)
		render_problem(out, t, v);
	add_line(&sysout, "target", str(t, "target"));
	add_line(&sysout, "status", str(t, "status"));
	add_steps(&sysout, t);
	add_list(&sysout, "warnings", json_get(t, "warnings"));
	add_line(&sysout, "log", str(t, "log"));
	buf_adds(out, "      <system-out>");
	junit_escape(out, sysout.ptr, false);
	buf_adds(out, "</system-out>\n    </testcase>\n");
	buf_release(&sysout);
}

/* The run's wall time: end - start is in whole seconds, so never less
 * than its longest target. */
static double
run_seconds(const struct json_value *report, time_t *start)
{
	const struct json_value *ts = json_get(report, "targets");
	time_t end = 0;
	double secs, longest = 0;
	size_t i;

	*start = 0;
	reportdoc_time(str(report, "start"), start);
	reportdoc_time(str(report, "end"), &end);
	secs = end > *start ? (double)(end - *start) : 0;
	for (i = 0; i < json_count(ts); i++) {
		double s = json_as_double(json_get(json_index(ts, i),
						   "seconds"), 0);

		if (s > longest)
			longest = s;
	}
	return secs > longest ? secs : longest;
}

static void
render_properties(struct buf *out, const struct json_value *report)
{
	static const char *const keys[] = { "run_id", "command", "host",
		"tool_version", "start", "end", "interrupted" };
	const struct json_value *code = json_get(report, "exit_code");
	size_t i;

	buf_adds(out, "    <properties>\n");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (str(report, keys[i]) == NULL)
			continue;
		buf_adds(out, "      <property");
		attr(out, "name", keys[i]);
		attr(out, "value", str(report, keys[i]));
		buf_adds(out, "/>\n");
	}
	if (json_is(code, JSON_NUMBER))
		buf_addf(out, "      <property name=\"exit_code\" "
			 "value=\"%" PRId64 "\"/>\n", json_as_int(code, 0));
	buf_adds(out, "    </properties>\n");
}

void
junit_render(const struct json_value *report, struct buf *out)
{
	const struct json_value *ts = json_get(report, "targets");
	const char *command = str(report, "command");
	size_t n[OUTCOME_NJUNIT] = { 0 }, i;
	char stamp[32] = "";
	struct buf name = BUF_INIT;
	struct tm tm;
	time_t start;
	double secs = run_seconds(report, &start);

	for (i = 0; i < json_count(ts); i++)
		n[verdict_of(str(json_index(ts, i), "status"))]++;
	if (gmtime_r(&start, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_addf(&name, "migratore %s", command ? command : "");
	buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	attr(out, "name", name.ptr);
	buf_addf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		 "time=\"%.3f\">\n  <testsuite", json_count(ts),
		 n[OUTCOME_JUNIT_FAILURE], n[OUTCOME_JUNIT_ERROR], secs);
	attr(out, "name", name.ptr);
	buf_addf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		 "skipped=\"%zu\" time=\"%.3f\" timestamp=\"%s\"",
		 json_count(ts), n[OUTCOME_JUNIT_FAILURE],
		 n[OUTCOME_JUNIT_ERROR], n[OUTCOME_JUNIT_SKIPPED], secs, stamp);
	attr(out, "hostname", str(report, "host") ? str(report, "host")
						  : "localhost");
	buf_adds(out, " id=\"0\" package=\"migratore\">\n");
	render_properties(out, report);
	for (i = 0; i < json_count(ts); i++)
		render_case(out, command ? command : "", json_index(ts, i));
	buf_adds(out, "  </testsuite>\n</testsuites>\n");
	buf_release(&name);
}
