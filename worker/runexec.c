/*
 * A section's statements one by one, the progress table kept up to date
 * as they commit; see runexec.h.
 */
#include "config.h"

#include "worker/runexec.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "worker/batch.h"
#include "worker/ledger_progress.h"
#include "worker/lockretry.h"
#include "worker/resume.h"
#include "worker/sink.h"
#include "common/banned.h"

int
runexec_set_progress(struct runner *r, const struct migration *m,
		     const struct attempt *a, struct err *e)
{
	struct buf sums = BUF_INIT;
	int rc;

	if (a->stmts)
		resume_sums(a->stmts, a->committed, &sums);
	rc = ledger_set_progress(r->db, r->ledger, m->uuid, a->committed,
				 a->stmts ? sums.ptr : NULL, r->run_id, e);
	buf_release(&sums);
	return rc;
}

bool
runexec_testing(void)
{
	return getenv("MIGRATORE_TESTING_KILL_AT") != NULL ||
	       getenv("MIGRATORE_TESTING_STOP_AT") != NULL;
}

void
runexec_testing_point(const char *step, int n)
{
	static bool stopped;
	const char *kill_at = getenv("MIGRATORE_TESTING_KILL_AT");
	const char *stop_at = getenv("MIGRATORE_TESTING_STOP_AT");
	char here[64];

	if (kill_at == NULL && stop_at == NULL)
		return;
	if (n > 0)
		snprintf(here, sizeof(here), "%s:%d", step, n);
	else
		snprintf(here, sizeof(here), "%s", step);
	if (kill_at != NULL && strcmp(kill_at, here) == 0)
		raise(SIGKILL);
	if (stop_at != NULL && strcmp(stop_at, here) == 0 && !stopped) {
		stopped = true;
		raise(SIGSTOP);
	}
}

/*
 * After statements committed: record how far the migration got, durably,
 * before anything else can fail, so that a run killed or cut off now is
 * resumed, not repeated. Inside a transaction (MySQL after an implicit
 * commit) the open one is empty at this point: the progress row is
 * written in it, committed, and the next one opened.
 */
static int
record_progress(struct runner *r, const struct migration *m,
		const struct attempt *a, bool transactional, struct err *e)
{
	int rc;

	rc = runexec_set_progress(r, m, a, e);
	if (rc == 0 && transactional && (rc = db_commit(r->db, e)) == 0)
		rc = db_begin(r->db, e);
	return rc;
}

/*
 * Statement i committed (a->committed says how many in all). While the
 * session holds LOCK TABLES it may touch no other table: the record waits
 * for the next commit after UNLOCK TABLES, or for the end of the section.
 */
static int
note_commit(struct runner *r, const struct migration *m, int i,
	    bool transactional, struct attempt *a)
{
	struct err e = ERR_INIT;
	int rc;

	if (db_tables_locked(r->db)) {
		a->progress_owed = true;
		return 0;
	}
	if ((rc = record_progress(r, m, a, transactional, &e)) < 0) {
		attempt_fail_ledger(a, i, "its progress", &e);
		return rc;
	}
	a->progress_owed = false;
	return 0;
}

/*
 * A migration resumed after statements that committed in an earlier
 * session: that session's state (USE, SET, LOCK TABLES) is replayed
 * first, so the rest runs where the first part left it.
 */
static int
replay_session(struct runner *r, const struct section *s, int from,
	       struct attempt *a)
{
	const struct stmt_list *l = section_stmts(s, r->t->engine);
	struct err e = ERR_INIT;
	int i, rc;

	for (i = 0; i < from && i < (int)l->n; i++) {
		if (!db_session_statement(r->db, l->v[i].sql))
			continue;
		if ((rc = db_exec(r->db, l->v[i].sql, &e)) < 0) {
			attempt_fail(a, i, &e);
			return rc;
		}
	}
	return 0;
}

/*
 * Statement i timed out waiting for a table's lock. Alone (autocommit,
 * or MySQL DDL, which commits what came before it), nothing of it
 * happened: try it again after a pause while the budget lasts. In a
 * transaction of transactional DDL the transaction is gone: runner_op
 * tries the whole operation again.
 */
static bool
retry_statement(struct runner *r, const struct migration *m, int i,
		bool transactional, struct attempt *a, const struct err *e)
{
	if (!db_lock_timed_out(r->db, e))
		return false;
	if (transactional && db_transactional_ddl(r->db)) {
		a->lock_wait = a->retry_whole = true;
		return false;
	}
	if (!lockretry_wait(a->retry)) {
		a->lock_wait = true;
		return false;
	}
	sink_warning(r->sink,
		     "%s: statement %d waited %gs for a lock: tried again "
		     "(retry %d)",
		     m->filename, i + 1, r->t->ddl_lock_timeout,
		     a->retry->tries);
	return true;
}

