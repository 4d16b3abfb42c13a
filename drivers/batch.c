/*
 * db_batch: a driver's batch entry, or the statements one by one through
 * the other entries (SQLite, and what a driver leaves to it).
 */
#include "config.h"

#include "drivers/driver.h"

#include "common/banned.h"

static int
batch_one(struct db *db, const struct db_stmt *s, struct err *e)
{
	struct db_rows *rows = NULL;
	int rc;

	switch (s->kind) {
	case DBS_BEGIN:
		return db_begin(db, e);
	case DBS_COMMIT:
		return db_commit(db, e);
	case DBS_SERIALIZE:
		return db_serialize(db, s->sql, e);
	case DBS_RAW:
		return db_exec(db, s->sql, e);
	case DBS_SQL:
		break;
	}
	rc = db_query(db, s->sql, s->params, s->nparams,
		      s->rows || s->must_be_empty ? &rows : NULL, e);
	if (rc == 0 && s->must_be_empty && rows->nrows > 0)
		rc = driver_found_row(e);
	if (rc == 0 && s->rows)
		*s->rows = rows;
	else
		db_rows_free(rows);
	return rc;
}

int
db_batch(struct db *db, const struct db_stmt *v, size_t n, size_t *failed,
	 struct err *e)
{
	if (db->drv->batch)
		return db->drv->batch(db, v, n, failed, e);
	return driver_batch_each(db, v, n, failed, e);
}

int
driver_batch_each(struct db *db, const struct db_stmt *v, size_t n,
		  size_t *failed, struct err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = batch_one(db, &v[i], e)) < 0) {
			*failed = i;
			return rc;
		}
		if (v[i].done)
			v[i].done(v[i].arg);
	}
	*failed = n;
	return 0;
}

void
driver_must_be_empty(const char *sql, struct buf *out)
{
	buf_addf(out, "SELECT (SELECT 1 UNION ALL SELECT 2) FROM (%s) AS "
		      "must_be_empty",
		 sql);
}

int
driver_found_row(struct err *e)
{
	err_clear(e);
	err_set(e, ERR_SQL, "a row was found where none may be");
	driver_copy_field(e->sqlstate, sizeof(e->sqlstate), "21000");
	return ERR_SQL;
}
