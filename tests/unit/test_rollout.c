/* Rollouts: the `rollout` section read from real inventories (every field,
 * every problem with its exact text and position), which wave each target
 * lands in, budgets and their rounding, --canary, and the two questions
 * the coordinator asks while it runs. */
#include "config.h"

#include "config/rollout.h"

#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "config/inventory.h"

/* Criterion runs each parameterized case in a new process where pointers
 * into the parent's tables mean nothing: each case gets an index. */
#define NCASES(table) (sizeof(table) / sizeof((table)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

#define INVENTORY_DATA TESTS_DATADIR "/inventory"

struct loaded {
	int rc;
	struct inventory *inv;
	struct strv problems;
	struct err e;
};

static void
load_fixture(struct loaded *l, const char *file)
{
	struct buf path = BUF_INIT, text = BUF_INIT;

	memset(l, 0, sizeof(*l));
	buf_addf(&path, "%s/%s", INVENTORY_DATA, file);
	cr_assert_eq(buf_read_file(&text, path.ptr), 0, "cannot read %s",
		     path.ptr);
	l->rc = inventory_load_buffer(file, text.ptr, text.len, NULL,
				      INVENTORY_DATA, &l->inv, &l->problems,
				      &l->e);
	buf_release(&path);
	buf_release(&text);
}

static void
load_text(struct loaded *l, const char *text)
{
	memset(l, 0, sizeof(*l));
	l->rc = inventory_load_buffer("inline.yaml", text, strlen(text), NULL,
				      "/base", &l->inv, &l->problems, &l->e);
}

static void
loaded_release(struct loaded *l)
{
	inventory_free(l->inv);
	strv_release(&l->problems);
}

/* ---- every problem, with its position ------------------------------------ */

struct fixture {
	const char *name;
	size_t count;
};

static const struct fixture fixtures[] = {
	{ "rollout_keys", 11 },       { "rollout_values", 16 },
	{ "rollout_waves", 10 },      { "rollout_shape", 1 },
	{ "rollout_empty_waves", 1 }, { "rollout_bad_targets", 2 },
};

ParameterizedTestParameters(rollout, fixture)
{
	CASE_INDICES(fixtures);
}

ParameterizedTest(size_t *i, rollout, fixture)
{
	const struct fixture *f = &fixtures[*i];
	struct buf yaml = BUF_INIT, path = BUF_INIT, want = BUF_INIT;
	struct buf got = BUF_INIT;
	struct loaded l;
	size_t k;

	buf_addf(&yaml, "%s.yaml", f->name);
	buf_addf(&path, "%s/%s.expected", INVENTORY_DATA, f->name);
	cr_assert_eq(buf_read_file(&want, path.ptr), 0, "no %s", path.ptr);
	load_fixture(&l, yaml.ptr);
	cr_assert_eq(l.rc, ERR_CONFIG);
	cr_assert_null(l.inv, "nothing is loaded when a problem is found");
	for (k = 0; k < l.problems.n; k++)
		buf_addf(&got, "%s\n", l.problems.v[k]);
	cr_assert_str_eq(got.ptr, want.ptr, "%s: problems differ", f->name);
	cr_assert_eq(l.problems.n, f->count);
	buf_release(&yaml);
	buf_release(&path);
	buf_release(&want);
	buf_release(&got);
	loaded_release(&l);
}

/* ---- a valid rollout, field by field ------------------------------------- */

static void
assert_budget(const struct rollout_budget *b, bool set, bool percent,
	      double value)
{
	cr_assert_eq(b->set, set);
	cr_assert_eq(b->percent, percent);
	cr_assert_float_eq(b->value, value, 1e-9);
}

