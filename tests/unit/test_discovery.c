/* Discover entries of an inventory, with a discoverer that answers from a
 * table: what is asked (the query's connection, the command, the
 * timeout), the targets of rows and lines (templates, precedence, sorted
 * by name), what the report keeps, and every problem with its position.
 * The real runs (a server, a program) are in tests/integration/
 * discovery.sh. */
#include "config.h"

#include "config/inventory.h"

#include <string.h>

#include <criterion/criterion.h>

#include "common/buf.h"
#include "common/xmalloc.h"

static char *const env[] = { (char *)"PG_PASSWORD=pgsecret",
			     (char *)"REGION=eu", NULL };

/* What the fake discoverer answers, and what it was asked. */
struct fake {
	const char *const *columns; /* a query's: NULL-terminated */
	const char *const *cells;   /* nrows * ncols */
	size_t nrows;
	const char *output;         /* a command's */
	const char *fail;           /* fail with this message */
	size_t calls;
	struct discovery_request rq;
	struct target *conn;
	struct strv argv;
	char *query, *source;
};

static int
fake_fn(void *arg, const struct discovery_request *rq,
	struct discovery_result *out, struct err *e)
{
	struct fake *f = arg;
	size_t i, ncols = 0;

	f->calls++;
	f->rq = *rq;
	target_free(f->conn);
	f->conn = rq->conn ? target_dup(rq->conn) : NULL;
	free(f->query);
	f->query = xstrdup_or_null(rq->query);
	free(f->source);
	f->source = xstrdup(rq->source);
	strv_release(&f->argv);
	for (i = 0; rq->argv && rq->argv[i]; i++)
		strv_push(&f->argv, rq->argv[i]);
	if (f->fail)
		return err_set(e, ERR_CONFIG, "%s", f->fail);
	for (i = 0; f->columns && f->columns[i]; i++, ncols++)
		strv_push(&out->columns, f->columns[i]);
	out->cells = xcalloc(f->nrows * ncols + 1, sizeof(*out->cells));
	for (i = 0; i < f->nrows * ncols; i++)
		out->cells[i] = xstrdup_or_null(f->cells[i]);
	out->nrows = f->nrows;
	if (f->output)
		buf_adds(&out->output, f->output);
	return 0;
}

static void
fake_release(struct fake *f)
{
	target_free(f->conn);
	strv_release(&f->argv);
	free(f->query);
	free(f->source);
}

struct loaded {
	int rc;
	struct inventory *inv;
	struct strv problems;
	struct err e;
	char *text; /* the problems, one per line */
};

static void
load(struct loaded *l, struct fake *f, const char *yaml)
{
	struct discoverer ops = { fake_fn, f };
	struct buf b = BUF_INIT;
	size_t i;

	memset(l, 0, sizeof(*l));
	l->rc = inventory_load_buffer_discovering("inline.yaml", yaml,
						  strlen(yaml), env, "/base",
						  f ? &ops : NULL, &l->inv,
						  &l->problems, &l->e);
	for (i = 0; i < l->problems.n; i++)
		buf_addf(&b, "%s\n", l->problems.v[i]);
	l->text = buf_detach(&b);
}

static void
loaded_release(struct loaded *l)
{
	inventory_free(l->inv);
	strv_release(&l->problems);
	free(l->text);
}

static const char *const nsp[] = { "nspname", "owner", NULL };
static const char *const rows3[] = { "t_3", "bob", "t_1", "ann", "t_2",
				     NULL };

#define QUERY_ENTRY                                                            \
	"version: 1\n"                                                         \
	"defaults:\n"                                                          \
	"  url: postgres://app@pg1:5433/app\n"                                 \
	"  password: ${PG_PASSWORD}\n"                                         \
	"  tags: [fleet]\n"                                                    \
	"targets:\n"                                                           \
	"  - name: static\n"                                                   \
	"  - name: tenant-{nspname}\n"                                         \
	"    schema: \"{0}\"\n"                                                \
	"    create_schema: true\n"                                            \
	"    tags: [\"tenants\", \"{owner}-x\"]\n"                             \
	"    username: migrator\n"                                             \
	"    discover:\n"                                                      \
	"      query: SELECT nspname, owner FROM t WHERE r = '${REGION}'\n"

