/* Rollouts: the waves of a fleet run and its failure budgets, parsed from
 * the inventory or built for --canary, targets put into waves, and the
 * two questions the coordinator asks while it runs. See rollout.h. */
#include "config.h"

#include "config/rollout.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "config/keytable.h"
#include "config/selection.h"
#include "config/targetspec.h"
#include "common/banned.h"

#define DIGITS "0123456789"
#define MAX_JOBS 10000 /* as --jobs */

/* ---- budgets and amounts ------------------------------------------------- */

/*
 * "3", "10%", "12.5%": a whole number (*value is it), or a percentage with
 * at most two decimals (*value is in hundredths of a percent, so that
 * shares are computed exactly: 10% of 60 must be 6, not 6.000001).
 * bare_percent reads a number without '%' as a percentage.
 */
static bool
amount_parse(const char *s, bool bare_percent, bool *percent, long *value)
{
	size_t n = strspn(s, DIGITS), f = 0, i;
	long whole = 0, frac = 0;

	if (n == 0 || n > 9)
		return false;
	for (i = 0; i < n; i++)
		whole = whole * 10 + (s[i] - '0');
	s += n;
	if (*s == '.') {
		f = strspn(s + 1, DIGITS);
		if (f == 0 || f > 2)
			return false;
		frac = (s[1] - '0') * 10 + (f == 2 ? s[2] - '0' : 0);
		s += 1 + f;
	}
	*percent = *s == '%' || bare_percent;
	if (*s == '%')
		s++;
	if (*s || (f && !*percent))
		return false;
	*value = *percent ? whole * 100 + frac : whole;
	return true;
}

int
rollout_budget_parse(const char *s, struct rollout_budget *b, struct err *e)
{
	struct buf q = BUF_INIT;
	bool percent;
	long v;
	int rc = 0;

	if (!amount_parse(s, false, &percent, &v))
		rc = err_set(e, ERR_USAGE,
			     "'%s' is not a number of targets (such as 3) or "
			     "a percentage (such as 10%%)",
			     problems_quote(&q, s));
	else if (percent && v > 10000)
		rc = err_set(e, ERR_USAGE, "'%s' is more than 100%%",
			     problems_quote(&q, s));
	if (rc == 0) {
		b->set = true;
		b->percent = percent;
		b->value = percent ? (double)v / 100 : (double)v;
	}
	buf_release(&q);
	return rc;
}

/* A percentage back in hundredths: exact for what amount_parse read. */
static unsigned long long
hundredths(double percent)
{
	return (unsigned long long)(percent * 100 + 0.5);
}

long
rollout_budget_limit(const struct rollout_budget *b, size_t n)
{
	if (!b->set)
		return -1;
	if (!b->percent)
		return (long)b->value;
	return (long)(hundredths(b->value) * n / 10000);
}

/* ---- matching ------------------------------------------------------------ */

static bool
matches_any(const char *expr, struct target *const *targets, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (selection_match(expr, targets[i]))
			return true;
	return false;
}

/* ---- the data model ------------------------------------------------------ */

struct rollout *
rollout_new(void)
{
	return xcalloc(1, sizeof(struct rollout));
}

void
rollout_free(struct rollout *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->v[i].name);
		strv_release(&r->v[i].select);
	}
	free(r->v);
	free(r);
}

static struct rollout_wave *
rollout_add_wave(struct rollout *r)
{
	struct rollout_wave *w;

	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	w = &r->v[r->n++];
	memset(w, 0, sizeof(*w));
	return w;
}

int
rollout_canary(const char *expr, struct rollout **out, struct err *e)
{
	struct rollout_wave *w;

	*out = NULL;
	if (selection_check(expr, e) < 0)
		return err_prefix(e, "--canary");
	*out = rollout_new();
	w = rollout_add_wave(*out);
	w->name = xstrdup(ROLLOUT_CANARY);
	strv_push(&w->select, expr);
	return 0;
}

const char *
rollout_unmatched(const struct rollout *r, struct target *const *targets,
		  size_t n)
{
	size_t i, j;

	for (i = 0; r && i < r->n; i++)
		for (j = 0; j < r->v[i].select.n; j++)
			if (!matches_any(r->v[i].select.v[j], targets, n))
				return r->v[i].select.v[j];
	return NULL;
}

/* ---- waves --------------------------------------------------------------- */

static bool
wave_selects(const struct rollout_wave *w, const struct target *t)
{
	return selection_match_any(&w->select, t);
}

