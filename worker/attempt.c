/* One try of one operation of a migration; see attempt.h. */
#include "config.h"

#include "worker/attempt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "worker/caret.h"
#include "worker/sink.h"
#include "common/banned.h"

void
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

void
attempt_fail(struct attempt *a, int i, const struct err *e)
{
	a->ok = false;
	a->failed_at = i;
	a->err = *e;
}

void
attempt_fail_ledger(struct attempt *a, int i, const char *what,
		    const struct err *e)
{
	attempt_fail(a, -1, e);
	a->ledger_at = i;
	a->ledger_what = what;
}

double
attempt_elapsed(const struct attempt *a)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - a->t0.tv_sec) +
	       (double)(t1.tv_nsec - a->t0.tv_nsec) / 1e9;
}

const struct stmt *
attempt_stmt(const struct runner *r, const struct section *s, int i)
{
	const struct stmt_list *l = s ? section_stmts(s, r->t->engine) : NULL;

	return l && i >= 0 && (size_t)i < l->n ? &l->v[i] : NULL;
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

void
attempt_error(const struct runner *r, const struct migration *m,
	      const struct section *s, const struct attempt *a,
	      struct buf *error, struct buf *tb)
{
	char text[ERR_TEXT_MAX];
	const struct stmt *st = attempt_stmt(r, s, a->failed_at);
	const struct stmt *after = attempt_stmt(r, s, a->ledger_at);
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

void
attempt_row(const struct runner *r, const struct migration *m, enum op op,
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
	row->operation = (char *)op_name(op);
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

void
attempt_warn_fitted(struct runner *r, const struct migration *m, int64_t id,
		    const struct strv *fitted)
{
	size_t i;

	for (i = 0; i < fitted->n; i++)
		sink_warning(r->sink,
			     "%s: bookkeeping row %lld: %s; this run's output "
			     "and report have the full text",
			     m->filename, (long long)id, fitted->v[i]);
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

int
attempt_meanwhile(struct runner *r, const struct migration *m,
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

void
attempt_again(struct runner *r, const struct migration *m, struct attempt *a,
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

bool
attempt_claims(enum op op)
{
	return op != OP_RUN_PARTIAL; /* rebuild runs whatever the rows say */
}
