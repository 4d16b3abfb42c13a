/* The fleet inventory loader: every kind of problem with its exact text and
 * position (fixtures in tests/data/inventory), every field of a complex
 * valid inventory, precedence, ranges, the environment, and the size that
 * fleet mode promises (10,000 targets, loaded in well under a second). */
#include "config.h"

#include "config/inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <criterion/parameterized.h>

#include "common/buf.h"
#include "common/xmalloc.h"

/*
 * Criterion runs each parameterized case in a new process where pointers
 * into the parent's tables mean nothing: each case gets an index.
 */
#define NCASES(table) (sizeof(table) / sizeof((table)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

#define INVENTORY_DATA TESTS_DATADIR "/inventory"

static char *const test_env[] = {
	(char *)"PG_PASSWORD=pgsecret", (char *)"REGION=eu",
	(char *)"DB_NAME=",             (char *)"PW_1=one",
	(char *)"PW_2=two",             (char *)"PW_3=three",
	(char *)"EMPTY=",               NULL,
};

/* missing_var.yaml needs PW_2 unset */
static char *const short_env[] = {
	(char *)"PG_PASSWORD=pgsecret",
	(char *)"PW_1=one",
	(char *)"PW_3=three",
	NULL,
};

struct loaded {
	int rc;
	struct inventory *inv;
	struct strv problems;
	struct err e;
};

static void
loaded_release(struct loaded *l)
{
	inventory_free(l->inv);
	strv_release(&l->problems);
}

/* Load text as "inline.yaml" in directory /base. */
static void
load_text(struct loaded *l, const char *text)
{
	memset(l, 0, sizeof(*l));
	l->rc = inventory_load_buffer("inline.yaml", text, strlen(text),
				      test_env, "/base", &l->inv,
				      &l->problems, &l->e);
}

/* Load a fixture under its own name, relative paths against its dir. */
static void
load_fixture(struct loaded *l, const char *file, char *const *envp)
{
	struct buf path = BUF_INIT, text = BUF_INIT;

	memset(l, 0, sizeof(*l));
	buf_addf(&path, "%s/%s", INVENTORY_DATA, file);
	cr_assert_eq(buf_read_file(&text, path.ptr), 0, "cannot read %s",
		     path.ptr);
	l->rc = inventory_load_buffer(file, text.ptr, text.len, envp,
				      INVENTORY_DATA, &l->inv, &l->problems,
				      &l->e);
	buf_release(&path);
	buf_release(&text);
}

/* s with every dir replaced by @DIR@, appended to b. */
static void
add_replaced(struct buf *b, const char *s, const char *dir)
{
	size_t dl = strlen(dir);
	const char *hit;

	for (; (hit = strstr(s, dir)) != NULL; s = hit + dl) {
		buf_add(b, s, (size_t)(hit - s));
		buf_adds(b, "@DIR@");
	}
	buf_adds(b, s);
}

/*
 * The problems as one text, the fixture directory written as @DIR@, as
 * given (".../build/../tests/...", an out-of-tree build) or as its real
 * path, whichever the loader printed.
 */
static char *
problems_text(const struct loaded *l)
{
	struct buf b = BUF_INIT, one = BUF_INIT;
	char real[PATH_MAX];
	size_t i;

	if (realpath(INVENTORY_DATA, real) == NULL)
		real[0] = '\0';
	for (i = 0; i < l->problems.n; i++) {
		buf_reset(&one);
		add_replaced(&one, l->problems.v[i], INVENTORY_DATA);
		if (real[0] != '\0')
			add_replaced(&b, one.ptr, real);
		else
			buf_adds(&b, one.ptr);
		buf_addc(&b, '\n');
	}
	buf_release(&one);
	return buf_detach(&b);
}

/* ---- every kind of problem, with positions --------------------------- */

struct fixture {
	const char *name;
	size_t count; /* problems, as the summary says */
};