/*
 * Does sql, about to run with `transaction = off`, run in a transaction
 * of its own with its progress row (exec_wrapped)? One that can
 * (db_transactional), in a session that may write the progress table
 * and keeps its LOCK TABLES (a BEGIN would end them); not one that only
 * sets session state (a resumed run replays those anyway).
 */
static bool
wraps(const struct runner *r, const char *sql, bool transactional)
{
	return !transactional && !db_tables_locked(r->db) &&
	       !db_session_statement(r->db, sql) &&
	       db_transactional(r->db, sql);
}

/*
 * Is sql, about to run, to be marked in flight (worker/indoubt.h)? A
 * statement that commits on its own, in a session that may write the
 * progress table; not one that only sets session state (a resumed run
 * replays those anyway). With `transaction = off` every one that cannot
 * share a transaction with its progress row (wraps): of one whose effect
 * the catalogue cannot show, the mark makes the next run stop and ask
 * the operator rather than run it again.
 */
static bool
marks(const struct runner *r, const char *sql, bool transactional)
{
	if (db_tables_locked(r->db) || db_session_statement(r->db, sql))
		return false;
	return transactional ? db_commits_implicitly(r->db, sql)
			     : !db_transactional(r->db, sql);
}

/*
 * Before statement i runs: its mark, durably (in a transaction committed
 * with what precedes it, which the statement would commit anyway), so
 * that a run that ends before the statement's count is written leaves
 * the statement in doubt, never counted as not run.
 */
static int
mark_in_flight(struct runner *r, const struct migration *m, int i,
	       bool transactional, struct attempt *a)
{
	struct buf sums = BUF_INIT;
	struct err e = ERR_INIT;
	int rc;

	resume_sums(a->stmts, i, &sums);
	resume_mark(a->stmts, i, &sums);
	rc = ledger_set_progress(r->db, r->ledger, m->uuid, i, sums.ptr,
				 r->run_id, &e);
	if (rc == 0 && transactional && (rc = db_commit(r->db, &e)) == 0)
		rc = db_begin(r->db, &e);
	buf_release(&sums);
	if (rc < 0) {
		err_prefix(&e, "before it ran");
		attempt_fail(a, i, &e);
		return rc;
	}
	a->committed = i;
	return 0;
}

/* What a statement of exec_wrapped's batch is. */
enum { W_BEGIN, W_STMT, W_PROGRESS, W_COMMIT };

/*
 * The batch of exec_wrapped; with a testing hook in two, so that the
 * step executed:N falls between the statement and its progress row.
 */
static int
run_wrapped(struct runner *r, const struct batch *b, int i, size_t *failed,
	    struct err *e)
{
	size_t half = 2; /* BEGIN, the statement */
	int rc;

	if (!runexec_testing())
		return batch_run(r->db, b, failed, e);
	if ((rc = db_batch(r->db, b->v, half, failed, e)) < 0)
		return rc;
	runexec_testing_point("executed", i + 1);
	rc = db_batch(r->db, b->v + half, b->n - half, failed, e);
	*failed += half;
	return rc;
}

/*
 * The wrapped statement i failed at the batch's statement tag, and its
 * transaction is rolled back: nothing of it committed, its progress row
 * went with it (a connection lost at COMMIT: the row tells the next run
 * whether it committed). 1: try it again after a lock timeout.
 */
static int
wrapped_failed(struct runner *r, const struct migration *m, int i, int tag,
	       struct attempt *a, struct err *e)
{
	if (tag == W_STMT && retry_statement(r, m, i, false, a, e))
		return 1;
	if (tag == W_PROGRESS && e->code != ERR_CONNECT)
		err_prefix(e, "recording progress in '%s', with which it "
			      "rolled back", LEDGER_PROGRESS_TABLE);
	attempt_fail(a, i, e);
	return e->code < 0 ? e->code : ERR_SQL;
}

/*
 * With `transaction = off`, statement i (wraps) in a transaction of its
 * own with its progress row: BEGIN, the statement, the row, COMMIT, in
 * one round trip where the driver batches (one fewer than the statement
 * and the row apart). The two commit together or not at all, so no run
 * ends between them: nothing in doubt. 0 ran, 1 try again, < 0 failed.
 */
