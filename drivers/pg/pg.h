/*
 * The PostgreSQL driver (libpq). Only the driver table is public; the
 * registry in drivers/driver.c finds it by name ("postgres").
 *
 * Connection: host (or unix_socket, a socket DIRECTORY), port, db, username,
 * password from the target; DB_URL parameters sslmode, sslrootcert,
 * connect_timeout (default 10 s) and application_name (default "migratore").
 * A readonly connection sets default_transaction_read_only.
 *
 * A schema target (a tenant) connects with search_path set to that schema
 * alone, as a startup option: it is the session's own default, so RESET
 * ALL (session_reset) and a migration's RESET search_path put it back,
 * and it costs no round trip. connect checks that the server applied it
 * (a pooler that drops startup options would run the tenant's
 * migrations elsewhere) and that the schema exists; a missing one is
 * ERR_CONNECT unless the target may create it (create_schema), which
 * create_schema then does under the migration lock.
 *
 * Lock: a session advisory lock whose key is a stable hash of
 * "migratore:" + database name (+ NUL + schema for a schema target), so
 * every migratore, whatever its version, contends for the same lock on
 * the same database, and two schemas of one database have two locks. It
 * is released by unlock or when the session ends, however it ends.
 */
#ifndef MIG_DRIVERS_PG_H
#define MIG_DRIVERS_PG_H

#include <stdint.h>

#include "drivers/driver.h"

extern const struct driver driver_postgres;

/* The advisory lock key for a database name and a schema (NULL: not a
 * schema target); exposed for tests. */
int64_t pg_lock_key(const char *dbname, const char *schema);

#endif
