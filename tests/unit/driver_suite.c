/*
 * The driver suite: what every driver must do, written once against the
 * interface of drivers/driver.h (see driver_suite.h), and the helpers the
 * engines' own test files share.
 */
#include "config.h"

#include "tests/unit/driver_suite.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/strv.h"
#include "common/xmalloc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct suite_engine *const E = &suite_engine;

static const char *const no_columns[] = { NULL };

/* ---- helpers ---- */

void
suite_init(void)
{
	if (E->init)
		E->init();
}

void
suite_fini(void)
{
	if (E->fini)
		E->fini();
}

void
suite_set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup_or_null(value);
}

/* Set field by field from the environment: no URL parsing here. */
struct target *
suite_server_target(const char *url_var, const char *host_var,
		    const char *port_var)
{
	const char *port = getenv(port_var);
	struct target *t;

	if (!getenv(url_var) || !port)
		cr_skip_test("%s not set (run tests/servers.sh)", url_var);
	t = target_new();
	suite_set(&t->engine, E->engine);
	suite_set(&t->host, getenv(host_var));
	t->port = atoi(port);
	suite_set(&t->db, getenv("TEST_DB_NAME"));
	suite_set(&t->username, getenv("TEST_DB_USER"));
	suite_set(&t->password, getenv("TEST_DB_PASS"));
	return t;
}

struct db *
suite_open(const struct target *t, bool readonly)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;

	cr_assert_eq(db_connect(t, readonly, &db, &e), 0, "connect: %s",
		     e.msg);
	cr_assert_not_null(db);
	return db;
}

void
suite_run(struct db *db, const char *fmt, ...)
{
	struct buf sql = BUF_INIT;
	struct err e = ERR_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&sql, fmt, ap);
	va_end(ap);
	cr_assert_eq(db_exec(db, sql.ptr, &e), 0, "%s: %s", sql.ptr, e.msg);
	buf_release(&sql);
}

char *
suite_one(struct db *db, const char *sql, const struct db_param *p, size_t n)
{
	struct err e = ERR_INIT;
	struct db_rows *r = NULL;
	char *v;

	cr_assert_eq(db_query(db, sql, p, n, &r, &e), 0, "%s: %s", sql, e.msg);
	cr_assert_eq(r->nrows, 1, "%s: %zu rows", sql, r->nrows);
	cr_assert_eq(r->ncols, 1, "%s: %zu columns", sql, r->ncols);
	v = xstrdup_or_null(db_rows_get(r, 0, 0));
	db_rows_free(r);
	return v;
}

void
suite_assert_one(struct db *db, const char *sql, const char *want)
{
	char *s = suite_one(db, sql, NULL, 0);

	cr_assert_str_eq(s, want, "%s", sql);
	free(s);
}

void
suite_assert_columns(struct db *db, const char *table,
		     const char *const *want)
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

const char *
suite_unique(const char *stem)
{
	static char name[64];

	snprintf(name, sizeof(name), "%s_%ld", stem, (long)getpid());
	return name;
}

double
suite_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
suite_fresh_db(struct target *t)
{
	struct db *db;

	if (!E->server)
		return; /* a file of its own already */
	db = suite_open(t, false);
	suite_set(&t->db, suite_unique("lk"));
	suite_run(db, "DROP DATABASE IF EXISTS %s", t->db);
	suite_run(db, "CREATE DATABASE %s", t->db);
	db_close(db);
}

void
suite_drop_db(struct target *t)
{
	struct buf sql = BUF_INIT;
	struct db *db;

	if (!E->server)
		return;
	/* from the test database: PostgreSQL cannot drop the current one */
	buf_addf(&sql, "DROP DATABASE %s%s", t->db, E->drop_db_suffix);
	suite_set(&t->db, getenv("TEST_DB_NAME"));
	db = suite_open(t, false);
	suite_run(db, "%s", sql.ptr);
	buf_release(&sql);
	db_close(db);
}

void
suite_guard(void)
{
	alarm(15);
}

pid_t
suite_spawn_holder(const struct target *t, int *ctl)
{
	int ready[2], fds[2];
	char c = 0;
	pid_t pid;

	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct err e = ERR_INIT;
		struct db *db = NULL;

		close(ready[0]);
		close(fds[1]);
		alarm(30);
		if (db_connect(t, false, &db, &e) < 0 || db_lock(db, 5, &e) < 0)
			_exit(2);
		if (write(ready[1], "L", 1) != 1)
			_exit(3);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(fds[0]);
	cr_assert_eq(read(ready[0], &c, 1), 1, "lock holder did not start");
	cr_assert_eq(c, 'L');
	close(ready[0]);
	*ctl = fds[1];
	return pid;
}

