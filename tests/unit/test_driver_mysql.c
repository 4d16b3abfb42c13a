/*
 * Tests of drivers/mysql against the real MariaDB that tests/servers.sh
 * starts (TEST_MY_* in the environment); skipped when it is not running.
 * The driver suite (driver_suite.c, driver_suite_server.c) runs against it
 * with the answers below; this file adds what only MySQL does. The
 * implicit-commit table and the lock name need no server.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/target.h"
#include "drivers/mysql/mysql.h"
#include "drivers/mysql/mystmt.h"
#include "tests/unit/driver_suite.h"

static struct target *
my_target(void)
{
	return suite_server_target("TEST_MY_URL", "TEST_MY_HOST",
				   "TEST_MY_PORT");
}

static struct suite_quote quotes[] = {
	{ "a`b", "`a``b`" },
	{ "odd `name`", "`odd ``name```" },
	{ "Mixed Case", "`Mixed Case`" },
	{ "end", "`end`" },
	{ "`", "````" },
};

static struct suite_place places[] = {
	{ "", 0, "no_such_db_here", "Unknown database", true, ERR_REFUSED,
	  "42000" },
	{ "127.0.0.1", 1, "", "Can't connect", true, ERR_CONNECT, "HY000" },
	{ "no-such-host.invalid", 0, "", "no-such-host.invalid", true,
	  ERR_CONNECT, "HY000" },
};

static struct suite_params params[] = {
	{ "ssl_mode=sometimes", ERR_CONFIG, "invalid ssl_mode 'sometimes'" },
	{ "read_timeout=-1", ERR_CONFIG, "invalid read_timeout '-1'" },
	/* the test server has TLS disabled: requiring it must fail */
	{ "ssl_mode=REQUIRED", ERR_CONNECT, "TLS" },
	{ "ssl_mode=verify_identity", ERR_CONNECT, "" },
	{ "connect_timeout=3 read_timeout=30 write_timeout=30 "
	  "ssl_mode=disabled",
	  0, "" },
};

const struct suite_engine suite_engine = {
	.engine = "mysql",
	.target = my_target,
	.server = true,
	.drop_db_suffix = "",
	.table_options = " CHARACTER SET utf8mb4",
	.byte_length = "LENGTH(s)",
	.truth = "1",
	.quotes = quotes,
	.nquotes = sizeof(quotes) / sizeof(quotes[0]),
	.lock_says = { "held by another session", "connection id " },
	.unlock_unheld = ERR_LOCK,
	.freed_wait = 5,
	.freed_within = 1.0,
	.password_refused = "Access denied",
	.password_native = 1045,
	.password_sqlstate = "28000",
	.places = places,
	.nplaces = sizeof(places) / sizeof(places[0]),
	.params = params,
	.nparams = sizeof(params) / sizeof(params[0]),
	.readonly_sqlstate = "25006",
	.readonly_native = 1792,
	.socket_env = "TEST_MY_SOCKET",
	.socket_port = false,
	.socket_sql = "SELECT SUBSTRING_INDEX(CURRENT_USER(), '@', -1)",
	.socket_says = "localhost",
	.socket_missing_says = "Can't connect to local server through socket "
			       "'/x/nosock'",
	.session_sql = "SELECT CONNECTION_ID()",
	.kill_sql = "KILL ?",
	.kill_says = NULL,
};

TestSuite(driver_mysql, .timeout = 30);

static const struct driver *drv = &driver_mysql;

Test(driver_mysql, connects_with_the_session_it_promises)
{
	struct target *t = my_target();
	struct db *db = suite_open(t, false);
	struct buf v = BUF_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(drv->server_version(db, &v, &e), 0);
	cr_assert(strstr(v.ptr, "MariaDB"), "version %s", v.ptr);
	suite_assert_one(db, "SELECT @@character_set_client", "utf8mb4");
	suite_assert_one(db, "SELECT @@character_set_results", "utf8mb4");
	suite_assert_one(db, "SELECT @@tx_isolation", "READ-COMMITTED");
	suite_assert_one(db, "SELECT @@autocommit", "1");
	suite_assert_one(db, "SELECT DATABASE()", getenv("TEST_DB_NAME"));
	cr_assert_not(drv->transactional_ddl);
	buf_release(&v);
	db_close(db);
	target_free(t);
}

