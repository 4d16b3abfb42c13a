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
	char *dir;
	/* the targets so far, where each was defined, and by which entry */
	struct target **v;
	struct inventory_origin *origin;
	size_t *entry;
	size_t n, cap, nentries;
	struct rollout *rollout;
};

static void
loader_push(void *arg, struct target *tg, const struct ynode *name)
{
	struct loader *ld = arg;
	size_t cap = ld->cap;

	XGROW(ld->v, ld->n + 1, ld->cap);
	if (cap != ld->cap) {
		ld->origin = xreallocarray(ld->origin, ld->cap,
					   sizeof(*ld->origin));
		ld->entry = xreallocarray(ld->entry, ld->cap,
					  sizeof(*ld->entry));
	}
	ld->v[ld->n] = tg;
	ld->origin[ld->n].line = name->line;
	ld->origin[ld->n].col = name->col;
	ld->entry[ld->n] = ld->nentries;
	ld->n++;
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

	if (n == 1)
		problems_add(&ld->pr, o2->line, o2->col,
			     "duplicate target name '%s' (first defined at "
			     "%d:%d)",
			     name, o1->line, o1->col);
	else
		problems_add(&ld->pr, o2->line, o2->col,
			     "duplicate target name '%s' (first defined at "
			     "%d:%d), and %zu more names of this entry repeat "
			     "names defined there",
			     name, o1->line, o1->col, n - 1);
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
		targetspec_entry(&ld->ctx, d, targets->kids[i], loader_push,
				 ld);
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
	struct loader ld;
	struct ytree *tree = NULL;
	struct err pe = ERR_INIT;
	int rc;

	*out = NULL;
	memset(&ld, 0, sizeof(ld));
	problems_init(&ld.pr);
	problems_init(&ld.warn);
	ld.dir = base_dir(name, cwd);
	ld.ctx.pr = &ld.pr;
	ld.ctx.warn = &ld.warn;
	strv_init(&ld.secret_vars);
	ld.ctx.secret_vars = &ld.secret_vars;
	ld.ctx.dir = ld.dir;
	ld.ctx.cwd = cwd;
	ld.ctx.envp = envp;
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
	rc = inventory_load_buffer(path, text.ptr, text.len, envp,
				   getcwd(cwd, sizeof(cwd)), out, problems, e);
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
