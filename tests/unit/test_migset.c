/*
 * Unit tests for worker/migset: discovery in real directories made by the
 * test (names, execute bits, ignored files), order, and the refusals that
 * name both files.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "worker/migset.h"

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"
#define U3 "33333333-3333-4333-8333-333333333333"

static char dir[64];

static void
make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_migset_XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void
put(const char *name, mode_t mode, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"), "%s: %s", path,
			   strerror(errno));
	fputs(text, f);
	fclose(f);
	cr_assert_eq(chmod(path, mode), 0);
}

/* A SQL migration with this uuid and timestamp. */
static void
put_sql(const char *name, const char *uuid, const char *ts)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "-- migratore: uuid = %s\n-- migratore: timestamp = %s\n"
		 "-- migratore: run\nSELECT 1;\n",
		 uuid, ts);
	put(name, 0644, text);
}

static void
remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

static struct migset *
load_ok(const char *d)
{
	struct migset *ms = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(migset_load(d, &ms, &e), 0, "%s: %s", e.file, e.msg);
	return ms;
}

static void
load_fails(const char *msg)
{
	struct migset *ms = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(migset_load(dir, &ms, &e), ERR_MIGFILE, "accepted");
	cr_expect_null(ms);
	cr_expect_str_eq(e.msg, msg);
}

Test(migset, orders_by_timestamp_and_detects_executables)
{
	struct migset *ms;

	make_dir();
	put_sql("300_c.sql", U3, "300");
	put_sql("100.sql", U1, "100");
	put("200_copy_files.sh", 0755,
	    "#!/bin/sh\n# migratore: uuid = " U2 "\n"
	    "# migratore: timestamp = 200\ncp a b\n");
	ms = load_ok(dir);
	cr_assert_eq(ms->n, 3);
	cr_expect_str_eq(ms->dir, dir);
	cr_expect_eq(ms->v[0]->timestamp, 100);
	cr_expect_eq(ms->v[1]->timestamp, 200);
	cr_expect_eq(ms->v[2]->timestamp, 300);
	cr_expect_not(ms->v[0]->executable);
	cr_expect(ms->v[1]->executable);
	cr_expect_eq(ms->v[1]->nsections, 0);
	cr_expect_str_eq(ms->v[1]->filename, "200_copy_files.sh");
	cr_expect_eq(strncmp(ms->v[2]->path, dir, strlen(dir)), 0);
	cr_expect_str_eq(ms->v[2]->path + strlen(dir), "/300_c.sql");
	migset_free(ms);
	remove_dir();
}

