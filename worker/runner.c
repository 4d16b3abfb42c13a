/* One operation of one migration: statements, transaction, bookkeeping row. */
#include "config.h"

#include "worker/runner.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "worker/batch.h"
#include "worker/caret.h"
#include "worker/ledger_progress.h"
#include "worker/lockretry.h"
#include "worker/program.h"
#include "worker/resume.h"
#include "common/banned.h"

/* What happened while running a section; becomes the bookkeeping row. */
struct attempt {
	int64_t start;
	struct timespec t0;
	bool ok;
	int failed_at;     /* 0-based statement index, -1 none */
	/* A bookkeeping write failed after statement ledger_at (0-based;
	 * -1 none): ledger_what says which ("its progress", "its row"). */
	int ledger_at;
	const char *ledger_what;
	int committed;     /* statements committed, -1 unknown */
	int total;         /* statements in the section, -1 unknown */
	const struct stmt_list *stmts; /* the section's, NULL: none ran */
	const char *checksum;
	bool progress_owed; /* a commit the progress table does not know yet */
	bool recorded;      /* its row is written (one batch did it all) */
	/* Another runner recorded the migration meanwhile: not run. */
	const struct ledger_row *meanwhile;
	struct err err;
	struct buf tail;   /* an executable's output */
	/* The retries after lock timeouts (DDL_LOCK_TIMEOUT), across the
	 * tries of the operation; lock_wait: it failed so, retry_whole: in
	 * a transaction of transactional DDL, which is gone with it. */
	struct lockretry *retry;
	bool lock_wait, retry_whole;
};

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

static double
elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
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

/* Statement i of s as this target's engine splits it, NULL if none. */
static const struct stmt *
stmt_at(const struct runner *r, const struct section *s, int i)
{
	const struct stmt_list *l = s ? section_stmts(s, r->t->engine) : NULL;

	return l && i >= 0 && (size_t)i < l->n ? &l->v[i] : NULL;
}

static void
attempt_fail(struct attempt *a, int i, const struct err *e)
{
	a->ok = false;
	a->failed_at = i;
	a->err = *e;
}

/* A bookkeeping write after statement i failed: the statement is named
 * in the message like a statement that failed itself. */
static void
attempt_fail_ledger(struct attempt *a, int i, const char *what,
		    const struct err *e)
{
	attempt_fail(a, -1, e);
	a->ledger_at = i;
	a->ledger_what = what;
}

/* The progress row of m: a->committed statements, with their checksums
 * (worker/resume.h). */
