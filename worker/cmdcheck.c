/* The checks before a command writes; see cmdcheck.h. */
#include "config.h"

#include "worker/cmdcheck.h"

#include <stdio.h>
#include <string.h>

#include "worker/drift.h"
#include "worker/indoubt.h"
#include "worker/ledger_progress.h"
#include "worker/resume.h"
#include "common/banned.h"

/* One warning per drifted migration (a fleet's summary groups them). */
void
cmdcheck_warn_drift(struct cmdctx *c)
{
	struct buf w = BUF_INIT;
	size_t i;

	for (i = 0; i < c->plan.n; i++) {
		if (!c->plan.drifted[i])
			continue;
		buf_reset(&w);
		drift_warning(cmdctx_mig(c, i), c->t->engine, &w);
		sink_warning(c->sink, "%s", w.ptr);
	}
	buf_release(&w);
}

static bool
strict_checksums(const struct cmdctx *c)
{
	return c->o->strict_checksums || c->t->strict_checksums;
}

/* "\n  0042_x.sql (<uuid>): its run section for ..." per drifted one */
void
cmdcheck_drifted_lines(struct cmdctx *c, const char *indent, struct buf *out)
{
	size_t i;

	for (i = 0; i < c->plan.n; i++) {
		if (!c->plan.drifted[i])
			continue;
		buf_addf(out, "%s%s (%s): ", indent, cmdctx_mig(c, i)->filename,
			 cmdctx_mig(c, i)->uuid);
		drift_where(cmdctx_mig(c, i), c->t->engine, out);
	}
}

/* --strict-checksums: drift is an error, named, before anything runs;
 * without it a warning. */
int
cmdcheck_checksums(struct cmdctx *c)
{
	struct buf names = BUF_INIT;
	size_t n = c->plan.ndrifted;
	int r;

	if (!strict_checksums(c) || n == 0) {
		cmdcheck_warn_drift(c);
		return 0;
	}
	cmdcheck_drifted_lines(c, "\n  ", &names);
	r = err_set(&c->e, ERR_STATE,
		    "--strict-checksums: %zu applied migration%s changed since "
		    "%s applied, so nothing was run:%s\nrestore %s, or record "
		    "the change with `migratore repair`",
		    n, n == 1 ? "" : "s", n == 1 ? "it was" : "they were",
		    names.ptr, n == 1 ? "it" : "them");
	buf_release(&names);
	return r;
}

int
cmdcheck_out_of_order(struct cmdctx *c)
{
	struct buf names = BUF_INIT;
	const struct migration *newest;
	size_t i;
	int r;

	if (c->plan.nout_of_order == 0 || c->o->allow_out_of_order)
		return 0;
	newest = cmdctx_mig(c, (size_t)c->plan.newest_applied);
	for (i = 0; i < c->plan.nout_of_order; i++)
		buf_addf(&names, "%s%s", i ? ", " : "",
			 cmdctx_mig(c, c->plan.out_of_order[i])->filename);
	r = err_set(&c->e, ERR_STATE,
		    "out of order: %s %s older than the newest applied "
		    "migration %s but %s never applied; use "
		    "--allow-out-of-order to apply %s",
		    names.ptr, c->plan.nout_of_order > 1 ? "are" : "is",
		    newest->filename,
		    c->plan.nout_of_order > 1 ? "were" : "was",
		    c->plan.nout_of_order > 1 ? "them" : "it");
	buf_release(&names);
	return r;
}

/* Every pending migration must have something to run on this engine. */
int
cmdcheck_runnable(struct cmdctx *c)
{
	size_t i;

	for (i = 0; i < c->plan.npending; i++) {
		const struct migration *m = cmdctx_mig(c, c->plan.pending[i]);

		if (!m->executable &&
		    migration_section(m, SEC_RUN, c->t->engine) == NULL)
			return err_set_at(&c->e, ERR_MIGFILE, m->path, 0, 0,
					  "no 'run' section for engine %s",
					  c->t->engine);
	}
	return 0;
}

/*
 * A pending migration that an unfinished run (killed, cut off, or
 * failed after statements committed) left a progress row for must still
 * have those statements as they were (worker/resume.h), and a statement
 * it left in doubt must be one the catalogue can answer for
 * (worker/indoubt.h): else nothing runs, and the message says which
 * statement and what to do. A dry run finds it too.
 */
static int
resumable(struct cmdctx *c, const struct migration *m)
{
	const struct section *s = migration_section(m, SEC_RUN, c->t->engine);
	int from = ledger_progress_of(&c->ledger, m->uuid);
	struct buf note = BUF_INIT;
	int r = 0;

	if (s == NULL)
		return 0;
	if (from > 0)
		r = resume_check(m, section_stmts(s, c->t->engine), from,
				 ledger_progress_sums(&c->ledger, m->uuid),
				 &c->e);
	if (r == 0)
		r = indoubt_resolve(c->db, &c->ledger, m,
				    section_stmts(s, c->t->engine), &from,
				    &note, &c->e);
	buf_release(&note);
	return r;
}

/* resumable for every pending migration */
int
cmdcheck_resumable(struct cmdctx *c)
{
	size_t i;
	int r;

	for (i = 0; i < c->plan.npending; i++)
		if ((r = resumable(c, cmdctx_mig(c, c->plan.pending[i]))) < 0)
			return r;
	return 0;
}

/*
 * A statement of m's run section that was in flight when the last run
 * ended (worker/indoubt.h): *from moved past it when the catalogue shows
 * it committed, and what was found said. 1 when there was one, 0 when
 * none, < 0 when the catalogue cannot tell (c->e says what to do).
 */
int
cmdcheck_settle_doubt(struct cmdctx *c, const struct migration *m, int *from)
{
	const struct section *s = migration_section(m, SEC_RUN, c->t->engine);
	struct buf note = BUF_INIT;
	int r = 0;

	if (s != NULL)
		r = indoubt_resolve(c->db, &c->ledger, m,
				    section_stmts(s, c->t->engine), from,
				    &note, &c->e);
	if (r == 0 && note.len > 0) {
		sink_warning(c->sink, "%s", note.ptr);
		r = 1;
	}
	buf_release(&note);
	return r;
}

/* Say that m resumes after the first from statements (of s). */
void
cmdcheck_resume_warning(struct cmdctx *c, const struct migration *m,
	       const struct section *s, int from)
{
	if (s != NULL && from >= (int)section_stmts(s, c->t->engine)->n)
		sink_warning(c->sink,
			     "%s: all %d statements had committed before the "
			     "previous run ended: recording it",
			     m->filename, from);
	else
		sink_warning(c->sink,
			     "%s: resuming at statement %d: %s committed the "
			     "first %d, unchanged since",
			     m->filename, from + 1,
			     plan_resume_point(&c->ledger, m->uuid) == from
				 ? "a failed run"
				 : "an interrupted run",
			     from);
}
