/* Unit tests for orchestrator/dryplan: the fleet-wide plan of a dry run. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/json.h"
#include "orchestrator/dryplan.h"
#include "orchestrator/outcome.h"

#define M1 "<Migration 00000001-0000-4000-8000-000000000001 1700000100 first table>"
#define M2 "<Migration 00000002-0000-4000-8000-000000000002 1700000200 second, with > in it>"
#define M3 "<Migration 00000003-0000-4000-8000-000000000003 1700000300 third>"
#define DRIFT "0001_a.sql (x) was changed after it was applied (its run " \
	      "section's checksum differs)"

static void
add(struct dryplan *p, enum outcome_status st, const char *r1,
    const char *r2, const char *warning, int err_code)
{
	struct outcome o;

	outcome_init(&o);
	o.status = st;
	o.started = true;
	o.finished = st != OUT_CRASHED;
	o.fin.err_code = err_code;
	if (r1)
		outcome_add_result(&o, r1);
	if (r2)
		outcome_add_result(&o, r2);
	if (warning)
		strv_push(&o.warnings, warning);
	dryplan_add(p, "t", &o);
	outcome_release(&o);
}

Test(dryplan, counts_and_text)
{
	struct dryplan p;
	struct buf b = BUF_INIT;

	dryplan_init(&p, false);
	add(&p, OUT_OK, M2, M3, NULL, 0);
	add(&p, OUT_OK, M2, M3, DRIFT, 0);
	add(&p, OUT_OK, M1, M2, NULL, 0);
	add(&p, OUT_NOTHING_TO_DO, NULL, NULL, DRIFT, 0);
	add(&p, OUT_UNREACHABLE, NULL, NULL, NULL, ERR_CONNECT);
	add(&p, OUT_UNREACHABLE, NULL, NULL, NULL, ERR_CONNECT);
	add(&p, OUT_LOCKED, NULL, NULL, NULL, ERR_LOCK);
	/* out of order: listed its pending migrations, then refused */
	add(&p, OUT_FAILED, M1, NULL, NULL, ERR_STATE);
	add(&p, OUT_FAILED, NULL, NULL, NULL, ERR_MIGFILE);
	dryplan_finish(&p);
	cr_assert_eq(p.targets, 9);
	cr_assert_eq(p.changing, 3);
	cr_assert_eq(p.steps, 6);
	cr_assert_eq(p.up_to_date, 1);
	cr_assert_eq(p.drifted, 2);
	cr_assert_eq(p.out_of_order, 1);
	cr_assert_eq(p.other, 1);
	cr_assert_eq(p.n, 3, "M1 from the out-of-order target is listed");
	cr_assert(!dryplan_clear(&p));
	dryplan_text(&p, &b);
	cr_assert_str_eq(b.ptr,
			 "Plan: 3 targets will apply 3 migrations (6 steps), "
			 "1 up to date; 2 unreachable; 1 locked; 2 drifted; "
			 "1 out of order; 1 other failure\n"
			 "  1  " M1 "\n"
			 "  3  " M2 "\n"
			 "  2  " M3 "\n");
	cr_assert_str_eq(p.v[1].uuid, "00000002-0000-4000-8000-000000000002");
	cr_assert_eq(p.v[1].timestamp, 1700000200);
	cr_assert_str_eq(p.v[1].description, "second, with > in it");
	buf_release(&b);
	dryplan_release(&p);
}

/* Drift alone leaves the plan clear: the real run proceeds there. */
Test(dryplan, clear_with_drift)
{
	struct dryplan p;
	struct buf b = BUF_INIT;

	dryplan_init(&p, false);
	add(&p, OUT_OK, M1, NULL, DRIFT, 0);
	add(&p, OUT_NOTHING_TO_DO, NULL, NULL, NULL, 0);
	dryplan_finish(&p);
	cr_assert(dryplan_clear(&p));
	dryplan_text(&p, &b);
	cr_assert_str_eq(b.ptr,
			 "Plan: 1 target will apply 1 migration (1 step), 1 up "
			 "to date; 0 unreachable; 0 locked; 1 drifted; 0 out "
			 "of order\n"
			 "  1  " M1 "\n");
	buf_release(&b);
	dryplan_release(&p);
}

Test(dryplan, downgrade)
{
	struct dryplan p;
	struct buf b = BUF_INIT;

	dryplan_init(&p, true);
	add(&p, OUT_OK, M3, NULL, NULL, 0);
	add(&p, OUT_OK, M3, NULL, NULL, 0);
	/* nothing applied: dry_downgrade refuses with ERR_STATE */
	add(&p, OUT_FAILED, NULL, NULL, NULL, ERR_STATE);
	dryplan_finish(&p);
	dryplan_text(&p, &b);
	cr_assert_str_eq(b.ptr,
			 "Plan: 2 targets will roll back 1 migration (2 steps); "
			 "0 unreachable; 0 locked; 0 drifted; 1 other failure\n"
			 "  2  " M3 "\n");
	buf_release(&b);
	dryplan_release(&p);
}

