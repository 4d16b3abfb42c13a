/*
 * Tests of drivers/mysql against the real MariaDB that tests/servers.sh
 * starts (TEST_MY_* in the environment); skipped when it is not running.
 * The implicit-commit table needs no server.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "config/target.h"
#include "drivers/mysql/mysql.h"
#include "drivers/mysql/mystmt.h"

static const struct driver *drv = &driver_mysql;

static void
set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup_or_null(value);
}

/* The test server's coordinates, set field by field (no URL parsing). */
static struct target *
my_target(void)
{
	const char *port = getenv("TEST_MY_PORT");
	struct target *t;

	if (!getenv("TEST_MY_URL") || !port)
		cr_skip_test("TEST_MY_URL not set (run tests/servers.sh)");
	t = target_new();
	set(&t->engine, "mysql");
	set(&t->host, getenv("TEST_MY_HOST"));
	t->port = atoi(port);
	set(&t->db, getenv("TEST_DB_NAME"));
	set(&t->username, getenv("TEST_DB_USER"));
	set(&t->password, getenv("TEST_DB_PASS"));
	return t;
}

static struct db *
my_open(const struct target *t)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;

	cr_assert_eq(drv->connect(t, false, &db, &e), 0, "connect: %s",
		     e.msg);
	cr_assert_not_null(db);
	return db;
}

static void
run(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;

	cr_assert_eq(drv->exec(db, sql, &e), 0, "%s: %s", sql, e.msg);
}

static void runf(struct db *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
runf(struct db *db, const char *fmt, ...)
{
	struct buf sql = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&sql, fmt, ap);
	va_end(ap);
	run(db, sql.ptr);
	buf_release(&sql);
}

/* A name no other test (or run) uses: each test is its own process. */
static const char *
unique(const char *stem)
{
	static char name[64];

	snprintf(name, sizeof(name), "%s_%ld", stem, (long)getpid());
	return name;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The first cell of a one-row query, copied. */
static char *
one(struct db *db, const char *sql, const struct db_param *p, size_t n)
{
	struct err e = ERR_INIT;
	struct db_rows *r = NULL;
	char *v;

	cr_assert_eq(drv->query(db, sql, p, n, &r, &e), 0, "%s: %s", sql,
		     e.msg);
	cr_assert_eq(r->nrows, 1, "%s: %zu rows", sql, r->nrows);
	v = xstrdup_or_null(db_rows_get(r, 0, 0));
	db_rows_free(r);
	return v;
}

static void
assert_one(struct db *db, const char *sql, const char *want)
{
	char *s = one(db, sql, NULL, 0);

	cr_assert_str_eq(s, want, "%s", sql);
	free(s);
}

/* The lock is per database and Criterion runs tests in parallel: a test
 * that locks gets a database of its own, dropped again at its end. */
static void
fresh_db(struct target *t)
{
	struct db *db = my_open(t);

	set(&t->db, unique("lk"));
	runf(db, "DROP DATABASE IF EXISTS %s", t->db);
	runf(db, "CREATE DATABASE %s", t->db);
	drv->close(db);
}

static void
drop_db(struct target *t)
{
	struct db *db = my_open(t);

	runf(db, "DROP DATABASE %s", t->db);
	drv->close(db);
}

Test(driver_mysql, connects_with_the_session_it_promises, .timeout = 30)
{
	struct target *t = my_target();
	struct db *db = my_open(t);
	struct buf v = BUF_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(drv->server_version(db, &v, &e), 0);
	cr_assert(strstr(v.ptr, "MariaDB"), "version %s", v.ptr);
	assert_one(db, "SELECT @@character_set_client", "utf8mb4");
	assert_one(db, "SELECT @@character_set_results", "utf8mb4");
	assert_one(db, "SELECT @@tx_isolation", "READ-COMMITTED");
	assert_one(db, "SELECT @@autocommit", "1");
	assert_one(db, "SELECT DATABASE()", getenv("TEST_DB_NAME"));
	cr_assert_not(drv->transactional_ddl);
	buf_release(&v);
	drv->close(db);
	target_free(t);
}

Test(driver_mysql, connects_over_the_unix_socket, .timeout = 30)
{
	struct target *t = my_target();
	struct db *db;
	char *s;

	set(&t->host, NULL);
	t->port = 0;
	set(&t->unix_socket, getenv("TEST_MY_SOCKET"));
	db = my_open(t);
	s = one(db, "SELECT CURRENT_USER()", NULL, 0);
	cr_assert(strstr(s, "@localhost"), "user %s", s);
	free(s);
	drv->close(db);
	target_free(t);
}

Test(driver_mysql, wrong_password_is_refused_without_echoing_it,
     .timeout = 30)
{
	struct target *t = my_target();
	struct err e = ERR_INIT;
	struct db *db = NULL;
	char where[128];
	double t0 = now();

	set(&t->password, "Wr0ng-s3cret");
	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONNECT);
	cr_assert_null(db);
	cr_assert_lt(now() - t0, 10.0);
	snprintf(where, sizeof(where), "127.0.0.1:%d/%s", t->port, t->db);
	cr_assert(strstr(e.msg, where), "message: %s", e.msg);
	cr_assert(strstr(e.msg, "Access denied"), "message: %s", e.msg);
	cr_assert_eq(e.native, 1045);
	cr_assert_null(strstr(e.msg, "Wr0ng-s3cret"), "message: %s", e.msg);
	target_free(t);
}