static int
set_progress(struct runner *r, const struct migration *m,
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

/*
 * A testing aid (docs/hacking.md), not for production: with
 * MIGRATORE_TESTING_KILL_AT=STEP the process raises SIGKILL when it
 * reaches STEP, with MIGRATORE_TESTING_STOP_AT=STEP SIGSTOP (once), so that
 * tests/integration/faults.sh interrupts a migration exactly there, or
 * kills the server or cuts the network while it waits. STEP is begin,
 * executed:N (statement N ran, its progress not yet written),
 * statement:N (and written), row (the row written, not committed) or
 * commit (just before the row's COMMIT).
 */
static bool
testing_hooked(void)
{
	return getenv("MIGRATORE_TESTING_KILL_AT") != NULL ||
	       getenv("MIGRATORE_TESTING_STOP_AT") != NULL;
}

static void
testing_point(const char *step, int n)
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

	rc = set_progress(r, m, a, e);
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

	if (!testing_hooked())
		return batch_run(r->db, b, failed, e);
	if ((rc = db_batch(r->db, b->v, half, failed, e)) < 0)
		return rc;
	testing_point("executed", i + 1);
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
	testing_point("executed", i + 1);
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
		testing_point("statement", i + 1);
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

/*
 * The connection went while statement st (or, after, the bookkeeping
 * write after it) was sent: its outcome is unknown to us, and the
 * statements before it are all that is known to have committed. Said
 * first, since it is what decides what comes next.
 */
static void
lost_error(const struct migration *m, const struct stmt *st,
	   const struct stmt *after, const struct attempt *a,
	   struct buf *error)
{
	buf_addf(error, "connection lost after %d of %d statements "
			"committed, ",
		 a->committed > 0 ? a->committed : 0, a->total);
	if (st)
		buf_addf(error, "at statement %d (%s:%d): %s", a->failed_at + 1,
			 m->filename, st->line, a->err.msg);
	else
		buf_addf(error, "after statement %d (%s:%d), writing %s: %s",
			 a->ledger_at + 1, m->filename, after->line,
			 a->ledger_what, a->err.msg);
}

static void
build_error(const struct runner *r, const struct migration *m,
	    const struct section *s, const struct attempt *a,
	    struct buf *error, struct buf *tb)
{
	char text[ERR_TEXT_MAX];
	const struct stmt *st = stmt_at(r, s, a->failed_at);
	const struct stmt *after = stmt_at(r, s, a->ledger_at);
	int no = st ? a->failed_at + 1 : a->ledger_at + 1;
	struct buf excerpt = BUF_INIT;
	struct caret at;
	bool located = st && caret_locate(st, a->err.position, &at, &excerpt);

	if ((st || after) && a->err.code == ERR_CONNECT)
		lost_error(m, st, after, a, error);
	else if (located)
		buf_addf(error, "statement %d of %d (%s:%d) failed: %s:%d:%d: %s",
			 a->failed_at + 1, a->total, m->filename, st->line,
			 m->filename, at.line, at.col, a->err.msg);
	else if (st)
		buf_addf(error, "statement %d of %d (%s:%d) failed: %s",
			 a->failed_at + 1, a->total, m->filename, st->line,
			 a->err.msg);
	else if (after)
		buf_addf(error, "after statement %d of %d (%s:%d), %s "
				"could not be recorded: %s",
			 a->ledger_at + 1, a->total, m->filename, after->line,
			 a->ledger_what, a->err.msg);
	else
		buf_adds(error, a->err.msg);
	buf_addf(tb, "migration: %s (%s)\n", m->filename, m->uuid);
	buf_addf(tb, "engine: %s\n", r->t->engine);
	if (!st)
		st = after;
	if (st)
		buf_addf(tb, "statement %d of %d, line %d:\n%s\n", no,
			 a->total, st->line, st->sql);
	err_text(&a->err, text, sizeof(text));
	buf_addf(tb, "error: %s\n", text);
	if (a->err.native)
		buf_addf(tb, "code: %ld\n", a->err.native);
	if (a->err.position > 0)
		buf_addf(tb, "position: %d\n", a->err.position);
	if (located)
		buf_addf(tb, "at %s:%d:%d:\n%s\n", m->filename, at.line, at.col,
			 excerpt.ptr);
	buf_release(&excerpt);
	if (a->committed >= 0 && a->total >= 0)
		buf_addf(tb, "committed: %d of %d statements\n", a->committed,
			 a->total);
	if (a->tail.len > 0)
		buf_addf(tb, "output:\n%s", a->tail.ptr);
	buf_rtrim(tb);
}

/* Fill the bookkeeping row of an attempt; strings borrowed from a/bufs. */
static void
fill_row(const struct runner *r, const struct migration *m, enum op op,
	 const struct attempt *a, struct ledger_row *row, char *start_s,
	 char *end_s)
{
	memset(row, 0, sizeof(*row));
	row->uuid = m->uuid;
	row->timestamp = m->timestamp;
	row->name = m->filename;
	row->description = m->description;
	row->result = (char *)(a->ok ? "success" : "error");
	row->operator_name = r->t->operator_name;
	row->operation = (char *)op_table[op].name;
	row->start = a->start;
	row->end = (int64_t)time(NULL);
	row->duration = row->end - row->start;
	ledger_format_time(row->start, start_s);
	ledger_format_time(row->end, end_s);
	row->start_s = start_s;
	row->end_s = end_s;
	row->checksum = (char *)a->checksum;
	row->committed = a->ok ? -1 : a->committed;
	row->run_id = (char *)r->run_id;
	row->host = (char *)r->host;
}

/* Say what ledger_append had to fit; the report keeps the full text. */
static void
warn_fitted(struct runner *r, const struct migration *m, int64_t id,
	    const struct strv *fitted)
{
	size_t i;

	for (i = 0; i < fitted->n; i++)
		sink_warning(r->sink,
			     "%s: bookkeeping row %lld: %s; this run's output "
			     "and report have the full text",
			     m->filename, (long long)id, fitted->v[i]);
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
	testing_point("row", 0);
	if (pe == PROGRESS_CLEAR)
		rc = ledger_set_progress(r->db, r->ledger, m->uuid, -1, NULL,
					 NULL, e);
	else if (pe == PROGRESS_KEEP)
		rc = set_progress(r, m, a, e);
	if (rc < 0) {
		*progress_failed = true;
		goto fail;
	}
	testing_point("commit", 0);
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
	fill_row(r, m, op, a, &row, start_s, end_s);
	if (!a->ok) {
		build_error(r, m, s, a, &error, &tb);
		row.error = error.ptr;
		row.traceback = tb.ptr;
		if (stmt_at(r, s, a->failed_at))
			row.statement = stmt_at(r, s, a->failed_at)->sql;
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
		warn_fitted(r, m, *id, &fitted);
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
	res.seconds = elapsed(&a->t0);
	res.committed = a->committed;
	res.total = a->total;
	res.lock_retries = a->retry ? a->retry->tries : 0;
	if (!a->ok) {
		build_error(r, m, s, a, &error, &tb);
		res.error = error.ptr;
		res.traceback = tb.ptr;
		if (stmt_at(r, s, a->failed_at)) {
			res.statement = stmt_at(r, s, a->failed_at)->sql;
			res.statement_no = a->failed_at + 1;
			locate(stmt_at(r, s, a->failed_at), a, &res, &excerpt);
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

/* Does op run only where no other runner recorded m meanwhile? */
static bool
op_claims(enum op op)
{
	return op != OP_RUN_PARTIAL; /* rebuild runs whatever the rows say */
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
	testing_point("begin", 0);
	if (txn && (rc = db_begin(r->db, &a->err)) < 0)
		return rc;
	*in_txn = txn;
	if (!op_claims(op))
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
	rc = exec_section(r, m, s, from, transactional, a);
	if (rc == 0)
		rc = finish_section(r, m, transactional, a);
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

/* The verb for what another runner's row did. */
static const char *
meanwhile_verb(const struct ledger_row *o)
{
	if (!ledger_row_success(o))
		return "attempted (and failed)";
	if (o->operation && strcmp(o->operation, "Rollback") == 0)
		return "rolled back";
	if (o->operation && strcmp(o->operation, "Run Skip") == 0)
		return "skipped";
	return "applied";
}

/*
 * Another runner recorded m while this one waited (it cannot happen under
 * the lock; it can when the lock failed to exclude it). A success is a
 * notice: the work is done. A failure stops this run: what the other one
 * committed is for its error row to say, not for this run to guess.
 */
static int
report_meanwhile(struct runner *r, const struct migration *m,
		 const struct ledger_row *o, struct err *e)
{
	const char *run = o->run_id ? o->run_id : "unknown";

	if (ledger_row_success(o)) {
		sink_warning(r->sink,
			     "%s (%s) was %s meanwhile by run %s (row %lld): "
			     "not run again",
			     m->filename, m->uuid, meanwhile_verb(o), run,
			     (long long)o->object_id);
		return 1;
	}
	return err_set(e, ERR_STATE,
		       "%s (%s) was %s meanwhile by run %s (row %lld): not "
		       "run; see `migratore errors`",
		       m->filename, m->uuid, meanwhile_verb(o), run,
		       (long long)o->object_id);
}

static void
attempt_init(struct attempt *a)
{
	memset(a, 0, sizeof(*a));
	buf_init(&a->tail);
	a->ok = true;
	a->failed_at = -1;
	a->ledger_at = -1;
	a->committed = -1;
	a->total = -1;
	a->start = (int64_t)time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &a->t0);
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

	build_error(r, m, s, a, &error, &tb);
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
 * Statement failed_at waited too long for a lock and the pause is over:
 * say so, and start a fresh attempt that keeps the step's start and the
 * retries so far.
 */
static void
try_again(struct runner *r, const struct migration *m, struct attempt *a,
	  int failed_at, const char *what)
{
	int64_t start = a->start;
	struct timespec t0 = a->t0;
	struct lockretry *lr = a->retry;

	sink_warning(r->sink, "%s: statement %d waited %gs for a lock: %s "
			      "(retry %d)",
		     m->filename, failed_at + 1, r->t->ddl_lock_timeout, what,
		     lr->tries);
	buf_release(&a->tail);
	attempt_init(a);
	a->start = start;
	a->t0 = t0;
	a->retry = lr;
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
	try_again(r, m, a, a->failed_at, "rolled back, tried again");
	return true;
}

/*
 * Gave up after lock timeouts: say who holds the lock (asked now, out of
 * the transaction), and how long it was tried.
 */
static void
explain_lock(struct runner *r, const struct section *s, struct attempt *a)
{
	const struct stmt *st = stmt_at(r, s, a->failed_at);
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

/* ---- one batch: a transactional migration in one round trip ---- */

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

	sink_step_begin(st->r->sink, st->m, op_table[st->op].name,
			st->op == OP_ROLLBACK && !st->force);
}

/*
 * Whether op goes as one batch: a transactional section run from its
 * start, none of whose statements changes the session (the bookkeeping
 * in the same batch must not depend on it; those run one by one).
 */
static bool
batchable(const struct runner *r, const struct migration *m,
	  const struct section *s, int from)
{
	const struct stmt_list *l;
	struct err e = ERR_INIT;
	size_t i;

	/* a testing hook's steps exist only statement by statement */
	if (testing_hooked())
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
	if (op_claims(op)) {
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
	fill_row(r, m, op, a, row, start_s, end_s);
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
			return report_meanwhile(r, m, a->meanwhile, e);
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

/*
 * op of m as one batch. 0: it ran (a says how; a->recorded when the
 * batch wrote its row); 1 or < 0: it did not begin (recorded meanwhile by
 * another runner, or an error, in e).
 */
static int
batch_op(struct runner *r, const struct migration *m, enum op op,
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
		warn_fitted(r, m, *id, &fitted);
		/* The row said it ended when it went out: a migration that
		 * ran for seconds says when it really did. */
		if (elapsed(&a->t0) >= 2.0 &&
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

/*
 * The batch stopped at a statement that waited too long for a table's
 * lock (nothing of it happened; PostgreSQL rolled the batch back, MySQL
 * kept the statements before it, which committed with their progress).
 * True when, after the pause, the operation goes on one statement at a
 * time from the first that did not commit, with the retries of
 * retry_statement and retry_whole: the batch is for migrations that get
 * their locks at once. False: a is what to record.
 */
static bool
retry_after_batch(struct runner *r, const struct migration *m,
		  struct attempt *a, int *from)
{
	int failed_at = a->failed_at, committed = a->committed;

	if (a->ok || a->recorded || failed_at < 0 ||
	    !db_lock_timed_out(r->db, &a->err))
		return false;
	a->lock_wait = true;
	if (!lockretry_wait(a->retry))
		return false;
	try_again(r, m, a, failed_at, "tried again");
	*from = committed > 0 ? committed : 0;
	return true;
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
	if (batchable(r, m, s, from)) {
		if ((rc = batch_op(r, m, op, s, force, &a, &id, e)) != 0) {
			rc = rc < 0 ? lost_before(r, m, e) : rc;
			goto out;
		}
		begun = true;
		in_txn = false;
		if (!retry_after_batch(r, m, &a, &from))
			goto ran;
	}
again:
	if ((rc = attempt_open(r, m, op, s, &a, &in_txn)) < 0) {
		*e = a.err;
		rc = lost_before(r, m, e);
		goto out;
	}
	if (a.meanwhile) {
		rc = report_meanwhile(r, m, a.meanwhile, e);
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
	if (!a.recorded &&
	    (rc = record(r, m, op, s, &a, in_txn, &id, &rec)) < 0 && a.ok) {
		/* The success row did not commit, nor did what the open
		 * transaction held: record the failure instead, naming the
		 * last statement (a->committed still counts what committed
		 * before it, implicitly). */
		a.ok = false;
		a.err = rec;
		a.ledger_at = a.total > 0 ? a.total - 1 : -1;
		a.ledger_what = "its bookkeeping row";
		rc = record(r, m, op, s, &a, false, &id, &rec);
	}
	report(r, m, op, s, &a, op == OP_ROLLBACK && !force, rc < 0 ? 0 : id);
	if (rc < 0) {
		rc = unrecorded(r, m, s, &a, &rec, e);
	} else if (!a.ok) {
		*e = a.err;
		e->code = ERR_FAILED;
		rc = ERR_FAILED;
	}
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