Test(discovery, query_rows_become_targets_sorted_by_name)
{
	struct fake f = { .columns = nsp, .cells = rows3, .nrows = 3 };
	struct loaded l;
	const struct discovery *d;
	const struct target *t;

	/* t_2's owner is NULL: a template that takes it cannot be filled */
	static const char *const rows[] = { "t_3", "bob", "t_1", "ann", "t_2",
					    "cy" };
	f.cells = rows;
	load(&l, &f, QUERY_ENTRY);
	cr_assert_eq(l.rc, 0, "%s", l.text);
	cr_assert_eq(l.inv->n, 4);
	cr_assert_str_eq(l.inv->v[0]->name, "static");
	cr_assert_str_eq(l.inv->v[1]->name, "tenant-t_1");
	cr_assert_str_eq(l.inv->v[2]->name, "tenant-t_2");
	cr_assert_str_eq(l.inv->v[3]->name, "tenant-t_3");
	cr_assert_eq(l.inv->origin[1].line, 13);
	cr_assert_eq(l.inv->origin[1].col, 5);
	cr_assert_eq(l.inv->origin[1].row, 2);
	cr_assert_str_eq(l.inv->origin[1].what, "row");
	t = l.inv->v[3];
	cr_assert_str_eq(t->schema, "t_3");
	cr_assert(t->create_schema);
	cr_assert_eq(t->source[CFG_SCHEMA], SRC_INVENTORY);
	cr_assert_str_eq(t->engine, "postgres");
	cr_assert_str_eq(t->host, "pg1");
	cr_assert_str_eq(t->db, "app");
	cr_assert_str_eq(t->username, "migrator");
	cr_assert_str_eq(t->password, "pgsecret");
	cr_assert_eq(t->tags.n, 3);
	cr_assert_str_eq(t->tags.v[0], "fleet");
	cr_assert_str_eq(t->tags.v[1], "tenants");
	cr_assert_str_eq(t->tags.v[2], "bob-x");
	/* what the report keeps: both columns are taken */
	cr_assert_eq(l.inv->ndiscovered, 1);
	d = l.inv->discovered[0];
	cr_assert_eq(d->kind, DISCOVERY_QUERY);
	cr_assert_eq(d->line, 13);
	cr_assert_eq(d->ntargets, 3);
	cr_assert_eq(d->got.nrows, 3);
	cr_assert_str_eq(d->got.cells[5], "cy");
	cr_assert_eq(strlen(d->digest), 64);
	loaded_release(&l);
	fake_release(&f);
}

Test(discovery, the_query_connects_as_the_entry_without_its_templates)
{
	struct fake f = { .columns = nsp, .cells = rows3, .nrows = 1 };
	struct loaded l;

	load(&l, &f, QUERY_ENTRY);
	cr_assert_eq(l.rc, 0, "%s", l.text);
	cr_assert_eq(f.calls, 1);
	cr_assert_eq(f.rq.kind, DISCOVERY_QUERY);
	cr_assert_eq(f.rq.index, 0);
	cr_assert_eq(f.rq.timeout, 60.0);
	cr_assert_str_eq(f.query, "SELECT nspname, owner FROM t WHERE r = 'eu'");
	cr_assert_str_eq(f.conn->host, "pg1");
	cr_assert_eq(f.conn->port, 5433);
	cr_assert_str_eq(f.conn->username, "migrator");
	cr_assert_str_eq(f.conn->password, "pgsecret");
	cr_assert_null(f.conn->schema, "a template is not a connection's");
	cr_assert_str_eq(f.source, "query on postgres migrator:****@pg1:5433/app");
	loaded_release(&l);
	fake_release(&f);
}

