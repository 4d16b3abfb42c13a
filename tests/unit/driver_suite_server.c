/*
 * The driver suite for engines with a server (see driver_suite.h): logins,
 * places where no server answers, DB_URL parameters, readonly sessions,
 * sockets and lost connections, and no password in any of their messages.
 */
#include "config.h"

#include "tests/unit/driver_suite.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/strv.h"
#include "common/xmalloc.h"

static const struct suite_engine *const E = &suite_engine;

TestSuite(server_driver, .init = suite_init, .fini = suite_fini,
	  .timeout = 30);

Test(server_driver, wrong_password_is_refused_without_echoing_it)
{
	struct target *t = E->target();
	struct err e = ERR_INIT;
	struct db *db = NULL;
	char where[128];
	double t0 = suite_now();

	suite_set(&t->password, "Wr0ng-s3cret");
	cr_assert_eq(db_connect(t, false, &db, &e), ERR_REFUSED, "%s", e.msg);
	cr_assert_null(db);
	cr_assert_lt(suite_now() - t0, 10.0);
	snprintf(where, sizeof(where), "127.0.0.1:%d/%s", t->port, t->db);
	cr_assert(strstr(e.msg, where), "message: %s", e.msg);
	cr_assert(strstr(e.msg, E->password_refused), "message: %s", e.msg);
	cr_assert_eq(e.native, E->password_native);
	cr_assert_str_eq(e.sqlstate, E->password_sqlstate);
	cr_assert(strstr(e.msg, "(refused by the server: "), "message: %s",
		  e.msg);
	cr_assert_null(strstr(e.msg, "Wr0ng-s3cret"), "message: %s", e.msg);
	/* not even masked: the library never had it in its words */
	cr_assert_null(strstr(e.msg, "****"), "message: %s", e.msg);
	target_free(t);
}

ParameterizedTestParameters(server_driver, unreachable)
{
	return cr_make_param_array(struct suite_place, (void *)E->places,
				   E->nplaces);
}

ParameterizedTest(struct suite_place *c, server_driver, unreachable)
{
	struct target *t = E->target();
	struct err e = ERR_INIT;
	struct db *db = NULL;
	char where[256];

	if (c->host[0])
		suite_set(&t->host, c->host);
	if (c->port)
		t->port = c->port;
	if (c->db[0])
		suite_set(&t->db, c->db);
	cr_assert_eq(db_connect(t, false, &db, &e), c->rc, "%s", e.msg);
	cr_assert_str_eq(e.sqlstate, c->sqlstate, "%s", e.msg);
	cr_assert_null(db);
	snprintf(where, sizeof(where), "cannot connect to %s at %s:%d/%s",
		 E->engine, t->host, t->port, t->db);
	cr_assert(strstr(e.msg, where), "message: %s", e.msg);
	cr_assert(strstr(e.msg, c->says), "message: %s", e.msg);
	cr_assert_eq(e.native != 0, c->native, "native %ld", e.native);
	target_free(t);
}

ParameterizedTestParameters(server_driver, url_parameters)
{
	return cr_make_param_array(struct suite_params, (void *)E->params,
				   E->nparams);
}

/* What libpq or Connector/C cannot tell from a network failure is a
 * configuration error; TLS required of a server without it fails. */
ParameterizedTest(struct suite_params *c, server_driver, url_parameters)
{
	struct target *t = E->target();
	struct err e = ERR_INIT;
	struct db *db = NULL;
	char *p, *save = NULL, *list = xstrdup(c->params);

	for (p = strtok_r(list, " ", &save); p; p = strtok_r(NULL, " ", &save))
		strv_push(&t->params, p);
	cr_assert_eq(db_connect(t, false, &db, &e), c->rc, "%s: %s",
		     c->params, e.msg);
	cr_assert(strstr(e.msg, c->says), "%s: %s", c->params, e.msg);
	cr_assert_eq(db != NULL, c->rc == 0);
	db_close(db);
	free(list);
	target_free(t);
}

