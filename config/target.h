/*
 * One database target: everything needed to connect to it and to run a
 * command against it. Single-target mode builds one from the environment
 * (config/settings.h); fleet mode builds many from an inventory. A target
 * owns all its strings; target_free releases them.
 *
 * Every configuration key remembers where its value came from, so that
 * `environ` can say so and precedence can be tested.
 */
#ifndef MIG_TARGET_H
#define MIG_TARGET_H

#include <stdbool.h>

#include "common/buf.h"
#include "common/strv.h"

/* The configuration keys of SPEC section 3, in `environ` display order. */
enum cfg_key {
	CFG_ENGINE,
	CFG_DB_URL,
	CFG_HOST,
	CFG_PORT,
	CFG_UNIX_SOCKET,
	CFG_DB,
	CFG_SCHEMA,
	CFG_CREATE_SCHEMA,
	CFG_USERNAME,
	CFG_PASSWORD,
	CFG_FS,
	CFG_SAFE,
	CFG_DEBUG,
	CFG_LOCK_TIMEOUT,
	CFG_DDL_LOCK_TIMEOUT,
	CFG_DDL_LOCK_RETRIES,
	CFG_OPERATOR,
	CFG_STRICT_CHECKSUMS,
	CFG_STATUS_STRICT,
	CFG_INVENTORY,
	CFG_NKEYS
};

enum cfg_source {
	SRC_UNSET = 0, /* no value anywhere */
	SRC_DEFAULT,
	SRC_DOTENV,
	SRC_ENV,
	SRC_URL,       /* taken from DB_URL */
	SRC_FLAG,
	SRC_INVENTORY,
	SRC_DERIVED,   /* computed, e.g. the engine chosen from HOST */
};

struct target {
	char *name;        /* inventory name; "default" in single-target mode */
	char *engine;      /* canonical (config/engine.h); never NULL */
	char *db_url;      /* as given, password included: never print it */
	char *host;        /* NULL = engine default */
	int port;          /* 0 = engine default */
	char *unix_socket; /* MySQL: socket file; PostgreSQL: socket directory */
	char *db;          /* database name, or the SQLite file path */
	/*
	 * A schema target (a tenant): PostgreSQL runs it with this schema as
	 * the only search path; on MySQL it is the database, in place of db
	 * (config/engine.h, engine_schema). NULL = none.
	 */
	char *schema;
	bool create_schema; /* a missing schema is created, under the lock */
	char *username;    /* NULL = engine default */
	char *password;    /* NULL = none; never printed */
	char *fs;          /* FS for executable migrations; absolute */
	bool safe;
	bool debug;
	int lock_timeout;  /* seconds */
	/*
	 * How long one statement of a migration may wait for a table's lock
	 * (seconds; 0 = as long as the server lets it), and for how long in
	 * all a migration that timed out is tried again (0 = never): a
	 * migration queued behind a long transaction must not park every
	 * later query of its table behind itself (docs/fleet.md).
	 */
	double ddl_lock_timeout;
	double ddl_lock_retries;
	char *operator_name;
	bool strict_checksums; /* upgrade refuses drift (worker/drift.h) */
	bool status_strict;    /* status exits 1 when not up to date */
	char *inventory;   /* INVENTORY, single-target mode only */
	struct strv params;  /* DB_URL query parameters, "key=value" each */

	/* fleet mode (inventory) */
	char *path;          /* migrations directory; NULL = command's [path] */
	struct strv tags;
	double timeout;      /* seconds; 0 = none */

	enum cfg_source source[CFG_NKEYS];
};

/* The defaults of ddl_lock_timeout and ddl_lock_retries, seconds. */
#define TARGET_DDL_LOCK_TIMEOUT 3.0
#define TARGET_DDL_LOCK_RETRIES 60.0

struct target *target_new(void);
void target_free(struct target *t);
struct target *target_dup(const struct target *t);

/* Lower-case key name as `environ` and the inventory spell it ("db_url"). */
const char *cfg_key_name(enum cfg_key key);
const char *cfg_source_name(enum cfg_source src);

/*
 * A one-line description safe to print: "sqlite /abs/file.db" or
 * "postgres user:****@host:port/db" (socket path instead of host:port when
 * one is set), "postgres user@host:port/db schema t_0042" for a schema
 * target ("mysql user@host:port/t_0042" where a schema is a database).
 * The password is never shown, only "****" when one is set.
 */
void target_describe(const struct target *t, struct buf *out);

/* Value of a URL query parameter given in DB_URL, or NULL. */
const char *target_param(const struct target *t, const char *key);

#endif
