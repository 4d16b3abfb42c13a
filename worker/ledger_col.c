/* The bookkeeping table's columns and the access to their fields. */
#include "config.h"

#include "worker/ledger_col.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "common/banned.h"

const struct ledger_col ledger_cols[] = {
#define C(n, t, l, f) { n, LEDGER_COL_##t, l, offsetof(struct ledger_row, f) }
	C("object_id", INT, true, object_id),
	C("uuid", STRING, true, uuid),
	C("timestamp", INT, true, timestamp),
	C("name", STRING, true, name),
	C("description", TEXT, true, description),
	C("result", STRING, true, result),
	C("error", TEXT, true, error),
	C("traceback", TEXT, false, traceback),
	C("operator", TEXT, true, operator_name),
	C("operation", STRING, true, operation),
	C("start", INT, true, start),
	C("end", INT, true, end),
	C("duration", INT, true, duration),
	C("start_s", STRING, true, start_s),
	C("end_s", STRING, true, end_s),
	C("checksum", STRING, true, checksum),
	C("statement", TEXT, false, statement),
	C("committed", INT, true, committed),
	C("run_id", STRING, true, run_id),
	C("host", STRING, true, host),
#undef C
};
_Static_assert(sizeof(ledger_cols) / sizeof(ledger_cols[0]) == LEDGER_NCOLS,
	       "LEDGER_NCOLS counts the rows of ledger_cols");

const char *
ledger_col_sql_type(const struct db *db, const struct ledger_col *c)
{
	switch (c->type) {
	case LEDGER_COL_INT:
		return db->drv->type_int64;
	case LEDGER_COL_TEXT:
		return db->drv->type_text;
	default:
		return db->drv->type_string;
	}
}

bool
ledger_col_exists(const struct db_columns *cols, const char *name)
{
	return db_columns_find(cols, name) != NULL;
}

int64_t
ledger_col_int(const struct ledger_row *row, const struct ledger_col *c)
{
	return *(const int64_t *)(const void *)((const char *)row + c->off);
}

const char *
ledger_col_text(const struct ledger_row *row, const struct ledger_col *c)
{
	return *(char *const *)(const void *)((const char *)row + c->off);
}

/* The field itself, for the functions that write it. */
static void *
field(struct ledger_row *row, const struct ledger_col *c)
{
	return (char *)row + c->off;
}

void
ledger_col_set(struct ledger_row *row, const struct ledger_col *c,
	       const char *v)
{
	if (c->type == LEDGER_COL_INT)
		*(int64_t *)field(row, c) =
		    v ? strtoll(v, NULL, 10)
		      : (strcmp(c->name, "committed") == 0 ? -1 : 0);
	else
		*(char **)field(row, c) = xstrdup_or_null(v);
}

void
ledger_col_copy(struct ledger_row *dst, const struct ledger_row *src,
		const struct ledger_col *c)
{
	if (c->type == LEDGER_COL_INT)
		*(int64_t *)field(dst, c) = ledger_col_int(src, c);
	else
		*(char **)field(dst, c) = xstrdup_or_null(ledger_col_text(src, c));
}

void
ledger_col_free(struct ledger_row *row, const struct ledger_col *c)
{
	if (c->type != LEDGER_COL_INT)
		free(*(char **)field(row, c));
}
