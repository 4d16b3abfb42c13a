/*
 * The statement lexer: splits the text of one migration section into
 * statements the way the engine's own client does (psql for postgres, the
 * mysql/mariadb client for mysql, sqlite3 for sqlite), so a file that
 * client loads, a dump included, loads as a migration. The dialect is a
 * parameter: one section may be split once per engine that uses it.
 *
 * Common to every dialect: `--` comments (in mysql only when a blank or
 * control character follows the dashes: `5--1` is arithmetic there),
 * block comments, single and double quotes, and migratore's own
 * directive: a line `-- migratore: delimiter XX` at a statement boundary
 * changes the delimiter for the rest of the section (`delimiter ;`
 * restores it). It must be on a line of its own, outside any statement.
 * A delimiter other than `;` ends a statement wherever it appears outside
 * quotes and comments, body or not, as in the mysql client; it is matched
 * before anything else (so `//` is no comment).
 *
 * Per dialect:
 * - postgres (psql, standard_conforming_strings on): '...' with '' only,
 *   a backslash is a plain character ('C:\' is a whole string); E'...'
 *   also takes backslash escapes; "..." with ""; dollar quotes `$$` and
 *   `$tag$` (not after a word character, never `$1`); block comments nest;
 *   a semicolon inside parentheses or inside the BEGIN ... END of a
 *   `CREATE FUNCTION|PROCEDURE` does not end a statement (worker/blocks.h).
 *   A backslash outside quotes starts a psql meta-command, which runs to
 *   the end of its line: `\restrict` and `\unrestrict` (written by
 *   pg_dump) between statements are skipped, any other is an error, as is
 *   `COPY ... FROM STDIN` or `TO STDOUT` (its data belongs to psql). A
 *   delimiter containing `$` turns dollar quoting off until it changes.
 * - mysql: '...' and "..." strings with '' or "" and backslash escapes;
 *   `...` identifiers with ``; `#` comments to the end of the line; a
 *   comment opened by slash-star-bang (or slash-star-M-bang) is executable:
 *   its text is statement text, lexed like the rest, as the client does;
 *   `DELIMITER xx` at the start of a statement changes the delimiter like
 *   the client's command (the rest of its line is ignored); a backslash
 *   outside quotes starts a client command (`\G`, `\c`, `\.`...), an
 *   error, except `\N` (NULL) and `\-` (mariadb-dump's sandbox line),
 *   which stay statement text. Routine bodies: worker/blocks.h.
 * - sqlite (sqlite3): '...', "..." and `...` with doubling only, [...]
 *   identifiers; a line starting with `#` between statements is a comment
 *   and one starting with `.` (a dot-command) an error, as in the shell;
 *   triggers as sqlite3_complete() (worker/blocks.h).
 * Elsewhere than mysql, `DELIMITER` starting a statement is an error that
 * points at the directive.
 *
 * Statement text is kept byte for byte, inner comments included, minus
 * surrounding blanks and minus comment-only lines before the first token;
 * its line and column are those of that first token. A section that ends
 * inside a body (or, in postgres, inside parentheses) is an error.
 *
 * Each statement also gets the SHA-256 of its normalised text, what a
 * drift checksum covers (worker/drift.h): its tokens as the dialect reads
 * them, byte for byte (string literals, quoted identifiers, dollar
 * quotes, a mysql executable comment's text and markers, and the case of
 * everything are kept), with every run of blanks, newlines and comments
 * between two tokens written as one space, and as nothing after `(`, `,`
 * or `;` and before `)`, `,` or `;` (where no client reads it), nothing
 * before the first token or after the last, and without the delimiter
 * that ends the statement (a semicolon inside a routine body is a token).
 * A blank where there was none elsewhere counts (`a=1`, `a = 1`; MySQL
 * reads `COUNT (*)` and `COUNT(*)` differently). So `SELECT\n  f( 1 ,2 );
 * -- one` and `SELECT f(1, 2)` hash alike, `select f(1, 2)` (case) and
 * `SELECT f('1', 2)` (a literal) do not.
 *
 * Pure: no I/O. Errors (ERR_MIGFILE) carry file:line:col of the construct
 * that was left open (an unterminated quote names where the quote began).
 */
#ifndef MIG_LEXER_H
#define MIG_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "common/sha256.h"

enum dialect { DIALECT_SQLITE, DIALECT_POSTGRES, DIALECT_MYSQL, DIALECT_N };

struct stmt {
	char *sql; /* the statement without its delimiter, trimmed; owned */
	int line;  /* line of its first character in the file */
	int col;   /* and its column */
	/* SHA-256 of its normalised text (see above) */
	unsigned char digest[SHA256_DIGEST_LEN];
};

struct stmt_list {
	struct stmt *v;
	size_t n;
	size_t cap;
};

#define STMT_LIST_INIT { NULL, 0, 0 }

/*
 * Split text (len bytes, not necessarily NUL-terminated) whose first line is
 * line first_line of file, as dialect d's client would. Appends to out.
 * Empty statements (only comments and whitespace) are dropped. A final
 * statement without a delimiter counts. On error nothing is appended.
 */
int lexer_split(const char *text, size_t len, enum dialect d,
		const char *file, int first_line, struct stmt_list *out,
		struct err *e);
/* "sqlite", "postgres", "mysql": the engine whose client d follows. */
const char *lexer_dialect_engine(enum dialect d);
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
