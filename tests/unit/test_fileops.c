/*
 * Unit tests for worker/fileops (generate, touch, squash) against real
 * temporary directories: the files they leave are what a user would check.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/xmalloc.h"
#include "worker/fileops.h"
#include "worker/merge.h"
#include "worker/migration.h"
#include "worker/migset.h"

#define UA "aaaaaaaa-0000-4000-8000-000000000001"
#define UB "bbbbbbbb-0000-4000-8000-000000000002"
#define UC "cccccccc-0000-4000-8000-000000000003"
#define UD "dddddddd-0000-4000-8000-000000000004"

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_fileops-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
teardown(void)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(generate, .init = setup, .fini = teardown);
TestSuite(touch, .init = setup, .fini = teardown);
TestSuite(squash, .init = setup, .fini = teardown);
TestSuite(merge);

static char *
path_in(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
put(const char *name, const char *text, mode_t mode)
{
	char *p = path_in(name);
	FILE *f = fopen(p, "w");

	cr_assert_not_null(f, "cannot write %s", p);
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	free(p);
}

static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;

	cr_assert_eq(buf_read_file(&b, path), 0, "cannot read %s", path);
	return buf_detach(&b);
}

static bool
exists(const char *name)
{
	char *p = path_in(name);
	bool r = access(p, F_OK) == 0;

	free(p);
	return r;
}

/* The names in a directory (not . and ..), sorted, joined by spaces. */
static char *
listing(const char *d)
{
	struct dirent **v;
	struct buf b = BUF_INIT;
	int n, i;

	n = scandir(d, &v, NULL, alphasort);
	cr_assert_geq(n, 0, "cannot list %s", d);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i]->d_name, ".") != 0 &&
		    strcmp(v[i]->d_name, "..") != 0)
			buf_addf(&b, "%s%s", b.len ? " " : "", v[i]->d_name);
		free(v[i]);
	}
	free(v);
	return buf_detach(&b);
}

static struct migset *
load(void)
{
	struct migset *ms = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(migset_load(dir, &ms, &e), 0, "migset_load: %s", e.msg);
	return ms;
}

static struct migration *
parse_file(const char *path)
{
	struct migration *m = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(migration_load(path, false, &m, &e), 0,
		     "%s does not parse: %s:%d: %s", path, e.file, e.line,
		     e.msg);
	return m;
}

/* The statements of a section joined by " | ", "-" when absent; a plain
 * section as sqlite3 splits it. */
static char *
stmts(const struct migration *m, enum section_kind k, const char *engine)
{
	const struct section *s = migration_section(m, k, engine);
	const struct stmt_list *l;
	struct buf b = BUF_INIT;
	size_t i;

	if (s == NULL)
		return xstrdup("-");
	l = section_stmts(s, engine ? engine : "sqlite");
	for (i = 0; i < l->n; i++)
		buf_addf(&b, "%s%s", i ? " | " : "", l->v[i].sql);
	return buf_detach(&b);
}

static void
simple(const char *name, const char *uuid, long ts, const char *desc,
       const char *run)
{
	char *t = xasprintf("-- migratore: uuid = %s\n"
			    "-- migratore: timestamp = %ld\n"
			    "-- migratore: description = %s\n\n"
			    "-- migratore: run\n%s\n"
			    "-- migratore: rollback\nSELECT 'undo %s';\n",
			    uuid, ts, desc, run, desc);

	put(name, t, 0644);
	free(t);
}

/* ---- generate ----------------------------------------------------------- */

Test(generate, into_a_directory_names_the_file_and_parses)
{
	struct buf path = BUF_INIT, uuid = BUF_INIT;
	struct err e = ERR_INIT;
	struct migration *m;
	char *want;

	cr_assert_eq(fileops_generate(dir, "Create the Users table!",
				      1795770571, &path, &uuid, &e),
		     0, "%s", e.msg);
	want = path_in("1795770571_create_the_users_table.sql");
	cr_assert_str_eq(path.ptr, want);
	m = parse_file(path.ptr);
	cr_assert_str_eq(m->uuid, uuid.ptr);
	cr_assert_eq(strlen(m->uuid), 36);
	cr_assert_eq(m->uuid[14], '4', "uuid %s is not version 4", m->uuid);
	cr_assert_not_null(strchr("89ab", m->uuid[19]));
	cr_assert_eq(m->timestamp, 1795770571);
	cr_assert_str_eq(m->description, "Create the Users table!");
	cr_assert_not_null(migration_section(m, SEC_RUN, NULL));
	cr_assert_not_null(migration_section(m, SEC_ROLLBACK, NULL));
	migration_free(m);
	free(want);
	buf_release(&path);
	buf_release(&uuid);
}

