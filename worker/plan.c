/* Applied, pending, out-of-order and drifted migrations; pure logic. */
#include "config.h"

#include "worker/plan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "worker/drift.h"
#include "worker/ledger_progress.h"
#include "common/banned.h"

const struct ledger_row *
plan_latest_success(const struct ledger *l, const char *uuid)
{
	size_t i;

	for (i = l->n; i-- > 0;)
		if (l->v[i].uuid && strcmp(l->v[i].uuid, uuid) == 0 &&
		    ledger_row_success(&l->v[i]))
			return &l->v[i];
	return NULL;
}

static bool
is_op(const struct ledger_row *r, const char *op)
{
	return r->operation && strcmp(r->operation, op) == 0;
}

static bool
is_rollback(const struct ledger_row *r)
{
	return is_op(r, "Rollback");
}

bool
plan_uuid_applied(const struct ledger *l, const char *uuid)
{
	const struct ledger_row *r = plan_latest_success(l, uuid);

	return r != NULL && !is_rollback(r);
}

/*
 * The rows that decide each uuid's state, found in one pass over the
 * ledger: planning is O(rows + migrations), not their product (a
 * long-lived database has thousands of rows).
 */
struct uuid_slot {
	const char *uuid;
	const struct ledger_row *success; /* latest successful row */
	const struct ledger_row *applied; /* ... but a Repair */
	const struct ledger_row *run;     /* ... Run or Repair */
	const struct ledger_row *partial; /* ... Run Partial */
	const struct ledger_row *nonrb;   /* latest row but Rollbacks */
	const struct ledger_row *last;    /* latest row */
	bool named;                       /* a file names the uuid */
};

struct uuid_index {
	struct uuid_slot *v;
	size_t mask; /* capacity - 1, a power of two minus one */
};

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct uuid_slot *
index_slot(const struct uuid_index *ix, const char *uuid)
{
	size_t i = (size_t)fnv1a(uuid) & ix->mask;

	while (ix->v[i].uuid && strcmp(ix->v[i].uuid, uuid) != 0)
		i = (i + 1) & ix->mask;
	return &ix->v[i];
}

static void
index_build(struct uuid_index *ix, const struct ledger *l)
{
	size_t cap = 16, i;

	while (cap < 2 * l->n)
		cap *= 2;
	ix->v = xcalloc(cap, sizeof(*ix->v));
	ix->mask = cap - 1;
	for (i = 0; i < l->n; i++) {
		const struct ledger_row *r = &l->v[i];
		struct uuid_slot *slot;

		if (r->uuid == NULL)
			continue;
		slot = index_slot(ix, r->uuid);
		slot->uuid = r->uuid;
		slot->last = r;
		if (!is_rollback(r))
			slot->nonrb = r;
		if (!ledger_row_success(r))
			continue;
		slot->success = r;
		if (!is_op(r, "Repair"))
			slot->applied = r;
		if (is_op(r, "Run") || is_op(r, "Repair"))
			slot->run = r;
		else if (is_op(r, "Run Partial"))
			slot->partial = r;
	}
}

static bool
index_applied(const struct uuid_index *ix, const char *uuid)
{
	const struct uuid_slot *slot = index_slot(ix, uuid);

	return slot->success != NULL && !is_rollback(slot->success);
}

static bool
migration_applied(const struct uuid_index *ix, const struct migration *m)
{
	size_t i;

	if (index_slot(ix, m->uuid)->success != NULL || m->replaces.n == 0)
		return index_applied(ix, m->uuid);
	for (i = 0; i < m->replaces.n; i++)
		if (!index_applied(ix, m->replaces.v[i]))
			return false;
	return true;
}

/* m and the uuids it replaces are no missing migrations. */
static void
index_name(struct uuid_index *ix, const struct migration *m)
{
	struct uuid_slot *slot = index_slot(ix, m->uuid);
	size_t i;

	if (slot->uuid != NULL)
		slot->named = true;
	for (i = 0; i < m->replaces.n; i++)
		if ((slot = index_slot(ix, m->replaces.v[i]))->uuid != NULL)
			slot->named = true;
}

