/* An engine's error position as file:line:col and a caret (caret.h). */
#include "config.h"

#include "worker/caret.h"

#include <stdio.h>
#include <string.h>

#include "common/banned.h"

/* Is c the first byte of a UTF-8 character (not a continuation byte)? */
static bool
char_start(char c)
{
	return ((unsigned char)c & 0xc0) != 0x80;
}

/* The byte offset of character pos (1-based) of s, or -1 past its end. */
static long
byte_of(const char *s, int pos)
{
	long i;
	int k = 0;

	for (i = 0; s[i] != '\0'; i++)
		if (char_start(s[i]) && ++k == pos)
			return i;
	return k + 1 == pos ? i : -1;
}

/* The line s[ls..) up to its newline, and a caret under byte b of it. */
static void
excerpt_lines(const char *s, long ls, long b, int pad, int line,
	      struct buf *out)
{
	size_t len = strcspn(s + ls, "\n");
	char num[16];
	long j;
	int w;

	if (len > 0 && s[ls + len - 1] == '\r')
		len--;
	w = snprintf(num, sizeof(num), "%d", line);
	buf_addf(out, "  %s | %*s", num, pad, "");
	buf_add(out, s + ls, len);
	buf_addf(out, "\n  %*s | %*s", w, "", pad, "");
	for (j = ls; j < b; j++)
		if (s[j] == '\t')
			buf_addc(out, '\t');
		else if (char_start(s[j]))
			buf_addc(out, ' ');
	buf_addc(out, '^');
}

bool
caret_locate(const struct stmt *st, int pos, struct caret *at,
	     struct buf *excerpt)
{
	const char *s = st->sql;
	long b, ls = 0, i;
	int line = st->line, col = 1, pad;

	if (pos <= 0 || (b = byte_of(s, pos)) < 0)
		return false;
	for (i = 0; i < b; i++)
		if (s[i] == '\n') {
			line++;
			ls = i + 1;
		}
	for (i = ls; i < b; i++)
		if (char_start(s[i]))
			col++;
	pad = ls == 0 && st->col > 1 ? st->col - 1 : 0;
	at->line = line;
	at->col = col + pad;
	excerpt_lines(s, ls, b, pad, line, excerpt);
	return true;
}
