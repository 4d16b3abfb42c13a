/* The YAML tree: shapes, positions, nulls, and the errors a user sees
 * (syntax with libyaml's position, aliases, second documents, depth,
 * bad bytes). */
#include "config.h"

#include "config/yamltree.h"

#include <string.h>

#include <criterion/criterion.h>

#include "common/buf.h"

static struct ytree *
parse_ok(const char *text)
{
	struct ytree *t = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(ytree_parse(text, strlen(text), &t, &e), 0, "%d:%d: %s",
		     e.line, e.col, e.msg);
	cr_assert_not_null(t);
	return t;
}

static struct err
parse_bad(const char *text, size_t len)
{
	struct ytree *t = (struct ytree *)1;
	struct err e = ERR_INIT;

	cr_assert_eq(ytree_parse(text, len, &t, &e), ERR_CONFIG);
	cr_assert_null(t);
	return e;
}

static void
assert_at(const struct ynode *n, int kind, int line, int col)
{
	cr_assert_eq(n->kind, kind);
	cr_assert_eq(n->line, line, "line %d, want %d", n->line, line);
	cr_assert_eq(n->col, col, "col %d, want %d", n->col, col);
}

Test(yamltree, mapping_of_scalars_and_sequences)
{
	struct ytree *t = parse_ok("version: 1\n"
				   "targets:\n"
				   "  - name: a\n"
				   "    tags: [x, \"y z\"]\n");
	const struct ynode *root = ytree_root(t), *seq, *item, *tags;

	assert_at(root, YNODE_MAP, 1, 1);
	cr_assert_eq(root->n, 2);
	assert_at(ynode_key(root, 0), YNODE_SCALAR, 1, 1);
	cr_assert_str_eq(ynode_key(root, 0)->str, "version");
	assert_at(ynode_value(root, 0), YNODE_SCALAR, 1, 10);
	cr_assert_str_eq(ynode_value(root, 0)->str, "1");
	seq = ynode_value(root, 1);
	assert_at(seq, YNODE_SEQ, 3, 3);
	cr_assert_eq(seq->n, 1);
	item = seq->kids[0];
	assert_at(item, YNODE_MAP, 3, 5);
	cr_assert_eq(item->n, 2);
	assert_at(ynode_value(item, 0), YNODE_SCALAR, 3, 11);
	tags = ynode_value(item, 1);
	assert_at(tags, YNODE_SEQ, 4, 11);
	cr_assert_eq(tags->n, 2);
	assert_at(tags->kids[1], YNODE_SCALAR, 4, 15);
	cr_assert_str_eq(tags->kids[1]->str, "y z");
	cr_assert(tags->kids[0]->plain);
	cr_assert_not(tags->kids[1]->plain, "quoted is not plain");
	ytree_free(t);
}

Test(yamltree, nulls)
{
	struct ytree *t = parse_ok("a:\nb: ~\nc: null\nd: NULL\ne: \"~\"\n"
				   "f: !!str ~\ng: ''\nh: nil\n");
	const struct ynode *root = ytree_root(t);
	const bool want[] = { true, true, true, true, false, false, false,
			      false };
	size_t i;

	cr_assert_eq(root->n, 8);
	for (i = 0; i < 8; i++)
		cr_assert_eq(ynode_is_null(ynode_value(root, i)), want[i],
			     "%s", ynode_key(root, i)->str);
	cr_assert_not(ynode_is_null(root), "a mapping is not null");
	ytree_free(t);
}

Test(yamltree, escapes_and_nul_bytes)
{
	struct ytree *t = parse_ok("a: \"x\\0y\\n\"\nb: |\n  one\n  two\n");
	const struct ynode *root = ytree_root(t);

	cr_assert_eq(ynode_value(root, 0)->len, 4, "NUL counted in len");
	cr_assert_eq(memcmp(ynode_value(root, 0)->str, "x\0y\n", 5), 0);
	cr_assert_str_eq(ynode_value(root, 1)->str, "one\ntwo\n");
	assert_at(ynode_value(root, 1), YNODE_SCALAR, 2, 4);
	ytree_free(t);
}

