/* Unit tests for orchestrator/reportdoc: a report is checked when loaded,
 * merged reports count and exit like one run over the same targets, a
 * later run replaces what it re-ran, and --resume gets the unfinished. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/jsonparse.h"
#include "common/strv.h"
#include "orchestrator/reportdoc.h"

/*
 * A report like the fleet writes, reduced to what merging reads. targets
 * is "name=status name=status ..."; interrupted NULL for none.
 */
static void
report_text(struct buf *b, const char *run_id, const char *command,
	    const char *start, const char *end, const char *interrupted,
	    const char *targets)
{
	char *list = strdup(targets), *save = NULL, *tok;
	bool first = true;

	buf_addf(b, "{\n  \"schema\": \"migratore-fleet-report\",\n"
		 "  \"schema_version\": 1,\n  \"tool_version\": \"1.0.0\",\n"
		 "  \"run_id\": \"%s\",\n  \"command\": \"%s\",\n"
		 "  \"host\": \"h1\",\n  \"start\": \"%s\",\n  \"end\": \"%s\",\n",
		 run_id, command, start, end);
	if (interrupted)
		buf_addf(b, "  \"interrupted\": \"%s\",\n", interrupted);
	else
		buf_adds(b, "  \"interrupted\": null,\n");
	buf_adds(b, "  \"exit_code\": 1,\n  \"options\": {\"jobs\": 4},\n"
		 "  \"totals\": {\"targets\": 0},\n  \"targets\": [");
	for (tok = strtok_r(list, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		*eq = '\0';
		buf_addf(b, "%s\n    {\"name\": \"%s\", \"engine\": \"sqlite\", "
			 "\"status\": \"%s\", \"seconds\": 0.5, \"steps\": []}",
			 first ? "" : ",", tok, eq + 1);
		first = false;
	}
	buf_adds(b, "\n  ]\n}\n");
	free(list);
}

static struct reportdoc *
doc(const char *name, const char *run_id, const char *start, const char *end,
    const char *interrupted, const char *targets)
{
	struct buf b = BUF_INIT;
	struct reportdoc *d = NULL;
	struct err e = ERR_INIT;

	report_text(&b, run_id, "upgrade", start, end, interrupted, targets);
	cr_assert_eq(reportdoc_parse(b.ptr, b.len, name, &d, &e), 0, "%s: %s",
		     name, e.msg);
	buf_release(&b);
	return d;
}

/* The merged JSON, parsed back, with its exit code. */
static struct json_value *
merge(struct reportdoc **docs, size_t n, int *code, struct strv *notes)
{
	struct buf out = BUF_INIT;
	struct json_value *v = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(reportdoc_merge(docs, n, &out, code, notes, &e), 0, "%s",
		     e.msg);
	cr_assert_eq(json_parse(out.ptr, out.len, "merged", &v, &e), 0,
		     "%d:%d: %s\n%s", e.line, e.col, e.msg, out.ptr);
	buf_release(&out);
	return v;
}

/* "name=status run_id" per target, space-separated. */
static char *
summary(const struct json_value *m)
{
	const struct json_value *ts = json_get(m, "targets");
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < json_count(ts); i++) {
		const struct json_value *t = json_index(ts, i);

		buf_addf(&b, "%s%s=%s@%s", i ? " " : "",
			 json_as_string(json_get(t, "name")),
			 json_as_string(json_get(t, "status")),
			 json_as_string(json_get(t, "run_id")));
	}
	return buf_detach(&b);
}

static int64_t
total(const struct json_value *m, const char *key)
{
	return json_as_int(json_get(json_get(m, "totals"), key), -1);
}

static void
free_docs(struct reportdoc **docs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		reportdoc_free(docs[i]);
}