Test(generate, into_the_current_directory_by_default)
{
	struct buf path = BUF_INIT, uuid = BUF_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(chdir(dir), 0);
	cr_assert_eq(fileops_generate(NULL, "here", 1000, &path, &uuid, &e), 0,
		     "%s", e.msg);
	cr_assert_str_eq(path.ptr, "1000_here.sql");
	cr_assert(exists("1000_here.sql"));
	buf_release(&path);
	buf_release(&uuid);
}

Test(generate, default_description_and_one_line_description)
{
	struct buf p1 = BUF_INIT, p2 = BUF_INIT, u = BUF_INIT;
	struct err e = ERR_INIT;
	struct migration *m;
	char *want;

	cr_assert_eq(fileops_generate(dir, NULL, 1000, &p1, &u, &e), 0);
	m = parse_file(p1.ptr);
	want = xasprintf("migration %s", u.ptr);
	cr_assert_str_eq(m->description, want);
	migration_free(m);
	free(want);

	cr_assert_eq(fileops_generate(dir, "  first line\r\nsecond\tline\n",
				      2000, &p2, &u, &e),
		     0, "%s", e.msg);
	m = parse_file(p2.ptr);
	cr_assert_str_eq(m->description, "first line second line");
	migration_free(m);
	want = path_in("2000_first_line_second_line.sql");
	cr_assert_str_eq(p2.ptr, want);
	free(want);
	buf_release(&p1);
	buf_release(&p2);
	buf_release(&u);
}

Test(generate, into_an_explicit_file)
{
	struct buf path = BUF_INIT, uuid = BUF_INIT;
	struct err e = ERR_INIT;
	struct migration *m;
	char *p = path_in("custom.sql"), *q = path_in("42_named.sql");

	cr_assert_eq(fileops_generate(p, "x", 1000, &path, &uuid, &e), 0,
		     "%s", e.msg);
	cr_assert_str_eq(path.ptr, p);
	m = parse_file(p);
	cr_assert_eq(m->timestamp, 1000);
	migration_free(m);
	/* a name that starts with a number fixes the timestamp */
	cr_assert_eq(fileops_generate(q, "y", 1000, &path, &uuid, &e), 0,
		     "%s", e.msg);
	m = parse_file(q);
	cr_assert_eq(m->timestamp, 42);
	migration_free(m);
	free(p);
	free(q);
	buf_release(&path);
	buf_release(&uuid);
}

Test(generate, never_overwrites)
{
	struct buf path = BUF_INIT, uuid = BUF_INIT;
	struct err e = ERR_INIT;
	char *p = path_in("taken.sql"), *t;

	put("taken.sql", "precious\n", 0644);
	cr_assert_eq(fileops_generate(p, "x", 1000, &path, &uuid, &e),
		     ERR_STATE);
	cr_assert(strstr(e.msg, "already exists") != NULL, "%s", e.msg);
	t = slurp(p);
	cr_assert_str_eq(t, "precious\n");
	free(t);
	free(p);
	buf_release(&path);
	buf_release(&uuid);
}

Test(generate, moves_on_while_the_second_is_taken)
{
	struct buf path = BUF_INIT, uuid = BUF_INIT;
	struct err e = ERR_INIT;
	struct migset *ms;
	char *l;

	cr_assert_eq(fileops_generate(dir, "same", 1000, &path, &uuid, &e), 0);
	cr_assert_eq(fileops_generate(dir, "same", 1000, &path, &uuid, &e), 0);
	/* another slug in a busy second would give discovery two 1001s */
	cr_assert_eq(fileops_generate(dir, "other", 1001, &path, &uuid, &e), 0);
	l = listing(dir);
	cr_assert_str_eq(l, "1000_same.sql 1001_same.sql 1002_other.sql");
	ms = load();
	cr_assert_eq(ms->n, 3);
	migset_free(ms);
	free(l);
	buf_release(&path);
	buf_release(&uuid);
}