Test(rollout, valid_fields)
{
	const struct rollout_wave *w;
	const struct rollout *r;
	struct loaded l;

	load_fixture(&l, "rollout_valid.yaml");
	cr_assert_eq(l.rc, 0, "%s", l.problems.n ? l.problems.v[0] : l.e.msg);
	r = l.inv->rollout;
	cr_assert_not_null(r);
	cr_assert_eq(r->n, 4);
	assert_budget(&r->max_failures, true, true, 10);

	w = &r->v[0];
	cr_assert_str_eq(w->name, "canary");
	cr_assert_eq(w->select.n, 2);
	cr_assert_str_eq(w->select.v[0], "tag:canary");
	cr_assert_str_eq(w->select.v[1], "eu-00[12]");
	cr_assert_eq(w->count, 0);
	cr_assert_eq(w->percent, 0);
	cr_assert_eq(w->jobs, 1);
	assert_budget(&w->max_failures, true, false, 0);
	cr_assert_eq(w->line, 18);
	cr_assert_eq(w->col, 7);

	w = &r->v[1];
	cr_assert_str_eq(w->name, "eu-half");
	cr_assert_eq(w->select.n, 1);
	cr_assert_str_eq(w->select.v[0], "eu-*");
	cr_assert_float_eq(w->percent, 50, 1e-9);
	cr_assert_eq(w->jobs, 4);
	assert_budget(&w->max_failures, true, false, 1);

	w = &r->v[2];
	cr_assert_str_eq(w->name, "us-first");
	cr_assert_eq(w->count, 5);
	cr_assert_eq(w->jobs, 0, "not given: the run's --jobs");
	assert_budget(&w->max_failures, false, false, 0);

	w = &r->v[3];
	cr_assert_str_eq(w->name, "tenth");
	cr_assert_eq(w->select.n, 0);
	cr_assert_float_eq(w->percent, 12.5, 1e-9, "'12.5' without %%");
	assert_budget(&w->max_failures, true, true, 25);
	cr_assert_eq(w->line, 31);
	loaded_release(&l);
}

/* "name:wave name:wave ...", each target and the name of its wave. */
static char *
assignment(const struct rollout *r, struct target *const *v, size_t n,
	   size_t *nwaves)
{
	size_t *wave_of = xcalloc(n ? n : 1, sizeof(*wave_of)), i;
	struct buf b = BUF_INIT;

	rollout_assign(r, v, n, wave_of, nwaves);
	for (i = 0; i < n; i++) {
		cr_assert_lt(wave_of[i], *nwaves);
		buf_addf(&b, "%s%s:%s", i ? " " : "", v[i]->name,
			 rollout_wave_name(r, wave_of[i]));
	}
	free(wave_of);
	return buf_detach(&b);
}

Test(rollout, valid_assignment)
{
	struct loaded l;
	size_t nwaves;
	char *got;

	load_fixture(&l, "rollout_valid.yaml");
	cr_assert_eq(l.rc, 0);
	got = assignment(l.inv->rollout, l.inv->v, l.inv->n, &nwaves);
	cr_assert_eq(nwaves, 5, "four waves and the rest");
	cr_assert_str_eq(
	    got,
	    "eu-001:canary eu-002:canary eu-003:eu-half eu-004:eu-half "
	    "eu-005:eu-half eu-006:eu-half eu-007:tenth eu-008:tenth "
	    "eu-009:tenth eu-010:rest "
	    "us-001:us-first us-002:us-first us-003:us-first us-004:us-first "
	    "us-005:us-first us-006:rest us-007:rest us-008:rest us-009:rest "
	    "us-010:rest us-011:rest us-012:rest us-013:rest us-014:rest "
	    "us-015:rest us-016:rest us-017:rest us-018:rest us-019:rest "
	    "us-020:rest lab:canary");
	cr_assert_eq(rollout_budget_limit(&l.inv->rollout->max_failures,
					  l.inv->n),
		     3, "10%% of 31, rounded down");
	cr_assert_eq(rollout_wave_jobs(l.inv->rollout, 0, 8), 1);
	cr_assert_eq(rollout_wave_jobs(l.inv->rollout, 2, 8), 8);
	cr_assert_eq(rollout_wave_jobs(l.inv->rollout, 4, 8), 8, "rest");
	free(got);
	loaded_release(&l);
}

Test(rollout, absent_null_or_empty)
{
	static const char head[] = "version: 1\ndefaults: {engine: sqlite}\n"
				   "targets:\n  - {name: a, db: a.db}\n";
	struct buf text = BUF_INIT;
	struct loaded l;

	load_text(&l, head);
	cr_assert_eq(l.rc, 0);
	cr_assert_null(l.inv->rollout, "no section: NULL");
	loaded_release(&l);
	buf_addf(&text, "%srollout: ~\n", head);
	load_text(&l, text.ptr);
	cr_assert_eq(l.rc, 0);
	cr_assert_null(l.inv->rollout, "null: as if absent");
	loaded_release(&l);
	buf_reset(&text);
	buf_addf(&text, "%srollout: {max_failures: 2}\n", head);
	load_text(&l, text.ptr);
	cr_assert_eq(l.rc, 0);
	cr_assert_not_null(l.inv->rollout);
	cr_assert_eq(l.inv->rollout->n, 0, "a budget without waves");
	assert_budget(&l.inv->rollout->max_failures, true, false, 2);
	loaded_release(&l);
	buf_release(&text);
}

