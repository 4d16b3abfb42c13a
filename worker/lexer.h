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
 * Pure: no I/O. Errors (ERR_MIGFILE) carry file:line:col of the construct
 * that was left open (an unterminated quote names where the quote began).
 */
#ifndef MIG_LEXER_H
#define MIG_LEXER_H

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
 */
int lexer_split(const char *text, size_t len, const char *file,
		int first_line, struct stmt_list *out, struct err *e);
void stmt_list_release(struct stmt_list *l);

#endif
