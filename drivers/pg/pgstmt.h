/*
 * Statement text for the PostgreSQL driver, kept apart from the connection
 * code because it is pure logic, tested without a server.
 */
#ifndef MIG_DRIVERS_PGSTMT_H
#define MIG_DRIVERS_PGSTMT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "drivers/driver.h"

/*
 * Append sql to out with every '?' placeholder replaced by $1..$n, in
 * order. A '?' inside a string ('...', E'...'), a quoted identifier, a
 * comment (-- and nesting slash-star ones) or a dollar-quoted body is text
 * and stays. ERR_INTERNAL when the count differs from nparams: a bug in
 * the caller. Positions the server reports refer to the translated text;
 * only the tool's own queries go through here, never a user's migration.
 */
int pgstmt_placeholders(const char *sql, size_t nparams, struct buf *out,
			struct err *e);

/*
 * A statement in doubt (drivers/driver.h, stmt_effect): the one form the
 * PostgreSQL driver looks up, CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT
 * EXISTS] name ON ..., and DROP INDEX [CONCURRENTLY] [IF EXISTS] name (of
 * one index): the statements `transaction = off` is for. pgstmt_index
 * puts the index's name as written (quoted, qualified) in out, and says
 * whether it is a DROP; false for any other statement. pgstmt_effect asks
 * the catalogue (to_regclass, as the session resolves the name): an index
 * there and valid is a CREATE that committed; one left invalid by a
 * CONCURRENTLY that did not finish is DB_EFFECT_UNKNOWN.
 */
bool pgstmt_index(const char *stmt, bool *drop, struct buf *out);
bool pgstmt_effect_known(const char *stmt);
int pgstmt_effect(struct db *db, const char *stmt, enum db_effect *out,
		  struct err *e);

/*
 * True when stmt can run inside a transaction block and commits nothing
 * there on its own (driver.h, transactional). Not: what PostgreSQL
 * refuses in a block (VACUUM, CREATE/DROP INDEX CONCURRENTLY, REINDEX but
 * of one index or table, CREATE/DROP/ALTER DATABASE, TABLESPACE and
 * SUBSCRIPTION, ALTER SYSTEM, CLUSTER, DISCARD, ALTER TYPE ... ADD VALUE
 * before PostgreSQL 12), the block's own control (BEGIN, COMMIT, END,
 * ROLLBACK, ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION), LOCK (only
 * in a block: outside one it must fail as written), CALL and a DO block
 * that says COMMIT or ROLLBACK (a procedure may end the transaction).
 */
bool pgstmt_transactional(const char *stmt);

#endif
