/*
 * Which MySQL and MariaDB statements commit the open transaction by
 * themselves. Pure text inspection, no server: the first words of the
 * statement after whitespace and comments decide.
 */
#include "config.h"

#include "drivers/mysql/mystmt.h"

#include <ctype.h>
#include <string.h>

#include "common/strv.h"
#include "common/banned.h"

/*
 * Skip whitespace and comments. The text of an executable comment
 * (slash-star-bang, or MariaDB's slash-star-M-bang) is SQL the server runs,
 * so only its opening is skipped.
 */
const char *
mystmt_skip_space(const char *p)
{
	const char *q;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '#' ||
		    (p[0] == '-' && p[1] == '-' &&
		     (p[2] == '\0' || isspace((unsigned char)p[2]) ||
		      iscntrl((unsigned char)p[2])))) {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*' &&
			   (p[2] == '!' || (p[2] == 'M' && p[3] == '!'))) {
			p += p[2] == '!' ? 3 : 4;
			while (isdigit((unsigned char)*p))
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			q = strstr(p + 2, "*/");
			p = q ? q + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

/* The next word, upper-cased into w (truncated to size - 1); returns the
 * position after it. "@@session.autocommit" is one word. */
static const char *
next_word(const char *p, char *w, size_t size)
{
	size_t n = 0;

	p = mystmt_skip_space(p);
	while (isalnum((unsigned char)*p) || *p == '_' || *p == '@' ||
	       *p == '.' || *p == '$') {
		if (n + 1 < size)
			w[n++] = (char)toupper((unsigned char)*p);
		p++;
	}
	w[n] = '\0';
	return p;
}

/* SET PASSWORD, and SET autocommit = 1 while it is 0 (as between begin
 * and commit), commit the open transaction. */
static bool
set_commits(const char *p)
{
	static const char *const autocommit[] = {
		"AUTOCOMMIT", "@@AUTOCOMMIT", "@@SESSION.AUTOCOMMIT",
		"@@LOCAL.AUTOCOMMIT", NULL,
	};
	static const char *const on[] = { "1", "ON", "TRUE", NULL };
	char w[32];

	p = next_word(p, w, sizeof(w));
	if (strcmp(w, "PASSWORD") == 0)
		return true;
	if (strcmp(w, "SESSION") == 0 || strcmp(w, "LOCAL") == 0)
		p = next_word(p, w, sizeof(w));
	if (!strv_list_contains(autocommit, w))
		return false;
	p = mystmt_skip_space(p);
	if (*p == '=')
		p++;
	else if (p[0] == ':' && p[1] == '=')
		p += 2;
	else
		return false;
	next_word(p, w, sizeof(w));
	return strv_list_contains(on, w);
}

/*
 * The statements the MySQL and MariaDB manuals list under "Statements That
 * Cause an Implicit Commit", by their first words. CREATE and DROP of a
 * TEMPORARY table are the documented exceptions; ANALYZE alone is MariaDB's
 * query profiler, only ANALYZE TABLE commits.
 */
bool
mystmt_commits_implicitly(const char *stmt)
{
	static const char *const words[] = {
		"ALTER",  "ANALYZE",  "BEGIN",	   "CACHE",  "CHANGE",
		"CHECK",  "CREATE",   "DROP",	   "FLUSH",  "GRANT",
		"INSTALL", "LOCK",    "OPTIMIZE", "RENAME", "REPAIR",
		"RESET",  "REVOKE",   "START",	   "STOP",   "TRUNCATE",
		"UNINSTALL", "UNLOCK", NULL,
	};
	static const char *const analyze_table[] = {
		"TABLE", "TABLES", "NO_WRITE_TO_BINLOG", "LOCAL", NULL,
	};
	char w[32], w2[32];
	const char *p = next_word(stmt, w, sizeof(w));

	p = next_word(p, w2, sizeof(w2));
	if (strcmp(w, "SET") == 0)
		return set_commits(next_word(stmt, w, sizeof(w)));
	if (strcmp(w, "LOAD") == 0)
		return strcmp(w2, "INDEX") == 0;
	if (!strv_list_contains(words, w))
		return false;
	if (strcmp(w, "CREATE") == 0 && strcmp(w2, "OR") == 0) {
		p = next_word(p, w2, sizeof(w2)); /* REPLACE */
		next_word(p, w2, sizeof(w2));
	}
	if (strcmp(w, "CREATE") == 0 || strcmp(w, "DROP") == 0)
		return strcmp(w2, "TEMPORARY") != 0;
	if (strcmp(w, "ANALYZE") == 0)
		return strv_list_contains(analyze_table, w2);
	return true;
}

bool
mystmt_transactional(const char *stmt)
{
	static const char *const control[] = {
		"COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "XA", "CALL", NULL,
	};
	char w[32], w2[32];
	const char *p = next_word(stmt, w, sizeof(w));

	if (w[0] == '\0' || mystmt_commits_implicitly(stmt) ||
	    strv_list_contains(control, w))
		return false;
	next_word(p, w2, sizeof(w2));
	/* for the next transaction: refused inside one */
	return strcmp(w, "SET") != 0 || strcmp(w2, "TRANSACTION") != 0;
}

/* Session state worth replaying: not autocommit (transaction control,
 * whatever its value), not the server's (GLOBAL), not a password. */
static enum mystmt_session
set_kind(const char *p)
{
	static const char *const autocommit[] = {
		"AUTOCOMMIT", "@@AUTOCOMMIT", "@@SESSION.AUTOCOMMIT",
		"@@LOCAL.AUTOCOMMIT", NULL,
	};
	char w[32];

	p = next_word(p, w, sizeof(w));
	if (strcmp(w, "GLOBAL") == 0 || strcmp(w, "PERSIST") == 0 ||
	    strcmp(w, "PERSIST_ONLY") == 0 ||
	    strncmp(w, "@@GLOBAL.", 9) == 0 || strcmp(w, "PASSWORD") == 0)
		return MYSTMT_OTHER;
	if (strcmp(w, "SESSION") == 0 || strcmp(w, "LOCAL") == 0)
		next_word(p, w, sizeof(w));
	return strv_list_contains(autocommit, w) ? MYSTMT_OTHER : MYSTMT_SET;
}

enum mystmt_session
mystmt_session_kind(const char *stmt)
{
	char w[32], w2[32];
	const char *p = next_word(stmt, w, sizeof(w)), *q;

	q = next_word(p, w2, sizeof(w2));
	if (strcmp(w, "USE") == 0)
		return MYSTMT_USE;
	if (strcmp(w, "SET") == 0)
		return set_kind(p);
	if ((strcmp(w, "LOCK") == 0 || strcmp(w, "UNLOCK") == 0) &&
	    (strcmp(w2, "TABLE") == 0 || strcmp(w2, "TABLES") == 0))
		return w[0] == 'L' ? MYSTMT_LOCK : MYSTMT_UNLOCK;
	if (strcmp(w, "START") == 0 && strcmp(w2, "TRANSACTION") == 0)
		return MYSTMT_BEGIN;
	/* BEGIN NOT ATOMIC is a compound statement, not a transaction. */
	if (strcmp(w, "BEGIN") == 0 &&
	    (w2[0] == '\0' || strcmp(w2, "WORK") == 0) &&
	    *mystmt_skip_space(q) == '\0')
		return MYSTMT_BEGIN;
	return MYSTMT_OTHER;
}

bool
mystmt_session_statement(const char *stmt)
{
	enum mystmt_session k = mystmt_session_kind(stmt);

	return k == MYSTMT_USE || k == MYSTMT_SET || k == MYSTMT_LOCK ||
	       k == MYSTMT_UNLOCK;
}
