/* The engine table and the lookups and messages built from it; see
 * engine.h. */
#include "config.h"

#include "config/engine.h"

#include <string.h>
#include <strings.h>

#include "common/banned.h"

#define ALIASES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NO_ALIASES ((const char *const[]){ NULL })

static const struct engine engines[ENGINE_N] = {
	[ENGINE_SQLITE] = {
		.name = "sqlite",
		.aliases = NO_ALIASES,
		.file = true,
		.default_db = "migratore.db",
		.fallback = true,
	},
	[ENGINE_POSTGRES] = {
		.name = "postgres",
		.aliases = ALIASES("postgresql"),
		.default_host = "localhost",
		.default_port = 5432,
		.schema = ENGINE_SCHEMA_NAMESPACE,
		.name_max = 63, /* NAMEDATALEN - 1 */
	},
	[ENGINE_MYSQL] = {
		.name = "mysql",
		.aliases = ALIASES("mariadb"),
		.default_host = "localhost",
		.default_port = 3306,
		.schema = ENGINE_SCHEMA_DATABASE,
		.server_fallback = true,
	},
};

const struct engine *
engine_get(enum engine_id id)
{
	return &engines[(unsigned)id < ENGINE_N ? id : 0];
}

enum engine_id
engine_id(const struct engine *e)
{
	return (enum engine_id)(e - engines);
}

static bool
same(const char *name, const char *s, size_t n)
{
	return strlen(name) == n && strncasecmp(name, s, n) == 0;
}

const struct engine *
engine_find(const char *s, size_t n)
{
	const char *const *a;
	size_t i;

	for (i = 0; i < ENGINE_N; i++) {
		if (same(engines[i].name, s, n))
			return &engines[i];
		for (a = engines[i].aliases; *a; a++)
			if (same(*a, s, n))
				return &engines[i];
	}
	return NULL;
}

const struct engine *
engine_of(const char *name)
{
	size_t i;

	for (i = 0; name && i < ENGINE_N; i++)
		if (strcmp(engines[i].name, name) == 0)
			return &engines[i];
	return NULL;
}

bool
engine_is_file(const char *name)
{
	const struct engine *e = engine_of(name);

	return e != NULL && e->file;
}

const struct engine *
engine_fallback(bool server)
{
	size_t i;

	for (i = 0; i < ENGINE_N; i++)
		if (server ? engines[i].server_fallback : engines[i].fallback)
			return &engines[i];
	return &engines[0]; /* not reached: test_engine checks the table */
}

void
engine_expected(struct buf *out)
{
	const char *const *a;
	size_t i;

	buf_adds(out, "is not one of ");
	for (i = 0; i < ENGINE_N; i++) {
		buf_addf(out, "%s%s", i ? ", " : "", engines[i].name);
		for (a = engines[i].aliases; *a; a++)
			buf_addf(out, "%s%s%s", a == engines[i].aliases ? " (" : ", ",
				 *a, a[1] ? "" : ")");
	}
}

void
engine_schemes(struct buf *out)
{
	const char *const *a;
	size_t i;

	for (i = 0; i < ENGINE_N; i++) {
		buf_addf(out, "%s%s", i ? ", " : "", engines[i].name);
		for (a = engines[i].aliases; *a; a++)
			buf_addf(out, ", %s", *a);
	}
}