/* Arrays, not pointers: Criterion hands parameters to another process. */
struct bad_place {
	char host[32]; /* "": the test server's */
	int port;      /* 0: the test server's */
	char db[32];   /* "": the test database */
	char says[32]; /* part of the reason */
};

ParameterizedTestParameters(driver_mysql, unreachable)
{
	static struct bad_place cases[] = {
		{ "", 0, "no_such_db_here", "Unknown database" },
		{ "127.0.0.1", 1, "", "Can't connect" },
		{ "no-such-host.invalid", 0, "", "no-such-host.invalid" },
	};

	return cr_make_param_array(struct bad_place, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_place *c, driver_mysql, unreachable,
		  .timeout = 30)
{
	struct target *t = my_target();
	struct err e = ERR_INIT;
	struct db *db = NULL;
	char where[256];

	if (c->host[0])
		set(&t->host, c->host);
	if (c->port)
		t->port = c->port;
	if (c->db[0])
		set(&t->db, c->db);
	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONNECT, "%s",
		     e.msg);
	cr_assert_null(db);
	snprintf(where, sizeof(where), "cannot connect to mysql at %s:%d/%s",
		 t->host, t->port, t->db);
	cr_assert(strstr(e.msg, where), "message: %s", e.msg);
	cr_assert(strstr(e.msg, c->says), "message: %s", e.msg);
	cr_assert_neq(e.native, 0);
	target_free(t);
}

Test(driver_mysql, bad_parameters_are_configuration_errors, .timeout = 30)
{
	struct target *t = my_target();
	struct err e = ERR_INIT;
	struct db *db = NULL;

	strv_push(&t->params, "ssl_mode=sometimes");
	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONFIG);
	cr_assert(strstr(e.msg, "ssl_mode 'sometimes'"), "%s", e.msg);
	strv_release(&t->params);
	strv_push(&t->params, "read_timeout=-1");
	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONFIG);
	strv_release(&t->params);
	/* the test server has TLS disabled: requiring it must fail */
	strv_push(&t->params, "ssl_mode=REQUIRED");
	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONNECT, "%s",
		     e.msg);
	cr_assert(strstr(e.msg, "TLS"), "%s", e.msg);
	cr_assert_null(db);
	strv_release(&t->params);
	strv_push(&t->params, "ssl_mode=verify_identity");
	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONNECT, "%s",
		     e.msg);
	strv_release(&t->params);
	strv_push(&t->params, "connect_timeout=3");
	strv_push(&t->params, "read_timeout=30");
	strv_push(&t->params, "write_timeout=30");
	strv_push(&t->params, "ssl_mode=disabled");
	db = my_open(t);
	drv->close(db);
	target_free(t);
}

