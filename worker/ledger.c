/* The bookkeeping table: made or completed, read, released. */
#include "config.h"

#include "worker/ledger.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "worker/batch.h"
#include "worker/ledger_col.h"
#include "worker/ledger_progress.h"
#include "common/banned.h"

/* Columns indexed on new tables (the ones queries filter on). */
static const char *const ledger_indexed[] = { "uuid", "timestamp", "result" };

/* The CREATE TABLE and CREATE INDEX statements of a new table, into b. */
static void
ledger_create(struct db *db, struct batch *b)
{
	struct buf sql = BUF_INIT, name = BUF_INIT;
	size_t i;

	buf_adds(&sql, "CREATE TABLE ");
	db_qualify(db, LEDGER_TABLE, &sql);
	buf_adds(&sql, " (");
	for (i = 0; i < LEDGER_NCOLS; i++) {
		if (i > 0)
			buf_adds(&sql, ", ");
		db_quote_ident(db, ledger_cols[i].name, &sql);
		buf_addf(&sql, " %s%s",
			 ledger_col_sql_type(db, &ledger_cols[i]),
			 i == 0 ? " NOT NULL PRIMARY KEY" : "");
	}
	buf_addf(&sql, ")%s", db->drv->table_options);
	batch_add(b, DBS_RAW, sql.ptr, NULL, 0, 0, 0);
	for (i = 0; i < sizeof(ledger_indexed) / sizeof(ledger_indexed[0]);
	     i++) {
		buf_reset(&sql);
		buf_reset(&name);
		buf_addf(&name, "%s_%s_idx", LEDGER_TABLE, ledger_indexed[i]);
		buf_adds(&sql, "CREATE INDEX ");
		db_quote_ident(db, name.ptr, &sql);
		buf_adds(&sql, " ON ");
		db_qualify(db, LEDGER_TABLE, &sql);
		buf_adds(&sql, " (");
		db_quote_ident(db, ledger_indexed[i], &sql);
		buf_adds(&sql, ")");
		batch_add(b, DBS_RAW, sql.ptr, NULL, 0, 0, 0);
	}
	buf_release(&sql);
	buf_release(&name);
}

/* The ALTER TABLE that adds column name of type to table, into b. */
static void
add_column(struct db *db, const char *table, const char *name,
	   const char *type, struct batch *b)
{
	struct buf sql = BUF_INIT;

	buf_adds(&sql, "ALTER TABLE ");
	db_qualify(db, table, &sql);
	buf_adds(&sql, " ADD COLUMN ");
	db_quote_ident(db, name, &sql);
	buf_addf(&sql, " %s", type);
	batch_add(b, DBS_RAW, sql.ptr, NULL, 0, 0, 0);
	buf_release(&sql);
}

/* What the bookkeeping table lacks, into b (in a transaction). */
static void
ensure_main(struct db *db, struct ledger *l, struct batch *b)
{
	size_t i;

	if (!l->exists) {
		ledger_create(db, b);
		return;
	}
	for (i = 0; i < LEDGER_NCOLS; i++)
		if (!ledger_col_exists(&l->cols, ledger_cols[i].name))
			add_column(db, LEDGER_TABLE, ledger_cols[i].name,
				   ledger_col_sql_type(db, &ledger_cols[i]), b);
}

/* The catalogue's description of table into b, its rows to *rows. */
static void
describe_stmt(struct db *db, const char *table, struct batch *b,
	      struct db_rows **rows)
{
	struct db_param p[2] = { DBP_TEXTV(db->schema), DBP_TEXTV(table) };

	batch_add(b, DBS_SQL, db_columns_sql(db), p, 2, 0, 0)->rows = rows;
}

/*
 * Reading the progress table failed: when it is missing (a table of an
 * older migratore) it is made, when it lacks the checksums column (made
 * before they were kept) the column is added, and it is read again into
 * *rows; otherwise e stays as it is. desc: its description, NULL when
 * not read yet.
 */
static int
progress_repair(struct db *db, const struct db_rows *desc,
		struct db_rows **rows, struct err *e)
{
	struct db_columns pcols = DB_COLUMNS_INIT;
	struct batch b = BATCH_INIT;
	size_t failed;
	int r = e->code;

	if (desc)
		db_describe_rows(db, desc, &pcols);
	else if (db_describe(db, LEDGER_PROGRESS_TABLE, &pcols,
			     &(struct err){ 0 }) < 0)
		goto out;
	if (pcols.n == 0)
		ledger_progress_create(db, &b);
	else if (!ledger_col_exists(&pcols, "checksums"))
		add_column(db, LEDGER_PROGRESS_TABLE, "checksums",
			   db->drv->type_text, &b);
	else
		goto out;
	db_rows_free(*rows);
	*rows = NULL;
	ledger_progress_select(db, true, &b, rows);
	r = batch_run(db, &b, &failed, e);
out:
	db_columns_release(&pcols);
	batch_release(&b);
	return r;
}

