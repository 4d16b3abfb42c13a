/* Unit tests for worker/plan: applied, pending, out of order, drift. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/xmalloc.h"
#include "worker/ledger.h"
#include "worker/migset.h"
#include "worker/plan.h"

static struct migration *
mk(int n, const char *replaces, const char *run)
{
	struct migration *m = NULL;
	struct err e = ERR_INIT;
	char *text, name[64];

	text = xasprintf("-- migratore: uuid = 00000000-0000-4000-8000-%012d\n"
			 "-- migratore: timestamp = %d\n%s%s%s"
			 "-- migratore: run\n%s\n",
			 n, 1000 + n, replaces ? "-- migratore: replaces = " : "",
			 replaces ? replaces : "", replaces ? "\n" : "",
			 run ? run : "SELECT 1;");
	snprintf(name, sizeof(name), "%d_m%d.sql", 1000 + n, n);
	cr_assert_eq(migration_parse(name, text, strlen(text), false, &m, &e),
		     0, "parse: %s", e.msg);
	free(text);
	return m;
}

static char *
uuid_of(int n)
{
	return xasprintf("00000000-0000-4000-8000-%012d", n);
}

static void
row(struct ledger *l, int n, const char *result, const char *op,
    const char *checksum, int committed)
{
	struct ledger_row *r;

	XGROW(l->v, l->n + 1, l->cap);
	r = &l->v[l->n];
	memset(r, 0, sizeof(*r));
	r->object_id = (int64_t)++l->n;
	r->uuid = uuid_of(n);
	r->result = xstrdup(result);
	r->operation = xstrdup(op);
	r->checksum = checksum ? xstrdup(checksum) : NULL;
	r->committed = committed;
}

static struct migset *
set_of(int count)
{
	struct migset *ms = xcalloc(1, sizeof(*ms));
	int i;

	ms->dir = xstrdup("test");
	ms->v = xcalloc((size_t)count, sizeof(*ms->v));
	for (i = 0; i < count; i++)
		ms->v[ms->n++] = mk(i + 1, NULL, NULL);
	return ms;
}

Test(plan, nothing_applied_everything_pending)
{
	struct migset *ms = set_of(3);
	struct ledger l = LEDGER_INIT;
	struct plan p;

	plan_compute(ms, &l, "sqlite", &p);
	cr_assert_eq(p.npending, 3);
	cr_assert_eq(p.newest_applied, -1);
	cr_assert_eq(p.nout_of_order, 0);
	plan_release(&p);
	migset_free(ms);
}

Test(plan, rollback_makes_pending_again_and_errors_do_not_count)
{
	struct migset *ms = set_of(3);
	struct ledger l = LEDGER_INIT;
	struct plan p;

	row(&l, 1, "success", "Run", NULL, -1);
	row(&l, 2, "success", "Run", NULL, -1);
	row(&l, 2, "success", "Rollback", NULL, -1);
	row(&l, 3, "error", "Run", NULL, 0);
	plan_compute(ms, &l, "sqlite", &p);
	cr_assert(p.applied[0]);
	cr_assert_not(p.applied[1]);
	cr_assert_not(p.applied[2]);
	cr_assert_eq(p.npending, 2);
	cr_assert_eq(p.pending[0], 1);
	cr_assert_eq(p.nout_of_order, 0);
	/* A later error row does not undo a success. */
	row(&l, 1, "error", "Run Partial", NULL, 0);
	plan_release(&p);
	plan_compute(ms, &l, "sqlite", &p);
	cr_assert(p.applied[0]);
	plan_release(&p);
	ledger_release(&l);
	migset_free(ms);
}

Test(plan, older_unapplied_is_out_of_order)
{
	struct migset *ms = set_of(3);
	struct ledger l = LEDGER_INIT;
	struct plan p;

	row(&l, 1, "success", "Run", NULL, -1);
	row(&l, 3, "success", "Run Skip", NULL, -1);
	plan_compute(ms, &l, "sqlite", &p);
	cr_assert_eq(p.npending, 1);
	cr_assert_eq(p.nout_of_order, 1);
	cr_assert_eq(p.out_of_order[0], 1);
	cr_assert_eq(p.newest_applied, 2);
	plan_release(&p);
	ledger_release(&l);
	migset_free(ms);
}

Test(plan, squashed_counts_as_applied_when_all_replaced_are)
{
	struct migset *ms = xcalloc(1, sizeof(*ms));
	struct ledger l = LEDGER_INIT;
	struct plan p;
	char *r1 = uuid_of(1), *r2 = uuid_of(2), *both;

	both = xasprintf("%s, %s", r1, r2);
	ms->dir = xstrdup("test");
	ms->v = xcalloc(1, sizeof(*ms->v));
	ms->v[ms->n++] = mk(9, both, NULL);
	row(&l, 1, "success", "Run", NULL, -1);
	plan_compute(ms, &l, "sqlite", &p);
	cr_assert_not(p.applied[0], "only one of two replaced is applied");
	plan_release(&p);
	row(&l, 2, "success", "Run", NULL, -1);
	plan_compute(ms, &l, "sqlite", &p);
	cr_assert(p.applied[0]);
	cr_assert_eq(p.npending, 0);
	plan_release(&p);
	free(r1);
	free(r2);
	free(both);
	ledger_release(&l);
	migset_free(ms);
}

