/*
 * The MySQL and MariaDB driver (MariaDB Connector/C). Only the driver table
 * is public; the registry in drivers/driver.c finds it by name ("mysql").
 *
 * Connection: host and port over TCP, or unix_socket (a socket FILE); db,
 * username, password from the target; character set utf8mb4; DB_URL
 * parameters connect_timeout (default 10 s), read_timeout (default none: a
 * migration's ALTER TABLE may run for hours), write_timeout (default 60 s),
 * ssl_mode (disabled, required, verify_identity) and ssl_ca. Automatic
 * reconnection is off: a new session would have lost the lock.
 *
 * A schema target's schema is its database (MySQL's CREATE SCHEMA is
 * CREATE DATABASE): it replaces db wherever db is used, the connection,
 * the lock and the bookkeeping. A target that may create it connects to
 * no database when it is missing, and create_schema makes and USEs it.
 *
 * Transactions: outside begin..commit every statement commits by itself, as
 * on the other engines. Between begin and commit autocommit is off, so after
 * a DDL statement has committed implicitly the following statements are in
 * a new transaction that commit or rollback ends: a statement is committed
 * exactly when it, or a later one of the same transaction, commits
 * implicitly (commits_implicitly) or commit runs.
 *
 * Lock: GET_LOCK("migratore." + database name), hashed down to the server's
 * 64-character limit for long names; released by unlock or when the session
 * ends, however it ends.
 */
#ifndef MIG_DRIVERS_MYSQL_H
#define MIG_DRIVERS_MYSQL_H

#include "common/buf.h"
#include "drivers/driver.h"

extern const struct driver driver_mysql;

/* The GET_LOCK name for a database (exposed for tests). */
void mysql_lock_name(const char *dbname, struct buf *out);

#endif
