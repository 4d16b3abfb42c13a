/*
 * Statement classification for the MySQL driver, kept apart from the
 * connection code because it is pure logic, tested without a server.
 */
#ifndef MIG_DRIVERS_MYSTMT_H
#define MIG_DRIVERS_MYSTMT_H

#include <stdbool.h>

/*
 * True when running stmt on MySQL or MariaDB commits the open transaction
 * (CREATE TABLE, ALTER, DROP, RENAME, TRUNCATE, GRANT, LOCK TABLES, ...;
 * not CREATE or DROP TEMPORARY TABLE). Leading whitespace and comments are
 * skipped; an executable comment's text counts as the statement.
 */
bool mystmt_commits_implicitly(const char *stmt);

#endif
