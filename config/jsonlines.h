/*
 * The output of a discovery command (migratore-inventory(5), DISCOVERY):
 * JSON Lines, one object per line holding one target's keys, as Ansible's
 * dynamic inventories, service catalogues and cloud CLIs can print them.
 * Lines end with "\n" (a "\r" before it is dropped); blank lines are
 * skipped.
 *
 * Each object becomes a mapping of a YAML tree (config/yamltree.h), so
 * that the inventory's key table checks it exactly like an entry of the
 * file: a string becomes a quoted scalar (never YAML's null or a
 * boolean), a number its literal text, true, false and null as YAML
 * writes them, an array a sequence, an object a mapping (which the key
 * table refuses where a scalar is due). Every node carries the position it
 * is given (the discover entry's in the inventory), since messages name
 * the line of the output. A line that is not a JSON object is kept with
 * the reason, so that the caller reports everything in line order. Pure.
 */
#ifndef MIG_JSONLINES_H
#define MIG_JSONLINES_H

#include <stddef.h>

#include "config/yamltree.h"

struct jsonline {
	int lineno;              /* 1-based line of the output */
	const struct ynode *map; /* the object, in jsonlines.tree; NULL
				    when the line is not one */
	char *problem;           /* then why: "not JSON (column 7: ...)",
				    "not a JSON object with the target's
				    keys, but an array" */
	char *text;              /* the line as printed, without its end */
};

struct jsonlines {
	struct ytree *tree;
	struct jsonline *v; /* the non-blank lines, in order */
	size_t n, cap;
};

#define JSONLINES_INIT { NULL, NULL, 0, 0 }

/* Read text (len bytes); every node at line:col. */
void jsonlines_parse(const char *text, size_t len, int line, int col,
		     struct jsonlines *out);
void jsonlines_release(struct jsonlines *jl);

#endif
