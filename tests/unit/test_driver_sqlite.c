/*
 * Unit tests of the SQLite driver against real database files in a fresh
 * temporary directory. The driver suite (driver_suite.c) runs against it
 * with the answers below; this file adds what only SQLite does: readonly
 * promises on files, errors in SQLite's own words, and the flock lock file.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "drivers/driver.h"
#include "drivers/sqlite/sqlite.h"
#include "tests/unit/driver_suite.h"

static char tmpdir[256];
static struct target tgt;

static void
rm_rf(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[512];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) < 0 && errno == EISDIR)
			rm_rf(path);
	}
	closedir(d);
	rmdir(dir);
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_driver_sqlite.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	memset(&tgt, 0, sizeof(tgt));
	tgt.name = xstrdup("default");
	tgt.engine = xstrdup("sqlite");
	tgt.db = xasprintf("%s/app.db", tmpdir);
	tgt.lock_timeout = 1;
}

static void
teardown(void)
{
	rm_rf(tmpdir);
	free(tgt.name);
	free(tgt.engine);
	free(tgt.db);
}

TestSuite(sqlite, .init = setup, .fini = teardown, .timeout = 20);

static struct target *
sqlite_target(void)
{
	return target_dup(&tgt);
}

static struct suite_quote quotes[] = {
	{ "migratore", "\"migratore\"" },
	{ "end", "\"end\"" },
	{ "a\"b", "\"a\"\"b\"" },
	{ "\"", "\"\"\"\"" },
	{ "x y;--", "\"x y;--\"" },
};

const struct suite_engine suite_engine = {
	.engine = "sqlite",
	.init = setup,
	.fini = teardown,
	.target = sqlite_target,
	.server = false,
	.table_options = "",
	.byte_length = "length(CAST(s AS BLOB))",
	.truth = "1",
	.quotes = quotes,
	.nquotes = sizeof(quotes) / sizeof(quotes[0]),
	.lock_says = { "lock on ", ".db held by another process" },
	.unlock_unheld = 0,
	.freed_wait = 0, /* flock goes with the process, at once */
	.freed_within = 0.1,
};

static bool
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static size_t
dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static const char *const no_columns[] = { NULL };

Test(sqlite, connect_creates_the_file)
{
	struct db *db;

	cr_assert_not(exists(tgt.db));
	db = suite_open(&tgt, false);
	cr_assert(exists(tgt.db));
	cr_assert_eq(db->drv, &driver_sqlite);
	cr_assert_eq(db->target, &tgt);
	cr_assert_not(db->readonly);
	db_close(db);
}

Test(sqlite, connect_in_a_missing_directory_fails_with_the_path)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;
	char want[600];

	free(tgt.db);
	tgt.db = xasprintf("%s/no/such/dir/app.db", tmpdir);
	cr_assert_eq(db_connect(&tgt, false, &db, &e), ERR_CONNECT);
	cr_assert_null(db);
	snprintf(want, sizeof(want),
		 "cannot open SQLite database %s: unable to open database file",
		 tgt.db);
	cr_assert(strncmp(e.msg, want, strlen(want)) == 0, "got: %s", e.msg);
	cr_assert_eq(e.native & 0xff, SQLITE_CANTOPEN);
}

Test(sqlite, a_file_that_is_not_a_database_is_a_connect_error)
{
	static const char junk[] =
	    "this is a text file, not an SQLite database, long enough to "
	    "fill the first hundred bytes of a database header............\n";
	struct err e = ERR_INIT;
	struct buf after = BUF_INIT;
	struct db *db = NULL;
	FILE *fp = fopen(tgt.db, "w");

	cr_assert_not_null(fp);
	fputs(junk, fp);
	fclose(fp);
	cr_assert_eq(db_connect(&tgt, false, &db, &e), ERR_CONNECT);
	cr_assert(strstr(e.msg, "file is not a database") != NULL, "%s", e.msg);
	cr_assert_eq(buf_read_file(&after, tgt.db), 0);
	cr_assert_str_eq(after.ptr, junk);
	buf_release(&after);
}