TestSuite(every_driver, .init = suite_init, .fini = suite_fini,
	  .timeout = 30);

/* ---- values, bound byte for byte ---- */

static const char *const texts[] = {
	"it's",
	"it's 'quoted'",
	"say \"hi\"",
	"back\\slash \\' \\n",
	"C:\\path\\to \\n not a newline",
	"two\nlines\r\n",
	"line 1\nline 2\r\n\ttab",
	"UTF-8: héllo wörld ✓ 日本語 🎉",
	"na\xc3\xafve \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89",
	"",
	"?",
	"$1",
	"`tick`",
	"--not a comment",
	"-- no",
	"'); DROP TABLE t; --",
	"%s %d %n",
};

Test(every_driver, bound_text_round_trips_byte_for_byte)
{
	struct target *t = E->target();
	struct db *db = suite_open(t, false);
	const char *name = suite_unique("txt");
	struct buf sql = BUF_INIT;
	struct err e = ERR_INIT;
	struct db_param p[2];
	struct db_rows *r;
	size_t i, n = ARRAY_SIZE(texts);
	char len[32];

	suite_run(db, "CREATE TABLE %s (id %s, s %s)%s", name,
		  db->drv->type_int64, db->drv->type_text, E->table_options);
	buf_addf(&sql, "INSERT INTO %s (id, s) VALUES (?, ?)", name);
	for (i = 0; i <= n; i++) {
		p[0] = DBP_INTV((int64_t)i);
		p[1] = i < n ? DBP_TEXTV(texts[i]) : DBP_NULLV;
		cr_assert_eq(db_query(db, sql.ptr, p, 2, NULL, &e), 0, "%s",
			     e.msg);
	}
	buf_reset(&sql);
	buf_addf(&sql, "SELECT s, '?', %s FROM %s ORDER BY id", E->byte_length,
		 name);
	cr_assert_eq(db_query(db, sql.ptr, NULL, 0, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r->nrows, n + 1);
	cr_assert_eq(r->ncols, 3);
	for (i = 0; i < n; i++) {
		cr_assert_not_null(db_rows_get(r, i, 0), "%s: came back NULL",
				   texts[i]);
		cr_assert_str_eq(db_rows_get(r, i, 0), texts[i]);
		cr_assert_str_eq(db_rows_get(r, i, 1), "?");
		/* stored as text of that many bytes, not reinterpreted */
		snprintf(len, sizeof(len), "%zu", strlen(texts[i]));
		cr_assert_str_eq(db_rows_get(r, i, 2), len, "%s", texts[i]);
	}
	cr_assert_null(db_rows_get(r, n, 0), "NULL stays NULL");
	db_rows_free(r);
	suite_run(db, "DROP TABLE %s", name);
	buf_release(&sql);
	db_close(db);
	target_free(t);
}

Test(every_driver, null_round_trips)
{
	struct target *t = E->target();
	struct db *db = suite_open(t, false);
	struct db_param p[] = { DBP_NULLV, DBP_TEXTV((const char *)NULL) };
	const char *name = suite_unique("nul"), *text = db->drv->type_text;
	struct db_rows *rows = NULL;
	struct buf sql = BUF_INIT;
	struct err e = ERR_INIT;

	suite_run(db, "CREATE TABLE %s (a %s, b %s, c %s)%s", name, text, text,
		  text, E->table_options);
	buf_addf(&sql, "INSERT INTO %s VALUES (?, ?, 'x')", name);
	cr_assert_eq(db_query(db, sql.ptr, p, 2, NULL, &e), 0, "%s", e.msg);
	buf_reset(&sql);
	buf_addf(&sql, "SELECT a, b, c, a IS NULL, b IS NULL FROM %s", name);
	cr_assert_eq(db_query(db, sql.ptr, NULL, 0, &rows, &e), 0, "%s",
		     e.msg);
	cr_assert_eq(rows->nrows, 1);
	cr_assert_eq(rows->ncols, 5);
	cr_assert_null(db_rows_get(rows, 0, 0));
	cr_assert_null(db_rows_get(rows, 0, 1));
	cr_assert_str_eq(db_rows_get(rows, 0, 2), "x");
	cr_assert_str_eq(db_rows_get(rows, 0, 3), E->truth);
	cr_assert_str_eq(db_rows_get(rows, 0, 4), E->truth);
	db_rows_free(rows);
	suite_run(db, "DROP TABLE %s", name);
	buf_release(&sql);
	db_close(db);
	target_free(t);
}

Test(every_driver, int64_round_trips)
{
	static const int64_t values[] = { 5000000000LL, INT64_MAX, INT64_MIN,
					  -1, 0 };
	static const char *const want[] = { "5000000000",
					    "9223372036854775807",
					    "-9223372036854775808", "-1", "0" };
	struct target *t = E->target();
	struct db *db = suite_open(t, false);
	const char *name = suite_unique("i64");
	struct db_param p[2] = { DBP_INTV(5000000000LL),
				 DBP_INTV(-9000000000000000000LL) };
	struct buf ins = BUF_INIT, sel = BUF_INIT;
	struct err e = ERR_INIT;
	struct db_rows *r;
	size_t i;
	char *got;

	/* beyond 32 bits: left to inference, "? + 1" could be an int4 */
	cr_assert_eq(db_query(db, "SELECT ? + 1, ?", p, 2, &r, &e), 0, "%s",
		     e.msg);
	cr_assert_str_eq(db_rows_get(r, 0, 0), "5000000001");
	cr_assert_str_eq(db_rows_get(r, 0, 1), "-9000000000000000000");
	db_rows_free(r);

	suite_run(db, "CREATE TABLE %s (id %s, v %s)%s", name,
		  db->drv->type_int64, db->drv->type_int64, E->table_options);
	buf_addf(&ins, "INSERT INTO %s (id, v) VALUES (?, ?)", name);
	buf_addf(&sel, "SELECT v FROM %s WHERE id = ?", name);
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		p[0] = DBP_INTV((int64_t)i + 1);
		p[1] = DBP_INTV(values[i]);
		cr_assert_eq(db_query(db, ins.ptr, p, 2, NULL, &e), 0, "%s",
			     e.msg);
		got = suite_one(db, sel.ptr, p, 1);
		cr_assert_str_eq(got, want[i]);
		free(got);
	}
	suite_run(db, "DROP TABLE %s", name);
	buf_release(&ins);
	buf_release(&sel);
	db_close(db);
	target_free(t);
}