/* ---- assignment, pure ---------------------------------------------------- */

/* "a:t1:t2 b c:t1": targets named a, b, c with those tags. */
static struct target **
make_targets(const char *spec, size_t *n)
{
	char *copy = xstrdup(spec), *p = copy, *word, *tag;
	struct target **v = NULL;
	struct target *t;

	*n = 0;
	while ((word = strsep(&p, " ")) != NULL) {
		if (!*word)
			continue;
		t = target_new();
		free(t->name);
		t->name = xstrdup(strsep(&word, ":"));
		while ((tag = strsep(&word, ":")) != NULL)
			strv_push(&t->tags, tag);
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = t;
	}
	free(copy);
	return v;
}

static void
free_targets(struct target **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		target_free(v[i]);
	free(v);
}

/* The rollout of a `rollout:` mapping written in YAML, checked without
 * targets (as for a selection of the inventory). */
static struct rollout *
parse_rollout(const char *yaml)
{
	struct problems pr = PROBLEMS_INIT;
	struct ytree *tree = NULL;
	struct err e = ERR_INIT;
	struct rollout *r;

	cr_assert_eq(ytree_parse(yaml, strlen(yaml), &tree, &e), 0, "%s: %s",
		     yaml, e.msg);
	r = rollout_parse(ytree_root(tree), NULL, 0, &pr);
	cr_assert_eq(pr.n, 0, "%s: %s", yaml, pr.n ? pr.v[0].msg : "");
	problems_release(&pr);
	ytree_free(tree);
	return r;
}

struct assign_case {
	const char *rollout; /* YAML; NULL: no rollout */
	const char *targets;
	size_t nwaves;
	const char *want;
};

static const struct assign_case assigns[] = {
	{ NULL, "a b c", 1, "a:rest b:rest c:rest" },
	{ "{}", "a b", 1, "a:rest b:rest" },
	{ "{}", "", 0, "" },
	/* tags and globs, the rest implicit */
	{ "waves: [{name: c, select: ['tag:canary']}]", "a b:canary c d:canary",
	  2, "a:rest b:c c:rest d:c" },
	{ "waves: [{name: e, select: ['eu-*']}, {name: u, select: ['us-?']}]",
	  "us-1 eu-1 us-22 eu-2", 3, "us-1:u eu-1:e us-22:rest eu-2:e" },
	{ "waves: [{name: t, select: ['tag:e*']}]", "a:eu b:us c:east", 2,
	  "a:t b:rest c:t" },
	{ "waves: [{name: w, select: ['a,c']}]", "a b c", 2,
	  "a:w b:rest c:w" },
	{ "waves: [{name: w, select: [a, 'tag:x']}]", "a b:x c", 2,
	  "a:w b:w c:rest" },
	/* count: the first matches in inventory order */
	{ "waves: [{name: w, select: ['tag:x'], count: 2}]",
	  "a:x b c:x d:x e:x", 2, "a:w b:rest c:w d:rest e:rest" },
	{ "waves: [{name: w, count: 10}]", "a b", 1, "a:w b:w" },
	/* percent of the remaining matches, rounded up */
	{ "waves: [{name: w, percent: 10%}]", "a b c d e", 2,
	  "a:w b:rest c:rest d:rest e:rest" },
	{ "waves: [{name: w, percent: 50}]", "a b c", 2, "a:w b:w c:rest" },
	{ "waves: [{name: w, percent: 33.33%}]", "a b c", 2,
	  "a:w b:rest c:rest" },
	{ "waves: [{name: w, percent: 100%}]", "a b c", 1, "a:w b:w c:w" },
	{ "waves: [{name: one, count: 1}, {name: half, percent: 50%}]",
	  "a b c d e", 3, "a:one b:half c:half d:rest e:rest" },
	/* a wave takes only what earlier waves left */
	{ "waves: [{name: x, select: [a]}, {name: y, select: ['a,b']}]",
	  "a b c", 3, "a:x b:y c:rest" },
	{ "waves: [{name: x, select: ['*']}, {name: y, select: [a]}]", "a b",
	  2, "a:x b:x" },
	/* a wave that matches nothing of a selection is empty, not an error */
	{ "waves: [{name: x, select: [zzz]}]", "a b", 2, "a:rest b:rest" },
	/* a last wave that takes everything leaves no rest */
	{ "waves: [{name: c, count: 1}, {name: all}]", "a b c", 2,
	  "a:c b:all c:all" },
	{ "waves: [{name: c, count: 1}, {name: rest}]", "a b", 2,
	  "a:c b:rest" },
	{ "waves: [{name: c, count: 1}]", "", 1, "" },
};

