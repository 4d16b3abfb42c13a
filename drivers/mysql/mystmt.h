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

/*
 * True when stmt can run inside a transaction and commits nothing there
 * on its own (driver.h, transactional): not one that commits implicitly,
 * not COMMIT, ROLLBACK, SAVEPOINT, RELEASE, XA or SET TRANSACTION (the
 * transaction's own control), not CALL (a procedure may commit).
 */
bool mystmt_transactional(const char *stmt);

/* p past whitespace and comments (an executable comment's opening only:
 * its text is SQL the server runs). */
const char *mystmt_skip_space(const char *p);

/* What a statement does to the session's state, by its first words. */
enum mystmt_session {
	MYSTMT_OTHER,
	MYSTMT_USE,    /* USE db */
	MYSTMT_SET,    /* SET of session variables (not autocommit, not
			  GLOBAL or PERSIST, not a password) */
	MYSTMT_LOCK,   /* LOCK TABLE(S) */
	MYSTMT_UNLOCK, /* UNLOCK TABLE(S) */
	MYSTMT_BEGIN,  /* START TRANSACTION, BEGIN [WORK]: ends LOCK TABLES */
};
enum mystmt_session mystmt_session_kind(const char *stmt);
/* USE, SET, LOCK and UNLOCK TABLES: state a resumed session must replay. */
bool mystmt_session_statement(const char *stmt);

#endif