Test(every_driver, query_returns_every_row_in_order)
{
	struct target *t = E->target();
	struct db *db = suite_open(t, false);
	const char *name = suite_unique("rows");
	struct db_rows *rows = NULL;
	struct buf sql = BUF_INIT;
	struct err e = ERR_INIT;
	struct db_param p = DBP_INTV(2);

	suite_run(db, "CREATE TABLE %s (id %s, v %s)%s", name,
		  db->drv->type_int64, db->drv->type_text, E->table_options);
	suite_run(db, "INSERT INTO %s (id, v) VALUES (1, 'a'), (2, 'b'), "
		      "(3, 'c')",
		  name);
	buf_addf(&sql, "SELECT id, v FROM %s WHERE id >= ? ORDER BY id", name);
	cr_assert_eq(db_query(db, sql.ptr, &p, 1, &rows, &e), 0, "%s", e.msg);
	cr_assert_eq(rows->nrows, 2);
	cr_assert_eq(rows->ncols, 2);
	cr_assert_str_eq(db_rows_get(rows, 0, 0), "2");
	cr_assert_str_eq(db_rows_get(rows, 0, 1), "b");
	cr_assert_str_eq(db_rows_get(rows, 1, 0), "3");
	cr_assert_str_eq(db_rows_get(rows, 1, 1), "c");
	cr_assert_null(db_rows_get(rows, 2, 0));
	db_rows_free(rows);
	buf_reset(&sql);
	buf_addf(&sql, "SELECT v FROM %s WHERE id > 99", name);
	cr_assert_eq(db_query(db, sql.ptr, NULL, 0, &rows, &e), 0, "%s",
		     e.msg);
	cr_assert_eq(rows->nrows, 0);
	cr_assert_eq(rows->ncols, 1);
	db_rows_free(rows);
	suite_run(db, "DROP TABLE %s", name);
	buf_release(&sql);
	db_close(db);
	target_free(t);
}

Test(every_driver, a_wrong_number_of_parameters_is_a_bug)
{
	struct target *t = E->target();
	struct db *db = suite_open(t, false);
	struct db_param p = DBP_INTV(1);
	struct err e = ERR_INIT;

	cr_assert_eq(db_query(db, "SELECT ?, ?", &p, 1, NULL, &e),
		     ERR_INTERNAL);
	cr_assert_str_eq(e.msg, "statement has 2 placeholders but 1 "
				"parameters were given: SELECT ?, ?");
	db_close(db);
	target_free(t);
}

/* ---- transactions ---- */

