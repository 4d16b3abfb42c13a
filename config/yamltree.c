/* A YAML document as a tree of positioned nodes, built from libyaml's event
 * stream; see yamltree.h. The only file in the project that includes
 * <yaml.h>. */
#include "config.h"

#include "config/yamltree.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "common/xmalloc.h"
#include "common/banned.h"

/*
 * Nodes and strings are bump-allocated from chunks: a 10,000-target
 * inventory has some 100,000 nodes, and one malloc per node would cost both
 * time and bookkeeping memory. Freeing the tree frees the chunks.
 */
struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[]; /* flexible, aligned for any node */
};

#define CHUNK_SIZE (64 * 1024)

struct ytree {
	struct chunk *chunks;
	struct ynode *root;
};

/* One open collection while its items are being read. */
struct frame {
	struct ynode *node;
	struct ynode **kids;
	size_t n, cap;
};

struct builder {
	struct ytree *tree;
	struct frame stack[YTREE_MAX_DEPTH];
	int depth;
	int documents;
	bool done;
};

/* size bytes aligned to align (a power of two: 1 for strings). */
static void *
arena_alloc(struct ytree *t, size_t size, size_t align)
{
	struct chunk *c = t->chunks;
	size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
	void *p;

	if (!c || at > c->size || c->size - at < size) {
		size_t want = size > CHUNK_SIZE / 4 ? size : CHUNK_SIZE;

		c = xmalloc(sizeof(*c) + want);
		c->used = 0;
		c->size = want;
		if (t->chunks && want != CHUNK_SIZE) {
			/* a big one-off: keep filling the current chunk */
			c->next = t->chunks->next;
			t->chunks->next = c;
		} else {
			c->next = t->chunks;
			t->chunks = c;
		}
		at = 0;
	}
	p = (char *)c->data + at;
	c->used = at + size;
	return p;
}

static struct ynode *
node_new(struct ytree *t, enum ynode_kind kind, const yaml_mark_t *mark)
{
	struct ynode *n = arena_alloc(t, sizeof(*n), _Alignof(struct ynode));

	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = (int)mark->line + 1;
	n->col = (int)mark->column + 1;
	return n;
}

static void
attach(struct builder *b, struct ynode *n)
{
	struct frame *f;

	if (b->depth == 0) {
		b->tree->root = n;
		return;
	}
	f = &b->stack[b->depth - 1];
	XGROW(f->kids, f->n + 1, f->cap);
	f->kids[f->n++] = n;
}

static int
open_collection(struct builder *b, enum ynode_kind kind,
		const yaml_event_t *ev, struct err *e)
{
	struct frame *f;

	if (b->depth == YTREE_MAX_DEPTH)
		return err_set_at(e, ERR_CONFIG, NULL, (int)ev->start_mark.line + 1,
				  (int)ev->start_mark.column + 1,
				  "nested deeper than %d levels",
				  YTREE_MAX_DEPTH);
	f = &b->stack[b->depth++];
	f->node = node_new(b->tree, kind, &ev->start_mark);
	f->kids = NULL;
	f->n = f->cap = 0;
	return 0;
}

static void
close_collection(struct builder *b)
{
	struct frame *f = &b->stack[--b->depth];
	struct ynode *n = f->node;

	if (f->n) {
		n->kids = arena_alloc(b->tree, f->n * sizeof(*n->kids),
				      _Alignof(struct ynode *));
		memcpy(n->kids, f->kids, f->n * sizeof(*n->kids));
	}
	n->n = (uint32_t)(n->kind == YNODE_MAP ? f->n / 2 : f->n);
	free(f->kids);
	f->kids = NULL;
	attach(b, n);
}

static void
add_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct ynode *n = node_new(b->tree, YNODE_SCALAR, &ev->start_mark);
	size_t len = ev->data.scalar.length;

	n->str = arena_alloc(b->tree, len + 1, 1);
	memcpy(n->str, ev->data.scalar.value, len);
	n->str[len] = '\0';
	n->len = (uint32_t)len;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		   ev->data.scalar.plain_implicit;
	attach(b, n);
}

static int
handle_event(struct builder *b, const yaml_event_t *ev, struct err *e)
{
	int line = (int)ev->start_mark.line + 1;
	int col = (int)ev->start_mark.column + 1;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1)
			return err_set_at(e, ERR_CONFIG, NULL, line, col,
					  "only one YAML document is allowed");
		return 0;
	case YAML_ALIAS_EVENT:
		return err_set_at(e, ERR_CONFIG, NULL, line, col,
				  "YAML aliases (*%s) are not supported",
				  (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		add_scalar(b, ev);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		return open_collection(b, YNODE_SEQ, ev, e);
	case YAML_MAPPING_START_EVENT:
		return open_collection(b, YNODE_MAP, ev, e);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		close_collection(b);
		return 0;
	case YAML_STREAM_END_EVENT:
		b->done = true;
		return 0;
	default:
		return 0;
	}
}

