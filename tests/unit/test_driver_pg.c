/*
 * Tests of drivers/pg against the real PostgreSQL that tests/servers.sh
 * starts (TEST_PG_* in the environment); skipped when it is not running.
 * The driver suite (driver_suite.c, driver_suite_server.c) runs against it
 * with the answers below; this file adds what only PostgreSQL does.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/target.h"
#include "drivers/pg/pg.h"
#include "drivers/pg/pgstmt.h"
#include "tests/unit/driver_suite.h"

static struct target *
pg_target(void)
{
	return suite_server_target("TEST_PG_URL", "TEST_PG_HOST",
				   "TEST_PG_PORT");
}

static struct suite_quote quotes[] = {
	{ "a\"b", "\"a\"\"b\"" },
	{ "Odd \"Name\"", "\"Odd \"\"Name\"\"\"" },
	{ "Mixed Case", "\"Mixed Case\"" },
	{ "end", "\"end\"" },
	{ "\"", "\"\"\"\"" },
};

static struct suite_place places[] = {
	{ "", 0, "no_such_db_here", "does not exist", false, ERR_REFUSED,
	  "3D000" },
	{ "127.0.0.1", 1, "", "refused", false, ERR_CONNECT, "" },
	{ "no-such-host.invalid", 0, "", "no-such-host.invalid", false,
	  ERR_CONNECT, "" },
};

static struct suite_params params[] = {
	{ "sslmode=sometimes", ERR_CONFIG, "invalid sslmode 'sometimes'" },
	{ "connect_timeout=soon", ERR_CONFIG,
	  "invalid connect_timeout 'soon'" },
	/* the test server has no TLS: requiring it must fail, not fall back */
	{ "sslmode=require", ERR_CONNECT, "SSL" },
	{ "application_name=nightly connect_timeout=3 sslmode=disable", 0, "" },
};

const struct suite_engine suite_engine = {
	.engine = "postgres",
	.target = pg_target,
	.server = true,
	.drop_db_suffix = " WITH (FORCE)",
	.table_options = "",
	.byte_length = "octet_length(s)",
	.truth = "t",
	.quotes = quotes,
	.nquotes = sizeof(quotes) / sizeof(quotes[0]),
	.lock_says = { "held by another session", "pid " },
	.unlock_unheld = ERR_LOCK,
	.freed_wait = 5,
	.freed_within = 1.0,
	.password_refused = "password authentication failed",
	.password_native = 0,
	.password_sqlstate = "28P01",
	.places = places,
	.nplaces = sizeof(places) / sizeof(places[0]),
	.params = params,
	.nparams = sizeof(params) / sizeof(params[0]),
	.readonly_sqlstate = "25006",
	.readonly_native = 0,
	.socket_env = "TEST_PG_SOCKDIR",
	.socket_port = true, /* the socket file is .s.PGSQL.<port> */
	.socket_sql = "SELECT coalesce(inet_server_addr()::text, 'socket')",
	.socket_says = "socket",
	.socket_missing_says = "no such file or directory",
	.session_sql = "SELECT pg_backend_pid()",
	.kill_sql = "SELECT pg_terminate_backend(?::int)",
	.kill_says = "t",
};

TestSuite(driver_pg, .timeout = 30);

static const struct driver *drv = &driver_postgres;

Test(driver_pg, connects_and_names_itself)
{
	struct target *t = pg_target();
	struct db *db = suite_open(t, false);
	struct buf v = BUF_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(drv->server_version(db, &v, &e), 0);
	cr_assert(strncmp(v.ptr, "15.", 3) == 0, "version %s", v.ptr);
	suite_assert_one(db, "SELECT current_setting('application_name')",
			 "migratore");
	suite_assert_one(db, "SELECT current_database()",
			 getenv("TEST_DB_NAME"));
	cr_assert(drv->transactional_ddl);
	cr_assert_not(drv->commits_implicitly("CREATE TABLE x (a int)"));
	buf_release(&v);
	db_close(db);
	target_free(t);
}

/*
 * The schema is captured with the first statement (here the lock's),
 * before any migration ran, and the session put back after a migration:
 * search_path, settings, role; never the advisory lock.
 */
