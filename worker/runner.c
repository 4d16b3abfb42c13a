/*
 * One operation of one migration: its transaction, the claim, the
 * statements (runexec.c one by one, runbatch.c as one batch), the
 * bookkeeping row, SAFE recovery and the cleanup; see runner.h.
 */
#include "config.h"

#include "worker/runner.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "worker/attempt.h"
#include "worker/caret.h"
#include "worker/ledger_progress.h"
#include "worker/lockretry.h"
#include "worker/program.h"
#include "worker/runbatch.h"
#include "worker/runexec.h"
#include "common/banned.h"

static const struct {
	const char *name;
	enum section_kind kind;
	const char *program_op;
} op_table[] = {
	[OP_RUN] = { "Run", SEC_RUN, "run" },
	[OP_RUN_PARTIAL] = { "Run Partial", SEC_RUN_PARTIAL, "run_partial" },
	[OP_RUN_SKIP] = { "Run Skip", SEC_RUN_SKIP, "run_skip" },
	[OP_ROLLBACK] = { "Rollback", SEC_ROLLBACK, "rollback" },
};

const char *
op_name(enum op op)
{
	return op_table[op].name;
}

/* The statements to run for op: its own section, or run from a point. */
static const struct section *
op_section(const struct runner *r, const struct migration *m, enum op op,
	   int *from)
{
	const struct section *s;

	s = migration_section(m, op_table[op].kind, r->t->engine);
	if (s == NULL && op == OP_RUN_PARTIAL)
		return migration_section(m, SEC_RUN, r->t->engine);
	/* A resume point counts in the run section only. */
	if (op != OP_RUN)
		*from = 0;
	return s;
}

/* What the row's transaction does with the migration's progress row. */
enum progress_end {
	PROGRESS_CLEAR, /* the row says it all now */
	PROGRESS_KEEP,  /* a failure after statements committed: where it
			 * got, with their checksums, for the next run to
			 * resume after them (worker/resume.h) */
	PROGRESS_LEAVE, /* untouched: the row alone, that must not be lost
			 * for the sake of the progress row */
};

/*
 * The row, and what pe says to do with the migration's progress row, in
 * one transaction: the open one (fresh false) or a new one, serialised
 * first because object_id is max + 1 and must stay unique without the
 * lock too. *progress_failed tells whether the progress row was what
 * failed.
 */
static int
write_row(struct runner *r, const struct migration *m,
	  const struct ledger_row *row, const struct attempt *a, bool fresh,
	  enum progress_end pe, int64_t *id, struct strv *fitted,
	  bool *progress_failed, struct err *e)
{
	int rc = 0;

	*progress_failed = false;
	if (fresh && ((rc = db_begin(r->db, e)) < 0 ||
		      (rc = ledger_serialise(r->db, e)) < 0))
		goto fail;
	if ((rc = ledger_append(r->db, r->ledger, row, id, fitted, e)) < 0)
		goto fail;
	runexec_testing_point("row", 0);
	if (pe == PROGRESS_CLEAR)
		rc = ledger_set_progress(r->db, r->ledger, m->uuid, -1, NULL,
					 NULL, e);
	else if (pe == PROGRESS_KEEP)
		rc = runexec_set_progress(r, m, a, e);
	if (rc < 0) {
		*progress_failed = true;
		goto fail;
	}
	runexec_testing_point("commit", 0);
	if ((rc = db_commit(r->db, e)) == 0)
		return 0;
fail:
	db_rollback(r->db, &(struct err){ 0 });
	return rc;
}

/*
 * Write the row of the attempt and clear the migration's progress row in
 * the same transaction: the row says it all now, and a progress row left
 * behind would make a later run of the migration (after a downgrade) skip
 * statements. Unless the run section failed after statements of it
 * committed: then the progress row stays, set to them, so that the next
 * upgrade resumes after them once they are found unchanged
 * (worker/resume.h). When only the progress row fails (the migration
 * dropped the progress table), the row is written alone: it must never
 * be lost for the sake of the progress row.
 */
