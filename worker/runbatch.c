/*
 * A transactional migration in one round trip: BEGIN, the claim, the
 * statements and their progress, the row, COMMIT as one batch; see
 * runbatch.h.
 */
#include "config.h"

#include "worker/runbatch.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/strv.h"
#include "worker/batch.h"
#include "worker/ledger_progress.h"
#include "worker/lockretry.h"
#include "worker/resume.h"
#include "worker/runexec.h"
#include "worker/sink.h"
#include "common/banned.h"

/* What a statement of the batch is (its arg: the migration's statement). */
enum { BT_OPEN, BT_CLAIM, BT_STMT, BT_PROGRESS, BT_ROW, BT_MARK };

struct step_start {
	struct runner *r;
	const struct migration *m;
	enum op op;
	bool force;
};

/* The step begins once the claim passed, as its result comes in. */
static void
step_started(void *arg)
{
	struct step_start *st = arg;

	sink_step_begin(st->r->sink, st->m, op_name(st->op),
			st->op == OP_ROLLBACK && !st->force);
}

bool
runbatch_able(const struct runner *r, const struct migration *m,
	      const struct section *s, int from)
{
	const struct stmt_list *l;
	struct err e = ERR_INIT;
	size_t i;

	/* a testing hook's steps exist only statement by statement */
	if (runexec_testing())
		return false;
	if (m->executable || s == NULL || m->transaction_off || from > 0 ||
	    db_tables_locked(r->db) ||
	    section_check(s, r->t->engine, &e) < 0)
		return false;
	l = section_stmts(s, r->t->engine);
	for (i = 0; i < l->n; i++)
		if (db_session_statement(r->db, l->v[i].sql))
			return false;
	return true;
}

/*
 * Statement i of l, which commits implicitly, marked in flight
 * (mark_in_flight), with what precedes it in the open transaction: the
 * mark, COMMIT, BEGIN. sums holds the checksums of statements 0..i-1.
 */
static void
batch_mark(struct runner *r, const struct stmt_list *l, int i,
	   struct ledger_progress_set *ps, const struct buf *sums,
	   bool *known, struct batch *b)
{
	struct buf mark = BUF_INIT;

	buf_add(&mark, sums->ptr, sums->len);
	resume_mark(l, i, &mark);
	ps->committed = i;
	ps->checksums = mark.ptr;
	ledger_progress_stmt(r->db, ps, known, b, BT_MARK, i);
	batch_add(b, DBS_COMMIT, NULL, NULL, 0, BT_MARK, i);
	batch_add(b, DBS_BEGIN, NULL, NULL, 0, BT_MARK, i);
	ps->checksums = NULL;
	buf_release(&mark);
}

/*
 * BEGIN, the claim, the statements (each one the engine commits
 * implicitly marked in flight before it and followed by its progress,
 * each committed at once), the success row, the clear of the progress
 * row, COMMIT.
 */
static void
batch_build(struct runner *r, const struct migration *m, enum op op,
	    const struct section *s, struct attempt *a, struct step_start *st,
	    struct ledger_row *row, char *start_s, char *end_s,
	    struct strv *fitted, struct batch *b)
{
	const struct stmt_list *l = section_stmts(s, r->t->engine);
	bool known = ledger_progress_known(r->ledger, m->uuid);
	struct ledger_progress_set ps = { m->uuid, 0, NULL, r->run_id };
	struct buf sums = BUF_INIT;
	struct db_stmt *open;
	int i, summed = 0;

