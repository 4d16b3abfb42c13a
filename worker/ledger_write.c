/* Writing to the bookkeeping table: rows appended, ended, claimed. */
#include "config.h"

#include "worker/ledger_write.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "drivers/textfit.h"
#include "worker/ledger.h"
#include "worker/ledger_col.h"
#include "common/banned.h"

static void
ledger_push(struct ledger *l, const struct ledger_row *src)
{
	struct ledger_row *row;
	size_t i;

	XGROW(l->v, l->n + 1, l->cap);
	row = &l->v[l->n++];
	memset(row, 0, sizeof(*row));
	for (i = 0; i < LEDGER_NCOLS; i++)
		ledger_col_copy(row, src, &ledger_cols[i]);
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
	for (i = 0; i < LEDGER_NCOLS; i++) {
		const struct ledger_col *c = &ledger_cols[i];

		if (l->exists && !ledger_col_exists(&l->cols, c->name))
			continue;
		buf_adds(sql, i > 0 ? ", " : "");
		buf_adds(&marks, i > 0 ? ", " : "");
		db_quote_ident(db, c->name, sql);
		if (i == 0) {
			next_id_sql(db, &marks);
		} else if (c->type == LEDGER_COL_INT) {
			int64_t v = ledger_col_int(row, c);

			buf_adds(&marks, "?");
			params[n++] = (strcmp(c->name, "committed") == 0 &&
				       v < 0) ? DBP_NULLV : DBP_INTV(v);
		} else {
			buf_adds(&marks, "?");
			params[n++] = fit_param(l, c->name,
						ledger_col_text(row, c),
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

/* An INSERT ready to run: its text, its n values, the fitted texts they
 * point to. */
struct insert {
	struct buf sql;
	struct db_param params[LEDGER_NCOLS];
	size_t n;
	struct buf keep[LEDGER_NCOLS];
};

static void
insert_init(struct insert *ins, struct db *db, const struct ledger *l,
	    const struct ledger_row *row, struct strv *fitted)
{
	size_t i;

	buf_init(&ins->sql);
	for (i = 0; i < LEDGER_NCOLS; i++)
		buf_init(&ins->keep[i]);
	ins->n = append_sql(db, l, row, &ins->sql, ins->params, ins->keep,
			    fitted);
}

static void
insert_release(struct insert *ins)
{
	size_t i;

	for (i = 0; i < LEDGER_NCOLS; i++)
		buf_release(&ins->keep[i]);
	buf_release(&ins->sql);
}

void
ledger_append_stmt(struct db *db, const struct ledger *l,
		   const struct ledger_row *row, struct strv *fitted,
		   struct batch *b, int tag, int arg)
{
	struct insert ins;

	insert_init(&ins, db, l, row, fitted);
	batch_add(b, DBS_SQL, ins.sql.ptr, ins.params, ins.n, tag, arg);
	insert_release(&ins);
}

int
ledger_append(struct db *db, struct ledger *l, const struct ledger_row *row,
	      int64_t *id_out, struct strv *fitted, struct err *e)
{
	struct insert ins;
	int64_t id;
	int r;

	insert_init(&ins, db, l, row, fitted);
	if ((r = db_query(db, ins.sql.ptr, ins.params, ins.n, NULL, e)) < 0)
		err_prefix(e, "writing to bookkeeping table '%s'", LEDGER_TABLE);
	else if ((id = ledger_appended(l, row)) && id_out)
		*id_out = id;
	insert_release(&ins);
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
		db_quote_ident(db, ledger_col_exists(&l->cols, cols[i]) ? cols[i]
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

/* The row of uuid claim_sql found (one), added to l. */
static const struct ledger_row *
claimed(struct ledger *l, const char *uuid, const struct db_rows *rows)
{
	struct ledger_row row;

	memset(&row, 0, sizeof(row));
	row.object_id = strtoll(db_rows_get(rows, 0, 0), NULL, 10);
	row.uuid = (char *)uuid;
	row.result = (char *)db_rows_get(rows, 0, 1);
	row.operation = (char *)db_rows_get(rows, 0, 2);
	row.run_id = ledger_col_exists(&l->cols, "run_id")
			     ? (char *)db_rows_get(rows, 0, 3)
			     : NULL;
	row.committed = -1;
	ledger_push(l, &row);
	return &l->v[l->n - 1];
}

int
ledger_claim(struct db *db, struct ledger *l, const char *uuid,
	     bool serialise, const struct ledger_row **other, struct err *e)
{
	struct db_param p[2] = { DBP_TEXTV(uuid),
				 DBP_INTV(latest_known(l, uuid)) };
	struct db_rows *rows = NULL;
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
	*other = claimed(l, uuid, rows);
	r = 1;
out:
	if (r < 0)
		err_prefix(e, "reading bookkeeping table '%s'", LEDGER_TABLE);
	db_rows_free(rows);
	buf_release(&sql);
	return r;
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
	for (i = 0; i < LEDGER_NCOLS; i++) {
		const struct ledger_col *c = &ledger_cols[i];

		buf_adds(out, i ? ", " : "");
		buf_adds(&values, i ? ", " : "");
		db_quote_ident(db, c->name, out);
		if (is_unknown(c->name, unknown))
			buf_addf(&values, "<%s>", c->name);
		else if (c->type != LEDGER_COL_INT)
			literal(ledger_col_text(row, c), &values);
		else if (strcmp(c->name, "committed") == 0 &&
			 ledger_col_int(row, c) < 0)
			buf_adds(&values, "NULL");
		else
			buf_addf(&values, "%lld",
				 (long long)ledger_col_int(row, c));
	}
	buf_addf(out, ")\nVALUES (%s)", values.ptr);
	buf_release(&values);
}
