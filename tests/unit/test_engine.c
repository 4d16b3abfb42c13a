/* Unit tests for config/engine: the engine table, its lookups and the
 * messages built from it. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <ctype.h>
#include <string.h>

#include "common/buf.h"
#include "config/engine.h"

/*
 * Criterion runs each case in a fresh process where the parent's pointers
 * mean nothing: the parameters are indices into file-level tables.
 */
#define NCASES(t) (sizeof(t) / sizeof((t)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

static const struct {
	const char *s;
	const char *want; /* canonical name; NULL: unknown */
} names[] = {
	{ "sqlite", "sqlite" },
	{ "SQLite", "sqlite" },
	{ "postgres", "postgres" },
	{ "POSTGRES", "postgres" },
	{ "postgresql", "postgres" },
	{ "PostgreSQL", "postgres" },
	{ "mysql", "mysql" },
	{ "MySQL", "mysql" },
	{ "mariadb", "mysql" },
	{ "MariaDB", "mysql" },
	{ "", NULL },
	{ "oracle", NULL },
	{ "postgre", NULL },
	{ "postgresqlx", NULL },
	{ "sqlite3", NULL },
	{ "pg", NULL },
	{ "maria", NULL },
	{ " mysql", NULL },
	{ "mysql ", NULL },
};

ParameterizedTestParameters(engine, find) { CASE_INDICES(names); }

ParameterizedTest(size_t *i, engine, find)
{
	const struct engine *e = engine_find(names[*i].s, strlen(names[*i].s));

	if (names[*i].want == NULL) {
		cr_assert_null(e, "'%s' found as %s", names[*i].s,
			       e ? e->name : "");
		return;
	}
	cr_assert_not_null(e, "'%s' not found", names[*i].s);
	cr_assert_str_eq(e->name, names[*i].want, "'%s'", names[*i].s);
}

/* The length bounds the name: a marker's engine is not NUL-terminated. */
Test(engine, find_reads_only_n_bytes)
{
	cr_assert_str_eq(engine_find("mysql now", 5)->name, "mysql");
	cr_assert_str_eq(engine_find("postgresql", 8)->name, "postgres");
	cr_assert_null(engine_find("postgresql", 7));
}

Test(engine, of_takes_only_canonical_names)
{
	cr_assert_eq(engine_of("postgres"), engine_get(ENGINE_POSTGRES));
	cr_assert_eq(engine_of("mysql"), engine_get(ENGINE_MYSQL));
	cr_assert_eq(engine_of("sqlite"), engine_get(ENGINE_SQLITE));
	cr_assert_null(engine_of("postgresql"));
	cr_assert_null(engine_of("SQLite"));
	cr_assert_null(engine_of("oracle"));
	cr_assert_null(engine_of(NULL));
}

Test(engine, file_or_server)
{
	cr_assert(engine_is_file("sqlite"));
	cr_assert_not(engine_is_file("postgres"));
	cr_assert_not(engine_is_file("mysql"));
	cr_assert_not(engine_is_file("oracle"));
	cr_assert_not(engine_is_file(NULL));
}

Test(engine, defaults)
{
	const struct engine *pg = engine_get(ENGINE_POSTGRES);
	const struct engine *my = engine_get(ENGINE_MYSQL);
	const struct engine *lite = engine_get(ENGINE_SQLITE);

	cr_assert_str_eq(pg->default_host, "localhost");
	cr_assert_eq(pg->default_port, 5432);
	cr_assert_str_eq(my->default_host, "localhost");
	cr_assert_eq(my->default_port, 3306);
	cr_assert_str_eq(lite->default_db, "migratore.db");
	cr_assert_eq(engine_fallback(false), lite);
	cr_assert_eq(engine_fallback(true), my);
}

static bool
lower_case(const char *s)
{
	for (; *s; s++)
		if (tolower((unsigned char)*s) != *s)
			return false;
	return true;
}

/* What the rest of the program relies on, for every row. */
Test(engine, every_row_is_complete)
{
	const struct engine *e;
	const char *const *a;
	size_t i, fallbacks = 0, server_fallbacks = 0;

	for (i = 0; i < ENGINE_N; i++) {
		e = engine_get(i);
		cr_assert_eq(engine_id(e), (enum engine_id)i);
		cr_assert(e->name && *e->name && lower_case(e->name));
		cr_assert_eq(engine_find(e->name, strlen(e->name)), e);
		cr_assert_not_null(e->aliases, "%s", e->name);
		for (a = e->aliases; *a; a++) {
			cr_assert(lower_case(*a), "%s", *a);
			cr_assert_eq(engine_find(*a, strlen(*a)), e, "%s", *a);
		}
		if (e->file)
			cr_assert(e->default_db && !e->default_host &&
				      !e->default_port,
				  "%s", e->name);
		else
			cr_assert(!e->default_db && e->default_host &&
				      e->default_port > 0,
				  "%s", e->name);
		fallbacks += e->fallback;
		server_fallbacks += e->server_fallback;
	}
	cr_assert_eq(fallbacks, 1);
	cr_assert_eq(server_fallbacks, 1);
	cr_assert(engine_fallback(false)->file, "the default needs no server");
	cr_assert_not(engine_fallback(true)->file);
}

Test(engine, messages_list_every_name)
{
	struct buf b = BUF_INIT;

	engine_expected(&b);
	cr_assert_str_eq(b.ptr, "is not one of sqlite, postgres (postgresql), "
				"mysql (mariadb)");
	buf_reset(&b);
	engine_schemes(&b);
	cr_assert_str_eq(b.ptr, "sqlite, postgres, postgresql, mysql, mariadb");
	buf_release(&b);
}