Test(driver_mysql, long_and_converted_values_come_back_whole)
{
	struct target *t = my_target();
	struct db *db = suite_open(t, false);
	struct buf big = BUF_INIT;
	struct err e = ERR_INIT;
	struct db_param p;
	struct db_rows *r;
	size_t i;

	for (i = 0; i < 100000; i++)
		buf_addc(&big, (char)('a' + i % 26));
	p = DBP_TEXTV(big.ptr);
	cr_assert_eq(db_query(db,
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
	db_close(db);
	target_free(t);
}

Test(driver_mysql, failing_statement_carries_errno_and_sqlstate)
{
	struct target *t = my_target();
	struct db *db = suite_open(t, false);
	struct err e = ERR_INIT;
	char want[128];

	snprintf(want, sizeof(want), "Table '%s.no_such_table_here' doesn't "
				     "exist", t->db);
	cr_assert_eq(db_exec(db, "SELECT * FROM no_such_table_here", &e),
		     ERR_SQL);
	cr_assert_eq(e.native, 1146);
	cr_assert_str_eq(e.sqlstate, "42S02");
	cr_assert_str_eq(e.msg, want);
	cr_assert_eq(db_query(db, "SELECT * FROM no_such_table_here", NULL, 0,
			      NULL, &e),
		     ERR_SQL);
	cr_assert_eq(e.native, 1146);
	cr_assert_str_eq(e.sqlstate, "42S02");
	cr_assert_eq(db_exec(db, "SELEKT 1", &e), ERR_SQL);
	cr_assert_eq(e.native, 1064);
	cr_assert_str_eq(e.sqlstate, "42000");
	db_close(db);
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

/* `transaction = off`: which statements share a transaction with their
 * progress row (driver.h, transactional). */
Test(driver_mysql, transactional)
{
	static const char *const yes[] = {
		"INSERT INTO t VALUES (1)", "update t set a = 2",
		"DELETE FROM t", "CREATE TEMPORARY TABLE t (a INT)",
		"/* x */ REPLACE INTO t VALUES (1)", "SET @x = 1",
		"LOAD DATA INFILE 'f' INTO TABLE t",
	};
	static const char *const no[] = {
		"CREATE TABLE t (a INT)", "ALTER TABLE t ADD b INT",
		"LOCK TABLES t WRITE", "BEGIN", "START TRANSACTION",
		"COMMIT", "ROLLBACK", "SAVEPOINT s", "RELEASE SAVEPOINT s",
		"XA START 'x'", "CALL p()", "SET TRANSACTION READ ONLY",
		"SET autocommit = 1", "-- c\nTRUNCATE t", "",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_assert(driver_mysql.transactional(yes[i]), "%s", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_assert_not(mystmt_transactional(no[i]), "%s", no[i]);
}

struct session_case {
	char sql[64];
	enum mystmt_session kind;
	bool replayed;
};

/* What the session reset undoes and a resumed migration replays. */
ParameterizedTestParameters(driver_mysql, session_kind)
{
	static struct session_case cases[] = {
		{ "USE other", MYSTMT_USE, true },
		{ "  use `other`", MYSTMT_USE, true },
		{ "SET NAMES latin1", MYSTMT_SET, true },
		{ "SET SESSION sql_mode = 'ANSI'", MYSTMT_SET, true },
		{ "SET @x = 1", MYSTMT_SET, true },
		{ "SET FOREIGN_KEY_CHECKS = 0", MYSTMT_SET, true },
		{ "LOCK TABLES t WRITE", MYSTMT_LOCK, true },
		{ "lock table t read", MYSTMT_LOCK, true },
		{ "UNLOCK TABLES", MYSTMT_UNLOCK, true },
		{ "START TRANSACTION", MYSTMT_BEGIN, false },
		{ "BEGIN", MYSTMT_BEGIN, false },
		{ "BEGIN WORK", MYSTMT_BEGIN, false },
		{ "BEGIN NOT ATOMIC SELECT 1; END", MYSTMT_OTHER, false },
		{ "SET autocommit = 0", MYSTMT_OTHER, false },
		{ "SET @@session.autocommit = 1", MYSTMT_OTHER, false },
		{ "SET GLOBAL max_connections = 10", MYSTMT_OTHER, false },
		{ "SET PASSWORD = 'x'", MYSTMT_OTHER, false },
		{ "LOCK INSTANCE FOR BACKUP", MYSTMT_OTHER, false },
		{ "CREATE TABLE t (a INT)", MYSTMT_OTHER, false },
		{ "/* x */ USE other", MYSTMT_USE, true },
	};

	return cr_make_param_array(struct session_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct session_case *c, driver_mysql, session_kind)
{
	cr_assert_eq(mystmt_session_kind(c->sql), c->kind, "%s", c->sql);
	cr_assert_eq(mystmt_session_statement(c->sql), c->replayed, "%s",
		     c->sql);
	cr_assert_eq(driver_mysql.session_statement(c->sql), c->replayed);
}

Test(driver_mysql, ddl_commits_what_came_before_it_only)
{
	struct target *t = my_target();
	struct db *db = suite_open(t, false);
	struct err e = ERR_INIT;
	const char *name = suite_unique("ic");
	struct buf other = BUF_INIT, sql = BUF_INIT;

	buf_addf(&other, "%s_x", name);
	suite_run(db, "CREATE TABLE %s (id INT) ENGINE=InnoDB", name);
	cr_assert_eq(db_begin(db, &e), 0, "%s", e.msg);
	suite_run(db, "INSERT INTO %s VALUES (1)", name);
	suite_run(db, "CREATE TABLE %s (id INT)", other.ptr);
	suite_run(db, "INSERT INTO %s VALUES (2)", name);
	cr_assert_eq(db_rollback(db, &e), 0, "%s", e.msg);
	/* the DDL committed 1; 2 was rolled back */
	buf_addf(&sql, "SELECT COALESCE(GROUP_CONCAT(id ORDER BY id), '') "
		       "FROM %s",
		 name);
	suite_assert_one(db, sql.ptr, "1");
	suite_run(db, "DROP TABLE %s", other.ptr);
	suite_run(db, "DROP TABLE %s", name);
	buf_release(&other);
	buf_release(&sql);
	db_close(db);
	target_free(t);
}

/* sql, as the catalogue sees it now: want. */
static void
effect_is(struct db *db, const char *sql, enum db_effect want)
{
	enum db_effect got = DB_EFFECT_UNKNOWN;
	struct err e = ERR_INIT;

	cr_assert(drv->effect_known(sql), "%s", sql);
	cr_assert_eq(drv->stmt_effect(db, sql, &got, &e), 0, "%s", e.msg);
	cr_assert_eq(got, want, "%s: %d", sql, got);
}

/* sql absent, run, then applied. */
static void
absent_then_applied(struct db *db, const char *sql)
{
	effect_is(db, sql, DB_EFFECT_ABSENT);
	suite_run(db, "%s", sql);
	effect_is(db, sql, DB_EFFECT_APPLIED);
}

/*
 * A statement in doubt: the catalogue's answer for each form before and
 * after the statement ran (myeffect.h). Values bound: a name with a quote
 * in it is looked up as it is.
 */
Test(driver_mysql, the_catalogue_says_whether_ddl_committed)
{
	struct target *t = my_target();
	struct db *db = suite_open(t, false);
	const char *n = suite_unique("ef");
	static const char *const steps[][2] = {
		{ "CREATE TABLE `", "` (id INT PRIMARY KEY, b INT)" },
		{ "ALTER TABLE `", "` ADD COLUMN `c'x` INT" },
		{ "ALTER TABLE `", "` ADD INDEX ib (b)" },
		{ "ALTER TABLE `", "` ADD CONSTRAINT ub UNIQUE (b)" },
		{ "CREATE INDEX ic ON `", "` (`c'x`)" },
		{ "DROP INDEX ic ON `", "`" },
		{ "ALTER TABLE `", "` DROP COLUMN `c'x`" },
		{ "ALTER TABLE `", "` DROP PRIMARY KEY" },
	};
	char sql[300];
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		snprintf(sql, sizeof(sql), "%s%s%s", steps[i][0], n,
			 steps[i][1]);
		absent_then_applied(db, sql);
	}
	snprintf(sql, sizeof(sql), "RENAME TABLE `%s` TO `%s_r`", n, n);
	absent_then_applied(db, sql);
	suite_run(db, "DROP TABLE `%s_r`", n);
	db_close(db);
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