static const struct fixture fixtures[] = {
	{ "syntax", 1 },       { "syntax_flow", 1 },
	{ "unknown_key", 7 },  { "wrong_type", 9 },
	{ "targets_not_list", 2 }, { "duplicate_name", 4 },
	{ "bad_range", 11 },   { "missing_var", 7 },
	{ "values", 19 },      { "structure", 10 },
	{ "no_version", 2 },   { "empty", 1 },
	{ "scalar_root", 1 },  { "alias", 1 },
	{ "two_docs", 1 },     { "many_problems", 11 },
	{ "secrets_hidden", 6 },
};

ParameterizedTestParameters(inventory, fixture)
{
	CASE_INDICES(fixtures);
}

ParameterizedTest(size_t *i, inventory, fixture)
{
	const struct fixture *f = &fixtures[*i];
	struct loaded l;
	struct buf yaml = BUF_INIT, path = BUF_INIT, want = BUF_INIT;
	char *got, summary[256];

	buf_addf(&yaml, "%s.yaml", f->name);
	buf_addf(&path, "%s/%s.expected", INVENTORY_DATA, f->name);
	cr_assert_eq(buf_read_file(&want, path.ptr), 0, "no %s", path.ptr);
	load_fixture(&l, yaml.ptr,
		     strcmp(f->name, "missing_var") == 0 ? short_env
							 : test_env);
	cr_assert_eq(l.rc, ERR_CONFIG);
	cr_assert_eq(err_exit_code(l.rc), 3, "an inventory error exits 3");
	cr_assert_null(l.inv, "nothing is loaded when a problem is found");
	got = problems_text(&l);
	cr_assert_str_eq(got, want.ptr, "%s: problems differ", f->name);
	snprintf(summary, sizeof(summary), "inventory %s: %zu problem%s",
		 yaml.ptr, f->count, f->count == 1 ? "" : "s");
	cr_assert_str_eq(l.e.msg, summary);
	cr_assert_eq(l.problems.n, f->count);
	free(got);
	buf_release(&yaml);
	buf_release(&path);
	buf_release(&want);
	loaded_release(&l);
}

Test(inventory, secrets_never_in_problems)
{
	struct loaded l;
	size_t i;

	load_fixture(&l, "secrets_hidden.yaml", test_env);
	cr_assert_eq(l.problems.n, 6);
	for (i = 0; i < l.problems.n; i++)
		cr_assert_null(strstr(l.problems.v[i], "hunter2"), "%s",
			       l.problems.v[i]);
	loaded_release(&l);
}

/* The variables passwords and urls were taken from, ranges expanded; not
 * those of other keys. */
Test(inventory, secret_vars)
{
	struct loaded l;

	load_text(&l, "version: 1\n"
		      "defaults: {engine: postgres, password: '${PG_PASSWORD}'}\n"
		      "targets:\n"
		      "  - {name: 'r{1..3}', password: '${PW_{1..3}}',"
		      " db: '${REGION}'}\n"
		      "  - {name: u, url: 'postgres://u:${PW_1}@h/db'}\n");
	cr_assert_eq(l.rc, 0, "%s", l.e.msg);
	cr_assert_eq(l.inv->secret_vars.n, 5);
	cr_assert_str_eq(l.inv->secret_vars.v[0], "PG_PASSWORD");
	cr_assert_str_eq(l.inv->secret_vars.v[1], "PW_1");
	cr_assert_str_eq(l.inv->secret_vars.v[2], "PW_2");
	cr_assert_str_eq(l.inv->secret_vars.v[3], "PW_3");
	cr_assert_str_eq(l.inv->secret_vars.v[4], "PW_1");
	loaded_release(&l);
}

Test(inventory, unreadable_file_is_a_config_error)
{
	struct inventory *inv = (struct inventory *)1;
	struct strv p = STRV_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(inventory_load(INVENTORY_DATA "/no-such.yaml", test_env,
				    &inv, &p, &e),
		     ERR_CONFIG);
	cr_assert_null(inv);
	cr_assert_eq(p.n, 1);
	cr_assert_str_eq(p.v[0], INVENTORY_DATA "/no-such.yaml: cannot read "
						"the inventory: No such file "
						"or directory");
	strv_release(&p);
}