ParameterizedTestParameters(rollout, assign)
{
	CASE_INDICES(assigns);
}

ParameterizedTest(size_t *i, rollout, assign)
{
	const struct assign_case *c = &assigns[*i];
	struct rollout *r = c->rollout ? parse_rollout(c->rollout) : NULL;
	struct target **v;
	size_t n, nwaves = 99;
	char *got;

	v = make_targets(c->targets, &n);
	got = assignment(r, v, n, &nwaves);
	cr_assert_str_eq(got, c->want, "%s on '%s'",
			 c->rollout ? c->rollout : "no rollout", c->targets);
	cr_assert_eq(nwaves, c->nwaves, "%s on '%s': %zu waves",
		     c->rollout ? c->rollout : "no rollout", c->targets,
		     nwaves);
	free(got);
	free_targets(v, n);
	rollout_free(r);
}

Test(rollout, ten_thousand_targets)
{
	struct rollout *r = parse_rollout(
	    "waves: [{name: c, select: ['tag:canary']}, "
	    "{name: p, percent: 1%}, {name: eu, select: ['eu-*']}]");
	struct target **v = xcalloc(10000, sizeof(*v));
	size_t *wave_of = xcalloc(10000, sizeof(*wave_of)), i, nw, per[4] = { 0 };

	for (i = 0; i < 10000; i++) {
		v[i] = target_new();
		free(v[i]->name);
		v[i]->name = xasprintf("%s-%05zu", i % 2 ? "eu" : "us", i);
		if (i % 1000 == 0)
			strv_push(&v[i]->tags, "canary");
	}
	rollout_assign(r, v, 10000, wave_of, &nw);
	for (i = 0; i < 10000; i++)
		per[wave_of[i]]++;
	cr_assert_eq(nw, 4);
	cr_assert_eq(per[0], 10);
	cr_assert_eq(per[1], 100, "1%% of 9990, rounded up");
	cr_assert_eq(per[2], 5000 - 50);
	cr_assert_eq(per[3], 10000 - 10 - 100 - 4950);
	for (i = 0; i < 10000; i++)
		target_free(v[i]);
	free(v);
	free(wave_of);
	rollout_free(r);
}

/* ---- budgets ------------------------------------------------------------- */

struct budget_case {
	const char *in;
	bool percent;
	double value;
	const char *error; /* NULL: valid */
};

static const struct budget_case budgets[] = {
	{ "0", false, 0, NULL },
	{ "3", false, 3, NULL },
	{ "000123", false, 123, NULL },
	{ "999999999", false, 999999999, NULL },
	{ "0%", true, 0, NULL },
	{ "10%", true, 10, NULL },
	{ "12.5%", true, 12.5, NULL },
	{ "0.01%", true, 0.01, NULL },
	{ "100%", true, 100, NULL },
	{ "100.00%", true, 100, NULL },
	{ "100.01%", false, 0, "'100.01%' is more than 100%" },
	{ "150%", false, 0, "'150%' is more than 100%" },
	{ "", false, 0,
	  "'' is not a number of targets (such as 3) or a percentage (such "
	  "as 10%)" },
	{ "-1", false, 0,
	  "'-1' is not a number of targets (such as 3) or a percentage (such "
	  "as 10%)" },
	{ "1.5", false, 0,
	  "'1.5' is not a number of targets (such as 3) or a percentage (such "
	  "as 10%)" },
	{ "1.234%", false, 0,
	  "'1.234%' is not a number of targets (such as 3) or a percentage "
	  "(such as 10%)" },
	{ "10 %", false, 0,
	  "'10 %' is not a number of targets (such as 3) or a percentage "
	  "(such as 10%)" },
	{ "%", false, 0,
	  "'%' is not a number of targets (such as 3) or a percentage (such "
	  "as 10%)" },
	{ "5%%", false, 0,
	  "'5%%' is not a number of targets (such as 3) or a percentage "
	  "(such as 10%)" },
	{ "1000000000", false, 0,
	  "'1000000000' is not a number of targets (such as 3) or a "
	  "percentage (such as 10%)" },
	{ ".5%", false, 0,
	  "'.5%' is not a number of targets (such as 3) or a percentage "
	  "(such as 10%)" },
	{ "three", false, 0,
	  "'three' is not a number of targets (such as 3) or a percentage "
	  "(such as 10%)" },
};