Test(reportdoc, shards_merge_like_one_run)
{
	struct reportdoc *docs[3] = {
		doc("a.json", "R1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:05Z",
		    NULL, "a=ok b=failed"),
		doc("b.json", "R2", "2026-01-01T09:59:58Z", "2026-01-01T10:00:02Z",
		    NULL, "c=nothing-to-do d=unreachable"),
		doc("c.json", "R3", "2026-01-01T10:00:01Z", "2026-01-01T10:00:09Z",
		    NULL, "e=ok"),
	};
	struct json_value *m;
	char *s;
	int code = -1;

	m = merge(docs, 3, &code, NULL);
	cr_assert_eq(code, 1);
	cr_assert_eq(json_as_int(json_get(m, "exit_code"), -1), 1);
	s = summary(m);
	cr_assert_str_eq(s, "a=ok@R1 b=failed@R1 c=nothing-to-do@R2 "
			    "d=unreachable@R2 e=ok@R3");
	free(s);
	cr_assert_eq(total(m, "targets"), 5);
	cr_assert_eq(total(m, "ok"), 2);
	cr_assert_eq(total(m, "nothing-to-do"), 1);
	cr_assert_eq(total(m, "failed"), 1);
	cr_assert_eq(total(m, "unreachable"), 1);
	cr_assert_eq(total(m, "not-reached"), 0);
	cr_assert_str_eq(json_as_string(json_get(m, "start")),
			 "2026-01-01T09:59:58Z");
	cr_assert_str_eq(json_as_string(json_get(m, "end")),
			 "2026-01-01T10:00:09Z");
	cr_assert(json_is(json_get(m, "run_id"), JSON_NULL));
	cr_assert_eq(json_count(json_get(m, "run_ids")), 3);
	cr_assert_str_eq(json_as_string(json_index(json_get(m, "run_ids"), 2)),
			 "R3");
	cr_assert_eq(json_count(json_get(m, "merged")), 3);
	cr_assert_str_eq(json_as_string(json_get(json_index(json_get(m,
		"merged"), 1), "file")), "b.json");
	cr_assert_str_eq(json_as_string(json_get(m, "host")), "h1");
	cr_assert_str_eq(json_as_string(json_get(m, "schema")),
			 "migratore-fleet-report");
	cr_assert_eq(json_count(json_get(m, "replaced")), 0);
	json_value_free(m);
	free_docs(docs, 3);
}

Test(reportdoc, all_good_exits_0)
{
	struct reportdoc *docs[2] = {
		doc("a", "R1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z",
		    NULL, "a=ok b=nothing-to-do"),
		doc("b", "R2", "2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z",
		    NULL, "c=ok"),
	};
	struct json_value *m;
	int code = -1;

	m = merge(docs, 2, &code, NULL);
	cr_assert_eq(code, 0);
	cr_assert_eq(total(m, "targets"), 3);
	json_value_free(m);
	free_docs(docs, 2);
}

Test(reportdoc, a_resume_replaces_what_it_reran)
{
	struct reportdoc *docs[2] = {
		doc("first.json", "R1", "2026-01-01T10:00:00Z",
		    "2026-01-01T10:00:05Z", "SIGINT",
		    "a=ok b=failed c=interrupted d=not-reached"),
		doc("resume.json", "R2", "2026-01-01T11:00:00Z",
		    "2026-01-01T11:00:03Z", NULL, "b=ok c=ok d=ok"),
	};
	struct reportdoc *rev[2] = { docs[1], docs[0] };
	struct strv notes = STRV_INIT;
	struct json_value *m;
	char *s;
	int code = -1;

	m = merge(docs, 2, &code, &notes);
	cr_assert_eq(code, 0, "every target ends ok after the resume");
	s = summary(m);
	cr_assert_str_eq(s, "a=ok@R1 b=ok@R2 c=ok@R2 d=ok@R2");
	free(s);
	cr_assert_eq(total(m, "targets"), 4);
	cr_assert_eq(total(m, "ok"), 4);
	cr_assert_eq(total(m, "failed"), 0);
	/* nothing kept comes from the interrupted run but a: its run was
	 * interrupted, so the merged report says so */
	cr_assert_str_eq(json_as_string(json_get(m, "interrupted")), "SIGINT");
	cr_assert_eq(json_count(json_get(m, "replaced")), 3);
	cr_assert_str_eq(json_as_string(json_get(json_index(
		json_get(m, "replaced"), 0), "dropped_status")), "failed");
	cr_assert_eq(notes.n, 3);
	cr_assert_str_eq(notes.v[0], "b: kept ok from resume.json, replacing "
				     "failed from first.json");
	json_value_free(m);

	/* the order of the arguments does not matter: the later run wins */
	m = merge(rev, 2, &code, NULL);
	s = summary(m);
	cr_assert_str_eq(s, "b=ok@R2 c=ok@R2 d=ok@R2 a=ok@R1");
	free(s);
	cr_assert_eq(code, 0);
	json_value_free(m);
	strv_release(&notes);
	free_docs(docs, 2);
}

Test(reportdoc, interrupted_only_when_a_kept_target_says_so)
{
	struct reportdoc *docs[2] = {
		doc("first.json", "R1", "2026-01-01T10:00:00Z",
		    "2026-01-01T10:00:05Z", "SIGTERM", "b=interrupted"),
		doc("resume.json", "R2", "2026-01-01T11:00:00Z",
		    "2026-01-01T11:00:03Z", NULL, "b=ok"),
	};
	struct json_value *m;
	int code = -1;

	m = merge(docs, 2, &code, NULL);
	cr_assert(json_is(json_get(m, "interrupted"), JSON_NULL));
	cr_assert_eq(code, 0);
	json_value_free(m);
	free_docs(docs, 2);
}

