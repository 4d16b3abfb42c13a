/*
 * Routine bodies and parentheses, per dialect, from the tokens of one
 * statement: where a semicolon ends the statement. See blocks.h.
 */
#include "config.h"

#include "worker/blocks.h"

#include <string.h>

#include "common/banned.h"

/* sqlite3_complete()'s states and token classes (sqlite/src/complete.c) */
enum { SQ_INVALID, SQ_START, SQ_NORMAL, SQ_EXPLAIN, SQ_CREATE, SQ_TRIGGER,
       SQ_SEMI, SQ_END };
enum { T_SEMI, T_WS, T_OTHER, T_EXPLAIN, T_CREATE, T_TEMP, T_TRIGGER,
       T_END };

static const unsigned char sq_trans[8][8] = {
	/*             SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END */
	/* INVALID */ { 1, 0, 2, 3, 4, 2, 2, 2 },
	/* START */   { 1, 1, 2, 3, 4, 2, 2, 2 },
	/* NORMAL */  { 1, 2, 2, 2, 2, 2, 2, 2 },
	/* EXPLAIN */ { 1, 3, 3, 2, 4, 2, 2, 2 },
	/* CREATE */  { 1, 4, 2, 2, 2, 4, 5, 2 },
	/* TRIGGER */ { 6, 5, 5, 5, 5, 5, 5, 5 },
	/* SEMI */    { 6, 6, 5, 5, 5, 5, 5, 7 },
	/* END */     { 1, 7, 5, 5, 5, 5, 5, 5 },
};

/* Words after which a MySQL `begin` or `case` is a value, not a block. */
static const char *const value_words[] = {
	"SELECT", "DISTINCT", "WHERE", "AND", "OR", "NOT", "XOR", "BY",
	"ON", "AS", "IS", "IN", "RETURN", "WHEN", "INTO", "FROM",
	"VALUES", "VALUE", "LIKE", "BETWEEN", "HAVING", "DECLARE", "SET",
	"UNTIL", "WHILE", "IF", "ELSEIF", "DEFAULT", "INTERVAL", "DIV",
	"MOD", "TABLE", "UPDATE", "JOIN", "USING", "LIMIT", "CALL",
	"LEAVE", "ITERATE", "OPEN", "CLOSE", "FETCH", NULL
};

static bool
eq(const char *up, const char *kw)
{
	return strcmp(up, kw) == 0;
}

static bool
in(const char *up, const char *const *kws)
{
	for (; *kws != NULL; kws++)
		if (eq(up, *kws))
			return true;
	return false;
}

/* Upper case; a word too long for a keyword becomes "~". */
static void
upcase(char *dst, const char *w, size_t n)
{
	size_t i;

	if (n >= BLOCKS_WORD) {
		dst[0] = '~';
		dst[1] = '\0';
		return;
	}
	for (i = 0; i < n; i++)
		dst[i] = w[i] >= 'a' && w[i] <= 'z' ? (char)(w[i] - 32) : w[i];
	dst[n] = '\0';
}

void
blocks_start(struct blocks *b, enum dialect d)
{
	memset(b, 0, sizeof(*b));
	b->d = d;
	b->sq_state = SQ_START;
}

static void
set_prev(struct blocks *b, char kind, char c, const char *up)
{
	b->prevk = kind;
	b->prevc = c;
	b->prevw[0] = '\0';
	if (up != NULL)
		memcpy(b->prevw, up, strlen(up) + 1);
	b->prev_opened = false;
}

static char
innermost(const struct blocks *b)
{
	if (b->depth == 0)
		return 0;
	return b->depth <= BLOCKS_MAX ? (char)b->kind[b->depth - 1] : 'B';
}

static void
block_open(struct blocks *b, char kind, int line, int col)
{
	if (b->depth == 0) {
		b->open_line = line;
		b->open_col = col;
		b->open_what = kind == 'B' ? "BEGIN" : "CASE";
	}
	if (b->depth < BLOCKS_MAX)
		b->kind[b->depth] = (unsigned char)kind;
	b->depth++;
}

static void
block_close(struct blocks *b)
{
	if (b->depth > 0)
		b->depth--;
}

/* A MySQL word or character before `begin`/`case` that makes it a value. */
static bool
value_expected(char prevk, char prevc, const char *prevw)
{
	if (prevk == 'c')
		return strchr(");:", prevc) == NULL;
	return prevk == 'w' && in(prevw, value_words);
}

