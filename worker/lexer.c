/*
 * The statement lexer: one pass over a section's text that cuts it into
 * statements at the delimiter, stepping over quotes and comments as the
 * dialect's client does; worker/blocks.c says where routine bodies hold a
 * semicolon. The rules are documented in lexer.h.
 */
#include "config.h"

#include "worker/lexer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "worker/blocks.h"
#include "common/banned.h"

#define DELIM_MAX 16

struct lexer {
	const char *p;
	size_t len;
	size_t i;        /* the next byte to read */
	int line;        /* line of p[i] */
	size_t bol;      /* offset of the first byte of that line */
	const char *file;
	struct err *e;
	struct stmt_list *out;
	enum dialect d;
	char delim[DELIM_MAX + 1];
	size_t dlen;
	bool dollar;     /* postgres dollar quoting: off while the delimiter
			  * has a '$' */
	bool cond;       /* inside a mysql executable comment */
	int cond_line, cond_col;

	/* the statement being read */
	size_t start;    /* where its text begins */
	bool sig;        /* it has something besides comments and blanks */
	int start_line, start_col;
	struct blocks bl;
	/* its normalised text, hashed token by token (lexer.h) */
	struct sha256 norm;
	bool norm_any;   /* a token is in it */
	bool norm_gap;   /* blanks or a comment since that token */
	char norm_last;  /* that token's last byte */
};

static const char *const dialect_engines[DIALECT_N] = {
	[DIALECT_SQLITE] = "sqlite",
	[DIALECT_POSTGRES] = "postgres",
	[DIALECT_MYSQL] = "mysql",
};

const char *
lexer_dialect_engine(enum dialect d)
{
	return (unsigned)d < DIALECT_N ? dialect_engines[d] : "?";
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* '$' continues a word (a$b) but never starts one. */
static bool
is_word_char(char c)
{
	unsigned char u = (unsigned char)c;

	return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
	       (u >= '0' && u <= '9') || u == '_' || u >= 0x80 || c == '$';
}

static bool
is_word(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

static int
col_of(const struct lexer *lx, size_t off)
{
	return (int)(off - lx->bol) + 1;
}

static char
peek(const struct lexer *lx, size_t off)
{
	return off < lx->len ? lx->p[off] : '\0';
}

static size_t
end_of_line(const struct lexer *lx, size_t from)
{
	const char *nl = memchr(lx->p + from, '\n', lx->len - from);

	return nl ? (size_t)(nl - lx->p) : lx->len;
}

/* Move to off, counting the newlines on the way. */
static void
advance_to(struct lexer *lx, size_t off)
{
	const char *nl;

	while ((nl = memchr(lx->p + lx->i, '\n', off - lx->i)) != NULL) {
		lx->line++;
		lx->i = (size_t)(nl - lx->p) + 1;
		lx->bol = lx->i;
	}
	lx->i = off;
}

static bool
delim_at(const struct lexer *lx, size_t off)
{
	return lx->len - off >= lx->dlen &&
	       memcmp(lx->p + off, lx->delim, lx->dlen) == 0;
}

static bool
default_delim(const struct lexer *lx)
{
	return lx->dlen == 1 && lx->delim[0] == ';';
}

static void
stmt_reset(struct lexer *lx)
{
	lx->start = lx->i;
	lx->sig = false;
	blocks_start(&lx->bl, lx->d);
	sha256_init(&lx->norm);
	lx->norm_any = lx->norm_gap = false;
}

/* Whether blanks between two tokens can mean something: not after an
 * opening parenthesis, a comma or a semicolon, nor before a closing
 * parenthesis, a comma or a semicolon, in any dialect. (Before an opening
 * one they can: MySQL reads `COUNT (*)` and `COUNT(*)` differently.) */
static bool
gap_matters(char last, char first)
{
	return strchr("(,;", last) == NULL && strchr("),;", first) == NULL;
}

/* The token that ends at i and began at from joins the normalised text,
 * one space before it when something that matters lay between it and the
 * last one. */
static void
norm_add(struct lexer *lx, size_t from)
{
	if (!lx->sig || lx->i <= from)
		return;
	if (lx->norm_any && lx->norm_gap &&
	    gap_matters(lx->norm_last, lx->p[from]))
		sha256_update(&lx->norm, " ", 1);
	sha256_update(&lx->norm, lx->p + from, lx->i - from);
	lx->norm_any = true;
	lx->norm_gap = false;
	lx->norm_last = lx->p[lx->i - 1];
}

static void
emit(struct lexer *lx, size_t end)
{
	size_t s = lx->start;
	struct stmt *st;

	if (!lx->sig)
		return;
	while (s < end && (is_blank(lx->p[s]) || lx->p[s] == '\n'))
		s++;
	while (end > s && (is_blank(lx->p[end - 1]) || lx->p[end - 1] == '\n'))
		end--;
	XGROW(lx->out->v, lx->out->n + 1, lx->out->cap);
	st = &lx->out->v[lx->out->n++];
	st->sql = xstrndup(lx->p + s, end - s);
	st->line = lx->start_line;
	st->col = lx->start_col;
	sha256_final(&lx->norm, st->digest);
}

static int
on_delimiter(struct lexer *lx)
{
	/* a semicolon inside a routine body or parentheses */
	if (default_delim(lx) && lx->sig && !blocks_semicolon(&lx->bl)) {
		lx->i++;
		norm_add(lx, lx->i - 1);
		return 0;
	}
	emit(lx, lx->i);
	lx->i += lx->dlen;
	stmt_reset(lx);
	return 0;
}

static int
set_delimiter(struct lexer *lx, const char *d, size_t n, int col)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (strchr("'\"`\\", d[k]) != NULL)
			break;
	if (n == 0 || n > DELIM_MAX || k < n ||
	    (n >= 2 && (memcmp(d, "--", 2) == 0 || memcmp(d, "/*", 2) == 0)))
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->line, col,
				  "invalid delimiter '%.*s' (at most %d "
				  "characters, no quotes, not starting a "
				  "comment)",
				  (int)n, d, DELIM_MAX);
	memcpy(lx->delim, d, n);
	lx->delim[n] = '\0';
	lx->dlen = n;
	lx->dollar = lx->d == DIALECT_POSTGRES && memchr(d, '$', n) == NULL;
	return 0;
}

