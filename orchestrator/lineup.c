/* A fleet run's targets and rollout: --select, --resume, --shard, --canary
 * and --max-failures; see lineup.h. */
#include "config.h"

#include "orchestrator/lineup.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "config/selection.h"
#include "orchestrator/reportdoc.h"
#include "common/banned.h"

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
unfinished(const struct lineup *l, const char *name)
{
	return l->unfinished.n > 0 &&
	       bsearch(&name, l->unfinished.v, l->unfinished.n,
		       sizeof(char *), str_cmp) != NULL;
}

/* The report's unfinished targets, sorted for bsearch. */
static int
read_resume(struct lineup *l, const char *command, struct err *e)
{
	const char *resume = l->opts->resume, *cmd;
	struct reportdoc *doc = NULL;
	int r;

	if ((r = reportdoc_load(resume, &doc, e)) < 0)
		return err_prefix(e, "--resume");
	cmd = json_as_string(json_get(doc->root, "command"));
	if (cmd && command && strcmp(cmd, command) != 0)
		strv_pushf(&l->warnings,
			   "--resume %s: that run was '%s', this one is '%s'",
			   resume, cmd, command);
	reportdoc_unfinished(doc, &l->unfinished);
	if (l->unfinished.n > 0)
		qsort(l->unfinished.v, l->unfinished.n, sizeof(char *),
		      str_cmp);
	l->resuming = true;
	l->resume_doc = doc;
	return 0;
}

int
lineup_init(struct lineup *l, const struct options *o, const char *command,
	    struct err *e)
{
	int r;

	memset(l, 0, sizeof(*l));
	l->opts = o;
	strv_init(&l->unfinished);
	strv_init(&l->warnings);
	if (o->shard && (r = shard_parse(o->shard, &l->shard, e)) < 0)
		return r;
	l->sharded = o->shard != NULL;
	if (o->max_failures &&
	    (r = rollout_budget_parse(o->max_failures, &l->budget, e)) < 0)
		return err_prefix(e, "--max-failures");
	if (o->canary && (r = rollout_canary(o->canary, &l->own, e)) < 0)
		return r;
	if (o->resume && (r = read_resume(l, command, e)) < 0)
		return r;
	return 0;
}

void
lineup_release(struct lineup *l)
{
	rollout_free(l->own);
	reportdoc_free(l->resume_doc);
	strv_release(&l->unfinished);
	strv_release(&l->warnings);
	memset(l, 0, sizeof(*l));
}

/* --resume names that the inventory no longer has. */
static void
warn_gone(struct lineup *l, const struct inventory *inv)
{
	struct strv names = STRV_INIT;
	size_t i;

	for (i = 0; i < inv->n; i++)
		strv_push(&names, inv->v[i]->name);
	if (names.n > 0)
		qsort(names.v, names.n, sizeof(char *), str_cmp);
	for (i = 0; i < l->unfinished.n; i++)
		if (names.n == 0 ||
		    bsearch(&l->unfinished.v[i], names.v, names.n,
			    sizeof(char *), str_cmp) == NULL)
			strv_pushf(&l->warnings,
				   "--resume: target '%s' is no longer in the "
				   "inventory: skipped",
				   l->unfinished.v[i]);
	strv_release(&names);
}

void
lineup_select(struct lineup *l, const struct inventory *inv,
	      struct target **sel, size_t *n, size_t *selected)
{
	const struct strv *select = &l->opts->select;
	size_t i;

	*n = *selected = 0;
	for (i = 0; i < inv->n; i++) {
		const struct target *t = inv->v[i];

		if (!selection_match_any(select, t))
			continue;
		(*selected)++;
		if (l->resuming && !unfinished(l, t->name))
			continue;
		if (l->sharded && !shard_has(&l->shard, t->name))
			continue;
		sel[(*n)++] = inv->v[i];
	}
	if (l->resuming)
		warn_gone(l, inv);
}

int
lineup_rollout(struct lineup *l, struct inventory *inv, struct err *e)
{
	const char *canary = l->opts->canary, *none;
	const struct rollout_wave *w;
	struct rollout *r;

	if (l->own && (none = rollout_unmatched(l->own, inv->v, inv->n)))
		return err_set(e, ERR_USAGE,
			       "--canary '%s' matches no target of the "
			       "inventory",
			       canary ? canary : none);
	r = l->own ? l->own : inv->rollout;
	/* --canary replaces the waves, not the run's budget, nor the
	 * budget the inventory gives its canary wave */
	if (l->own && inv->rollout && !l->budget.set)
		l->own->max_failures = inv->rollout->max_failures;
	if (l->own && (w = rollout_find_wave(inv->rollout, ROLLOUT_CANARY)))
		l->own->v[0].max_failures = w->max_failures;
	if (l->budget.set) {
		if (r == NULL)
			r = l->own = rollout_new();
		r->max_failures = l->budget;
	}
	l->rollout = r;
	return 0;
}