/* ---- a complete valid inventory, field by field ----------------------- */

static const struct target *
must_find(const struct inventory *inv, const char *name)
{
	const struct target *t = inventory_find(inv, name);

	cr_assert_not_null(t, "no target %s", name);
	return t;
}

static void
assert_tags(const struct target *t, const char *const *want, size_t n)
{
	size_t i;

	cr_assert_eq(t->tags.n, n, "%s: %zu tags", t->name, t->tags.n);
	for (i = 0; i < n; i++)
		cr_assert_str_eq(t->tags.v[i], want[i]);
}

static struct loaded valid;

static void
valid_setup(void)
{
	load_fixture(&valid, "valid.yaml", test_env);
	cr_assert_eq(valid.rc, 0, "%s", valid.problems.n ? valid.problems.v[0]
							 : valid.e.msg);
}

static void
valid_teardown(void)
{
	loaded_release(&valid);
}

TestSuite(valid, .init = valid_setup, .fini = valid_teardown);

Test(valid, count_order_and_origin)
{
	const struct inventory *inv = valid.inv;

	cr_assert_eq(inv->n, 1 + 128 + 5);
	cr_assert_str_eq(inv->v[0]->name, "eu-001");
	cr_assert_str_eq(inv->v[1]->name, "us-001");
	cr_assert_str_eq(inv->v[128]->name, "us-128");
	cr_assert_str_eq(inv->v[129]->name, "legacy");
	cr_assert_str_eq(inv->v[133]->name, "env-eu");
	cr_assert_eq(inv->origin[0].line, 17);
	cr_assert_eq(inv->origin[0].col, 11);
	cr_assert_eq(inv->origin[77].line, 20);
	cr_assert_str_eq(inv->file, "valid.yaml");
	cr_assert_str_eq(inv->dir, INVENTORY_DATA);
}

Test(valid, defaults_inherited)
{
	const struct target *t = must_find(valid.inv, "eu-001");
	const char *tags[] = { "fleet", "eu", "canary" };

	cr_assert_str_eq(t->engine, "postgres");
	cr_assert_eq(t->source[CFG_ENGINE], SRC_INVENTORY);
	cr_assert_str_eq(t->host, "pg1.internal");
	cr_assert_eq(t->port, 6432, "${PG_PORT:-6432} with PG_PORT unset");
	cr_assert_eq(t->source[CFG_PORT], SRC_INVENTORY);
	cr_assert_str_eq(t->db, "app_eu_001");
	cr_assert_str_eq(t->username, "migratore");
	cr_assert_str_eq(t->password, "pgsecret");
	cr_assert_eq(t->source[CFG_PASSWORD], SRC_INVENTORY);
	cr_assert_str_eq(t->path, INVENTORY_DATA "/migrations");
	cr_assert_str_eq(t->fs, INVENTORY_DATA, "fs defaults to cwd");
	cr_assert_eq(t->source[CFG_FS], SRC_DEFAULT);
	cr_assert(t->safe);
	cr_assert_eq(t->source[CFG_SAFE], SRC_INVENTORY);
	cr_assert_eq(t->lock_timeout, 30);
	cr_assert_eq(t->timeout, 600.0);
	cr_assert_str_eq(t->operator_name, "fleet-bot");
	cr_assert_null(t->db_url);
	cr_assert_null(t->unix_socket);
	assert_tags(t, tags, 3);
}

Test(valid, range_expands_in_lockstep)
{
	const struct target *t = must_find(valid.inv, "us-007");
	const char *tags[] = { "fleet", "us", "shard-007" };

	cr_assert_str_eq(t->db, "app_us_007");
	cr_assert_str_eq(t->host, "pg-us-7.internal", "{1..128}: no padding");
	assert_tags(t, tags, 3);
	t = must_find(valid.inv, "us-128");
	cr_assert_str_eq(t->db, "app_us_128");
	cr_assert_str_eq(t->host, "pg-us-128.internal");
	cr_assert_null(inventory_find(valid.inv, "us-129"));
	cr_assert_null(inventory_find(valid.inv, "us-000"));
}