static int
record(struct runner *r, const struct migration *m, enum op op,
       const struct section *s, struct attempt *a, bool in_txn,
       int64_t *id, struct err *e)
{
	struct buf error = BUF_INIT, tb = BUF_INIT;
	struct strv fitted = STRV_INIT;
	struct ledger_row row;
	char start_s[32], end_s[32];
	enum progress_end pe = PROGRESS_CLEAR;
	bool progress_failed;
	int rc;

	/* The connection went in the middle: the server may have run more
	 * of a batch than its replies told (its progress rows went with the
	 * statements): what it recorded stays, never lowered or cleared. */
	if (!a->ok && a->err.code == ERR_CONNECT)
		pe = PROGRESS_LEAVE;
	else if (!a->ok && a->committed > 0 && s && s->kind == SEC_RUN)
		pe = PROGRESS_KEEP;
	attempt_row(r, m, op, a, &row, start_s, end_s);
	if (!a->ok) {
		attempt_error(r, m, s, a, &error, &tb);
		row.error = error.ptr;
		row.traceback = tb.ptr;
		if (attempt_stmt(r, s, a->failed_at))
			row.statement = attempt_stmt(r, s, a->failed_at)->sql;
	}
	rc = write_row(r, m, &row, a, !in_txn, pe, id, &fitted,
		       &progress_failed, e);
	/* Alone, unless the rollback took the migration's statements with
	 * it (in a transaction, unless they all committed implicitly). */
	if (rc < 0 && progress_failed &&
	    (!in_txn || a->committed >= a->total)) {
		strv_release(&fitted);
		rc = write_row(r, m, &row, a, true, PROGRESS_LEAVE, id, &fitted,
			       &progress_failed, e);
	}
	if (rc == 0)
		attempt_warn_fitted(r, m, *id, &fitted);
	strv_release(&fitted);
	buf_release(&error);
	buf_release(&tb);
	return rc;
}

/* The engine's error position as the file's line and column, and the
 * line with a caret under it (caret.h), when the engine gave one. */
static void
locate(const struct stmt *st, const struct attempt *a,
       struct step_result *res, struct buf *excerpt)
{
	struct caret at;

	if (!caret_locate(st, a->err.position, &at, excerpt))
		return;
	res->error_line = at.line;
	res->error_column = at.col;
	res->excerpt = excerpt->ptr;
}

static void
report(struct runner *r, const struct migration *m, enum op op,
       const struct section *s, const struct attempt *a, bool recovery,
       int64_t id)
{
	struct buf error = BUF_INIT, tb = BUF_INIT, excerpt = BUF_INIT;
	struct step_result res;

	memset(&res, 0, sizeof(res));
	res.m = m;
	res.operation = op_table[op].name;
	res.ok = a->ok;
	res.recovery = recovery;
	res.object_id = id;
	res.start = a->start;
	res.seconds = attempt_elapsed(a);
	res.committed = a->committed;
	res.total = a->total;
	res.lock_retries = a->retry ? a->retry->tries : 0;
	if (!a->ok) {
		const struct stmt *st = attempt_stmt(r, s, a->failed_at);

		attempt_error(r, m, s, a, &error, &tb);
		res.error = error.ptr;
		res.traceback = tb.ptr;
		if (st) {
			res.statement = st->sql;
			res.statement_no = a->failed_at + 1;
			locate(st, a, &res, &excerpt);
		}
	}
	sink_step_end(r->sink, &res);
	if (a->ok)
		r->sum->applied++;
	else
		r->sum->failed++;
	if (op == OP_ROLLBACK && a->ok)
		r->sum->rollbacks++;
	buf_release(&error);
	buf_release(&tb);
	buf_release(&excerpt);
}

/*
 * Before anything runs: open the transaction that will record op (when
 * there is one) and check in it that no other runner recorded m since
 * the plan was made (ledger_claim). a->meanwhile says when one did; the
 * transaction is then rolled back.
 */
static int
attempt_open(struct runner *r, const struct migration *m, enum op op,
	     const struct section *s, struct attempt *a, bool *in_txn)
{
	bool txn = !m->executable && (s == NULL || !m->transaction_off);
	int rc;

	*in_txn = false;
	runexec_testing_point("begin", 0);
	if (txn && (rc = db_begin(r->db, &a->err)) < 0)
		return rc;
	*in_txn = txn;
	if (!attempt_claims(op))
		return 0;
	rc = ledger_claim(r->db, r->ledger, m->uuid, txn, &a->meanwhile,
			  &a->err);
	if ((rc < 0 || a->meanwhile) && txn) {
		db_rollback(r->db, &(struct err){ 0 });
		*in_txn = false;
	}
	return rc < 0 ? rc : 0;
}

