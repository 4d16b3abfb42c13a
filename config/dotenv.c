/*
 * `.env` parser: lines of KEY=VALUE with shell-like quoting, as described in
 * dotenv.h. Pure string work; the caller reads the file.
 */
#include "config.h"

#include "config/dotenv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "common/banned.h"

/* One line being parsed: p walks from the start to end. */
struct dotenv_line {
	const char *start;
	const char *p;
	const char *end;
	const char *file;
	int lineno;
};

void
dotenv_init(struct dotenv *d)
{
	d->pairs = NULL;
	d->n = 0;
	d->cap = 0;
}

void
dotenv_release(struct dotenv *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->pairs[i].key);
		free(d->pairs[i].value);
	}
	free(d->pairs);
	dotenv_init(d);
}

const struct dotenv_pair *
dotenv_get(const struct dotenv *d, const char *key)
{
	size_t i;

	for (i = d->n; i > 0; i--)
		if (strcmp(d->pairs[i - 1].key, key) == 0)
			return &d->pairs[i - 1];
	return NULL;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_key_char(char c, bool first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

static void
skip_blanks(struct dotenv_line *l)
{
	while (l->p < l->end && is_blank(*l->p))
		l->p++;
}

static int
line_error(const struct dotenv_line *l, const char *what, struct err *e)
{
	return err_set_at(e, ERR_CONFIG, l->file, l->lineno, 0, "%s", what);
}

/* After a closing quote: only blanks, then nothing or a comment. */
static int
after_quote(struct dotenv_line *l, struct err *e)
{
	skip_blanks(l);
	if (l->p < l->end && *l->p != '#')
		return line_error(l, "unexpected text after the closing quote",
				  e);
	return 0;
}

static int
value_single(struct dotenv_line *l, struct buf *v, struct err *e)
{
	const char *close;

	l->p++;
	close = memchr(l->p, '\'', (size_t)(l->end - l->p));
	if (close == NULL)
		return line_error(l, "unterminated single quote", e);
	buf_add(v, l->p, (size_t)(close - l->p));
	l->p = close + 1;
	return after_quote(l, e);
}

static int
value_double(struct dotenv_line *l, struct buf *v, struct err *e)
{
	char c;

	for (l->p++; l->p < l->end && *l->p != '"'; l->p++) {
		c = *l->p;
		if (c == '\\' && l->p + 1 < l->end) {
			switch (l->p[1]) {
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			default: c = 0; break;
			}
			if (c != 0) {
				buf_addc(v, c);
				l->p++;
				continue;
			}
			c = '\\';
		}
		buf_addc(v, c);
	}
	if (l->p >= l->end)
		return line_error(l, "unterminated double quote", e);
	l->p++;
	return after_quote(l, e);
}

/* Unquoted: up to a '#' that follows a blank, trailing blanks trimmed. */
static void
value_plain(struct dotenv_line *l, struct buf *v)
{
	const char *q;

	for (q = l->p; q < l->end; q++)
		if (*q == '#' && q > l->start && is_blank(q[-1]))
			break;
	buf_add(v, l->p, (size_t)(q - l->p));
	buf_rtrim(v);
	l->p = l->end;
}

/* The key, with an optional "export " in front; leaves p after '='. */
static int
parse_key(struct dotenv_line *l, const char **key, size_t *klen,
	  struct err *e)
{
	const char *eq, *k, *kend;

	eq = memchr(l->p, '=', (size_t)(l->end - l->p));
	if (eq == NULL)
		return line_error(l, "line has no '=' (expected KEY=VALUE)", e);
	if (l->end - l->p > 7 && memcmp(l->p, "export", 6) == 0 &&
	    is_blank(l->p[6]) && l->p + 6 < eq) {
		l->p += 6;
		skip_blanks(l);
	}
	k = l->p;
	kend = eq;
	while (kend > k && is_blank(kend[-1]))
		kend--;
	for (l->p = k; l->p < kend; l->p++)
		if (!is_key_char(*l->p, l->p == k))
			break;
	if (kend == k || l->p < kend) {
		err_set_at(e, ERR_CONFIG, l->file, l->lineno, 0,
			   "invalid variable name '%.*s' (use letters, digits "
			   "and '_', not starting with a digit)",
			   (int)(kend - k > 64 ? 64 : kend - k), k);
		return e->code;
	}
	*key = k;
	*klen = (size_t)(kend - k);
	l->p = eq + 1;
	return 0;
}

static int
parse_line(struct dotenv *d, struct dotenv_line *l, struct err *e)
{
	struct buf v = BUF_INIT;
	const char *key = NULL;
	size_t klen = 0;
	int rc;

	if (l->end > l->start &&
	    memchr(l->start, '\0', (size_t)(l->end - l->start)) != NULL)
		return line_error(l, "line contains a NUL byte", e);
	skip_blanks(l);
	if (l->p == l->end || *l->p == '#')
		return 0;
	if ((rc = parse_key(l, &key, &klen, e)) < 0)
		return rc;
	skip_blanks(l);
	if (l->p < l->end && *l->p == '\'')
		rc = value_single(l, &v, e);
	else if (l->p < l->end && *l->p == '"')
		rc = value_double(l, &v, e);
	else
		value_plain(l, &v);
	if (rc < 0) {
		buf_release(&v);
		return rc;
	}
	XGROW(d->pairs, d->n + 1, d->cap);
	d->pairs[d->n].key = xstrndup(key, klen);
	d->pairs[d->n].value = buf_detach(&v);
	d->pairs[d->n].line = l->lineno;
	d->n++;
	return 0;
}

int
dotenv_parse(struct dotenv *d, const char *text, size_t len, const char *file,
	     struct err *e)
{
	const char *end = text + len, *s = text, *nl;
	struct dotenv_line l;
	int rc;

	l.file = file ? file : ".env";
	l.lineno = 0;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	for (; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		l.start = l.p = s;
		l.end = nl;
		if (l.end > l.start && l.end[-1] == '\r')
			l.end--;
		l.lineno++;
		if ((rc = parse_line(d, &l, e)) < 0) {
			dotenv_release(d);
			return rc;
		}
	}
	return 0;
}