Test(valid, url_beats_defaults)
{
	const struct target *t = must_find(valid.inv, "legacy");

	cr_assert_str_eq(t->engine, "mysql");
	cr_assert_eq(t->source[CFG_ENGINE], SRC_URL);
	cr_assert_str_eq(t->host, "mysql2.internal");
	cr_assert_eq(t->source[CFG_HOST], SRC_URL);
	cr_assert_eq(t->port, 3306);
	cr_assert_eq(t->source[CFG_PORT], SRC_URL);
	cr_assert_str_eq(t->username, "app");
	cr_assert_str_eq(t->db, "legacy");
	cr_assert_str_eq(t->password, "legacy-pw", "first line of the file");
	cr_assert_eq(t->source[CFG_PASSWORD], SRC_INVENTORY);
	cr_assert_str_eq(t->db_url, "mysql://app@mysql2.internal:3306/legacy"
				    "?connect_timeout=5");
	cr_assert_eq(t->params.n, 1);
	cr_assert_str_eq(t->params.v[0], "connect_timeout=5");
	cr_assert_not(t->safe);
	cr_assert_eq(t->timeout, 5400.0);
	cr_assert_eq(t->tags.n, 0, "tags: ~ drops the defaults' tags");
}

Test(valid, sqlite_paths_relative_to_inventory)
{
	const struct target *t = must_find(valid.inv, "edge");

	cr_assert_str_eq(t->engine, "sqlite");
	cr_assert_str_eq(t->db, INVENTORY_DATA "/data/edge.db");
	cr_assert_str_eq(t->fs, INVENTORY_DATA "/hooks");
	cr_assert_eq(t->source[CFG_FS], SRC_INVENTORY);
	cr_assert_str_eq(t->path, "/srv/edge/migrations");
	cr_assert_eq(t->timeout, 0.0);
}

Test(valid, null_unsets_and_dollar_escape)
{
	const struct target *t = must_find(valid.inv, "socket");

	cr_assert_null(t->host, "host: ~ drops the default host");
	cr_assert_eq(t->source[CFG_HOST], SRC_UNSET);
	cr_assert_str_eq(t->unix_socket, "/run/postgresql");
	cr_assert_str_eq(t->password, "pa$word");
	cr_assert_eq(t->lock_timeout, 0);
}

Test(valid, url_parts_decoded)
{
	const struct target *t = must_find(valid.inv, "fromurl");

	cr_assert_str_eq(t->engine, "postgres");
	cr_assert_eq(t->source[CFG_ENGINE], SRC_URL);
	cr_assert_str_eq(t->username, "u@x");
	cr_assert_str_eq(t->password, "p:w");
	cr_assert_eq(t->source[CFG_PASSWORD], SRC_URL);
	cr_assert_str_eq(t->host, "db.example");
	cr_assert_eq(t->port, 5433);
	cr_assert_str_eq(t->db, "app");
	cr_assert_str_eq(t->params.v[0], "sslmode=require");
}

Test(valid, environment_in_names_and_defaults)
{
	const struct target *t = must_find(valid.inv, "env-eu");

	cr_assert_str_eq(t->db, "app_default", "empty DB_NAME: the default");
	cr_assert_str_eq(t->password, "pw-with-crlf");
}

/* ---- precedence: target key > target url > defaults key > defaults url - */

struct precedence {
	const char *defaults;
	const char *target;
	const char *host;          /* expected; NULL = unset */
	enum cfg_source source;
};