/* Run the statements (or the program) of op; fills a. */
static void
attempt_run(struct runner *r, const struct migration *m, enum op op,
	    const struct section *s, int from, bool force, struct attempt *a,
	    bool *in_txn)
{
	bool transactional = *in_txn;
	int rc;

	if (m->executable) {
		a->checksum = m->checksum;
		rc = program_run(m, op_table[op].program_op, r->t,
				 op == OP_ROLLBACK ? (int)force : -1, r->sink,
				 &a->tail, &a->err);
		a->ok = rc == 0;
		return;
	}
	a->checksum = s ? section_checksum(s, r->t->engine) : NULL;
	if (s == NULL) {
		a->total = 0;
		return; /* nothing to execute: a run_skip without section */
	}
	/* commands check every file before connecting: this never fails */
	if (section_check(s, r->t->engine, &a->err) < 0) {
		a->ok = false;
		if (transactional)
			db_rollback(r->db, &(struct err){ 0 });
		*in_txn = false;
		return;
	}
	rc = runexec_section(r, m, s, from, transactional, a);
	if (rc < 0) {
		a->ok = false;
		if (transactional)
			db_rollback(r->db, &(struct err){ 0 });
		/* The error row is written in the session as it was. */
		db_session_reset(r->db, &(struct err){ 0 });
		*in_txn = false;
	}
}

static bool
has_rollback(const struct runner *r, const struct migration *m)
{
	return m->executable ||
	       migration_section(m, SEC_ROLLBACK, r->t->engine) != NULL;
}

static void
run_cleanup(struct runner *r, const struct migration *m)
{
	const struct section *s;
	const struct stmt_list *l;
	struct buf tail = BUF_INIT;
	struct err e = ERR_INIT;
	size_t i;

	if (m->executable) {
		if (program_run(m, "cleanup", r->t, -1, r->sink, &tail, &e) < 0)
			sink_warning(r->sink, "cleanup of %s failed: %s",
				     m->filename, e.msg);
		buf_release(&tail);
		return;
	}
	s = migration_section(m, SEC_CLEANUP, r->t->engine);
	if (s == NULL)
		return;
	l = section_stmts(s, r->t->engine);
	for (i = 0; i < l->n; i++) {
		if (db_exec(r->db, l->v[i].sql, &e) < 0) {
			sink_warning(r->sink,
				     "cleanup of %s failed at statement %zu "
				     "(line %d): %s",
				     m->filename, i + 1, l->v[i].line, e.msg);
			return;
		}
	}
}

/*
 * The run's error when even the row could not be written. A connection
 * lost once the step began is ERR_LOST, never ERR_CONNECT: statements
 * were sent, so "nothing was touched" (exit 4) and a retry would both be
 * wrong; what committed is in the progress table.
 */
static int
unrecorded(const struct runner *r, const struct migration *m,
	   const struct section *s, const struct attempt *a,
	   const struct err *rec, struct err *e)
{
	struct buf error = BUF_INIT, tb = BUF_INIT;

	attempt_error(r, m, s, a, &error, &tb);
	if (rec->code == ERR_CONNECT)
		err_set(e, ERR_LOST,
			"%s: %s; the next run resumes after the statements "
			"that committed",
			m->filename, error.ptr);
	else
		err_set(e, rec->code,
			"%s: %s; its bookkeeping row could not be written: %s",
			m->filename, a->ok ? "succeeded" : error.ptr,
			rec->msg);
	buf_release(&error);
	buf_release(&tb);
	return e->code;
}

/*
 * The operation failed in a transaction that a lock timeout rolled back:
 * true after the pause when it is to be tried again. Its step began and
 * its first try's start stays.
 */
static bool
retry_whole(struct runner *r, const struct migration *m,
	    struct attempt *a)
{
	if (!a->retry_whole || !lockretry_wait(a->retry))
		return false;
	attempt_again(r, m, a, a->failed_at, "rolled back, tried again");
	return true;
}

/*
 * Gave up after lock timeouts: say who holds the lock (asked now, out of
 * the transaction), and how long it was tried.
 */
static void
explain_lock(struct runner *r, const struct section *s, struct attempt *a)
{
	const struct stmt *st = attempt_stmt(r, s, a->failed_at);
	struct db_rows *holders = NULL;
	struct buf msg = BUF_INIT;

	if (db_lock_holders(r->db, &holders, &(struct err){ 0 }) < 0)
		holders = NULL;
	lockretry_explain(holders, st ? st->sql : NULL, &msg);
	buf_addf(&msg, ", after %d %s in %.1fs (DDL_LOCK_TIMEOUT %gs, "
		       "DDL_LOCK_RETRIES %gs): %s",
		 a->retry->tries, a->retry->tries == 1 ? "retry" : "retries",
		 lockretry_elapsed(a->retry), r->t->ddl_lock_timeout,
		 r->t->ddl_lock_retries, a->err.msg);
	err_set(&a->err, a->err.code, "%s", msg.ptr);
	db_rows_free(holders);
	buf_release(&msg);
}