/* `-- migratore: delimiter XX`; rest is the text after the colon. */
static int
directive(struct lexer *lx, size_t rest, size_t eol, int col)
{
	const char *p = lx->p;
	size_t w, we, a, ae, k;

	for (w = rest; w < eol && is_blank(p[w]); w++)
		;
	for (we = w; we < eol && !is_blank(p[we]); we++)
		;
	for (a = we; a < eol && is_blank(p[a]); a++)
		;
	for (ae = a; ae < eol && !is_blank(p[ae]); ae++)
		;
	for (k = ae; k < eol && is_blank(p[k]); k++)
		;
	if (we - w != 9 || memcmp(p + w, "delimiter", 9) != 0)
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->line, col,
				  "unexpected directive '%.*s' inside a "
				  "section (only 'delimiter' belongs here)",
				  (int)(we - w), p + w);
	if (a == ae || k < eol)
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->line, col,
				  "the delimiter directive takes one "
				  "delimiter, as in '-- migratore: delimiter "
				  "//'");
	if (lx->sig)
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->line, col,
				  "delimiter directive inside a statement: "
				  "the statement at line %d has no "
				  "delimiter before it",
				  lx->start_line);
	return set_delimiter(lx, p + a, ae - a, col_of(lx, a));
}

/* The line from i is a `-- migratore:` directive (lower: in lower case). */
static size_t
directive_at(const struct lexer *lx, bool *lower)
{
	return lexer_directive(lx->p + lx->i, end_of_line(lx, lx->i) - lx->i,
			       "--", lower);
}