	open = batch_add(b, DBS_BEGIN, NULL, NULL, 0, BT_OPEN, 0);
	if (attempt_claims(op)) {
		struct db_stmt *c = ledger_claim_stmts(r->db, r->ledger,
						       m->uuid, b, BT_CLAIM);
		if (c)
			open = c;
	}
	open->done = step_started;
	open->arg = st;
	for (i = 0; i < (int)l->n; i++) {
		bool implicit = db_commits_implicitly(r->db, l->v[i].sql);

		/* the checksums as set_progress writes them (resume.h);
		 * sums holds those of the first summed statements */
		if (implicit) {
			resume_sums_from(l, summed, i, &sums);
			summed = i;
			batch_mark(r, l, i, &ps, &sums, &known, b);
		}
		batch_add(b, DBS_RAW, l->v[i].sql, NULL, 0, BT_STMT, i);
		if (!implicit)
			continue;
		resume_sums_from(l, summed, i + 1, &sums);
		summed = ps.committed = i + 1;
		ps.checksums = sums.ptr;
		ledger_progress_stmt(r->db, &ps, &known, b, BT_PROGRESS, i);
		batch_add(b, DBS_COMMIT, NULL, NULL, 0, BT_PROGRESS, i);
		batch_add(b, DBS_BEGIN, NULL, NULL, 0, BT_PROGRESS, i);
	}
	buf_release(&sums);
	a->total = (int)l->n;
	a->committed = a->total;
	a->stmts = l;
	attempt_row(r, m, op, a, row, start_s, end_s);
	ledger_append_stmt(r->db, r->ledger, row, fitted, b, BT_ROW, 0);
	ps.committed = -1;
	ledger_progress_stmt(r->db, &ps, &known, b, BT_ROW, 1);
	batch_add(b, DBS_COMMIT, NULL, NULL, 0, BT_ROW, 2);
}

/* l and a up to date with the progress rows the batch wrote before
 * statement failed (b->n: none failed). */
static void
batch_noted(struct runner *r, const struct migration *m,
	    const struct batch *b, size_t failed, struct attempt *a)
{
	struct buf sums = BUF_INIT, mark = BUF_INIT;
	size_t i;

	a->committed = 0;
	for (i = 0; i < failed && i < b->n; i++) {
		if ((b->tag[i] != BT_PROGRESS && b->tag[i] != BT_MARK) ||
		    b->v[i].kind != DBS_SQL)
			continue;
		resume_sums_from(a->stmts, a->committed, b->arg[i], &sums);
		a->committed = b->arg[i];
		if (b->tag[i] == BT_PROGRESS) {
			resume_sums_from(a->stmts, a->committed,
					 a->committed + 1, &sums);
			a->committed++;
		} else {
			buf_reset(&mark);
			buf_add(&mark, sums.ptr, sums.len);
			resume_mark(a->stmts, a->committed, &mark);
		}
		ledger_progress_note(r->ledger, m->uuid, a->committed,
				     b->tag[i] == BT_MARK ? mark.ptr : sums.ptr);
	}
	buf_release(&sums);
	buf_release(&mark);
}

/*
 * What failed in the batch, in a, as the statements run one by one would
 * have said it; the row is then written as it would have been (record).
 */
static void
batch_failed(const struct batch *b, size_t failed, struct attempt *a)
{
	int arg = b->arg[failed];

	a->ok = false;
	switch (b->tag[failed]) {
	case BT_STMT:
		a->failed_at = arg;
		return;
	case BT_MARK:
		a->failed_at = arg;
		err_prefix(&a->err, "before it ran, recording progress in '%s'",
			   LEDGER_PROGRESS_TABLE);
		return;
	case BT_PROGRESS:
		a->committed = arg + 1; /* the statement committed itself */
		a->ledger_at = arg;
		a->ledger_what = "its progress";
		err_prefix(&a->err, "recording progress in '%s'",
			   LEDGER_PROGRESS_TABLE);
		return;
	}
	/* The row: written again alone when every statement committed
	 * implicitly (they stay done), else the failure is recorded. */
	if (arg == 0)
		err_prefix(&a->err, "writing to bookkeeping table '%s'",
			   LEDGER_TABLE);
	else if (arg == 1)
		err_prefix(&a->err, "recording progress in '%s'",
			   LEDGER_PROGRESS_TABLE);
	if (a->committed >= a->total) {
		a->ok = true;
		err_clear(&a->err);
		return;
	}
	a->ledger_at = a->total > 0 ? a->total - 1 : -1;
	a->ledger_what = "its bookkeeping row";
}

