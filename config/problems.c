/* Positioned problems of an input file, collected, deduplicated within a
 * window and rendered in document order; see problems.h. */
#include "config.h"

#include "config/problems.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "common/banned.h"

void
problems_init(struct problems *pr)
{
	memset(pr, 0, sizeof(*pr));
}

void
problems_release(struct problems *pr)
{
	size_t i;

	for (i = 0; i < pr->n; i++)
		free(pr->v[i].msg);
	free(pr->v);
	free(pr->prefix);
	problems_init(pr);
}

/* Whether msg at line:col is already in the open window. */
static bool
problems_repeat(const struct problems *pr, int line, int col, const char *msg)
{
	size_t i;

	for (i = pr->first; i < pr->n; i++)
		if (pr->v[i].line == line && pr->v[i].col == col &&
		    strcmp(pr->v[i].msg, msg) == 0)
			return true;
	return false;
}

void
problems_add(struct problems *pr, int line, int col, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (pr->prefix) {
		char *full = xasprintf("%s%s", pr->prefix, msg);

		free(msg);
		msg = full;
	}
	if (pr->in_window) {
		if (problems_repeat(pr, line, col, msg)) {
			free(msg);
			return;
		}
		if (pr->n - pr->first >= pr->max) {
			pr->dropped++;
			free(msg);
			return;
		}
	}
	XGROW(pr->v, pr->n + 1, pr->cap);
	pr->v[pr->n].line = line;
	pr->v[pr->n].col = col;
	pr->v[pr->n].seq = pr->n;
	pr->v[pr->n].msg = msg;
	pr->n++;
}

void
problems_set_prefix(struct problems *pr, const char *prefix)
{
	free(pr->prefix);
	pr->prefix = xstrdup_or_null(prefix);
}

void
problems_window_begin(struct problems *pr, size_t max)
{
	pr->in_window = true;
	pr->first = pr->n;
	pr->max = max;
	pr->dropped = 0;
}

void
problems_window_end(struct problems *pr, const char *what)
{
	const struct problem *last;

	pr->in_window = false;
	if (pr->dropped == 0)
		return;
	last = &pr->v[pr->n - 1];
	problems_add(pr, last->line, last->col,
		     "... and %zu more problem%s in %s", pr->dropped,
		     pr->dropped == 1 ? "" : "s", what);
}

static int
problem_cmp(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
problems_render(struct problems *pr, const char *file, struct strv *out)
{
	size_t i;

	if (pr->n > 1)
		qsort(pr->v, pr->n, sizeof(*pr->v), problem_cmp);
	for (i = 0; i < pr->n; i++) {
		if (pr->v[i].line > 0)
			strv_pushf(out, "%s:%d:%d: %s", file, pr->v[i].line,
				   pr->v[i].col, pr->v[i].msg);
		else
			strv_pushf(out, "%s: %s", file, pr->v[i].msg);
	}
}

static const char *
quote_max(struct buf *b, const char *s, size_t max)
{
	size_t i;

	buf_reset(b);
	for (i = 0; s[i] && i < max; i++)
		buf_addc(b, iscntrl((unsigned char)s[i]) ? '?' : s[i]);
	if (s[i])
		buf_adds(b, "...");
	return b->ptr;
}

const char *
problems_quote(struct buf *b, const char *s)
{
	return quote_max(b, s, 60);
}

const char *
problems_quote_path(struct buf *b, const char *s)
{
	return quote_max(b, s, 4096);
}
