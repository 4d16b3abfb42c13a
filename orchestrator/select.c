/* --select: name globs and tags, OR'ed; see select.h. */
#include "config.h"

#include "orchestrator/select.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
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

/* Call fn on each comma-separated term of expr until it returns true. */
static bool
each_term(const char *expr, bool (*fn)(const char *term, const void *arg),
	  const void *arg)
{
	char *copy = xstrdup(expr), *p = copy, *term;
	bool hit = false;

	while (!hit && (term = strsep(&p, ",")) != NULL)
		hit = fn(term, arg);
	free(copy);
	return hit;
}

static bool
term_bad(const char *term, const void *arg)
{
	(void)arg;
	return term[0] == '\0' || strcmp(term, TAG_PREFIX) == 0;
}

static bool
term_hit(const char *term, const void *arg)
{
	return term_match(term, arg);
}

int
select_check(const struct strv *exprs, struct err *e)
{
	size_t i;

	for (i = 0; i < exprs->n; i++)
		if (each_term(exprs->v[i], term_bad, NULL))
			return err_set(e, ERR_USAGE,
				       "--select '%s': empty term (write NAME-GLOB "
				       "or tag:TAG-GLOB, several separated by "
				       "commas)",
				       exprs->v[i]);
	return 0;
}

bool
select_match(const struct strv *exprs, const struct target *t)
{
	size_t i;

	if (exprs->n == 0)
		return true;
	for (i = 0; i < exprs->n; i++)
		if (each_term(exprs->v[i], term_hit, t))
			return true;
	return false;
}