Test(generate, rejects_a_missing_directory)
{
	struct buf path = BUF_INIT, uuid = BUF_INIT;
	struct err e = ERR_INIT;
	char *p = path_in("no/such/dir");

	cr_assert_lt(fileops_generate(p, "x", 1000, &path, &uuid, &e), 0);
	cr_assert(strstr(e.msg, "no/such/dir") != NULL, "%s", e.msg);
	free(p);
	buf_release(&path);
	buf_release(&uuid);
}

/* ---- touch -------------------------------------------------------------- */

static void
three(void)
{
	simple("1000_a.sql", UA, 1000, "a", "CREATE TABLE a (x INT);");
	simple("1001_b.sql", UB, 1001, "b", "CREATE TABLE b (x INT);");
	simple("1002_c.sql", UC, 1002, "c", "CREATE TABLE c (x INT);");
}

/* Three touches in one second, with the set loaded once (reload = false)
 * or before each touch: three files, distinct timestamps, none lost. */
static void
touch_three_in_one_second(bool reload)
{
	static const char *const ids[] = { "1000", UB, "1002" };
	struct buf from = BUF_INIT, to = BUF_INIT;
	struct err e = ERR_INIT;
	struct migset *ms;
	char *l;
	size_t i;

	three();
	ms = load();
	for (i = 0; i < 3; i++) {
		if (reload) {
			migset_free(ms);
			ms = load();
		}
		cr_assert_eq(fileops_touch(ms, ids[i], 5000, &from, &to, &e), 0,
			     "%s", e.msg);
	}
	migset_free(ms);
	l = listing(dir);
	cr_assert_str_eq(l, "5000_a.sql 5001_b.sql 5002_c.sql");
	ms = load();
	cr_assert_eq(ms->n, 3);
	cr_assert_str_eq(ms->v[0]->uuid, UA);
	cr_assert_eq(ms->v[0]->timestamp, 5000);
	cr_assert_str_eq(ms->v[1]->uuid, UB);
	cr_assert_eq(ms->v[1]->timestamp, 5001);
	cr_assert_str_eq(ms->v[2]->uuid, UC);
	cr_assert_eq(ms->v[2]->timestamp, 5002);
	migset_free(ms);
	free(l);
	buf_release(&from);
	buf_release(&to);
}

Test(touch, three_in_one_second_with_a_stale_set)
{
	touch_three_in_one_second(false);
}

Test(touch, three_in_one_second_reloading)
{
	touch_three_in_one_second(true);
}

Test(touch, keeps_every_other_byte_and_the_mode)
{
	static const char text[] =
	    "-- a comment before the header\r\n"
	    "-- migratore: uuid = " UA "\r\n"
	    "--   migratore:   timestamp   =   1000  \r\n"
	    "-- migratore: description = keep me\r\n"
	    "\r\n-- migratore: run\r\n"
	    "INSERT INTO t VALUES ('-- migratore: timestamp = 7');\r\n"
	    "-- trailing, no newline";
	struct buf from = BUF_INIT, to = BUF_INIT;
	struct err e = ERR_INIT;
	struct migset *ms;
	struct stat st;
	char *got, *p;
	size_t off;

	put("1000_keep.sql", text, 0640);
	ms = load();
	cr_assert_eq(fileops_touch(ms, UA, 1795770571, &from, &to, &e), 0,
		     "%s", e.msg);
	p = path_in("1795770571_keep.sql");
	cr_assert_str_eq(to.ptr, p);
	cr_assert_not(exists("1000_keep.sql"));
	got = slurp(p);
	off = (size_t)(strstr(text, "=   1000") - text) + 4;
	cr_assert_eq(strlen(got), strlen(text) + 6);
	cr_assert(strncmp(got, text, off) == 0);
	cr_assert(strncmp(got + off, "1795770571", 10) == 0, "%s", got);
	cr_assert_str_eq(got + off + 10, text + off + 4);
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640);
	migset_free(ms);
	free(got);
	free(p);
	buf_release(&from);
	buf_release(&to);
}