/* How many of m matching targets wave w takes. */
static size_t
wave_take(const struct rollout_wave *w, size_t m)
{
	if (w->count > 0 && (size_t)w->count < m)
		return (size_t)w->count;
	if (w->percent > 0)
		return (size_t)((hundredths(w->percent) * m + 9999) / 10000);
	return m;
}

/*
 * Two passes per wave, over the targets still unassigned: count the
 * matches, then take the first wave_take() of them in inventory order.
 */
void
rollout_assign(const struct rollout *r, struct target *const *targets,
	       size_t n, size_t *wave_of, size_t *nwaves)
{
	size_t nw = r ? r->n : 0, i, w, m, take;
	bool rest = false;

	for (i = 0; i < n; i++)
		wave_of[i] = nw;
	for (w = 0; w < nw; w++) {
		for (i = m = 0; i < n; i++)
			m += wave_of[i] == nw && wave_selects(&r->v[w], targets[i]);
		take = wave_take(&r->v[w], m);
		for (i = 0; i < n && take > 0; i++) {
			if (wave_of[i] == nw &&
			    wave_selects(&r->v[w], targets[i])) {
				wave_of[i] = w;
				take--;
			}
		}
	}
	for (i = 0; i < n && !rest; i++)
		rest = wave_of[i] == nw;
	*nwaves = nw + rest;
}

const char *
rollout_wave_name(const struct rollout *r, size_t w)
{
	return r && w < r->n ? r->v[w].name : ROLLOUT_REST;
}

size_t
rollout_wave_jobs(const struct rollout *r, size_t w, size_t dflt)
{
	return r && w < r->n && r->v[w].jobs > 0 ? (size_t)r->v[w].jobs : dflt;
}

/* ---- budgets while running ----------------------------------------------- */

static const struct rollout_budget no_budget = { false, false, 0 };

static const struct rollout_budget *
wave_budget(const struct rollout *r, size_t w)
{
	return r && w < r->n ? &r->v[w].max_failures : &no_budget;
}

static bool
exceeded(const struct rollout_budget *b, size_t n, size_t failed)
{
	return b->set && failed > (size_t)rollout_budget_limit(b, n);
}

bool
rollout_may_start(const struct rollout *r, size_t w,
		  const struct rollout_tally *t)
{
	const struct rollout_budget *run = r ? &r->max_failures : &no_budget;

	return !exceeded(run, t->selected, t->failed) &&
	       !exceeded(wave_budget(r, w), t->wave_size, t->wave_failed);
}

/* The wave --canary makes, or the inventory's wave of that name. */
static bool
is_canary(const struct rollout *r, size_t w)
{
	return r && w < r->n && r->v[w].name &&
	       strcmp(r->v[w].name, ROLLOUT_CANARY) == 0;
}