static const struct precedence precedences[] = {
	{ "host: dhost", "host: thost", "thost", SRC_INVENTORY },
	{ "host: dhost", "url: 'postgres://uhost/db'", "uhost", SRC_URL },
	{ "url: 'postgres://duhost/db'", "host: thost", "thost",
	  SRC_INVENTORY },
	{ "host: dhost, url: 'postgres://duhost/db'", "db: x", "dhost",
	  SRC_INVENTORY },
	{ "url: 'postgres://duhost/db'", "db: x", "duhost", SRC_URL },
	{ "host: dhost", "host: thost, url: 'postgres://uhost/db'", "thost",
	  SRC_INVENTORY },
	{ "host: dhost", "host: ~", NULL, SRC_UNSET },
	{ "host: dhost", "url: 'postgres://u@/db'", "dhost", SRC_INVENTORY },
	{ "port: 1", "db: x", NULL, SRC_UNSET },
};

ParameterizedTestParameters(inventory, precedence)
{
	CASE_INDICES(precedences);
}

ParameterizedTest(size_t *i, inventory, precedence)
{
	const struct precedence *p = &precedences[*i];
	struct loaded l;
	struct buf text = BUF_INIT;
	const struct target *t;

	buf_addf(&text,
		 "version: 1\ndefaults: {engine: postgres, %s}\n"
		 "targets:\n  - {name: a, %s}\n",
		 p->defaults, p->target);
	load_text(&l, text.ptr);
	cr_assert_eq(l.rc, 0, "%s\n%s", text.ptr,
		     l.problems.n ? l.problems.v[0] : "");
	t = must_find(l.inv, "a");
	if (p->host)
		cr_assert_str_eq(t->host, p->host, "%s", text.ptr);
	else
		cr_assert_null(t->host, "%s", text.ptr);
	cr_assert_eq(t->source[CFG_HOST], p->source, "%s", text.ptr);
	buf_release(&text);
	loaded_release(&l);
}

Test(inventory, password_precedence)
{
	struct loaded l;

	load_text(&l, "version: 1\n"
		      "defaults:\n  engine: postgres\n"
		      "  password_file: /nonexistent/but/overridden\n"
		      "targets:\n  - name: a\n    password: tpw\n");
	/* the defaults' file is read even when every target overrides it */
	cr_assert_eq(l.rc, ERR_CONFIG);
	loaded_release(&l);
	load_text(&l, "version: 1\n"
		      "defaults: {engine: postgres, password: dpw}\n"
		      "targets:\n"
		      "  - {name: a, url: 'postgres://u:upw@h/db'}\n"
		      "  - {name: b, password: ''}\n"
		      "  - {name: c}\n"
		      "  - {name: d, password: ~}\n");
	cr_assert_eq(l.rc, 0);
	cr_assert_str_eq(must_find(l.inv, "a")->password, "upw");
	cr_assert_str_eq(must_find(l.inv, "b")->password, "",
			 "an empty password is a password");
	cr_assert_str_eq(must_find(l.inv, "c")->password, "dpw");
	cr_assert_null(must_find(l.inv, "d")->password);
	loaded_release(&l);
}

/* ---- password_file: one bounded line of a regular file ------------------ */

static char pwdir[64];

static void
pw_setup(void)
{
	snprintf(pwdir, sizeof(pwdir), "/tmp/migpw.XXXXXX");
	cr_assert_not_null(mkdtemp(pwdir));
}

static void
pw_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pwdir);
	cr_assert_eq(system(cmd), 0);
}

/* pwdir/name holding len bytes of text, with mode; the path (freed by
 * the caller). */
static char *
pw_file(const char *name, const char *text, size_t len, mode_t mode)
{
	char *path = xasprintf("%s/%s", pwdir, name);
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(text, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(path, mode), 0);
	return path;
}

/* One target whose password_file is path: its value is at 5:20. */
static void
load_pwfile(struct loaded *l, const char *path)
{
	struct buf text = BUF_INIT;

	buf_addf(&text,
		 "version: 1\ntargets:\n  - name: a\n    engine: postgres\n"
		 "    password_file: %s\n",
		 path);
	load_text(l, text.ptr);
	buf_release(&text);
}

