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
	db_quote_ident(db, LEDGER_TABLE, &sql);
	buf_adds(&sql, " (");
	for (i = 0; i < NCOLS; i++) {
		if (i > 0)
			buf_adds(&sql, ", ");
		db_quote_ident(db, ledger_cols[i].name, &sql);
		buf_addf(&sql, " %s%s", col_sql_type(db, ledger_cols[i].type),
			 i == 0 ? " NOT NULL PRIMARY KEY" : "");
	}
	buf_adds(&sql, ")");
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
		db_quote_ident(db, LEDGER_TABLE, &sql);
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
has_column(const struct strv *cols, const char *name)
{
	size_t i;

	for (i = 0; i < cols->n; i++)
		if (strcasecmp(cols->v[i], name) == 0)
			return true;
	return false;
}

static int
progress_create(struct db *db, struct err *e)
{
	struct buf sql = BUF_INIT;
	int r;

	buf_adds(&sql, "CREATE TABLE ");
	db_quote_ident(db, LEDGER_PROGRESS_TABLE, &sql);
	buf_adds(&sql, " (");
	db_quote_ident(db, "uuid", &sql);
	buf_addf(&sql, " %s NOT NULL PRIMARY KEY, ", db->drv->type_string);
	db_quote_ident(db, "committed", &sql);
	buf_addf(&sql, " %s NOT NULL, ", db->drv->type_int64);
	db_quote_ident(db, "run_id", &sql);
	buf_addf(&sql, " %s, ", db->drv->type_string);
	db_quote_ident(db, "updated", &sql);
	buf_addf(&sql, " %s)", db->drv->type_int64);
	r = db_exec(db, sql.ptr, e);
	buf_release(&sql);
	return r;
}

static int
progress_load(struct db *db, struct ledger *l, struct err *e)
{
	struct db_rows *rows = NULL;
	struct buf sql = BUF_INIT;
	size_t i;
	int r;

	buf_adds(&sql, "SELECT ");
	db_quote_ident(db, "uuid", &sql);
	buf_adds(&sql, ", ");
	db_quote_ident(db, "committed", &sql);
	buf_adds(&sql, " FROM ");
	db_quote_ident(db, LEDGER_PROGRESS_TABLE, &sql);
	if ((r = db_query(db, sql.ptr, NULL, 0, &rows, e)) == 0) {
		l->progress = xcalloc(rows->nrows + 1, sizeof(*l->progress));
		for (i = 0; i < rows->nrows; i++) {
			const char *u = db_rows_get(rows, i, 0);
			const char *c = db_rows_get(rows, i, 1);

			if (u == NULL)
				continue;
			l->progress[l->nprogress].uuid = xstrdup(u);
			l->progress[l->nprogress++].committed =
			    c ? strtoll(c, NULL, 10) : 0;
		}
	}
	db_rows_free(rows);
	buf_release(&sql);
	return r;
}

/* Add to the open transaction what the bookkeeping table lacks. */
static int
ensure_main(struct db *db, struct ledger *l, struct err *e)
{
	struct buf sql = BUF_INIT;
	size_t i;
	int r = 0;

	if (!l->exists)
		return ledger_create(db, e);
	for (i = 0; i < NCOLS && r == 0; i++) {
		if (has_column(&l->columns, ledger_cols[i].name))
			continue;
		buf_reset(&sql);
		buf_adds(&sql, "ALTER TABLE ");
		db_quote_ident(db, LEDGER_TABLE, &sql);
		buf_adds(&sql, " ADD COLUMN ");
		db_quote_ident(db, ledger_cols[i].name, &sql);
		buf_addf(&sql, " %s", col_sql_type(db, ledger_cols[i].type));
		r = db_exec(db, sql.ptr, e);
	}
	buf_release(&sql);
	return r;
}