/*
 * The connection went before m was started: after earlier migrations of
 * this run, statements were sent all the same (ERR_LOST, not
 * ERR_CONNECT); before any, nothing was.
 */
static int
lost_before(const struct runner *r, const struct migration *m, struct err *e)
{
	size_t n;

	if (e->code != ERR_CONNECT || r->sum->applied + r->sum->failed == 0)
		return e->code;
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n,
		 "; before %s, after %d migration%s of this run", m->filename,
		 r->sum->applied + r->sum->failed,
		 r->sum->applied + r->sum->failed == 1 ? "" : "s");
	return e->code = ERR_LOST;
}

/*
 * The attempt's row. When a success row does not commit, nor does what
 * the open transaction held: the failure is recorded instead, naming the
 * last statement (a->committed still counts what committed before it,
 * implicitly).
 */
static int
record_either(struct runner *r, const struct migration *m, enum op op,
	      const struct section *s, struct attempt *a, bool in_txn,
	      int64_t *id, struct err *rec)
{
	int rc = record(r, m, op, s, a, in_txn, id, rec);

	if (rc == 0 || !a->ok)
		return rc;
	a->ok = false;
	a->err = *rec;
	a->ledger_at = a->total > 0 ? a->total - 1 : -1;
	a->ledger_what = "its bookkeeping row";
	return record(r, m, op, s, a, false, id, rec);
}

/* What the operation returns once its row is written (rc) or not. */
static int
outcome(struct runner *r, const struct migration *m, const struct section *s,
	struct attempt *a, const struct err *rec, int rc, struct err *e)
{
	if (rc < 0)
		return unrecorded(r, m, s, a, rec, e);
	if (a->ok)
		return rc;
	*e = a->err;
	e->code = ERR_FAILED;
	return ERR_FAILED;
}

/* 0 done, 1 recorded meanwhile by another runner (not run), < 0 error. */
static int
runner_op(struct runner *r, const struct migration *m, enum op op, int from,
	  bool force, struct err *e)
{
	const struct section *s = NULL;
	struct attempt a;
	struct lockretry lr;
	struct err rec = ERR_INIT;
	bool in_txn, begun = false;
	int64_t id = 0;
	int rc;

	attempt_init(&a);
	lockretry_init(&lr, r->t->ddl_lock_retries);
	a.retry = &lr;
	if (!m->executable)
		s = op_section(r, m, op, &from);
	if (runbatch_able(r, m, s, from)) {
		if ((rc = runbatch_op(r, m, op, s, force, &a, &id, e)) != 0) {
			rc = rc < 0 ? lost_before(r, m, e) : rc;
			goto out;
		}
		begun = true;
		in_txn = false;
		if (!runbatch_retry(r, m, &a, &from))
			goto ran;
	}
again:
	if ((rc = attempt_open(r, m, op, s, &a, &in_txn)) < 0) {
		*e = a.err;
		rc = lost_before(r, m, e);
		goto out;
	}
	if (a.meanwhile) {
		rc = attempt_meanwhile(r, m, a.meanwhile, e);
		goto out;
	}
	if (!begun)
		sink_step_begin(r->sink, m, op_table[op].name,
				op == OP_ROLLBACK && !force);
	begun = true;
	attempt_run(r, m, op, s, from, force, &a, &in_txn);
	if (retry_whole(r, m, &a))
		goto again;
ran:
	if (a.lock_wait && !a.ok)
		explain_lock(r, s, &a);
	rc = a.recorded ? 0 : record_either(r, m, op, s, &a, in_txn, &id, &rec);
	report(r, m, op, s, &a, op == OP_ROLLBACK && !force, rc < 0 ? 0 : id);
	rc = outcome(r, m, s, &a, &rec, rc, e);
out:
	buf_release(&a.tail);
	return rc;
}

int
runner_run(struct runner *r, const struct migration *m, enum op op,
	   int from, bool force, struct err *e)
{
	struct err rec = ERR_INIT;
	int rc;

	rc = runner_op(r, m, op, from, force, e);
	if (rc == 1)
		return 0; /* not run here: no recovery, no cleanup */
	if (rc == ERR_LOST)
		return rc; /* no connection left to run them on */
	if (rc == ERR_FAILED && op != OP_ROLLBACK && !r->t->safe &&
	    has_rollback(r, m))
		runner_op(r, m, OP_ROLLBACK, 0, false, &rec);
	run_cleanup(r, m);
	return rc;
}