/* The ids of table in order, "1,3,4". */
static char *
ids(struct db *db, const char *table)
{
	struct buf sql = BUF_INIT, out = BUF_INIT;
	struct err e = ERR_INIT;
	struct db_rows *r;
	size_t i;

	buf_addf(&sql, "SELECT id FROM %s ORDER BY id", table);
	cr_assert_eq(db_query(db, sql.ptr, NULL, 0, &r, &e), 0, "%s", e.msg);
	for (i = 0; i < r->nrows; i++)
		buf_addf(&out, "%s%s", i ? "," : "", db_rows_get(r, i, 0));
	db_rows_free(r);
	buf_release(&sql);
	return buf_detach(&out);
}

/* The driver's transactional_ddl tells the truth, seen from elsewhere. */
Test(every_driver, ddl_follows_transactional_ddl)
{
	static const char *const cols[] = { "id", "note", NULL };
	struct target *t = E->target();
	struct db *db = suite_open(t, false), *other = suite_open(t, false);
	const char *name = suite_unique("ddl");
	const char *const *after;
	struct err e = ERR_INIT;

	after = db_transactional_ddl(db) ? no_columns : cols;
	cr_assert_eq(db_begin(db, &e), 0, "%s", e.msg);
	suite_run(db, "CREATE TABLE %s (id %s, note %s)%s", name,
		  db->drv->type_int64, db->drv->type_text, E->table_options);
	suite_run(db, "INSERT INTO %s (id, note) VALUES (1, 'ann')", name);
	suite_assert_columns(db, name, cols);
	cr_assert_eq(db_rollback(db, &e), 0, "%s", e.msg);
	suite_assert_columns(db, name, after);
	suite_assert_columns(other, name, after);
	suite_run(db, "DROP TABLE IF EXISTS %s", name);

	cr_assert_eq(db_begin(db, &e), 0, "%s", e.msg);
	suite_run(db, "CREATE TABLE %s (id %s, note %s)%s", name,
		  db->drv->type_int64, db->drv->type_text, E->table_options);
	cr_assert_eq(db_commit(db, &e), 0, "%s", e.msg);
	suite_assert_columns(db, name, cols);
	suite_assert_columns(other, name, cols);
	suite_run(db, "DROP TABLE %s", name);
	db_close(other);
	db_close(db);
	target_free(t);
}

Test(every_driver, outside_a_transaction_statements_commit)
{
	struct target *t = E->target();
	struct db *a = suite_open(t, false), *b = suite_open(t, false);
	const char *name = suite_unique("ac");
	struct err e = ERR_INIT;
	char *s;

	suite_run(a, "CREATE TABLE %s (id %s)%s", name, a->drv->type_int64,
		  E->table_options);
	suite_run(a, "INSERT INTO %s VALUES (1)", name);
	s = ids(b, name);
	cr_assert_str_eq(s, "1", "seen from another session at once");
	free(s);
	cr_assert_eq(db_begin(a, &e), 0, "%s", e.msg);
	suite_run(a, "INSERT INTO %s VALUES (2)", name);
	cr_assert_eq(db_rollback(a, &e), 0, "%s", e.msg);
	cr_assert_eq(db_begin(a, &e), 0, "%s", e.msg);
	suite_run(a, "INSERT INTO %s VALUES (3)", name);
	cr_assert_eq(db_commit(a, &e), 0, "%s", e.msg);
	suite_run(a, "INSERT INTO %s VALUES (4)", name);
	s = ids(b, name);
	cr_assert_str_eq(s, "1,3,4");
	free(s);
	suite_run(a, "DROP TABLE %s", name);
	db_close(a);
	db_close(b);
	target_free(t);
}

/* ---- identifiers ---- */

ParameterizedTestParameters(every_driver, quote_ident)
{
	return cr_make_param_array(struct suite_quote, (void *)E->quotes,
				   E->nquotes);
}

/* Quoted as the engine wants, and read back by it as the same name. */
ParameterizedTest(struct suite_quote *q, every_driver, quote_ident)
{
	struct target *t = E->target();
	struct db *db = suite_open(t, false);
	struct buf name = BUF_INIT, qname = BUF_INIT, qcol = BUF_INIT;
	const char *const want[] = { q->in, NULL };

	db_quote_ident(db, q->in, &qcol);
	cr_assert_str_eq(qcol.ptr, q->out);
	buf_addf(&name, "%s %ld", q->in, (long)getpid());
	db_quote_ident(db, name.ptr, &qname);
	suite_run(db, "CREATE TABLE %s (%s %s)%s", qname.ptr, qcol.ptr,
		  db->drv->type_int64, E->table_options);
	suite_assert_columns(db, name.ptr, want);
	suite_run(db, "DROP TABLE %s", qname.ptr);
	suite_assert_columns(db, name.ptr, no_columns);
	buf_release(&name);
	buf_release(&qname);
	buf_release(&qcol);
	db_close(db);
	target_free(t);
}