/* Whether the table exists with every column. */
static bool
has_every_column(const struct ledger *l)
{
	size_t i;

	for (i = 0; i < LEDGER_NCOLS; i++)
		if (!ledger_col_exists(&l->cols, ledger_cols[i].name))
			return false;
	return l->exists;
}

/* What both tables lack, in one transaction, into b. */
static void
complete_stmts(struct db *db, struct ledger *l, struct batch *b)
{
	batch_add(b, DBS_BEGIN, NULL, NULL, 0, 0, 0);
	ensure_main(db, l, b);
	ledger_progress_create(db, b);
	batch_add(b, DBS_COMMIT, NULL, NULL, 0, 0, 0);
}

/* The tables are there: l learns the columns of the one just completed
 * (made: desc describes it) and the progress rows. */
static void
ensured(struct db *db, struct ledger *l, bool made,
	const struct db_rows *desc, const struct db_rows *prog)
{
	if (made) {
		db_columns_release(&l->cols);
		db_describe_rows(db, desc, &l->cols);
		l->exists = true;
	}
	ledger_progress_rows(l, prog, true);
	l->progress_exists = true;
}

/*
 * One batch. A complete table: the progress table described and read
 * (repaired when that fails: progress_repair). Otherwise in one
 * transaction (one commit, one fsync) the table, its indexes or new
 * columns and the progress table, then described as the server made
 * them, and the progress rows read.
 */
static int
ensure_once(struct db *db, struct ledger *l, struct err *e)
{
	struct db_rows *desc = NULL, *prog = NULL;
	struct batch b = BATCH_INIT;
	bool complete = has_every_column(l);
	size_t failed;
	int r;

	if (!complete)
		complete_stmts(db, l, &b);
	describe_stmt(db, complete ? LEDGER_PROGRESS_TABLE : LEDGER_TABLE, &b,
		      &desc);
	ledger_progress_select(db, true, &b, &prog);
	r = batch_run(db, &b, &failed, e);
	/* all but the read went through (the transaction committed) */
	if (r < 0 && r != ERR_CONNECT && failed == b.n - 1)
		r = progress_repair(db, complete ? desc : NULL, &prog, e);
	else if (r < 0 && !complete)
		db_rollback(db, &(struct err){ 0 });
	if (r == 0)
		ensured(db, l, !complete, desc, prog);
	db_rows_free(desc);
	db_rows_free(prog);
	batch_release(&b);
	return r;
}


int
ledger_ensure(struct db *db, struct ledger *l, struct err *e)
{
	struct err again = ERR_INIT;
	bool existed = l->exists;
	size_t ncols = l->cols.n;
	int r;

	r = ensure_once(db, l, e);
	/*
	 * A run that did not take the lock may have made what was missing
	 * meanwhile ("already exists"): look again, and once more if it
	 * did. The rows stay as loaded: those it wrote are for
	 * ledger_claim to find.
	 */
	if (r < 0 && r != ERR_CONNECT) {
		db_columns_release(&l->cols);
		if (db_describe(db, LEDGER_TABLE, &l->cols, &again) == 0) {
			l->exists = l->cols.n > 0;
			if (l->exists && (!existed || l->cols.n > ncols))
				r = ensure_once(db, l, e);
		}
	}
	if (r < 0)
		err_prefix(e, "bookkeeping table '%s'", LEDGER_TABLE);
	return r;
}


static void
row_release(struct ledger_row *row)
{
	size_t i;

	for (i = 0; i < LEDGER_NCOLS; i++)
		ledger_col_free(row, &ledger_cols[i]);
}

/* The SELECT of the columns to read (those cols has; all when NULL). */
static size_t
select_sql(struct db *db, const struct db_columns *cols, bool full,
	   const struct ledger_col **sel, struct buf *sql)
{
	size_t i, nsel = 0;

	buf_adds(sql, "SELECT ");
	for (i = 0; i < LEDGER_NCOLS; i++) {
		if ((cols && !ledger_col_exists(cols, ledger_cols[i].name)) ||
		    (!full && !ledger_cols[i].light))
			continue;
		if (nsel > 0)
			buf_adds(sql, ", ");
		db_quote_ident(db, ledger_cols[i].name, sql);
		sel[nsel++] = &ledger_cols[i];
	}
	buf_adds(sql, " FROM ");
	db_qualify(db, LEDGER_TABLE, sql);
	buf_adds(sql, " ORDER BY ");
	db_quote_ident(db, "object_id", sql);
	return nsel;
}

