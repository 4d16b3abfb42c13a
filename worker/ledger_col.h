/*
 * The bookkeeping table's columns (worker/ledger.h), in one table: each
 * column's name, its kind of value, whether planning reads it, and the
 * field of struct ledger_row that holds it. Every statement the ledger's
 * files build (CREATE, SELECT, INSERT, the text of a dry run) walks this
 * table, so a new column is a row here plus its field.
 *
 * For the ledger's own files (ledger.c, ledger_write.c); everyone else
 * reads struct ledger_row's fields through worker/ledger.h.
 */
#ifndef MIG_LEDGER_COL_H
#define MIG_LEDGER_COL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/driver.h"
#include "worker/ledger.h"

enum ledger_col_type { LEDGER_COL_INT, LEDGER_COL_TEXT, LEDGER_COL_STRING };

struct ledger_col {
	const char *name;
	enum ledger_col_type type;
	bool light; /* read for planning; the others only when shown */
	size_t off; /* of its field in struct ledger_row */
};

/* Every column, in the Python tool's order, then ours. */
#define LEDGER_NCOLS 20
extern const struct ledger_col ledger_cols[LEDGER_NCOLS];

/* The engine's SQL type for c in a table we create. */
const char *ledger_col_sql_type(const struct db *db,
				const struct ledger_col *c);
/* Whether the table, as described into cols, has a column called name. */
bool ledger_col_exists(const struct db_columns *cols, const char *name);

/*
 * c's value in row: ledger_col_int for LEDGER_COL_INT columns,
 * ledger_col_text (row's string, may be NULL) for the others.
 */
int64_t ledger_col_int(const struct ledger_row *row,
		       const struct ledger_col *c);
const char *ledger_col_text(const struct ledger_row *row,
			    const struct ledger_col *c);
/*
 * Set c in row from the server's text v (NULL: SQL NULL, which is -1
 * for committed and 0 for the other integers); a string is copied.
 */
void ledger_col_set(struct ledger_row *row, const struct ledger_col *c,
		    const char *v);
/* Copy c from src to dst (a string is duplicated; dst's is not freed). */
void ledger_col_copy(struct ledger_row *dst, const struct ledger_row *src,
		     const struct ledger_col *c);
/* Free c's string in row (nothing for an integer). */
void ledger_col_free(struct ledger_row *row, const struct ledger_col *c);

#endif
