/* The fleet inventory: the YAML document, its top-level keys, the targets
 * of all entries and their unique names, every problem collected at once.
 * See inventory.h and migratore-inventory(5). */
#include "config.h"

#include "config/inventory.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "config/keytable.h"
#include "config/problems.h"
#include "config/rollout.h"
#include "config/duration.h"
#include "config/targetspec.h"
#include "config/yamltree.h"
#include "common/banned.h"

enum top_key { T_VERSION, T_DEFAULTS, T_TARGETS, T_ROLLOUT, T_N };

#define IN_TOP 1u

static const struct keydef top_keys[] = {
	{ "version", T_VERSION, KT_SCALAR, IN_TOP, IN_TOP },
	{ "defaults", T_DEFAULTS, KT_MAP, IN_TOP, 0 },
	{ "targets", T_TARGETS, KT_SEQ, IN_TOP, IN_TOP },
	{ "rollout", T_ROLLOUT, KT_MAP, IN_TOP, 0 },
	{ NULL, 0, 0, 0, 0 },
};

struct loader {
	struct problems pr;
	struct problems warn;
	struct strv secret_vars;
	struct targetspec_ctx ctx;
	const struct discoverer *ops;
	char *dir;
	/* the targets so far, where each was defined, and by which entry */
	struct target **v;
	struct inventory_origin *origin;
	size_t *entry;
	size_t n, cap, nentries;
	struct rollout *rollout;
	struct discovery **discovered;
	size_t ndiscovered;
};

static void
loader_add(struct loader *ld, struct target *tg, int line, int col,
	   const char *what, int row)
{
	size_t cap = ld->cap;

	XGROW(ld->v, ld->n + 1, ld->cap);
	if (cap != ld->cap) {
		ld->origin = xreallocarray(ld->origin, ld->cap,
					   sizeof(*ld->origin));
		ld->entry = xreallocarray(ld->entry, ld->cap,
					  sizeof(*ld->entry));
	}
	ld->v[ld->n] = tg;
	ld->origin[ld->n].line = line;
	ld->origin[ld->n].col = col;
	ld->origin[ld->n].row = row;
	ld->origin[ld->n].what = what;
	ld->entry[ld->n] = ld->nentries;
	ld->n++;
}

static void
loader_push(void *arg, struct target *tg, const struct ynode *name)
{
	loader_add(arg, tg, name->line, name->col, NULL, 0);
}

static void
loader_found(void *arg, struct target *tg, int line, int col,
	     const char *what, int row)
{
	loader_add(arg, tg, line, col, what, row);
}

/* A discover entry: its targets, and what it found for the report. */
static void
loader_discover(struct loader *ld, const struct targetspec_defaults *d,
		const struct ynode *item)
{
	struct discovery *rec;
	size_t index = ld->ndiscovered;

	discovery_entry(&ld->ctx, d, item, index, ld->ops, loader_found, ld,
			&rec);
	ld->discovered = xreallocarray(ld->discovered, index + 1,
				       sizeof(*ld->discovered));
	ld->discovered[index] = rec;
	ld->ndiscovered++;
}

struct named {
	const char *name;
	size_t idx;
};