/* Many targets: the index and the separators. */
Test(dryplan, large)
{
	struct dryplan p;
	struct buf b = BUF_INIT;
	size_t i;

	dryplan_init(&p, false);
	for (i = 0; i < 1412; i++)
		add(&p, OUT_OK, M1, i % 2 ? M2 : M3, NULL, 0);
	dryplan_finish(&p);
	dryplan_text(&p, &b);
	cr_assert_str_eq(b.ptr,
			 "Plan: 1,412 targets will apply 3 migrations (2,824 "
			 "steps); 0 unreachable; 0 locked; 0 drifted; 0 out of "
			 "order\n"
			 "  1412  " M1 "\n"
			 "   706  " M2 "\n"
			 "   706  " M3 "\n");
	buf_release(&b);
	dryplan_release(&p);
}

Test(dryplan, count)
{
	static const struct {
		size_t n;
		const char *s;
	} c[] = { { 0, "0" },         { 7, "7" },         { 999, "999" },
		  { 1000, "1,000" },  { 1236, "1,236" },  { 999999, "999,999" },
		  { 1234567, "1,234,567" } };
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		buf_reset(&b);
		dryplan_count(&b, c[i].n);
		cr_assert_str_eq(b.ptr, c[i].s);
	}
	buf_release(&b);
}

/* The plan's JSON object, compact, in b. */
static void
plan_json(const struct dryplan *p, struct buf *b)
{
	struct json j;

	json_init(&j, b, false);
	json_object_begin(&j, NULL);
	dryplan_json(p, &j);
	json_object_end(&j);
}

Test(dryplan, json)
{
	struct dryplan p;
	struct buf b = BUF_INIT;

	dryplan_init(&p, false);
	add(&p, OUT_OK, M1, NULL, NULL, 0);
	add(&p, OUT_LOCKED, NULL, NULL, NULL, ERR_LOCK);
	dryplan_finish(&p);
	plan_json(&p, &b);
	cr_assert(strstr(b.ptr, "\"locked\":1"), "%s", b.ptr);
	cr_assert(strstr(b.ptr, "\"clear\":false"), "%s", b.ptr);
	cr_assert(strstr(b.ptr, "\"timestamp\":1700000100"), "%s", b.ptr);
	cr_assert(strstr(b.ptr, "\"description\":\"first table\""), "%s",
		  b.ptr);
	buf_release(&b);
	dryplan_release(&p);
}

static void
add_sql(struct dryplan *p, const char *name, const char *sql)
{
	struct outcome o;

	outcome_init(&o);
	o.status = OUT_OK;
	o.started = o.finished = true;
	outcome_add_result(&o, M1);
	buf_adds(&o.sql, sql);
	dryplan_add(p, name, &o);
	outcome_release(&o);
}

/* --sql: identical texts once, with every target that would run them;
 * the largest group first, then by the first target's place. */
Test(dryplan, sql_is_grouped_by_identical_text)
{
	struct dryplan p;
	struct buf b = BUF_INIT;

	dryplan_init(&p, false);
	add_sql(&p, "pg-1", "-- postgres\nBEGIN;\n");
	add_sql(&p, "sq-1", "-- sqlite\nBEGIN;\n");
	add_sql(&p, "sq-2", "-- sqlite\nBEGIN;\n");
	add_sql(&p, "pg-2", "-- postgres\nBEGIN;\n");
	add_sql(&p, "sq-3", "-- sqlite\nBEGIN;\n");
	add_sql(&p, "odd", "-- sqlite\nBEGIN;\n\n");
	add(&p, OUT_UNREACHABLE, NULL, NULL, NULL, ERR_CONNECT);
	dryplan_finish(&p);
	cr_assert_eq(p.nsql, 3);
	dryplan_sql_text(&p, &b);
	cr_assert_str_eq(b.ptr, "== 3 targets: sq-1 sq-2 sq-3 ==\n"
				"-- sqlite\nBEGIN;\n"
				"\n== 2 targets: pg-1 pg-2 ==\n"
				"-- postgres\nBEGIN;\n"
				"\n== 1 target: odd ==\n"
				"-- sqlite\nBEGIN;\n\n");
	buf_reset(&b);
	plan_json(&p, &b);
	cr_assert(strstr(b.ptr, "\"sql\":[{\"targets\":[\"sq-1\",\"sq-2\","
				"\"sq-3\"],\"sql\":\"-- sqlite\\nBEGIN;\\n\"},"),
		  "%s", b.ptr);
	buf_release(&b);
	dryplan_release(&p);
	/* without --sql: no block, and null in the JSON */
	dryplan_init(&p, false);
	add(&p, OUT_OK, M1, NULL, NULL, 0);
	dryplan_finish(&p);
	dryplan_sql_text(&p, &b);
	cr_assert_eq(b.len, 0);
	plan_json(&p, &b);
	cr_assert(strstr(b.ptr, "\"sql\":null"), "%s", b.ptr);
	buf_release(&b);
	dryplan_release(&p);
}