int
ledger_ensure(struct db *db, struct ledger *l, struct err *e)
{
	struct strv pcols = STRV_INIT;
	bool txn = false, complete = l->exists;
	size_t i;
	int r = 0;

	for (i = 0; i < NCOLS && complete; i++)
		complete = has_column(&l->columns, ledger_cols[i].name);
	if (l->exists && (r = db_columns(db, LEDGER_PROGRESS_TABLE, &pcols,
					 e)) < 0)
		goto out;
	l->progress_exists = pcols.n > 0;
	if (complete && l->progress_exists) {
		r = progress_load(db, l, e);
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
	if ((r = db_commit(db, e)) < 0)
		goto out;
	txn = false;
	if (l->progress_exists && (r = progress_load(db, l, e)) < 0)
		goto out;
	l->progress_exists = true;
	for (i = 0; i < NCOLS; i++)
		if (!has_column(&l->columns, ledger_cols[i].name))
			strv_push(&l->columns, ledger_cols[i].name);
	l->exists = true;
out:
	if (txn)
		db_rollback(db, &(struct err){ 0 });
	if (r < 0)
		err_prefix(e, "bookkeeping table '%s'", LEDGER_TABLE);
	strv_release(&pcols);
	return r;
}

int
ledger_set_progress(struct db *db, struct ledger *l, const char *uuid,
		    int committed, const char *run_id, struct err *e)
{
	struct db_param p[4] = { DBP_TEXTV(uuid), DBP_INTV(committed),
				 DBP_TEXTV(run_id),
				 DBP_INTV((int64_t)time(NULL)) };
	struct buf sql = BUF_INIT;
	size_t i;
	int r;

	buf_adds(&sql, "DELETE FROM ");
	db_quote_ident(db, LEDGER_PROGRESS_TABLE, &sql);
	buf_adds(&sql, " WHERE ");
	db_quote_ident(db, "uuid", &sql);
	buf_adds(&sql, " = ?");
	if ((r = db_query(db, sql.ptr, p, 1, NULL, e)) < 0 || committed < 0)
		goto out;
	buf_reset(&sql);
	buf_adds(&sql, "INSERT INTO ");
	db_quote_ident(db, LEDGER_PROGRESS_TABLE, &sql);
	buf_adds(&sql, " VALUES (?, ?, ?, ?)");
	r = db_query(db, sql.ptr, p, 4, NULL, e);
out:
	for (i = 0; r == 0 && i < l->nprogress; i++)
		if (strcmp(l->progress[i].uuid, uuid) == 0)
			l->progress[i].committed = committed < 0 ? 0 : committed;
	if (r < 0)
		err_prefix(e, "recording progress in '%s'",
			   LEDGER_PROGRESS_TABLE);
	buf_release(&sql);
	return r;
}

int
ledger_progress_of(const struct ledger *l, const char *uuid)
{
	size_t i;

	for (i = 0; i < l->nprogress; i++)
		if (strcmp(l->progress[i].uuid, uuid) == 0)
			return (int)l->progress[i].committed;
	return 0;
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

	if ((r = db_columns(db, LEDGER_TABLE, &out->columns, e)) < 0)
		goto out;
	out->exists = out->columns.n > 0;
	if (!out->exists)
		goto out;
	buf_adds(&sql, "SELECT ");
	for (i = 0; i < NCOLS; i++) {
		if (!has_column(&out->columns, ledger_cols[i].name) ||
		    (!full && !ledger_cols[i].light))
			continue;
		if (nsel > 0)
			buf_adds(&sql, ", ");
		db_quote_ident(db, ledger_cols[i].name, &sql);
		sel[nsel++] = &ledger_cols[i];
	}
	buf_adds(&sql, " FROM ");
	db_quote_ident(db, LEDGER_TABLE, &sql);
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
	strv_release(&l->columns);
	for (i = 0; i < l->nprogress; i++)
		free(l->progress[i].uuid);
	free(l->progress);
	l->progress = NULL;
	l->nprogress = 0;
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
	db_quote_ident(db, LEDGER_TABLE, &sql);
	if ((r = db_query(db, sql.ptr, NULL, 0, &rows, e)) == 0) {
		v = rows->nrows > 0 ? db_rows_get(rows, 0, 0) : NULL;
		*id = (v ? strtoll(v, NULL, 10) : 0) + 1;
	}
	db_rows_free(rows);
	buf_release(&sql);
	return r;
}

int
ledger_append(struct db *db, struct ledger *l, const struct ledger_row *row,
	      int64_t *id_out, struct err *e)
{
	struct db_param params[NCOLS];
	struct ledger_row copy = *row;
	struct buf sql = BUF_INIT, marks = BUF_INIT;
	size_t i, n = 0;
	int r;

	if ((r = ledger_next_id(db, &copy.object_id, e)) < 0)
		goto out;
	buf_adds(&sql, "INSERT INTO ");
	db_quote_ident(db, LEDGER_TABLE, &sql);
	buf_adds(&sql, " (");
	for (i = 0; i < NCOLS; i++) {
		const struct ledger_col *c = &ledger_cols[i];
		const char *p = (const char *)&copy + c->off;

		if (l->exists && !has_column(&l->columns, c->name))
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
			params[n++] = DBP_TEXTV(*(char *const *)(const void *)p);
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
	buf_release(&sql);
	buf_release(&marks);
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