Test(discovery, a_discover_url_is_the_querys_own)
{
	struct fake f = { .columns = nsp, .cells = rows3, .nrows = 1 };
	struct loaded l;

	load(&l, &f,
	     "version: 1\n"
	     "defaults: {engine: mysql, host: shared1}\n"
	     "targets:\n"
	     "  - name: \"{0}\"\n"
	     "    schema: \"{0}\"\n"
	     "    discover:\n"
	     "      url: postgres://cat@catalog/tenants\n"
	     "      password: ${PG_PASSWORD}\n"
	     "      query: SELECT slug FROM tenants\n"
	     "      timeout: 5s\n");
	cr_assert_eq(l.rc, 0, "%s", l.text);
	cr_assert_str_eq(f.conn->engine, "postgres");
	cr_assert_str_eq(f.conn->host, "catalog");
	cr_assert_str_eq(f.conn->password, "pgsecret");
	cr_assert_eq(f.rq.timeout, 5.0);
	cr_assert_str_eq(l.inv->v[0]->engine, "mysql");
	cr_assert_str_eq(l.inv->v[0]->host, "shared1");
	cr_assert_str_eq(l.inv->v[0]->schema, "t_3");
	loaded_release(&l);
	fake_release(&f);
}

Test(discovery, unused_columns_are_not_kept)
{
	struct fake f = { .columns = nsp, .cells = rows3, .nrows = 2 };
	struct loaded l;
	const struct discovery *d;

	load(&l, &f,
	     "version: 1\n"
	     "defaults: {engine: postgres}\n"
	     "targets:\n"
	     "  - name: \"{nspname}\"\n"
	     "    discover:\n"
	     "      query: SELECT nspname, secret FROM t\n");
	cr_assert_eq(l.rc, 0, "%s", l.text);
	d = l.inv->discovered[0];
	cr_assert_str_eq(d->got.cells[0], "t_3");
	cr_assert_null(d->got.cells[1]);
	cr_assert_str_eq(d->got.cells[2], "t_1");
	cr_assert_null(d->got.cells[3]);
	loaded_release(&l);
	fake_release(&f);
}

#define COMMAND_ENTRY                                                          \
	"version: 1\n"                                                         \
	"defaults:\n"                                                          \
	"  engine: postgres\n"                                                 \
	"  host: default-host\n"                                               \
	"  tags: [fleet]\n"                                                    \
	"targets:\n"                                                           \
	"  - discover:\n"                                                      \
	"      command: [./tenants.py, --region, \"${REGION}\"]\n"             \
	"      timeout: 1m\n"                                                  \
	"    host: entry-host\n"                                               \
	"    password: ${PG_PASSWORD}\n"                                       \
	"    tags: [catalogue]\n"

Test(discovery, command_lines_over_the_entry_over_the_defaults)
{
	struct fake f = {
		.output = "{\"name\": \"b\", \"db\": \"b\", \"port\": 5433, "
			  "\"tags\": [\"x\"]}\n"
			  "\n"
			  "{\"name\": \"a\", \"url\": \"mysql://u@line-host/a\"}\n"
			  "{\"name\": \"c\", \"host\": null, \"safe\": false}\n"
	};
	struct loaded l;
	const struct target *a, *b, *c;

	load(&l, &f, COMMAND_ENTRY);
	cr_assert_eq(l.rc, 0, "%s", l.text);
	cr_assert_eq(f.rq.kind, DISCOVERY_COMMAND);
	cr_assert_eq(f.argv.n, 3);
	cr_assert_str_eq(f.argv.v[2], "eu");
	cr_assert_str_eq(f.rq.dir, "/base");
	cr_assert_eq(f.rq.timeout, 60.0);
	cr_assert_str_eq(f.source, "command ./tenants.py --region eu");
	cr_assert_eq(l.inv->n, 3);
	a = l.inv->v[0];
	b = l.inv->v[1];
	c = l.inv->v[2];
	cr_assert_str_eq(a->name, "a");
	cr_assert_eq(l.inv->origin[0].row, 3);
	cr_assert_str_eq(l.inv->origin[0].what, "line");
	/* the line's url beats the entry's host and the default engine */
	cr_assert_str_eq(a->engine, "mysql");
	cr_assert_str_eq(a->host, "line-host");
	cr_assert_str_eq(a->password, "pgsecret");
	cr_assert_str_eq(b->host, "entry-host");
	cr_assert_eq(b->port, 5433);
	cr_assert_eq(b->tags.n, 3);
	cr_assert_str_eq(b->tags.v[0], "fleet");
	cr_assert_str_eq(b->tags.v[1], "catalogue");
	cr_assert_str_eq(b->tags.v[2], "x");
	cr_assert_null(c->host);
	cr_assert_not(c->safe);
	cr_assert_str_eq(l.inv->discovered[0]->got.output.ptr,
			 "{\"name\": \"b\", \"db\": \"b\", \"port\": 5433, "
			 "\"tags\": [\"x\"]}\n"
			 "{\"name\": \"a\", \"url\": \"mysql://u@line-host/a\"}\n"
			 "{\"name\": \"c\", \"host\": null, \"safe\": false}\n");
	loaded_release(&l);
	fake_release(&f);
}