Test(driver_pg, the_session_is_put_back_but_not_the_lock)
{
	struct target *t = pg_target();
	struct db *db = suite_open(t, false);
	struct err e = ERR_INIT;

	cr_assert_eq(db_lock(db, 0, &e), 0, "%s", e.msg);
	cr_assert_str_eq(db->schema, "public");
	cr_assert_eq(db_exec(db, "SET search_path = ''", &e), 0, "%s", e.msg);
	cr_assert_eq(db_exec(db, "SET statement_timeout = 1234", &e), 0);
	cr_assert_null(suite_one(db, "SELECT current_schema()", NULL, 0));
	cr_assert_eq(db_session_reset(db, &e), 0, "%s", e.msg);
	suite_assert_one(db, "SELECT current_schema()", "public");
	suite_assert_one(db, "SHOW statement_timeout", "0");
	suite_assert_one(db, "SHOW client_encoding", "UTF8");
	cr_assert_eq(db_unlock(db, &e), 0, "the lock went with the reset: %s",
		     e.msg);
	cr_assert(drv->session_statement("SET search_path = ''"));
	cr_assert(drv->session_statement("-- pg_dump\nSET lock_timeout = 0"));
	cr_assert(drv->session_statement(
	    "SELECT pg_catalog.set_config('search_path', '', false)"));
	cr_assert_not(drv->session_statement("SELECT 1"));
	cr_assert_not(drv->session_statement("INSERT INTO settings VALUES (1)"));
	db_close(db);
	target_free(t);
}

Test(driver_pg, url_parameters_reach_the_server)
{
	struct target *t = pg_target();
	struct db *db;

	strv_push(&t->params, "application_name=nightly");
	strv_push(&t->params, "connect_timeout=3");
	strv_push(&t->params, "sslmode=disable");
	db = suite_open(t, false);
	suite_assert_one(db, "SELECT current_setting('application_name')",
			 "nightly");
	db_close(db);
	target_free(t);
}

struct ph_case {
	char sql[80];
	char want[96];
	size_t n;
};

