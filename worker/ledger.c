/* The bookkeeping table: creation, reading and appending rows. */
#include "config.h"

#include "worker/ledger.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "worker/batch.h"
#include "worker/ledger_progress.h"
#include "common/banned.h"

enum col_type { COL_INT, COL_TEXT, COL_STRING };

/*
 * Every column, in the Python tool's order, then ours. `light` columns are
 * read for planning; the others only when a command shows them.
 */
static const struct ledger_col {
	const char *name;
	enum col_type type;
	bool light;
	size_t off;
} ledger_cols[] = {
#define C(n, t, l, f) { n, t, l, offsetof(struct ledger_row, f) }
	C("object_id", COL_INT, true, object_id),
	C("uuid", COL_STRING, true, uuid),
	C("timestamp", COL_INT, true, timestamp),
	C("name", COL_STRING, true, name),
	C("description", COL_TEXT, true, description),
	C("result", COL_STRING, true, result),
	C("error", COL_TEXT, true, error),
	C("traceback", COL_TEXT, false, traceback),
	C("operator", COL_TEXT, true, operator_name),
	C("operation", COL_STRING, true, operation),
	C("start", COL_INT, true, start),
	C("end", COL_INT, true, end),
	C("duration", COL_INT, true, duration),
	C("start_s", COL_STRING, true, start_s),
	C("end_s", COL_STRING, true, end_s),
	C("checksum", COL_STRING, true, checksum),
	C("statement", COL_TEXT, false, statement),
	C("committed", COL_INT, true, committed),
	C("run_id", COL_STRING, true, run_id),
	C("host", COL_STRING, true, host),
#undef C
};
#define NCOLS (sizeof(ledger_cols) / sizeof(ledger_cols[0]))

/* Columns indexed on new tables (the ones queries filter on). */
static const char *const ledger_indexed[] = { "uuid", "timestamp", "result" };

static const char *
col_sql_type(const struct db *db, enum col_type t)
{
	switch (t) {
	case COL_INT:
		return db->drv->type_int64;
	case COL_TEXT:
		return db->drv->type_text;
	default:
		return db->drv->type_string;
	}
}

