/*
 * Placeholder translation for the PostgreSQL driver: '?' to $1..$n outside
 * strings, quoted identifiers, comments and dollar-quoted bodies.
 */
#include "config.h"

#include "drivers/pg/pgstmt.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "drivers/driver.h"

#include "common/banned.h"

static bool
is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' ||
	       (unsigned char)c >= 0x80;
}

/* Length of the dollar-quote tag ("$$", "$body$") at p, or 0 ("$1"). */
static size_t
dollar_tag(const char *p)
{
	size_t n = 1;

	if (isdigit((unsigned char)p[1]))
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_' ||
	       (unsigned char)p[n] >= 0x80)
		n++;
	return p[n] == '$' ? n + 1 : 0;
}

static const char *
skip_quoted(const char *sql, const char *p)
{
	/* E'...' strings take backslash escapes; plain ones only '' */
	bool esc = *p == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
		   (p - 1 == sql || !is_ident_char(p[-2]));
	const char *q;

	for (q = p + 1; *q; q++) {
		if (esc && *q == '\\' && q[1])
			q++;
		else if (*q == *p && q[1] == *p)
			q++;
		else if (*q == *p)
			return q + 1;
	}
	return q;
}

/*
 * The end of the string, quoted identifier, comment or dollar-quoted body
 * that starts at p, or p itself when none does. An unterminated one runs to
 * the end: the server will say what is wrong with it.
 */
static const char *
skip_literal(const char *sql, const char *p)
{
	const char *q;
	size_t tag;
	int depth;

	if (*p == '\'' || *p == '"')
		return skip_quoted(sql, p);
	if (p[0] == '-' && p[1] == '-') {
		q = strchr(p, '\n');
		return q ? q + 1 : p + strlen(p);
	}
	if (p[0] == '/' && p[1] == '*') {
		/* block comments nest in PostgreSQL */
		for (depth = 1, q = p + 2; *q && depth > 0;) {
			if (q[0] == '/' && q[1] == '*')
				depth++, q += 2;
			else if (q[0] == '*' && q[1] == '/')
				depth--, q += 2;
			else
				q++;
		}
		return q;
	}
	if (*p == '$' && !(p > sql && is_ident_char(p[-1])) &&
	    (tag = dollar_tag(p)) > 0) {
		q = memmem(p + tag, strlen(p + tag), p, tag);
		return q ? q + tag : p + strlen(p);
	}
	return p;
}

int
pgstmt_placeholders(const char *sql, size_t nparams, struct buf *out,
		struct err *e)
{
	const char *p = sql, *end;
	size_t n = 0;

	while (*p) {
		end = skip_literal(sql, p);
		if (end != p) {
			buf_add(out, p, (size_t)(end - p));
			p = end;
			continue;
		}
		if (*p == '?')
			buf_addf(out, "$%zu", ++n);
		else
			buf_addc(out, *p);
		p++;
	}
	if (n != nparams)
		return driver_count_mismatch(n, nparams, sql, e);
	return 0;
}

/* The keyword w (upper case) next in *p, after blanks and comments. */
static bool
kw(const char **p, const char *w)
{
	const char *q = *p;
	size_t n = strlen(w);

	for (;;) {
		while (isspace((unsigned char)*q))
			q++;
		if (!(q[0] == '-' && q[1] == '-') && !(q[0] == '/' && q[1] == '*'))
			break;
		q = skip_literal(q, q);
	}
	if (strncasecmp(q, w, n) != 0 || is_ident_char(q[n]))
		return false;
	*p = q + n;
	return true;
}

/* A name as written: identifiers, "quoted" ones, dots. */
static bool
raw_name(const char **p, struct buf *out)
{
	const char *q = *p, *start;

	while (isspace((unsigned char)*q))
		q++;
	start = q;
	while (is_ident_char(*q) || *q == '"' || *q == '.') {
		if (*q == '"')
			q = skip_quoted(start, q);
		else
			q++;
	}
	if (q == start)
		return false;
	buf_add(out, start, (size_t)(q - start));
	*p = q;
	return true;
}

