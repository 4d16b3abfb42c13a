/* Unit tests for worker/plan: applied, pending, out of order, drift. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/xmalloc.h"
#include "worker/drift.h"
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
	cr_assert_str_eq(got, want, "states (p pending or partial, a applied, "
				    "b baseline, r rolled back, s skipped, "
				    "d drifted, f failed)");
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
	assert_states(&p, "abr");
	cr_assert_eq(p.npending, 1);
	cr_assert_eq(p.pending[0], 2);
	plan_release(&p);
	/* No baseline: the same rows, the ordinary rule. */
	free(l.v[0].uuid);
	l.v[0].uuid = uuid_of(9);
	plan_compute(ms, &l, "sqlite", &p);
	assert_states(&p, "apr");
	cr_assert_eq(p.baseline, -1);
	plan_release(&p);
	ledger_release(&l);
	migset_free(ms);
}

/* ---- the states status shows ------------------------------------------- */

static void
set_checksum(struct ledger *l, const char *sum)
{
	free(l->v[l->n - 1].checksum);
	l->v[l->n - 1].checksum = xstrdup(sum);
}

Test(plan, every_state_a_migration_can_be_in)
{
	struct migset *ms = set_of(7);
	struct ledger l = LEDGER_INIT;
	const char *sum = drift_checksum(ms->v[0], "sqlite");
	struct plan p;

	row(&l, 1, "success", "Run", sum, -1);       /* applied */
	row(&l, 2, "success", "Run Skip", NULL, -1); /* skipped */
	row(&l, 3, "success", "Run", "v2:0000", -1); /* drifted */
	row(&l, 4, "success", "Run", sum, -1);
	row(&l, 4, "success", "Rollback", NULL, -1); /* rolled back */
	row(&l, 5, "error", "Run", NULL, 0);         /* failed */
	row(&l, 6, "error", "Run", NULL, 2);         /* partial */
	row(&l, 8, "success", "Run", NULL, -1);      /* missing */
	row(&l, 9, "error", "Run", NULL, 0);         /* missing too */
	plan_compute(ms, &l, "sqlite", &p);
	assert_states(&p, "asdrfpp");
	cr_assert_eq(p.detail[5].committed, 2);
	cr_expect_not(p.detail[5].interrupted);
	cr_expect_eq(p.detail[4].row, &l.v[5]);
	cr_expect_eq(p.detail[3].row, &l.v[4], "the Rollback");
	cr_expect_eq(p.detail[2].ref, &l.v[2]);
	cr_expect_eq(p.ndrifted, 1);
	cr_expect_eq(p.npending, 4);
	cr_assert_eq(p.nmissing, 2);
	cr_expect_eq(p.missing[0], &l.v[7]);
	cr_expect_eq(p.missing[1], &l.v[8]);
	cr_expect_str_eq(plan_state_name(p.state[3]), "rolled back");
	plan_release(&p);
	ledger_release(&l);
	migset_free(ms);
}

Test(plan, a_recovery_rollback_leaves_a_failure_with_nothing_committed)
{
	struct migset *ms = set_of(1);
	struct ledger l = LEDGER_INIT;
	struct plan p;

	row(&l, 1, "error", "Run", NULL, 3);
	row(&l, 1, "success", "Rollback", NULL, -1);
	plan_compute(ms, &l, "sqlite", &p);
	assert_states(&p, "f");
	cr_expect_eq(p.detail[0].row, &l.v[0]);
	plan_release(&p);
	ledger_release(&l);
	migset_free(ms);
}

Test(plan, progress_rows_say_partial_and_interrupted)
{
	struct migset *ms = set_of(2);
	struct ledger l = LEDGER_INIT;
	struct plan p;

	l.progress = xcalloc(1, sizeof(*l.progress));
	l.progress[0].uuid = uuid_of(2);
	l.progress[0].committed = 1;
	l.nprogress = l.progress_cap = 1;
	row(&l, 1, "success", "Run", NULL, -1);
	plan_compute(ms, &l, "sqlite", &p);
	assert_states(&p, "ap");
	cr_expect_eq(p.state[1], PLAN_PARTIAL);
	cr_expect(p.detail[1].interrupted);
	cr_expect_eq(p.detail[1].committed, 1);
	cr_expect_null(p.detail[1].row);
	plan_release(&p);
	ledger_release(&l);
	migset_free(ms);
}

Test(plan, a_repair_row_is_what_drift_compares_with)
{
	struct migset *ms = set_of(1);
	struct ledger l = LEDGER_INIT;
	struct plan p;

	row(&l, 1, "success", "Run", "v2:0000", -1);
	row(&l, 1, "success", "Repair", NULL, -1);
	set_checksum(&l, drift_checksum(ms->v[0], "sqlite"));
	plan_compute(ms, &l, "sqlite", &p);
	assert_states(&p, "a");
	cr_expect_eq(p.detail[0].row, &l.v[0], "applied by its Run");
	cr_expect_eq(p.detail[0].ref, &l.v[1], "repaired");
	cr_expect_eq(p.ndrifted, 0);
	plan_release(&p);
	/* a Run Partial that ran the run section counts too */
	row(&l, 1, "success", "Run Partial", "v2:0000", -1);
	plan_compute(ms, &l, "sqlite", &p);
	assert_states(&p, "d");
	cr_expect_eq(p.detail[0].ref, &l.v[2]);
	plan_release(&p);
	/* a Repair does not reset where rebuild resumes */
	row(&l, 1, "error", "Run Partial", NULL, 2);
	row(&l, 1, "success", "Repair", NULL, -1);
	cr_expect_eq(plan_resume_point(&l, l.v[0].uuid), 2);
	ledger_release(&l);
	migset_free(ms);
}

Test(plan, replaced_uuids_and_the_baseline_are_not_missing)
{
	struct migset *ms = xcalloc(1, sizeof(*ms));
	char *r1 = uuid_of(1);
	struct ledger l = LEDGER_INIT;
	struct plan p;

	ms->dir = xstrdup("test");
	ms->v = xcalloc(1, sizeof(*ms->v));
	ms->v[ms->n++] = mk(5, r1, NULL);
	row(&l, 1, "success", "Run", NULL, -1);
	baseline_row(&l, 900);
	plan_compute(ms, &l, "sqlite", &p);
	cr_expect_eq(p.nmissing, 0);
	plan_release(&p);
	free(r1);
	ledger_release(&l);
	migset_free(ms);
}
