/* Selection expressions: name globs and tags, OR'ed; see selection.h. */
#include "config.h"

#include "config/selection.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "config/problems.h"
#include "common/banned.h"

#define TAG_PREFIX "tag:"
#define TAG_PREFIX_LEN 4

static bool
term_match(const char *term, const struct target *t)
{
	size_t i;

	if (strncmp(term, TAG_PREFIX, TAG_PREFIX_LEN) != 0)
		return fnmatch(term, t->name, 0) == 0;
	for (i = 0; i < t->tags.n; i++)
		if (fnmatch(term + TAG_PREFIX_LEN, t->tags.v[i], 0) == 0)
			return true;
	return false;
}

int
selection_check(const char *expr, struct err *e)
{
	const char *term = expr, *end;
	struct buf q = BUF_INIT;
	size_t len;

	for (;;) {
		end = strchr(term, ',');
		len = end ? (size_t)(end - term) : strlen(term);
		if (len == 0 || (len == TAG_PREFIX_LEN &&
				 strncmp(term, TAG_PREFIX, len) == 0))
			break;
		if (!end)
			return 0;
		term = end + 1;
	}
	err_set(e, ERR_USAGE,
		"'%s' has an empty term (write NAME-GLOB or tag:TAG-GLOB, "
		"several separated by commas)",
		problems_quote(&q, expr));
	buf_release(&q);
	return ERR_USAGE;
}

int
selection_check_each(const struct strv *exprs, const char *what,
		     struct err *e)
{
	size_t i;

	for (i = 0; i < exprs->n; i++)
		if (selection_check(exprs->v[i], e) < 0)
			return err_prefix(e, "%s", what);
	return 0;
}

bool
selection_match(const char *expr, const struct target *t)
{
	char *copy, *p, *term;
	bool hit = false;

	if (!strchr(expr, ','))
		return term_match(expr, t); /* the usual case: no copy */
	copy = p = xstrdup(expr);
	while (!hit && (term = strsep(&p, ",")) != NULL)
		hit = term_match(term, t);
	free(copy);
	return hit;
}

bool
selection_match_any(const struct strv *exprs, const struct target *t)
{
	size_t i;

	if (exprs->n == 0)
		return true;
	for (i = 0; i < exprs->n; i++)
		if (selection_match(exprs->v[i], t))
			return true;
	return false;
}