Test(touch, sorts_last_when_now_is_older)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	struct err e = ERR_INIT;
	struct migset *ms;
	char *l;

	three();
	ms = load();
	cr_assert_eq(fileops_touch(ms, "1000", 10, &from, &to, &e), 0, "%s",
		     e.msg);
	l = listing(dir);
	cr_assert_str_eq(l, "1001_b.sql 1002_c.sql 1003_a.sql");
	migset_free(ms);
	free(l);
	buf_release(&from);
	buf_release(&to);
}

Test(touch, an_executable_keeps_its_extension_and_execute_bit)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	struct err e = ERR_INIT;
	struct migset *ms;
	struct stat st;
	char *p, *t;

	put("1000_fix.sh",
	    "#!/bin/sh\n# migratore: uuid = " UA "\n"
	    "# migratore: timestamp = 1000\nexit 0\n",
	    0755);
	ms = load();
	cr_assert_eq(ms->n, 1);
	cr_assert(ms->v[0]->executable);
	cr_assert_eq(fileops_touch(ms, UA, 2000, &from, &to, &e), 0, "%s",
		     e.msg);
	p = path_in("2000_fix.sh");
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0755);
	t = slurp(p);
	cr_assert_str_eq(t, "#!/bin/sh\n# migratore: uuid = " UA "\n"
			    "# migratore: timestamp = 2000\nexit 0\n");
	migset_free(ms);
	free(t);
	free(p);
	buf_release(&from);
	buf_release(&to);
}

Test(touch, unknown_id)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	struct err e = ERR_INIT;
	struct migset *ms;
	char *want, *l;

	three();
	ms = load();
	cr_assert_eq(fileops_touch(ms, "999", 5000, &from, &to, &e),
		     ERR_NOTFOUND);
	want = xasprintf("migration '999' not found in %s", dir);
	cr_assert_str_eq(e.msg, want);
	l = listing(dir);
	cr_assert_str_eq(l, "1000_a.sql 1001_b.sql 1002_c.sql");
	migset_free(ms);
	free(want);
	free(l);
	buf_release(&from);
	buf_release(&to);
}

/* ---- squash ------------------------------------------------------------- */

static const char mig_a[] = "-- migratore: uuid = " UA "\n"
			    "-- migratore: timestamp = 1000\n"
			    "-- migratore: description = create a\n"
			    "\n-- migratore: run\n"
			    "CREATE TABLE a (x INT);\n"
			    "\n-- migratore: rollback\n"
			    "DROP TABLE a;\n";

static const char mig_b[] = "-- migratore: uuid = " UB "\n"
			    "-- migratore: timestamp = 1001\n"
			    "-- migratore: description = create b\n"
			    "-- migratore: transaction = off\n"
			    "\n-- migratore: run\n"
			    "CREATE TABLE b (x INT);\n"
			    "-- migratore: run postgres\n"
			    "CREATE TABLE b (x SERIAL);\n"
			    "-- migratore: rollback\n"
			    "DROP TABLE b;\n"
			    "-- migratore: cleanup\n"
			    "SELECT 'cleanup b';\n";

/* A changed delimiter and final statements without a delimiter: the
 * bodies that follow must not run into them. */
#define C_RUN                                                                  \
	"-- migratore: delimiter //\n"                                         \
	"CREATE TRIGGER c_t AFTER INSERT ON a BEGIN SELECT 1; END//\n"         \
	"INSERT INTO a VALUES (1)\n"
static const char mig_c[] = "-- migratore: uuid = " UC "\n"
			    "-- migratore: timestamp = 1002\n"
			    "-- migratore: description = create c\n"
			    "\n-- migratore: run\n" C_RUN
			    "-- migratore: rollback\n"
			    "DROP TRIGGER c_t\n"
			    "-- migratore: run mysql\n"
			    "CREATE TABLE c (x INT) ENGINE=InnoDB;";

static void
four(void)
{
	put("1000_a.sql", mig_a, 0644);
	put("1001_b.sql", mig_b, 0644);
	put("1002_c.sql", mig_c, 0644);
	simple("1003_d.sql", UD, 1003, "d", "CREATE TABLE d (x INT);");
}

static void
check_stmts(const struct migration *m, enum section_kind k,
	    const char *engine, const char *want)
{
	char *got = stmts(m, k, engine);

	cr_assert_str_eq(got, want, "%s %s", section_kind_name(k),
			 engine ? engine : "(plain)");
	free(got);
}

