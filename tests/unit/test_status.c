/* Unit tests for worker/status: the table of one target, its counts, its
 * last run, and the JSON object, from synthetic rows and files. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/jsonparse.h"
#include "common/xmalloc.h"
#include "worker/drift.h"
#include "worker/status.h"

#define NOW 1795770000

static struct migration *
mk(int n, const char *run)
{
	struct migration *m = NULL;
	struct err e = ERR_INIT;
	char *text, name[64];

	text = xasprintf("-- migratore: uuid = 00000000-0000-4000-8000-%012d\n"
			 "-- migratore: timestamp = %d\n"
			 "-- migratore: description = m %d\n"
			 "-- migratore: run\n%s\n",
			 n, 1000 + n, n, run ? run : "SELECT 1;");
	snprintf(name, sizeof(name), "m/%d_m%d.sql", 1000 + n, n);
	cr_assert_eq(migration_parse(name, text, strlen(text), false, &m, &e),
		     0, "parse: %s", e.msg);
	free(text);
	return m;
}

static struct migset *
set_of(int count)
{
	struct migset *ms = xcalloc(1, sizeof(*ms));
	int i;

	ms->dir = xstrdup("m");
	ms->v = xcalloc((size_t)count, sizeof(*ms->v));
	for (i = 0; i < count; i++)
		ms->v[ms->n++] = mk(i + 1, i == 2 ? "SELECT 1; SELECT 2;"
						  : NULL);
	return ms;
}

/* A row of migration n, written at NOW - ago, taking 2 seconds. */
static struct ledger_row *
row(struct ledger *l, int n, const char *result, const char *op,
    const char *run_id, int ago)
{
	struct ledger_row *r;
	char when[32];

	XGROW(l->v, l->n + 1, l->cap);
	r = &l->v[l->n];
	memset(r, 0, sizeof(*r));
	r->object_id = (int64_t)++l->n;
	r->uuid = xasprintf("00000000-0000-4000-8000-%012d", n);
	r->timestamp = 1000 + n;
	r->name = xasprintf("%d_m%d.sql", 1000 + n, n);
	r->description = xasprintf("m %d", n);
	r->result = xstrdup(result);
	r->operation = xstrdup(op);
	r->start = NOW - ago - 2;
	r->end = NOW - ago;
	r->duration = 2;
	ledger_format_time(r->start, when);
	r->start_s = xstrdup(when);
	r->run_id = run_id ? xstrdup(run_id) : NULL;
	r->committed = -1;
	return r;
}

struct fixture {
	struct migset *ms;
	struct ledger l;
	struct plan p;
	struct status st;
};

/* Seven files and rows that put them in every state, and a missing one. */
static void
fixture_init(struct fixture *f)
{
	struct ledger_row *r;

	memset(f, 0, sizeof(*f));
	f->ms = set_of(6);
	r = row(&f->l, 1, "success", "Run", "run-a", 7200);
	r->checksum = xstrdup(drift_checksum(f->ms->v[0], "sqlite"));
	r = row(&f->l, 2, "success", "Run", "run-a", 7200);
	r->checksum = xstrdup("v2:0000");
	row(&f->l, 7, "success", "Run", "run-a", 7200);
	r = row(&f->l, 3, "error", "Run", "run-b", 60);
	r->error = xstrdup("statement 2 of 2 (m/1003_m3.sql:6) failed: no\n"
			   "DETAIL: more");
	r->committed = 1;
	r = row(&f->l, 4, "error", "Run", "run-b", 60);
	r->error = xstrdup("boom");
	plan_compute(f->ms, &f->l, "sqlite", &f->p);
	status_build(&f->st, f->ms, &f->l, &f->p, "sqlite", NOW);
}

static void
fixture_release(struct fixture *f)
{
	status_release(&f->st);
	plan_release(&f->p);
	ledger_release(&f->l);
	migset_free(f->ms);
}

