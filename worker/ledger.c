/* The bookkeeping table: creation, reading and appending rows. */
#include "config.h"

#include "worker/ledger.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/buf.h"
#include "common/xmalloc.h"
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

static int
ledger_create(struct db *db, struct err *e)
{
	struct buf sql = BUF_INIT, name = BUF_INIT;
	size_t i;
	int r;

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
	if ((r = db_exec(db, sql.ptr, e)) < 0)
		goto out;
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
		if ((r = db_exec(db, sql.ptr, e)) < 0)
			goto out;
	}
out:
	buf_release(&sql);
	buf_release(&name);
	return r;
}

static bool
has_column(const struct db_columns *cols, const char *name)
{
	return db_columns_find(cols, name) != NULL;
}

static int
progress_create(struct db *db, struct err *e)
{
	struct buf sql = BUF_INIT;
	int r;

	buf_adds(&sql, "CREATE TABLE ");
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
	r = db_exec(db, sql.ptr, e);
	buf_release(&sql);
	return r;
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

/* The progress rows; sums: the table has the checksums column. */
static int
progress_load(struct db *db, struct ledger *l, bool sums, struct err *e)
{
	struct db_rows *rows = NULL;
	struct buf sql = BUF_INIT;
	size_t i;
	int r;

	buf_adds(&sql, "SELECT ");
	db_quote_ident(db, "uuid", &sql);
	buf_adds(&sql, ", ");
	db_quote_ident(db, "committed", &sql);
	buf_adds(&sql, ", ");
	db_quote_ident(db, sums ? "checksums" : "uuid", &sql);
	buf_adds(&sql, " FROM ");
	db_qualify(db, LEDGER_PROGRESS_TABLE, &sql);
	if ((r = db_query(db, sql.ptr, NULL, 0, &rows, e)) == 0) {
		for (i = 0; i < rows->nrows; i++) {
			const char *u = db_rows_get(rows, i, 0);
			const char *c = db_rows_get(rows, i, 1);

			if (u != NULL)
				progress_push(l, u,
					      c ? strtoll(c, NULL, 10) : 0,
					      sums ? db_rows_get(rows, i, 2)
						   : NULL);
		}
	}
	db_rows_free(rows);
	buf_release(&sql);
	return r;
}

static int
add_column(struct db *db, const char *table, const char *name,
	   const char *type, struct err *e)
{
	struct buf sql = BUF_INIT;
	int r;

	buf_adds(&sql, "ALTER TABLE ");
	db_qualify(db, table, &sql);
	buf_adds(&sql, " ADD COLUMN ");
	db_quote_ident(db, name, &sql);
	buf_addf(&sql, " %s", type);
	r = db_exec(db, sql.ptr, e);
	buf_release(&sql);
	return r;
}

/* Add to the open transaction what the bookkeeping table lacks. */
static int
ensure_main(struct db *db, struct ledger *l, struct err *e)
{
	size_t i;
	int r = 0;

	if (!l->exists)
		return ledger_create(db, e);
	for (i = 0; i < NCOLS && r == 0; i++)
		if (!has_column(&l->cols, ledger_cols[i].name))
			r = add_column(db, LEDGER_TABLE, ledger_cols[i].name,
				       col_sql_type(db, ledger_cols[i].type),
				       e);
	return r;
}

static int
ensure_once(struct db *db, struct ledger *l, struct err *e)
{
	struct strv pcols = STRV_INIT;
	bool txn = false, complete = l->exists, sums;
	size_t i;
	int r;

	for (i = 0; i < NCOLS && complete; i++)
		complete = has_column(&l->cols, ledger_cols[i].name);
	if ((r = db_columns(db, LEDGER_PROGRESS_TABLE, &pcols, e)) < 0)
		goto out;
	l->progress_exists = pcols.n > 0;
	sums = strv_contains(&pcols, "checksums");
	if (complete && l->progress_exists && sums) {
		r = progress_load(db, l, true, e);
		goto out;
	}
	/* One transaction for the tables, indexes and new columns: one
	 * commit (one fsync) instead of one per statement. */
	if ((r = db_begin(db, e)) < 0)
		goto out;
	txn = true;
	if ((r = ensure_main(db, l, e)) < 0)
		goto out;
	if (!l->progress_exists && (r = progress_create(db, e)) < 0)
		goto out;
	/* a table made before the checksums were kept */
	if (l->progress_exists && !sums &&
	    (r = add_column(db, LEDGER_PROGRESS_TABLE, "checksums",
			    db->drv->type_text, e)) < 0)
		goto out;
	if ((r = db_commit(db, e)) < 0)
		goto out;
	txn = false;
	if (l->progress_exists && (r = progress_load(db, l, true, e)) < 0)
		goto out;
	l->progress_exists = true;
	/* What the new table or columns hold, as the server made them. */
	db_columns_release(&l->cols);
	if ((r = db_describe(db, LEDGER_TABLE, &l->cols, e)) < 0)
		goto out;
	l->exists = true;
out:
	if (txn)
		db_rollback(db, &(struct err){ 0 });
	strv_release(&pcols);
	return r;
}

int
ledger_read_progress(struct db *db, struct ledger *l, struct err *e)
{
	struct strv pcols = STRV_INIT;
	int r;

	if ((r = db_columns(db, LEDGER_PROGRESS_TABLE, &pcols, e)) == 0 &&
	    pcols.n > 0 && l->nprogress == 0)
		r = progress_load(db, l, strv_contains(&pcols, "checksums"), e);
	strv_release(&pcols);
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

/* "INSERT INTO t (committed, run_id, updated, checksums, uuid) VALUES
 * (...)", or the UPDATE of a row that exists, or its DELETE. */
static void
progress_sql(struct db *db, const struct ledger_progress *p, int committed,
	     struct buf *sql)
{
	static const char *const cols[] = { "committed", "run_id", "updated",
					    "checksums" };
	size_t i;

	if (committed < 0 || p != NULL) {
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

int
ledger_set_progress(struct db *db, struct ledger *l, const char *uuid,
		    int committed, const char *checksums, const char *run_id,
		    struct err *e)
{
	struct db_param p[5] = { DBP_INTV(committed), DBP_TEXTV(run_id),
				 DBP_INTV((int64_t)time(NULL)),
				 DBP_TEXTV(checksums), DBP_TEXTV(uuid) };
	struct ledger_progress *known = progress_find(l, uuid);
	struct buf sql = BUF_INIT;
	int r;

	if (committed < 0 && known == NULL)
		return 0;
	progress_sql(db, known, committed, &sql);
	/* A DELETE binds the uuid alone. */
	r = db_query(db, sql.ptr, committed < 0 ? &p[4] : p,
		     committed < 0 ? 1 : 5, NULL, e);
	if (r < 0) {
		err_prefix(e, "recording progress in '%s'",
			   LEDGER_PROGRESS_TABLE);
	} else if (committed < 0) {
		progress_drop(l, known);
	} else if (known != NULL) {
		known->committed = committed;
		free(known->checksums);
		known->checksums = xstrdup_or_null(checksums);
	} else {
		progress_push(l, uuid, committed, checksums);
	}
	buf_release(&sql);
	return r;
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

int
ledger_load(struct db *db, bool full, struct ledger *out, struct err *e)
{
	const struct ledger_col *sel[NCOLS];
	struct db_rows *rows = NULL;
	struct buf sql = BUF_INIT;
	size_t i, j, nsel = 0;
	int r;

	if ((r = db_describe(db, LEDGER_TABLE, &out->cols, e)) < 0)
		goto out;
	out->exists = out->cols.n > 0;
	if (!out->exists)
		goto out;
	buf_adds(&sql, "SELECT ");
	for (i = 0; i < NCOLS; i++) {
		if (!has_column(&out->cols, ledger_cols[i].name) ||
		    (!full && !ledger_cols[i].light))
			continue;
		if (nsel > 0)
			buf_adds(&sql, ", ");
		db_quote_ident(db, ledger_cols[i].name, &sql);
		sel[nsel++] = &ledger_cols[i];
	}
	buf_adds(&sql, " FROM ");
	db_qualify(db, LEDGER_TABLE, &sql);
	buf_adds(&sql, " ORDER BY ");
	db_quote_ident(db, "object_id", &sql);
	if ((r = db_query(db, sql.ptr, NULL, 0, &rows, e)) < 0)
		goto out;
	out->v = xcalloc(rows->nrows ? rows->nrows : 1, sizeof(*out->v));
	out->cap = rows->nrows ? rows->nrows : 1;
	for (i = 0; i < rows->nrows; i++) {
		struct ledger_row *row = &out->v[out->n++];

		row->committed = -1;
		for (j = 0; j < nsel; j++)
			row_set(row, sel[j], db_rows_get(rows, i, j));
	}
out:
	if (r < 0)
		err_prefix(e, "reading bookkeeping table '%s'", LEDGER_TABLE);
	db_rows_free(rows);
	buf_release(&sql);
	return r;
}

void
ledger_release(struct ledger *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		row_release(&l->v[i]);
	free(l->v);
	db_columns_release(&l->cols);
	for (i = 0; i < l->nprogress; i++) {
		free(l->progress[i].uuid);
		free(l->progress[i].checksums);
	}
	free(l->progress);
	l->progress = NULL;
	l->nprogress = l->progress_cap = 0;
	l->v = NULL;
	l->n = l->cap = 0;
	l->exists = false;
}

static int
ledger_next_id(struct db *db, int64_t *id, struct err *e)
{
	struct db_rows *rows = NULL;
	struct buf sql = BUF_INIT;
	const char *v;
	int r;

	buf_adds(&sql, "SELECT MAX(");
	db_quote_ident(db, "object_id", &sql);
	buf_adds(&sql, ") FROM ");
	db_qualify(db, LEDGER_TABLE, &sql);
	if ((r = db_query(db, sql.ptr, NULL, 0, &rows, e)) == 0) {
		v = rows->nrows > 0 ? db_rows_get(rows, 0, 0) : NULL;
		*id = (v ? strtoll(v, NULL, 10) : 0) + 1;
	}
	db_rows_free(rows);
	buf_release(&sql);
	return r;
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

int
ledger_append(struct db *db, struct ledger *l, const struct ledger_row *row,
	      int64_t *id_out, struct strv *fitted, struct err *e)
{
	struct db_param params[NCOLS];
	struct buf keep[NCOLS];
	struct ledger_row copy = *row;
	struct buf sql = BUF_INIT, marks = BUF_INIT;
	size_t i, n = 0;
	int r;

	for (i = 0; i < NCOLS; i++)
		buf_init(&keep[i]);
	if ((r = ledger_next_id(db, &copy.object_id, e)) < 0)
		goto out;
	buf_adds(&sql, "INSERT INTO ");
	db_qualify(db, LEDGER_TABLE, &sql);
	buf_adds(&sql, " (");
	for (i = 0; i < NCOLS; i++) {
		const struct ledger_col *c = &ledger_cols[i];
		const char *p = (const char *)&copy + c->off;

		if (l->exists && !has_column(&l->cols, c->name))
			continue;
		if (n > 0) {
			buf_adds(&sql, ", ");
			buf_adds(&marks, ", ");
		}
		db_quote_ident(db, c->name, &sql);
		buf_adds(&marks, "?");
		if (c->type == COL_INT) {
			int64_t v = *(const int64_t *)(const void *)p;

			params[n++] = (strcmp(c->name, "committed") == 0 &&
				       v < 0) ? DBP_NULLV : DBP_INTV(v);
		} else
			params[n++] = fit_param(l, c->name,
						*(char *const *)(const void *)p,
						&keep[i], fitted);
	}
	buf_addf(&sql, ") VALUES (%s)", marks.ptr);
	if ((r = db_query(db, sql.ptr, params, n, NULL, e)) < 0)
		goto out;
	ledger_push(l, &copy);
	if (id_out)
		*id_out = copy.object_id;
out:
	if (r < 0)
		err_prefix(e, "writing to bookkeeping table '%s'", LEDGER_TABLE);
	for (i = 0; i < NCOLS; i++)
		buf_release(&keep[i]);
	buf_release(&sql);
	buf_release(&marks);
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

/*
 * One query: the newest row of uuid past what l knows. Issue 12 sends a
 * migration as one PostgreSQL pipeline or one MySQL multi-statement
 * batch; there the check must be a statement that fails the batch when
 * such a row exists, before the migration's first statement runs:
 *   PostgreSQL: SELECT CAST('recorded meanwhile by run ' || run_id AS int)
 *     FROM migratore WHERE uuid = $1 AND object_id > $2 (the cast of a
 *     non-number fails only when there is a row, and names its run);
 *   MySQL: SELECT (SELECT 1 UNION ALL SELECT 2) FROM migratore WHERE ...
 *     ("Subquery returns more than 1 row", only when there is a row).
 * SQLite runs no batches: BEGIN IMMEDIATE, then this query.
 */
int
ledger_claim(struct db *db, struct ledger *l, const char *uuid,
	     bool serialise, const struct ledger_row **other, struct err *e)
{
	static const char *const cols[] = { "object_id", "result", "operation",
					    "run_id" };
	struct db_param p[2] = { DBP_TEXTV(uuid),
				 DBP_INTV(latest_known(l, uuid)) };
	struct db_rows *rows = NULL;
	struct ledger_row row;
	struct buf sql = BUF_INIT;
	size_t i;
	int r;

	*other = NULL;
	if (!l->exists)
		return 0; /* nothing recorded it: there is no table yet */
	if (serialise && (r = ledger_serialise(db, e)) < 0)
		return r;
	buf_adds(&sql, "SELECT ");
	for (i = 0; i < 4; i++) {
		if (i > 0)
			buf_adds(&sql, ", ");
		db_quote_ident(db, has_column(&l->cols, cols[i]) ? cols[i]
								: "object_id",
			       &sql);
	}
	buf_adds(&sql, " FROM ");
	db_qualify(db, LEDGER_TABLE, &sql);
	buf_adds(&sql, " WHERE ");
	db_quote_ident(db, "uuid", &sql);
	buf_adds(&sql, " = ? AND ");
	db_quote_ident(db, "object_id", &sql);
	buf_adds(&sql, " > ? ORDER BY ");
	db_quote_ident(db, "object_id", &sql);
	buf_adds(&sql, " DESC LIMIT 1");
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