/* The CREATE TABLE and CREATE INDEX statements of a new table, into b. */
static void
ledger_create(struct db *db, struct batch *b)
{
	struct buf sql = BUF_INIT, name = BUF_INIT;
	size_t i;

	buf_adds(&sql, "CREATE TABLE ");
	db_qualify(db, LEDGER_TABLE, &sql);
	buf_adds(&sql, " (");
	for (i = 0; i < NCOLS; i++) {
		if (i > 0)
			buf_adds(&sql, ", ");
		db_quote_ident(db, ledger_cols[i].name, &sql);
		buf_addf(&sql, " %s%s", col_sql_type(db, ledger_cols[i].type),
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

static bool
has_column(const struct db_columns *cols, const char *name)
{
	return db_columns_find(cols, name) != NULL;
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
	for (i = 0; i < NCOLS; i++)
		if (!has_column(&l->cols, ledger_cols[i].name))
			add_column(db, LEDGER_TABLE, ledger_cols[i].name,
				   col_sql_type(db, ledger_cols[i].type), b);
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
	else if (!has_column(&pcols, "checksums"))
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
	bool complete = l->exists;
	size_t i, failed;
	int r;

	for (i = 0; i < NCOLS && complete; i++)
		complete = has_column(&l->cols, ledger_cols[i].name);
	if (!complete) {
		batch_add(&b, DBS_BEGIN, NULL, NULL, 0, 0, 0);
		ensure_main(db, l, &b);
		ledger_progress_create(db, &b);
		batch_add(&b, DBS_COMMIT, NULL, NULL, 0, 0, 0);
	}
	describe_stmt(db, complete ? LEDGER_PROGRESS_TABLE : LEDGER_TABLE, &b,
		      &desc);
	ledger_progress_select(db, true, &b, &prog);
	r = batch_run(db, &b, &failed, e);
	/* all but the read went through (the transaction committed) */
	if (r < 0 && r != ERR_CONNECT && failed == b.n - 1)
		r = progress_repair(db, complete ? desc : NULL, &prog, e);
	else if (r < 0 && !complete)
		db_rollback(db, &(struct err){ 0 });
	if (r == 0 && !complete) {
		db_columns_release(&l->cols);
		db_describe_rows(db, desc, &l->cols);
		l->exists = true;
	}
	if (r == 0) {
		ledger_progress_rows(l, prog, true);
		l->progress_exists = true;
	}
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
row_set(struct ledger_row *row, const struct ledger_col *c, const char *v)
{
	char *p = (char *)row + c->off;

	if (c->type == COL_INT)
		*(int64_t *)(void *)p = v ? strtoll(v, NULL, 10)
				    : (strcmp(c->name, "committed") == 0 ? -1 : 0);
	else
		*(char **)(void *)p = xstrdup_or_null(v);
}

static void
row_release(struct ledger_row *row)
{
	size_t i;

	for (i = 0; i < NCOLS; i++)
		if (ledger_cols[i].type != COL_INT)
			free(*(char **)(void *)((char *)row +
						ledger_cols[i].off));
}

static void
ledger_push(struct ledger *l, const struct ledger_row *src)
{
	struct ledger_row *row;
	size_t i;

	XGROW(l->v, l->n + 1, l->cap);
	row = &l->v[l->n++];
	memset(row, 0, sizeof(*row));
	for (i = 0; i < NCOLS; i++) {
		const struct ledger_col *c = &ledger_cols[i];
		const char *p = (const char *)src + c->off;

		if (c->type == COL_INT)
			*(int64_t *)(void *)((char *)row + c->off) =
			    *(const int64_t *)(const void *)p;
		else
			*(char **)(void *)((char *)row + c->off) =
			    xstrdup_or_null(*(char *const *)(const void *)p);
	}
}

/* The SELECT of the columns to read (those cols has; all when NULL). */
static size_t
select_sql(struct db *db, const struct db_columns *cols, bool full,
	   const struct ledger_col **sel, struct buf *sql)
{
	size_t i, nsel = 0;

	buf_adds(sql, "SELECT ");
	for (i = 0; i < NCOLS; i++) {
		if ((cols && !has_column(cols, ledger_cols[i].name)) ||
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
			row_set(row, sel[j], db_rows_get(rows, i, j));
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
	const struct ledger_col *sel[NCOLS];
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

/*
 * The object_id of the next row. The INSERT computes it on the server
 * (max + 1, so rows written by another tool are respected, and unique
 * whether or not the lock excluded another runner); under the lock l
 * holds every row, and this is the number the server computes.
 */
static int64_t
next_id(const struct ledger *l)
{
	int64_t max = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].object_id > max)
			max = l->v[i].object_id;
	return max + 1;
}

/*
 * The text param of column c, fitted to what the column holds; the fitted
 * copy lives in *keep until the statement ran. A line for fitted says what
 * changed.
 */
static struct db_param
fit_param(const struct ledger *l, const char *name, const char *v,
	  struct buf *keep, struct strv *fitted)
{
	const struct db_column *c = db_columns_find(&l->cols, name);
	struct buf line = BUF_INIT;
	unsigned what;
	size_t n;

	if (v == NULL || c == NULL ||
	    (what = textfit(&c->fit, v, keep, &n)) == 0)
		return DBP_TEXTV(v);
	buf_addf(&line, "column %s", name);
	if (what & TEXTFIT_REPLACED)
		buf_addf(&line, ": %zu character%s %s cannot hold replaced "
				"by '?'",
			 n, n == 1 ? "" : "s",
			 c->charset ? c->charset : textfit_rep_name(c->fit.rep));
	if (what & TEXTFIT_TRUNCATED)
		buf_addf(&line, "%s cut to its limit of %lld %s",
			 (what & TEXTFIT_REPLACED) ? ", and" : ":",
			 (long long)(c->fit.max_chars ? c->fit.max_chars
						      : c->fit.max_bytes),
			 c->fit.max_chars ? "characters" : "bytes");
	if (fitted)
		strv_push(fitted, line.ptr);
	buf_release(&line);
	return DBP_TEXTV(keep->ptr);
}

/* object_id as the INSERT computes it: see next_id. */
static void
next_id_sql(struct db *db, struct buf *out)
{
	buf_adds(out, "(SELECT COALESCE(MAX(");
	db_quote_ident(db, "object_id", out);
	buf_adds(out, "), 0) + 1 FROM ");
	db_qualify(db, LEDGER_TABLE, out);
	buf_adds(out, ")");
}

/* The INSERT of row into sql, its n values in params (texts fitted into
 * keep[]). */
static size_t
append_sql(struct db *db, const struct ledger *l, const struct ledger_row *row,
	   struct buf *sql, struct db_param *params, struct buf *keep,
	   struct strv *fitted)
{
	struct buf marks = BUF_INIT;
	size_t i, n = 0;

	buf_adds(sql, "INSERT INTO ");
	db_qualify(db, LEDGER_TABLE, sql);
	buf_adds(sql, " (");
	for (i = 0; i < NCOLS; i++) {
		const struct ledger_col *c = &ledger_cols[i];
		const char *p = (const char *)row + c->off;

		if (l->exists && !has_column(&l->cols, c->name))
			continue;
		buf_adds(sql, i > 0 ? ", " : "");
		buf_adds(&marks, i > 0 ? ", " : "");
		db_quote_ident(db, c->name, sql);
		if (i == 0) {
			next_id_sql(db, &marks);
		} else if (c->type == COL_INT) {
			int64_t v = *(const int64_t *)(const void *)p;

			buf_adds(&marks, "?");
			params[n++] = (strcmp(c->name, "committed") == 0 &&
				       v < 0) ? DBP_NULLV : DBP_INTV(v);
		} else {
			buf_adds(&marks, "?");
			params[n++] = fit_param(l, c->name,
						*(char *const *)(const void *)p,
						&keep[i], fitted);
		}
	}
	buf_addf(sql, ") VALUES (%s)", marks.ptr);
	buf_release(&marks);
	return n;
}

int64_t
ledger_appended(struct ledger *l, const struct ledger_row *row)
{
	struct ledger_row copy = *row;

	copy.object_id = next_id(l);
	ledger_push(l, &copy);
	return copy.object_id;
}

void
ledger_append_stmt(struct db *db, const struct ledger *l,
		   const struct ledger_row *row, struct strv *fitted,
		   struct batch *b, int tag, int arg)
{
	struct db_param params[NCOLS];
	struct buf keep[NCOLS];
	struct buf sql = BUF_INIT;
	size_t i, n;

	for (i = 0; i < NCOLS; i++)
		buf_init(&keep[i]);
	n = append_sql(db, l, row, &sql, params, keep, fitted);
	batch_add(b, DBS_SQL, sql.ptr, params, n, tag, arg);
	for (i = 0; i < NCOLS; i++)
		buf_release(&keep[i]);
	buf_release(&sql);
}

int
ledger_append(struct db *db, struct ledger *l, const struct ledger_row *row,
	      int64_t *id_out, struct strv *fitted, struct err *e)
{
	struct db_param params[NCOLS];
	struct buf keep[NCOLS];
	struct buf sql = BUF_INIT;
	size_t i, n;
	int64_t id;
	int r;

	for (i = 0; i < NCOLS; i++)
		buf_init(&keep[i]);
	n = append_sql(db, l, row, &sql, params, keep, fitted);
	if ((r = db_query(db, sql.ptr, params, n, NULL, e)) < 0)
		err_prefix(e, "writing to bookkeeping table '%s'", LEDGER_TABLE);
	else if ((id = ledger_appended(l, row)) && id_out)
		*id_out = id;
	for (i = 0; i < NCOLS; i++)
		buf_release(&keep[i]);
	buf_release(&sql);
	return r;
}

int
ledger_set_end(struct db *db, struct ledger *l, int64_t id, int64_t end,
	       struct err *e)
{
	static const char *const cols[] = { "end", "duration", "end_s" };
	struct ledger_row *row = (struct ledger_row *)ledger_find(l, id);
	struct db_param p[4];
	struct buf sql = BUF_INIT;
	char end_s[32];
	size_t i;
	int r;

	if (row == NULL)
		return 0;
	ledger_format_time(end, end_s);
	p[0] = DBP_INTV(end);
	p[1] = DBP_INTV(end - row->start);
	p[2] = (struct db_param){ DBP_TEXT, 0, end_s };
	p[3] = DBP_INTV(id);
	buf_adds(&sql, "UPDATE ");
	db_qualify(db, LEDGER_TABLE, &sql);
	for (i = 0; i < 3; i++) {
		buf_adds(&sql, i == 0 ? " SET " : ", ");
		db_quote_ident(db, cols[i], &sql);
		buf_adds(&sql, " = ?");
	}
	buf_adds(&sql, " WHERE ");
	db_quote_ident(db, "object_id", &sql);
	buf_adds(&sql, " = ?");
	if ((r = db_query(db, sql.ptr, p, 4, NULL, e)) < 0) {
		err_prefix(e, "writing to bookkeeping table '%s'", LEDGER_TABLE);
	} else {
		row->end = end;
		row->duration = end - row->start;
	}
	buf_release(&sql);
	return r;
}

int
ledger_serialise(struct db *db, struct err *e)
{
	struct buf table = BUF_INIT;
	int r;

	db_qualify(db, LEDGER_TABLE, &table);
	r = db_serialize(db, table.ptr, e);
	buf_release(&table);
	return r;
}

/* The newest object_id l holds for uuid; 0 when none. */
static int64_t
latest_known(const struct ledger *l, const char *uuid)
{
	size_t i;

	for (i = l->n; i-- > 0;)
		if (l->v[i].uuid && strcmp(l->v[i].uuid, uuid) == 0)
			return l->v[i].object_id;
	return 0;
}

/* The newest row of uuid past what l knows (two values: uuid, id). */
static void
claim_sql(struct db *db, const struct ledger *l, struct buf *sql)
{
	static const char *const cols[] = { "object_id", "result", "operation",
					    "run_id" };
	size_t i;

	buf_adds(sql, "SELECT ");
	for (i = 0; i < 4; i++) {
		if (i > 0)
			buf_adds(sql, ", ");
		db_quote_ident(db, has_column(&l->cols, cols[i]) ? cols[i]
								: "object_id",
			       sql);
	}
	buf_adds(sql, " FROM ");
	db_qualify(db, LEDGER_TABLE, sql);
	buf_adds(sql, " WHERE ");
	db_quote_ident(db, "uuid", sql);
	buf_adds(sql, " = ? AND ");
	db_quote_ident(db, "object_id", sql);
	buf_adds(sql, " > ? ORDER BY ");
	db_quote_ident(db, "object_id", sql);
	buf_adds(sql, " DESC LIMIT 1");
}

/*
 * In a batch the check is a statement the server fails when such a row
 * exists (must_be_empty), before the migration's first statement runs;
 * the caller then rolls back and asks ledger_claim which row it was.
 */
struct db_stmt *
ledger_claim_stmts(struct db *db, const struct ledger *l, const char *uuid,
		   struct batch *b, int tag)
{
	struct db_param p[2] = { DBP_TEXTV(uuid),
				 DBP_INTV(latest_known(l, uuid)) };
	struct buf sql = BUF_INIT;
	struct db_stmt *s;

	if (!l->exists)
		return NULL;
	db_qualify(db, LEDGER_TABLE, &sql);
	batch_add(b, DBS_SERIALIZE, sql.ptr, NULL, 0, tag, 0);
	buf_reset(&sql);
	claim_sql(db, l, &sql);
	s = batch_add(b, DBS_SQL, sql.ptr, p, 2, tag, 0);
	s->must_be_empty = true;
	buf_release(&sql);
	return s;
}

int
ledger_claim(struct db *db, struct ledger *l, const char *uuid,
	     bool serialise, const struct ledger_row **other, struct err *e)
{
	struct db_param p[2] = { DBP_TEXTV(uuid),
				 DBP_INTV(latest_known(l, uuid)) };
	struct db_rows *rows = NULL;
	struct ledger_row row;
	struct buf sql = BUF_INIT;
	int r;

	*other = NULL;
	if (!l->exists)
		return 0; /* nothing recorded it: there is no table yet */
	if (serialise && (r = ledger_serialise(db, e)) < 0)
		return r;
	claim_sql(db, l, &sql);
	if ((r = db_query(db, sql.ptr, p, 2, &rows, e)) < 0 ||
	    rows->nrows == 0)
		goto out;
	memset(&row, 0, sizeof(row));
	row.object_id = strtoll(db_rows_get(rows, 0, 0), NULL, 10);
	row.uuid = (char *)uuid;
	row.result = (char *)db_rows_get(rows, 0, 1);
	row.operation = (char *)db_rows_get(rows, 0, 2);
	row.run_id = has_column(&l->cols, "run_id")
			     ? (char *)db_rows_get(rows, 0, 3)
			     : NULL;
	row.committed = -1;
	ledger_push(l, &row);
	*other = &l->v[l->n - 1];
	r = 1;
out:
	if (r < 0)
		err_prefix(e, "reading bookkeeping table '%s'", LEDGER_TABLE);
	db_rows_free(rows);
	buf_release(&sql);
	return r;
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

/* ---- for people: dry_upgrade --sql -------------------------------------- */

static bool
is_unknown(const char *name, const char *const *unknown)
{
	for (; unknown && *unknown; unknown++)
		if (strcmp(*unknown, name) == 0)
			return true;
	return false;
}

static void
literal(const char *s, struct buf *out)
{
	if (s == NULL) {
		buf_adds(out, "NULL");
		return;
	}
	buf_addc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_addc(out, '\'');
		buf_addc(out, *s);
	}
	buf_addc(out, '\'');
}

void
ledger_insert_text(struct db *db, const struct ledger_row *row,
		   const char *const *unknown, struct buf *out)
{
	struct buf values = BUF_INIT;
	size_t i;

	buf_adds(out, "INSERT INTO ");
	/* unqualified: the same plan text for every database of a fleet */
	db_quote_ident(db, LEDGER_TABLE, out);
	buf_adds(out, " (");
	for (i = 0; i < NCOLS; i++) {
		const struct ledger_col *c = &ledger_cols[i];
		const char *p = (const char *)row + c->off;

		buf_adds(out, i ? ", " : "");
		buf_adds(&values, i ? ", " : "");
		db_quote_ident(db, c->name, out);
		if (is_unknown(c->name, unknown))
			buf_addf(&values, "<%s>", c->name);
		else if (c->type != COL_INT)
			literal(*(char *const *)(const void *)p, &values);
		else if (strcmp(c->name, "committed") == 0 &&
			 *(const int64_t *)(const void *)p < 0)
			buf_adds(&values, "NULL");
		else
			buf_addf(&values, "%lld",
				 (long long)*(const int64_t *)(const void *)p);
	}
	buf_addf(out, ")\nVALUES (%s)", values.ptr);
	buf_release(&values);
}
