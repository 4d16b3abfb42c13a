/*
 * The statement lexer: splits the text of one migration section into
 * statements. It understands single and double quotes (with doubled-quote
 * and backslash escapes inside single quotes), backticks, PostgreSQL dollar
 * quoting ($$ and $tag$), `--` and `/ * * /` comments (a `#` comment is not
 * recognised: it is MySQL-only), and BEGIN ... END bodies of triggers,
 * functions and procedures, in which a semicolon does not end the statement.
 * A line `-- migratore: delimiter XX` at a statement boundary changes the
 * delimiter for the rest of the section (`delimiter ;` restores it).
 *
 * The rules in detail (docs and tests follow them):
 * - Single quotes: '' and a backslash both escape, so a PostgreSQL string
 *   that ends in a backslash ('C:\') needs E'C:\\' or a dollar quote.
 *   Double quotes and backticks escape only by doubling.
 * - A dollar quote opens at `$$` or `$tag$` (tag: a letter or _ then
 *   letters, digits, _), not after a word character (a$b$) and never for a
 *   parameter ($1). It closes at the same `$tag$`.
 * - Block comments do not nest (MySQL and SQLite semantics; in PostgreSQL
 *   a nested comment is rare). A comment opened by slash-star-bang is a
 *   MySQL executable comment: it counts as statement text, so
 *   `/ *!40101 SET NAMES utf8 * /;` is kept as a statement.
 * - BEGIN ... END: only in a statement that starts with CREATE and whose
 *   object is a TRIGGER, FUNCTION, PROCEDURE or EVENT (after OR REPLACE,
 *   TEMP, CONSTRAINT, AGGREGATE, DEFINER = user@host). There, BEGIN opens a
 *   block unless followed by TRANSACTION, WORK or the delimiter; CASE opens
 *   one; END closes one, except END IF / END LOOP / END WHILE / END REPEAT
 *   (whose openers are not counted) and END CASE closes the CASE. A
 *   semicolon ends the statement only outside every block. A section that
 *   ends inside a block is an error.
 * - The delimiter directive must be on a line of its own, outside any
 *   statement. A delimiter other than `;` ends a statement wherever it
 *   appears outside quotes and comments, block or not, as in the mysql
 *   client; it is matched before anything else (so `//` is no comment). A
 *   delimiter containing `$` (the MySQL habit `$$`) turns dollar quoting
 *   off until the delimiter changes again. A statement that starts with
 *   the word DELIMITER (the mysql client's command) is an error that
 *   points at the directive.
 * - Statement text is kept byte for byte, inner comments included, minus
 *   surrounding blanks and minus comment-only lines before the first
 *   token; its line is the line of that first token.
 *
 * Pure: no I/O. Errors (ERR_MIGFILE) carry file:line:col of the construct
 * that was left open (an unterminated quote names where the quote began).
 */
#ifndef MIG_LEXER_H
#define MIG_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

struct stmt {
	char *sql; /* the statement without its delimiter, trimmed; owned */
	int line;  /* line of its first character in the file */
};

struct stmt_list {
	struct stmt *v;
	size_t n;
	size_t cap;
};

#define STMT_LIST_INIT { NULL, 0, 0 }

/*
 * Split text (len bytes, not necessarily NUL-terminated) whose first line is
 * line first_line of file. Appends to out. Empty statements (only comments
 * and whitespace) are dropped. A final statement without a delimiter counts.
 * On error nothing is appended.
 */
int lexer_split(const char *text, size_t len, const char *file,
		int first_line, struct stmt_list *out, struct err *e);
void stmt_list_release(struct stmt_list *l);

/*
 * Whether a line (len bytes, without its newline) is a directive: blanks,
 * the comment leader ("--", "#" or "//"), blanks, the word `migratore` in
 * any case, blanks, a colon. Returns the offset just after the colon, or 0
 * when the line is no directive. *lower (may be NULL) tells whether the
 * word was written in lower case, the only accepted spelling: callers
 * reject the others rather than ignore them.
 */
size_t lexer_directive(const char *line, size_t len, const char *leader,
		       bool *lower);

#endif