bool
pgstmt_index(const char *stmt, bool *drop, struct buf *out)
{
	const char *p = stmt;

	*drop = kw(&p, "DROP");
	if (!*drop && !kw(&p, "CREATE"))
		return false;
	if (!*drop)
		kw(&p, "UNIQUE");
	if (!kw(&p, "INDEX"))
		return false;
	kw(&p, "CONCURRENTLY");
	if (kw(&p, "IF")) {
		if (!*drop && !kw(&p, "NOT"))
			return false;
		if (!kw(&p, "EXISTS"))
			return false;
	}
	if (kw(&p, "ON") || !raw_name(&p, out))
		return false;
	if (!*drop)
		return kw(&p, "ON");
	if (!kw(&p, "CASCADE"))
		kw(&p, "RESTRICT");
	while (isspace((unsigned char)*p))
		p++;
	return *p == '\0' || *p == ';';
}

bool
pgstmt_effect_known(const char *stmt)
{
	struct buf name = BUF_INIT;
	bool drop, known = pgstmt_index(stmt, &drop, &name);

	buf_release(&name);
	return known;
}

int
pgstmt_effect(struct db *db, const char *stmt, enum db_effect *out,
	      struct err *e)
{
	static const char sql[] =
	    "SELECT to_regclass(?) IS NOT NULL, coalesce((SELECT indisvalid"
	    " FROM pg_index WHERE indexrelid = to_regclass(?)), false)";
	struct buf name = BUF_INIT;
	struct db_rows *rows = NULL;
	const char *there, *valid;
	bool drop;
	int r = 0;

	*out = DB_EFFECT_UNKNOWN;
	if (!pgstmt_index(stmt, &drop, &name))
		goto out;
	r = db_query(db, sql,
		     (struct db_param[]){ DBP_TEXTV(name.ptr),
					  DBP_TEXTV(name.ptr) },
		     2, &rows, e);
	if (r < 0 || rows == NULL || rows->nrows == 0)
		goto out;
	there = db_rows_get(rows, 0, 0);
	valid = db_rows_get(rows, 0, 1);
	if (drop)
		*out = there && there[0] == 't' ? DB_EFFECT_ABSENT
						: DB_EFFECT_APPLIED;
	else if (there == NULL || there[0] != 't')
		*out = DB_EFFECT_ABSENT;
	else if (valid && valid[0] == 't')
		*out = DB_EFFECT_APPLIED;
	/* else an index a CONCURRENTLY left invalid: unknown */
out:
	db_rows_free(rows);
	buf_release(&name);
	return r;
}

/* Does the word w stand anywhere in text, as a whole word (a comment's
 * or a string's included: then the answer errs on the safe side)? */
static bool
mentions(const char *text, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = text; (p = strcasestr(p, w)) != NULL; p += n)
		if (!is_ident_char(p[n]) &&
		    (p == text || !is_ident_char(p[-1])))
			return true;
	return false;
}

/* After CREATE or DROP: a database, tablespace, subscription, or an
 * index CONCURRENTLY. */
static bool
created_in_block(const char *p)
{
	if (kw(&p, "DATABASE") || kw(&p, "TABLESPACE") ||
	    kw(&p, "SUBSCRIPTION"))
		return false;
	kw(&p, "UNIQUE");
	return !kw(&p, "INDEX") || !kw(&p, "CONCURRENTLY");
}

/* After ALTER. */
static bool
altered_in_block(const char *p)
{
	if (kw(&p, "SYSTEM") || kw(&p, "DATABASE") || kw(&p, "TABLESPACE") ||
	    kw(&p, "SUBSCRIPTION"))
		return false;
	return !kw(&p, "TYPE") || !mentions(p, "VALUE");
}

bool
pgstmt_transactional(const char *stmt)
{
	static const char *const never[] = {
		"VACUUM", "BEGIN", "START", "COMMIT", "END", "ROLLBACK",
		"ABORT", "SAVEPOINT", "RELEASE", "CLUSTER", "DISCARD", "LOCK",
		"CALL", NULL,
	};
	const char *p = stmt;
	size_t i;

	for (i = 0; never[i]; i++)
		if (kw(&p, never[i]))
			return false;
	if (kw(&p, "CREATE") || kw(&p, "DROP"))
		return created_in_block(p);
	if (kw(&p, "ALTER"))
		return altered_in_block(p);
	if (kw(&p, "REINDEX"))
		return (kw(&p, "INDEX") || kw(&p, "TABLE")) &&
		       !kw(&p, "CONCURRENTLY");
	if (kw(&p, "PREPARE"))
		return !kw(&p, "TRANSACTION");
	if (kw(&p, "DO"))
		return !mentions(p, "COMMIT") && !mentions(p, "ROLLBACK");
	return true;
}