#define TRIGGER "CREATE TRIGGER c_t AFTER INSERT ON a BEGIN SELECT 1; END"

Test(squash, merges_sections_per_engine_and_moves_the_originals)
{
	struct squash_result res;
	struct err e = ERR_INIT;
	struct migset *ms;
	struct migration *m;
	char *text, *l, *sq, *p;

	four();
	ms = load();
	cr_assert_eq(fileops_squash(ms, "1000", UC, NULL, 9999, &res, &e), 0,
		     "%s:%d: %s", e.file, e.line, e.msg);
	migset_free(ms);

	m = parse_file(res.path);
	cr_assert_str_eq(m->uuid, res.uuid);
	cr_assert_eq(m->timestamp, 1002);
	cr_assert_eq(res.timestamp, 1002);
	cr_assert(strncmp(m->filename, "1002_squash_of_3_migrations_", 28) == 0,
		  "%s", m->filename);
	cr_assert_str_eq(m->description,
			 "squash of 3 migrations: create a; create b; "
			 "create c");
	cr_assert_eq(m->replaces.n, 3);
	cr_assert_str_eq(m->replaces.v[0], UA);
	cr_assert_str_eq(m->replaces.v[1], UB);
	cr_assert_str_eq(m->replaces.v[2], UC);
	cr_assert(m->transaction_off);
	check_stmts(m, SEC_RUN, NULL,
		    "CREATE TABLE a (x INT) | CREATE TABLE b (x INT) | " TRIGGER
		    " | INSERT INTO a VALUES (1)");
	check_stmts(m, SEC_RUN, "postgres",
		    "CREATE TABLE a (x INT) | CREATE TABLE b (x SERIAL) | "
		    TRIGGER " | INSERT INTO a VALUES (1)");
	check_stmts(m, SEC_RUN, "mysql",
		    "CREATE TABLE a (x INT) | CREATE TABLE b (x INT) | "
		    "CREATE TABLE c (x INT) ENGINE=InnoDB");
	check_stmts(m, SEC_RUN, "sqlite",
		    "CREATE TABLE a (x INT) | CREATE TABLE b (x INT) | " TRIGGER
		    " | INSERT INTO a VALUES (1)");
	check_stmts(m, SEC_ROLLBACK, NULL,
		    "DROP TRIGGER c_t | DROP TABLE b | DROP TABLE a");
	check_stmts(m, SEC_CLEANUP, NULL, "SELECT 'cleanup b'");
	check_stmts(m, SEC_RUN_SKIP, NULL, "-");
	migration_free(m);

	/* bodies are copied byte for byte, each under its origin */
	text = slurp(res.path);
	cr_assert(strstr(text, "-- from " UC " (1002_c.sql)\n" C_RUN) != NULL,
		  "%s", text);
	cr_assert(strstr(text, "-- from " UA " (1000_a.sql): no cleanup "
			       "section\n") != NULL);

	cr_assert_eq(res.replaced.n, 3);
	cr_assert_str_eq(res.replaced.v[0], UA " (1000)");
	cr_assert_eq(res.moved.n, 3);
	l = listing(dir);
	p = xasprintf("%s 1003_d.sql squashed", strrchr(res.path, '/') + 1);
	cr_assert_str_eq(l, p);
	sq = path_in("squashed");
	free(l);
	l = listing(sq);
	cr_assert_str_eq(l, "1000_a.sql 1001_b.sql 1002_c.sql");
	free(text);
	text = slurp(res.moved.v[2]);
	cr_assert_str_eq(text, mig_c);

	ms = load();
	cr_assert_eq(ms->n, 2);
	cr_assert_str_eq(ms->v[0]->uuid, res.uuid);
	cr_assert_str_eq(ms->v[1]->uuid, UD);
	migset_free(ms);
	squash_result_release(&res);
	free(text);
	free(l);
	free(sq);
	free(p);
}