/* ---- problems ---------------------------------------------------------- */

struct bad {
	const char *yaml;
	const char *output;  /* a command's output; NULL: three rows */
	const char *fail;    /* the discoverer fails */
	bool no_ops;         /* no discoverer at all */
	const char *want;    /* every problem, one per line */
};

#define TOP "version: 1\ndefaults: {engine: postgres}\ntargets:\n"

static const struct bad bad_cases[] = {
	{ TOP "  - name: \"{0}\"\n    discover: {query: SELECT 1}\n", NULL,
	  NULL, true,
	  "inline.yaml:5:5: discover: this command cannot discover targets\n" },
	{ TOP "  - name: \"{0}\"\n    discover: {query: SELECT 1}\n", NULL,
	  "query on postgres failed: relation \"t\" does not exist", false,
	  "inline.yaml:5:5: discover: query on postgres failed: relation "
	  "\"t\" does not exist\n" },
	{ TOP "  - name: \"{0}\"\n    discover: {query: SELECT 1}\n", "",
	  NULL, false,
	  "inline.yaml:5:5: discover: the query returned no rows: a discovery "
	  "that finds nothing is an error, not an empty fleet\n" },
	{ TOP "  - discover: {command: [x]}\n", "\n\n", NULL, false,
	  "inline.yaml:4:5: discover: the command printed no targets: a "
	  "discovery that finds nothing is an error, not an empty fleet\n" },
	{ TOP "  - name: \"{0}\"\n    discover: {}\n", NULL, NULL, false,
	  "inline.yaml:5:5: discover: give a 'query' (or a 'command')\n" },
	{ TOP "  - name: x\n    discover:\n      command: [x]\n"
	      "      query: SELECT 1\n      url: postgres://h/d\n",
	  "{\"name\": \"a\"}", NULL, false,
	  "inline.yaml:4:5: 'name' is not allowed in a discover entry with a "
	  "command (each line of its output names its target)\n"
	  "inline.yaml:7:7: 'query' is not allowed in discover with a command\n"
	  "inline.yaml:8:7: 'url' is not allowed in discover with a command\n" },
	{ "version: 1\ndefaults: {discover: {query: x}}\ntargets: [{name: a, "
	  "engine: postgres}]\n",
	  NULL, NULL, false,
	  "inline.yaml:2:12: 'discover' is not allowed in defaults\n" },
	{ TOP "  - name: \"t-{1..3}\"\n    schema: \"{nope}\"\n"
	      "    discover: {query: SELECT 1, timeout: 0, tmeout: 1}\n",
	  NULL, NULL, false,
	  "inline.yaml:4:11: name: '{1..3}' is not a placeholder: write a "
	  "column's number or name in braces ({0}, {nspname}), '{{' and '}}' "
	  "for braces\n"
	  "inline.yaml:6:45: unknown key 'tmeout' (did you mean 'timeout'?)\n" },
	{ TOP "  - name: \"{0}\"\n    schema: \"{nope}\"\n"
	      "    discover: {query: SELECT 1, timeout: 0}\n",
	  NULL, NULL, false,
	  "inline.yaml:6:42: timeout: a discovery needs a limit: give more "
	  "than 0\n" },
	{ TOP "  - name: \"{0}\"\n    schema: \"{nope}\"\n"
	      "    discover: {query: SELECT 1}\n",
	  NULL, NULL, false,
	  "inline.yaml:5:13: discover: no column 'nope' (the query returned "
	  "nspname, owner)\n" },
	{ TOP "  - name: \"{0} {1}\"\n    discover: {query: SELECT 1}\n", NULL,
	  NULL, false,
	  "inline.yaml:4:11: discover: row 1: name: 't_3 bob' is not a valid "
	  "name: use letters, digits, '.', '_' and '-', not first '.' or '-', "
	  "at most 200\n"
	  "inline.yaml:4:11: discover: row 2: name: 't_1 ann' is not a valid "
	  "name: use letters, digits, '.', '_' and '-', not first '.' or '-', "
	  "at most 200\n"
	  "inline.yaml:4:11: discover: row 3: name: column 1 is NULL\n" },
	{ TOP "  - name: t_1\n  - name: \"{0}\"\n    discover: {query: x}\n",
	  NULL, NULL, false,
	  "inline.yaml:6:5: discover: row 2: duplicate target name 't_1' "
	  "(first defined at 4:11)\n" },
	{ TOP "  - discover: {command: [x]}\n    host: \"h{1..2}\"\n",
	  "{\"name\": \"a\"}", NULL, false,
	  "inline.yaml:5:11: host: ranges are not allowed in a discover entry "
	  "(each row or line is one target)\n" },
	{ TOP "  - discover: {command: [x]}\n",
	  "{\"name\": \"a\", \"hots\": \"h\"}\n"
	  "[\"b\"]\n"
	  "{\"name\": \"c\", \"password\": \"hunter2\"}\n"
	  "{\"name\": \"d\", \"url\": \"postgres://u:hunter2@h/d\"}\n"
	  "{\"name\": \"a\", \"port\": \"x\"}\n"
	  "{\"host\": \"e\"}\n"
	  "{\"name\": \"f\", \"discover\": {}}\n",
	  NULL, false,
	  "inline.yaml:4:5: discover: line 1: unknown key 'hots' (did you mean "
	  "'host'?)\n"
	  "inline.yaml:4:5: discover: line 2: not a JSON object with the "
	  "target's keys, but an array\n"
	  "inline.yaml:4:5: discover: line 3: password: a discovered target "
	  "cannot carry a password (the report keeps what was discovered): "
	  "give password or password_file in the discover entry or in "
	  "defaults\n"
	  "inline.yaml:4:5: discover: line 4: url: a discovered url cannot "
	  "carry a password (the report keeps what was discovered): give "
	  "password or password_file in the discover entry or in defaults\n"
	  "inline.yaml:4:5: discover: line 5: port: 'x' is not a number "
	  "1-65535\n"
	  "inline.yaml:4:5: discover: line 6: a discovered target has no "
	  "'name'\n"
	  "inline.yaml:4:5: discover: line 7: 'discover' is not allowed in a "
	  "discovered target\n"
	  "inline.yaml:4:5: discover: line 5: duplicate target name 'a' "
	  "(first defined at 4:5, line 1)\n" },
	{ TOP "  - discover: {command: [x]}\n",
	  "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", NULL, false,
	  "inline.yaml:4:5: discover: line 1: not a JSON object with the "
	  "target's keys, but a number\n"
	  "inline.yaml:4:5: discover: line 2: not a JSON object with the "
	  "target's keys, but a number\n"
	  "inline.yaml:4:5: discover: line 3: not a JSON object with the "
	  "target's keys, but a number\n"
	  "inline.yaml:4:5: discover: line 4: not a JSON object with the "
	  "target's keys, but a number\n"
	  "inline.yaml:4:5: discover: line 5: not a JSON object with the "
	  "target's keys, but a number\n"
	  "inline.yaml:4:5: discover: line 6: not a JSON object with the "
	  "target's keys, but a number\n"
	  "inline.yaml:4:5: discover: line 7: not a JSON object with the "
	  "target's keys, but a number\n"
	  "inline.yaml:4:5: discover: line 8: not a JSON object with the "
	  "target's keys, but a number\n"
	  "inline.yaml:4:5: discover: line 9: not a JSON object with the "
	  "target's keys, but a number\n"
	  "inline.yaml:4:5: discover: line 10: not a JSON object with the "
	  "target's keys, but a number\n"
	  "inline.yaml:4:5: ... and 2 more problems in this discover entry\n" },
};

