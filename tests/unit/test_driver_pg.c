/*
 * Tests of drivers/pg against the real PostgreSQL that tests/servers.sh
 * starts (TEST_PG_* in the environment); skipped when it is not running.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "config/target.h"
#include "drivers/pg/pg.h"
#include "drivers/pg/pgstmt.h"

static const struct driver *drv = &driver_postgres;

static void
set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup_or_null(value);
}

/* The test server's coordinates, set field by field (no URL parsing). */
static struct target *
pg_target(void)
{
	const char *port = getenv("TEST_PG_PORT");
	struct target *t;

	if (!getenv("TEST_PG_URL") || !port)
		cr_skip_test("TEST_PG_URL not set (run tests/servers.sh)");
	t = target_new();
	set(&t->engine, "postgres");
	set(&t->host, getenv("TEST_PG_HOST"));
	t->port = atoi(port);
	set(&t->db, getenv("TEST_DB_NAME"));
	set(&t->username, getenv("TEST_DB_USER"));
	set(&t->password, getenv("TEST_DB_PASS"));
	return t;
}

static struct db *
pg_open(const struct target *t)
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

/*
 * The lock is per database, and Criterion runs tests in parallel: a test
 * that locks gets a database of its own, dropped again at its end.
 */
static void
fresh_db(struct target *t)
{
	struct db *db = pg_open(t);
	struct buf sql = BUF_INIT;

	set(&t->db, unique("lk"));
	buf_addf(&sql, "DROP DATABASE IF EXISTS %s", t->db);
	run(db, sql.ptr);
	buf_reset(&sql);
	buf_addf(&sql, "CREATE DATABASE %s", t->db);
	run(db, sql.ptr);
	buf_release(&sql);
	drv->close(db);
}

static void
drop_db(struct target *t)
{
	struct buf sql = BUF_INIT;
	struct db *db;

	buf_addf(&sql, "DROP DATABASE %s WITH (FORCE)", t->db);
	set(&t->db, getenv("TEST_DB_NAME"));
	db = pg_open(t);
	run(db, sql.ptr);
	buf_release(&sql);
	drv->close(db);
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

Test(driver_pg, connects_and_names_itself, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db = pg_open(t);
	struct buf v = BUF_INIT;
	struct err e = ERR_INIT;
	char *s;

	cr_assert_eq(drv->server_version(db, &v, &e), 0);
	cr_assert(strncmp(v.ptr, "15.", 3) == 0, "version %s", v.ptr);
	s = one(db, "SELECT current_setting('application_name')", NULL, 0);
	cr_assert_str_eq(s, "migratore");
	free(s);
	s = one(db, "SELECT current_database()", NULL, 0);
	cr_assert_str_eq(s, getenv("TEST_DB_NAME"));
	free(s);
	cr_assert(drv->transactional_ddl);
	cr_assert_not(drv->commits_implicitly("CREATE TABLE x (a int)"));
	buf_release(&v);
	drv->close(db);
	target_free(t);
}

Test(driver_pg, connects_over_the_unix_socket_directory, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db;
	char *s;

	set(&t->host, NULL);
	set(&t->unix_socket, getenv("TEST_PG_SOCKDIR"));
	db = pg_open(t);
	s = one(db, "SELECT coalesce(inet_server_addr()::text, 'socket')",
		NULL, 0);
	cr_assert_str_eq(s, "socket");
	free(s);
	drv->close(db);
	target_free(t);
}

Test(driver_pg, wrong_password_is_refused_without_echoing_it, .timeout = 30)
{
	struct target *t = pg_target();
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
	cr_assert(strstr(e.msg, "password authentication failed"),
		  "message: %s", e.msg);
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

ParameterizedTestParameters(driver_pg, unreachable)
{
	static struct bad_place cases[] = {
		{ "", 0, "no_such_db_here", "does not exist" },
		{ "127.0.0.1", 1, "", "refused" },
		{ "no-such-host.invalid", 0, "", "no-such-host.invalid" },
	};

	return cr_make_param_array(struct bad_place, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_place *c, driver_pg, unreachable, .timeout = 30)
{
	struct target *t = pg_target();
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
	snprintf(where, sizeof(where), "cannot connect to postgres at %s:%d/%s",
		 t->host, t->port, t->db);
	cr_assert(strstr(e.msg, where), "message: %s", e.msg);
	cr_assert(strstr(e.msg, c->says), "message: %s", e.msg);
	target_free(t);
}

Test(driver_pg, bad_parameters_are_configuration_errors, .timeout = 30)
{
	struct target *t = pg_target();
	struct err e = ERR_INIT;
	struct db *db = NULL;

	strv_push(&t->params, "sslmode=sometimes");
	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONFIG);
	cr_assert(strstr(e.msg, "sslmode 'sometimes'"), "%s", e.msg);
	strv_release(&t->params);
	strv_push(&t->params, "connect_timeout=soon");
	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONFIG);
	strv_release(&t->params);
	/* the test server has no TLS: requiring it must fail, not fall back */
	strv_push(&t->params, "sslmode=require");
	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONNECT);
	cr_assert(strstr(e.msg, "SSL"), "%s", e.msg);
	target_free(t);
}