static void
assert_pwfile_problem(const char *path, const char *why)
{
	struct loaded l;
	char *want = xasprintf("inline.yaml:5:20: password_file: '%s' %s",
			       path, why);

	load_pwfile(&l, path);
	cr_assert_eq(l.rc, ERR_CONFIG, "%s accepted", path);
	cr_assert_eq(err_exit_code(l.rc), 3, "an inventory error exits 3");
	cr_assert_eq(l.problems.n, 1);
	cr_assert_str_eq(l.problems.v[0], want);
	free(want);
	loaded_release(&l);
}

TestSuite(pwfile, .init = pw_setup, .fini = pw_teardown, .timeout = 20);

Test(pwfile, first_line_only)
{
	static const char text[] = "s3cret\r\nsecond line\n";
	char *path = pw_file("pw", text, sizeof(text) - 1, 0600);
	struct loaded l;

	load_pwfile(&l, path);
	cr_assert_eq(l.rc, 0, "%s", l.e.msg);
	cr_assert_str_eq(l.inv->v[0]->password, "s3cret");
	cr_assert_eq(l.inv->warnings.n, 0, "mode 0600: no warning");
	loaded_release(&l);
	free(path);
}

/* /dev/zero once grew to gigabytes; a FIFO hung the run forever. */
Test(pwfile, only_a_regular_file)
{
	char *fifo = xasprintf("%s/fifo", pwdir);

	cr_assert_eq(mkfifo(fifo, 0600), 0);
	assert_pwfile_problem("/dev/zero",
			      "is a character device, not a regular file");
	assert_pwfile_problem(fifo, "is a FIFO, not a regular file");
	assert_pwfile_problem(pwdir, "is a directory, not a regular file");
	free(fifo);
}

Test(pwfile, one_bounded_line)
{
	struct buf text = BUF_INIT;
	struct loaded l;
	char *path;

	buf_addf(&text, "%4097s", "x");
	path = pw_file("long", text.ptr, text.len, 0600);
	assert_pwfile_problem(path, "has a first line longer than 4096 bytes");
	free(path);
	/* 4096 bytes is a password; what follows the line is never read */
	buf_reset(&text);
	buf_addf(&text, "%4096s\n", "y");
	while (text.len < (1u << 20))
		buf_adds(&text, "not read, not kept ");
	path = pw_file("big", text.ptr, text.len, 0600);
	load_pwfile(&l, path);
	cr_assert_eq(l.rc, 0, "%s", l.e.msg);
	cr_assert_eq(strlen(l.inv->v[0]->password), 4096);
	loaded_release(&l);
	free(path);
	buf_release(&text);
}

/* A Kubernetes secret is a link into ..data/: links are followed. */
Test(pwfile, link_followed)
{
	char *path = pw_file("real", "linked\n", 7, 0400);
	char *link = xasprintf("%s/link", pwdir);
	struct loaded l;

	cr_assert_eq(symlink(path, link), 0);
	load_pwfile(&l, link);
	cr_assert_eq(l.rc, 0, "%s", l.e.msg);
	cr_assert_str_eq(l.inv->v[0]->password, "linked");
	cr_assert_eq(l.inv->warnings.n, 0, "mode 0400: no warning");
	loaded_release(&l);
	free(path);
	free(link);
}

/* As ssh does for keys: a warning, not an error. */
Test(pwfile, readable_by_others_warns)
{
	static const mode_t modes[] = { 0644, 0640, 0604 };
	struct loaded l;
	char *path, *want;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		path = pw_file("open", "pw\n", 3, modes[i]);
		want = xasprintf("inline.yaml:5:20: password_file: '%s' is "
				 "readable by group or others (mode %04o); "
				 "chmod 600 it",
				 path, (unsigned)modes[i]);
		load_pwfile(&l, path);
		cr_assert_eq(l.rc, 0, "%s", l.e.msg);
		cr_assert_str_eq(l.inv->v[0]->password, "pw");
		cr_assert_eq(l.inv->warnings.n, 1);
		cr_assert_str_eq(l.inv->warnings.v[0], want);
		loaded_release(&l);
		free(want);
		free(path);
	}
}

