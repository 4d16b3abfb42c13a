/*
 * The PostgreSQL driver (libpq). Only the driver table is public; the
 * registry in drivers/driver.c finds it by name ("postgres").
 *
 * Connection: host (or unix_socket, a socket DIRECTORY), port, db, username,
 * password from the target; DB_URL parameters sslmode, sslrootcert,
 * connect_timeout (default 10 s) and application_name (default "migratore").
 * A readonly connection sets default_transaction_read_only.
 *
 * Lock: a session advisory lock whose key is a stable hash of
 * "migratore:" + database name, so every migratore, whatever its version,
 * contends for the same lock on the same database. It is released by
 * unlock or when the session ends, however it ends.
 */
#ifndef MIG_DRIVERS_PG_H
#define MIG_DRIVERS_PG_H

#include <stdint.h>

#include "drivers/driver.h"

extern const struct driver driver_postgres;

/* The advisory lock key for a database name (exposed for tests). */
int64_t pg_lock_key(const char *dbname);

#endif