ParameterizedTestParameters(rollout, budget_parse)
{
	CASE_INDICES(budgets);
}

ParameterizedTest(size_t *i, rollout, budget_parse)
{
	const struct budget_case *c = &budgets[*i];
	struct rollout_budget b = { false, false, -7 };
	struct err e = ERR_INIT;
	int rc = rollout_budget_parse(c->in, &b, &e);

	if (c->error) {
		cr_assert_eq(rc, ERR_USAGE, "'%s'", c->in);
		cr_assert_str_eq(e.msg, c->error);
		cr_assert_not(b.set, "untouched on error");
		cr_assert_eq(b.value, -7);
		return;
	}
	cr_assert_eq(rc, 0, "'%s': %s", c->in, e.msg);
	assert_budget(&b, true, c->percent, c->value);
}

struct limit_case {
	const char *budget; /* NULL: not set */
	size_t n;
	long limit;
};

static const struct limit_case limits[] = {
	{ NULL, 10, -1 },    { "0", 10, 0 },       { "3", 10, 3 },
	{ "3", 0, 3 },       { "10%", 60, 6 },     { "10%", 5, 0 },
	{ "10%", 10, 1 },    { "10%", 19, 1 },     { "10%", 20, 2 },
	{ "12.5%", 8, 1 },   { "12.5%", 7, 0 },    { "33.33%", 3, 0 },
	{ "33.34%", 3, 1 },  { "0.01%", 10000, 1 }, { "0.01%", 9999, 0 },
	{ "100%", 7, 7 },    { "0%", 1000, 0 },    { "50%", 0, 0 },
	{ "1%", 10000000, 100000 },
};

ParameterizedTestParameters(rollout, budget_limit)
{
	CASE_INDICES(limits);
}

ParameterizedTest(size_t *i, rollout, budget_limit)
{
	const struct limit_case *c = &limits[*i];
	struct rollout_budget b = { false, false, 0 };
	struct err e = ERR_INIT;

	if (c->budget)
		cr_assert_eq(rollout_budget_parse(c->budget, &b, &e), 0);
	cr_assert_eq(rollout_budget_limit(&b, c->n), c->limit,
		     "%s of %zu: %ld", c->budget ? c->budget : "unset", c->n,
		     rollout_budget_limit(&b, c->n));
}

/* ---- --canary ------------------------------------------------------------ */

Test(rollout, canary)
{
	struct rollout *r = NULL;
	struct err e = ERR_INIT;
	struct target **v;
	size_t n, nwaves;
	char *got;

	cr_assert_eq(rollout_canary("tag:canary,eu-1", &r, &e), 0);
	cr_assert_eq(r->n, 1, "the rest is implicit");
	cr_assert_str_eq(r->v[0].name, "canary");
	cr_assert_eq(r->v[0].select.n, 1);
	cr_assert_str_eq(r->v[0].select.v[0], "tag:canary,eu-1");
	cr_assert_eq(r->v[0].count, 0);
	cr_assert_eq(r->v[0].jobs, 0);
	cr_assert_not(r->v[0].max_failures.set);
	cr_assert_not(r->max_failures.set);
	v = make_targets("eu-1 eu-2 us-1:canary", &n);
	got = assignment(r, v, n, &nwaves);
	cr_assert_eq(nwaves, 2);
	cr_assert_str_eq(got, "eu-1:canary eu-2:rest us-1:canary");
	cr_assert_null(rollout_unmatched(r, v, n));
	free(got);
	free_targets(v, n);
	rollout_free(r);

	cr_assert_eq(rollout_canary("nope", &r, &e), 0);
	v = make_targets("a b", &n);
	cr_assert_str_eq(rollout_unmatched(r, v, n), "nope");
	free_targets(v, n);
	rollout_free(r);

	r = (struct rollout *)1;
	cr_assert_eq(rollout_canary("a,,b", &r, &e), ERR_USAGE);
	cr_assert_null(r);
	cr_assert_str_eq(e.msg, "--canary: 'a,,b' has an empty term (write "
				"NAME-GLOB or tag:TAG-GLOB, several separated "
				"by commas)");
	cr_assert_eq(rollout_canary("", &r, &e), ERR_USAGE);
	rollout_free(NULL);
}