/*
 * A MySQL BEGIN or END is decided by the token after it (up, upper case,
 * or NULL for anything but a word). Returns whether that word was used up
 * (END IF, END CASE).
 */
static bool
pending_resolve(struct blocks *b, const char *up)
{
	static const char *const not_block[] = { "TRANSACTION", "WORK", NULL };
	static const char *const uncounted[] = { "IF", "LOOP", "WHILE",
						 "REPEAT", "FOR", NULL };
	enum block_pending p = b->pending;

	b->pending = BP_NONE;
	if (p == BP_BEGIN) {
		if (up == NULL || in(up, not_block) || innermost(b) == 'C' ||
		    b->paren > 0 ||
		    value_expected(b->pend_prevk, b->pend_prevc,
				   b->pend_prevw))
			return false;
		block_open(b, 'B', b->pend_line, b->pend_col);
		b->prev_opened = true;
		return false;
	}
	if (p != BP_END)
		return false;
	/* IF, LOOP, WHILE, REPEAT and FOR were never counted as opening */
	if (up != NULL && in(up, uncounted))
		return true;
	if (up != NULL && eq(up, "CASE")) {
		block_close(b);
		return true;
	}
	/* elsewhere an END that ends no CASE expression is a column */
	if (innermost(b) == 'C' || b->pend_lead)
		block_close(b);
	return false;
}

static void
pend(struct blocks *b, enum block_pending p, int line, int col)
{
	b->pending = p;
	b->pend_prevk = b->prevk;
	b->pend_prevc = b->prevc;
	memcpy(b->pend_prevw, b->prevw, sizeof(b->prevw));
	b->pend_lead = (b->prevk == 'c' && b->prevc == ';') || b->prev_opened;
	b->pend_line = line;
	b->pend_col = col;
}

static void
mysql_word(struct blocks *b, const char *up, int line, int col)
{
	static const char *const modifiers[] = { "OR", "REPLACE", "DEFINER",
						 "AGGREGATE", NULL };
	static const char *const routines[] = { "TRIGGER", "FUNCTION",
						"PROCEDURE", "EVENT", NULL };

	if (b->nwords == 1) {
		b->object_pending = eq(up, "CREATE");
		return;
	}
	/* MariaDB's anonymous block */
	if (b->nwords == 3 && blocks_starts_with(b, "BEGIN", "NOT") &&
	    eq(up, "ATOMIC")) {
		b->routine = true;
		block_open(b, 'B', b->first_line, b->first_col);
		return;
	}
	/* a.begin is a column, DEFINER=root@localhost a user */
	if (b->prevk == 'c' && (b->prevc == '.' ||
				(b->object_pending &&
				 (b->prevc == '=' || b->prevc == '@'))))
		return;
	if (b->object_pending) {
		if (!in(up, modifiers)) {
			b->object_pending = false;
			b->routine = in(up, routines);
		}
		return;
	}
	if (!b->routine)
		return;
	if (eq(up, "BEGIN"))
		pend(b, BP_BEGIN, line, col);
	else if (eq(up, "END"))
		pend(b, BP_END, line, col);
	else if (eq(up, "CASE"))
		block_open(b,
			   innermost(b) == 'C' || b->paren > 0 ||
				   value_expected(b->prevk, b->prevc, b->prevw)
			       ? 'C'
			       : 'S',
			   line, col);
}