Test(sqlite, readonly_on_a_missing_file_creates_nothing)
{
	struct err e = ERR_INIT;
	struct db *db = suite_open(&tgt, true);
	char *n;

	cr_assert(db->readonly);
	cr_assert_eq(db_lock(db, 1, &e), 0, "%s", e.msg);
	cr_assert_eq(db_begin(db, &e), 0, "%s", e.msg);
	n = suite_one(db, "SELECT count(*) FROM sqlite_master", NULL, 0);
	cr_assert_str_eq(n, "0");
	free(n);
	suite_assert_columns(db, "migratore", no_columns);
	cr_assert_eq(db_exec(db, "CREATE TABLE migratore (x)", &e), ERR_SQL);
	cr_assert_str_eq(e.msg, "attempt to write a readonly database");
	cr_assert_eq(db_rollback(db, &e), 0, "%s", e.msg);
	cr_assert_eq(db_unlock(db, &e), 0);
	db_close(db);
	cr_assert_not(exists(tgt.db));
	cr_assert_eq(dir_entries(tmpdir), 0, "readonly left files behind");
}

Test(sqlite, readonly_on_an_existing_file_cannot_write_it)
{
	struct err e = ERR_INIT;
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct db *db = suite_open(&tgt, false);
	char *v;

	suite_run(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
	suite_run(db, "INSERT INTO t (v) VALUES ('kept')");
	db_close(db);
	cr_assert_eq(buf_read_file(&before, tgt.db), 0);

	db = suite_open(&tgt, true);
	cr_assert_eq(db_lock(db, 1, &e), 0, "%s", e.msg);
	cr_assert_eq(db_exec(db, "INSERT INTO t (v) VALUES ('new')", &e),
		     ERR_SQL);
	cr_assert_str_eq(e.msg, "attempt to write a readonly database");
	cr_assert_eq(e.native & 0xff, SQLITE_READONLY);
	cr_assert_eq(db_exec(db, "CREATE TABLE u (x)", &e), ERR_SQL);
	v = suite_one(db, "SELECT group_concat(v) FROM t", NULL, 0);
	cr_assert_str_eq(v, "kept");
	free(v);
	db_close(db);

	cr_assert_eq(buf_read_file(&after, tgt.db), 0);
	cr_assert_eq(after.len, before.len);
	cr_assert(memcmp(after.ptr, before.ptr, before.len) == 0,
		  "readonly connection changed the file");
	cr_assert_eq(dir_entries(tmpdir), 1, "only the database may exist");
	buf_release(&before);
	buf_release(&after);
}

Test(sqlite, a_failed_statement_then_rollback_undoes_the_earlier_ones)
{
	struct err e = ERR_INIT;
	struct db *db = suite_open(&tgt, false);
	char *n;

	suite_run(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, u TEXT UNIQUE)");
	cr_assert_eq(db_begin(db, &e), 0, "%s", e.msg);
	suite_run(db, "CREATE TABLE extra (x)");
	suite_run(db, "INSERT INTO t (u) VALUES ('a')");
	cr_assert_eq(db_exec(db, "INSERT INTO t (u) VALUES ('a')", &e),
		     ERR_SQL);
	cr_assert_str_eq(e.msg, "UNIQUE constraint failed: t.u");
	cr_assert_eq(e.native, SQLITE_CONSTRAINT_UNIQUE);
	cr_assert_eq(db_rollback(db, &e), 0, "%s", e.msg);
	n = suite_one(db, "SELECT count(*) FROM t", NULL, 0);
	cr_assert_str_eq(n, "0");
	free(n);
	suite_assert_columns(db, "extra", no_columns);
	/* a second rollback with nothing open is harmless */
	cr_assert_eq(db_rollback(db, &e), 0, "%s", e.msg);
	db_close(db);
}

/* Bound as integers, not as text that looks like one: a column without a
 * type keeps what it is given. */
Test(sqlite, int64_is_stored_as_an_integer)
{
	static const int64_t values[] = { 5000000000LL, INT64_MAX, INT64_MIN,
					  -1, 0 };
	struct db *db = suite_open(&tgt, false);
	struct err e = ERR_INIT;
	struct db_param p;
	char *got;
	size_t i;

	suite_run(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		p = DBP_INTV(values[i]);
		cr_assert_eq(db_query(db, "INSERT INTO t (v) VALUES (?)", &p,
				      1, NULL, &e),
			     0, "%s", e.msg);
		p = DBP_INTV((int64_t)i + 1);
		got = suite_one(db, "SELECT typeof(v) FROM t WHERE id = ?", &p,
				1);
		cr_assert_str_eq(got, "integer");
		free(got);
	}
	db_close(db);
}

Test(sqlite, columns_of_a_table)
{
	static const char *const cols[] = { "object_id", "uuid", "end", NULL };
	static const char *const weird[] = { "a\"b", NULL };
	struct db *db = suite_open(&tgt, false);

	suite_assert_columns(db, "migratore", no_columns);
	suite_run(db, "CREATE TABLE migratore (object_id INTEGER PRIMARY KEY, "
		      "uuid TEXT, \"end\" TEXT)");
	suite_assert_columns(db, "migratore", cols);
	suite_assert_columns(db, "MIGRATORE", cols); /* names are case-blind */
	suite_run(db, "CREATE TABLE \"we\"\"ird\" (\"a\"\"b\" TEXT)");
	suite_assert_columns(db, "we\"ird", weird);
	suite_assert_columns(db, "we\"ird\" --", no_columns);
	db_close(db);
}

Test(sqlite, syntax_error_in_sqlite_words_with_position)
{
	struct db *db = suite_open(&tgt, false);
	struct err e = ERR_INIT;

	cr_assert_eq(db_exec(db, "CREATE TABLE t (x);\nCREAT TABLE u (y)", &e),
		     ERR_SQL);
	cr_assert_str_eq(e.msg, "near \"CREAT\": syntax error");
	cr_assert_eq(e.native, SQLITE_ERROR);
	cr_assert_eq(e.position, 21); /* the C of CREAT, 1-based */
	db_close(db);
}

Test(sqlite, exec_runs_triggers_comments_and_several_statements)
{
	struct db *db = suite_open(&tgt, false);
	char *n;

	suite_run(db, "-- only a comment");
	suite_run(db, "CREATE TABLE t (v INTEGER); CREATE TABLE log (v INTEGER)"
		      " /* trailing */");
	suite_run(db, "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n"
		      "  INSERT INTO log VALUES (new.v);\n"
		      "  INSERT INTO log VALUES (new.v * 10);\n"
		      "END");
	suite_run(db, "INSERT INTO t VALUES (4)");
	suite_run(db, "SELECT * FROM log"); /* rows are discarded */
	n = suite_one(db, "SELECT sum(v) FROM log", NULL, 0);
	cr_assert_str_eq(n, "44");
	free(n);
	db_close(db);
}

Test(sqlite, a_second_writer_gets_database_is_locked)
{
	struct db *a = suite_open(&tgt, false), *b;
	struct err e = ERR_INIT;

	tgt.lock_timeout = 0; /* b does not wait */
	b = suite_open(&tgt, false);
	cr_assert_eq(db_begin(a, &e), 0, "%s", e.msg);
	cr_assert_eq(db_begin(b, &e), ERR_SQL);
	cr_assert_str_eq(e.msg, "database is locked");
	cr_assert_eq(e.native & 0xff, SQLITE_BUSY);
	cr_assert(strstr(e.hint, "LOCK_TIMEOUT=0 s") != NULL, "%s", e.hint);
	cr_assert_eq(db_rollback(a, &e), 0, "%s", e.msg);
	cr_assert_eq(db_begin(b, &e), 0, "%s", e.msg);
	db_close(b);
	db_close(a);
}

Test(sqlite, engine_facts)
{
	struct db *db = suite_open(&tgt, false);
	struct buf v = BUF_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(db_server_version(db, &v, &e), 0);
	cr_assert_str_eq(v.ptr, sqlite3_libversion());
	cr_assert(db_transactional_ddl(db));
	cr_assert_not(db_commits_implicitly(db, "CREATE TABLE t (x)"));
	/* `transaction = off`: what shares a transaction with its progress */
	cr_assert(db_transactional(db, "INSERT INTO t VALUES (1)"));
	cr_assert(db_transactional(db, "/* c */ CREATE TABLE t (x)"));
	cr_assert_not(db_transactional(db, "VACUUM"));
	cr_assert_not(db_transactional(db, "-- c\n pragma foreign_keys = on"));
	cr_assert_not(db_transactional(db, "ATTACH 'x.db' AS x"));
	cr_assert_not(db_transactional(db, "BEGIN IMMEDIATE"));
	cr_assert_not(db_transactional(db, "END"));
	cr_assert_not(db_transactional(db, "SAVEPOINT s"));
	cr_assert_str_eq(driver_sqlite.type_int64, "INTEGER");
	cr_assert_str_eq(driver_sqlite.type_text, "TEXT");
	cr_assert_str_eq(driver_sqlite.type_string, "TEXT");
	cr_assert_null(driver_sqlite.url_params()[0]);
	buf_release(&v);
	db_close(db);
}

/* --- the migration lock, across processes --- */

/* What a forked contender saw, sent back through a pipe. */
struct lock_report {
	int rc;
	double waited;
	char msg[sizeof(((struct err *)0)->msg)];
};

static void
write_all(int fd, const void *p, size_t n)
{
	cr_assert_eq(write(fd, p, n), (ssize_t)n);
}

Test(sqlite, a_second_process_cannot_take_a_held_lock, .timeout = 10)
{
	struct err e = ERR_INIT;
	struct db *db = suite_open(&tgt, false);
	struct lock_report rep;
	char want[600];
	int fds[2], status;
	pid_t pid;

	suite_guard();

	cr_assert_eq(db_lock(db, 1, &e), 0, "%s", e.msg);
	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct db *other = NULL;
		double t0;

		memset(&rep, 0, sizeof(rep));
		close(fds[0]);
		alarm(15); /* a contender that never gives up must not linger */
		if (db_connect(&tgt, false, &other, &e) < 0)
			_exit(2);
		t0 = suite_now();
		rep.rc = db_lock(other, 1, &e);
		rep.waited = suite_now() - t0;
		snprintf(rep.msg, sizeof(rep.msg), "%s", e.msg);
		write_all(fds[1], &rep, sizeof(rep));
		_exit(0);
	}
	close(fds[1]);
	cr_assert_eq(read(fds[0], &rep, sizeof(rep)), (ssize_t)sizeof(rep));
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(rep.rc, ERR_LOCK);
	cr_assert_geq(rep.waited, 0.95, "gave up after %.3f s", rep.waited);
	cr_assert_lt(rep.waited, 2.0, "waited %.3f s", rep.waited);
	snprintf(want, sizeof(want),
		 "lock on %s held by another process (waited 1 s)",
		 tgt.db);
	cr_assert_str_eq(rep.msg, want);
	close(fds[0]);
	db_close(db);
}