ParameterizedTestParameters(driver_pg, placeholders)
{
	static struct ph_case cases[] = {
		{ "SELECT ?", "SELECT $1", 1 },
		{ "SELECT 1", "SELECT 1", 0 },
		{ "SELECT '?', ?", "SELECT '?', $1", 1 },
		{ "SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1", 1 },
		{ "SELECT E'\\'?', ?", "SELECT E'\\'?', $1", 1 },
		{ "SELECT e'\\'?' || ?", "SELECT e'\\'?' || $1", 1 },
		{ "SELECT \"a?\" FROM t WHERE x = ?",
		  "SELECT \"a?\" FROM t WHERE x = $1", 1 },
		{ "SELECT 1 -- ?\n, ?", "SELECT 1 -- ?\n, $1", 1 },
		{ "SELECT /* /* ? */ ? */ ?", "SELECT /* /* ? */ ? */ $1", 1 },
		{ "SELECT $$?$$, $t$ ? $t$, ?", "SELECT $$?$$, $t$ ? $t$, $1", 1 },
		{ "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?",
		  "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10", 10 },
		{ "SELECT 'unterminated ?", "SELECT 'unterminated ?", 0 },
	};

	return cr_make_param_array(struct ph_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct ph_case *c, driver_pg, placeholders)
{
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(pgstmt_placeholders(c->sql, c->n, &out, &e), 0, "%s",
		     e.msg);
	cr_assert_str_eq(out.ptr, c->want);
	buf_reset(&out);
	cr_assert_eq(pgstmt_placeholders(c->sql, c->n + 1, &out, &e),
		     ERR_INTERNAL, "a count that differs is refused");
	buf_release(&out);
}

Test(driver_pg, placeholders_skip_quotes_and_comments)
{
	struct target *t = pg_target();
	struct db *db = suite_open(t, false);
	struct db_param p[2] = { DBP_TEXTV("a"), DBP_TEXTV("b") };
	char *s;

	s = suite_one(db,
		      "SELECT /* ? */ '?''?' || \"x?\" || E'\\'?' || $q$?$q$"
		      " || ? || ? -- ?\n FROM (SELECT 'x' AS \"x?\") AS sub",
		      p, 2);
	cr_assert_str_eq(s, "?'?x'??ab");
	free(s);
	db_close(db);
	target_free(t);
}

Test(driver_pg, failing_statement_carries_sqlstate_and_position)
{
	struct target *t = pg_target();
	struct db *db = suite_open(t, false);
	struct err e = ERR_INIT;

	cr_assert_eq(db_exec(db, "SELECT * FROM no_such_table_here", &e),
		     ERR_SQL);
	cr_assert_str_eq(e.sqlstate, "42P01");
	cr_assert_str_eq(e.msg, "relation \"no_such_table_here\" does not "
				"exist");
	cr_assert_eq(e.position, 15);
	cr_assert_eq(db_exec(db, "SELECT no_such_function(1)", &e), ERR_SQL);
	cr_assert_str_eq(e.sqlstate, "42883");
	cr_assert(strstr(e.hint, "No function matches"), "hint: %s", e.hint);
	db_close(db);
	target_free(t);
}

Test(driver_pg, constraint_violation_carries_detail)
{
	struct target *t = pg_target();
	struct db *db = suite_open(t, false);
	struct err e = ERR_INIT;

	suite_run(db, "CREATE TEMP TABLE u (id INT PRIMARY KEY)");
	suite_run(db, "INSERT INTO u VALUES (1)");
	cr_assert_eq(db_exec(db, "INSERT INTO u VALUES (1)", &e), ERR_SQL);
	cr_assert_str_eq(e.sqlstate, "23505");
	cr_assert_str_eq(e.detail, "Key (id)=(1) already exists.");
	cr_assert_eq(e.position, 0, "no position for a constraint");
	db_close(db);
	target_free(t);
}

Test(driver_pg, commit_of_a_failed_transaction_is_an_error)
{
	struct target *t = pg_target();
	struct db *db = suite_open(t, false);
	struct err e = ERR_INIT;

	cr_assert_eq(db_begin(db, &e), 0);
	cr_assert_eq(db_exec(db, "SELECT 1/0", &e), ERR_SQL);
	cr_assert_str_eq(e.sqlstate, "22012");
	cr_assert_eq(db_commit(db, &e), ERR_SQL);
	cr_assert(strstr(e.msg, "rolled back"), "%s", e.msg);
	db_close(db);
	target_free(t);
}

Test(driver_pg, concurrent_index_outside_a_transaction)
{
	struct target *t = pg_target();
	struct db *db = suite_open(t, false);
	const char *name = suite_unique("cic");

	suite_run(db, "CREATE TABLE %s (id INT)", name);
	suite_run(db, "CREATE INDEX CONCURRENTLY %s_i ON %s (id)", name, name);
	suite_run(db, "DROP TABLE %s", name);
	db_close(db);
	target_free(t);
}

/* A statement in doubt: which index statements the driver looks up. */
Test(driver_pg, index_statements_are_known_by_their_name)
{
	struct buf name = BUF_INIT;
	bool drop;

	cr_assert(pgstmt_index("CREATE INDEX CONCURRENTLY IF NOT EXISTS "
			       "s.\"Odd i\" ON t (a)", &drop, &name));
	cr_assert_not(drop);
	cr_assert_str_eq(name.ptr, "s.\"Odd i\"");
	buf_reset(&name);
	cr_assert(pgstmt_index("/* x */ drop index concurrently if exists i2",
			       &drop, &name));
	cr_assert(drop);
	cr_assert_str_eq(name.ptr, "i2");
	cr_assert(pgstmt_effect_known("CREATE UNIQUE INDEX i ON t (a)"));
	cr_assert_not(pgstmt_effect_known("CREATE INDEX ON t (a)"),
		      "no name: nothing to look up");
	cr_assert_not(pgstmt_effect_known("DROP INDEX a, b"));
	cr_assert_not(pgstmt_effect_known("CREATE TABLE t (a int)"));
	cr_assert_not(pgstmt_effect_known("VACUUM t"));
	buf_release(&name);
}

/* `transaction = off`: which statements share a transaction with their
 * progress row (driver.h, transactional). */
Test(driver_pg, transactional)
{
	static const char *const yes[] = {
		"INSERT INTO t VALUES (1)", "CREATE TABLE t (a int)",
		"CREATE INDEX i ON t (a)", "create unique index i on t (a)",
		"DROP INDEX i", "ALTER TABLE t ADD b int", "REINDEX TABLE t",
		"DO $$BEGIN UPDATE t SET a = 1; END$$", "PREPARE q AS SELECT 1",
		"ALTER TYPE e RENAME TO f", "/* c */ UPDATE t SET a = 1",
	};
	static const char *const no[] = {
		"VACUUM t", "vacuum", "CREATE INDEX CONCURRENTLY i ON t (a)",
		"CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)",
		"DROP INDEX CONCURRENTLY i", "REINDEX INDEX CONCURRENTLY i",
		"REINDEX DATABASE d", "REINDEX (VERBOSE) TABLE t",
		"CREATE DATABASE d", "DROP DATABASE d", "ALTER DATABASE d SET x = 1",
		"CREATE TABLESPACE s LOCATION '/x'", "ALTER SYSTEM SET x = 1",
		"CREATE SUBSCRIPTION s CONNECTION '' PUBLICATION p",
		"BEGIN", "START TRANSACTION", "COMMIT", "END", "ROLLBACK",
		"ABORT", "SAVEPOINT s", "RELEASE s", "PREPARE TRANSACTION 'x'",
		"CLUSTER", "DISCARD ALL", "LOCK TABLE t", "CALL p()",
		"DO $$BEGIN UPDATE t SET a = 1; COMMIT; END$$",
		"ALTER TYPE e ADD VALUE 'x'", "-- c\nVACUUM t",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_assert(pgstmt_transactional(yes[i]), "%s", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_assert_not(driver_find("postgres")->transactional(no[i]),
			      "%s", no[i]);
}

/* ... and what the catalogue says of them. */
Test(driver_pg, the_catalogue_says_whether_an_index_is_there)
{
	struct target *t = pg_target();
	struct db *db = suite_open(t, false);
	const char *name = suite_unique("eff");
	char create[200], drop[200];
	enum db_effect got;
	struct err e = ERR_INIT;

	snprintf(create, sizeof(create), "CREATE INDEX CONCURRENTLY %s_i ON %s (id)",
		 name, name);
	snprintf(drop, sizeof(drop), "DROP INDEX %s_i", name);
	suite_run(db, "CREATE TABLE %s (id INT)", name);
	cr_assert_eq(drv->stmt_effect(db, create, &got, &e), 0, "%s", e.msg);
	cr_assert_eq(got, DB_EFFECT_ABSENT);
	cr_assert_eq(drv->stmt_effect(db, drop, &got, &e), 0, "%s", e.msg);
	cr_assert_eq(got, DB_EFFECT_APPLIED, "no index: the DROP is done");
	suite_run(db, "%s", create);
	cr_assert_eq(drv->stmt_effect(db, create, &got, &e), 0, "%s", e.msg);
	cr_assert_eq(got, DB_EFFECT_APPLIED);
	cr_assert_eq(drv->stmt_effect(db, drop, &got, &e), 0, "%s", e.msg);
	cr_assert_eq(got, DB_EFFECT_ABSENT);
	suite_run(db, "DROP TABLE %s", name);
	db_close(db);
	target_free(t);
}

Test(driver_pg, lock_key_is_stable)
{
	/* changing it would let two versions of migratore run at once */
	cr_assert_eq(pg_lock_key("migtest", NULL), 7373665606429866262LL);
	cr_assert_neq(pg_lock_key("migtest", NULL),
		      pg_lock_key("migtest2", NULL));
}

Test(driver_pg, lock_key_per_schema)
{
	/* FNV-1a of "migratore:migtest\0t_0042", 63 bits: one lock per
	 * schema, none shared with the whole database, and a
	 * database and a schema never run together into another's key */
	cr_assert_eq(pg_lock_key("migtest", "t_0042"), 2666327423721893665LL);
	cr_assert_neq(pg_lock_key("migtest", "t_0042"),
		      pg_lock_key("migtest", "t_0043"));
	cr_assert_neq(pg_lock_key("migtest", "t_0042"),
		      pg_lock_key("migtest", NULL));
	cr_assert_neq(pg_lock_key("ab", "c"), pg_lock_key("a", "bc"));
	cr_assert_neq(pg_lock_key("migtest", ""), pg_lock_key("migtest", NULL));
}
