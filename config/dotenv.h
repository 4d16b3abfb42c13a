/*
 * `.env` parsing (SPEC 3). Pure: the caller reads the file and passes its
 * text; the result is the list of KEY=VALUE pairs in file order, each with
 * its line number so that a bad value can be reported as ".env line 3".
 *
 * The grammar, one assignment per line (lines end in "\n" or "\r\n"):
 *
 *   # a comment line            (first non-blank character is '#')
 *                               (blank lines are ignored)
 *   KEY=value                   unquoted: surrounding blanks trimmed
 *   export KEY=value            an "export " prefix is allowed and ignored
 *   KEY = value                 blanks around the key and '=' are allowed
 *   KEY=value # comment         a '#' after a blank ends an unquoted value
 *   KEY=a#b                     ... but a '#' inside a word is kept: "a#b"
 *   KEY='it is $literal'        single quotes: every character literal
 *   KEY="a \"b\" \\ \n"         double quotes: \" \\ \n \t \r are escapes,
 *                               any other backslash is kept as it is
 *   KEY=                        an empty value
 *
 * Choices: a key is [A-Za-z_][A-Za-z0-9_]*. A quoted value ends on its line
 * (no multi-line values); after the closing quote only blanks or a
 * "# comment" may follow. No variable expansion. A key that appears twice
 * is kept twice; dotenv_get returns the last one, as a shell would.
 * A UTF-8 byte order mark at the start of the text is skipped.
 *
 * Errors (ERR_CONFIG, with e->file and e->line set and col 0, so that
 * err_text prints "file:line: message"): a non-blank line without '=', an
 * invalid key, an unterminated quote, text after a closing quote, a NUL
 * byte. The first error stops parsing.
 */
#ifndef MIG_DOTENV_H
#define MIG_DOTENV_H

#include <stddef.h>

#include "common/err.h"

struct dotenv_pair {
	char *key;
	char *value;
	int line; /* 1-based line number in the file */
};

struct dotenv {
	struct dotenv_pair *pairs;
	size_t n;
	size_t cap;
};

#define DOTENV_INIT { NULL, 0, 0 }

void dotenv_init(struct dotenv *d);
/* Free every pair; the dotenv is empty and reusable afterwards. */
void dotenv_release(struct dotenv *d);

/*
 * Parse text[0..len) (it may contain NUL bytes, which are errors) and append
 * the pairs to d. file names the file in error messages (NULL: ".env").
 * On error d is released (empty) and the error is returned.
 */
int dotenv_parse(struct dotenv *d, const char *text, size_t len,
		 const char *file, struct err *e);

/* The last pair with this key, or NULL. */
const struct dotenv_pair *dotenv_get(const struct dotenv *d, const char *key);

#endif