Test(plan, changed_run_section_is_drift_but_python_rows_are_not)
{
	struct migset *ms = set_of(2);
	struct ledger l = LEDGER_INIT;
	struct plan p;
	const struct section *s = migration_section(ms->v[0], SEC_RUN, "sqlite");

	row(&l, 1, "success", "Run", s->checksum, -1);
	row(&l, 2, "success", "Run", NULL, -1);
	plan_compute(ms, &l, "sqlite", &p);
	cr_assert_eq(p.ndrifted, 0);
	plan_release(&p);
	free(l.v[0].checksum);
	l.v[0].checksum = xstrdup("0000");
	plan_compute(ms, &l, "sqlite", &p);
	cr_assert_eq(p.ndrifted, 1);
	cr_assert(p.drifted[0]);
	cr_assert_not(p.drifted[1]);
	plan_release(&p);
	ledger_release(&l);
	migset_free(ms);
}

Test(plan, resume_point_follows_the_latest_error_row)
{
	struct ledger l = LEDGER_INIT;
	char *u = uuid_of(1);

	cr_assert_eq(plan_resume_point(&l, u), 0);
	row(&l, 1, "error", "Run", NULL, 2);
	cr_assert_eq(plan_resume_point(&l, u), 2);
	row(&l, 1, "success", "Rollback", NULL, -1);
	cr_assert_eq(plan_resume_point(&l, u), 0,
		     "a successful recovery resets the resume point");
	row(&l, 1, "error", "Run Partial", NULL, 3);
	cr_assert_eq(plan_resume_point(&l, u), 3);
	row(&l, 1, "error", "Run", NULL, 0);
	cr_assert_eq(plan_resume_point(&l, u), 3,
		     "a retry that committed nothing keeps the resume point");
	free(u);
	ledger_release(&l);
}

/* The row the Python tool's 0.6 `mark` writes: a Run of its own uuid. */
static void
baseline_row(struct ledger *l, int64_t timestamp)
{
	struct ledger_row *r;

	row(l, 0, "success", "Run", NULL, -1);
	r = &l->v[l->n - 1];
	free(r->uuid);
	r->uuid = xstrdup(LEDGER_BASELINE_UUID);
	r->timestamp = timestamp;
}

static void
assert_states(const struct plan *p, const char *want)
{
	char got[16];
	size_t i;

	for (i = 0; i < p->n && i < sizeof(got) - 1; i++)
		got[i] = plan_state_name(p->state[i])[0];
	got[i] = '\0';
	cr_assert_str_eq(got, want, "states (p pending, a applied, b baseline)");
}

Test(plan, a_baseline_stands_for_every_migration_up_to_its_timestamp)
{
	struct migset *ms = set_of(4); /* timestamps 1001..1004 */
	struct ledger l = LEDGER_INIT;
	struct plan p;

	baseline_row(&l, 1002);
	row(&l, 4, "success", "Run", NULL, -1);
	plan_compute(ms, &l, "sqlite", &p);
	assert_states(&p, "bbpa");
	cr_assert_eq(p.baseline, 1002);
	cr_assert(p.applied[0] && p.applied[1] && !p.applied[2]);
	cr_assert_eq(p.npending, 1);
	cr_assert_eq(p.pending[0], 2);
	cr_assert_eq(p.nout_of_order, 1, "1003 is after the baseline, "
					 "before an applied one");
	cr_assert_eq(p.ndrifted, 0, "a baselined migration has no Run row");
	plan_release(&p);
	ledger_release(&l);
	migset_free(ms);
}

Test(plan, a_baseline_is_never_out_of_order_and_nothing_before_it_is_pending)
{
	struct migset *ms = set_of(3);
	struct ledger l = LEDGER_INIT;
	struct plan p;

	/* Rows the Python tool wrote before its mark do not matter. */
	row(&l, 1, "error", "Run", NULL, 0);
	row(&l, 2, "success", "Rollback", NULL, -1);
	baseline_row(&l, 1795770600);
	plan_compute(ms, &l, "sqlite", &p);
	assert_states(&p, "bbb");
	cr_assert_eq(p.npending, 0);
	cr_assert_eq(p.nout_of_order, 0);
	cr_assert_eq(p.newest_applied, 2);
	plan_release(&p);
	ledger_release(&l);
	migset_free(ms);
}

Test(plan, rows_written_after_the_baseline_decide)
{
	struct migset *ms = set_of(3);
	struct ledger l = LEDGER_INIT;
	struct plan p;

	baseline_row(&l, 1003);
	row(&l, 3, "success", "Rollback", NULL, -1); /* a later downgrade */
	row(&l, 1, "success", "Run Partial", NULL, -1);
	plan_compute(ms, &l, "sqlite", &p);
	assert_states(&p, "abp");
	cr_assert_eq(p.npending, 1);
	cr_assert_eq(p.pending[0], 2);
	plan_release(&p);
	/* No baseline: the same rows, the ordinary rule. */
	free(l.v[0].uuid);
	l.v[0].uuid = uuid_of(9);
	plan_compute(ms, &l, "sqlite", &p);
	assert_states(&p, "app");
	cr_assert_eq(p.baseline, -1);
	plan_release(&p);
	ledger_release(&l);
	migset_free(ms);
}
