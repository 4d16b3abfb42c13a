/*
 * A YAML document as a small tree of nodes that remember where they were
 * written. This is the only module that talks to libyaml: the inventory
 * (and anything else that reads YAML) walks the tree and reports problems
 * with the 1-based line and column kept in every node.
 *
 * The tree is deliberately plain. Every scalar is a string (YAML's typing
 * of "yes" or "010" is left to the reader, who knows what the key means);
 * tags are ignored except that a tagged scalar is never null; anchors are
 * accepted and aliases are refused, so the tree is a real tree and its size
 * is bounded by the size of the text. Only the first document is read; a
 * second one is an error.
 *
 * All nodes and strings live in one arena owned by the tree; they stay
 * valid until ytree_free.
 */
#ifndef MIG_YAMLTREE_H
#define MIG_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

/*
 * 24 bytes: a 10,000-target inventory has well over 100,000 nodes, and the
 * coordinator's whole budget is 32 MB.
 */
struct ynode {
	unsigned char kind; /* enum ynode_kind */
	/* scalar: written plain (not quoted, no tag): may be null or a bool */
	bool plain;
	int line; /* 1-based position of the node's first character */
	int col;
	union {
		/* scalar: len bytes and a terminating NUL (a scalar may
		 * contain NUL bytes written as "\0"; len counts them) */
		uint32_t len;
		/* sequence: n items; mapping: n pairs */
		uint32_t n;
	};
	union {
		char *str;
		/* sequence: kids[0..n-1] are the items; mapping: kids[2*i]
		 * is a key and kids[2*i+1] its value */
		struct ynode **kids;
	};
};

struct ytree;

/* Deepest nesting of collections accepted; deeper input is an error. */
#define YTREE_MAX_DEPTH 64

/*
 * Parse text (len bytes, need not be NUL-terminated; more than 2 GiB is
 * an error). On a syntax error returns ERR_CONFIG with e->line/e->col at
 * libyaml's problem mark (1-based) and a message such as "did not find
 * expected key (while parsing a block mapping started at 2:3)"; e->file is
 * left empty for the caller to fill. An empty document gives a tree whose
 * root is NULL.
 */
int ytree_parse(const char *text, size_t len, struct ytree **out,
		struct err *e);
void ytree_free(struct ytree *t);

/*
 * Building a tree by hand, for input of another syntax that the same key
 * tables check (a JSON line of a discovery command, config/jsonlines.h):
 * an empty tree, then nodes in its arena at the given position. A
 * collection copies its kids (a mapping's: key, value, key, value...).
 */
struct ytree *ytree_new(void);
struct ynode *ytree_scalar(struct ytree *t, int line, int col, const char *s,
			   size_t len, bool plain);
struct ynode *ytree_collection(struct ytree *t, enum ynode_kind kind,
			       int line, int col, struct ynode *const *kids,
			       size_t nkids);

/* The document's root node, or NULL when the document is empty. */
const struct ynode *ytree_root(const struct ytree *t);

/* Key and value of pair i of a mapping. */
static inline const struct ynode *
ynode_key(const struct ynode *map, size_t i)
{
	return map->kids[2 * i];
}

static inline const struct ynode *
ynode_value(const struct ynode *map, size_t i)
{
	return map->kids[2 * i + 1];
}

/* A plain scalar "", "~", "null", "Null" or "NULL": YAML's null. */
bool ynode_is_null(const struct ynode *n);

/* "a scalar", "a sequence", "a mapping": for messages. */
const char *ynode_kind_name(const struct ynode *n);

#endif