/* How many descriptors of this process are open on path; *fd one of them
 * (-1 when none). */
static int
fds_open_on(const char *path, int *fd)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	char link[600], target[600];
	ssize_t n;
	int count = 0;

	cr_assert_not_null(d);
	*fd = -1;
	while ((de = readdir(d)) != NULL) {
		snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, path) == 0) {
			*fd = atoi(de->d_name);
			count++;
		}
	}
	closedir(d);
	return count;
}

/* The descriptor open on path in this process, or -1. */
static int
fd_open_on(const char *path)
{
	int fd;

	fds_open_on(path, &fd);
	return fd;
}

Test(sqlite, lock_file_is_private_to_the_process_and_released)
{
	struct err e = ERR_INIT;
	struct db *db = suite_open(&tgt, false), *other = suite_open(&tgt, false);
	struct stat st;
	char lockpath[600];
	int fd;

	suite_guard();

	snprintf(lockpath, sizeof(lockpath), "%s.lock", tgt.db);
	cr_assert_eq(db_lock(db, 1, &e), 0, "%s", e.msg);
	cr_assert_eq(stat(lockpath, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644);
	fd = fd_open_on(lockpath);
	cr_assert_geq(fd, 0);
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC, "lock fd leaks into exec");
	/* a second connection, even in this process, must wait */
	cr_assert_eq(db_lock(other, 0, &e), ERR_LOCK);
	cr_assert_eq(db_unlock(db, &e), 0);
	cr_assert_eq(fd_open_on(lockpath), -1);
	cr_assert_eq(db_lock(other, 0, &e), 0, "%s", e.msg);
	db_close(other); /* closing without unlock releases too */
	cr_assert_eq(fd_open_on(lockpath), -1);
	cr_assert_eq(db_lock(db, 0, &e), 0, "%s", e.msg);
	db_close(db);
	cr_assert(exists(lockpath), "the lock file stays for the next run");
}

