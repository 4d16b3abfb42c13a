/*
 * Unit tests of the driver registry: finding drivers by name, the check of
 * DB_URL parameters with its exact messages, result sets, and the DEBUG trace
 * of SQL on stderr (through the SQLite driver, which is always built).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/strv.h"
#include "common/xmalloc.h"
#include "drivers/driver.h"

/* A target that owns nothing but its params; engine is borrowed. */
static struct target
target_for(const char *engine)
{
	struct target t;

	memset(&t, 0, sizeof(t));
	t.engine = (char *)engine;
	t.lock_timeout = 1;
	return t;
}

/* Every row of the engine table has its driver, under the row's name,
 * unless configure left it out. */
Test(driver, finds_every_engine_by_name)
{
	static const bool built[ENGINE_N] = {
		[ENGINE_SQLITE] = true,
		[ENGINE_POSTGRES] = WITH_POSTGRES,
		[ENGINE_MYSQL] = WITH_MYSQL,
	};
	size_t i;

	for (i = 0; i < ENGINE_N; i++) {
		const char *name = engine_get(i)->name;
		const struct driver *drv = driver_find(name);

		cr_assert_eq(driver_of(i), drv, "%s", name);
		if (!built[i]) {
			cr_assert_null(drv, "%s is not built", name);
			continue;
		}
		cr_assert_not_null(drv, "%s not registered", name);
		cr_assert_str_eq(drv->name, name);
	}
	cr_assert_null(driver_of(ENGINE_N));
}

Test(driver, every_registered_driver_is_complete)
{
	const struct driver *drv;
	size_t i;

	for (i = 0; i < ENGINE_N; i++) {
		if ((drv = driver_of(i)) == NULL)
			continue;
		cr_assert_not_null(drv->url_params, "%s", drv->name);
		cr_assert_not_null(drv->url_params(), "%s", drv->name);
		cr_assert_not_null(drv->type_int64, "%s", drv->name);
		cr_assert_not_null(drv->type_text, "%s", drv->name);
		cr_assert_not_null(drv->type_string, "%s", drv->name);
		cr_assert(drv->connect && drv->close && drv->lock &&
			      drv->unlock && drv->begin && drv->commit &&
			      drv->rollback && drv->exec && drv->query &&
			      drv->columns && drv->quote_ident &&
			      drv->server_version && drv->commits_implicitly,
			  "%s lacks a function", drv->name);
	}
}

Test(driver, unknown_names_are_not_found)
{
	cr_assert_null(driver_find("oracle"));
	cr_assert_null(driver_find("SQLite"));
	cr_assert_null(driver_find(""));
	cr_assert_null(driver_find(NULL));
}

/* The engines this build has, as messages list them. */
#define BUILT "sqlite" WITH_PG_NAME WITH_MY_NAME
#if WITH_POSTGRES
#define WITH_PG_NAME ", postgres"
#else
#define WITH_PG_NAME ""
#endif
#if WITH_MYSQL
#define WITH_MY_NAME ", mysql"
#else
#define WITH_MY_NAME ""
#endif

Test(driver, validate_rejects_an_unknown_engine)
{
	struct target t = target_for("oracle");
	struct err e = ERR_INIT;
	struct db sentinel;
	struct db *db = &sentinel; /* must be reset to NULL */

	cr_assert_eq(driver_validate(&t, &e), ERR_CONFIG);
	cr_assert_str_eq(e.msg, "unknown engine 'oracle' (supported: " BUILT
				")");
	err_clear(&e);
	cr_assert_eq(db_connect(&t, true, &db, &e), ERR_CONFIG);
	cr_assert_null(db);
	cr_assert_str_eq(e.msg, "unknown engine 'oracle' (supported: " BUILT
				")");
}

#if !WITH_MYSQL
/* Only in a build without MySQL (./configure --without-mysql). */
Test(driver, an_engine_left_out_is_named_so)
{
	struct target t = target_for("mysql");
	struct err e = ERR_INIT;
	struct db *db = NULL;

	cr_assert_eq(driver_validate(&t, &e), ERR_CONFIG);
	cr_assert_str_eq(e.msg, "engine 'mysql' is not compiled into this "
				"migratore (built with: " BUILT "; see "
				"./configure --help)");
	err_clear(&e);
	cr_assert_eq(db_connect(&t, true, &db, &e), ERR_CONFIG);
	cr_assert_null(db);
}
#endif

