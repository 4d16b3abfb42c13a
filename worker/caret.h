/*
 * Where an engine's error position falls in a migration file. PostgreSQL
 * says where in a statement it stopped as a 1-based character offset
 * ("position: 51"); the statement came from a file at a known line and
 * column (worker/lexer.h), byte for byte, so the offset is a place in the
 * file: "file:8:9", and the line of it with a caret under the column, as
 * a compiler shows it:
 *
 *       8 |   y int nope,
 *         |         ^
 *
 * The column counts characters (UTF-8 code points) from 1, as the offset
 * does. The first line of a statement starts at the statement's own
 * column: what precedes it on that line (the end of the statement before)
 * is not part of the statement and shows as blanks. A tab stays a tab in
 * the caret line, so that the caret lines up wherever the tab stops are.
 * Pure: no I/O.
 */
#ifndef MIG_CARET_H
#define MIG_CARET_H

#include <stdbool.h>

#include "common/buf.h"
#include "worker/lexer.h"

struct caret {
	int line; /* in the file, 1-based */
	int col;  /* in characters, 1-based */
};

/*
 * Locate the character offset pos (1-based; one past the last character
 * is the end of the statement: "syntax error at end of input") of st.
 * Returns false, *at and excerpt untouched, when pos is 0 or beyond that.
 * Appends the two lines above to excerpt, without a final newline.
 */
bool caret_locate(const struct stmt *st, int pos, struct caret *at,
		  struct buf *excerpt);

#endif
