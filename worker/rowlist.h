/*
 * What list and errors print: the rows of the bookkeeping table, either
 * as the Python tool's text blocks (ID, UUID, Timestamp, ..., one blank
 * line between rows; errors adds the Error line) or, for --format json,
 * as one JSON array of objects with every column but the long texts
 * (traceback, statement), committed null when unknown, and "baseline"
 * true for the Python tool's `mark` row. Pure: no database, no output.
 */
#ifndef MIG_ROWLIST_H
#define MIG_ROWLIST_H

#include <stdbool.h>

#include "common/buf.h"
#include "worker/ledger.h"

/*
 * Append to out the rows of l that succeeded (errors false: list) or
 * failed (errors true: errors), in l's order, without a final newline;
 * nothing when there is none (text), "[]" for JSON.
 */
void rowlist_render(const struct ledger *l, bool errors, bool json,
		    struct buf *out);

#endif