#define NBAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

Test(discovery, every_problem_with_its_position)
{
	size_t i;

	for (i = 0; i < NBAD; i++) {
		const struct bad *c = &bad_cases[i];
		struct fake f = { .columns = nsp, .cells = rows3, .nrows = 3,
				  .output = c->output, .fail = c->fail };
		struct loaded l;

		if (c->output && !c->output[0])
			f.nrows = 0;
		load(&l, c->no_ops ? NULL : &f, c->yaml);
		cr_assert_eq(l.rc, ERR_CONFIG, "case %zu: %s", i, l.text);
		cr_assert_null(l.inv);
		cr_assert_str_eq(l.text, c->want, "case %zu:\n%s", i, l.text);
		cr_assert_null(strstr(l.text, "hunter2"));
		loaded_release(&l);
		fake_release(&f);
	}
}

Test(discovery, nothing_runs_when_the_entry_is_wrong)
{
	struct fake f = { .columns = nsp, .cells = rows3, .nrows = 3 };
	struct loaded l;

	load(&l, &f, TOP "  - name: \"{0}\"\n    port: x\n"
			 "    discover: {query: SELECT 1}\n");
	cr_assert_eq(l.rc, ERR_CONFIG);
	cr_assert_str_eq(l.text, "inline.yaml:5:11: port: 'x' is not a number "
				 "1-65535\n");
	cr_assert_eq(f.calls, 0);
	loaded_release(&l);
	fake_release(&f);
}