static int
line_comment(struct lexer *lx)
{
	size_t eol = end_of_line(lx, lx->i), off, k;
	int col = col_of(lx, lx->i);
	bool lower;
	int r;

	off = directive_at(lx, &lower);
	if (off > 0) {
		for (k = lx->bol; k < lx->i && is_blank(lx->p[k]); k++)
			;
		if (k < lx->i)
			return err_set_at(lx->e, ERR_MIGFILE, lx->file,
					  lx->line, col,
					  "a '-- migratore:' directive must "
					  "be on a line of its own");
		if (!lower)
			return err_set_at(lx->e, ERR_MIGFILE, lx->file,
					  lx->line, col,
					  "write directives as '-- migratore:' "
					  "in lower case");
		if ((r = directive(lx, lx->i + off, eol, col)) < 0)
			return r;
	}
	lx->i = eol;
	return 0;
}

/* `--` starts a comment; in mysql only before a blank or control
 * character (`5--1` is arithmetic there), or in a directive. */
static bool
dashes_comment(const struct lexer *lx)
{
	unsigned char after = (unsigned char)peek(lx, lx->i + 2);

	return lx->d != DIALECT_MYSQL || lx->i + 2 >= lx->len || after <= ' ' ||
	       after == 0x7f || directive_at(lx, NULL) > 0;
}

/* `#`: a comment to the end of the line in mysql; in sqlite3 a line that
 * starts with it while no statement is open. */
static bool
hash_comment(const struct lexer *lx)
{
	return lx->d == DIALECT_MYSQL ||
	       (lx->d == DIALECT_SQLITE && lx->i == lx->bol && !lx->sig);
}

/* slash-star-bang or slash-star-M-bang: mysql runs the comment's text */
static size_t
executable_comment(const struct lexer *lx)
{
	size_t j = lx->i + 2;

	if (lx->d != DIALECT_MYSQL)
		return 0;
	if (peek(lx, j) == 'M')
		j++;
	if (peek(lx, j) != '!')
		return 0;
	for (j++; peek(lx, j) >= '0' && peek(lx, j) <= '9'; j++)
		;
	return j - lx->i;
}

/* End of the block comment opened at i (just past its close), or 0. */
static size_t
comment_end(const struct lexer *lx)
{
	const char *p = lx->p;
	size_t j = lx->i + 2;
	int depth = 1;

	/* only PostgreSQL nests them */
	while (j + 1 < lx->len) {
		if (p[j] == '*' && p[j + 1] == '/') {
			j += 2;
			if (--depth == 0)
				return j;
		} else if (p[j] == '/' && p[j + 1] == '*' &&
			   lx->d == DIALECT_POSTGRES) {
			j += 2;
			depth++;
		} else {
			j++;
		}
	}
	return 0;
}

static int
block_comment(struct lexer *lx)
{
	int line = lx->line, col = col_of(lx, lx->i);
	size_t end = comment_end(lx);

	if (end == 0)
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, line, col,
				  "unterminated block comment");
	advance_to(lx, end);
	/* a comment on lines of its own is no part of the next statement */
	if (!lx->sig && lx->line != line)
		lx->start = lx->i;
	return 0;
}

/* A string or quoted identifier from i to close; doubling close escapes
 * it, and so does a backslash when backslash is set. */
static int
quoted(struct lexer *lx, char close, bool backslash, const char *what)
{
	size_t j = lx->i + 1;
	int line = lx->line, col = col_of(lx, lx->i);
	bool doubled = close != ']';

	while (j < lx->len) {
		if (backslash && lx->p[j] == '\\') {
			j += 2;
		} else if (lx->p[j] != close) {
			j++;
		} else if (doubled && j + 1 < lx->len && lx->p[j + 1] == close) {
			j += 2;
		} else {
			blocks_other(&lx->bl, 'q', close, line, col);
			advance_to(lx, j + 1);
			return 0;
		}
	}
	return err_set_at(lx->e, ERR_MIGFILE, lx->file, line, col, "%s", what);
}

/* Length of the `$tag$` opening a dollar quote at i, or 0 if none. */
static size_t
dollar_tag(const struct lexer *lx)
{
	const char *p = lx->p;
	size_t i = lx->i, j = i + 1;
	unsigned char u;

	if (!lx->dollar || (i > 0 && is_word_char(p[i - 1])))
		return 0;
	if (j < lx->len && p[j] == '$')
		return 2;
	u = (unsigned char)peek(lx, j);
	/* $1 is a parameter, not a quote */
	if (!((u | 0x20) >= 'a' && (u | 0x20) <= 'z') && u != '_' && u < 0x80)
		return 0;
	while (j < lx->len && p[j] != '$' && is_word_char(p[j]))
		j++;
	return j < lx->len && p[j] == '$' ? j - i + 1 : 0;
}