Test(reportdoc, a_tie_goes_to_the_later_argument)
{
	struct reportdoc *docs[2] = {
		doc("a", "R1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:05Z",
		    NULL, "x=failed"),
		doc("b", "R2", "2026-01-01T10:00:00Z", "2026-01-01T10:00:05Z",
		    NULL, "x=locked"),
	};
	struct json_value *m;
	char *s;
	int code = -1;

	m = merge(docs, 2, &code, NULL);
	s = summary(m);
	cr_assert_str_eq(s, "x=locked@R2");
	free(s);
	cr_assert_eq(code, 1);
	cr_assert_eq(total(m, "locked"), 1);
	cr_assert_eq(total(m, "failed"), 0);
	json_value_free(m);
	free_docs(docs, 2);
}

/* A merged report is a report: it loads, merges again, keeps run ids. */
Test(reportdoc, a_merged_report_merges_again)
{
	struct reportdoc *docs[2] = {
		doc("a", "R1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:05Z",
		    NULL, "x=failed y=ok"),
		doc("b", "R2", "2026-01-01T10:01:00Z", "2026-01-01T10:01:05Z",
		    NULL, "z=ok"),
	};
	struct reportdoc *merged = NULL, *again[2];
	struct buf out = BUF_INIT, out2 = BUF_INIT;
	struct err e = ERR_INIT;
	struct json_value *m;
	char *s;
	int code;

	cr_assert_eq(reportdoc_merge(docs, 2, &out, &code, NULL, &e), 0);
	cr_assert_eq(reportdoc_parse(out.ptr, out.len, "m.json", &merged, &e),
		     0, "%s", e.msg);
	again[0] = merged;
	again[1] = doc("c", "R3", "2026-01-01T12:00:00Z",
		       "2026-01-01T12:00:01Z", NULL, "x=ok");
	m = merge(again, 2, &code, NULL);
	s = summary(m);
	cr_assert_str_eq(s, "x=ok@R3 y=ok@R1 z=ok@R2");
	free(s);
	cr_assert_eq(code, 0);
	cr_assert_eq(json_count(json_get(m, "run_ids")), 3);
	json_value_free(m);
	/* merging one report alone gives the same document twice over */
	cr_assert_eq(reportdoc_merge(&merged, 1, &out2, &code, NULL, &e), 0);
	buf_reset(&out);
	cr_assert_eq(reportdoc_merge(&merged, 1, &out, &code, NULL, &e), 0);
	cr_assert_str_eq(out.ptr, out2.ptr);
	buf_release(&out);
	buf_release(&out2);
	reportdoc_free(merged);
	reportdoc_free(again[1]);
	free_docs(docs, 2);
}

Test(reportdoc, different_commands_do_not_merge)
{
	struct buf b = BUF_INIT, out = BUF_INIT;
	struct reportdoc *docs[2] = { NULL, NULL };
	struct err e = ERR_INIT;
	int code = -1;

	docs[0] = doc("up.json", "R1", "2026-01-01T10:00:00Z",
		      "2026-01-01T10:00:01Z", NULL, "a=ok");
	report_text(&b, "R2", "downgrade", "2026-01-01T10:00:00Z",
		    "2026-01-01T10:00:01Z", NULL, "b=ok");
	cr_assert_eq(reportdoc_parse(b.ptr, b.len, "down.json", &docs[1], &e),
		     0);
	cr_assert_eq(reportdoc_merge(docs, 2, &out, &code, NULL, &e),
		     ERR_USAGE);
	cr_assert(strstr(e.msg, "down.json") && strstr(e.msg, "downgrade"),
		  "%s", e.msg);
	cr_assert_eq(out.len, 0);
	cr_assert_eq(reportdoc_merge(docs, 0, &out, &code, NULL, &e),
		     ERR_USAGE);
	buf_release(&b);
	free_docs(docs, 2);
}

Test(reportdoc, unfinished_for_resume)
{
	struct reportdoc *d = doc("r", "R1", "2026-01-01T10:00:00Z",
				  "2026-01-01T10:00:01Z", "SIGINT",
				  "a=ok b=nothing-to-do c=failed d=rolled-back "
				  "e=timeout f=crashed g=unreachable h=locked "
				  "i=interrupted j=not-reached");
	struct strv names = STRV_INIT;
	struct buf b = BUF_INIT;
	size_t i;

	reportdoc_unfinished(d, &names);
	for (i = 0; i < names.n; i++)
		buf_addf(&b, "%s%s", i ? " " : "", names.v[i]);
	cr_assert_str_eq(b.ptr, "c d e f g h i j");
	buf_release(&b);
	strv_release(&names);
	reportdoc_free(d);
}

struct load_case {
	char text[200];
	int line, col;
	char msg[64];
};