Test(driver, validate_rejects_a_parameter_sqlite_does_not_take)
{
	struct target t = target_for("sqlite");
	struct err e = ERR_INIT;

	strv_push(&t.params, "foo=bar");
	cr_assert_eq(driver_validate(&t, &e), ERR_CONFIG);
	cr_assert_str_eq(e.msg, "DB_URL: parameter 'foo' is not supported by "
				"the sqlite driver (supported: none)");
	strv_release(&t.params);
}

Test(driver, validate_accepts_no_parameters)
{
	struct target t = target_for("sqlite");
	struct err e = ERR_INIT;

	cr_assert_eq(driver_validate(&t, &e), 0);
	cr_assert_not(err_is_set(&e));
}

/* Arrays, not pointers: Criterion re-executes the binary for each test,
 * so a pointer into the parent's data would not survive the trip. */
struct engine_case {
	char name[16];
};

static struct engine_case engines[] = {
	{ "sqlite" },
#if WITH_POSTGRES
	{ "postgres" },
#endif
#if WITH_MYSQL
	{ "mysql" },
#endif
};

ParameterizedTestParameters(driver, validate_checks_each_parameter)
{
	return cr_make_param_array(struct engine_case, engines,
				   sizeof(engines) / sizeof(engines[0]));
}

ParameterizedTestParameters(driver, validate_suggests_a_typo)
{
	return cr_make_param_array(struct engine_case, engines,
				   sizeof(engines) / sizeof(engines[0]));
}

/*
 * For every engine: each parameter the driver lists is accepted, an unknown
 * one is named with the driver's whole list, also after valid ones.
 */
ParameterizedTest(struct engine_case *ec, driver,
		  validate_checks_each_parameter)
{
	const char *engine = ec->name;
	const struct driver *drv = driver_find(engine);
	const char *const *names;
	struct target t = target_for(engine);
	struct buf want = BUF_INIT;
	struct err e = ERR_INIT;
	const char *const *p;

	cr_assert_not_null(drv);
	names = drv->url_params();
	for (p = names; *p != NULL; p++)
		strv_pushf(&t.params, "%s=1", *p);
	cr_assert_eq(driver_validate(&t, &e), 0, "%s", e.msg);

	strv_push(&t.params, "frobnicate=on");
	buf_addf(&want,
		 "DB_URL: parameter 'frobnicate' is not supported by the %s "
		 "driver (supported: ",
		 engine);
	for (p = names; *p != NULL; p++)
		buf_addf(&want, "%s%s", p == names ? "" : ", ", *p);
	buf_adds(&want, names[0] ? ")" : "none)");
	cr_assert_eq(driver_validate(&t, &e), ERR_CONFIG);
	cr_assert_str_eq(e.msg, want.ptr);
	buf_release(&want);
	strv_release(&t.params);
}

/* A typo of a known parameter names the one that was meant. */
ParameterizedTest(struct engine_case *ec, driver, validate_suggests_a_typo)
{
	const struct driver *drv = driver_find(ec->name);
	const char *first = drv->url_params()[0];
	struct target t = target_for(ec->name);
	struct buf typo = BUF_INIT, want = BUF_INIT;
	struct err e = ERR_INIT;

	if (first == NULL)
		return; /* sqlite: no parameter to misspell */
	buf_addf(&typo, "%sx", first);
	strv_pushf(&t.params, "%s=1", typo.ptr);
	buf_addf(&want,
		 "DB_URL: parameter '%s' is not supported by the %s driver "
		 "(did you mean '%s'?)",
		 typo.ptr, ec->name, first);
	cr_assert_eq(driver_validate(&t, &e), ERR_CONFIG);
	cr_assert_str_eq(e.msg, want.ptr);
	buf_release(&typo);
	buf_release(&want);
	strv_release(&t.params);
}

/* A parameter given twice would leave the driver and the check to pick
 * different ones. */
Test(driver, a_parameter_given_twice_is_an_error)
{
	const struct driver *drv = driver_find("mysql");
	struct target t = target_for("mysql");
	struct err e = ERR_INIT;

	if (drv == NULL)
		return;
	strv_push(&t.params, "ssl_mode=disabled");
	strv_push(&t.params, "ssl_ca=/ca.pem");
	strv_push(&t.params, "ssl_mode=required");
	cr_assert_eq(driver_validate(&t, &e), ERR_CONFIG);
	cr_assert_str_eq(e.msg, "DB_URL: parameter 'ssl_mode' is given twice");
	strv_release(&t.params);
}