Test(squash, refuses_executables)
{
	struct squash_result res;
	struct err e = ERR_INIT;
	struct migset *ms;
	char *l, *p;

	simple("1000_a.sql", UA, 1000, "a", "SELECT 1;");
	put("1001_fix.sh",
	    "#!/bin/sh\n# migratore: uuid = " UB "\n"
	    "# migratore: timestamp = 1001\nexit 0\n",
	    0755);
	simple("1002_c.sql", UC, 1002, "c", "SELECT 3;");
	ms = load();
	cr_assert_eq(fileops_squash(ms, "1000", "1002", NULL, 9999, &res, &e),
		     ERR_MIGFILE);
	p = path_in("1001_fix.sh");
	cr_assert_str_eq(e.file, p);
	cr_assert(strstr(e.msg, "executable") != NULL, "%s", e.msg);
	l = listing(dir);
	cr_assert_str_eq(l, "1000_a.sql 1001_fix.sh 1002_c.sql");
	squash_result_release(&res);
	migset_free(ms);
	free(l);
	free(p);
}

Test(squash, unknown_ids)
{
	struct squash_result res;
	struct err e = ERR_INIT;
	struct migset *ms;
	char *want;

	three();
	ms = load();
	cr_assert_eq(fileops_squash(ms, "999", "1002", NULL, 9999, &res, &e),
		     ERR_NOTFOUND);
	want = xasprintf("migration '999' not found in %s", dir);
	cr_assert_str_eq(e.msg, want);
	free(want);
	cr_assert_eq(fileops_squash(ms, "1000", UD, NULL, 9999, &res, &e),
		     ERR_NOTFOUND);
	want = xasprintf("migration '" UD "' not found in %s", dir);
	cr_assert_str_eq(e.msg, want);
	free(want);
	squash_result_release(&res);
	migset_free(ms);
}

Test(squash, reversed_range_and_partial_range)
{
	struct squash_result res;
	struct err e = ERR_INIT;
	struct migset *ms;
	struct migration *m;

	three();
	ms = load();
	cr_assert_eq(fileops_squash(ms, "1002", "1001", NULL, 9999, &res, &e),
		     0, "%s", e.msg);
	migset_free(ms);
	m = parse_file(res.path);
	check_stmts(m, SEC_RUN, NULL,
		    "CREATE TABLE b (x INT) | CREATE TABLE c (x INT)");
	check_stmts(m, SEC_ROLLBACK, NULL, "SELECT 'undo c' | SELECT 'undo b'");
	migration_free(m);
	ms = load();
	cr_assert_eq(ms->n, 2);
	cr_assert_str_eq(ms->v[0]->uuid, UA);
	cr_assert_str_eq(ms->v[1]->uuid, res.uuid);
	migset_free(ms);
	squash_result_release(&res);
}

Test(squash, never_overwrites_in_squashed)
{
	struct squash_result res;
	struct err e = ERR_INIT;
	struct migset *ms;
	char *l, *sq;

	three();
	sq = path_in("squashed");
	cr_assert_eq(mkdir(sq, 0755), 0);
	put("squashed/1001_b.sql", "older\n", 0644);
	ms = load();
	cr_assert_eq(fileops_squash(ms, "1000", "1002", NULL, 9999, &res, &e),
		     ERR_STATE);
	cr_assert(strstr(e.msg, "1001_b.sql' already exists") != NULL, "%s",
		  e.msg);
	l = listing(dir);
	cr_assert_str_eq(l, "1000_a.sql 1001_b.sql 1002_c.sql squashed");
	free(l);
	l = listing(sq);
	cr_assert_str_eq(l, "1001_b.sql");
	squash_result_release(&res);
	migset_free(ms);
	free(l);
	free(sq);
}

Test(squash, output_must_stay_discoverable)
{
	struct squash_result res;
	struct err e = ERR_INIT;
	struct migset *ms;
	char *out, *l;

	three();
	out = path_in("out.sql");
	ms = load();
	cr_assert_eq(fileops_squash(ms, "1000", "1002", out, 9999, &res, &e),
		     ERR_USAGE);
	l = listing(dir);
	cr_assert_str_eq(l, "1000_a.sql 1001_b.sql 1002_c.sql");
	squash_result_release(&res);
	free(out);
	free(l);
	/* a name with a timestamp is fine, and keeps it */
	out = path_in("1500_all.sql");
	cr_assert_eq(fileops_squash(ms, "1000", "1002", out, 9999, &res, &e),
		     0, "%s", e.msg);
	cr_assert_str_eq(res.path, out);
	cr_assert_eq(res.timestamp, 1500);
	migset_free(ms);
	ms = load();
	cr_assert_eq(ms->n, 1);
	cr_assert_eq(ms->v[0]->timestamp, 1500);
	migset_free(ms);
	squash_result_release(&res);
	free(out);
}