Test(driver_mysql, bound_text_round_trips_byte_for_byte, .timeout = 30)
{
	static const char *values[] = {
		"it's", "say \"hi\"", "back\\slash \\' \\n", "two\nlines\r\n",
		"UTF-8: héllo wörld ✓ 日本語 🎉", "", "?", "`tick`", "-- no",
	};
	struct target *t = my_target();
	struct db *db = my_open(t);
	struct buf sql = BUF_INIT;
	struct err e = ERR_INIT;
	struct db_param p[2];
	struct db_rows *r;
	const char *name = unique("txt");
	size_t i, n = sizeof(values) / sizeof(values[0]);

	runf(db, "CREATE TABLE %s (id BIGINT, s LONGTEXT) CHARACTER SET utf8mb4",
	     name);
	buf_addf(&sql, "INSERT INTO %s (id, s) VALUES (?, ?)", name);
	for (i = 0; i <= n; i++) {
		p[0] = DBP_INTV((int64_t)i);
		p[1] = i < n ? DBP_TEXTV(values[i]) : DBP_NULLV;
		cr_assert_eq(drv->query(db, sql.ptr, p, 2, NULL, &e), 0, "%s",
			     e.msg);
	}
	buf_reset(&sql);
	buf_addf(&sql, "SELECT s, '?' FROM %s ORDER BY id", name);
	cr_assert_eq(drv->query(db, sql.ptr, NULL, 0, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r->nrows, n + 1);
	for (i = 0; i < n; i++) {
		cr_assert_str_eq(db_rows_get(r, i, 0), values[i]);
		cr_assert_str_eq(db_rows_get(r, i, 1), "?");
	}
	cr_assert_null(db_rows_get(r, n, 0), "NULL stays NULL");
	db_rows_free(r);
	runf(db, "DROP TABLE %s", name);
	buf_release(&sql);
	drv->close(db);
	target_free(t);
}

Test(driver_mysql, long_and_converted_values_come_back_whole, .timeout = 30)
{
	struct target *t = my_target();
	struct db *db = my_open(t);
	struct buf big = BUF_INIT;
	struct err e = ERR_INIT;
	struct db_param p;
	struct db_rows *r;
	size_t i;

	for (i = 0; i < 100000; i++)
		buf_addc(&big, (char)('a' + i % 26));
	p = DBP_TEXTV(big.ptr);
	cr_assert_eq(drv->query(db,
				"SELECT ?, REPEAT('x', 70), 2.5e300, "
				"CAST('2024-01-02 03:04:05' AS DATETIME), "
				"12345678901234567890.123, CAST(NULL AS CHAR)",
				&p, 1, &r, &e),
		     0, "%s", e.msg);
	cr_assert_eq(r->ncols, 6);
	cr_assert_eq(strlen(db_rows_get(r, 0, 0)), 100000);
	cr_assert_str_eq(db_rows_get(r, 0, 0), big.ptr);
	cr_assert_eq(strlen(db_rows_get(r, 0, 1)), 70);
	cr_assert(strncmp(db_rows_get(r, 0, 2), "2.5e", 4) == 0, "%s",
		  db_rows_get(r, 0, 2));
	cr_assert_str_eq(db_rows_get(r, 0, 3), "2024-01-02 03:04:05");
	cr_assert_str_eq(db_rows_get(r, 0, 4), "12345678901234567890.123");
	cr_assert_null(db_rows_get(r, 0, 5));
	db_rows_free(r);
	buf_release(&big);
	drv->close(db);
	target_free(t);
}

Test(driver_mysql, int64_beyond_32_bits, .timeout = 30)
{
	struct target *t = my_target();
	struct db *db = my_open(t);
	struct db_param p[2] = { DBP_INTV(5000000000LL),
				 DBP_INTV(-9000000000000000000LL) };
	struct err e = ERR_INIT;
	struct db_rows *r;

	cr_assert_eq(drv->query(db, "SELECT ? + 1, ?", p, 2, &r, &e), 0, "%s",
		     e.msg);
	cr_assert_str_eq(db_rows_get(r, 0, 0), "5000000001");
	cr_assert_str_eq(db_rows_get(r, 0, 1), "-9000000000000000000");
	db_rows_free(r);
	drv->close(db);
	target_free(t);
}

Test(driver_mysql, placeholder_count_must_match, .timeout = 30)
{
	struct target *t = my_target();
	struct db *db = my_open(t);
	struct db_param p = DBP_INTV(1);
	struct err e = ERR_INIT;

	cr_assert_eq(drv->query(db, "SELECT ?, ?", &p, 1, NULL, &e),
		     ERR_INTERNAL);
	cr_assert(strstr(e.msg, "2 placeholders but 1"), "%s", e.msg);
	drv->close(db);
	target_free(t);
}

Test(driver_mysql, failing_statement_carries_errno_and_sqlstate,
     .timeout = 30)
{
	struct target *t = my_target();
	struct db *db = my_open(t);
	struct err e = ERR_INIT;
	char want[128];

	snprintf(want, sizeof(want), "Table '%s.no_such_table_here' doesn't "
				     "exist", t->db);
	cr_assert_eq(drv->exec(db, "SELECT * FROM no_such_table_here", &e),
		     ERR_SQL);
	cr_assert_eq(e.native, 1146);
	cr_assert_str_eq(e.sqlstate, "42S02");
	cr_assert_str_eq(e.msg, want);
	cr_assert_eq(drv->query(db, "SELECT * FROM no_such_table_here", NULL,
				0, NULL, &e),
		     ERR_SQL);
	cr_assert_eq(e.native, 1146);
	cr_assert_str_eq(e.sqlstate, "42S02");
	cr_assert_eq(drv->exec(db, "SELEKT 1", &e), ERR_SQL);
	cr_assert_eq(e.native, 1064);
	cr_assert_str_eq(e.sqlstate, "42000");
	drv->close(db);
	target_free(t);
}

struct stmt_case {
	char sql[96];
	bool commits;
};

ParameterizedTestParameters(driver_mysql, commits_implicitly)
{
	static struct stmt_case cases[] = {
		{ "CREATE TABLE t (a INT)", true },
		{ "  create index i on t (a)", true },
		{ "ALTER TABLE t ADD b INT", true },
		{ "DROP TABLE t", true },
		{ "RENAME TABLE t TO u", true },
		{ "TRUNCATE TABLE t", true },
		{ "GRANT SELECT ON *.* TO x", true },
		{ "REVOKE SELECT ON *.* FROM x", true },
		{ "LOCK TABLES t WRITE", true },
		{ "UNLOCK TABLES", true },
		{ "ANALYZE TABLE t", true },
		{ "OPTIMIZE TABLE t", true },
		{ "START TRANSACTION", true },
		{ "BEGIN", true },
		{ "SET PASSWORD = PASSWORD('x')", true },
		{ "SET autocommit = 1", true },
		{ "SET @@session.autocommit=ON", true },
		{ "LOAD INDEX INTO CACHE t", true },
		{ "CREATE OR REPLACE VIEW v AS SELECT 1", true },
		{ "-- comment\nCREATE TABLE t (a INT)", true },
		{ "# comment\n/* block */ DROP VIEW v", true },
		{ "/*!50001 CREATE ALGORITHM=UNDEFINED VIEW v AS SELECT 1 */",
		  true },
		{ "CREATE TEMPORARY TABLE t (a INT)", false },
		{ "CREATE OR REPLACE TEMPORARY TABLE t (a INT)", false },
		{ "DROP TEMPORARY TABLE t", false },
		{ "INSERT INTO t VALUES (1)", false },
		{ "UPDATE t SET a = 2", false },
		{ "DELETE FROM t", false },
		{ "SELECT 1", false },
		{ "SET autocommit = 0", false },
		{ "SET @x = 1", false },
		{ "ANALYZE SELECT 1", false },
		{ "LOAD DATA INFILE 'f' INTO TABLE t", false },
		{ "/* CREATE TABLE x */ INSERT INTO t VALUES (1)", false },
		{ "--1\nSELECT 1", false },
		{ "", false },
	};

	return cr_make_param_array(struct stmt_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct stmt_case *c, driver_mysql, commits_implicitly)
{
	cr_assert_eq(mystmt_commits_implicitly(c->sql), c->commits, "%s",
		     c->sql);
	cr_assert_eq(driver_mysql.commits_implicitly(c->sql), c->commits);
}

static char *
ids(struct db *db, const char *table)
{
	struct buf sql = BUF_INIT;
	char *s;

	buf_addf(&sql, "SELECT COALESCE(GROUP_CONCAT(id ORDER BY id), '') "
		       "FROM %s",
		 table);
	s = one(db, sql.ptr, NULL, 0);
	buf_release(&sql);
	return s;
}

Test(driver_mysql, outside_a_transaction_statements_commit, .timeout = 30)
{
	struct target *t = my_target();
	struct db *a = my_open(t), *b = my_open(t);
	struct err e = ERR_INIT;
	const char *name = unique("ac");
	char *s;

	runf(a, "CREATE TABLE %s (id INT)", name);
	runf(a, "INSERT INTO %s VALUES (1)", name);
	s = ids(b, name);
	cr_assert_str_eq(s, "1", "seen from another session at once");
	free(s);
	cr_assert_eq(drv->begin(a, &e), 0, "%s", e.msg);
	runf(a, "INSERT INTO %s VALUES (2)", name);
	cr_assert_eq(drv->rollback(a, &e), 0, "%s", e.msg);
	cr_assert_eq(drv->begin(a, &e), 0, "%s", e.msg);
	runf(a, "INSERT INTO %s VALUES (3)", name);
	cr_assert_eq(drv->commit(a, &e), 0, "%s", e.msg);
	runf(a, "INSERT INTO %s VALUES (4)", name);
	s = ids(b, name);
	cr_assert_str_eq(s, "1,3,4");
	free(s);
	runf(a, "DROP TABLE %s", name);
	drv->close(a);
	drv->close(b);
	target_free(t);
}

Test(driver_mysql, ddl_commits_what_came_before_it_only, .timeout = 30)
{
	struct target *t = my_target();
	struct db *db = my_open(t);
	struct err e = ERR_INIT;
	const char *name = unique("ic");
	struct buf other = BUF_INIT;
	char *s;

	buf_addf(&other, "%s_x", name);
	runf(db, "CREATE TABLE %s (id INT) ENGINE=InnoDB", name);
	cr_assert_eq(drv->begin(db, &e), 0, "%s", e.msg);
	runf(db, "INSERT INTO %s VALUES (1)", name);
	runf(db, "CREATE TABLE %s (id INT)", other.ptr);
	runf(db, "INSERT INTO %s VALUES (2)", name);
	cr_assert_eq(drv->rollback(db, &e), 0, "%s", e.msg);
	s = ids(db, name);
	cr_assert_str_eq(s, "1", "the DDL committed 1; 2 was rolled back");
	free(s);
	runf(db, "DROP TABLE %s", other.ptr);
	runf(db, "DROP TABLE %s", name);
	buf_release(&other);
	drv->close(db);
	target_free(t);
}

Test(driver_mysql, quoted_identifiers_and_columns, .timeout = 30)
{
	struct target *t = my_target();
	struct db *db = my_open(t);
	struct buf name = BUF_INIT, q = BUF_INIT;
	struct strv cols = STRV_INIT;
	struct err e = ERR_INIT;

	drv->quote_ident("a`b", &q);
	cr_assert_str_eq(q.ptr, "`a``b`");
	buf_reset(&q);
	buf_addf(&name, "odd `name` %ld", (long)getpid());
	drv->quote_ident(name.ptr, &q);
	runf(db, "CREATE TABLE %s (`Mixed Case` INT, id BIGINT)", q.ptr);
	cr_assert_eq(drv->columns(db, name.ptr, &cols, &e), 0, "%s", e.msg);
	cr_assert_eq(cols.n, 2);
	cr_assert_str_eq(cols.v[0], "Mixed Case");
	cr_assert_str_eq(cols.v[1], "id");
	runf(db, "DROP TABLE %s", q.ptr);
	strv_release(&cols);
	cr_assert_eq(drv->columns(db, name.ptr, &cols, &e), 0, "%s", e.msg);
	cr_assert_eq(cols.n, 0, "absent table: no columns");
	buf_release(&name);
	buf_release(&q);
	drv->close(db);
	target_free(t);
}

Test(driver_mysql, readonly_connection_writes_nothing, .timeout = 30)
{
	struct target *t = my_target();
	struct err e = ERR_INIT;
	struct db *db = NULL;

	fresh_db(t);
	cr_assert_eq(drv->connect(t, true, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(drv->exec(db, "CREATE TABLE ro_never (a INT)", &e),
		     ERR_SQL);
	cr_assert_eq(e.native, 1792, "%ld %s", e.native, e.msg);
	cr_assert_eq(drv->lock(db, 1, &e), 0, "lock in readonly: %s", e.msg);
	cr_assert_eq(drv->unlock(db, &e), 0, "%s", e.msg);
	drv->close(db);
	drop_db(t);
	target_free(t);
}

Test(driver_mysql, lost_connection_is_a_connect_error, .timeout = 30)
{
	struct target *t = my_target();
	struct db *victim = my_open(t), *killer = my_open(t);
	struct err e = ERR_INIT;
	struct db_param id;
	char *s;

	s = one(victim, "SELECT CONNECTION_ID()", NULL, 0);
	id = DBP_INTV(atoll(s));
	free(s);
	cr_assert_eq(drv->query(killer, "KILL ?", &id, 1, NULL, &e), 0, "%s",
		     e.msg);
	cr_assert_eq(drv->exec(victim, "SELECT 1", &e), ERR_CONNECT, "%s",
		     e.msg);
	cr_assert(strstr(e.msg, "lost"), "%s", e.msg);
	drv->close(victim);
	drv->close(killer);
	target_free(t);
}

Test(driver_mysql, lock_name_fits_the_server_limit)
{
	struct buf name = BUF_INIT;
	char db[65];

	mysql_lock_name("migtest", &name);
	cr_assert_str_eq(name.ptr, "migratore.migtest");
	buf_reset(&name);
	memset(db, 'd', 64);
	db[64] = '\0';
	mysql_lock_name(db, &name);
	cr_assert_eq(name.len, 64);
	cr_assert(strncmp(name.ptr, "migratore.ddd", 13) == 0);
	cr_assert(buf_ends_with(&name, ".de6143777e6aa925"), "%s", name.ptr);
	buf_release(&name);
}

Test(driver_mysql, lock_held_elsewhere_times_out, .timeout = 30)
{
	struct target *t = my_target();
	struct err e = ERR_INIT;
	struct db *a, *b;
	double t0, waited;

	fresh_db(t);
	a = my_open(t);
	b = my_open(t);
	cr_assert_eq(drv->lock(a, 1, &e), 0, "%s", e.msg);
	t0 = now();
	cr_assert_eq(drv->lock(b, 1, &e), ERR_LOCK);
	waited = now() - t0;
	cr_assert(waited >= 0.95 && waited < 2.5, "waited %.2f s", waited);
	cr_assert(strstr(e.msg, "held by another session"), "%s", e.msg);
	cr_assert(strstr(e.msg, "connection id "), "names the holder: %s",
		  e.msg);
	cr_assert(strstr(e.msg, "waited 1 s"), "%s", e.msg);
	cr_assert_eq(drv->unlock(a, &e), 0, "%s", e.msg);
	t0 = now();
	cr_assert_eq(drv->lock(b, 1, &e), 0, "%s", e.msg);
	cr_assert_lt(now() - t0, 0.5);
	cr_assert_eq(drv->unlock(b, &e), 0);
	cr_assert_eq(drv->unlock(b, &e), ERR_LOCK, "not held any more");
	drv->close(a);
	drv->close(b);
	drop_db(t);
	target_free(t);
}

/* A child connects, locks, reports 'L' and waits to be killed. */
static pid_t
spawn_holder(const struct target *t)
{
	int fds[2];
	char c = 0;
	pid_t pid;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct err e = ERR_INIT;
		struct db *db = NULL;

		close(fds[0]);
		if (drv->connect(t, false, &db, &e) == 0 &&
		    drv->lock(db, 5, &e) == 0 && write(fds[1], "L", 1))
			pause();
		_exit(1);
	}
	close(fds[1]);
	cr_assert_eq(read(fds[0], &c, 1), 1, "holder did not lock");
	cr_assert_eq(c, 'L');
	close(fds[0]);
	return pid;
}

Test(driver_mysql, lock_dies_with_a_killed_holder, .timeout = 30)
{
	struct target *t = my_target();
	struct err e = ERR_INIT;
	struct db *db;
	pid_t holder;
	double t0;
	int status;

	fresh_db(t);
	db = my_open(t);
	holder = spawn_holder(t);
	cr_assert_eq(drv->lock(db, 0, &e), ERR_LOCK, "holder has it");
	kill(holder, SIGKILL);
	cr_assert_eq(waitpid(holder, &status, 0), holder);
	cr_assert(WIFSIGNALED(status));
	t0 = now();
	cr_assert_eq(drv->lock(db, 5, &e), 0, "%s", e.msg);
	cr_assert_lt(now() - t0, 1.0, "the lock went with the session");
	drv->close(db);
	drop_db(t);
	target_free(t);
}

/* No server needed: the socket does not exist. */
static struct target *
socket_target(const char *path, const char *password)
{
	struct target *t = target_new();

	set(&t->engine, "mysql");
	set(&t->unix_socket, path);
	set(&t->db, "app");
	set(&t->username, "app");
	set(&t->password, password);
	return t;
}

Test(driver_mysql, a_password_of_stars_ends, .timeout = 10)
{
	struct target *t = socket_target("/x/no*sock", "*");
	struct err e = ERR_INIT;
	struct db *db = NULL;

	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONNECT);
	cr_assert(strstr(e.msg, "'/x/no*sock'"), "message: %s", e.msg);
	target_free(t);
}

Test(driver_mysql, a_one_letter_password_leaves_the_words_whole,
     .timeout = 10)
{
	struct target *t = socket_target("/x/nosock", "o");
	struct err e = ERR_INIT;
	struct db *db = NULL;

	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONNECT);
	cr_assert(strstr(e.msg, "Can't connect to local server through "
				"socket '/x/nosock'"),
		  "message: %s", e.msg);
	target_free(t);
}
