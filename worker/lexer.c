/*
 * The statement lexer: one pass over a section's text that cuts it into
 * statements at the delimiter, stepping over quotes, comments and the
 * BEGIN ... END bodies of routines. The rules are documented in lexer.h.
 */
#include "config.h"

#include "worker/lexer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "common/banned.h"

#define DELIM_MAX 16

enum pending { PEND_NONE, PEND_BEGIN, PEND_END };

struct lexer {
	const char *p;
	size_t len;
	size_t i;        /* the next byte to read */
	int line;        /* line of p[i] */
	size_t bol;      /* offset of the first byte of that line */
	const char *file;
	struct err *e;
	struct stmt_list *out;
	char delim[DELIM_MAX + 1];
	size_t dlen;
	bool dollar;     /* dollar quoting on: off while the delimiter has '$' */

	/* the statement being read */
	size_t start;    /* where its text begins */
	bool sig;        /* it has something besides comments and blanks */
	int start_line;
	int nwords;
	bool object_pending; /* CREATE seen, the kind of object not yet */
	bool routine;        /* CREATE TRIGGER, FUNCTION, PROCEDURE or EVENT */
	char prev;           /* last byte of the previous token */
	int depth;           /* open BEGIN and CASE blocks */
	int block_line, block_col;
	const char *block_what;
	enum pending pending; /* BEGIN or END waiting for the next token */
	int pend_line, pend_col;
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool
is_word_char(const struct lexer *lx, char c)
{
	unsigned char u = (unsigned char)c;

	return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
	       (u >= '0' && u <= '9') || u == '_' || u >= 0x80 ||
	       (c == '$' && lx->dollar);
}

static bool
is_word(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

static bool
is_one_of(const char *w, size_t n, const char *const *kws)
{
	for (; *kws != NULL; kws++)
		if (is_word(w, n, *kws))
			return true;
	return false;
}

static int
col_of(const struct lexer *lx, size_t off)
{
	return (int)(off - lx->bol) + 1;
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
	lx->nwords = 0;
	lx->object_pending = false;
	lx->routine = false;
	lx->prev = '\0';
	lx->depth = 0;
	lx->pending = PEND_NONE;
}

static void
block_open(struct lexer *lx, const char *what, int line, int col)
{
	if (lx->depth == 0) {
		lx->block_what = what;
		lx->block_line = line;
		lx->block_col = col;
	}
	lx->depth++;
}

/*
 * A BEGIN or END is decided by the token after it (w, or NULL for a
 * non-word; at_end for the delimiter or the end of the text). Returns
 * whether that token was used up: END IF, END CASE, BEGIN WORK.
 */
static bool
pending_resolve(struct lexer *lx, const char *w, size_t n, bool at_end)
{
	static const char *const not_block[] = { "TRANSACTION", "WORK", NULL };
	static const char *const uncounted[] = { "IF", "LOOP", "WHILE",
						 "REPEAT", NULL };
	enum pending p = lx->pending;

	lx->pending = PEND_NONE;
	if (p == PEND_BEGIN) {
		if (at_end || (w != NULL && is_one_of(w, n, not_block)))
			return w != NULL;
		block_open(lx, "BEGIN", lx->pend_line, lx->pend_col);
	} else if (p == PEND_END) {
		/* IF, LOOP, WHILE and REPEAT were never counted as opening */
		if (w != NULL && is_one_of(w, n, uncounted))
			return true;
		if (lx->depth > 0)
			lx->depth--;
		return w != NULL && is_word(w, n, "CASE");
	}
	return false;
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
}

static int
on_delimiter(struct lexer *lx)
{
	pending_resolve(lx, NULL, 0, true);
	if (default_delim(lx) && lx->depth > 0) {
		/* a semicolon inside a routine body */
		lx->prev = ';';
		lx->i++;
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
	lx->dollar = memchr(d, '$', n) == NULL;
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

static int
line_comment(struct lexer *lx)
{
	const char *nl = memchr(lx->p + lx->i, '\n', lx->len - lx->i);
	size_t eol = nl ? (size_t)(nl - lx->p) : lx->len;
	int col = col_of(lx, lx->i);
	size_t off, k;
	bool lower;
	int r;

	off = lexer_directive(lx->p + lx->i, eol - lx->i, "--", &lower);
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

static int
block_comment(struct lexer *lx, bool sig)
{
	const char *end;
	int line = lx->line, col = col_of(lx, lx->i);

	end = memmem(lx->p + lx->i + 2, lx->len - lx->i - 2, "*/", 2);
	if (end == NULL)
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, line, col,
				  "unterminated block comment");
	advance_to(lx, (size_t)(end - lx->p) + 2);
	/* a comment on lines of its own is no part of the next statement */
	if (!sig && !lx->sig && lx->line != line)
		lx->start = lx->i;
	if (sig)
		lx->prev = '/';
	return 0;
}

static int
quoted(struct lexer *lx, char q, bool backslash, const char *what)
{
	size_t j = lx->i + 1;
	int line = lx->line, col = col_of(lx, lx->i);

	while (j < lx->len) {
		if (backslash && lx->p[j] == '\\') {
			j += 2;
		} else if (lx->p[j] != q) {
			j++;
		} else if (j + 1 < lx->len && lx->p[j + 1] == q) {
			j += 2;
		} else {
			advance_to(lx, j + 1);
			lx->prev = q;
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

	if (!lx->dollar || (i > 0 && is_word_char(lx, p[i - 1])))
		return 0;
	if (j < lx->len && p[j] == '$')
		return 2;
	u = j < lx->len ? (unsigned char)p[j] : 0;
	/* $1 is a parameter, not a quote */
	if (!((u | 0x20) >= 'a' && (u | 0x20) <= 'z') && u != '_' && u < 0x80)
		return 0;
	while (j < lx->len && p[j] != '$' && is_word_char(lx, p[j]))
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
	advance_to(lx, (size_t)(end - lx->p) + tlen);
	lx->prev = '$';
	return 0;
}

/*
 * Words matter only to find routine bodies: CREATE, then the kind of object
 * (skipping OR REPLACE, TEMP, DEFINER = user@host and the like), then
 * inside a routine BEGIN, CASE and END.
 */
static int
word(struct lexer *lx, const char *w, size_t n, int col)
{
	static const char *const modifiers[] = {
		"OR", "REPLACE", "TEMP", "TEMPORARY", "CONSTRAINT", "DEFINER",
		"AGGREGATE", NULL
	};
	static const char *const routines[] = { "TRIGGER", "FUNCTION",
						"PROCEDURE", "EVENT", NULL };
	char before = lx->prev;

	lx->prev = w[n - 1];
	if (pending_resolve(lx, w, n, false))
		return 0;
	if (++lx->nwords == 1) {
		if (is_word(w, n, "DELIMITER"))
			return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->line,
					  col,
					  "DELIMITER is a command of the mysql "
					  "client, not SQL: write '-- "
					  "migratore: delimiter XX' on a line "
					  "of its own");
		lx->object_pending = is_word(w, n, "CREATE");
		return 0;
	}
	/* a.begin is a column, DEFINER=root@localhost a user */
	if (before == '.' || (lx->object_pending &&
			      (before == '=' || before == '@')))
		return 0;
	if (lx->object_pending) {
		if (!is_one_of(w, n, modifiers)) {
			lx->object_pending = false;
			lx->routine = is_one_of(w, n, routines);
		}
		return 0;
	}
	if (!lx->routine)
		return 0;
	if (is_word(w, n, "BEGIN")) {
		lx->pending = PEND_BEGIN;
		lx->pend_line = lx->line;
		lx->pend_col = col;
	} else if (is_word(w, n, "CASE")) {
		block_open(lx, "CASE", lx->line, col);
	} else if (is_word(w, n, "END")) {
		lx->pending = PEND_END;
	}
	return 0;
}

/* Something that is not blank, a comment or the delimiter. */
static int
token(struct lexer *lx)
{
	const char *p = lx->p;
	char c = p[lx->i];
	size_t s, j, tlen;
	int col = col_of(lx, lx->i);

	if (!lx->sig) {
		lx->sig = true;
		lx->start_line = lx->line;
	}
	/* a word may contain '$' but never starts with one */
	if (c != '$' && is_word_char(lx, c)) {
		s = lx->i;
		for (j = s + 1; j < lx->len && is_word_char(lx, p[j]); j++)
			if (!default_delim(lx) && delim_at(lx, j))
				break;
		lx->i = j;
		return word(lx, p + s, j - s, col);
	}
	pending_resolve(lx, NULL, 0, false);
	switch (c) {
	case '\'':
		return quoted(lx, '\'', true, "unterminated single-quoted string");
	case '"':
		return quoted(lx, '"', false,
			      "unterminated double-quoted identifier");
	case '`':
		return quoted(lx, '`', false,
			      "unterminated backquoted identifier");
	case '$':
		if ((tlen = dollar_tag(lx)) > 0)
			return dollar_quoted(lx, tlen);
		break;
	case '/':
		/* MySQL runs the text of a comment opened by slash-star-bang */
		if (lx->i + 1 < lx->len && p[lx->i + 1] == '*')
			return block_comment(lx, true);
		break;
	}
	lx->prev = c;
	lx->i++;
	return 0;
}

static int
step(struct lexer *lx)
{
	const char *p = lx->p;
	size_t i = lx->i;
	char c = p[i], n = i + 1 < lx->len ? p[i + 1] : '\0';

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
	if (c == '-' && n == '-')
		return line_comment(lx);
	if (c == '/' && n == '*' && !(i + 2 < lx->len && p[i + 2] == '!'))
		return block_comment(lx, false);
	return token(lx);
}

static int
finish(struct lexer *lx)
{
	pending_resolve(lx, NULL, 0, true);
	if (lx->sig && lx->depth > 0 && default_delim(lx))
		return err_set_at(lx->e, ERR_MIGFILE, lx->file, lx->block_line,
				  lx->block_col,
				  "unterminated %s block: no END closes it "
				  "before the end of the section",
				  lx->block_what);
	emit(lx, lx->len);
	return 0;
}

int
lexer_split(const char *text, size_t len, const char *file, int first_line,
	    struct stmt_list *out, struct err *e)
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
	lx.delim[0] = ';';
	lx.dlen = 1;
	lx.dollar = true;
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