Test(inventory, tags_merge)
{
	struct loaded l;
	const char *abc[] = { "a", "b", "c" };
	const char *ab[] = { "a", "b" };

	load_text(&l, "version: 1\n"
		      "defaults: {engine: postgres, tags: [a, b]}\n"
		      "targets:\n"
		      "  - {name: x, tags: [b, c, c]}\n"
		      "  - {name: y}\n"
		      "  - {name: z, tags: ~}\n"
		      "  - {name: w, tags: []}\n");
	cr_assert_eq(l.rc, 0);
	assert_tags(must_find(l.inv, "x"), abc, 3);
	assert_tags(must_find(l.inv, "y"), ab, 2);
	assert_tags(must_find(l.inv, "z"), NULL, 0);
	assert_tags(must_find(l.inv, "w"), ab, 2);
	loaded_release(&l);
}

/* ---- ranges and the environment ---------------------------------------- */

struct expansion_case {
	const char *name;  /* the entry's name */
	const char *db;    /* the entry's db */
	size_t n;
	const char *first_name, *first_db, *last_name, *last_db;
};

static const struct expansion_case expansions[] = {
	{ "n{08..11}", "d", 4, "n08", "d", "n11", "d" },
	{ "n{1..10}", "d{1..10}", 10, "n1", "d1", "n10", "d10" },
	{ "n{098..101}", "d", 4, "n098", "d", "n101", "d" },
	{ "n{5..5}", "d{7..7}", 1, "n5", "d7", "n5", "d7" },
	{ "x{1..3}", "d{1..3}_{4..6}", 3, "x1", "d1_4", "x3", "d3_6" },
	{ "x{1..3}-{01..03}", "d", 3, "x1-01", "d", "x3-03", "d" },
	{ "p{1..3}", "${PW_{1..3}}", 3, "p1", "one", "p3", "three" },
	{ "e", "${EMPTY:-dflt}", 1, "e", "dflt", "e", "dflt" },
	{ "e", "${REGION:-dflt}", 1, "e", "eu", "e", "eu" },
	{ "e", "a$${REGION}b$$", 1, "e", "a${REGION}b$", "e",
	  "a${REGION}b$" },
	{ "e", "lit{x}{1.2}{}", 1, "e", "lit{x}{1.2}{}", "e",
	  "lit{x}{1.2}{}" },
	{ "r-${REGION}-{1..2}", "d", 2, "r-eu-1", "d", "r-eu-2", "d" },
};

ParameterizedTestParameters(inventory, expansion)
{
	CASE_INDICES(expansions);
}

ParameterizedTest(size_t *i, inventory, expansion)
{
	const struct expansion_case *c = &expansions[*i];
	struct loaded l;
	struct buf text = BUF_INIT;

	buf_addf(&text,
		 "version: 1\ndefaults: {engine: postgres}\ntargets:\n"
		 "  - name: %s\n    db: \"%s\"\n",
		 c->name, c->db);
	load_text(&l, text.ptr);
	cr_assert_eq(l.rc, 0, "%s: %s", c->name,
		     l.problems.n ? l.problems.v[0] : "");
	cr_assert_eq(l.inv->n, c->n);
	cr_assert_str_eq(l.inv->v[0]->name, c->first_name);
	cr_assert_str_eq(l.inv->v[0]->db, c->first_db);
	cr_assert_str_eq(l.inv->v[c->n - 1]->name, c->last_name);
	cr_assert_str_eq(l.inv->v[c->n - 1]->db, c->last_db);
	buf_release(&text);
	loaded_release(&l);
}

/* ---- size: 10,000 targets in a few lines, or written out --------------- */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
load_timed(struct loaded *l, const char *text, const char *what)
{
	struct rusage ru;
	double t0 = now(), dt;

	load_text(l, text);
	dt = now() - t0;
	getrusage(RUSAGE_SELF, &ru);
	/* printed, not asserted: timing on a loaded CI machine varies */
	cr_log_info("%s: %zu bytes loaded in %.1f ms, peak RSS %ld KiB", what,
		    strlen(text), dt * 1000, ru.ru_maxrss);
	fprintf(stderr, "# %s: %zu bytes loaded in %.1f ms, peak RSS %ld KiB\n",
		what, strlen(text), dt * 1000, ru.ru_maxrss);
}

