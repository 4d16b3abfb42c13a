/*
 * What a dry run with --sql shows: the SQL the real command would run on
 * one target, migration by migration, as Liquibase's updateSQL does, per
 * engine. For each migration:
 *
 *   -- 1700000100_m1.sql (00000001-...): create users
 *   BEGIN;
 *   CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
 *   -- migratore records it, in the same transaction:
 *   -- INSERT INTO "migratore" ("object_id", ..., "host") VALUES
 *   --   (<object_id>, '00000001-...', 1700000100, ..., 'ci-7');
 *   COMMIT;
 *
 * The statements are those of the section the engine uses (its own, or
 * the plain one), split as the engine's client splits them, each ended by
 * ';' (on a line of its own after a trailing comment; a statement that
 * holds a semicolon, in the client that has a DELIMITER command (mysql:
 * a routine body), between DELIMITER
 * lines), from the first one an interrupted run did not commit. BEGIN and
 * COMMIT only when the migration runs in a transaction; where the engine
 * commits implicitly (MySQL DDL) a comment says so and that migratore
 * records how far it got. Everything migratore writes on its own is a
 * comment: the bookkeeping INSERT with its values (ledger_insert_text),
 * those known only when it runs as <column>. Then the cleanup section, if
 * any. An executable migration is a comment naming the program.
 *
 * Nothing in it depends on one target alone beyond its engine and
 * operator, so identical plans of a fleet are shown once
 * (orchestrator/dryplan.c). Nothing is executed: the connection is only
 * asked how to quote identifiers and which statements commit implicitly.
 */
#ifndef MIG_SQLPLAN_H
#define MIG_SQLPLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "config/target.h"
#include "drivers/driver.h"
#include "worker/migration.h"

/* The first lines: the command, the engine, how many migrations, and
 * whether the bookkeeping table would be created first. */
void sqlplan_header(const char *command, const char *engine, size_t n,
		    bool creates_table, struct buf *out);

/*
 * Migration m as the real command would run its kind of section (SEC_RUN
 * for upgrade, SEC_ROLLBACK for downgrade) on t, from statement from
 * (0-based, SEC_RUN only). host is the one written to the rows.
 */
void sqlplan_migration(struct db *db, const struct target *t,
		       const char *host, const struct migration *m,
		       enum section_kind kind, int from, struct buf *out);

#endif