Test(yamltree, empty_document_has_no_root)
{
	struct ytree *t = parse_ok("# only a comment\n");

	cr_assert_null(ytree_root(t));
	ytree_free(t);
	t = parse_ok("");
	cr_assert_null(ytree_root(t));
	ytree_free(t);
}

Test(yamltree, anchors_accepted_aliases_refused)
{
	struct ytree *t = parse_ok("a: &x 1\n");
	struct err e;

	cr_assert_str_eq(ynode_value(ytree_root(t), 0)->str, "1");
	ytree_free(t);
	e = parse_bad("a: &x 1\nb: *x\n", 14);
	cr_assert_eq(e.line, 2);
	cr_assert_eq(e.col, 4);
	cr_assert_str_eq(e.msg, "YAML aliases (*x) are not supported");
}

Test(yamltree, syntax_error_position)
{
	const char *text = "a:\n  b: 1\n c: 2\n";
	struct err e = parse_bad(text, strlen(text));

	cr_assert_eq(e.line, 3);
	cr_assert_eq(e.col, 2);
	cr_assert_str_eq(e.msg, "did not find expected key (while parsing a "
				"block mapping started at 1:1)");
}

Test(yamltree, unclosed_flow_sequence)
{
	const char *text = "a: [1, 2\n";
	struct err e = parse_bad(text, strlen(text));

	cr_assert_eq(e.line, 2);
	cr_assert_eq(e.col, 1);
	cr_assert_str_eq(e.msg, "did not find expected ',' or ']' (while "
				"parsing a flow sequence started at 1:4)");
}

Test(yamltree, second_document_refused)
{
	const char *text = "a: 1\n---\nb: 2\n";
	struct err e = parse_bad(text, strlen(text));

	cr_assert_eq(e.line, 2);
	cr_assert_eq(e.col, 1);
	cr_assert_str_eq(e.msg, "only one YAML document is allowed");
}

Test(yamltree, depth_limited)
{
	struct buf b = BUF_INIT;
	struct ytree *t;
	struct err e;
	int i;

	for (i = 0; i < YTREE_MAX_DEPTH; i++)
		buf_addc(&b, '[');
	for (i = 0; i < YTREE_MAX_DEPTH; i++)
		buf_addc(&b, ']');
	t = parse_ok(b.ptr);
	ytree_free(t);
	buf_reset(&b);
	for (i = 0; i <= YTREE_MAX_DEPTH; i++)
		buf_addc(&b, '[');
	e = parse_bad(b.ptr, b.len);
	cr_assert_eq(e.line, 1);
	cr_assert_eq(e.col, YTREE_MAX_DEPTH + 1);
	cr_assert_str_eq(e.msg, "nested deeper than 64 levels");
	buf_release(&b);
}

Test(yamltree, bad_bytes_positioned)
{
	const char text[] = "a: 1\nb: x\xff\n";
	struct err e = parse_bad(text, sizeof(text) - 1);

	cr_assert_eq(e.line, 2);
	cr_assert_eq(e.col, 5);
	cr_assert_str_eq(e.msg, "invalid leading UTF-8 octet (byte 0xFF)");
}

Test(yamltree, nul_byte_in_input)
{
	const char text[] = "a: 1\n\0b: 2\n";
	struct err e = parse_bad(text, sizeof(text) - 1);

	cr_assert_eq(e.line, 2);
	cr_assert_eq(e.col, 1);
}

Test(yamltree, many_nodes)
{
	struct buf b = BUF_INIT;
	struct ytree *t;
	const struct ynode *root;
	int i;

	for (i = 0; i < 20000; i++)
		buf_addf(&b, "- {name: n%d, value: \"%d\"}\n", i, i);
	t = parse_ok(b.ptr);
	root = ytree_root(t);
	cr_assert_eq(root->n, 20000);
	cr_assert_str_eq(ynode_value(root->kids[19999], 0)->str, "n19999");
	cr_assert_eq(root->kids[19999]->line, 20000);
	ytree_free(t);
	buf_release(&b);
}