const struct ledger_row *
plan_baseline(const struct ledger *l)
{
	const struct ledger_row *b = NULL;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (ledger_row_baseline(&l->v[i]) &&
		    (b == NULL || l->v[i].timestamp >= b->timestamp))
			b = &l->v[i];
	return b;
}

/* m's state: its own rows written after the baseline row decide, if any. */
static enum plan_state
migration_state(const struct uuid_index *ix, const struct migration *m,
		const struct ledger_row *base)
{
	const struct ledger_row *own = index_slot(ix, m->uuid)->success;

	if (base != NULL && m->timestamp <= base->timestamp &&
	    (own == NULL || own->object_id < base->object_id))
		return PLAN_BASELINE;
	return migration_applied(ix, m) ? PLAN_APPLIED : PLAN_PENDING;
}

const char *
plan_state_name(enum plan_state s)
{
	static const char *const names[PLAN_NSTATES] = {
		[PLAN_PENDING] = "pending",
		[PLAN_APPLIED] = "applied",
		[PLAN_BASELINE] = "baseline",
		[PLAN_SKIPPED] = "skipped",
		[PLAN_DRIFTED] = "drifted",
		[PLAN_FAILED] = "failed",
		[PLAN_PARTIAL] = "partial",
		[PLAN_ROLLED_BACK] = "rolled back",
		[PLAN_MISSING] = "missing",
	};

	return (unsigned)s < PLAN_NSTATES ? names[s] : "?";
}

bool
plan_state_applied(enum plan_state s)
{
	return s == PLAN_APPLIED || s == PLAN_BASELINE || s == PLAN_SKIPPED ||
	       s == PLAN_DRIFTED;
}

/* The row whose checksum says what ran: the latest Run or Repair, or a
 * later Run Partial when that ran the run section (no run_partial). */
static const struct ledger_row *
drift_reference(const struct uuid_slot *slot, const struct migration *m,
		const char *engine)
{
	const struct ledger_row *ref = slot->run;

	if (slot->partial && (ref == NULL ||
			      slot->partial->object_id > ref->object_id) &&
	    (m->executable ||
	     migration_section(m, SEC_RUN_PARTIAL, engine) == NULL))
		ref = slot->partial;
	return ref;
}

/* An applied migration: skipped, drifted or plainly applied. */
static void
applied_detail(const struct uuid_slot *slot, const struct migration *m,
	       const char *engine, enum plan_state *st, struct plan_detail *d)
{
	const struct ledger_row *ref = drift_reference(slot, m, engine);

	d->row = *st == PLAN_BASELINE ? NULL : slot->applied;
	if (ref != NULL && !drift_matches(m, engine, ref->checksum)) {
		*st = PLAN_DRIFTED;
		d->ref = ref;
	} else if (*st == PLAN_APPLIED && slot->applied &&
		   is_op(slot->applied, "Run Skip")) {
		*st = PLAN_SKIPPED;
	} else if (ref != NULL && is_op(ref, "Repair")) {
		d->ref = ref;
	}
}

/* A pending migration: partial, failed, rolled back or just pending. */
static enum plan_state
pending_detail(const struct uuid_slot *slot, const struct ledger *l,
	       const char *uuid, struct plan_detail *d)
{
	if ((d->committed = ledger_progress_of(l, uuid)) > 0) {
		/* kept by a failure (its error row is the latest), or left
		 * by a run that was interrupted */
		if (slot->nonrb && !ledger_row_success(slot->nonrb))
			d->row = slot->nonrb;
		else
			d->interrupted = true;
		return PLAN_PARTIAL;
	}
	if (slot->nonrb && !ledger_row_success(slot->nonrb)) {
		d->row = slot->nonrb;
		d->committed = plan_resume_point(l, uuid);
		return d->committed > 0 ? PLAN_PARTIAL : PLAN_FAILED;
	}
	if (slot->success && is_rollback(slot->success)) {
		d->row = slot->success;
		return PLAN_ROLLED_BACK;
	}
	return PLAN_PENDING;
}

