/*
 * The pipelined floor (floor --pipeline, bench/floor.c says what it does):
 * a target's statements and bookkeeping rows with the fewest round trips
 * the protocols allow. PostgreSQL: libpq's pipeline mode (PostgreSQL's
 * src/test/modules/libpq_pipeline shows its use); MariaDB: multi-statement
 * batches (CLIENT_MULTI_STATEMENTS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floor.h"

/* ---- PostgreSQL ---- */

/* Pipeline mode: queue without waiting; pg_sync sends and reads all. */
static int
pg_send(PGconn *c, const char *sql)
{
	return PQsendQueryParams(c, sql, 0, NULL, NULL, NULL, NULL, 0) == 1 ? 0 : -1;
}

/* Ends the pipeline with a Sync and reads every result up to it; -1 if
 * any statement failed (the rest of the pipeline is then skipped by the
 * server and reported PGRES_PIPELINE_ABORTED). */
static int
pg_sync(PGconn *c, const char *target)
{
	PGresult *res;
	int rc = 0, nulls = 0;

	if (PQpipelineSync(c) != 1)
		goto broken;
	for (;;) {
		/* A NULL ends each statement's results; two in a row: nothing
		 * more will come (the connection broke). */
		if ((res = PQgetResult(c)) == NULL) {
			if (++nulls > 1)
				goto broken;
			continue;
		}
		nulls = 0;
		switch (PQresultStatus(res)) {
		case PGRES_PIPELINE_SYNC:
			PQclear(res);
			return rc;
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
			break;
		default:
			if (rc == 0)
				fprintf(stderr, "floor: %s: pipeline: %s", target,
					PQresultErrorMessage(res));
			rc = -1;
		}
		PQclear(res);
	}
broken:
	fprintf(stderr, "floor: %s: pipeline: %s", target, PQerrorMessage(c));
	return -1;
}

/* Queues the bookkeeping table in one transaction and the prepared insert. */
static int
pg_send_ledger(PGconn *c)
{
	char ddl[4][2048], ins[2048];
	int i;

	ledger_ddl(ENG_PG, ddl);
	insert_sql(ENG_PG, ins, sizeof(ins));
	if (pg_send(c, "BEGIN") < 0)
		return -1;
	for (i = 0; i < 4; i++)
		if (pg_send(c, ddl[i]) < 0)
			return -1;
	if (pg_send(c, "COMMIT") < 0)
		return -1;
	return PQsendPrepare(c, "ins", ins, NCOLS, NULL) == 1 ? 0 : -1;
}

/* Queues BEGIN, the statements, the bookkeeping row, COMMIT. The row's
 * start and end are the time it is queued: a pipelining tool learns the
 * outcome only with the COMMIT's. */
static int
pg_send_migration(PGconn *c, const struct migration *m, int64_t id)
{
	time_t t = time(NULL);
	struct row row;
	int j;

	fill_row(&row, m, id, t, t);
	if (pg_send(c, "BEGIN") < 0)
		return -1;
	for (j = 0; j < m->nstmts; j++)
		if (pg_send(c, m->stmts[j]) < 0)
			return -1;
	if (PQsendQueryPrepared(c, "ins", NCOLS, row.v, NULL, NULL, 0) != 1)
		return -1;
	return pg_send(c, "COMMIT");
}

int
pg_pipelined(const struct opts *o, PGconn *c, const char *dbname)
{
	bool each = o->pipeline == PIPE_MIGRATION;
	int i;

	if (PQenterPipelineMode(c) != 1 || pg_send_ledger(c) < 0)
		goto fail;
	if (each && pg_sync(c, dbname) < 0)
		return -1;
	for (i = 0; i < o->nmigs; i++) {
		if (pg_send_migration(c, &o->migs[i], i + 1) < 0)
			goto fail;
		if (each && pg_sync(c, dbname) < 0)
			return -1;
	}
	return each ? 0 : pg_sync(c, dbname);
fail:
	fprintf(stderr, "floor: %s: queueing: %s", dbname, PQerrorMessage(c));
	return -1;
}

/* ---- MySQL / MariaDB ---- */

/* The SQL text of one MariaDB batch: statements, each ended by ';'. */
struct sql {
	char *p;
	size_t len, cap;
};

static void
sql_add(struct sql *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(s->p + s->len, s->cap - s->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			die("vsnprintf: %s", strerror(errno));
		if ((size_t)n < s->cap - s->len)
			break;
		s->cap = (s->cap + (size_t)n + 1) * 2;
		s->p = xrealloc(s->p, s->cap);
	}
	s->len += (size_t)n;
}

/* The bookkeeping row's INSERT with its values as escaped literals. */
static void
my_add_row(MYSQL *c, struct sql *s, const struct row *row)
{
	char head[2048], *esc;
	size_t n;
	int j;

	insert_head(ENG_MY, head, sizeof(head));
	sql_add(s, "%s", head);
	for (j = 0; j < NCOLS; j++) {
		const char *v = row->v[j], *sep = j ? ", " : "";

		if (v == NULL || col_types[j] == 'i') {
			sql_add(s, "%s%s", sep, v ? v : "NULL");
			continue;
		}
		n = strlen(v);
		esc = xrealloc(NULL, 2 * n + 1);
		mysql_real_escape_string(c, esc, v, (unsigned long)n);
		sql_add(s, "%s'%s'", sep, esc);
		free(esc);
	}
	sql_add(s, ");\n");
}

/* Sends the batch, reads each statement's result in turn, empties it. */
static int
my_batch(MYSQL *c, struct sql *s, const char *target)
{
	MYSQL_RES *res;
	int st;

	if (mysql_real_query(c, s->p, s->len) != 0)
		goto fail;
	do {
		if ((res = mysql_store_result(c)) != NULL)
			mysql_free_result(res);
		else if (mysql_field_count(c) != 0)
			goto fail;
	} while ((st = mysql_next_result(c)) == 0);
	if (st > 0)
		goto fail;
	s->len = 0;
	return 0;
fail:
	fprintf(stderr, "floor: %s: batch: %s\n", target, mysql_error(c));
	return -1;
}

int
my_batched(const struct opts *o, MYSQL *c, const char *dbname)
{
	struct sql s = { xrealloc(NULL, 4096), 0, 4096 };
	bool each = o->pipeline == PIPE_MIGRATION;
	char ddl[4][2048];
	struct row row;
	int i, j, rc = -1;

	ledger_ddl(ENG_MY, ddl);
	for (i = 0; i < 4; i++)
		sql_add(&s, "%s;\n", ddl[i]);
	if (each && my_batch(c, &s, dbname) < 0)
		goto out;
	for (i = 0; i < o->nmigs; i++) {
		const struct migration *m = &o->migs[i];
		time_t t = time(NULL);

		fill_row(&row, m, i + 1, t, t);
		sql_add(&s, "BEGIN;\n");
		for (j = 0; j < m->nstmts; j++)
			sql_add(&s, "%s;\n", m->stmts[j]);
		my_add_row(c, &s, &row);
		sql_add(&s, "COMMIT;\n");
		if (each && my_batch(c, &s, dbname) < 0)
			goto out;
	}
	rc = each ? 0 : my_batch(c, &s, dbname);
out:
	free(s.p);
	return rc;
}