Test(driver_pg, url_parameters_reach_the_server, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db;
	char *s;

	strv_push(&t->params, "application_name=nightly");
	strv_push(&t->params, "connect_timeout=3");
	strv_push(&t->params, "sslmode=disable");
	db = pg_open(t);
	s = one(db, "SELECT current_setting('application_name')", NULL, 0);
	cr_assert_str_eq(s, "nightly");
	free(s);
	drv->close(db);
	target_free(t);
}

Test(driver_pg, bound_text_round_trips_byte_for_byte, .timeout = 30)
{
	static const char *values[] = {
		"it's", "say \"hi\"", "back\\slash \\' \\n", "two\nlines\r\n",
		"UTF-8: héllo wörld ✓ 日本語 🎉", "", "?", "$1", "--not a comment",
	};
	struct target *t = pg_target();
	struct db *db = pg_open(t);
	struct buf sql = BUF_INIT;
	struct err e = ERR_INIT;
	struct db_param p[2];
	struct db_rows *r;
	size_t i, n = sizeof(values) / sizeof(values[0]);

	buf_addf(&sql, "CREATE TEMP TABLE %s (id BIGINT, s TEXT)",
		 unique("txt"));
	run(db, sql.ptr);
	buf_reset(&sql);
	buf_addf(&sql, "INSERT INTO %s (id, s) VALUES (?, ?)", unique("txt"));
	for (i = 0; i < n; i++) {
		p[0] = DBP_INTV((int64_t)i);
		p[1] = DBP_TEXTV(values[i]);
		cr_assert_eq(drv->query(db, sql.ptr, p, 2, NULL, &e), 0, "%s",
			     e.msg);
	}
	p[0] = DBP_INTV((int64_t)n);
	p[1] = DBP_NULLV;
	cr_assert_eq(drv->query(db, sql.ptr, p, 2, NULL, &e), 0, "%s", e.msg);
	buf_reset(&sql);
	buf_addf(&sql, "SELECT s, '?' AS q FROM %s ORDER BY id", unique("txt"));
	cr_assert_eq(drv->query(db, sql.ptr, NULL, 0, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r->nrows, n + 1);
	cr_assert_eq(r->ncols, 2);
	for (i = 0; i < n; i++) {
		cr_assert_str_eq(db_rows_get(r, i, 0), values[i]);
		cr_assert_str_eq(db_rows_get(r, i, 1), "?");
	}
	cr_assert_null(db_rows_get(r, n, 0), "NULL stays NULL");
	db_rows_free(r);
	buf_release(&sql);
	drv->close(db);
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

Test(driver_pg, placeholders_skip_quotes_and_comments, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db = pg_open(t);
	struct db_param p[2] = { DBP_TEXTV("a"), DBP_TEXTV("b") };
	char *s;

	s = one(db,
		"SELECT /* ? */ '?''?' || \"x?\" || E'\\'?' || $q$?$q$ || ? || ?"
		" -- ?\n FROM (SELECT 'x' AS \"x?\") AS sub",
		p, 2);
	cr_assert_str_eq(s, "?'?x'??ab");
	free(s);
	drv->close(db);
	target_free(t);
}

Test(driver_pg, placeholder_count_must_match, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db = pg_open(t);
	struct db_param p = DBP_INTV(1);
	struct err e = ERR_INIT;

	cr_assert_eq(drv->query(db, "SELECT ?, ?", &p, 1, NULL, &e),
		     ERR_INTERNAL);
	cr_assert(strstr(e.msg, "2 placeholders but 1"), "%s", e.msg);
	drv->close(db);
	target_free(t);
}

Test(driver_pg, int64_beyond_32_bits, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db = pg_open(t);
	struct db_param p[2] = { DBP_INTV(5000000000LL),
				 DBP_INTV(-9000000000000000000LL) };
	struct err e = ERR_INIT;
	struct db_rows *r;

	cr_assert_eq(drv->query(db, "SELECT ? + 1, ?::bigint", p, 2, &r, &e),
		     0, "%s", e.msg);
	cr_assert_str_eq(db_rows_get(r, 0, 0), "5000000001");
	cr_assert_str_eq(db_rows_get(r, 0, 1), "-9000000000000000000");
	db_rows_free(r);
	drv->close(db);
	target_free(t);
}

Test(driver_pg, failing_statement_carries_sqlstate_and_position,
     .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db = pg_open(t);
	struct err e = ERR_INIT;

	cr_assert_eq(drv->exec(db, "SELECT * FROM no_such_table_here", &e),
		     ERR_SQL);
	cr_assert_str_eq(e.sqlstate, "42P01");
	cr_assert_str_eq(e.msg, "relation \"no_such_table_here\" does not "
				"exist");
	cr_assert_eq(e.position, 15);
	cr_assert_eq(drv->exec(db, "SELECT no_such_function(1)", &e), ERR_SQL);
	cr_assert_str_eq(e.sqlstate, "42883");
	cr_assert(strstr(e.hint, "No function matches"), "hint: %s", e.hint);
	drv->close(db);
	target_free(t);
}

Test(driver_pg, constraint_violation_carries_detail, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db = pg_open(t);
	struct err e = ERR_INIT;

	run(db, "CREATE TEMP TABLE u (id INT PRIMARY KEY)");
	run(db, "INSERT INTO u VALUES (1)");
	cr_assert_eq(drv->exec(db, "INSERT INTO u VALUES (1)", &e), ERR_SQL);
	cr_assert_str_eq(e.sqlstate, "23505");
	cr_assert_str_eq(e.detail, "Key (id)=(1) already exists.");
	cr_assert_eq(e.position, 0, "no position for a constraint");
	drv->close(db);
	target_free(t);
}

Test(driver_pg, ddl_rolls_back_with_the_transaction, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db = pg_open(t);
	struct strv cols = STRV_INIT;
	struct buf sql = BUF_INIT;
	struct err e = ERR_INIT;
	const char *name = unique("ddl");

	buf_addf(&sql, "CREATE TABLE %s (id BIGINT, note TEXT)", name);
	cr_assert_eq(drv->begin(db, &e), 0, "%s", e.msg);
	run(db, sql.ptr);
	cr_assert_eq(drv->rollback(db, &e), 0, "%s", e.msg);
	cr_assert_eq(drv->columns(db, name, &cols, &e), 0, "%s", e.msg);
	cr_assert_eq(cols.n, 0, "the table is gone with the rollback");

	cr_assert_eq(drv->begin(db, &e), 0);
	run(db, sql.ptr);
	cr_assert_eq(drv->commit(db, &e), 0, "%s", e.msg);
	cr_assert_eq(drv->columns(db, name, &cols, &e), 0, "%s", e.msg);
	cr_assert_eq(cols.n, 2);
	cr_assert_str_eq(cols.v[0], "id");
	cr_assert_str_eq(cols.v[1], "note");
	buf_reset(&sql);
	buf_addf(&sql, "DROP TABLE %s", name);
	run(db, sql.ptr);
	strv_release(&cols);
	buf_release(&sql);
	drv->close(db);
	target_free(t);
}

Test(driver_pg, commit_of_a_failed_transaction_is_an_error, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db = pg_open(t);
	struct err e = ERR_INIT;

	cr_assert_eq(drv->begin(db, &e), 0);
	cr_assert_eq(drv->exec(db, "SELECT 1/0", &e), ERR_SQL);
	cr_assert_str_eq(e.sqlstate, "22012");
	cr_assert_eq(drv->commit(db, &e), ERR_SQL);
	cr_assert(strstr(e.msg, "rolled back"), "%s", e.msg);
	drv->close(db);
	target_free(t);
}

Test(driver_pg, concurrent_index_outside_a_transaction, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db = pg_open(t);
	struct buf sql = BUF_INIT;
	const char *name = unique("cic");

	buf_addf(&sql, "CREATE TABLE %s (id INT)", name);
	run(db, sql.ptr);
	buf_reset(&sql);
	buf_addf(&sql, "CREATE INDEX CONCURRENTLY %s_i ON %s (id)", name, name);
	run(db, sql.ptr);
	buf_reset(&sql);
	buf_addf(&sql, "DROP TABLE %s", name);
	run(db, sql.ptr);
	buf_release(&sql);
	drv->close(db);
	target_free(t);
}

Test(driver_pg, quoted_identifiers_survive_quotes, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *db = pg_open(t);
	struct buf name = BUF_INIT, q = BUF_INIT, sql = BUF_INIT;
	struct strv cols = STRV_INIT;
	struct err e = ERR_INIT;

	drv->quote_ident("a\"b", &q);
	cr_assert_str_eq(q.ptr, "\"a\"\"b\"");
	buf_reset(&q);
	buf_addf(&name, "Odd \"Name\" %ld", (long)getpid());
	drv->quote_ident(name.ptr, &q);
	buf_addf(&sql, "CREATE TABLE %s (\"Mixed Case\" INT)", q.ptr);
	run(db, sql.ptr);
	cr_assert_eq(drv->columns(db, name.ptr, &cols, &e), 0, "%s", e.msg);
	cr_assert_eq(cols.n, 1);
	cr_assert_str_eq(cols.v[0], "Mixed Case");
	buf_reset(&sql);
	buf_addf(&sql, "DROP TABLE %s", q.ptr);
	run(db, sql.ptr);
	strv_release(&cols);
	buf_release(&name);
	buf_release(&q);
	buf_release(&sql);
	drv->close(db);
	target_free(t);
}

Test(driver_pg, readonly_connection_writes_nothing, .timeout = 30)
{
	struct target *t = pg_target();
	struct err e = ERR_INIT;
	struct db *db = NULL;

	fresh_db(t);
	cr_assert_eq(drv->connect(t, true, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(drv->exec(db, "CREATE TABLE ro_never (a INT)", &e),
		     ERR_SQL);
	cr_assert_str_eq(e.sqlstate, "25006");
	cr_assert_eq(drv->lock(db, 1, &e), 0, "lock in readonly: %s", e.msg);
	cr_assert_eq(drv->unlock(db, &e), 0, "%s", e.msg);
	drv->close(db);
	drop_db(t);
	target_free(t);
}

Test(driver_pg, lost_connection_is_a_connect_error, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *victim = pg_open(t), *killer = pg_open(t);
	struct err e = ERR_INIT;
	struct db_param pid;
	char *s;

	s = one(victim, "SELECT pg_backend_pid()", NULL, 0);
	pid = DBP_INTV(atoll(s));
	free(s);
	s = one(killer, "SELECT pg_terminate_backend(?::int)", &pid, 1);
	cr_assert_str_eq(s, "t");
	free(s);
	cr_assert_eq(drv->exec(victim, "SELECT 1", &e), ERR_CONNECT, "%s",
		     e.msg);
	cr_assert(strstr(e.msg, "lost"), "%s", e.msg);
	drv->close(victim);
	drv->close(killer);
	target_free(t);
}

Test(driver_pg, lock_key_is_stable)
{
	/* changing it would let two versions of migratore run at once */
	cr_assert_eq(pg_lock_key("migtest"), 7373665606429866262LL);
	cr_assert_neq(pg_lock_key("migtest"), pg_lock_key("migtest2"));
}

Test(driver_pg, lock_held_elsewhere_times_out, .timeout = 30)
{
	struct target *t = pg_target();
	struct db *a, *b;
	struct err e = ERR_INIT;
	double t0, waited;

	fresh_db(t);
	a = pg_open(t);
	b = pg_open(t);
	cr_assert_eq(drv->lock(a, 1, &e), 0, "%s", e.msg);
	t0 = now();
	cr_assert_eq(drv->lock(b, 1, &e), ERR_LOCK);
	waited = now() - t0;
	cr_assert(waited >= 0.95 && waited < 2.5, "waited %.2f s", waited);
	cr_assert(strstr(e.msg, "held by another session"), "%s", e.msg);
	cr_assert(strstr(e.msg, "pid "), "names the holder: %s", e.msg);
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
spawn_holder(const struct target *t, int timeout)
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
		    drv->lock(db, timeout, &e) == 0 && write(fds[1], "L", 1))
			pause();
		_exit(1);
	}
	close(fds[1]);
	cr_assert_eq(read(fds[0], &c, 1), 1, "holder did not lock");
	cr_assert_eq(c, 'L');
	close(fds[0]);
	return pid;
}

Test(driver_pg, lock_dies_with_a_killed_holder, .timeout = 30)
{
	struct target *t = pg_target();
	struct err e = ERR_INIT;
	struct db *db;
	pid_t holder;
	double t0;
	int status;

	fresh_db(t);
	db = pg_open(t);
	holder = spawn_holder(t, 5);
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

/* No server needed: the socket directory does not exist. */
static struct target *
socket_target(const char *dir, const char *password)
{
	struct target *t = target_new();

	set(&t->engine, "postgres");
	set(&t->unix_socket, dir);
	set(&t->db, "app");
	set(&t->username, "app");
	set(&t->password, password);
	return t;
}

Test(driver_pg, a_password_of_stars_ends, .timeout = 10)
{
	struct target *t = socket_target("/x/no*sock", "*");
	struct err e = ERR_INIT;
	struct db *db = NULL;

	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONNECT);
	cr_assert(strstr(e.msg, "/x/no*sock"), "message: %s", e.msg);
	target_free(t);
}

Test(driver_pg, a_one_letter_password_leaves_the_words_whole, .timeout = 10)
{
	struct target *t = socket_target("/x/nosock", "o");
	struct err e = ERR_INIT;
	struct db *db = NULL;

	cr_assert_eq(drv->connect(t, false, &db, &e), ERR_CONNECT);
	cr_assert(strstr(e.msg, "no such file or directory"), "message: %s",
		  e.msg);
	target_free(t);
}
