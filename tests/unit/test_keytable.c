/* The one walk over a YAML mapping with a key table: what it accepts and
 * every problem it reports, with positions. */
#include "config.h"

#include "config/keytable.h"

#include <string.h>

#include <criterion/criterion.h>

enum { S_NAME, S_PORT, S_TAGS, S_OPTS, S_N };

#define HERE 1u
#define THERE 2u

/* A table with an extra column, as the inventory's own tables have. */
struct my_key {
	struct keydef def;
	int extra;
};

static const struct my_key table[] = {
	{ { "name", S_NAME, KT_SCALAR, HERE, HERE }, 1 },
	{ { "port", S_PORT, KT_SCALAR, HERE | THERE, 0 }, 2 },
	{ { "tags", S_TAGS, KT_SEQ, HERE | THERE, 0 }, 3 },
	{ { "options", S_OPTS, KT_MAP, THERE, 0 }, 4 },
	{ { NULL, 0, 0, 0, 0 }, 0 },
};

static void
walk(const char *text, unsigned where, const struct ynode **slots,
     struct strv *out, struct ytree **t)
{
	struct problems pr = PROBLEMS_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(ytree_parse(text, strlen(text), t, &e), 0, "%s", e.msg);
	keytable_walk(table, sizeof(table[0]), ytree_root(*t), where,
		      where == HERE ? "a thing" : "there", slots, &pr);
	problems_render(&pr, "k", out);
	problems_release(&pr);
}

Test(keytable, good_keys_fill_slots)
{
	const struct ynode *slots[S_N] = { 0 };
	struct strv out = STRV_INIT;
	struct ytree *t;

	walk("name: a\nport: 5\ntags: [x]\n", HERE, slots, &out, &t);
	cr_assert_eq(out.n, 0, "%s", out.n ? out.v[0] : "");
	cr_assert_str_eq(slots[S_NAME]->str, "a");
	cr_assert_str_eq(slots[S_PORT]->str, "5");
	cr_assert_eq(slots[S_TAGS]->kind, YNODE_SEQ);
	cr_assert_null(slots[S_OPTS]);
	cr_assert_eq(((const struct my_key *)keytable_find(
			  table, sizeof(table[0]), "tags"))->extra,
		     3);
	cr_assert_null(keytable_find(table, sizeof(table[0]), "nope"));
	strv_release(&out);
	ytree_free(t);
}

Test(keytable, every_problem_with_its_position)
{
	const struct ynode *slots[S_N] = { 0 };
	struct strv out = STRV_INIT;
	struct ytree *t;

	walk("prot: 5\n"
	     "port: 6\n"
	     "port: 7\n"
	     "tags: x\n"
	     "options: {}\n"
	     "[a]: 1\n"
	     "colour: red\n"
	     "nmae: ~\n",
	     HERE, slots, &out, &t);
	cr_assert_eq(out.n, 8);
	cr_assert_str_eq(out.v[0], "k:1:1: unknown key 'prot' (did you mean "
				   "'port'?)");
	cr_assert_str_eq(out.v[1], "k:1:1: a thing has no 'name'");
	cr_assert_str_eq(out.v[2], "k:3:1: key 'port' given twice (first at "
				   "2:1)");
	cr_assert_str_eq(out.v[3], "k:4:7: 'tags' must be a sequence, not a "
				   "scalar");
	cr_assert_str_eq(out.v[4], "k:5:1: 'options' is not allowed in a "
				   "thing");
	cr_assert_str_eq(out.v[5], "k:6:1: a key must be a scalar, not a "
				   "sequence");
	cr_assert_str_eq(out.v[6], "k:7:1: unknown key 'colour'");
	cr_assert_str_eq(out.v[7], "k:8:1: unknown key 'nmae' (did you mean "
				   "'name'?)");
	cr_assert_str_eq(slots[S_PORT]->str, "6", "the first one is kept");
	cr_assert_null(slots[S_TAGS], "a wrong shape fills no slot");
	strv_release(&out);
	ytree_free(t);
}

Test(keytable, null_fits_every_shape)
{
	const struct ynode *slots[S_N] = { 0 };
	struct strv out = STRV_INIT;
	struct ytree *t;

	walk("tags: ~\noptions:\nport: null\n", THERE, slots, &out, &t);
	cr_assert_eq(out.n, 0, "%s", out.n ? out.v[0] : "");
	cr_assert(ynode_is_null(slots[S_TAGS]));
	cr_assert(ynode_is_null(slots[S_OPTS]));
	strv_release(&out);
	ytree_free(t);
}
