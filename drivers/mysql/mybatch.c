/*
 * A batch as one multi-statement query (CLIENT_MULTI_STATEMENTS): the
 * statements joined by ';', each result read in turn (mysql_next_result).
 * The server stops at the first statement that fails, so what follows it
 * never runs. A multi-statement query carries no bound values: the
 * driver writes each value as a literal, escaped for the connection's
 * character set by mysql_real_escape_string (which doubles quotes instead
 * when the server's sql_mode has NO_BACKSLASH_ESCAPES).
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "drivers/mysql/mydb.h"
#include "common/banned.h"

/* A CALL answers with more than one result: such a batch runs one by one. */
static bool
batch_fits(const struct db_stmt *v, size_t n)
{
	const char *p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].kind != DBS_RAW)
			continue;
		for (p = v[i].sql; isspace((unsigned char)*p); p++)
			;
		if (strncasecmp(p, "CALL", 4) == 0 || p[0] == '/' ||
		    p[0] == '-' || p[0] == '#')
			return false;
	}
	return true;
}

static void
add_literal(struct mydb *my, const struct db_param *p, struct buf *out)
{
	size_t len;
	char *esc;

	switch (p->type) {
	case DBP_NULL:
		buf_adds(out, "NULL");
		return;
	case DBP_INT:
		buf_addf(out, "%" PRId64, p->i);
		return;
	case DBP_TEXT:
		break;
	}
	len = strlen(p->s);
	esc = xmalloc(len * 2 + 1);
	len = mysql_real_escape_string(my->conn, esc, p->s,
				       (unsigned long)len);
	buf_addc(out, '\'');
	buf_add(out, esc, len);
	buf_addc(out, '\'');
	free(esc);
}

/* sql with each '?' outside quotes replaced by its value. */
static int
fill_values(struct mydb *my, const struct db_stmt *s, struct buf *out,
	    struct err *e)
{
	const char *p = s->sql;
	size_t used = 0, start = out->len;
	char q = 0;

	for (; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '\'' || *p == '"' || *p == '`') {
			q = *p;
		} else if (*p == '?') {
			if (used < s->nparams)
				add_literal(my, &s->params[used], out);
			used++;
			continue;
		}
		buf_addc(out, *p);
	}
	if (used != s->nparams) {
		buf_truncate(out, start);
		return driver_count_mismatch(used, s->nparams, s->sql, e);
	}
	return 0;
}

/* The server's statements of item s appended to text (each owned by
 * item i in owner); BEGIN and COMMIT as my_begin and my_end send them. */
static int
add_item(struct mydb *my, const struct db_stmt *s, size_t i,
	 struct buf *text, size_t **owner, size_t *n, size_t *cap,
	 struct err *e)
{
	static const char *const begin[] = { "SET autocommit = 0",
					     "START TRANSACTION", NULL };
	static const char *const commit[] = { "COMMIT", "SET autocommit = 1",
					      NULL };
	const char *const *fixed = s->kind == DBS_BEGIN    ? begin
				 : s->kind == DBS_COMMIT ? commit
							 : NULL;
	struct buf one = BUF_INIT;
	int rc = 0;

	if (s->kind == DBS_SERIALIZE)
		return 0; /* nothing to do: see driver_mysql.serialize */
	for (; fixed && *fixed; fixed++) {
		XGROW(*owner, *n + 1, *cap);
		(*owner)[(*n)++] = i;
		buf_addf(text, "%s%s", text->len ? ";\n" : "", *fixed);
	}
	if (fixed)
		return 0;
	if (s->kind == DBS_RAW)
		buf_adds(&one, s->sql);
	else if ((rc = fill_values(my, s, &one, e)) < 0)
		goto out;
	XGROW(*owner, *n + 1, *cap);
	(*owner)[(*n)++] = i;
	buf_adds(text, text->len ? ";\n" : "");
	if (s->kind == DBS_SQL && s->must_be_empty)
		driver_must_be_empty(one.ptr, text);
	else
		buf_adds(text, one.ptr);
out:
	buf_release(&one);
	return rc;
}