Test(size, ten_thousand_from_a_range)
{
	struct loaded l;

	load_timed(&l,
		   "version: 1\n"
		   "defaults: {engine: postgres, host: pg1, password: x}\n"
		   "targets:\n"
		   "  - name: shard-{00001..10000}\n"
		   "    db: app_{00001..10000}\n"
		   "    tags: [fleet]\n",
		   "10,000 targets from a range");
	cr_assert_eq(l.rc, 0);
	cr_assert_eq(l.inv->n, 10000);
	cr_assert_str_eq(l.inv->v[9999]->name, "shard-10000");
	cr_assert_str_eq(l.inv->v[9999]->db, "app_10000");
	cr_assert_str_eq(l.inv->v[0]->tags.v[0], "fleet");
	loaded_release(&l);
}

Test(size, ten_thousand_written_out)
{
	struct loaded l;
	struct buf text = BUF_INIT;
	int i;

	buf_adds(&text, "version: 1\ndefaults:\n  engine: postgres\n"
			"  password: ${PG_PASSWORD}\ntargets:\n");
	for (i = 0; i < 10000; i++)
		buf_addf(&text,
			 "  - name: db-%05d\n    host: pg%d.internal\n"
			 "    db: app_%05d\n    port: %d\n    tags: [t%d, all]\n",
			 i, i % 50, i, 5432 + i % 3, i % 7);
	load_timed(&l, text.ptr, "10,000 targets written out");
	cr_assert_eq(l.rc, 0);
	cr_assert_eq(l.inv->n, 10000);
	cr_assert_str_eq(l.inv->v[1234]->host, "pg34.internal");
	cr_assert_eq(l.inv->v[1234]->port, 5432 + 1234 % 3);
	cr_assert_str_eq(l.inv->v[1234]->password, "pgsecret");
	buf_release(&text);
	loaded_release(&l);
}

Test(size, duplicate_names_among_ten_thousand)
{
	struct loaded l;

	load_text(&l, "version: 1\ndefaults: {engine: postgres}\ntargets:\n"
		      "  - name: s{1..10000}\n"
		      "  - name: s{9999..10001}\n");
	cr_assert_eq(l.rc, ERR_CONFIG);
	cr_assert_eq(l.problems.n, 1, "one problem for the overlap");
	cr_assert_str_eq(l.problems.v[0],
			 "inline.yaml:5:11: duplicate target name 's9999' "
			 "(first defined at 4:11), and 1 more names of this "
			 "entry repeat names defined there");
	loaded_release(&l);
}

/* The tags --select tag: may name, once each, sorted; appended. */
Test(inventory, tags_once_each_sorted)
{
	struct loaded l;
	struct strv tags = STRV_INIT;

	load_text(&l, "version: 1\n"
		      "defaults: { engine: sqlite }\n"
		      "targets:\n"
		      "  - { name: 'a-{1..3}', db: 'a{1..3}.db', tags: [eu, canary] }\n"
		      "  - { name: b, db: b.db, tags: [us, eu] }\n"
		      "  - { name: c, db: c.db }\n");
	cr_assert_eq(l.rc, 0, "%s", l.e.msg);
	strv_push(&tags, "kept");
	inventory_tags(l.inv, &tags);
	cr_assert_eq(tags.n, 4);
	cr_assert_str_eq(tags.v[0], "kept");
	cr_assert_str_eq(tags.v[1], "canary");
	cr_assert_str_eq(tags.v[2], "eu");
	cr_assert_str_eq(tags.v[3], "us");
	cr_assert_null(tags.v[4]);
	strv_release(&tags);
	loaded_release(&l);
}