static int
exec_wrapped(struct runner *r, const struct migration *m, int i,
	     struct attempt *a)
{
	struct ledger_progress_set ps = { m->uuid, i + 1, NULL, r->run_id };
	bool known = ledger_progress_known(r->ledger, m->uuid);
	struct batch b = BATCH_INIT;
	struct buf sums = BUF_INIT;
	struct err e = ERR_INIT;
	size_t failed = 0;
	int rc;

	resume_sums(a->stmts, i + 1, &sums);
	ps.checksums = sums.ptr;
	batch_add(&b, DBS_BEGIN, NULL, NULL, 0, W_BEGIN, i);
	batch_add(&b, DBS_RAW, a->stmts->v[i].sql, NULL, 0, W_STMT, i);
	ledger_progress_stmt(r->db, &ps, &known, &b, W_PROGRESS, i);
	batch_add(&b, DBS_COMMIT, NULL, NULL, 0, W_COMMIT, i);
	if ((rc = run_wrapped(r, &b, i, &failed, &e)) == 0) {
		a->committed = i + 1;
		ledger_progress_note(r->ledger, m->uuid, i + 1, sums.ptr);
	} else {
		db_rollback(r->db, &(struct err){ 0 });
		rc = wrapped_failed(r, m, i,
				    b.tag[failed < b.n ? failed : b.n - 1], a,
				    &e);
	}
	batch_release(&b);
	buf_release(&sums);
	return rc;
}

/*
 * Statement i alone: marked in flight first when it is to be, counted
 * after when it committed. 0 ran, 1 try again, < 0 failed.
 */
static int
exec_stmt(struct runner *r, const struct migration *m, int i,
	  bool transactional, struct attempt *a)
{
	const char *sql = a->stmts->v[i].sql;
	struct err e = ERR_INIT;
	int rc;

	if (wraps(r, sql, transactional))
		return exec_wrapped(r, m, i, a);
	if (marks(r, sql, transactional) &&
	    (rc = mark_in_flight(r, m, i, transactional, a)) < 0)
		return rc;
	if ((rc = db_exec(r->db, sql, &e)) < 0) {
		if (retry_statement(r, m, i, transactional, a, &e))
			return 1;
		attempt_fail(a, i, &e);
		return rc;
	}
	runexec_testing_point("executed", i + 1);
	if (!transactional || db_commits_implicitly(r->db, sql)) {
		a->committed = i + 1;
		if ((rc = note_commit(r, m, i, transactional, a)) < 0)
			return rc;
	}
	return 0;
}

/*
 * Execute statements from..n-1. Inside a transaction only statements the
 * engine commits implicitly (and everything before them) count as
 * committed; outside one every statement commits on its own.
 */
static int
exec_section(struct runner *r, const struct migration *m,
	     const struct section *s, int from, bool transactional,
	     struct attempt *a)
{
	const struct stmt_list *l = section_stmts(s, r->t->engine);
	int i, n = (int)l->n, rc;

	a->total = n;
	a->committed = from;
	a->stmts = l;
	if (from > 0 && (rc = replay_session(r, s, from, a)) < 0)
		return rc;
	for (i = from; i < n; i++) {
		if ((rc = exec_stmt(r, m, i, transactional, a)) < 0)
			return rc;
		if (rc == 1) {
			i--;
			continue;
		}
		runexec_testing_point("statement", i + 1);
	}
	return 0;
}

/*
 * The section ran: put the session back (the bookkeeping must not depend
 * on what the migration did to it) and make sure the progress table knows
 * every commit before the row is attempted. An UNLOCK TABLES of the reset
 * commits what LOCK TABLES left open.
 */
static int
finish_section(struct runner *r, const struct migration *m, bool transactional,
	       struct attempt *a)
{
	struct err e = ERR_INIT;
	int last = a->total - 1, rc;

	if (db_tables_locked(r->db)) {
		a->committed = a->total;
		a->progress_owed = true;
	}
	if ((rc = db_session_reset(r->db, &e)) < 0) {
		attempt_fail_ledger(a, last, "resetting the session", &e);
		return rc;
	}
	if (a->progress_owed &&
	    (rc = record_progress(r, m, a, transactional, &e)) < 0) {
		attempt_fail_ledger(a, last, "its progress", &e);
		return rc;
	}
	a->progress_owed = false;
	return 0;
}

int
runexec_section(struct runner *r, const struct migration *m,
		const struct section *s, int from, bool transactional,
		struct attempt *a)
{
	int rc = exec_section(r, m, s, from, transactional, a);

	return rc < 0 ? rc : finish_section(r, m, transactional, a);
}