#define HEAD "{\"schema\":\"migratore-fleet-report\",\"schema_version\":1,"
#define TIMES "\"start\":\"2026-01-01T10:00:00Z\",\"end\":\"2026-01-01T10:00:01Z\","

ParameterizedTestParameters(reportdoc, invalid)
{
	static struct load_case cases[] = {
		{ "[]", 1, 1, "a JSON object expected" },
		{ "{\"schema\":\"other\"}", 1, 11, "\"schema\" is not" },
		{ "{}", 1, 1, "\"schema\" is not" },
		{ "{\"schema\":\"migratore-fleet-report\",\"schema_version\":2}",
		  1, 53, "unsupported \"schema_version\"" },
		{ HEAD "\"command\":\"\"}", 1, 65, "\"command\" must be" },
		{ HEAD "\"command\":\"up\",\"start\":\"yesterday\"}", 1, 78,
		  "\"start\" must be a time" },
		{ HEAD "\"command\":\"up\"," TIMES "\"targets\":{}}", 1, 140,
		  "\"targets\" must be an array" },
		{ HEAD "\"command\":\"up\"," TIMES "\"targets\":[3]}", 1, 141,
		  "a target must be an object" },
		{ HEAD "\"command\":\"up\"," TIMES "\"targets\":[{\"status\":\"ok\"}]}",
		  1, 141, "non-empty \"name\"" },
		{ HEAD "\"command\":\"up\"," TIMES
		  "\"targets\":[{\"name\":\"a\",\"status\":\"fine\"}]}", 1, 162,
		  "unknown status \"fine\"" },
		{ HEAD "\"command\":\"up\"," TIMES "\"targets\":[{\"name\":\"a\","
		  "\"status\":\"ok\"},\n{\"name\":\"a\",\"status\":\"ok\"}]}",
		  2, 9, "already in the report" },
		{ HEAD "\"command\":\"up\"," TIMES "\"targets\":[", 1, 141,
		  "expected a value" },
	};
	return cr_make_param_array(struct load_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct load_case *c, reportdoc, invalid)
{
	struct reportdoc *d = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(reportdoc_parse(c->text, strlen(c->text), "r.json", &d,
				     &e), ERR_CONFIG, "accepted %s", c->text);
	cr_assert_null(d);
	cr_expect_str_eq(e.file, "r.json");
	cr_expect_eq(e.line, c->line, "line %d: %s", e.line, e.msg);
	cr_expect_eq(e.col, c->col, "col %d: %s", e.col, e.msg);
	cr_expect(strstr(e.msg, c->msg) != NULL, "%s", e.msg);
}

Test(reportdoc, load_names_the_file)
{
	char path[] = "/tmp/test_reportdoc.XXXXXX";
	struct reportdoc *d = NULL;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	int fd = mkstemp(path);

	cr_assert_eq(reportdoc_load("/nonexistent/r.json", &d, &e), ERR_IO);
	cr_assert(strstr(e.msg, "/nonexistent/r.json: No such file") != NULL,
		  "%s", e.msg);
	report_text(&b, "R1", "upgrade", "2026-01-01T10:00:00Z",
		    "2026-01-01T10:00:01Z", NULL, "a=ok");
	cr_assert_eq(write(fd, b.ptr, b.len), (ssize_t)b.len);
	close(fd);
	cr_assert_eq(reportdoc_load(path, &d, &e), 0, "%s", e.msg);
	cr_assert_str_eq(d->name, path);
	cr_assert_eq(json_count(d->targets), 1);
	reportdoc_free(d);
	unlink(path);
	buf_release(&b);
}

struct time_case {
	char in[32];
	bool ok;
	long long t;
};

ParameterizedTestParameters(reportdoc, times)
{
	static struct time_case cases[] = {
		{ "1970-01-01T00:00:00Z", true, 0 },
		{ "2026-11-27T10:12:37Z", true, 1795774357 },
		{ "2026-11-27T10:12:37", false, 0 },
		{ "2026-11-27 10:12:37Z", false, 0 },
		{ "2026-13-01T00:00:00Z", false, 0 },
		{ "2026-11-27T10:12:37Zx", false, 0 },
		{ "", false, 0 },
	};
	return cr_make_param_array(struct time_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct time_case *c, reportdoc, times)
{
	time_t t = 0;

	cr_assert_eq(reportdoc_time(c->in, &t), c->ok, "%s", c->in);
	if (c->ok)
		cr_assert_eq((long long)t, c->t, "%s", c->in);
	cr_assert(!reportdoc_time(NULL, &t));
	cr_assert(reportdoc_status_good("ok"));
	cr_assert(reportdoc_status_good("nothing-to-do"));
	cr_assert(!reportdoc_status_good("not-reached"));
	cr_assert(!reportdoc_status_good("bogus"));
}
