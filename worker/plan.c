/* Applied, pending, out-of-order and drifted migrations; pure logic. */
#include "config.h"

#include "worker/plan.h"

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

static bool
migration_applied(const struct ledger *l, const struct migration *m)
{
	size_t i;

	if (plan_latest_success(l, m->uuid) != NULL ||
	    m->replaces.n == 0)
		return plan_uuid_applied(l, m->uuid);
	for (i = 0; i < m->replaces.n; i++)
		if (!plan_uuid_applied(l, m->replaces.v[i]))
			return false;
	return true;
}

/* The checksum recorded by the latest successful Run of uuid, if any. */
static const char *
run_checksum(const struct ledger *l, const char *uuid)
{
	size_t i;

	for (i = l->n; i-- > 0;) {
		const struct ledger_row *r = &l->v[i];

		if (r->uuid && strcmp(r->uuid, uuid) == 0 &&
		    ledger_row_success(r) && r->operation &&
		    strcmp(r->operation, "Run") == 0)
			return r->checksum;
	}
	return NULL;
}

static bool
migration_drifted(const struct ledger *l, const struct migration *m,
		  const char *engine)
{
	const struct section *s = migration_section(m, SEC_RUN, engine);
	const char *sum = run_checksum(l, m->uuid);
	const char *now = s ? s->checksum : m->checksum;

	/* Rows written by the Python tool carry no checksum: not drift. */
	return sum != NULL && sum[0] != '\0' && strcmp(sum, now) != 0;
}

void
plan_compute(const struct migset *ms, const struct ledger *l,
	     const char *engine, struct plan *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->n = ms->n;
	p->applied = xcalloc(ms->n + 1, sizeof(*p->applied));
	p->drifted = xcalloc(ms->n + 1, sizeof(*p->drifted));
	p->pending = xcalloc(ms->n + 1, sizeof(*p->pending));
	p->out_of_order = xcalloc(ms->n + 1, sizeof(*p->out_of_order));
	p->newest_applied = -1;
	for (i = 0; i < ms->n; i++) {
		p->applied[i] = migration_applied(l, ms->v[i]);
		if (p->applied[i]) {
			p->newest_applied = (long)i;
			p->drifted[i] = migration_drifted(l, ms->v[i], engine);
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
}

void
plan_release(struct plan *p)
{
	free(p->applied);
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