static int
dollar_quoted(struct lexer *lx, size_t tlen)
{
	const char *tag = lx->p + lx->i, *end;
	size_t body = lx->i + tlen;
	int line = lx->line, col = col_of(lx, lx->i);

	end = memmem(lx->p + body, lx->len - body, tag, tlen);
	if (end == NULL)
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, line, col,
				  "unterminated dollar-quoted string (no "
				  "closing %.*s)",
				  (int)tlen, tag);
	blocks_other(&lx->bl, 'q', '$', line, col);
	advance_to(lx, (size_t)(end - lx->p) + tlen);
	return 0;
}

/*
 * A psql meta-command: a backslash outside quotes, to the end of its line.
 * pg_dump writes \restrict and \unrestrict around a dump: they only
 * matter to psql, so between statements they are skipped; any other is
 * something migratore cannot do.
 */
static int
meta_command(struct lexer *lx)
{
	size_t eol = end_of_line(lx, lx->i), s = lx->i + 1, j = s;
	int col = col_of(lx, lx->i);

	while (j < eol && ((lx->p[j] | 0x20) >= 'a' && (lx->p[j] | 0x20) <= 'z'))
		j++;
	if (j == s && j < eol)
		j++;
	if (!lx->sig && (j == eol || is_blank(lx->p[j])) &&
	    (is_word(lx->p + s, j - s, "restrict") ||
	     is_word(lx->p + s, j - s, "unrestrict"))) {
		lx->i = eol;
		return 0;
	}
	return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->line, col,
			  "psql meta-command '\\%.*s'%s is not SQL: migratore "
			  "sends statements to the server, not to psql (only "
			  "pg_dump's \\restrict and \\unrestrict lines are "
			  "skipped)",
			  (int)(j - s), lx->p + s,
			  lx->sig ? " inside a statement" : "");
}

/* A backslash outside quotes in mysql: `\N` is NULL and mariadb-dump's
 * sandbox line `\-` is harmless text; anything else is a client command. */
static int
client_command(struct lexer *lx)
{
	char c = peek(lx, lx->i + 1);

	if (c == 'N' || c == '-')
		return 1;
	if (c > ' ' && c < 0x7f)
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->line,
				  col_of(lx, lx->i),
				  "'\\%c' is a command of the mysql client, not "
				  "SQL: migratore sends statements to the server",
				  c);
	return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->line,
			  col_of(lx, lx->i),
			  "a backslash outside quotes starts a command of the "
			  "mysql client, not SQL");
}

/* The mysql client's DELIMITER command; i is just past the word. */
static int
delimiter_command(struct lexer *lx, int col)
{
	size_t eol = end_of_line(lx, lx->i), a = lx->i, ae;
	char q;
	int r;

	while (a < eol && is_blank(lx->p[a]))
		a++;
	if (a == eol)
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->line, col,
				  "DELIMITER needs a delimiter, as in "
				  "'DELIMITER //'");
	q = lx->p[a];
	if (q == '\'' || q == '"' || q == '`') {
		for (ae = a + 1; ae < eol && lx->p[ae] != q; ae++)
			;
		r = set_delimiter(lx, lx->p + a + 1, ae - a - 1, col_of(lx, a));
	} else {
		for (ae = a; ae < eol && !is_blank(lx->p[ae]); ae++)
			;
		r = set_delimiter(lx, lx->p + a, ae - a, col_of(lx, a));
	}
	/* like the client, the rest of the line is the command's */
	lx->i = eol;
	stmt_reset(lx);
	return r;
}

/* COPY ... FROM STDIN (TO STDOUT): the data would come from psql. */
static bool
copy_stdio(const struct lexer *lx, const char *w, size_t n)
{
	return lx->d == DIALECT_POSTGRES &&
	       blocks_starts_with(&lx->bl, "COPY", NULL) &&
	       lx->bl.prevk == 'w' &&
	       ((is_word(w, n, "STDIN") && strcmp(lx->bl.prevw, "FROM") == 0) ||
		(is_word(w, n, "STDOUT") && strcmp(lx->bl.prevw, "TO") == 0));
}

