/*
 * The MySQL driver's queries: a prepared statement, its values bound
 * (never spliced into the text), its rows fetched into a struct db_rows
 * whatever their size. See mydb.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "common/xmalloc.h"
#include "drivers/mysql/mydb.h"
#include "common/banned.h"

/*
 * Smallest result buffer. Connector/C formats a number to fit the buffer it
 * is given (2.5e300 into 3 bytes is "3e3", reported as whole), so every
 * buffer must hold any integer, double or date as text: 64 bytes do. Longer
 * strings are sized from max_length or fetched again.
 */
#define MY_MIN_CELL 64

/* Storage the bound parameters point into while the statement runs. */
struct my_slot {
	unsigned long len;
	long long i;
};

static void
my_bind_params(const struct db_param *params, size_t n, MYSQL_BIND *b,
	       struct my_slot *slot)
{
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&b[i], 0, sizeof(b[i]));
		switch (params[i].type) {
		case DBP_INT:
			slot[i].i = params[i].i;
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = &slot[i].i;
			break;
		case DBP_TEXT:
			/* exact length: text goes byte for byte */
			slot[i].len = strlen(params[i].s);
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)params[i].s;
			b[i].buffer_length = slot[i].len;
			b[i].length = &slot[i].len;
			break;
		case DBP_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		}
	}
}

/* One result column, fetched as text into a buffer that grows on demand. */
struct my_col {
	char *buf;
	unsigned long cap;
	unsigned long len;
	my_bool isnull;
	my_bool truncated;
};

static char *
my_cell(MYSQL_STMT *st, unsigned int i, const struct my_col *c)
{
	MYSQL_BIND b;
	unsigned long len;
	char *big;

	if (c->isnull)
		return NULL;
	if (c->len <= c->cap)
		return xstrndup(c->buf, c->len);
	/* longer than every value seen by store_result suggested: refetch */
	big = xmalloc((size_t)c->len + 1);
	memset(&b, 0, sizeof(b));
	b.buffer_type = MYSQL_TYPE_STRING;
	b.buffer = big;
	b.buffer_length = c->len + 1;
	b.length = &len;
	if (mysql_stmt_fetch_column(st, &b, i, 0) != 0)
		len = 0;
	big[len < c->len ? len : c->len] = '\0';
	return big;
}

static void
my_bind_columns(MYSQL_RES *meta, MYSQL_BIND *b, struct my_col *cols,
		unsigned int n)
{
	MYSQL_FIELD *f = mysql_fetch_fields(meta);
	unsigned int i;

	for (i = 0; i < n; i++) {
		cols[i].cap = f[i].max_length > MY_MIN_CELL ? f[i].max_length
							    : MY_MIN_CELL;
		cols[i].buf = xmalloc(cols[i].cap + 1);
		memset(&b[i], 0, sizeof(b[i]));
		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer = cols[i].buf;
		b[i].buffer_length = cols[i].cap + 1;
		b[i].length = &cols[i].len;
		b[i].is_null = &cols[i].isnull;
		b[i].error = &cols[i].truncated;
	}
}

static const char *
my_fname(void *meta, size_t i)
{
	return mysql_fetch_field_direct(meta, (unsigned int)i)->name;
}

/* Every row, every column as text: the caller's struct db_rows. */
static int
my_fetch(struct mydb *my, MYSQL_STMT *st, struct db_rows **out,
	 struct err *e)
{
	unsigned int i, n = mysql_stmt_field_count(st);
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	MYSQL_BIND *b = xcalloc(n, sizeof(*b));
	struct my_col *cols = xcalloc(n, sizeof(*cols));
	struct db_rows *r = xcalloc(1, sizeof(*r));
	size_t cap = 0;
	int rc = 0, frc;

	r->ncols = n;
	if (!meta || mysql_stmt_store_result(st)) {
		rc = my_stmt_fail(my, st, e);
		goto out;
	}
	my_bind_columns(meta, b, cols, n);
	db_rows_set_names(r, my_fname, meta);
	if (mysql_stmt_bind_result(st, b)) {
		rc = my_stmt_fail(my, st, e);
		goto out;
	}
	while ((frc = mysql_stmt_fetch(st)) == 0 || frc == MYSQL_DATA_TRUNCATED) {
		XGROW(r->cells, (r->nrows + 1) * n, cap);
		for (i = 0; i < n; i++)
			r->cells[r->nrows * n + i] = my_cell(st, i, &cols[i]);
		r->nrows++;
	}
	if (frc != MYSQL_NO_DATA)
		rc = my_stmt_fail(my, st, e);
out:
	for (i = 0; i < n; i++)
		free(cols[i].buf);
	free(cols);
	free(b);
	if (meta)
		mysql_free_result(meta);
	if (rc == 0 && out)
		*out = r;
	else
		db_rows_free(r);
	return rc;
}

/* Values are always bound, never spliced into the text. */
int
my_query(struct db *db, const char *sql, const struct db_param *params,
	 size_t nparams, struct db_rows **out, struct err *e)
{
	struct mydb *my = (struct mydb *)db;
	MYSQL_STMT *st = mysql_stmt_init(my->conn);
	MYSQL_BIND *b = xcalloc(nparams ? nparams : 1, sizeof(*b));
	struct my_slot *slot = xcalloc(nparams ? nparams : 1, sizeof(*slot));
	my_bool yes = 1;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!st || (my->pending && (rc = my_settle(my, e)) < 0)) {
		rc = st ? rc : my_fail(my, e);
		goto out;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql))) {
		rc = my_stmt_fail(my, st, e);
		goto out;
	}
	if (mysql_stmt_param_count(st) != nparams) {
		rc = driver_count_mismatch(mysql_stmt_param_count(st),
					   nparams, sql, e);
		goto out;
	}
	my_bind_params(params, nparams, b, slot);
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &yes);
	if ((nparams && mysql_stmt_bind_param(st, b)) ||
	    mysql_stmt_execute(st)) {
		rc = my_stmt_fail(my, st, e);
		goto out;
	}
	if (mysql_stmt_field_count(st) > 0)
		rc = my_fetch(my, st, out, e);
	else if (out)
		*out = xcalloc(1, sizeof(**out));
out:
	if (st)
		mysql_stmt_close(st);
	free(b);
	free(slot);
	return rc;
}