/* ---- merge (squash's text, no files) ------------------------------------ */

static struct migration *
parse_text(const char *name, const char *text)
{
	struct migration *m = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(migration_parse(name, text, strlen(text), false, &m, &e),
		     0, "%s:%d: %s", name, e.line, e.msg);
	return m;
}

/* Merge texts into one migration and check it the way squash does. */
static int
merge_texts(const char *const *texts, size_t n, struct buf *out,
	    struct migration **merged, struct err *e)
{
	struct merge_src src[4];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		src[i].m = parse_text("orig.sql", texts[i]);
		src[i].text = texts[i];
		src[i].len = strlen(texts[i]);
	}
	buf_adds(out, "-- migratore: uuid = " UD "\n"
		      "-- migratore: timestamp = 7\n"
		      "-- migratore: description = ");
	merge_description(src, n, out);
	buf_addc(out, '\n');
	merge_body(src, n, out);
	*merged = parse_text("merged.sql", out->ptr);
	r = merge_check(src, n, *merged, e);
	for (i = 0; i < n; i++)
		migration_free((struct migration *)src[i].m);
	return r;
}

Test(merge, terminates_bodies_and_resets_the_delimiter)
{
	static const char *const texts[] = {
		"-- migratore: uuid = " UA "\n-- migratore: timestamp = 1\n"
		"-- migratore: run\n-- migratore: delimiter $$\n"
		"SELECT 1$$\nSELECT 2\n-- a comment at the end",
		"-- migratore: uuid = " UB "\n-- migratore: timestamp = 2\n"
		"-- migratore: description = second\n"
		"-- migratore: run\nSELECT 3; SELECT 4\n",
	};
	struct buf out = BUF_INIT;
	struct migration *m;
	struct err e = ERR_INIT;

	cr_assert_eq(merge_texts(texts, 2, &out, &m, &e), 0, "%s", e.msg);
	check_stmts(m, SEC_RUN, NULL,
		    "SELECT 1 | SELECT 2\n-- a comment at the end | SELECT 3 | "
		    "SELECT 4");
	cr_assert_str_eq(m->description, "squash of 2 migrations: " UA
					 "; second");
	cr_assert(strstr(out.ptr, "-- a comment at the end\n$$\n"
				  "-- migratore: delimiter ;\n") != NULL,
		  "%s", out.ptr);
	migration_free(m);
	buf_release(&out);
}

Test(merge, check_catches_a_merged_text_that_runs_something_else)
{
	static const char *const texts[] = {
		"-- migratore: uuid = " UA "\n-- migratore: timestamp = 1\n"
		"-- migratore: run\nSELECT 1;\n"
		"-- migratore: rollback\nSELECT 9;\n",
		"-- migratore: uuid = " UB "\n-- migratore: timestamp = 2\n"
		"-- migratore: run\nSELECT 2;\n-- migratore: run sqlite\n"
		"SELECT 20;\n",
	};
	static const char wrong[] =
	    "-- migratore: uuid = " UD "\n-- migratore: timestamp = 7\n"
	    "-- migratore: replaces = " UA ", " UB "\n"
	    "-- migratore: run\nSELECT 1;\nSELECT 2;\n"
	    "-- migratore: run sqlite\nSELECT 1;\nSELECT 2;\n"
	    "-- migratore: rollback\nSELECT 9;\n";
	struct merge_src src[2];
	struct migration *m;
	struct err e = ERR_INIT;
	size_t i;

	for (i = 0; i < 2; i++) {
		src[i].m = parse_text("orig.sql", texts[i]);
		src[i].text = texts[i];
		src[i].len = strlen(texts[i]);
	}
	m = parse_text("wrong.sql", wrong);
	cr_assert_eq(merge_check(src, 2, m, &e), ERR_INTERNAL);
	cr_assert(strstr(e.msg, "statement 2 of the run sqlite section") !=
		      NULL,
		  "%s", e.msg);
	migration_free(m);
	for (i = 0; i < 2; i++)
		migration_free((struct migration *)src[i].m);
}