/* ---- budgets while running ----------------------------------------------- */

struct gate_case {
	const char *rollout; /* YAML; NULL: no rollout */
	size_t w;
	struct rollout_tally t;
	bool start, advance;
};

static const char two_waves[] =
    "waves: [{name: c, count: 1}, {name: b, count: 8, max_failures: 1}, "
    "{name: p, count: 8, max_failures: 25%}]";
static const char run_budget[] =
    "{max_failures: 3, waves: [{name: c, count: 1}]}";
static const char run_share[] = "{max_failures: 10%, waves: [{name: c}]}";
static const char canary_run[] =
    "{max_failures: 10%, waves: [{name: canary, count: 1}]}";
static const char canary_own[] =
    "{max_failures: 10%, waves: [{name: canary, count: 2, "
    "max_failures: 1}]}";

static const struct gate_case gates[] = {
	/* no rollout: one wave, never cut short */
	{ NULL, 0, { 10, 0, 10, 0 }, true, true },
	{ NULL, 0, { 10, 9, 10, 9 }, true, false },
	/* no budget anywhere: a failing wave ends, then the run stops */
	{ two_waves, 0, { 20, 0, 1, 0 }, true, true },
	{ two_waves, 0, { 20, 1, 1, 1 }, true, false },
	/* a wave's own budget */
	{ two_waves, 1, { 20, 1, 8, 1 }, true, true },
	{ two_waves, 1, { 20, 2, 8, 2 }, false, false },
	{ two_waves, 2, { 20, 2, 8, 2 }, true, true },
	{ two_waves, 2, { 20, 3, 8, 3 }, false, false },
	/* the implicit rest has no budget of its own */
	{ two_waves, 3, { 20, 0, 3, 0 }, true, true },
	{ two_waves, 3, { 20, 1, 3, 1 }, true, false },
	/* the run's budget counts every wave and lets failing waves pass */
	{ run_budget, 0, { 20, 1, 1, 1 }, true, true },
	{ run_budget, 1, { 20, 3, 19, 2 }, true, true },
	{ run_budget, 1, { 20, 4, 19, 3 }, false, false },
	{ run_share, 0, { 60, 6, 60, 6 }, true, true },
	{ run_share, 0, { 60, 7, 60, 7 }, false, false },
	{ run_share, 0, { 5, 1, 5, 1 }, false, false },
	/* a canary wave: the run's budget lets it start targets, never
	 * pass with a failure; only its own budget does */
	{ canary_run, 0, { 60, 0, 1, 0 }, true, true },
	{ canary_run, 0, { 60, 1, 1, 1 }, true, false },
	{ canary_run, 1, { 60, 1, 59, 0 }, true, true },
	{ canary_own, 0, { 60, 1, 2, 1 }, true, true },
	{ canary_own, 0, { 60, 2, 2, 2 }, false, false },
};

ParameterizedTestParameters(rollout, gate)
{
	CASE_INDICES(gates);
}

ParameterizedTest(size_t *i, rollout, gate)
{
	const struct gate_case *c = &gates[*i];
	struct rollout *r = c->rollout ? parse_rollout(c->rollout) : NULL;

	cr_assert_eq(rollout_may_start(r, c->w, &c->t), c->start,
		     "case %zu: start", *i);
	cr_assert_eq(rollout_may_advance(r, c->w, &c->t), c->advance,
		     "case %zu: advance", *i);
	rollout_free(r);
}

Test(rollout, command_line_budget_replaces_the_files)
{
	struct rollout *r = parse_rollout("{max_failures: 0}");
	struct rollout_tally t = { 10, 2, 10, 2 };
	struct err e = ERR_INIT;

	cr_assert_not(rollout_may_start(r, 0, &t));
	cr_assert_eq(rollout_budget_parse("20%", &r->max_failures, &e), 0);
	cr_assert(rollout_may_start(r, 0, &t), "2 of 10 is within 20%%");
	rollout_free(r);
}