static int
word(struct lexer *lx, const char *w, size_t n, int col)
{
	bool first = lx->start_line == lx->line && lx->start_col == col;

	if (first && is_word(w, n, "DELIMITER") && lx->d == DIALECT_MYSQL)
		return delimiter_command(lx, col);
	if (first && is_word(w, n, "DELIMITER"))
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->line, col,
				  "DELIMITER is a command of the mysql client, "
				  "not SQL: write '-- migratore: delimiter "
				  "XX' on a line of its own");
	if (copy_stdio(lx, w, n))
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->start_line,
				  lx->start_col,
				  "COPY ... %s exchanges its data with psql, "
				  "which migratore is not: load rows with "
				  "INSERT (pg_dump --inserts) or COPY a file on "
				  "the server",
				  is_word(w, n, "STDIN") ? "FROM STDIN"
							 : "TO STDOUT");
	blocks_word(&lx->bl, w, n, lx->line, col);
	return 0;
}

/* Characters with a meaning of their own in the dialect; 1 when c is an
 * ordinary character after all. */
static int
special(struct lexer *lx, char c, bool first)
{
	size_t tlen;

	switch (c) {
	case '\'':
		return quoted(lx, '\'', lx->d == DIALECT_MYSQL,
			      "unterminated single-quoted string");
	case '"':
		if (lx->d == DIALECT_MYSQL)
			return quoted(lx, '"', true,
				      "unterminated double-quoted string");
		return quoted(lx, '"', false,
			      "unterminated double-quoted identifier");
	case '`':
		if (lx->d == DIALECT_POSTGRES)
			return 1;
		return quoted(lx, '`', false,
			      "unterminated backquoted identifier");
	case '[':
		if (lx->d != DIALECT_SQLITE)
			return 1;
		return quoted(lx, ']', false,
			      "unterminated bracketed identifier");
	case '$':
		tlen = dollar_tag(lx);
		return tlen > 0 ? dollar_quoted(lx, tlen) : 1;
	case '\\':
		return lx->d == DIALECT_MYSQL ? client_command(lx) : 1;
	case '.':
		if (lx->d == DIALECT_SQLITE && first && lx->i == lx->bol)
			return err_set_at(lx->e, ERR_MIGFILE, lx->file,
					  lx->line, 1,
					  "a line starting with '.' is a "
					  "sqlite3 dot-command, not SQL");
		return 1;
	}
	return 1;
}

/* Something that is not blank, a comment or the delimiter. */
static int
token(struct lexer *lx)
{
	const char *p = lx->p;
	char c = p[lx->i];
	size_t s, j;
	int col = col_of(lx, lx->i), r;
	bool first = !lx->sig;

	if (c == '\\' && lx->d == DIALECT_POSTGRES)
		return meta_command(lx);
	if (!lx->sig) {
		lx->sig = true;
		lx->start_line = lx->line;
		lx->start_col = col;
	}
	/* E'...' takes backslash escapes in PostgreSQL */
	if (lx->d == DIALECT_POSTGRES && (c | 0x20) == 'e' &&
	    peek(lx, lx->i + 1) == '\'') {
		lx->i++;
		return quoted(lx, '\'', true, "unterminated single-quoted string");
	}
	if (c != '$' && is_word_char(c)) {
		s = lx->i;
		for (j = s + 1; j < lx->len && is_word_char(p[j]); j++)
			if (!default_delim(lx) && delim_at(lx, j))
				break;
		lx->i = j;
		return word(lx, p + s, j - s, col);
	}
	if ((r = special(lx, c, first)) <= 0)
		return r;
	blocks_other(&lx->bl, 'c', c, lx->line, col);
	lx->i++;
	return 0;
}

