/*
 * The checks an upgrade (and its dry run) makes before anything runs, each
 * refusing with a message that names what to do: drift under
 * --strict-checksums (a warning per drifted migration without it),
 * migrations out of order, a pending migration with nothing to run on this
 * engine, and an unfinished run's committed statements that changed or a
 * statement it left in doubt (worker/resume.h, worker/indoubt.h). Each
 * returns 0 or a negative ERR_* with c->e filled.
 */
#ifndef MIG_WORKER_CMDCHECK_H
#define MIG_WORKER_CMDCHECK_H

#include "common/buf.h"
#include "worker/cmdctx.h"

/* One warning per drifted migration (a fleet's summary groups them). */
void cmdcheck_warn_drift(struct cmdctx *c);
/* "<indent>0042_x.sql (<uuid>): its run section for ..." per drifted one */
void cmdcheck_drifted_lines(struct cmdctx *c, const char *indent,
			    struct buf *out);
int cmdcheck_checksums(struct cmdctx *c);
int cmdcheck_out_of_order(struct cmdctx *c);
int cmdcheck_runnable(struct cmdctx *c);
/* Every pending migration an unfinished run left a progress row for. */
int cmdcheck_resumable(struct cmdctx *c);
/*
 * A statement of m's run section in flight when the last run ended:
 * *from moved past it when the catalogue shows it committed, and what was
 * found said. 1 when there was one, 0 when none, < 0 when the catalogue
 * cannot tell (c->e says what to do).
 */
int cmdcheck_settle_doubt(struct cmdctx *c, const struct migration *m,
			  int *from);
/* Say that m resumes after the first from statements of s. */
void cmdcheck_resume_warning(struct cmdctx *c, const struct migration *m,
			     const struct section *s, int from);

#endif
