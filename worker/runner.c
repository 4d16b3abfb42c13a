/* One operation of one migration: statements, transaction, bookkeeping row. */
#include "config.h"

#include "worker/runner.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "worker/program.h"
#include "common/banned.h"

/* What happened while running a section; becomes the bookkeeping row. */
struct attempt {
	int64_t start;
	struct timespec t0;
	bool ok;
	int failed_at;     /* 0-based statement index, -1 none */
	int committed;     /* statements committed, -1 unknown */
	int total;         /* statements in the section, -1 unknown */
	const char *checksum;
	bool progress;     /* a progress row was written for this migration */
	struct err err;
	struct buf tail;   /* an executable's output */
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

/*
 * After statement i committed while more follow: record how far the
 * migration got, durably, so a run killed now is resumed, not repeated.
 * Inside a transaction (MySQL after an implicit commit) the open one is
 * empty at this point: commit it, record, and open the next.
 */
static int
record_progress(struct runner *r, const struct migration *m, int committed,
		bool transactional, struct err *e)
{
	int rc;

	if (transactional && (rc = db_commit(r->db, e)) < 0)
		return rc;
	rc = ledger_set_progress(r->db, r->ledger, m->uuid, committed,
				 r->run_id, e);
	if (rc == 0 && transactional)
		rc = db_begin(r->db, e);
	return rc;
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
	struct err e = ERR_INIT;
	int i, n = (int)l->n, rc;

	a->total = n;
	a->committed = from;
	for (i = from; i < n; i++) {
		const char *sql = l->v[i].sql;

		if ((rc = db_exec(r->db, sql, &e)) < 0) {
			attempt_fail(a, i, &e);
			return rc;
		}
		if (transactional && !db_commits_implicitly(r->db, sql))
			continue;
		a->committed = i + 1;
		if (i + 1 == n)
			continue;
		if ((rc = record_progress(r, m, i + 1, transactional, &e)) < 0) {
			attempt_fail(a, -1, &e);
			return rc;
		}
		a->progress = true;
	}
	return 0;
}

static void
build_error(const struct runner *r, const struct migration *m,
	    const struct section *s, const struct attempt *a,
	    struct buf *error, struct buf *tb)
{
	char text[ERR_TEXT_MAX];
	const struct stmt *st = stmt_at(r, s, a->failed_at);