Test(status, the_table_of_one_target)
{
	struct fixture f;
	struct buf b = BUF_INIT;

	fixture_init(&f);
	status_text(&f.st, &b);
	cr_expect_str_eq(
	    b.ptr,
	    "STATE    MIGRATION    WHEN (UTC)              TOOK  NOTE\n"
	    "applied  1001_m1.sql  27 Nov 2026 06:59:58      2s\n"
	    "drifted  1002_m2.sql  27 Nov 2026 06:59:58      2s  its run "
	    "section for sqlite (the plain `run`, line 4) changed since it "
	    "ran; if that was intended, `migratore repair m`\n"
	    "partial  1003_m3.sql  27 Nov 2026 08:58:58      2s  1 of 2 "
	    "statements committed when it failed: statement 2 of 2 "
	    "(m/1003_m3.sql:6) failed: no; fix the rest, leaving the "
	    "committed statements as they are, then resume at statement 2 "
	    "with `migratore upgrade m`\n"
	    "failed   1004_m4.sql  27 Nov 2026 08:58:58      2s  boom; fix it, "
	    "then `migratore upgrade m`\n"
	    "pending  1005_m5.sql  -\n"
	    "pending  1006_m6.sql  -\n"
	    "missing  1007_m7.sql  27 Nov 2026 06:59:58      2s  applied (row "
	    "3), but no file in m\n"
	    "\n"
	    "7 migrations: 1 applied, 1 drifted, 1 failed, 1 partial, 2 "
	    "pending, 1 missing\n"
	    "Last run: 1m ago, failed (run run-b)\n");
	cr_expect(status_unclean(&f.st));
	buf_reset(&b);
	status_problems(&f.st, &b);
	cr_expect_str_eq(b.ptr, "4 pending (2 failed), 1 drifted");
	buf_release(&b);
	fixture_release(&f);
}

static struct json_value *
json_of(const struct status *st, bool brief)
{
	struct json_value *v = NULL;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	struct json j;

	json_init(&j, &b, !brief);
	status_json(st, brief, NULL, &j);
	cr_assert_eq(json_parse(b.ptr, b.len, "status", &v, &e), 0, "%s: %s",
		     e.msg, b.ptr);
	if (brief)
		cr_expect_null(strchr(b.ptr, '\n'), "brief is one line");
	buf_release(&b);
	return v;
}

Test(status, the_json_object)
{
	struct fixture f;
	struct json_value *v;
	const struct json_value *m;

	fixture_init(&f);
	v = json_of(&f.st, false);
	cr_expect_eq(json_as_int(json_get(v, "pending"), -1), 4);
	cr_expect_eq(json_as_int(json_get(v, "drifted"), -1), 1);
	cr_expect_eq(json_as_int(json_get(json_get(v, "counts"), "partial"),
				 -1),
		     1);
	cr_expect_str_eq(json_as_string(json_get(json_get(v, "latest"), "file")),
			 "1002_m2.sql");
	cr_expect_str_eq(json_as_string(json_get(json_get(v, "last_run"),
						 "result")),
			 "error");
	cr_expect_eq(json_as_int(json_get(json_get(v, "last_run"),
					  "age_seconds"),
				 -1),
		     60);
	cr_assert_eq(json_count(json_get(v, "migrations")), 7);
	m = json_index(json_get(v, "migrations"), 2);
	cr_expect_str_eq(json_as_string(json_get(m, "state")), "partial");
	cr_expect_eq(json_as_int(json_get(m, "committed"), -1), 1);
	cr_expect_eq(json_as_int(json_get(m, "total"), -1), 2);
	cr_expect_str_eq(json_as_string(json_get(m, "next")),
			 "migratore upgrade m");
	cr_expect_str_eq(json_as_string(json_get(m, "error")),
			 "statement 2 of 2 (m/1003_m3.sql:6) failed: no");
	m = json_index(json_get(v, "migrations"), 6);
	cr_expect_str_eq(json_as_string(json_get(m, "state")), "missing");
	cr_expect_str_eq(json_as_string(json_get(m, "recorded")), "applied");
	json_value_free(v);
	v = json_of(&f.st, true);
	cr_expect_null(json_get(v, "migrations"));
	cr_expect_eq(json_count(json_get(v, "problems")), 3,
		     "drifted, partial, failed");
	json_value_free(v);
	fixture_release(&f);
}

Test(status, an_empty_target)
{
	struct migset *ms = set_of(0);
	struct ledger l = LEDGER_INIT;
	struct buf b = BUF_INIT;
	struct status st;
	struct plan p;

	plan_compute(ms, &l, "sqlite", &p);
	status_build(&st, ms, &l, &p, "sqlite", NOW);
	status_text(&st, &b);
	cr_expect_str_eq(b.ptr, "0 migrations\nLast run: none (no bookkeeping "
				"row)\n");
	cr_expect_not(status_unclean(&st));
	buf_release(&b);
	status_release(&st);
	plan_release(&p);
	migset_free(ms);
}

Test(status, ages)
{
	static const struct {
		int64_t s;
		const char *want;
	} cases[] = { { -3, "0s" },   { 59, "59s" },     { 60, "1m" },
		      { 3599, "59m" }, { 3600, "1h" },    { 86399, "23h" },
		      { 86400, "1d" }, { 864000, "10d" } };
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		status_age(cases[i].s, &b);
		cr_expect_str_eq(b.ptr, cases[i].want);
	}
	buf_release(&b);
}
