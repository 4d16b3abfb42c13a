/* Applied, pending, out-of-order and drifted migrations; pure logic. */
#include "config.h"

#include "worker/plan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
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
is_rollback(const struct ledger_row *r)
{
	return r->operation && strcmp(r->operation, "Rollback") == 0;
}

bool
plan_uuid_applied(const struct ledger *l, const char *uuid)
{
	const struct ledger_row *r = plan_latest_success(l, uuid);

	return r != NULL && !is_rollback(r);
}

/*
 * The latest successful row and the latest successful Run of every uuid
 * in the ledger, found in one pass: planning is O(rows + migrations), not
 * their product (a long-lived database has thousands of rows).
 */
struct uuid_slot {
	const char *uuid;
	const struct ledger_row *success;
	const struct ledger_row *run;
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

		if (r->uuid == NULL || !ledger_row_success(r))
			continue;
		slot = index_slot(ix, r->uuid);
		slot->uuid = r->uuid;
		slot->success = r;
		if (r->operation && strcmp(r->operation, "Run") == 0)
			slot->run = r;
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
	static const char *const names[] = {
		[PLAN_PENDING] = "pending",
		[PLAN_APPLIED] = "applied",
		[PLAN_BASELINE] = "baseline",
	};

	return names[s];
}

static bool
migration_drifted(const struct uuid_index *ix, const struct migration *m,
		  const char *engine)
{
	const struct section *s = migration_section(m, SEC_RUN, engine);
	const struct ledger_row *run = index_slot(ix, m->uuid)->run;
	const char *sum = run ? run->checksum : NULL;
	const char *now = s ? s->checksum : m->checksum;

	/* Rows written by the Python tool carry no checksum: not drift. */
	return sum != NULL && sum[0] != '\0' && strcmp(sum, now) != 0;
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
	p->state = xcalloc(ms->n + 1, sizeof(*p->state));
	p->applied = xcalloc(ms->n + 1, sizeof(*p->applied));
	p->drifted = xcalloc(ms->n + 1, sizeof(*p->drifted));
	p->pending = xcalloc(ms->n + 1, sizeof(*p->pending));
	p->out_of_order = xcalloc(ms->n + 1, sizeof(*p->out_of_order));
	p->newest_applied = -1;
	for (i = 0; i < ms->n; i++) {
		p->state[i] = migration_state(&ix, ms->v[i], base);
		p->applied[i] = p->state[i] != PLAN_PENDING;
		if (p->applied[i]) {
			p->newest_applied = (long)i;
			p->drifted[i] = migration_drifted(&ix, ms->v[i], engine);
			p->ndrifted += p->drifted[i];
		}
	}
	for (i = 0; i < ms->n; i++) {
		if (p->applied[i])
			continue;
		p->pending[p->npending++] = i;
		if ((long)i < p->newest_applied)
			p->out_of_order[p->nout_of_order++] = i;
	}
	free(ix.v);
}

void
plan_release(struct plan *p)
{
	free(p->applied);
	free(p->state);
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

		if (!r->uuid || strcmp(r->uuid, uuid) != 0)
			continue;
		if (ledger_row_success(r))
			break;
		if (r->committed > best)
			best = (int)r->committed;
	}
	return best;
}
