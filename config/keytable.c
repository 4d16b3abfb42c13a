/* One walk that checks any YAML mapping against its table of keys; see
 * keytable.h. */
#include "config.h"

#include "config/keytable.h"

#include <stdlib.h>
#include <string.h>

#include "common/spelling.h"
#include "common/xmalloc.h"
#include "common/banned.h"

#define KD_AT(table, stride, i)                                                \
	((const struct keydef *)((const char *)(table) + (i) * (stride)))

const struct keydef *
keytable_find(const void *table, size_t stride, const char *key)
{
	const struct keydef *kd;
	size_t i;

	for (i = 0; (kd = KD_AT(table, stride, i))->key; i++)
		if (strcmp(kd->key, key) == 0)
			return kd;
	return NULL;
}

static void
unknown_key(const void *table, size_t stride, const struct ynode *k,
	    unsigned where, struct problems *pr)
{
	const struct keydef *kd;
	struct spelling sp;
	struct buf b = BUF_INIT;
	size_t i;

	spelling_init(&sp, k->str);
	for (i = 0; (kd = KD_AT(table, stride, i))->key; i++)
		if (kd->where & where)
			spelling_offer(&sp, kd->key);
	if (sp.best)
		problems_add(pr, k->line, k->col,
			     "unknown key '%s' (did you mean '%s'?)",
			     problems_quote(&b, k->str), sp.best);
	else
		problems_add(pr, k->line, k->col, "unknown key '%s'",
			     problems_quote(&b, k->str));
	buf_release(&b);
}

static const char *
shape_name(enum keytable_shape s)
{
	return s == KT_SCALAR ? "a scalar"
	       : s == KT_SEQ  ? "a sequence"
			      : "a mapping";
}

static bool
shape_fits(const struct ynode *n, enum keytable_shape s)
{
	if (ynode_is_null(n))
		return true;
	return (s == KT_SCALAR && n->kind == YNODE_SCALAR) ||
	       (s == KT_SEQ && n->kind == YNODE_SEQ) ||
	       (s == KT_MAP && n->kind == YNODE_MAP);
}

/* Check one pair; keys[] remembers where each key was first seen. */
static void
walk_pair(const void *table, size_t stride, const struct ynode *k,
	  const struct ynode *val, unsigned where, const char *what,
	  const struct ynode **keys, const struct ynode **slots,
	  struct problems *pr)
{
	const struct keydef *kd;

	if (k->kind != YNODE_SCALAR) {
		problems_add(pr, k->line, k->col,
			     "a key must be a scalar, not %s",
			     ynode_kind_name(k));
		return;
	}
	if (!(kd = keytable_find(table, stride, k->str))) {
		unknown_key(table, stride, k, where, pr);
	} else if (!(kd->where & where)) {
		problems_add(pr, k->line, k->col, "'%s' is not allowed in %s",
			     kd->key, what);
	} else if (keys[kd->slot]) {
		problems_add(pr, k->line, k->col,
			     "key '%s' given twice (first at %d:%d)", kd->key,
			     keys[kd->slot]->line, keys[kd->slot]->col);
	} else {
		keys[kd->slot] = k;
		if (shape_fits(val, kd->shape))
			slots[kd->slot] = val;
		else
			problems_add(pr, val->line, val->col,
				     "'%s' must be %s, not %s", kd->key,
				     shape_name(kd->shape),
				     ynode_kind_name(val));
	}
}

void
keytable_walk(const void *table, size_t stride, const struct ynode *map,
	      unsigned where, const char *what, const struct ynode **slots,
	      struct problems *pr)
{
	const struct keydef *kd;
	const struct ynode **keys;
	size_t i, nslots = 0;

	for (i = 0; (kd = KD_AT(table, stride, i))->key; i++)
		if ((size_t)kd->slot + 1 > nslots)
			nslots = (size_t)kd->slot + 1;
	keys = xcalloc(nslots ? nslots : 1, sizeof(*keys));
	for (i = 0; i < map->n; i++)
		walk_pair(table, stride, ynode_key(map, i),
			  ynode_value(map, i), where, what, keys, slots, pr);
	for (i = 0; (kd = KD_AT(table, stride, i))->key; i++)
		if ((kd->required & where) && !keys[kd->slot])
			problems_add(pr, map->line, map->col, "%s has no '%s'",
				     what, kd->key);
	free(keys);
}