/* ---- schema targets ----------------------------------------------------- */

Test(discovery, schema_keys_checked_for_the_engine)
{
	struct loaded l;

	load(&l, NULL,
	     "version: 1\n"
	     "targets:\n"
	     "  - {name: f, engine: sqlite, db: x.db, schema: s}\n"
	     "  - {name: p, engine: postgres, schema: "
	     "s234567890123456789012345678901234567890123456789012345678901234}\n"
	     "  - {name: e, engine: postgres, schema: \"\"}\n"
	     "  - {name: b, engine: postgres, schema: s, create_schema: maybe}\n");
	cr_assert_eq(l.rc, ERR_CONFIG);
	cr_assert_str_eq(
	    l.text,
	    "inline.yaml:3:12: schema: a sqlite target has no schemas (its "
	    "database is a file: use db)\n"
	    "inline.yaml:4:12: schema: "
	    "'s23456789012345678901234567890123456789012345678901234567890...' "
	    "is longer than 63 bytes, the longest name postgres keeps\n"
	    "inline.yaml:5:41: schema: the value is empty (leave the key out "
	    "instead)\n"
	    "inline.yaml:6:59: create_schema: 'maybe' is not true/false, yes/no, "
	    "on/off or 1/0\n");
	loaded_release(&l);
}

Test(discovery, schema_targets_described)
{
	struct loaded l;
	struct buf b = BUF_INIT;

	load(&l, NULL,
	     "version: 1\n"
	     "targets:\n"
	     "  - {name: p, url: \"postgres://u:pw@h/app\", schema: \"t_{1..2}\"}\n"
	     "  - {name: m, url: \"mysql://u@h/app\", schema: t_3}\n");
	cr_assert_eq(l.rc, ERR_CONFIG, "a range needs one in the name");
	loaded_release(&l);
	load(&l, NULL,
	     "version: 1\n"
	     "targets:\n"
	     "  - {name: \"p-{1..2}\", url: \"postgres://u:pw@h/app\", "
	     "schema: \"t_{1..2}\"}\n"
	     "  - {name: m, url: \"mysql://u@h/app\", schema: t_3}\n");
	cr_assert_eq(l.rc, 0, "%s", l.text);
	target_describe(l.inv->v[1], &b);
	cr_assert_str_eq(b.ptr, "postgres u:****@h:5432/app schema t_2");
	buf_reset(&b);
	target_describe(l.inv->v[2], &b);
	cr_assert_str_eq(b.ptr, "mysql u@h:3306/t_3");
	cr_assert_not(l.inv->v[2]->create_schema);
	buf_release(&b);
	loaded_release(&l);
}
