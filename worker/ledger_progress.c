/* The progress table, migratore_progress; see ledger_progress.h. */
#include "config.h"

#include "worker/ledger_progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "worker/batch.h"
#include "common/banned.h"

/* The progress table, unless it exists (the caller may not know). */
void
ledger_progress_create(struct db *db, struct batch *b)
{
	struct buf sql = BUF_INIT;

	buf_adds(&sql, "CREATE TABLE IF NOT EXISTS ");
	db_qualify(db, LEDGER_PROGRESS_TABLE, &sql);
	buf_adds(&sql, " (");
	db_quote_ident(db, "uuid", &sql);
	buf_addf(&sql, " %s NOT NULL PRIMARY KEY, ", db->drv->type_string);
	db_quote_ident(db, "committed", &sql);
	buf_addf(&sql, " %s NOT NULL, ", db->drv->type_int64);
	db_quote_ident(db, "run_id", &sql);
	buf_addf(&sql, " %s, ", db->drv->type_string);
	db_quote_ident(db, "updated", &sql);
	buf_addf(&sql, " %s, ", db->drv->type_int64);
	db_quote_ident(db, "checksums", &sql);
	buf_addf(&sql, " %s)%s", db->drv->type_text, db->drv->table_options);
	batch_add(b, DBS_RAW, sql.ptr, NULL, 0, 0, 0);
	buf_release(&sql);
}

static struct ledger_progress *
progress_find(const struct ledger *l, const char *uuid)
{
	size_t i;

	for (i = 0; i < l->nprogress; i++)
		if (strcmp(l->progress[i].uuid, uuid) == 0)
			return &l->progress[i];
	return NULL;
}

static void
progress_push(struct ledger *l, const char *uuid, int64_t committed,
	      const char *sums)
{
	XGROW(l->progress, l->nprogress + 1, l->progress_cap);
	l->progress[l->nprogress].uuid = xstrdup(uuid);
	l->progress[l->nprogress].checksums = xstrdup_or_null(sums);
	l->progress[l->nprogress++].committed = committed;
}

static void
progress_drop(struct ledger *l, struct ledger_progress *p)
{
	free(p->uuid);
	free(p->checksums);
	*p = l->progress[--l->nprogress];
}

/*
 * The read of every progress row into b, its rows to *rows; sums: the
 * table has the checksums column (else uuid stands in for it, unread).
 */
void
ledger_progress_select(struct db *db, bool sums, struct batch *b,
		       struct db_rows **rows)
{
	struct buf sql = BUF_INIT;

	buf_adds(&sql, "SELECT ");
	db_quote_ident(db, "uuid", &sql);
	buf_adds(&sql, ", ");
	db_quote_ident(db, "committed", &sql);
	buf_adds(&sql, ", ");
	db_quote_ident(db, sums ? "checksums" : "uuid", &sql);
	buf_adds(&sql, " FROM ");
	db_qualify(db, LEDGER_PROGRESS_TABLE, &sql);
	batch_add(b, DBS_SQL, sql.ptr, NULL, 0, 0, 0)->rows = rows;
	buf_release(&sql);
}

void
ledger_progress_rows(struct ledger *l, const struct db_rows *rows, bool sums)
{
	size_t i;

	for (i = 0; rows && i < rows->nrows; i++) {
		const char *u = db_rows_get(rows, i, 0);
		const char *c = db_rows_get(rows, i, 1);

		if (u != NULL)
			progress_push(l, u, c ? strtoll(c, NULL, 10) : 0,
				      sums ? db_rows_get(rows, i, 2) : NULL);
	}
}

int
ledger_read_progress(struct db *db, struct ledger *l, struct err *e)
{
	struct db_columns pcols = DB_COLUMNS_INIT;
	struct db_rows *prog = NULL;
	struct batch b = BATCH_INIT;
	size_t failed;
	int r;

	if ((r = db_describe(db, LEDGER_PROGRESS_TABLE, &pcols, e)) == 0 &&
	    pcols.n > 0 && l->nprogress == 0) {
		ledger_progress_select(db, (db_columns_find(&pcols, "checksums") != NULL), &b, &prog);
		if ((r = batch_run(db, &b, &failed, e)) == 0)
			ledger_progress_rows(l, prog,
				      (db_columns_find(&pcols, "checksums") != NULL));
	}
	db_rows_free(prog);
	batch_release(&b);
	db_columns_release(&pcols);
	return r;
}

/* "INSERT INTO t (committed, run_id, updated, checksums, uuid) VALUES
 * (...)", or the UPDATE of a row that exists, or its DELETE. */