/* 1-based line and column of a byte offset, for reader errors, which
 * libyaml reports as an offset only. Columns count characters. */
static void
offset_position(const char *text, size_t len, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			++*col;
		}
	}
}

static int
parser_error(const yaml_parser_t *p, const char *text, size_t len,
	     struct err *e)
{
	int line, col;

	if (p->error == YAML_MEMORY_ERROR)
		return err_set(e, ERR_INTERNAL, "libyaml: out of memory");
	if (p->error == YAML_READER_ERROR) {
		offset_position(text, len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			return err_set_at(e, ERR_CONFIG, NULL, line, col,
					  "%s (byte 0x%02X)",
					  p->problem ? p->problem : "bad input",
					  (unsigned)p->problem_value & 0xFF);
		return err_set_at(e, ERR_CONFIG, NULL, line, col, "%s",
				  p->problem ? p->problem : "bad input");
	}
	line = (int)p->problem_mark.line + 1;
	col = (int)p->problem_mark.column + 1;
	if (p->context)
		return err_set_at(e, ERR_CONFIG, NULL, line, col,
				  "%s (%s started at %d:%d)",
				  p->problem ? p->problem : "syntax error",
				  p->context, (int)p->context_mark.line + 1,
				  (int)p->context_mark.column + 1);
	return err_set_at(e, ERR_CONFIG, NULL, line, col, "%s",
			  p->problem ? p->problem : "syntax error");
}

int
ytree_parse(const char *text, size_t len, struct ytree **out, struct err *e)
{
	struct builder b;
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0;

	*out = NULL;
	/* bounds every line, column, length and count to fit the node */
	if (len > INT32_MAX)
		return err_set_at(e, ERR_CONFIG, NULL, 1, 1,
				  "the file is larger than 2 GiB");
	memset(&b, 0, sizeof(b));
	b.tree = xcalloc(1, sizeof(*b.tree));
	if (!yaml_parser_initialize(&parser)) {
		ytree_free(b.tree);
		return err_set(e, ERR_INTERNAL, "libyaml: out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!b.done && rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = parser_error(&parser, text, len, e);
			break;
		}
		rc = handle_event(&b, &ev, e);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	while (b.depth > 0)
		free(b.stack[--b.depth].kids);
	if (rc < 0) {
		ytree_free(b.tree);
		return rc;
	}
	*out = b.tree;
	return 0;
}

void
ytree_free(struct ytree *t)
{
	struct chunk *c, *next;

	if (!t)
		return;
	for (c = t->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(t);
}

struct ytree *
ytree_new(void)
{
	return xcalloc(1, sizeof(struct ytree));
}

static struct ynode *
node_at(struct ytree *t, enum ynode_kind kind, int line, int col)
{
	yaml_mark_t mark = { 0, (size_t)(line - 1), (size_t)(col - 1) };

	return node_new(t, kind, &mark);
}

struct ynode *
ytree_scalar(struct ytree *t, int line, int col, const char *s, size_t len,
	     bool plain)
{
	struct ynode *n = node_at(t, YNODE_SCALAR, line, col);

	n->str = arena_alloc(t, len + 1, 1);
	memcpy(n->str, s, len);
	n->str[len] = '\0';
	n->len = (uint32_t)len;
	n->plain = plain;
	return n;
}

struct ynode *
ytree_collection(struct ytree *t, enum ynode_kind kind, int line, int col,
		 struct ynode *const *kids, size_t nkids)
{
	struct ynode *n = node_at(t, kind, line, col);

	if (nkids) {
		n->kids = arena_alloc(t, nkids * sizeof(*n->kids),
				      _Alignof(struct ynode *));
		memcpy(n->kids, kids, nkids * sizeof(*n->kids));
	}
	n->n = (uint32_t)(kind == YNODE_MAP ? nkids / 2 : nkids);
	return n;
}

const struct ynode *
ytree_root(const struct ytree *t)
{
	return t->root;
}

bool
ynode_is_null(const struct ynode *n)
{
	if (n->kind != YNODE_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 ||
	       strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	       strcmp(n->str, "NULL") == 0;
}

const char *
ynode_kind_name(const struct ynode *n)
{
	switch (n->kind) {
	case YNODE_SCALAR:
		return "a scalar";
	case YNODE_SEQ:
		return "a sequence";
	case YNODE_MAP:
		return "a mapping";
	}
	return "a node";
}