Test(driver, a_parameter_without_value_is_named_whole)
{
	struct target t = target_for("sqlite");
	struct err e = ERR_INIT;

	strv_push(&t.params, "readonly");
	cr_assert_eq(driver_validate(&t, &e), ERR_CONFIG);
	cr_assert_str_eq(e.msg, "DB_URL: parameter 'readonly' is not "
				"supported by the sqlite driver (supported: "
				"none)");
	strv_release(&t.params);
}

Test(driver, rows_are_row_major_with_null_cells)
{
	struct db_rows *r = xcalloc(1, sizeof(*r));

	r->nrows = 2;
	r->ncols = 3;
	r->cells = xcalloc(6, sizeof(char *));
	r->cells[0] = xstrdup("1");
	r->cells[1] = xstrdup("a");
	r->cells[2] = NULL;
	r->cells[3] = xstrdup("2");
	r->cells[4] = xstrdup("b");
	r->cells[5] = xstrdup("");
	cr_assert_str_eq(db_rows_get(r, 0, 0), "1");
	cr_assert_str_eq(db_rows_get(r, 0, 1), "a");
	cr_assert_null(db_rows_get(r, 0, 2));
	cr_assert_str_eq(db_rows_get(r, 1, 0), "2");
	cr_assert_str_eq(db_rows_get(r, 1, 1), "b");
	cr_assert_str_eq(db_rows_get(r, 1, 2), "");
	/* outside the set: NULL, never a neighbour's cell */
	cr_assert_null(db_rows_get(r, 2, 0));
	cr_assert_null(db_rows_get(r, 0, 3));
	cr_assert_null(db_rows_get(NULL, 0, 0));
	db_rows_free(r);
	db_rows_free(NULL);
}

/* --- DEBUG tracing, through a real SQLite database --- */

static char tracedir[256];
static struct target tracetgt;

static void
trace_setup(void)
{
	snprintf(tracedir, sizeof(tracedir), "/tmp/test_driver.XXXXXX");
	cr_assert_not_null(mkdtemp(tracedir));
	tracetgt = target_for("sqlite");
	tracetgt.db = xasprintf("%s/trace.db", tracedir);
	cr_redirect_stderr();
}

static void
trace_teardown(void)
{
	char *lock = xasprintf("%s.lock", tracetgt.db);

	unlink(lock);
	unlink(tracetgt.db);
	rmdir(tracedir);
	free(lock);
	free(tracetgt.db);
}

TestSuite(trace, .init = trace_setup, .fini = trace_teardown);

static void
run_some_sql(void)
{
	struct err e = ERR_INIT;
	struct strv cols = STRV_INIT;
	struct db *db = NULL;
	struct db_param p = DBP_TEXTV("x");

	cr_assert_eq(db_connect(&tracetgt, false, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(db_lock(db, 1, &e), 0, "%s", e.msg);
	cr_assert_eq(db_begin(db, &e), 0, "%s", e.msg);
	cr_assert_eq(db_exec(db, "CREATE TABLE t (v TEXT)", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(db_query(db, "INSERT INTO t VALUES (?)", &p, 1, NULL, &e),
		     0, "%s", e.msg);
	cr_assert_eq(db_commit(db, &e), 0, "%s", e.msg);
	cr_assert_eq(db_columns(db, "t", &cols, &e), 0, "%s", e.msg);
	cr_assert_eq(cols.n, 1);
	cr_assert_eq(db_unlock(db, &e), 0, "%s", e.msg);
	db_close(db);
	strv_release(&cols);
	fflush(stderr);
}

Test(trace, debug_prints_every_statement_on_stderr)
{
	tracetgt.debug = true;
	run_some_sql();
	cr_assert_stderr_eq_str(
	    "[sqlite] SELECT count(*) FROM sqlite_master\n"
	    "[sqlite] BEGIN IMMEDIATE\n"
	    "[sqlite] CREATE TABLE t (v TEXT)\n"
	    "[sqlite] INSERT INTO t VALUES (?)\n"
	    "[sqlite] COMMIT\n"
	    "[sqlite] SELECT name, NULL, NULL, NULL FROM "
	    "pragma_table_info(?2, ?1) ORDER BY cid\n");
}

Test(trace, without_debug_stderr_stays_empty)
{
	tracetgt.debug = false;
	run_some_sql();
	cr_assert_stderr_eq_str("");
}
