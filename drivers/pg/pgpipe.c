/*
 * A batch as one libpq pipeline: every statement sent, one Sync, then the
 * results read in order. The server answers at the Sync (or at a flush
 * request), so the whole batch costs one round trip.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "drivers/pg/pgdb.h"
#include "common/banned.h"

/* A pipeline cannot carry COPY; such a batch runs one by one. */
static bool
pipeline_fits(const struct db_stmt *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].kind == DBS_RAW && strcasestr(v[i].sql, "copy"))
			return false;
	return true;
}

/* The text of statement s (sql or serialize's), its params in p. */
static int
stmt_text(const struct db_stmt *s, struct pg_params *p, struct err *e)
{
	struct buf wrapped = BUF_INIT;
	int rc;

	switch (s->kind) {
	case DBS_BEGIN:
		return pg_params_init(p, "BEGIN", NULL, 0, e);
	case DBS_COMMIT:
		return pg_params_init(p, "COMMIT", NULL, 0, e);
	case DBS_SERIALIZE:
		pg_serialize_sql(s->sql, &wrapped);
		break;
	case DBS_RAW:
		/* as written: a '?' is no placeholder here */
		pg_params_init(p, "", NULL, 0, e);
		buf_adds(&p->sql, s->sql);
		return 0;
	case DBS_SQL:
		if (s->must_be_empty)
			driver_must_be_empty(s->sql, &wrapped);
		else
			buf_adds(&wrapped, s->sql);
		break;
	}
	rc = pg_params_init(p, wrapped.ptr, s->params,
			    s->kind == DBS_SQL ? s->nparams : 0, e);
	buf_release(&wrapped);
	return rc;
}

static int
pipe_send(struct pgdb *pg, const struct db_stmt *v, size_t n,
	  struct pg_params *p, size_t *sent, struct err *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		db_trace(&pg->base, p[i].sql.ptr);
		if (v[i].kind == DBS_RAW)
			pg_note_session(pg, v[i].sql);
		if (!PQsendQueryParams(pg->conn, p[i].sql.ptr, p[i].n,
				       p[i].types, p[i].values, NULL, NULL, 0) ||
		    (v[i].done && !PQsendFlushRequest(pg->conn)))
			break;
	}
	*sent = i;
	if (i < n || !PQpipelineSync(pg->conn))
		return pg_fail(pg, NULL, e);
	return 0;
}

/*
 * The result of statement s and the NULL that ends it. 1: skipped, an
 * earlier one failed; 0: it succeeded; < 0 its error.
 */
static int
pipe_take(struct pgdb *pg, const struct db_stmt *s, struct err *e)
{
	PGresult *res = PQgetResult(pg->conn), *end;
	int rc = 0;

	if (res == NULL)
		return pg_fail(pg, NULL, e);
	if (PQresultStatus(res) == PGRES_PIPELINE_ABORTED)
		rc = 1;
	else if (!pg_ok(res))
		rc = pg_fail(pg, res, e);
	else if (s->kind == DBS_COMMIT &&
		 strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		rc = pg_rolled_back(e);
	else if (s->must_be_empty && PQntuples(res) > 0)
		rc = driver_found_row(e);
	else if (s->rows)
		*s->rows = pg_rows(res);
	PQclear(res);
	if ((end = PQgetResult(pg->conn)) != NULL) {
		PQclear(end);
		if (rc == 0)
			rc = pg_fail(pg, NULL, e);
	}
	return rc;
}

/* Every result, the first failure kept; then the Sync. */
static int
pipe_read(struct pgdb *pg, const struct db_stmt *v, size_t n, size_t *failed,
	  struct err *e)
{
	struct err skipped = ERR_INIT;
	PGresult *sync;
	size_t i;
	int rc, first = 0;

	*failed = n;
	for (i = 0; i < n; i++) {
		rc = pipe_take(pg, &v[i], first < 0 ? &skipped : e);
		if (rc == ERR_CONNECT && first == 0) {
			*failed = i;
			return rc;
		}
		if (rc < 0 && first == 0) {
			*failed = i;
			first = rc;
		} else if (rc == 0 && first == 0 && v[i].done) {
			v[i].done(v[i].arg);
		}
	}
	sync = PQgetResult(pg->conn);
	rc = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
	PQclear(sync);
	if (!rc || !PQexitPipelineMode(pg->conn)) {
		rc = pg_fail(pg, NULL, first < 0 ? &skipped : e);
		/* The failure ended the session (a FATAL, read before libpq
		 * saw the socket close): lost, as pg_fail says of any. */
		if (rc == ERR_CONNECT && first < 0)
			*e = skipped;
		return rc;
	}
	return first;
}

static int pipe_batch(struct pgdb *pg, const struct db_stmt *v, size_t n,
		      size_t *failed, struct err *e);

/* The schema still pending is read as the pipeline's first statement. */
int
pg_batch(struct db *db, const struct db_stmt *v, size_t n, size_t *failed,
	 struct err *e)
{
	struct pgdb *pg = (struct pgdb *)db;
	struct db_rows *schema = NULL;
	struct db_stmt *all;
	int rc;

	if (!pipeline_fits(v, n))
		return driver_batch_each(db, v, n, failed, e);
	if (!pg->schema_pending)
		return pipe_batch(pg, v, n, failed, e);
	all = xcalloc(n + 1, sizeof(*all));
	all[0].kind = DBS_SQL;
	all[0].sql = PG_SCHEMA_SQL;
	all[0].rows = &schema;
	memcpy(all + 1, v, n * sizeof(*v));
	rc = pipe_batch(pg, all, n + 1, failed, e);
	if (schema != NULL)
		pg_schema_is(pg, schema);
	*failed = *failed > 0 ? *failed - 1 : 0;
	db_rows_free(schema);
	free(all);
	return rc;
}

static int
pipe_batch(struct pgdb *pg, const struct db_stmt *v, size_t n, size_t *failed,
	   struct err *e)
{
	struct pg_params *p;
	size_t i, ready = 0;
	int rc = 0;

	*failed = 0;
	p = xcalloc(n ? n : 1, sizeof(*p));
	for (; ready < n && rc == 0; ready++)
		rc = stmt_text(&v[ready], &p[ready], e);
	if (rc < 0) {
		*failed = ready - 1;
		goto out;
	}
	if (!PQenterPipelineMode(pg->conn)) {
		rc = pg_fail(pg, NULL, e);
		goto out;
	}
	if ((rc = pipe_send(pg, v, n, p, &i, e)) < 0)
		*failed = i;
	else
		rc = pipe_read(pg, v, n, failed, e);
out:
	for (i = 0; i < ready; i++)
		pg_params_release(&p[i]);
	free(p);
	return rc;
}