static int
named_cmp(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct dup {
	size_t first, again; /* target indexes */
};

static int
dup_cmp(const void *a, const void *b)
{
	const struct dup *x = a, *y = b;

	return x->again < y->again ? -1 : x->again > y->again;
}

/* Report the repeats of one entry of another, d[0..n-1], as one problem. */
static void
report_dups(struct loader *ld, const struct dup *d, size_t n)
{
	const struct inventory_origin *o1 = &ld->origin[d->first];
	const struct inventory_origin *o2 = &ld->origin[d->again];
	const char *name = ld->v[d->again]->name;
	char at2[48] = "", at1[48] = "";

	if (o2->row)
		xsnprintf(at2, sizeof(at2), "discover: %s %d: ", o2->what,
			  o2->row);
	if (o1->row)
		xsnprintf(at1, sizeof(at1), ", %s %d", o1->what, o1->row);
	if (n == 1)
		problems_add(&ld->pr, o2->line, o2->col,
			     "%sduplicate target name '%s' (first defined at "
			     "%d:%d%s)",
			     at2, name, o1->line, o1->col, at1);
	else
		problems_add(&ld->pr, o2->line, o2->col,
			     "%sduplicate target name '%s' (first defined at "
			     "%d:%d%s), and %zu more names of this entry repeat "
			     "names defined there",
			     at2, name, o1->line, o1->col, at1, n - 1);
}

/*
 * Names must be unique after expansion. Sorting finds the repeats in
 * O(n log n); a range that repeats another entry's names is reported once,
 * at its first repeat, with a count, not once per name.
 */
static void
check_duplicates(struct loader *ld)
{
	struct named *a = xcalloc(ld->n ? ld->n : 1, sizeof(*a));
	struct dup *d = xcalloc(ld->n ? ld->n : 1, sizeof(*d));
	size_t i, j, run = 0, nd = 0;

	for (i = 0; i < ld->n; i++) {
		a[i].name = ld->v[i]->name;
		a[i].idx = i;
	}
	qsort(a, ld->n, sizeof(*a), named_cmp);
	for (i = 1; i < ld->n; i++) {
		if (strcmp(a[i].name, a[run].name) != 0) {
			run = i;
			continue;
		}
		d[nd].first = a[run].idx;
		d[nd++].again = a[i].idx;
	}
	qsort(d, nd, sizeof(*d), dup_cmp);
	for (i = 0; i < nd; i = j) {
		for (j = i + 1; j < nd; j++)
			if (ld->entry[d[j].again] != ld->entry[d[i].again] ||
			    ld->entry[d[j].first] != ld->entry[d[i].first])
				break;
		report_dups(ld, &d[i], j - i);
	}
	free(a);
	free(d);
}

static void
load_version(struct loader *ld, const struct ynode *n)
{
	struct buf b = BUF_INIT;

	if (n->kind == YNODE_SCALAR && strcmp(n->str, "1") == 0)
		return;
	if (n->kind == YNODE_SCALAR && !ynode_is_null(n))
		problems_add(&ld->pr, n->line, n->col,
			     "version: '%s' is not supported; this migratore "
			     "reads version 1",
			     problems_quote(&b, n->str));
	else
		problems_add(&ld->pr, n->line, n->col, "version: must be 1");
	buf_release(&b);
}

static void
load_document(struct loader *ld, const struct ynode *root)
{
	const struct ynode *top[T_N] = { 0 };
	const struct ynode *targets;
	struct targetspec_defaults *d;
	size_t i;

	if (!root || ynode_is_null(root)) {
		problems_add(&ld->pr, 1, 1, "the inventory is empty: it needs "
					    "'version: 1' and 'targets'");
		return;
	}
	if (root->kind != YNODE_MAP) {
		problems_add(&ld->pr, root->line, root->col,
			     "the inventory must be a mapping with 'version' "
			     "and 'targets', not %s",
			     ynode_kind_name(root));
		return;
	}
	keytable_walk(top_keys, sizeof(top_keys[0]), root, IN_TOP,
		      "the inventory", top, &ld->pr);
	if (top[T_VERSION])
		load_version(ld, top[T_VERSION]);
	d = targetspec_defaults(&ld->ctx, top[T_DEFAULTS]);
	targets = top[T_TARGETS];
	if (targets && (ynode_is_null(targets) || targets->n == 0))
		problems_add(&ld->pr, targets->line, targets->col,
			     "targets: the list is empty");
	for (i = 0; targets && !ynode_is_null(targets) && i < targets->n;
	     i++) {
		if (targetspec_discover(targets->kids[i], NULL))
			loader_discover(ld, d, targets->kids[i]);
		else
			targetspec_entry(&ld->ctx, d, targets->kids[i],
					 loader_push, ld);
		ld->nentries++;
	}
	targetspec_defaults_free(d);
	check_duplicates(ld);
	/* matching the waves against targets that are missing or repeated
	 * would only add confusing problems */
	ld->rollout = rollout_parse(top[T_ROLLOUT], ld->pr.n ? NULL : ld->v,
				    ld->n, &ld->pr);
}

/* The directory of the inventory, absolute when cwd is known. */
static char *
base_dir(const char *name, const char *cwd)
{
	const char *slash = strrchr(name, '/');
	char *d, *abs;

	if (!slash)
		return xstrdup(cwd ? cwd : ".");
	d = xstrndup(name, slash == name ? 1 : (size_t)(slash - name));
	if (d[0] == '/' || !cwd)
		return d;
	abs = xasprintf("%s%s%s", cwd,
			cwd[0] && cwd[strlen(cwd) - 1] == '/' ? "" : "/", d);
	free(d);
	return abs;
}

static void
loader_release(struct loader *ld)
{
	size_t i;

	problems_release(&ld->pr);
	problems_release(&ld->warn);
	strv_release(&ld->secret_vars);
	targetspec_ctx_release(&ld->ctx);
	for (i = 0; i < ld->n; i++)
		target_free(ld->v[i]);
	free(ld->v);
	free(ld->origin);
	free(ld->entry);
	free(ld->dir);
	rollout_free(ld->rollout);
	for (i = 0; i < ld->ndiscovered; i++)
		discovery_free(ld->discovered[i]);
	free(ld->discovered);
}

/* Hand the targets over to a new inventory. */
static struct inventory *
loader_finish(struct loader *ld, const char *name)
{
	struct inventory *inv = xcalloc(1, sizeof(*inv));

	inv->file = xstrdup(name);
	strv_init(&inv->warnings);
	problems_render(&ld->warn, name, &inv->warnings);
	inv->secret_vars = ld->secret_vars;
	strv_init(&ld->secret_vars);
	inv->dir = ld->dir;
	inv->v = ld->v;
	inv->origin = ld->origin;
	inv->n = ld->n;
	inv->rollout = ld->rollout;
	inv->discovered = ld->discovered;
	inv->ndiscovered = ld->ndiscovered;
	ld->discovered = NULL;
	ld->ndiscovered = 0;
	ld->rollout = NULL;
	ld->dir = NULL;
	ld->v = NULL;
	ld->origin = NULL;
	ld->n = 0;
	return inv;
}

int
inventory_load_buffer(const char *name, const char *text, size_t len,
		      char *const *envp, const char *cwd,
		      struct inventory **out, struct strv *problems,
		      struct err *e)
{
	return inventory_load_buffer_discovering(name, text, len, envp, cwd,
						 NULL, out, problems, e);
}

/* The variables every target may take its default from: checked once. */
static void
env_checks(struct loader *ld)
{
	static const char *const names[] = { "DDL_LOCK_TIMEOUT",
					     "DDL_LOCK_RETRIES" };
	struct err e = ERR_INIT;
	double d;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (duration_env(ld->ctx.envp, names[i], &d, &e) < 0)
			problems_add(&ld->pr, 0, 0, "%s", e.msg);
}

static void
loader_init(struct loader *ld, const char *name, char *const *envp,
	    const char *cwd, const struct discoverer *ops)
{
	memset(ld, 0, sizeof(*ld));
	problems_init(&ld->pr);
	problems_init(&ld->warn);
	ld->dir = base_dir(name, cwd);
	ld->ctx.pr = &ld->pr;
	ld->ctx.warn = &ld->warn;
	strv_init(&ld->secret_vars);
	ld->ctx.secret_vars = &ld->secret_vars;
	ld->ctx.dir = ld->dir;
	ld->ctx.cwd = cwd;
	ld->ctx.envp = envp;
	ld->ops = ops;
}

int
inventory_load_buffer_discovering(const char *name, const char *text,
				  size_t len, char *const *envp,
				  const char *cwd,
				  const struct discoverer *ops,
				  struct inventory **out,
				  struct strv *problems, struct err *e)
{
	struct loader ld;
	struct ytree *tree = NULL;
	struct err pe = ERR_INIT;
	int rc;

	*out = NULL;
	loader_init(&ld, name, envp, cwd, ops);
	rc = ytree_parse(text, len, &tree, &pe);
	if (rc < 0 && rc != ERR_CONFIG) {
		strv_pushf(problems, "%s: %s", name, pe.msg);
		err_set(e, rc, "inventory %s: %s", name, pe.msg);
		goto out;
	}
	if (rc < 0)
		problems_add(&ld.pr, pe.line, pe.col, "%s", pe.msg);
	else
		load_document(&ld, ytree_root(tree));
	env_checks(&ld);
	if (ld.pr.n) {
		problems_render(&ld.pr, name, problems);
		rc = err_set(e, ERR_CONFIG, "inventory %s: %zu problem%s",
			     name, ld.pr.n, ld.pr.n == 1 ? "" : "s");
		goto out;
	}
	*out = loader_finish(&ld, name);
out:
	ytree_free(tree);
	loader_release(&ld);
	return rc;
}

int
inventory_load(const char *path, char *const *envp, struct inventory **out,
	       struct strv *problems, struct err *e)
{
	return inventory_load_discovering(path, envp, NULL, out, problems, e);
}

int
inventory_load_discovering(const char *path, char *const *envp,
			   const struct discoverer *ops,
			   struct inventory **out, struct strv *problems,
			   struct err *e)
{
	struct buf text = BUF_INIT;
	char cwd[4096];
	int rc;

	*out = NULL;
	rc = buf_read_file(&text, path);
	if (rc < 0) {
		strv_pushf(problems, "%s: cannot read the inventory: %s", path,
			   strerror(-rc));
		return err_set(e, ERR_CONFIG, "inventory %s: cannot read: %s",
			       path, strerror(-rc));
	}
	rc = inventory_load_buffer_discovering(path, text.ptr, text.len, envp,
					       getcwd(cwd, sizeof(cwd)), ops,
					       out, problems, e);
	buf_release(&text);
	return rc;
}

void
inventory_free(struct inventory *inv)
{
	size_t i;

	if (!inv)
		return;
	for (i = 0; i < inv->n; i++)
		target_free(inv->v[i]);
	free(inv->v);
	free(inv->origin);
	rollout_free(inv->rollout);
	for (i = 0; i < inv->ndiscovered; i++)
		discovery_free(inv->discovered[i]);
	free(inv->discovered);
	strv_release(&inv->warnings);
	strv_release(&inv->secret_vars);
	free(inv->file);
	free(inv->dir);
	free(inv);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
inventory_tags(const struct inventory *inv, struct strv *out)
{
	size_t i, j, first = out->n, kept = first;

	for (i = 0; i < inv->n; i++)
		for (j = 0; j < inv->v[i]->tags.n; j++)
			strv_push(out, inv->v[i]->tags.v[j]);
	if (out->n - first < 2)
		return;
	qsort(out->v + first, out->n - first, sizeof(char *), cmp_str);
	for (i = first; i < out->n; i++) {
		if (kept > first && strcmp(out->v[kept - 1], out->v[i]) == 0) {
			free(out->v[i]);
			continue;
		}
		out->v[kept++] = out->v[i];
	}
	out->n = kept;
	out->v[kept] = NULL;
}

const struct target *
inventory_find(const struct inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->n; i++)
		if (strcmp(inv->v[i]->name, name) == 0)
			return inv->v[i];
	return NULL;
}