/* psql's heuristic (psqlscan.l): CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
static void
postgres_word(struct blocks *b, const char *up, int line, int col)
{
	static const char *const shape[] = { "CREATE", "FUNCTION", "PROCEDURE",
					     "OR", "REPLACE", NULL };
	const char *id = b->ident;
	size_t k = (size_t)b->nwords - 1;

	if (k < sizeof(b->ident) && in(up, shape))
		b->ident[k] = up[0];
	b->routine = id[0] == 'C' &&
		     (id[1] == 'F' || id[1] == 'P' ||
		      (id[1] == 'O' && id[2] == 'R' &&
		       (id[3] == 'F' || id[3] == 'P')));
	if (!b->routine || b->paren > 0)
		return;
	if (eq(up, "BEGIN"))
		block_open(b, 'B', line, col);
	else if (eq(up, "CASE") && b->depth > 0)
		block_open(b, 'C', line, col);
	else if (eq(up, "END"))
		block_close(b);
}

static void
sqlite_token(struct blocks *b, int t)
{
	b->sq_state = sq_trans[b->sq_state][t];
}

static void
sqlite_word(struct blocks *b, const char *up, int line, int col)
{
	int t = T_OTHER;

	if (eq(up, "EXPLAIN"))
		t = T_EXPLAIN;
	else if (eq(up, "CREATE"))
		t = T_CREATE;
	else if (eq(up, "TEMP") || eq(up, "TEMPORARY"))
		t = T_TEMP;
	else if (eq(up, "TRIGGER"))
		t = T_TRIGGER;
	else if (eq(up, "END"))
		t = T_END;
	sqlite_token(b, t);
	/* where to point when the trigger never ends */
	if (b->sq_state >= SQ_TRIGGER && b->open_what == NULL &&
	    eq(up, "BEGIN")) {
		b->open_what = "BEGIN";
		b->open_line = line;
		b->open_col = col;
	}
}

void
blocks_word(struct blocks *b, const char *w, size_t n, int line, int col)
{
	char up[BLOCKS_WORD];

	upcase(up, w, n);
	if (b->pending != BP_NONE && pending_resolve(b, up)) {
		set_prev(b, 'w', 0, up);
		return;
	}
	if (b->nwords == 0) {
		b->first_line = line;
		b->first_col = col;
	}
	if (b->nwords < 2)
		memcpy(b->first[b->nwords], up, strlen(up) + 1);
	b->nwords++;
	if (b->d == DIALECT_MYSQL)
		mysql_word(b, up, line, col);
	else if (b->d == DIALECT_POSTGRES)
		postgres_word(b, up, line, col);
	else
		sqlite_word(b, up, line, col);
	set_prev(b, 'w', 0, up);
}

void
blocks_other(struct blocks *b, char kind, char c, int line, int col)
{
	if (b->pending != BP_NONE)
		pending_resolve(b, NULL);
	if (kind == 'c' && c == '(' && b->paren++ == 0) {
		b->paren_line = line;
		b->paren_col = col;
	} else if (kind == 'c' && c == ')' && b->paren > 0) {
		b->paren--;
	}
	if (b->d == DIALECT_SQLITE)
		sqlite_token(b, T_OTHER);
	set_prev(b, kind, c, NULL);
}

bool
blocks_semicolon(struct blocks *b)
{
	bool ends;

	if (b->pending != BP_NONE)
		pending_resolve(b, NULL);
	if (b->d == DIALECT_SQLITE) {
		sqlite_token(b, T_SEMI);
		ends = b->sq_state == SQ_START;
	} else {
		ends = b->depth == 0 &&
		       (b->d != DIALECT_POSTGRES || b->paren == 0);
	}
	if (!ends)
		set_prev(b, 'c', ';', NULL);
	return ends;
}

const char *
blocks_open(struct blocks *b, int *line, int *col)
{
	if (b->pending != BP_NONE)
		pending_resolve(b, NULL);
	if (b->d == DIALECT_SQLITE &&
	    (b->sq_state == SQ_TRIGGER || b->sq_state == SQ_SEMI)) {
		*line = b->open_what ? b->open_line : b->first_line;
		*col = b->open_what ? b->open_col : b->first_col;
		return b->open_what ? "unterminated BEGIN block: no END closes "
				      "it before the end of the section"
				    : "unterminated trigger: no END closes it "
				      "before the end of the section";
	}
	if (b->d != DIALECT_SQLITE && b->depth > 0) {
		*line = b->open_line;
		*col = b->open_col;
		return eq(b->open_what, "BEGIN")
			       ? "unterminated BEGIN block: no END closes it "
				 "before the end of the section"
			       : "unterminated CASE block: no END closes it "
				 "before the end of the section";
	}
	if (b->d == DIALECT_POSTGRES && b->paren > 0) {
		*line = b->paren_line;
		*col = b->paren_col;
		return "unclosed parenthesis: no ')' closes it before the end "
		       "of the section";
	}
	return NULL;
}

bool
blocks_starts_with(const struct blocks *b, const char *w1, const char *w2)
{
	return b->nwords >= 1 && eq(b->first[0], w1) &&
	       (w2 == NULL || (b->nwords >= 2 && eq(b->first[1], w2)));
}
