/*
 * The shape of the statement being lexed, token by token, as each engine's
 * own client sees it: whether it is a routine (trigger, function,
 * procedure) whose body holds semicolons, how deep the parentheses and the
 * BEGIN ... END blocks of that body are, and its first words. The lexer
 * (worker/lexer.c) feeds it the tokens outside quotes and comments and
 * asks, at each semicolon, whether the statement ends there.
 *
 * Each dialect follows its client:
 * - postgres, as psql: a semicolon inside parentheses never ends a
 *   statement; in `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, outside
 *   parentheses, BEGIN opens a block, CASE opens one inside a block and
 *   END closes one (SQL-standard `BEGIN ATOMIC` bodies).
 * - sqlite, as sqlite3_complete(): in `CREATE [TEMP] TRIGGER` a semicolon
 *   ends the statement only right after an END that follows a semicolon.
 * - mysql: the mysql client knows no bodies (dumps say DELIMITER ;;); so
 *   that a routine also loads without a delimiter, in `CREATE ... TRIGGER|
 *   FUNCTION|PROCEDURE|EVENT` (after OR REPLACE, DEFINER = u@h, ...) and in
 *   MariaDB's `BEGIN NOT ATOMIC`, blocks are tracked: BEGIN opens one when
 *   a word other than TRANSACTION or WORK follows and it is no column (not
 *   after `.`, `,`, an operator, inside parentheses or after a word that
 *   names a value: SELECT, SET, DECLARE, WHERE ...); CASE opens a CASE
 *   statement, or a CASE expression where a value is expected; END closes
 *   a CASE expression anywhere, and a block or CASE statement only where a
 *   statement begins (after a semicolon or the BEGIN): a column named end
 *   elsewhere is a column. END IF, LOOP, WHILE, REPEAT and FOR close
 *   nothing counted; END CASE closes the CASE statement.
 *
 * Pure: no I/O, no allocation.
 */
#ifndef MIG_BLOCKS_H
#define MIG_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>

#include "worker/lexer.h"

#define BLOCKS_MAX 64  /* nesting remembered; deeper still counts */
#define BLOCKS_WORD 16 /* bytes kept of the first words */

enum block_pending { BP_NONE, BP_BEGIN, BP_END };

struct blocks {
	enum dialect d;
	int nwords;
	char first[2][BLOCKS_WORD]; /* first two words, upper case */
	int first_line, first_col;  /* where the first word is */
	char ident[4];         /* psql: initials of CREATE OR REPLACE ... */
	bool object_pending;   /* CREATE seen, the kind of object not yet */
	bool routine;          /* a statement whose body holds semicolons */
	int paren;             /* open parentheses */
	int paren_line, paren_col; /* where the outermost one opened */
	int depth;             /* open blocks */
	unsigned char kind[BLOCKS_MAX]; /* 'B'egin, 'S'tatement or 'C'ase */
	int open_line, open_col;   /* where the outermost block opened */
	const char *open_what;
	int sq_state;          /* sqlite3_complete()'s state */
	/* the previous token: a word (prevw, upper case, truncated), a
	 * quoted one, or a character */
	char prevk;            /* 'w' word, 'q' quoted, 'c' char, 0 none */
	char prevc;
	char prevw[BLOCKS_WORD];
	bool prev_opened;      /* that word was a BEGIN that opened a block */
	enum block_pending pending; /* a BEGIN or END decided by what follows */
	char pend_prevk, pend_prevc;
	char pend_prevw[BLOCKS_WORD];
	bool pend_lead;
	int pend_line, pend_col;
};

/* Start a statement in dialect d. */
void blocks_start(struct blocks *b, enum dialect d);
/* A word (unquoted identifier or keyword) of n bytes at line:col. */
void blocks_word(struct blocks *b, const char *w, size_t n, int line,
		 int col);
/* A quoted string or identifier ('q') or any other character. */
void blocks_other(struct blocks *b, char kind, char c, int line, int col);
/*
 * A semicolon while the delimiter is ';': true when it ends the statement;
 * otherwise it was taken as a token of the routine's body.
 */
bool blocks_semicolon(struct blocks *b);
/*
 * At the end of the text: NULL when nothing is open, else what is ("BEGIN
 * block", "CASE block", "parenthesis") and where it opened.
 */
const char *blocks_open(struct blocks *b, int *line, int *col);
/* Whether the statement's first word, or first two, are a and b (NULL). */
bool blocks_starts_with(const struct blocks *b, const char *w1,
			const char *w2);

#endif
