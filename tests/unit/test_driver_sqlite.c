/*
 * Unit tests of the SQLite driver against real database files in a fresh
 * temporary directory: readonly promises, transactions, bound values byte for
 * byte, errors in SQLite's own words, and the flock migration lock across
 * processes.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/buf.h"
#include "common/strv.h"
#include "common/xmalloc.h"
#include "drivers/driver.h"
#include "drivers/sqlite/sqlite.h"

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

static struct db *
open_db(bool readonly)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;
	int rc = db_connect(&tgt, readonly, &db, &e);

	cr_assert_eq(rc, 0, "connect: %s", e.msg);
	cr_assert_not_null(db);
	return db;
}

static void
exec_ok(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;
	int rc = db_exec(db, sql, &e);

	cr_assert_eq(rc, 0, "%s: %s", sql, e.msg);
}

/* The single cell of a one-row, one-column query, copied; NULL for NULL. */
static char *
query_cell(struct db *db, const char *sql, const struct db_param *params,
	   size_t n)
{
	struct err e = ERR_INIT;
	struct db_rows *rows = NULL;
	char *cell;
	int rc = db_query(db, sql, params, n, &rows, &e);

	cr_assert_eq(rc, 0, "%s: %s", sql, e.msg);
	cr_assert_eq(rows->nrows, 1);
	cr_assert_eq(rows->ncols, 1);
	cell = xstrdup_or_null(db_rows_get(rows, 0, 0));
	db_rows_free(rows);
	return cell;
}

static void
assert_columns(struct db *db, const char *table, const char *const *want)
{
	struct strv cols = STRV_INIT;
	struct err e = ERR_INIT;
	size_t i;

	cr_assert_eq(db_columns(db, table, &cols, &e), 0, "%s", e.msg);
	for (i = 0; want[i] != NULL; i++) {
		cr_assert_lt(i, cols.n, "column %s missing", want[i]);
		cr_assert_str_eq(cols.v[i], want[i]);
	}
	cr_assert_eq(cols.n, i, "%zu columns, expected %zu", cols.n, i);
	strv_release(&cols);
}

static const char *const no_columns[] = { NULL };