/* ---- the migration lock ---- */

Test(every_driver, lock_held_elsewhere_times_out)
{
	struct target *t = E->target();
	struct err e = ERR_INIT;
	struct db *a, *b;
	double t0, waited;

	suite_fresh_db(t);
	a = suite_open(t, false);
	b = suite_open(t, false);
	cr_assert_eq(db_lock(a, 1, &e), 0, "%s", e.msg);
	t0 = suite_now();
	cr_assert_eq(db_lock(b, 1, &e), ERR_LOCK);
	waited = suite_now() - t0;
	cr_assert(waited >= 0.95 && waited < 2.5, "waited %.2f s", waited);
	cr_assert(strstr(e.msg, E->lock_says[0]), "%s", e.msg);
	cr_assert(strstr(e.msg, E->lock_says[1]), "%s", e.msg);
	cr_assert(strstr(e.msg, "waited 1 s"), "%s", e.msg);
	cr_assert_eq(db_unlock(a, &e), 0, "%s", e.msg);
	t0 = suite_now();
	cr_assert_eq(db_lock(b, 1, &e), 0, "%s", e.msg);
	cr_assert_lt(suite_now() - t0, 0.5);
	cr_assert_eq(db_unlock(b, &e), 0);
	cr_assert_eq(db_unlock(b, &e), E->unlock_unheld, "not held any more");
	db_close(a);
	db_close(b);
	suite_drop_db(t);
	target_free(t);
}

/* The unlock sent with the goodbye, its reply not awaited, has run by the
 * time the next runner has logged in: its one try gets the lock. */
Test(every_driver, unlock_close_frees_the_lock_for_the_next_login)
{
	struct target *t = E->target();
	struct err e = ERR_INIT;
	struct db *a, *b;
	int i;

	suite_fresh_db(t);
	for (i = 0; i < 20; i++) {
		a = suite_open(t, false);
		cr_assert_eq(db_lock(a, 1, &e), 0, "%s", e.msg);
		db_unlock_close(a);
		b = suite_open(t, false);
		cr_assert_eq(db_lock(b, 0, &e), 0, "try %d: %s", i, e.msg);
		db_unlock_close(b);
	}
	suite_drop_db(t);
	target_free(t);
}

/* A database of its own whose lock another process holds. */
struct held {
	struct target *t;
	struct db *db; /* ours, not holding it */
	pid_t holder;
	int ctl; /* closing it lets the holder go */
};

static void
held_start(struct held *h)
{
	suite_guard();
	h->t = E->target();
	suite_fresh_db(h->t);
	h->db = suite_open(h->t, false);
	h->holder = suite_spawn_holder(h->t, &h->ctl);
}

static void
held_end(struct held *h)
{
	if (h->ctl >= 0)
		close(h->ctl);
	db_close(h->db);
	suite_drop_db(h->t);
	target_free(h->t);
}

Test(every_driver, lock_dies_with_a_killed_holder)
{
	struct err e = ERR_INIT;
	struct held h;
	double t0, waited;
	int status;

	held_start(&h);
	t0 = suite_now();
	cr_assert_eq(db_lock(h.db, 1, &e), ERR_LOCK, "the holder has it");
	waited = suite_now() - t0;
	cr_assert_geq(waited, 0.95, "gave up after %.3f s", waited);
	cr_assert_lt(waited, 2.0, "waited %.3f s", waited);
	cr_assert_eq(kill(h.holder, SIGKILL), 0);
	cr_assert_eq(waitpid(h.holder, &status, 0), h.holder);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	t0 = suite_now();
	cr_assert_eq(db_lock(h.db, E->freed_wait, &e), 0, "%s", e.msg);
	cr_assert_lt(suite_now() - t0, E->freed_within,
		     "the lock went with its holder");
	held_end(&h);
}

Test(every_driver, a_waiter_gets_the_lock_when_the_holder_lets_go)
{
	struct err e = ERR_INIT;
	struct held h;
	int status;

	held_start(&h);
	close(h.ctl); /* the holder exits on EOF, releasing the lock */
	h.ctl = -1;
	cr_assert_eq(db_lock(h.db, 5, &e), 0, "%s", e.msg);
	cr_assert_eq(waitpid(h.holder, &status, 0), h.holder);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	held_end(&h);
}
