/*
 * Checking a YAML mapping against a table of the keys it may hold (STYLE
 * rule 11): one generic walk for every kind of mapping, so that unknown
 * keys, repeated keys, keys in the wrong place, values of the wrong shape
 * and missing required keys are reported the same way everywhere, all of
 * them, with positions.
 *
 * A table is an array of structs that begin with a struct keydef and end
 * with an entry whose key is NULL; the walk steps through it by `stride`,
 * so each user adds its own columns (a converter, a validator) after the
 * common ones and keeps one table per kind of mapping.
 */
#ifndef MIG_KEYTABLE_H
#define MIG_KEYTABLE_H

#include <stddef.h>

#include "config/problems.h"
#include "config/yamltree.h"

enum keytable_shape {
	KT_SCALAR,
	KT_SEQ,
	KT_MAP,
};

struct keydef {
	const char *key;
	int slot;                  /* index into the caller's slots */
	enum keytable_shape shape; /* a YAML null fits every shape */
	unsigned where;            /* mask of the places it is allowed */
	unsigned required;         /* mask of the places it must be given */
};

/*
 * Walk map (a mapping node) as a mapping of kind `where` (one bit of the
 * tables' masks; `what` names it in messages: "defaults"). For every key
 * that passes, slots[kd->slot] = its value node; slots must be zeroed by
 * the caller and have room for every slot of the table. Everything else
 * becomes a problem: "unknown key 'hots' (did you mean 'host'?)", "key
 * 'port' given twice (first at 3:5)", "'tags' must be a sequence, not a
 * scalar", "'name' is not allowed in defaults", "defaults has no 'x'".
 */
void keytable_walk(const void *table, size_t stride, const struct ynode *map,
		   unsigned where, const char *what, const struct ynode **slots,
		   struct problems *pr);

/* The entry of table for key, or NULL. */
const struct keydef *keytable_find(const void *table, size_t stride,
				   const char *key);

#endif