Test(migset, ignores_what_is_no_migration)
{
	struct migset *ms;
	char sub[128];

	make_dir();
	put_sql("100_keep.sql", U1, "100");
	put("README", 0644, "not a migration\n");
	put("README.md", 0755, "executable but no number\n");
	put("notes.txt", 0644, "x\n");
	put("200_backup.sql~", 0644, "garbage\n");
	put("201_script.sh~", 0755, "garbage\n");
	put("202_script.sh.orig", 0755, "garbage\n");
	put(".203_hidden.sql", 0644, "garbage\n");
	put("204_not_executable.sh", 0644, "garbage\n");
	put("205-dash.sql", 0644, "garbage\n");
	put("abc_206.sql", 0644, "garbage\n");
	put("207x.sql", 0644, "garbage\n");
	snprintf(sub, sizeof(sub), "%s/squashed", dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	put("squashed/50_old.sql", 0644, "garbage\n");
	/* a directory of helpers beside executable migrations */
	snprintf(sub, sizeof(sub), "%s/301_exec_dir", dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	ms = load_ok(dir);
	cr_assert_eq(ms->n, 1);
	cr_expect_str_eq(ms->v[0]->filename, "100_keep.sql");
	migset_free(ms);
	remove_dir();
}

/* Named like a migration but no regular file: an error naming it. */
static void
not_a_file(const char *name, const char *kind)
{
	char msg[512];

	snprintf(msg, sizeof(msg),
		 "migrations directory '%s': %s is named like a migration "
		 "but is %s, not a regular file",
		 dir, name, kind);
	load_fails(msg);
}

Test(migset, what_is_named_like_a_migration_must_be_a_file)
{
	char path[256];

	make_dir();
	put_sql("100_keep.sql", U1, "100");
	snprintf(path, sizeof(path), "%s/300_a_directory.sql", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	not_a_file("300_a_directory.sql", "a directory");
	cr_assert_eq(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/301_pipe.sql", dir);
	cr_assert_eq(mkfifo(path, 0644), 0);
	not_a_file("301_pipe.sql", "a FIFO");
	cr_assert_eq(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/302_fifo", dir);
	cr_assert_eq(mkfifo(path, 0755), 0);
	not_a_file("302_fifo", "a FIFO");
	cr_assert_eq(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/303_device.sql", dir);
	cr_assert_eq(symlink("/dev/null", path), 0);
	not_a_file("303_device.sql", "a character device");
	cr_assert_eq(unlink(path), 0);
	/* a symlink to a migration file is one */
	put_sql("elsewhere", U2, "200");
	snprintf(path, sizeof(path), "%s/200_linked.sql", dir);
	cr_assert_eq(symlink("elsewhere", path), 0);
	migset_free(load_ok(dir));
	remove_dir();
}

Test(migset, sql_file_with_execute_bit_is_sql)
{
	struct migset *ms;

	make_dir();
	put("100_x.sql", 0755,
	    "-- migratore: uuid = " U1 "\n-- migratore: timestamp = 100\n"
	    "-- migratore: run\nSELECT 1;\n");
	ms = load_ok(dir);
	cr_assert_eq(ms->n, 1);
	cr_expect_not(ms->v[0]->executable);
	cr_expect_eq(ms->v[0]->nsections, 1);
	migset_free(ms);
	remove_dir();
}

Test(migset, duplicate_uuid_names_both_files)
{
	char msg[512];

	make_dir();
	put_sql("100_a.sql", U1, "100");
	put_sql("200_b.sql", U2, "200");
	put_sql("300_c.sql", U1, "300");
	snprintf(msg, sizeof(msg),
		 "duplicate uuid " U1 " in '%s/100_a.sql' and '%s/300_c.sql'",
		 dir, dir);
	load_fails(msg);
	remove_dir();
}

Test(migset, duplicate_uuid_ignores_case)
{
	char msg[512];

	make_dir();
	put_sql("100_a.sql", "abcdef00-1111-4111-8111-111111111111", "100");
	put_sql("200_b.sql", "ABCDEF00-1111-4111-8111-111111111111", "200");
	snprintf(msg, sizeof(msg),
		 "duplicate uuid ABCDEF00-1111-4111-8111-111111111111 in "
		 "'%s/100_a.sql' and '%s/200_b.sql'",
		 dir, dir);
	load_fails(msg);
	remove_dir();
}

Test(migset, duplicate_timestamp_names_both_files)
{
	char msg[512];

	make_dir();
	put_sql("100_b.sql", U2, "100");
	put_sql("100_a.sql", U1, "100");
	snprintf(msg, sizeof(msg),
		 "duplicate timestamp 100 in '%s/100_a.sql' and "
		 "'%s/100_b.sql'",
		 dir, dir);
	load_fails(msg);
	remove_dir();
}

Test(migset, name_and_header_must_agree)
{
	struct migset *ms = NULL;
	struct err e = ERR_INIT;
	char path[256];

	make_dir();
	put_sql("100_a.sql", U1, "101");
	cr_assert_eq(migset_load(dir, &ms, &e), ERR_MIGFILE);
	snprintf(path, sizeof(path), "%s/100_a.sql", dir);
	cr_expect_str_eq(e.file, path);
	cr_expect_str_eq(e.msg, "the file name says timestamp 100 but the "
				"header says 101");
	remove_dir();
}

Test(migset, a_bad_file_is_reported_with_its_path)
{
	struct migset *ms = NULL;
	struct err e = ERR_INIT;
	char path[256];

	make_dir();
	put_sql("100_a.sql", U1, "100");
	put("200_b.sql", 0644,
	    "-- migratore: uuid = " U2 "\n-- migratore: timestamp = 200\n"
	    "-- migratore: rollbak\n");
	cr_assert_eq(migset_load(dir, &ms, &e), ERR_MIGFILE);
	cr_expect_null(ms);
	snprintf(path, sizeof(path), "%s/200_b.sql", dir);
	cr_expect_str_eq(e.file, path);
	cr_expect_eq(e.line, 3);
	remove_dir();
}

Test(migset, missing_directory)
{
	struct migset *ms = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(migset_load("/nonexistent/migrations", &ms, &e),
		     ERR_MIGFILE);
	cr_expect_null(ms);
	cr_expect_str_eq(e.msg, "migrations directory '/nonexistent/migrations':"
				" No such file or directory");
}

Test(migset, empty_directory_and_trailing_slash)
{
	struct migset *ms;
	char d[80];

	make_dir();
	ms = load_ok(dir);
	cr_expect_eq(ms->n, 0);
	migset_free(ms);
	put_sql("100_a.sql", U1, "100");
	snprintf(d, sizeof(d), "%s/", dir);
	ms = load_ok(d);
	cr_assert_eq(ms->n, 1);
	cr_expect_str_eq(ms->v[0]->path + strlen(dir), "/100_a.sql");
	migset_free(ms);
	remove_dir();
}

Test(migset, find_by_uuid_or_timestamp)
{
	struct migset *ms;

	make_dir();
	put_sql("100_a.sql", U1, "100");
	put_sql("200_b.sql", U2, "200");
	ms = load_ok(dir);
	cr_expect_eq(migset_find(ms, U2), ms->v[1]);
	cr_expect_eq(migset_find(ms, "22222222-2222-4222-8222-222222222222"),
		     ms->v[1]);
	cr_expect_eq(migset_find(ms, "100"), ms->v[0]);
	cr_expect_null(migset_find(ms, "300"));
	cr_expect_null(migset_find(ms, "100x"));
	cr_expect_null(migset_find(ms, ""));
	cr_expect_null(migset_find(ms, "99999999999999999999999"));
	cr_expect_eq(migset_index(ms, ms->v[1]), 1);
	cr_expect_eq(migset_index(ms, NULL), -1);
	migset_free(ms);
	migset_free(NULL);
	remove_dir();
}

/* tests/data/migrations/<name>, from the source tree. */
static void
fixture(char *out, size_t size, const char *name)
{
	const char *src = getenv("TESTS_SRCDIR");
	const char *file = __FILE__, *unit = strstr(file, "unit/test_migset.c");

	if (src != NULL)
		snprintf(out, size, "%s/data/migrations/%s", src, name);
	else
		snprintf(out, size, "%.*sdata/migrations/%s",
			 unit ? (int)(unit - file) : 0, file, name);
}

Test(migset, committed_fixture_directory)
{
	struct migset *ms;
	char d[512];

	fixture(d, sizeof(d), "good");
	ms = load_ok(d);
	cr_assert_eq(ms->n, 3, "%zu migrations in %s", ms->n, d);
	cr_expect_str_eq(ms->v[0]->filename, "1700000100_create_users.sql");
	cr_expect_str_eq(ms->v[1]->filename, "1700000200_audit_trigger.sql");
	cr_expect_str_eq(ms->v[2]->filename, "1700000300_uploads.sh");
	cr_expect(ms->v[2]->executable);
	cr_expect_str_eq(ms->v[2]->description,
			 "create the uploads directory");
	cr_assert_not_null(migration_section(ms->v[1], SEC_RUN, "mysql"));
	cr_expect_eq(section_stmts(migration_section(ms->v[1], SEC_RUN, "mysql"),
				   "mysql")
			     ->n,
		     2);
	cr_expect_null(migration_section(ms->v[1], SEC_RUN, NULL));
	migset_free(ms);
}

Test(migset, committed_fixtures_with_duplicates)
{
	struct migset *ms = NULL;
	struct err e = ERR_INIT;
	char d[512], msg[2048];

	fixture(d, sizeof(d), "dup_uuid");
	cr_assert_eq(migset_load(d, &ms, &e), ERR_MIGFILE);
	snprintf(msg, sizeof(msg),
		 "duplicate uuid 7c9e6679-7425-40de-944b-e07fc1f90ae7 in "
		 "'%s/1700000100_a.sql' and '%s/1700000200_b.sql'",
		 d, d);
	cr_expect_str_eq(e.msg, msg);
	fixture(d, sizeof(d), "dup_timestamp");
	cr_assert_eq(migset_load(d, &ms, &e), ERR_MIGFILE);
	snprintf(msg, sizeof(msg),
		 "duplicate timestamp 1700000100 in '%s/1700000100_a.sql' and "
		 "'%s/1700000100_b.sql'",
		 d, d);
	cr_expect_str_eq(e.msg, msg);
	fixture(d, sizeof(d), "bad_marker");
	cr_assert_eq(migset_load(d, &ms, &e), ERR_MIGFILE);
	cr_expect_eq(e.line, 5);
	cr_expect_null(ms);
}