static int
missing_order(const void *a, const void *b)
{
	const struct ledger_row *x = *(const struct ledger_row *const *)a;
	const struct ledger_row *y = *(const struct ledger_row *const *)b;

	if (x->timestamp != y->timestamp)
		return x->timestamp < y->timestamp ? -1 : 1;
	return x->object_id < y->object_id ? -1 : 1;
}

/* The uuids no file names, but for the baseline's. */
static void
find_missing(const struct uuid_index *ix, struct plan *p)
{
	size_t i, cap = 0;

	for (i = 0; i <= ix->mask; i++) {
		const struct uuid_slot *slot = &ix->v[i];

		if (slot->uuid == NULL || slot->named ||
		    ledger_row_baseline(slot->last) ||
		    (slot->success && ledger_row_baseline(slot->success)))
			continue;
		XGROW(p->missing, p->nmissing + 1, cap);
		p->missing[p->nmissing++] = slot->last;
	}
	if (p->nmissing > 1)
		qsort(p->missing, p->nmissing, sizeof(*p->missing),
		      missing_order);
}

/* The per-migration arrays of a plan of n migrations (one more: never
 * a zero-size allocation). */
static void
plan_alloc(struct plan *p, size_t n)
{
	p->state = xcalloc(n + 1, sizeof(*p->state));
	p->detail = xcalloc(n + 1, sizeof(*p->detail));
	p->applied = xcalloc(n + 1, sizeof(*p->applied));
	p->drifted = xcalloc(n + 1, sizeof(*p->drifted));
	p->pending = xcalloc(n + 1, sizeof(*p->pending));
	p->out_of_order = xcalloc(n + 1, sizeof(*p->out_of_order));
}

/* What is not applied is pending, out of order when older than the
 * newest applied one. */
static void
list_pending(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->applied[i])
			continue;
		p->pending[p->npending++] = i;
		if ((long)i < p->newest_applied)
			p->out_of_order[p->nout_of_order++] = i;
	}
}

void
plan_compute(const struct migset *ms, const struct ledger *l,
	     const char *engine, struct plan *p)
{
	const struct ledger_row *base = plan_baseline(l);
	struct uuid_index ix;
	size_t i;

	memset(p, 0, sizeof(*p));
	index_build(&ix, l);
	p->n = ms->n;
	p->baseline = base ? base->timestamp : -1;
	plan_alloc(p, ms->n);
	p->newest_applied = -1;
	for (i = 0; i < ms->n; i++) {
		const struct migration *m = ms->v[i];
		const struct uuid_slot *slot = index_slot(&ix, m->uuid);

		index_name(&ix, m);
		p->state[i] = migration_state(&ix, m, base);
		p->applied[i] = p->state[i] != PLAN_PENDING;
		if (p->applied[i]) {
			p->newest_applied = (long)i;
			applied_detail(slot, m, engine, &p->state[i],
				       &p->detail[i]);
			p->drifted[i] = p->state[i] == PLAN_DRIFTED;
			p->ndrifted += p->drifted[i];
		} else {
			p->state[i] = pending_detail(slot, l, m->uuid,
						     &p->detail[i]);
		}
	}
	find_missing(&ix, p);
	list_pending(p);
	free(ix.v);
}

void
plan_release(struct plan *p)
{
	free(p->applied);
	free(p->state);
	free(p->detail);
	free(p->missing);
	free(p->drifted);
	free(p->pending);
	free(p->out_of_order);
	memset(p, 0, sizeof(*p));
}

int
plan_resume_point(const struct ledger *l, const char *uuid)
{
	size_t i;
	int best = 0;

	/*
	 * The error rows since the last success each say how far their
	 * attempt got; the furthest wins. (A plain `upgrade` retried after a
	 * MySQL failure fails at its first statement and commits nothing:
	 * that must not forget what the first attempt committed.) A success
	 * after them (a recovery Rollback, a completed rebuild) means the
	 * next run starts afresh.
	 */
	for (i = l->n; i-- > 0;) {
		const struct ledger_row *r = &l->v[i];

		if (!r->uuid || strcmp(r->uuid, uuid) != 0 ||
		    is_op(r, "Repair"))
			continue;
		if (ledger_row_success(r))
			break;
		if (r->committed > best)
			best = (int)r->committed;
	}
	return best;
}
