/*
 * The SQLite driver (libsqlite3). Only the driver table is public; the
 * registry in drivers/driver.c finds it by name ("sqlite").
 *
 * The target's db is the database file. A readonly connection never creates
 * or changes a file: an existing file is opened read-only, a missing one is
 * replaced by an empty private in-memory database, so a dry run on a fresh
 * path sees an empty ledger (a database in WAL mode still gets its -wal and
 * -shm files, as with any SQLite reader). The migration lock is an exclusive flock on the
 * sidecar file "<db>.lock", which the kernel releases when the holder dies.
 * DDL is transactional: a migration that fails under SAFE leaves nothing.
 * Foreign-key enforcement and the journal mode are left as SQLite and the
 * file have them (see sqlite.c for why).
 */
#ifndef MIG_DRIVERS_SQLITE_H
#define MIG_DRIVERS_SQLITE_H

#include "drivers/driver.h"

extern const struct driver driver_sqlite;

#endif
