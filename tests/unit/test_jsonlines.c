/* A discovery command's JSON Lines: blank lines and line ends, what each
 * JSON type becomes in the YAML tree (so that the inventory's key table
 * reads it like the file), and the reason a line is refused. */
#include "config.h"

#include "config/jsonlines.h"

#include <string.h>

#include <criterion/criterion.h>

static const struct ynode *
get(const struct ynode *map, const char *key)
{
	size_t i;

	for (i = 0; i < map->n; i++)
		if (strcmp(ynode_key(map, i)->str, key) == 0)
			return ynode_value(map, i);
	return NULL;
}

static void
parse(struct jsonlines *jl, const char *text)
{
	memset(jl, 0, sizeof(*jl));
	jsonlines_parse(text, strlen(text), 7, 5, jl);
}

Test(jsonlines, types_become_yaml_nodes)
{
	struct jsonlines jl;
	const struct ynode *m, *n;

	parse(&jl, "{\"name\": \"a\", \"port\": 5432, \"safe\": false, "
		   "\"db\": null, \"host\": \"null\", \"tags\": [\"x\", "
		   "\"y\"], \"url\": {\"k\": 1}}\n");
	cr_assert_eq(jl.n, 1);
	m = jl.v[0].map;
	cr_assert_not_null(m);
	cr_assert_eq(m->kind, YNODE_MAP);
	cr_assert_eq(m->n, 7);
	cr_assert_eq(m->line, 7);
	cr_assert_eq(m->col, 5);
	n = get(m, "name");
	cr_assert_str_eq(n->str, "a");
	cr_assert_not(n->plain);
	n = get(m, "port");
	cr_assert_str_eq(n->str, "5432");
	cr_assert(n->plain);
	cr_assert_str_eq(get(m, "safe")->str, "false");
	cr_assert(ynode_is_null(get(m, "db")));
	/* the string "null" is a string, not YAML's null */
	cr_assert_not(ynode_is_null(get(m, "host")));
	n = get(m, "tags");
	cr_assert_eq(n->kind, YNODE_SEQ);
	cr_assert_eq(n->n, 2);
	cr_assert_str_eq(n->kids[1]->str, "y");
	cr_assert_eq(get(m, "url")->kind, YNODE_MAP);
	cr_assert_str_eq(jl.v[0].text,
			 "{\"name\": \"a\", \"port\": 5432, \"safe\": false, "
			 "\"db\": null, \"host\": \"null\", \"tags\": [\"x\", "
			 "\"y\"], \"url\": {\"k\": 1}}");
	jsonlines_release(&jl);
}

Test(jsonlines, blank_lines_skipped_and_counted)
{
	struct jsonlines jl;

	parse(&jl, "\n{\"name\": \"a\"}\r\n  \t\n{\"name\": \"b\"}");
	cr_assert_eq(jl.n, 2);
	cr_assert_eq(jl.v[0].lineno, 2);
	cr_assert_str_eq(jl.v[0].text, "{\"name\": \"a\"}");
	cr_assert_eq(jl.v[1].lineno, 4);
	cr_assert_str_eq(get(jl.v[1].map, "name")->str, "b");
	jsonlines_release(&jl);
	parse(&jl, "");
	cr_assert_eq(jl.n, 0);
	jsonlines_release(&jl);
	parse(&jl, "\n\n   \n");
	cr_assert_eq(jl.n, 0);
	jsonlines_release(&jl);
}

Test(jsonlines, bad_lines_kept_with_the_reason)
{
	struct jsonlines jl;

	parse(&jl, "not json\n[1, 2]\n\"s\"\n{\"a\": 1,}\n{\"a\": 1, \"a\": "
		   "2}\n{\"name\": \"ok\"}\n");
	cr_assert_eq(jl.n, 6);
	cr_assert_null(jl.v[0].map);
	cr_assert_str_eq(jl.v[0].problem,
			 "not JSON (column 1: expected a value, found 'n')");
	cr_assert_str_eq(jl.v[1].problem, "not a JSON object with the "
					  "target's keys, but an array");
	cr_assert_str_eq(jl.v[2].problem, "not a JSON object with the "
					  "target's keys, but a string");
	cr_assert_not_null(jl.v[3].problem);
	cr_assert(strncmp(jl.v[3].problem, "not JSON (column ", 17) == 0,
		  "%s", jl.v[3].problem);
	cr_assert_not_null(jl.v[4].problem, "a duplicate key is refused");
	cr_assert_null(jl.v[5].problem);
	cr_assert_not_null(jl.v[5].map);
	cr_assert_eq(jl.v[5].lineno, 6);
	jsonlines_release(&jl);
}

Test(jsonlines, nul_in_a_string_kept_for_the_checker)
{
	struct jsonlines jl;
	const struct ynode *n;

	parse(&jl, "{\"name\": \"a\\u0000b\"}");
	cr_assert_eq(jl.n, 1);
	n = get(jl.v[0].map, "name");
	cr_assert_eq(n->len, 3);
	cr_assert_neq(strlen(n->str), n->len);
	jsonlines_release(&jl);
}
