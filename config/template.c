/* Templates of discover entries: placeholders for a row's columns; see
 * template.h. */
#include "config.h"

#include "config/template.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "config/expansion.h"
#include "common/banned.h"

/* A part of a template: literal text, or a column. */
struct part {
	char *text;   /* literal (expanded); NULL for a column */
	char *name;   /* the column's name as written; NULL for {N} */
	size_t col;   /* the column, once bound (or as written, for {N}) */
};

struct template {
	struct part *v;
	size_t n, cap;
	bool fields;
};

#define MAX_COLUMN 100000 /* more than any query returns */

static void
add_part(struct template *t, char *text, char *name, size_t col)
{
	XGROW(t->v, t->n + 1, t->cap);
	t->v[t->n].text = text;
	t->v[t->n].name = name;
	t->v[t->n].col = col;
	t->n++;
	if (!text)
		t->fields = true;
}

/* Close the literal text gathered in raw: references expanded. */
static int
flush_text(struct template *t, struct buf *raw, char *const *envp,
	   struct buf *why)
{
	struct buf out = BUF_INIT;

	if (raw->len == 0)
		return 0;
	if (!expansion_env(raw->ptr, envp, &out, why)) {
		buf_release(&out);
		return -1;
	}
	add_part(t, buf_detach(&out), NULL, 0);
	buf_reset(raw);
	return 0;
}

/* The placeholder s[0..n) between braces; -1 when it is none. */
static int
add_field(struct template *t, const char *s, size_t n)
{
	size_t i, col = 0;

	if (n == 0)
		return -1;
	if (isdigit((unsigned char)s[0])) {
		for (i = 0; i < n; i++) {
			if (!isdigit((unsigned char)s[i]) || col > MAX_COLUMN)
				return -1;
			col = col * 10 + (size_t)(s[i] - '0');
		}
		add_part(t, NULL, NULL, col);
		return 0;
	}
	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return -1;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return -1;
	add_part(t, NULL, xstrndup(s, n), 0);
	return 0;
}

/* One brace at *p; moves *p past what it starts. -1 with why. */
static int
brace(struct template *t, const char **p, struct buf *raw, char *const *envp,
      struct buf *why)
{
	const char *s = *p, *close;

	if (s[0] == s[1]) { /* {{ or }} */
		buf_addc(raw, s[0]);
		*p = s + 2;
		return 0;
	}
	if (s[0] == '}') {
		buf_adds(why, "a lone '}': write '}}' for a brace");
		return -1;
	}
	close = strchr(s + 1, '}');
	if (flush_text(t, raw, envp, why) < 0)
		return -1;
	if (!close || add_field(t, s + 1, (size_t)(close - s - 1)) < 0) {
		buf_addf(why,
			 "'%.*s' is not a placeholder: write a column's number "
			 "or name in braces ({0}, {nspname}), '{{' and '}}' for "
			 "braces",
			 close && close - s < 40 ? (int)(close - s + 1) : 1, s);
		return -1;
	}
	*p = close + 1;
	return 0;
}

int
template_compile(const char *s, char *const *envp, struct template **out,
		 struct buf *why)
{
	struct template *t = xcalloc(1, sizeof(*t));
	struct buf raw = BUF_INIT;
	const char *p = s, *close;
	int rc = 0;

	*out = NULL;
	while (*p && rc == 0) {
		if (p[0] == '$' && p[1] == '{') {
			/* a reference is the environment's business (which
			 * says what is wrong with a malformed one) */
			close = strchr(p, '}');
			close = close ? close + 1 : p + strlen(p);
			buf_add(&raw, p, (size_t)(close - p));
			p = close;
		} else if (p[0] == '$' && p[1] == '$') {
			buf_add(&raw, p, 2);
			p += 2;
		} else if (p[0] == '{' || p[0] == '}') {
			rc = brace(t, &p, &raw, envp, why);
		} else {
			buf_addc(&raw, *p++);
		}
	}
	if (rc == 0)
		rc = flush_text(t, &raw, envp, why);
	buf_release(&raw);
	if (rc < 0) {
		template_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

void
template_free(struct template *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].text);
		free(t->v[i].name);
	}
	free(t->v);
	free(t);
}

bool
template_has_fields(const struct template *t)
{
	return t->fields;
}

static void
list_columns(const char *const *columns, size_t ncols, struct buf *why)
{
	size_t i;

	buf_adds(why, " (the query returned ");
	for (i = 0; i < ncols && i < 8; i++)
		buf_addf(why, "%s%s", i ? ", " : "", columns[i]);
	if (ncols > 8)
		buf_addf(why, " and %zu more", ncols - 8);
	buf_adds(why, ")");
}

int
template_bind(struct template *t, const char *const *columns, size_t ncols,
	      struct buf *why)
{
	struct part *pt;
	size_t i, c;

	for (i = 0; i < t->n; i++) {
		pt = &t->v[i];
		if (pt->text)
			continue;
		for (c = 0; pt->name && c < ncols; c++)
			if (strcmp(columns[c], pt->name) == 0)
				break;
		if (pt->name && c == ncols) {
			buf_addf(why, "no column '%s'", pt->name);
			list_columns(columns, ncols, why);
			return -1;
		}
		if (!pt->name && pt->col >= ncols) {
			buf_addf(why, "no column %zu (the query returned %zu "
				      "column%s, counted from 0)",
				 pt->col, ncols, ncols == 1 ? "" : "s");
			return -1;
		}
		if (pt->name)
			pt->col = c;
	}
	return 0;
}

bool
template_fill(const struct template *t, const char *const *row,
	      struct buf *out, struct buf *why)
{
	const struct part *pt;
	size_t i;

	for (i = 0; i < t->n; i++) {
		pt = &t->v[i];
		if (pt->text) {
			buf_adds(out, pt->text);
		} else if (row[pt->col]) {
			buf_adds(out, row[pt->col]);
		} else {
			if (pt->name)
				buf_addf(why, "column '%s' is NULL", pt->name);
			else
				buf_addf(why, "column %zu is NULL", pt->col);
			return false;
		}
	}
	return true;
}

void
template_mark(const struct template *t, bool *used)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!t->v[i].text)
			used[t->v[i].col] = true;
}