static void
rows_into(struct ledger *out, const struct db_rows *rows,
	  const struct ledger_col **sel, size_t nsel)
{
	size_t i, j;

	out->v = xcalloc(rows->nrows ? rows->nrows : 1, sizeof(*out->v));
	out->cap = rows->nrows ? rows->nrows : 1;
	for (i = 0; i < rows->nrows; i++) {
		struct ledger_row *row = &out->v[out->n++];

		row->committed = -1;
		for (j = 0; j < nsel; j++)
			ledger_col_set(row, sel[j], db_rows_get(rows, i, j));
	}
}

/*
 * One batch: the lock tried (lock non-NULL: *taken says whether it was;
 * the reads count only if it was), the table described, and its rows
 * read on the guess that it has every column. A table of an older tool
 * or version lacks some: its rows are read again, the columns known.
 */
static int
load(struct db *db, bool full, const char *lock, const struct db_param *lp,
     size_t nlp, bool *taken, struct ledger *out, struct err *e)
{
	const struct ledger_col *sel[LEDGER_NCOLS];
	struct db_rows *got = NULL, *desc = NULL, *rows = NULL;
	struct batch b = BATCH_INIT;
	struct buf sql = BUF_INIT;
	size_t nsel, failed, first = lock ? 1 : 0;
	int r;

	if (lock)
		batch_add(&b, DBS_SQL, lock, lp, nlp, 0, 0)->rows = &got;
	describe_stmt(db, LEDGER_TABLE, &b, &desc);
	nsel = select_sql(db, NULL, full, sel, &sql);
	batch_add(&b, DBS_SQL, sql.ptr, NULL, 0, 0, 0)->rows = &rows;
	r = batch_run(db, &b, &failed, e);
	if (lock && failed > 0)
		*taken = got && got->nrows > 0 &&
			 db_lock_taken(db_rows_get(got, 0, 0));
	if (r < 0 && (failed <= first || r == ERR_CONNECT))
		goto out;
	r = 0;
	if (lock && !*taken)
		goto out;
	db_describe_rows(db, desc, &out->cols);
	out->exists = out->cols.n > 0;
	if (!out->exists)
		goto out;
	if (rows == NULL) {
		buf_reset(&sql);
		nsel = select_sql(db, &out->cols, full, sel, &sql);
		if ((r = db_query(db, sql.ptr, NULL, 0, &rows, e)) < 0)
			goto out;
	}
	rows_into(out, rows, sel, nsel);
out:
	if (r < 0 && !(lock && failed == 0))
		err_prefix(e, "reading bookkeeping table '%s'", LEDGER_TABLE);
	db_rows_free(got);
	db_rows_free(desc);
	db_rows_free(rows);
	batch_release(&b);
	buf_release(&sql);
	return r;
}

int
ledger_load(struct db *db, bool full, struct ledger *out, struct err *e)
{
	return load(db, full, NULL, NULL, 0, NULL, out, e);
}

int
ledger_lock_load(struct db *db, bool full, int timeout, struct ledger *out,
		 bool *locked, struct err *e)
{
	struct db_param p[2];
	const char *lock;
	size_t np;
	int r;

	*locked = false;
	if ((lock = db_lock_sql(db, p, &np)) != NULL) {
		r = load(db, full, lock, p, np, locked, out, e);
		if (r < 0 || *locked)
			return r;
	}
	/* Not free (or no statement): wait for it as db_lock does. */
	if ((r = db_lock(db, timeout, e)) < 0)
		return r;
	*locked = true;
	return ledger_load(db, full, out, e);
}

void
ledger_release(struct ledger *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		row_release(&l->v[i]);
	free(l->v);
	db_columns_release(&l->cols);
	ledger_progress_release(l);
	l->v = NULL;
	l->n = l->cap = 0;
	l->exists = false;
}


const struct ledger_row *
ledger_find(const struct ledger *l, int64_t id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].object_id == id)
			return &l->v[i];
	return NULL;
}

bool
ledger_row_success(const struct ledger_row *r)
{
	return r->result != NULL && strcmp(r->result, "success") == 0;
}

bool
ledger_row_baseline(const struct ledger_row *r)
{
	return ledger_row_success(r) && r->uuid != NULL &&
	       strcasecmp(r->uuid, LEDGER_BASELINE_UUID) == 0;
}

void
ledger_format_time(int64_t t, char out[32])
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
					      "May", "Jun", "Jul", "Aug",
					      "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	/* Built by hand: strftime's %b follows the locale, Python's did not. */
	gmtime_r(&tt, &tm);
	xsnprintf(out, 32, "%02d %s %04d %02d:%02d:%02d", tm.tm_mday,
		  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		  tm.tm_sec);
}
