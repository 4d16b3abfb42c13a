/* A batch of statements under construction, owning what they point to. */
#include "config.h"

#include "worker/batch.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "common/banned.h"

static void *
keep(struct batch *b, void *p)
{
	XGROW(b->owned, b->nowned + 1, b->owned_cap);
	b->owned[b->nowned++] = p;
	return p;
}

void
batch_release(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->nowned; i++)
		free(b->owned[i]);
	free(b->owned);
	free(b->v);
	free(b->tag);
	free(b->arg);
	memset(b, 0, sizeof(*b));
}

static const struct db_param *
keep_params(struct batch *b, const struct db_param *params, size_t n)
{
	struct db_param *p;
	size_t i;

	if (n == 0)
		return NULL;
	p = keep(b, xcalloc(n, sizeof(*p)));
	for (i = 0; i < n; i++) {
		p[i] = params[i];
		if (p[i].type == DBP_TEXT)
			p[i].s = keep(b, xstrdup(params[i].s));
	}
	return p;
}

struct db_stmt *
batch_add(struct batch *b, enum db_stmt_kind kind, const char *sql,
	  const struct db_param *params, size_t nparams, int tag, int arg)
{
	size_t cap = b->cap;
	struct db_stmt *s;

	XGROW(b->v, b->n + 1, b->cap);
	if (b->cap != cap) {
		b->tag = xrealloc(b->tag, b->cap * sizeof(*b->tag));
		b->arg = xrealloc(b->arg, b->cap * sizeof(*b->arg));
	}
	s = &b->v[b->n];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->sql = sql ? keep(b, xstrdup(sql)) : NULL;
	s->params = keep_params(b, params, nparams);
	s->nparams = nparams;
	b->tag[b->n] = tag;
	b->arg[b->n] = arg;
	b->n++;
	return s;
}

int
batch_run(struct db *db, const struct batch *b, size_t *failed,
	  struct err *e)
{
	return db_batch(db, b->v, b->n, failed, e);
}