static void
progress_sql(struct db *db, bool known, int committed, struct buf *sql)
{
	static const char *const cols[] = { "committed", "run_id", "updated",
					    "checksums" };
	size_t i;

	if (committed < 0 || known) {
		buf_adds(sql, committed < 0 ? "DELETE FROM " : "UPDATE ");
		db_qualify(db, LEDGER_PROGRESS_TABLE, sql);
		for (i = 0; committed >= 0 && i < 4; i++) {
			buf_adds(sql, i == 0 ? " SET " : ", ");
			db_quote_ident(db, cols[i], sql);
			buf_adds(sql, " = ?");
		}
		buf_adds(sql, " WHERE ");
		db_quote_ident(db, "uuid", sql);
		buf_adds(sql, " = ?");
		return;
	}
	buf_adds(sql, "INSERT INTO ");
	db_qualify(db, LEDGER_PROGRESS_TABLE, sql);
	buf_adds(sql, " (");
	for (i = 0; i < 4; i++) {
		db_quote_ident(db, cols[i], sql);
		buf_adds(sql, ", ");
	}
	db_quote_ident(db, "uuid", sql);
	buf_adds(sql, ") VALUES (?, ?, ?, ?, ?)");
}

void
ledger_progress_note(struct ledger *l, const char *uuid, int committed,
		     const char *checksums)
{
	struct ledger_progress *known = progress_find(l, uuid);

	if (committed < 0 && known != NULL) {
		progress_drop(l, known);
	} else if (committed >= 0 && known != NULL) {
		known->committed = committed;
		free(known->checksums);
		known->checksums = xstrdup_or_null(checksums);
	} else if (committed >= 0) {
		progress_push(l, uuid, committed, checksums);
	}
}

/* The statement of ledger_set_progress; *n params of p[] to bind. */
static const struct db_param *
progress_stmt(struct db *db, bool known, const struct ledger_progress_set *ps,
	      struct db_param p[5], size_t *n, struct buf *sql)
{
	p[0] = DBP_INTV(ps->committed);
	p[1] = DBP_TEXTV(ps->run_id);
	p[2] = DBP_INTV((int64_t)time(NULL));
	p[3] = DBP_TEXTV(ps->checksums);
	p[4] = DBP_TEXTV(ps->uuid);
	progress_sql(db, known, ps->committed, sql);
	/* A DELETE binds the uuid alone. */
	*n = ps->committed < 0 ? 1 : 5;
	return ps->committed < 0 ? &p[4] : p;
}

int
ledger_set_progress(struct db *db, struct ledger *l, const char *uuid,
		    int committed, const char *checksums, const char *run_id,
		    struct err *e)
{
	struct ledger_progress_set ps = { uuid, committed, checksums, run_id };
	struct db_param p[5];
	const struct db_param *bind;
	bool known = progress_find(l, uuid) != NULL;
	struct buf sql = BUF_INIT;
	size_t n;
	int r;

	if (committed < 0 && !known)
		return 0;
	bind = progress_stmt(db, known, &ps, p, &n, &sql);
	r = db_query(db, sql.ptr, bind, n, NULL, e);
	if (r < 0)
		err_prefix(e, "recording progress in '%s'",
			   LEDGER_PROGRESS_TABLE);
	else
		ledger_progress_note(l, uuid, committed, checksums);
	buf_release(&sql);
	return r;
}

bool
ledger_progress_stmt(struct db *db, const struct ledger_progress_set *ps,
		     bool *known, struct batch *b, int tag, int arg)
{
	struct db_param p[5];
	const struct db_param *bind;
	struct buf sql = BUF_INIT;
	size_t n;

	if (ps->committed < 0 && !*known)
		return false;
	bind = progress_stmt(db, *known, ps, p, &n, &sql);
	batch_add(b, DBS_SQL, sql.ptr, bind, n, tag, arg);
	*known = ps->committed >= 0;
	buf_release(&sql);
	return true;
}

bool
ledger_progress_known(const struct ledger *l, const char *uuid)
{
	return progress_find(l, uuid) != NULL;
}

int
ledger_progress_of(const struct ledger *l, const char *uuid)
{
	const struct ledger_progress *p = progress_find(l, uuid);

	return p ? (int)p->committed : 0;
}

const char *
ledger_progress_sums(const struct ledger *l, const char *uuid)
{
	const struct ledger_progress *p = progress_find(l, uuid);

	return p ? p->checksums : NULL;
}


void
ledger_progress_release(struct ledger *l)
{
	size_t i;

	for (i = 0; i < l->nprogress; i++) {
		free(l->progress[i].uuid);
		free(l->progress[i].checksums);
	}
	free(l->progress);
	l->progress = NULL;
	l->nprogress = l->progress_cap = 0;
}