/* A connection to the same file through another name. */
static struct db *
open_as(const char *path)
{
	struct target t = tgt;
	struct db *db = NULL;
	struct err e = ERR_INIT;

	t.db = (char *)path;
	t.lock_timeout = 0;
	cr_assert_eq(db_connect(&t, false, &db, &e), 0, "%s: %s", path, e.msg);
	/* the target is borrowed: keep it alive as long as db */
	db->target = &tgt;
	return db;
}

Test(sqlite, one_lock_for_every_name_of_the_file)
{
	struct err e = ERR_INIT;
	struct db *db = suite_open(&tgt, false), *other;
	char sym[600], hard[600], odd[1300], cwd[600];
	const char *names[5];
	size_t i;

	snprintf(sym, sizeof(sym), "%s/link.db", tmpdir);
	snprintf(hard, sizeof(hard), "%s/hard.db", tmpdir);
	cr_assert_eq(symlink("app.db", sym), 0);
	cr_assert_eq(link(tgt.db, hard), 0);
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(chdir(tmpdir), 0);
	names[0] = sym;
	names[1] = hard;
	names[2] = "app.db";
	names[3] = "./app.db";
	/* absolute, another spelling of the same directory */
	snprintf(odd, sizeof(odd), "%s/../%s/app.db", tmpdir,
		 strrchr(tmpdir, '/') + 1);
	names[4] = odd;
	cr_assert_eq(db_lock(db, 0, &e), 0, "%s", e.msg);
	for (i = 0; i < 5; i++) {
		other = open_as(names[i]);
		cr_assert_eq(db_lock(other, 0, &e), ERR_LOCK,
			     "%s took the lock held through %s", names[i],
			     tgt.db);
		db_close(other);
	}
	cr_assert_eq(db_unlock(db, &e), 0, "%s", e.msg);
	other = open_as(sym);
	cr_assert_eq(db_lock(other, 0, &e), 0, "%s", e.msg);
	cr_assert_eq(db_lock(db, 0, &e), ERR_LOCK, "the symlink's lock is the file's");
	db_close(other);
	cr_assert_eq(chdir(cwd), 0);
	db_close(db);
}