Test(sqlite, connect_creates_the_file)
{
	struct db *db;

	cr_assert_not(exists(tgt.db));
	db = open_db(false);
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
	struct db *db = open_db(true);
	char *n;

	cr_assert(db->readonly);
	cr_assert_eq(db_lock(db, 1, &e), 0, "%s", e.msg);
	cr_assert_eq(db_begin(db, &e), 0, "%s", e.msg);
	n = query_cell(db, "SELECT count(*) FROM sqlite_master", NULL, 0);
	cr_assert_str_eq(n, "0");
	free(n);
	assert_columns(db, "migratore", no_columns);
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
	struct db *db = open_db(false);
	char *v;

	exec_ok(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
	exec_ok(db, "INSERT INTO t (v) VALUES ('kept')");
	db_close(db);
	cr_assert_eq(buf_read_file(&before, tgt.db), 0);

	db = open_db(true);
	cr_assert_eq(db_lock(db, 1, &e), 0, "%s", e.msg);
	cr_assert_eq(db_exec(db, "INSERT INTO t (v) VALUES ('new')", &e),
		     ERR_SQL);
	cr_assert_str_eq(e.msg, "attempt to write a readonly database");
	cr_assert_eq(e.native & 0xff, SQLITE_READONLY);
	cr_assert_eq(db_exec(db, "CREATE TABLE u (x)", &e), ERR_SQL);
	v = query_cell(db, "SELECT group_concat(v) FROM t", NULL, 0);
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

Test(sqlite, rollback_leaves_no_table_behind)
{
	static const char *const cols[] = { "id", "name", NULL };
	struct err e = ERR_INIT;
	struct db *db = open_db(false), *other;

	cr_assert_eq(db_begin(db, &e), 0, "%s", e.msg);
	exec_ok(db, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
	exec_ok(db, "INSERT INTO users (name) VALUES ('ann')");
	assert_columns(db, "users", cols);
	cr_assert_eq(db_rollback(db, &e), 0, "%s", e.msg);
	assert_columns(db, "users", no_columns);
	db_close(db);

	other = open_db(true);
	assert_columns(other, "users", no_columns);
	db_close(other);
}

Test(sqlite, commit_keeps_the_work)
{
	static const char *const cols[] = { "id", "name", NULL };
	struct err e = ERR_INIT;
	struct db *db = open_db(false), *other;

	cr_assert_eq(db_begin(db, &e), 0, "%s", e.msg);
	exec_ok(db, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
	cr_assert_eq(db_commit(db, &e), 0, "%s", e.msg);
	db_close(db);

	other = open_db(true);
	assert_columns(other, "users", cols);
	db_close(other);
}

Test(sqlite, a_failed_statement_then_rollback_undoes_the_earlier_ones)
{
	struct err e = ERR_INIT;
	struct db *db = open_db(false);
	char *n;

	exec_ok(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, u TEXT UNIQUE)");
	cr_assert_eq(db_begin(db, &e), 0, "%s", e.msg);
	exec_ok(db, "CREATE TABLE extra (x)");
	exec_ok(db, "INSERT INTO t (u) VALUES ('a')");
	cr_assert_eq(db_exec(db, "INSERT INTO t (u) VALUES ('a')", &e),
		     ERR_SQL);
	cr_assert_str_eq(e.msg, "UNIQUE constraint failed: t.u");
	cr_assert_eq(e.native, SQLITE_CONSTRAINT_UNIQUE);
	cr_assert_eq(db_rollback(db, &e), 0, "%s", e.msg);
	n = query_cell(db, "SELECT count(*) FROM t", NULL, 0);
	cr_assert_str_eq(n, "0");
	free(n);
	assert_columns(db, "extra", no_columns);
	/* a second rollback with nothing open is harmless */
	cr_assert_eq(db_rollback(db, &e), 0, "%s", e.msg);
	db_close(db);
}

/* Arrays, not pointers: Criterion re-executes the binary for each test,
 * so a pointer into the parent's data would not survive the trip. */
struct text_case {
	char name[32];
	char text[64];
};

ParameterizedTestParameters(sqlite, bound_text_round_trips)
{
	static struct text_case cases[] = {
		{ "single quote", "it's 'quoted'" },
		{ "double quote", "say \"hi\"" },
		{ "backslash", "C:\\path\\to \\n not a newline" },
		{ "newlines", "line 1\nline 2\r\n\ttab" },
		{ "utf8", "na\xc3\xafve \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac "
			  "\xf0\x9f\x8e\x89" },
		{ "empty", "" },
		{ "sql", "'); DROP TABLE t; --" },
		{ "percent", "%s %d %n" },
	};

	return cr_make_param_array(struct text_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct text_case *tc, sqlite, bound_text_round_trips)
{
	struct db *db = open_db(false);
	struct db_param p = DBP_TEXTV(tc->text);
	char *got, *len;
	char want_len[32];

	exec_ok(db, "CREATE TABLE t (v TEXT)");
	cr_assert_eq(db_query(db, "INSERT INTO t (v) VALUES (?)", &p, 1, NULL,
			      &(struct err)ERR_INIT),
		     0);
	got = query_cell(db, "SELECT v FROM t", NULL, 0);
	cr_assert_not_null(got, "%s: came back NULL", tc->name);
	cr_assert_eq(strlen(got), strlen(tc->text), "%s", tc->name);
	cr_assert(memcmp(got, tc->text, strlen(tc->text)) == 0, "%s: %s",
		  tc->name, got);
	/* stored as text of that many bytes, not reinterpreted */
	len = query_cell(db, "SELECT length(CAST(v AS BLOB)) FROM t", NULL, 0);
	snprintf(want_len, sizeof(want_len), "%zu", strlen(tc->text));
	cr_assert_str_eq(len, want_len, "%s", tc->name);
	free(got);
	free(len);
	db_close(db);
}

Test(sqlite, null_round_trips)
{
	struct db *db = open_db(false);
	struct db_param p[] = { DBP_NULLV, DBP_TEXTV((const char *)NULL) };
	struct db_rows *rows = NULL;
	struct err e = ERR_INIT;

	exec_ok(db, "CREATE TABLE t (a TEXT, b TEXT, c TEXT)");
	cr_assert_eq(db_query(db, "INSERT INTO t VALUES (?, ?, 'x')", p, 2,
			      NULL, &e),
		     0, "%s", e.msg);
	cr_assert_eq(db_query(db,
			      "SELECT a, b, c, a IS NULL, b IS NULL FROM t",
			      NULL, 0, &rows, &e),
		     0, "%s", e.msg);
	cr_assert_eq(rows->nrows, 1);
	cr_assert_eq(rows->ncols, 5);
	cr_assert_null(db_rows_get(rows, 0, 0));
	cr_assert_null(db_rows_get(rows, 0, 1));
	cr_assert_str_eq(db_rows_get(rows, 0, 2), "x");
	cr_assert_str_eq(db_rows_get(rows, 0, 3), "1");
	cr_assert_str_eq(db_rows_get(rows, 0, 4), "1");
	db_rows_free(rows);
	db_close(db);
}

Test(sqlite, int64_round_trips)
{
	static const int64_t values[] = { 5000000000LL, INT64_MAX, INT64_MIN,
					  -1, 0 };
	static const char *const want[] = { "5000000000",
					    "9223372036854775807",
					    "-9223372036854775808", "-1", "0" };
	struct db *db = open_db(false);
	struct err e = ERR_INIT;
	struct db_param p;
	char *got;
	size_t i;

	exec_ok(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)");
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		p = DBP_INTV(values[i]);
		cr_assert_eq(db_query(db, "INSERT INTO t (v) VALUES (?)", &p,
				      1, NULL, &e),
			     0, "%s", e.msg);
		p = DBP_INTV((int64_t)i + 1);
		got = query_cell(db, "SELECT v FROM t WHERE id = ?", &p, 1);
		cr_assert_str_eq(got, want[i]);
		free(got);
		got = query_cell(db, "SELECT typeof(v) FROM t WHERE id = ?",
				 &p, 1);
		cr_assert_str_eq(got, "integer");
		free(got);
	}
	db_close(db);
}

Test(sqlite, query_returns_every_row_in_order)
{
	struct db *db = open_db(false);
	struct db_rows *rows = NULL;
	struct err e = ERR_INIT;
	struct db_param p = DBP_INTV(2);

	exec_ok(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
	exec_ok(db, "INSERT INTO t (v) VALUES ('a'), ('b'), ('c')");
	cr_assert_eq(db_query(db, "SELECT id, v FROM t WHERE id >= ? "
				  "ORDER BY id",
			      &p, 1, &rows, &e),
		     0, "%s", e.msg);
	cr_assert_eq(rows->nrows, 2);
	cr_assert_eq(rows->ncols, 2);
	cr_assert_str_eq(db_rows_get(rows, 0, 0), "2");
	cr_assert_str_eq(db_rows_get(rows, 0, 1), "b");
	cr_assert_str_eq(db_rows_get(rows, 1, 0), "3");
	cr_assert_str_eq(db_rows_get(rows, 1, 1), "c");
	cr_assert_null(db_rows_get(rows, 2, 0));
	db_rows_free(rows);

	cr_assert_eq(db_query(db, "SELECT v FROM t WHERE id > 99", NULL, 0,
			      &rows, &e),
		     0, "%s", e.msg);
	cr_assert_eq(rows->nrows, 0);
	cr_assert_eq(rows->ncols, 1);
	db_rows_free(rows);
	db_close(db);
}

Test(sqlite, query_with_the_wrong_number_of_parameters_is_a_bug)
{
	struct db *db = open_db(false);
	struct err e = ERR_INIT;
	struct db_param p = DBP_INTV(1);

	cr_assert_eq(db_query(db, "SELECT ?, ?", &p, 1, NULL, &e),
		     ERR_INTERNAL);
	cr_assert_str_eq(e.msg, "statement has 2 placeholders but 1 "
				"parameters were given: SELECT ?, ?");
	db_close(db);
}

Test(sqlite, columns_of_a_table)
{
	static const char *const cols[] = { "object_id", "uuid", "end", NULL };
	static const char *const weird[] = { "a\"b", NULL };
	struct db *db = open_db(false);

	assert_columns(db, "migratore", no_columns);
	exec_ok(db, "CREATE TABLE migratore (object_id INTEGER PRIMARY KEY, "
		    "uuid TEXT, \"end\" TEXT)");
	assert_columns(db, "migratore", cols);
	assert_columns(db, "MIGRATORE", cols); /* names are case-blind */
	exec_ok(db, "CREATE TABLE \"we\"\"ird\" (\"a\"\"b\" TEXT)");
	assert_columns(db, "we\"ird", weird);
	assert_columns(db, "we\"ird\" --", no_columns);
	db_close(db);
}

struct quote_case {
	char in[32];
	char out[48];
};

ParameterizedTestParameters(sqlite, quote_ident)
{
	static struct quote_case cases[] = {
		{ "migratore", "\"migratore\"" },
		{ "end", "\"end\"" },
		{ "a\"b", "\"a\"\"b\"" },
		{ "\"", "\"\"\"\"" },
		{ "x y;--", "\"x y;--\"" },
	};

	return cr_make_param_array(struct quote_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct quote_case *qc, sqlite, quote_ident)
{
	struct db *db = open_db(false);
	struct buf sql = BUF_INIT, q = BUF_INIT;
	const char *const cols[] = { qc->in, NULL };

	db_quote_ident(db, qc->in, &q);
	cr_assert_str_eq(q.ptr, qc->out);
	/* and SQLite reads it back as the same name */
	buf_addf(&sql, "CREATE TABLE %s (%s TEXT)", q.ptr, q.ptr);
	exec_ok(db, sql.ptr);
	assert_columns(db, qc->in, cols);
	buf_release(&sql);
	buf_release(&q);
	db_close(db);
}

Test(sqlite, syntax_error_in_sqlite_words_with_position)
{
	struct db *db = open_db(false);
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
	struct db *db = open_db(false);
	char *n;

	exec_ok(db, "-- only a comment");
	exec_ok(db, "CREATE TABLE t (v INTEGER); CREATE TABLE log (v INTEGER)"
		    " /* trailing */");
	exec_ok(db, "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n"
		    "  INSERT INTO log VALUES (new.v);\n"
		    "  INSERT INTO log VALUES (new.v * 10);\n"
		    "END");
	exec_ok(db, "INSERT INTO t VALUES (4)");
	exec_ok(db, "SELECT * FROM log"); /* rows are discarded */
	n = query_cell(db, "SELECT sum(v) FROM log", NULL, 0);
	cr_assert_str_eq(n, "44");
	free(n);
	db_close(db);
}

Test(sqlite, a_second_writer_gets_database_is_locked)
{
	struct db *a = open_db(false), *b;
	struct err e = ERR_INIT;

	tgt.lock_timeout = 0; /* b does not wait */
	b = open_db(false);
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
	struct db *db = open_db(false);
	struct buf v = BUF_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(db_server_version(db, &v, &e), 0);
	cr_assert_str_eq(v.ptr, sqlite3_libversion());
	cr_assert(db_transactional_ddl(db));
	cr_assert_not(db_commits_implicitly(db, "CREATE TABLE t (x)"));
	cr_assert_str_eq(driver_sqlite.type_int64, "INTEGER");
	cr_assert_str_eq(driver_sqlite.type_text, "TEXT");
	cr_assert_str_eq(driver_sqlite.type_string, "TEXT");
	cr_assert_null(driver_sqlite.url_params[0]);
	buf_release(&v);
	db_close(db);
}

/* --- the migration lock, across processes --- */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A lock that is never given up must fail the test, not hang the suite:
 * Criterion's timeout does not reach the processes a test forks, so lock
 * tests and their children bound themselves with an alarm.
 */
static void
guard(void)
{
	alarm(15);
}

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

/*
 * Fork a child that connects and takes the lock, says 'L' on the pipe, then
 * holds it until killed or until the parent goes away (EOF on ctl), so a
 * failing test never leaves a holder behind.
 */
static pid_t
spawn_holder(int *ready_fd, int *ctl_fd)
{
	int ready[2], ctl[2];
	pid_t pid;

	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(ctl), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct err e = ERR_INIT;
		struct db *db = NULL;
		char c;

		close(ready[0]);
		close(ctl[1]);
		alarm(30);
		if (db_connect(&tgt, false, &db, &e) < 0 ||
		    db_lock(db, 0, &e) < 0)
			_exit(2);
		if (write(ready[1], "L", 1) != 1)
			_exit(3);
		while (read(ctl[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(ctl[0]);
	*ready_fd = ready[0];
	*ctl_fd = ctl[1];
	return pid;
}

static void
wait_ready(int fd)
{
	char c = 0;

	cr_assert_eq(read(fd, &c, 1), 1, "lock holder did not start");
	cr_assert_eq(c, 'L');
}

Test(sqlite, a_second_process_cannot_take_a_held_lock, .timeout = 10)
{
	struct err e = ERR_INIT;
	struct db *db = open_db(false);
	struct lock_report rep;
	char want[600];
	int fds[2], status;
	pid_t pid;

	guard();

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
		t0 = now();
		rep.rc = db_lock(other, 1, &e);
		rep.waited = now() - t0;
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
		 "lock on %s.lock held by another process (waited 1 s)",
		 tgt.db);
	cr_assert_str_eq(rep.msg, want);
	close(fds[0]);
	db_close(db);
}

Test(sqlite, the_lock_of_a_killed_holder_is_free_at_once, .timeout = 10)
{
	struct err e = ERR_INIT;
	struct db *db = open_db(false);
	int ready, ctl, status;
	double t0, waited;
	pid_t pid;

	guard();

	pid = spawn_holder(&ready, &ctl);
	wait_ready(ready);
	t0 = now();
	cr_assert_eq(db_lock(db, 1, &e), ERR_LOCK);
	waited = now() - t0;
	cr_assert_geq(waited, 0.95, "gave up after %.3f s", waited);
	cr_assert_lt(waited, 2.0, "waited %.3f s", waited);

	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	t0 = now();
	cr_assert_eq(db_lock(db, 0, &e), 0, "%s", e.msg);
	cr_assert_lt(now() - t0, 0.1);
	close(ready);
	close(ctl);
	db_close(db);
}

Test(sqlite, a_waiter_gets_the_lock_when_the_holder_lets_go, .timeout = 10)
{
	struct err e = ERR_INIT;
	struct db *db = open_db(false);
	int ready, ctl, status;
	pid_t pid;

	guard();

	pid = spawn_holder(&ready, &ctl);
	wait_ready(ready);
	close(ctl); /* the holder exits on EOF, releasing the lock */
	cr_assert_eq(db_lock(db, 5, &e), 0, "%s", e.msg);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(ready);
	db_close(db);
}

/* The descriptor open on path in this process, or -1. */
static int
fd_open_on(const char *path)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	char link[600], target[600];
	ssize_t n;
	int fd = -1;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL && fd < 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, path) == 0)
			fd = atoi(de->d_name);
	}
	closedir(d);
	return fd;
}

Test(sqlite, lock_file_is_private_to_the_process_and_released)
{
	struct err e = ERR_INIT;
	struct db *db = open_db(false), *other = open_db(false);
	struct stat st;
	char lockpath[600];
	int fd;

	guard();

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