/*
 * The batch failed before the migration's first statement: the claim
 * found a row (another runner recorded m: learn which), or BEGIN failed.
 */
static int
batch_not_begun(struct runner *r, const struct migration *m, int tag,
		struct attempt *a, struct err *e)
{
	int rc;

	if (tag == BT_CLAIM && a->err.code != ERR_CONNECT) {
		rc = ledger_claim(r->db, r->ledger, m->uuid, false,
				  &a->meanwhile, e);
		if (rc == 1)
			return attempt_meanwhile(r, m, a->meanwhile, e);
		if (rc < 0)
			return rc;
	}
	*e = a->err;
	return e->code < 0 ? e->code : ERR_SQL;
}

/*
 * The connection went before the claim's result came back, the batch
 * sent: the server may have run any of it, COMMIT included, so the step
 * began (never "nothing was touched", never retried: ERR_LOST in the
 * end) and failed at its first statement as far as this run knows; the
 * next run knows the rest from the rows that committed with it. Returns
 * that statement's place in b.
 */
static size_t
batch_sent(const struct batch *b, struct step_start *st)
{
	size_t i;

	step_started(st);
	for (i = 0; i < b->n - 1 && b->tag[i] <= BT_CLAIM; i++)
		;
	return i;
}

int
runbatch_op(struct runner *r, const struct migration *m, enum op op,
	    const struct section *s, bool force, struct attempt *a, int64_t *id,
	    struct err *e)
{
	struct step_start st = { r, m, op, force };
	struct batch b = BATCH_INIT;
	struct strv fitted = STRV_INIT;
	struct ledger_row row;
	char start_s[32], end_s[32];
	size_t failed;
	int rc;

	a->checksum = section_checksum(s, r->t->engine);
	batch_build(r, m, op, s, a, &st, &row, start_s, end_s, &fitted, &b);
	rc = batch_run(r->db, &b, &failed, &a->err);
	batch_noted(r, m, &b, failed, a);
	if (rc == 0) {
		a->committed = a->total;
		a->recorded = true;
		*id = ledger_appended(r->ledger, &row);
		attempt_warn_fitted(r, m, *id, &fitted);
		/* The row said it ended when it went out: a migration that
		 * ran for seconds says when it really did. */
		if (attempt_elapsed(a) >= 2.0 &&
		    ledger_set_end(r->db, r->ledger, *id, (int64_t)time(NULL),
				   &a->err) < 0)
			sink_warning(r->sink, "%s: bookkeeping row %lld: %s",
				     m->filename, (long long)*id, a->err.msg);
	} else {
		if (failed >= b.n) /* the batch's end: the COMMIT, say */
			failed = b.n - 1;
		db_rollback(r->db, &(struct err){ 0 });
		if (a->err.code == ERR_CONNECT && b.tag[failed] <= BT_CLAIM)
			failed = batch_sent(&b, &st);
		if (b.tag[failed] <= BT_CLAIM)
			rc = batch_not_begun(r, m, b.tag[failed], a, e);
		else
			batch_failed(&b, failed, a);
	}
	if (rc == 0 || b.tag[failed] > BT_CLAIM) {
		rc = 0;
		db_session_reset(r->db, &(struct err){ 0 });
	}
	strv_release(&fitted);
	batch_release(&b);
	return rc;
}

bool
runbatch_retry(struct runner *r, const struct migration *m,
	       struct attempt *a, int *from)
{
	int failed_at = a->failed_at, committed = a->committed;

	if (a->ok || a->recorded || failed_at < 0 ||
	    !db_lock_timed_out(r->db, &a->err))
		return false;
	a->lock_wait = true;
	if (!lockretry_wait(a->retry))
		return false;
	attempt_again(r, m, a, failed_at, "tried again");
	*from = committed > 0 ? committed : 0;
	return true;
}