/*
 * The lock's descriptor of the database file stays open until the
 * connection is closed: closing it while SQLite holds POSIX locks on the
 * file would drop them ("How To Corrupt An SQLite Database File").
 */
Test(sqlite, the_lock_never_drops_sqlites_own_locks, .timeout = 10)
{
	struct err e = ERR_INIT;
	struct db *db = suite_open(&tgt, false);
	int fd, base = fds_open_on(tgt.db, &fd), status;
	pid_t pid;

	suite_run(db, "CREATE TABLE t (x)");
	cr_assert_eq(db_lock(db, 0, &e), 0, "%s", e.msg);
	cr_assert_eq(fds_open_on(tgt.db, &fd), base + 1);
	cr_assert_eq(db_begin(db, &e), 0, "%s", e.msg);
	suite_run(db, "INSERT INTO t VALUES (1)");
	/* SQLite holds its RESERVED lock now; unlocking ours must keep it */
	cr_assert_eq(db_unlock(db, &e), 0, "%s", e.msg);
	cr_assert_eq(fds_open_on(tgt.db, &fd), base + 1,
		     "the descriptor was closed");
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct db *other = NULL;

		tgt.lock_timeout = 0;
		if (db_connect(&tgt, false, &other, &e) < 0)
			_exit(2);
		_exit(db_begin(other, &e) == ERR_SQL ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "another process could write while SQLite held its lock");
	cr_assert_eq(db_commit(db, &e), 0, "%s", e.msg);
	db_close(db);
	cr_assert_eq(fds_open_on(tgt.db, &fd), 0);
}

/* An older migratore locks <path>.lock only: it still has to wait. */
Test(sqlite, the_lock_of_older_versions_is_taken_too)
{
	struct err e = ERR_INIT;
	struct db *db = suite_open(&tgt, false);
	char lockpath[600];
	int fd;

	snprintf(lockpath, sizeof(lockpath), "%s.lock", tgt.db);
	cr_assert_eq(db_lock(db, 0, &e), 0, "%s", e.msg);
	fd = open(lockpath, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), -1);
	cr_assert_eq(db_unlock(db, &e), 0, "%s", e.msg);
	cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	/* held by an older version: we wait, and give up */
	cr_assert_eq(db_lock(db, 0, &e), ERR_LOCK);
	close(fd);
	cr_assert_eq(db_lock(db, 0, &e), 0, "%s", e.msg);
	db_close(db);
}