/* A mysql executable comment: its markers are no tokens, its text is. */
static bool
cond_marker(struct lexer *lx, char c, char n)
{
	size_t k;

	if (lx->cond && c == '*' && n == '/') {
		lx->cond = false;
		lx->i += 2;
		return true;
	}
	if (c != '/' || n != '*' || (k = executable_comment(lx)) == 0)
		return false;
	if (!lx->sig) {
		lx->sig = true;
		lx->start_line = lx->line;
		lx->start_col = col_of(lx, lx->i);
	}
	lx->cond = true;
	lx->cond_line = lx->line;
	lx->cond_col = col_of(lx, lx->i);
	lx->i += k;
	return true;
}

static int
step(struct lexer *lx)
{
	const char *p = lx->p;
	size_t i = lx->i;
	char c = p[i], n = peek(lx, i + 1);
	int r;

	/* blanks and comments: one space in the normalised text */
	lx->norm_gap = lx->norm_gap || c == '\n' || is_blank(c);
	if (c == '\n') {
		lx->line++;
		lx->i = lx->bol = i + 1;
		/* a statement's text starts on the line of its first token */
		if (!lx->sig)
			lx->start = lx->i;
		return 0;
	}
	if (is_blank(c)) {
		lx->i++;
		return 0;
	}
	/* the delimiter comes first, as in the mysql client: `//` is no
	 * comment when it is the delimiter */
	if (delim_at(lx, i))
		return on_delimiter(lx);
	if (c == '-' && n == '-' && dashes_comment(lx)) {
		lx->norm_gap = true;
		return line_comment(lx);
	}
	if (c == '#' && hash_comment(lx)) {
		lx->norm_gap = true;
		lx->i = end_of_line(lx, i);
		return 0;
	}
	if (cond_marker(lx, c, n)) {
		norm_add(lx, i);
		return 0;
	}
	if (c == '/' && n == '*') {
		lx->norm_gap = true;
		return block_comment(lx);
	}
	if ((r = token(lx)) == 0)
		norm_add(lx, i);
	return r;
}

static int
finish(struct lexer *lx)
{
	const char *open;
	int line, col;

	if (lx->cond)
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->cond_line,
				  lx->cond_col, "unterminated block comment");
	if (lx->sig && default_delim(lx) &&
	    (open = blocks_open(&lx->bl, &line, &col)) != NULL)
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, line, col, "%s",
				  open);
	emit(lx, lx->len);
	return 0;
}

int
lexer_split(const char *text, size_t len, enum dialect d, const char *file,
	    int first_line, struct stmt_list *out, struct err *e)
{
	struct lexer lx;
	size_t n0 = out->n;
	const char *nul;
	int r = 0;

	memset(&lx, 0, sizeof(lx));
	lx.p = text;
	lx.len = len;
	lx.line = first_line;
	lx.file = file;
	lx.e = e;
	lx.out = out;
	lx.d = d;
	lx.delim[0] = ';';
	lx.dlen = 1;
	lx.dollar = d == DIALECT_POSTGRES;
	stmt_reset(&lx);
	if (len > 0 && (nul = memchr(text, '\0', len)) != NULL) {
		advance_to(&lx, (size_t)(nul - text));
		r = err_set_at(e, ERR_MIGFILE, file, lx.line, col_of(&lx, lx.i),
			       "NUL byte in SQL text (is this a text file?)");
	}
	while (r == 0 && lx.i < lx.len)
		r = step(&lx);
	if (r == 0)
		r = finish(&lx);
	if (r < 0) {
		/* all or nothing: drop what this call appended */
		while (out->n > n0)
			free(out->v[--out->n].sql);
	}
	return r;
}

size_t
lexer_directive(const char *s, size_t len, const char *leader, bool *lower)
{
	size_t i = 0, ll = strlen(leader);

	while (i < len && is_blank(s[i]))
		i++;
	if (len - i < ll || memcmp(s + i, leader, ll) != 0)
		return 0;
	for (i += ll; i < len && is_blank(s[i]); i++)
		;
	if (len - i < 9 || strncasecmp(s + i, "migratore", 9) != 0)
		return 0;
	if (lower != NULL)
		*lower = memcmp(s + i, "migratore", 9) == 0;
	for (i += 9; i < len && is_blank(s[i]); i++)
		;
	return i < len && s[i] == ':' ? i + 1 : 0;
}

void
stmt_list_release(struct stmt_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].sql);
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}