Test(server_driver, readonly_connection_writes_nothing)
{
	struct target *t = E->target();
	struct err e = ERR_INIT;
	struct db *db;

	suite_fresh_db(t);
	db = suite_open(t, true);
	cr_assert_eq(db_exec(db, "CREATE TABLE ro_never (a INT)", &e),
		     ERR_SQL);
	cr_assert_str_eq(e.sqlstate, E->readonly_sqlstate, "%s", e.msg);
	cr_assert_eq(e.native, E->readonly_native, "%ld %s", e.native, e.msg);
	cr_assert_eq(db_lock(db, 1, &e), 0, "lock in readonly: %s", e.msg);
	cr_assert_eq(db_unlock(db, &e), 0, "%s", e.msg);
	db_close(db);
	suite_drop_db(t);
	target_free(t);
}

Test(server_driver, connects_over_the_unix_socket)
{
	struct target *t = E->target();
	struct db *db;
	char *s;

	suite_set(&t->host, NULL);
	if (!E->socket_port)
		t->port = 0;
	suite_set(&t->unix_socket, getenv(E->socket_env));
	db = suite_open(t, false);
	s = suite_one(db, E->socket_sql, NULL, 0);
	cr_assert_str_eq(s, E->socket_says);
	free(s);
	db_close(db);
	target_free(t);
}

Test(server_driver, lost_connection_is_a_connect_error)
{
	struct target *t = E->target();
	struct db *victim = suite_open(t, false);
	struct db *killer = suite_open(t, false);
	struct err e = ERR_INIT;
	struct db_rows *r = NULL;
	struct db_param id;
	char *s;

	s = suite_one(victim, E->session_sql, NULL, 0);
	id = DBP_INTV(atoll(s));
	free(s);
	cr_assert_eq(db_query(killer, E->kill_sql, &id, 1, &r, &e), 0, "%s",
		     e.msg);
	cr_assert_eq(r->nrows, E->kill_says ? 1 : 0);
	if (E->kill_says)
		cr_assert_str_eq(db_rows_get(r, 0, 0), E->kill_says);
	db_rows_free(r);
	cr_assert_eq(db_exec(victim, "SELECT 1", &e), ERR_CONNECT, "%s",
		     e.msg);
	cr_assert(strstr(e.msg, "lost"), "%s", e.msg);
	db_close(victim);
	db_close(killer);
	target_free(t);
}

/* ---- passwords in messages; no server needed ---- */

/* A socket that does not exist: the library's own words come back. */
static struct target *
nowhere(const char *socket, const char *password)
{
	struct target *t = target_new();

	suite_set(&t->engine, E->engine);
	suite_set(&t->unix_socket, socket);
	suite_set(&t->db, "app");
	suite_set(&t->username, "app");
	suite_set(&t->password, password);
	return t;
}

/* Masking '*' with "****" once matched again and again, forever. */
Test(server_driver, a_password_of_stars_ends, .timeout = 10)
{
	static const char *const stars[] = { "*", "**", "***", "****" };
	struct target *t;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	size_t i;

	for (i = 0; i < 4; i++) {
		t = nowhere("/x/no*sock", stars[i]);
		cr_assert_eq(db_connect(t, false, &db, &e), ERR_CONNECT);
		cr_assert(strstr(e.msg, "/x/no*sock"), "message: %s", e.msg);
		cr_assert_null(strstr(e.msg, "****"), "message: %s", e.msg);
		target_free(t);
	}
}

/* Masking by substring turned "No such" into "N**** such". */
Test(server_driver, a_one_letter_password_leaves_the_words_whole,
     .timeout = 10)
{
	struct target *t = nowhere("/x/nosock", "o");
	struct err e = ERR_INIT;
	struct db *db = NULL;

	cr_assert_eq(db_connect(t, false, &db, &e), ERR_CONNECT);
	cr_assert(strstr(e.msg, E->socket_missing_says), "message: %s",
		  e.msg);
	target_free(t);
}
