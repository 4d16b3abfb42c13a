/*
 * The engines: one table row per database engine, holding everything the
 * configuration knows about it (its names, whether it is a file or a
 * server, its defaults). The ENGINE variable, the inventory's `engine`
 * key, DB_URL schemes and the engine of a `-- migratore: run postgres`
 * section marker all read their names from here; the driver registry
 * (drivers/driver.c) is indexed by the same rows.
 *
 * Names: a row's canonical name is what struct target's engine holds and
 * what messages and reports show; its aliases are accepted wherever the
 * name is, in any case. The canonical name and the aliases are also its
 * DB_URL schemes ("postgresql://", "mariadb://"): a file engine is written
 * "sqlite:path" or "sqlite:///abs/path", a server engine
 * "scheme://user:password@host:port/db" (config/dburl.h).
 *
 * Adding an engine: a row here (and its enum value); its driver in
 * drivers/<engine>/ (sources, and a local.mk that Makefile.am includes)
 * with its line in drivers/driver.c's registry; a build switch in
 * configure.ac (AC_ARG_WITH, AM_CONDITIONAL and WITH_<ENGINE>, as for
 * mysql). Nothing else in the program names engines.
 */
#ifndef MIG_ENGINE_H
#define MIG_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/* The rows, in the order messages list them. */
enum engine_id {
	ENGINE_SQLITE,
	ENGINE_POSTGRES,
	ENGINE_MYSQL,
	ENGINE_N
};

/*
 * What a target's `schema` names on an engine (docs/fleet.md, "Tenants").
 */
enum engine_schema {
	ENGINE_SCHEMA_NONE,      /* nothing: a file engine has no schemas */
	ENGINE_SCHEMA_NAMESPACE, /* a schema inside the database, the only
				    one on the search path (PostgreSQL) */
	ENGINE_SCHEMA_DATABASE,  /* a database of the server, in place of
				    db (MySQL: CREATE SCHEMA is CREATE
				    DATABASE) */
};

struct engine {
	const char *name;           /* canonical, lower case: "postgres" */
	const char *const *aliases; /* lower case, NULL-terminated */
	bool file;                  /* a database file, not a server */
	const char *default_host;   /* servers: shown when none is given */
	int default_port;           /* servers: shown when none is given */
	const char *default_db;     /* files: DB when none is given */
	enum engine_schema schema;  /* what a target's schema names */
	/* the longest identifier (bytes) a server keeps when it cuts longer
	 * ones silently (PostgreSQL); 0: it refuses them itself */
	size_t name_max;
	/*
	 * The engine chosen when nothing names one (ENGINE, a DB_URL scheme):
	 * `fallback` when no server is named either, `server_fallback` when
	 * HOST, PORT, UNIX_SOCKET, USERNAME or PASSWORD is set (the Python
	 * tool's rule). Exactly one row has each.
	 */
	bool fallback;
	bool server_fallback;
};

/* Row id (0 <= id < ENGINE_N); never NULL. */
const struct engine *engine_get(enum engine_id id);
/* The row's id: engine_get(engine_id(e)) == e. */
enum engine_id engine_id(const struct engine *e);

/* The row named s[0..n) (canonical name or alias, any case), or NULL. */
const struct engine *engine_find(const char *s, size_t n);

/* The row of a target's engine (a canonical name), or NULL. */
const struct engine *engine_of(const char *name);

/* Whether the named engine keeps its database in a file (SQLite). */
bool engine_is_file(const char *name);

/* The row with `fallback`, or with `server_fallback` when server is set. */
const struct engine *engine_fallback(bool server);

/*
 * Texts for messages, appended to out, built from the rows:
 * engine_expected  "is not one of sqlite, postgres (postgresql), mysql
 *                  (mariadb)", the one wording of an unknown engine name,
 *                  after the name quoted: "'oracle' is not one of ..."
 * engine_schemes   "sqlite, postgres, postgresql, mysql, mariadb"
 */
void engine_expected(struct buf *out);
void engine_schemes(struct buf *out);

#endif