/* A result set as struct db_rows, every cell as text. */
static struct db_rows *
rows_of(MYSQL_RES *res)
{
	struct db_rows *r = xcalloc(1, sizeof(*r));
	unsigned long *len;
	MYSQL_ROW row;
	size_t i, cap = 0;

	r->ncols = mysql_num_fields(res);
	while ((row = mysql_fetch_row(res)) != NULL) {
		len = mysql_fetch_lengths(res);
		XGROW(r->cells, (r->nrows + 1) * r->ncols, cap);
		for (i = 0; i < r->ncols; i++)
			r->cells[r->nrows * r->ncols + i] =
			    row[i] ? xstrndup(row[i], len[i]) : NULL;
		r->nrows++;
	}
	return r;
}

/* The result of the server's statement owned by item s. */
static int
take_result(struct mydb *my, const struct db_stmt *s, struct err *e)
{
	MYSQL_RES *res = mysql_store_result(my->conn);

	if (res == NULL && mysql_field_count(my->conn) > 0)
		return my_fail(my, e);
	if (s->kind == DBS_RAW)
		my_note_session(my, s->sql);
	if (res && s->rows && s->kind == DBS_SQL)
		*s->rows = rows_of(res);
	if (res)
		mysql_free_result(res);
	return 0;
}

/* Each result in turn; *failed: the item of the first error. */
static int
read_results(struct mydb *my, const struct db_stmt *v, size_t n,
	     const size_t *owner, size_t nsrv, size_t *failed, struct err *e)
{
	size_t k, i, next = 0;
	int more, rc;

	for (k = 0; k < nsrv; k++) {
		if ((rc = take_result(my, &v[owner[k]], e)) < 0) {
			*failed = owner[k];
			return rc;
		}
		/* every item before the next statement's is done */
		for (i = next; i < (k + 1 < nsrv ? owner[k + 1] : n); i++)
			if (v[i].done)
				v[i].done(v[i].arg);
		next = k + 1 < nsrv ? owner[k + 1] : n;
		more = mysql_next_result(my->conn);
		if (more > 0 || (more < 0 && k + 1 < nsrv)) {
			*failed = k + 1 < nsrv ? owner[k + 1] : n - 1;
			return my_fail(my, e);
		}
	}
	*failed = n;
	return 0;
}

static int my_batch_of(struct mydb *my, const struct db_stmt *v, size_t n,
		       size_t *failed, struct err *e);

/*
 * The session settings still pending go first, as statements of the same
 * batch: a failure among them fails the batch at its first statement.
 */
int
my_batch(struct db *db, const struct db_stmt *v, size_t n, size_t *failed,
	 struct err *e)
{
	struct mydb *my = (struct mydb *)db;
	struct db_stmt *all;
	size_t k = 0, i;
	int rc;

	if (my->pending == NULL || !batch_fits(v, n))
		return my_batch_of(my, v, n, failed, e);
	while (my->pending[k])
		k++;
	all = xcalloc(n + k, sizeof(*all));
	for (i = 0; i < k; i++) {
		all[i].kind = DBS_RAW;
		all[i].sql = my->pending[i];
	}
	memcpy(all + k, v, n * sizeof(*v));
	my->pending = NULL;
	rc = my_batch_of(my, all, n + k, failed, e);
	*failed = *failed > k ? *failed - k : 0;
	free(all);
	return rc;
}

static int
my_batch_of(struct mydb *my, const struct db_stmt *v, size_t n, size_t *failed,
	    struct err *e)
{
	struct db *db = &my->base;
	struct buf text = BUF_INIT;
	size_t *owner = NULL, nsrv = 0, cap = 0, i;
	int rc = 0;

	if (!batch_fits(v, n))
		return driver_batch_each(db, v, n, failed, e);
	*failed = 0;
	for (i = 0; i < n && rc == 0; i++)
		if ((rc = add_item(my, &v[i], i, &text, &owner, &nsrv, &cap,
				   e)) < 0)
			*failed = i;
	if (rc < 0)
		goto out;
	if (nsrv == 0) {
		rc = driver_batch_each(db, v, n, failed, e);
		goto out;
	}
	db_trace(db, text.ptr);
	if (mysql_real_query(my->conn, text.ptr, (unsigned long)text.len)) {
		*failed = owner[0];
		rc = my_fail(my, e);
		goto out;
	}
	rc = read_results(my, v, n, owner, nsrv, failed, e);
out:
	free(owner);
	buf_release(&text);
	return rc;
}