	if (st)
		buf_addf(error, "statement %d of %d (%s:%d) failed: %s",
			 a->failed_at + 1, a->total, m->filename, st->line,
			 a->err.msg);
	else
		buf_adds(error, a->err.msg);
	buf_addf(tb, "migration: %s (%s)\n", m->filename, m->uuid);
	buf_addf(tb, "engine: %s\n", r->t->engine);
	if (st)
		buf_addf(tb, "statement %d of %d, line %d:\n%s\n",
			 a->failed_at + 1, a->total, st->line, st->sql);
	err_text(&a->err, text, sizeof(text));
	buf_addf(tb, "error: %s\n", text);
	if (a->err.native)
		buf_addf(tb, "code: %ld\n", a->err.native);
	if (a->err.position > 0)
		buf_addf(tb, "position: %d\n", a->err.position);
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

static int
record(struct runner *r, const struct migration *m, enum op op,
       const struct section *s, struct attempt *a, bool in_txn,
       int64_t *id, struct err *e)
{
	struct buf error = BUF_INIT, tb = BUF_INIT;
	struct ledger_row row;
	char start_s[32], end_s[32];
	int rc;

	fill_row(r, m, op, a, &row, start_s, end_s);
	if (!a->ok) {
		build_error(r, m, s, a, &error, &tb);
		row.error = error.ptr;
		row.traceback = tb.ptr;
		if (stmt_at(r, s, a->failed_at))
			row.statement = stmt_at(r, s, a->failed_at)->sql;
	}
	if (!in_txn && (rc = db_begin(r->db, e)) < 0)
		goto out;
	if ((rc = ledger_append(r->db, r->ledger, &row, id, e)) < 0) {
		db_rollback(r->db, &(struct err){ 0 });
		goto out;
	}
	rc = db_commit(r->db, e);
out:
	buf_release(&error);
	buf_release(&tb);
	return rc;
}

static void
report(struct runner *r, const struct migration *m, enum op op,
       const struct section *s, const struct attempt *a, bool recovery,
       int64_t id)
{
	struct buf error = BUF_INIT, tb = BUF_INIT;
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
	if (!a->ok) {
		build_error(r, m, s, a, &error, &tb);
		res.error = error.ptr;
		res.traceback = tb.ptr;
		if (stmt_at(r, s, a->failed_at)) {
			res.statement = stmt_at(r, s, a->failed_at)->sql;
			res.statement_no = a->failed_at + 1;
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
}

/* Run the statements (or the program) of op; fills a. */
static void
attempt_run(struct runner *r, const struct migration *m, enum op op,
	    int from, bool force, struct attempt *a,
	    const struct section **sp, bool *in_txn)
{
	const struct section *s = NULL;
	bool transactional = !m->transaction_off;
	int rc;

	*in_txn = false;
	if (m->executable) {
		a->checksum = m->checksum;
		rc = program_run(m, op_table[op].program_op, r->t,
				 op == OP_ROLLBACK ? (int)force : -1, r->sink,
				 &a->tail, &a->err);
		a->ok = rc == 0;
		*sp = NULL;
		return;
	}
	s = op_section(r, m, op, &from);
	*sp = s;
	a->checksum = s ? s->checksum : NULL;
	if (s == NULL) {
		a->total = 0;
		return; /* nothing to execute: a run_skip without section */
	}
	/* commands check every file before connecting: this never fails */
	if (section_check(s, r->t->engine, &a->err) < 0) {
		a->ok = false;
		return;
	}
	if (transactional && (rc = db_begin(r->db, &a->err)) < 0) {
		a->ok = false;
		return;
	}
	rc = exec_section(r, m, s, from, transactional, a);
	if (rc < 0 && transactional)
		db_rollback(r->db, &(struct err){ 0 });
	*in_txn = transactional && rc == 0;
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

static int
runner_op(struct runner *r, const struct migration *m, enum op op, int from,
	  bool force, struct err *e)
{
	const struct section *s = NULL;
	struct attempt a;
	struct err rec = ERR_INIT;
	bool in_txn;
	int64_t id = 0;
	int rc;

	memset(&a, 0, sizeof(a));
	buf_init(&a.tail);
	a.ok = true;
	a.failed_at = -1;
	a.committed = -1;
	a.total = -1;
	a.start = (int64_t)time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &a.t0);
	sink_step_begin(r->sink, m, op_table[op].name,
			op == OP_ROLLBACK && !force);
	attempt_run(r, m, op, from, force, &a, &s, &in_txn);
	if ((rc = record(r, m, op, s, &a, in_txn, &id, &rec)) < 0 && a.ok) {
		/* The success row did not commit, so neither did the
		 * migration (when it ran in a transaction): record the
		 * failure instead. */
		a.ok = false;
		a.err = rec;
		if (in_txn)
			a.committed = 0;
		rc = record(r, m, op, s, &a, false, &id, &rec);
	}
	/* Finished, either way: the row says it all now. */
	if (rc == 0 && (a.progress || ledger_progress_of(r->ledger, m->uuid)))
		ledger_set_progress(r->db, r->ledger, m->uuid, -1, NULL,
				    &(struct err){ 0 });
	report(r, m, op, s, &a, op == OP_ROLLBACK && !force, rc < 0 ? 0 : id);
	if (rc < 0) {
		err_set(e, rec.code == ERR_CONNECT ? ERR_CONNECT : rc,
			"%s: %s; its bookkeeping row could not be written: %s",
			m->filename, a.ok ? "succeeded" : a.err.msg, rec.msg);
	} else if (!a.ok) {
		*e = a.err;
		e->code = ERR_FAILED;
		rc = ERR_FAILED;
	}
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
	if (rc == ERR_FAILED && op != OP_ROLLBACK && !r->t->safe &&
	    has_rollback(r, m))
		runner_op(r, m, OP_ROLLBACK, 0, false, &rec);
	run_cleanup(r, m);
	return rc;
}