const struct rollout_wave *
rollout_find_wave(const struct rollout *r, const char *name)
{
	size_t i;

	for (i = 0; r && i < r->n; i++)
		if (r->v[i].name && strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}

bool
rollout_may_advance(const struct rollout *r, size_t w,
		    const struct rollout_tally *t)
{
	/* A canary tolerates what its own budget says, not the run's. */
	bool budgeted = (r && r->max_failures.set && !is_canary(r, w)) ||
			wave_budget(r, w)->set;

	return rollout_may_start(r, w, t) && (budgeted || t->wave_failed == 0);
}

/* ---- parsing ------------------------------------------------------------- */

enum rkey {
	R_NAME,
	R_SELECT,
	R_COUNT,
	R_PERCENT,
	R_JOBS,
	R_MAX_FAILURES,
	R_WAVES,
	R_N
};

#define IN_ROLLOUT 1u
#define IN_WAVE 2u

struct parse_ctx {
	struct problems *pr;
	struct target *const *targets; /* NULL: do not check matches */
	size_t n;
	struct buf q; /* for problems_quote */
};

typedef void conv_fn(struct parse_ctx *c, struct rollout *r,
		     struct rollout_wave *w, const struct ynode *v);

struct rollout_key {
	struct keydef def; /* first: keytable_walk steps over the rest */
	conv_fn *conv;     /* a non-null value → r or w */
};

static conv_fn conv_name, conv_select, conv_count, conv_percent, conv_jobs,
    conv_budget;

#define KEY(name, slot, shape, where, req, conv)                               \
	{ { name, slot, shape, where, req }, conv }

/* One table for both mappings, so that a key in the wrong one is "not
 * allowed in a wave" rather than unknown. Waves are converted apart. */
static const struct rollout_key rollout_keys[] = {
	KEY("name", R_NAME, KT_SCALAR, IN_WAVE, IN_WAVE, conv_name),
	KEY("select", R_SELECT, KT_SEQ, IN_WAVE, 0, conv_select),
	KEY("count", R_COUNT, KT_SCALAR, IN_WAVE, 0, conv_count),
	KEY("percent", R_PERCENT, KT_SCALAR, IN_WAVE, 0, conv_percent),
	KEY("jobs", R_JOBS, KT_SCALAR, IN_WAVE, 0, conv_jobs),
	KEY("max_failures", R_MAX_FAILURES, KT_SCALAR, IN_ROLLOUT | IN_WAVE,
	    0, conv_budget),
	KEY("waves", R_WAVES, KT_SEQ, IN_ROLLOUT, 0, NULL),
	KEY(NULL, 0, 0, 0, 0, NULL),
};

#define PROBLEM(c, node, ...)                                                  \
	problems_add((c)->pr, (node)->line, (node)->col, __VA_ARGS__)

static const char *
quote(struct parse_ctx *c, const char *s)
{
	return problems_quote(&c->q, s);
}

static void
conv_name(struct parse_ctx *c, struct rollout *r, struct rollout_wave *w,
	  const struct ynode *v)
{
	(void)r;
	if (!targetspec_name_ok(v->str))
		PROBLEM(c, v,
			"name: '%s' is not a valid wave name: use letters, "
			"digits, '.', '_' and '-', not first '.' or '-', at "
			"most 200",
			quote(c, v->str));
	else
		w->name = xstrdup(v->str);
}

/* One item of select; true when it goes into the wave. */
static bool
select_item(struct parse_ctx *c, const struct ynode *item)
{
	struct err e = ERR_INIT;

	if (item->kind != YNODE_SCALAR || ynode_is_null(item)) {
		PROBLEM(c, item, "select: an expression must be a string, not %s",
			ynode_is_null(item) ? "null" : ynode_kind_name(item));
	} else if (!*item->str || strlen(item->str) != item->len) {
		PROBLEM(c, item,
			"select: an expression must not be empty (write "
			"NAME-GLOB or tag:TAG-GLOB)");
	} else if (selection_check(item->str, &e) < 0) {
		PROBLEM(c, item, "select: %s", e.msg);
	} else if (c->targets &&
		   !matches_any(item->str, c->targets, c->n)) {
		PROBLEM(c, item, "select: '%s' matches no target of the "
				 "inventory",
			quote(c, item->str));
	} else {
		return true;
	}
	return false;
}

static void
conv_select(struct parse_ctx *c, struct rollout *r, struct rollout_wave *w,
	    const struct ynode *v)
{
	size_t i;

	(void)r;
	if (v->n == 0)
		PROBLEM(c, v,
			"select: the list is empty (leave 'select' out to take "
			"every remaining target)");
	for (i = 0; i < v->n; i++)
		if (select_item(c, v->kids[i]))
			strv_push(&w->select, v->kids[i]->str);
}

/* A whole number from 1 to max (no '%', no decimals). */
static bool
whole_parse(const char *s, long max, long *n)
{
	bool percent;

	return amount_parse(s, false, &percent, n) && !percent && *n > 0 &&
	       *n <= max;
}

static void
conv_count(struct parse_ctx *c, struct rollout *r, struct rollout_wave *w,
	   const struct ynode *v)
{
	long n;

	(void)r;
	if (whole_parse(v->str, LONG_MAX, &n))
		w->count = n;
	else
		PROBLEM(c, v, "count: '%s' is not a whole number 1 or more",
			quote(c, v->str));
}

static void
conv_percent(struct parse_ctx *c, struct rollout *r, struct rollout_wave *w,
	     const struct ynode *v)
{
	bool percent;
	long h;

	(void)r;
	if (amount_parse(v->str, true, &percent, &h) && h > 0 && h <= 10000)
		w->percent = (double)h / 100;
	else
		PROBLEM(c, v,
			"percent: '%s' is not a percentage more than 0 and at "
			"most 100 (such as 10%%)",
			quote(c, v->str));
}

static void
conv_jobs(struct parse_ctx *c, struct rollout *r, struct rollout_wave *w,
	  const struct ynode *v)
{
	long n;

	(void)r;
	if (whole_parse(v->str, MAX_JOBS, &n))
		w->jobs = (int)n;
	else
		PROBLEM(c, v, "jobs: '%s' is not a whole number 1-%d",
			quote(c, v->str), MAX_JOBS);
}

/* The run's max_failures when w is NULL, else the wave's. */
static void
conv_budget(struct parse_ctx *c, struct rollout *r, struct rollout_wave *w,
	    const struct ynode *v)
{
	struct err e = ERR_INIT;

	if (rollout_budget_parse(v->str, w ? &w->max_failures
					   : &r->max_failures,
				 &e) < 0)
		PROBLEM(c, v, "max_failures: %s", e.msg);
}

/* Convert the non-null values walked into nodes, in table order. */
static void
convert(struct parse_ctx *c, const struct ynode **nodes, struct rollout *r,
	struct rollout_wave *w)
{
	const struct rollout_key *rk;
	const struct ynode *v;

	for (rk = rollout_keys; rk->def.key; rk++) {
		if (!rk->conv || !(v = nodes[rk->def.slot]))
			continue;
		if (ynode_is_null(v)) {
			if (rk->def.slot == R_NAME)
				PROBLEM(c, v, "name: must not be empty");
		} else if (v->kind == YNODE_SCALAR &&
			   strlen(v->str) != v->len) {
			PROBLEM(c, v, "%s: the value contains a NUL byte",
				rk->def.key);
		} else {
			rk->conv(c, r, w, v);
		}
	}
}

static bool
given(const struct ynode *n)
{
	return n && !ynode_is_null(n);
}

/* Add the wave of item to r, if it is a mapping. Returns whether it takes
 * every remaining target: judged by the keys written, not by their values,
 * so that a bad count does not also make it "take everything". */
static bool
parse_wave(struct parse_ctx *c, struct rollout *r, const struct ynode *item)
{
	const struct ynode *nodes[R_N] = { 0 };
	struct rollout_wave *w;

	if (item->kind != YNODE_MAP) {
		PROBLEM(c, item,
			"a wave must be a mapping with at least 'name', not %s",
			ynode_is_null(item) ? "null" : ynode_kind_name(item));
		return false;
	}
	w = rollout_add_wave(r);
	w->line = item->line;
	w->col = item->col;
	keytable_walk(rollout_keys, sizeof(rollout_keys[0]), item, IN_WAVE,
		      "a wave", nodes, c->pr);
	convert(c, nodes, r, w);
	if (given(nodes[R_COUNT]) && given(nodes[R_PERCENT]))
		PROBLEM(c, nodes[R_PERCENT],
			"percent: give either 'count' or 'percent', not both");
	return !given(nodes[R_SELECT]) && !given(nodes[R_COUNT]) &&
	       !given(nodes[R_PERCENT]);
}

/* Rules between waves: unique names, and no wave after one that takes
 * everything (it would always be empty); all[i]: wave i takes all. */
static void
check_waves(struct parse_ctx *c, const struct rollout *r, const bool *all)
{
	const struct rollout_wave *w;
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		w = &r->v[i];
		for (j = 0; w->name && j < i; j++)
			if (r->v[j].name && strcmp(r->v[j].name, w->name) == 0)
				break;
		if (w->name && j < i)
			problems_add(c->pr, w->line, w->col,
				     "duplicate wave name '%s' (first at %d:%d)",
				     w->name, r->v[j].line, r->v[j].col);
		else if (w->name && strcmp(w->name, ROLLOUT_REST) == 0 &&
			 !all[i])
			problems_add(c->pr, w->line, w->col,
				     "wave 'rest': the implicit last wave has "
				     "this name; a wave named so must take "
				     "every remaining target (no select, count "
				     "or percent)");
		if (i + 1 < r->n && all[i])
			problems_add(c->pr, w->line, w->col,
				     "wave '%s' takes every remaining target "
				     "(no select, count or percent), so the "
				     "waves after it would be empty",
				     w->name ? w->name : "?");
	}
}

struct rollout *
rollout_parse(const struct ynode *node, struct target *const *targets,
	      size_t n, struct problems *pr)
{
	const struct ynode *nodes[R_N] = { 0 }, *waves;
	struct parse_ctx c = { pr, targets, n, BUF_INIT };
	struct rollout *r;
	bool *all = NULL;
	size_t i;

	if (!node || ynode_is_null(node))
		return NULL;
	r = rollout_new();
	keytable_walk(rollout_keys, sizeof(rollout_keys[0]), node, IN_ROLLOUT,
		      "rollout", nodes, pr);
	convert(&c, nodes, r, NULL);
	waves = nodes[R_WAVES];
	if (waves && !ynode_is_null(waves) && waves->n == 0)
		PROBLEM(&c, waves,
			"waves: the list is empty (leave 'waves' out to run "
			"every target in one wave)");
	if (given(waves))
		all = xcalloc(waves->n + 1, sizeof(*all));
	for (i = 0; given(waves) && i < waves->n; i++)
		if (parse_wave(&c, r, waves->kids[i]))
			all[r->n - 1] = true;
	check_waves(&c, r, all);
	free(all);
	buf_release(&c.q);
	return r;
}
