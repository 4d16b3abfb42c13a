/* Is a DDL statement's effect in the catalogue? See myeffect.h. */
#include "config.h"

#include "drivers/mysql/myeffect.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/mysql/mystmt.h"
#include "common/banned.h"

/* The keyword w (upper case) next in *p: *p moves past it. */
static bool
kw(const char **p, const char *w)
{
	const char *q = mystmt_skip_space(*p);
	size_t n = strlen(w);

	if (strncasecmp(q, w, n) != 0 || isalnum((unsigned char)q[n]) ||
	    q[n] == '_' || q[n] == '$')
		return false;
	*p = q + n;
	return true;
}

static bool
ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' ||
	       (unsigned char)c >= 0x80;
}

/* An identifier, bare or `quoted` (`` inside is one `), into out. */
static bool
ident(const char **p, char out[MYEFFECT_NAME])
{
	const char *q = mystmt_skip_space(*p);
	size_t n = 0;

	if (*q == '`') {
		for (q++; *q && !(q[0] == '`' && q[1] != '`'); q++) {
			if (*q == '`')
				q++;
			if (n + 1 >= MYEFFECT_NAME)
				return false;
			out[n++] = *q;
		}
		if (*q++ != '`')
			return false;
	} else {
		for (; ident_char(*q); q++) {
			if (n + 1 >= MYEFFECT_NAME)
				return false;
			out[n++] = *q;
		}
	}
	out[n] = '\0';
	*p = q;
	return n > 0;
}

/* [schema.]name */
static bool
qname(const char **p, char schema[MYEFFECT_NAME], char name[MYEFFECT_NAME])
{
	schema[0] = '\0';
	if (!ident(p, name))
		return false;
	if (*mystmt_skip_space(*p) != '.')
		return true;
	*p = mystmt_skip_space(*p) + 1;
	memcpy(schema, name, MYEFFECT_NAME);
	return ident(p, name);
}

/* Is there a comma outside parentheses and quotes in the rest of p (a
 * second clause, a second table)? */
static bool
one_clause(const char *p)
{
	int depth = 0;
	char q = 0;

	for (; *p; p++) {
		if (q) {
			if (*p == '\\' && q != '`' && p[1])
				p++;
			else if (*p == q)
				q = 0;
		} else if (*p == '\'' || *p == '"' || *p == '`') {
			q = *p;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if (*p == ',' && depth == 0) {
			return false;
		}
	}
	return true;
}

/* [IF [NOT] EXISTS] */
static void
if_exists(const char **p)
{
	const char *q = *p;

	if (kw(&q, "IF") && (kw(&q, "NOT"), kw(&q, "EXISTS")))
		*p = q;
}

/* The rest of the statement is only these words (or nothing). */
static bool
ends_with_words(const char *p)
{
	while (kw(&p, "RESTRICT") || kw(&p, "CASCADE"))
		;
	return *mystmt_skip_space(p) == '\0' ||
	       *mystmt_skip_space(p) == ';';
}

static bool
named(const char **p, struct myeffect *f, enum myeffect_kind kind)
{
	f->kind = kind;
	if_exists(p);
	return ident(p, f->name);
}

/* PRIMARY KEY, the index MySQL names PRIMARY (after the word PRIMARY). */
static bool
primary_key(const char **p, struct myeffect *f)
{
	f->kind = MYEFFECT_INDEX;
	memcpy(f->name, "PRIMARY", sizeof("PRIMARY"));
	return kw(p, "KEY");
}

/* ADD CONSTRAINT [name]: without a name, what follows is no name but
 * the constraint's kind, and the server picks the name. */
static bool
constraint_named(const char **p, struct myeffect *f)
{
	static const char *const kinds[] = { "PRIMARY", "UNIQUE", "FOREIGN",
					     "CHECK" };
	size_t i;

	if (!named(p, f, MYEFFECT_CONSTRAINT))
		return false;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcasecmp(f->name, kinds[i]) == 0)
			return false;
	return true;
}

/* ALTER TABLE t ADD ...: a column, index, key or constraint. */
static bool
alter_add(const char *p, struct myeffect *f)
{
	if (kw(&p, "PRIMARY"))
		return primary_key(&p, f);
	if (kw(&p, "CONSTRAINT"))
		return constraint_named(&p, f);
	if (kw(&p, "UNIQUE") || kw(&p, "FULLTEXT") || kw(&p, "SPATIAL")) {
		if (!kw(&p, "INDEX"))
			kw(&p, "KEY");
		return named(&p, f, MYEFFECT_INDEX);
	}
	if (kw(&p, "INDEX") || kw(&p, "KEY"))
		return named(&p, f, MYEFFECT_INDEX);
	if (kw(&p, "FOREIGN") || kw(&p, "CHECK") || kw(&p, "PERIOD") ||
	    kw(&p, "SYSTEM") || kw(&p, "PARTITION"))
		return false;
	kw(&p, "COLUMN");
	return named(&p, f, MYEFFECT_COLUMN);
}

/* ALTER TABLE t DROP ... */
static bool
alter_drop(const char *p, struct myeffect *f)
{
	f->drop = true;
	if (kw(&p, "PRIMARY"))
		return primary_key(&p, f);
	if (kw(&p, "INDEX") || kw(&p, "KEY"))
		return named(&p, f, MYEFFECT_INDEX);
	if (kw(&p, "FOREIGN"))
		return kw(&p, "KEY") && named(&p, f, MYEFFECT_CONSTRAINT);
	if (kw(&p, "CONSTRAINT") || kw(&p, "CHECK"))
		return named(&p, f, MYEFFECT_CONSTRAINT);
	if (kw(&p, "PARTITION") || kw(&p, "PERIOD") || kw(&p, "SYSTEM"))
		return false;
	kw(&p, "COLUMN");
	return named(&p, f, MYEFFECT_COLUMN) && ends_with_words(p);
}

static bool
parse_alter(const char *p, struct myeffect *f)
{
	kw(&p, "ONLINE");
	kw(&p, "IGNORE");
	if (!kw(&p, "TABLE"))
		return false;
	if_exists(&p);
	if (!qname(&p, f->schema, f->table) || !one_clause(p))
		return false;
	if (kw(&p, "ADD"))
		return alter_add(p, f);
	if (kw(&p, "DROP"))
		return alter_drop(p, f);
	if (kw(&p, "RENAME") && !kw(&p, "COLUMN") && !kw(&p, "INDEX") &&
	    !kw(&p, "KEY")) {
		if (!kw(&p, "TO"))
			kw(&p, "AS");
		f->kind = MYEFFECT_RENAME;
		return qname(&p, f->schema2, f->table2) && ends_with_words(p);
	}
	return false;
}

/* CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX name ON t, or DROP INDEX. */
static bool
parse_index(const char **p, struct myeffect *f)
{
	if (!named(p, f, MYEFFECT_INDEX) || !kw(p, "ON"))
		return false;
	return qname(p, f->schema, f->table);
}

static bool
parse_create(const char *p, struct myeffect *f)
{
	if (kw(&p, "TABLE") || kw(&p, "VIEW")) {
		f->kind = MYEFFECT_TABLE;
		if_exists(&p);
		return qname(&p, f->schema, f->table);
	}
	if (!kw(&p, "UNIQUE") && !kw(&p, "FULLTEXT"))
		kw(&p, "SPATIAL");
	return kw(&p, "INDEX") && parse_index(&p, f);
}

static bool
parse_drop(const char *p, struct myeffect *f)
{
	f->drop = true;
	if (kw(&p, "TABLE") || kw(&p, "TABLES") || kw(&p, "VIEW")) {
		f->kind = MYEFFECT_TABLE;
		if_exists(&p);
		return qname(&p, f->schema, f->table) && ends_with_words(p);
	}
	kw(&p, "ONLINE");
	return kw(&p, "INDEX") && parse_index(&p, f) && ends_with_words(p);
}

bool
myeffect_parse(const char *stmt, struct myeffect *f)
{
	const char *p = stmt;

	memset(f, 0, sizeof(*f));
	if (kw(&p, "CREATE"))
		return parse_create(p, f);
	if (kw(&p, "DROP"))
		return parse_drop(p, f);
	if (kw(&p, "ALTER"))
		return parse_alter(p, f);
	if (kw(&p, "RENAME") && kw(&p, "TABLE")) {
		f->kind = MYEFFECT_RENAME;
		return qname(&p, f->schema, f->table) && kw(&p, "TO") &&
		       qname(&p, f->schema2, f->table2) && ends_with_words(p);
	}
	return false;
}

bool
myeffect_known(const char *stmt)
{
	struct myeffect f;

	return myeffect_parse(stmt, &f);
}

/* How many of the objects f names the catalogue has: one count each for
 * schema.table (and, for a rename, schema2.table2). Values bound. */
static const char *const count_sql[] = {
	[MYEFFECT_TABLE] = "SELECT count(*) FROM information_schema.tables"
			   " WHERE table_schema = ? AND table_name = ?",
	[MYEFFECT_COLUMN] = "SELECT count(*) FROM information_schema.columns"
			    " WHERE table_schema = ? AND table_name = ?"
			    " AND column_name = ?",
	[MYEFFECT_INDEX] = "SELECT count(*) FROM information_schema.statistics"
			   " WHERE table_schema = ? AND table_name = ?"
			   " AND index_name = ?",
	[MYEFFECT_CONSTRAINT] = "SELECT count(*) FROM"
				" information_schema.table_constraints"
				" WHERE constraint_schema = ? AND"
				" table_name = ? AND constraint_name = ?",
};

static int
count(struct db *db, enum myeffect_kind kind, const char *schema,
      const char *table, const char *name, bool *exists, struct err *e)
{
	struct db_param p[3] = { DBP_TEXTV(schema), DBP_TEXTV(table),
				 DBP_TEXTV(name) };
	struct db_rows *rows = NULL;
	const char *n;
	int r;

	r = db_query(db, count_sql[kind], p, kind == MYEFFECT_TABLE ? 2 : 3,
		     &rows, e);
	if (r == 0) {
		n = rows && rows->nrows > 0 ? db_rows_get(rows, 0, 0) : NULL;
		*exists = n != NULL && strtoll(n, NULL, 10) > 0;
	}
	db_rows_free(rows);
	return r;
}

/* A rename ran when the old name is gone and the new one is there, did
 * not when it is the other way round; both or neither: unknown. */
static enum db_effect
rename_effect(bool from_there, bool to_there)
{
	if (from_there == to_there)
		return DB_EFFECT_UNKNOWN;
	return to_there ? DB_EFFECT_APPLIED : DB_EFFECT_ABSENT;
}

int
myeffect_query(struct db *db, const char *stmt, enum db_effect *out,
	       struct err *e)
{
	struct myeffect f;
	bool there = false, there2 = false;
	int r;

	*out = DB_EFFECT_UNKNOWN;
	if (!myeffect_parse(stmt, &f) || db->schema == NULL)
		return 0;
	r = count(db, f.kind == MYEFFECT_RENAME ? MYEFFECT_TABLE : f.kind,
		  f.schema[0] ? f.schema : db->schema, f.table, f.name, &there,
		  e);
	if (r == 0 && f.kind == MYEFFECT_RENAME)
		r = count(db, MYEFFECT_TABLE,
			  f.schema2[0] ? f.schema2 : db->schema, f.table2, "",
			  &there2, e);
	if (r < 0)
		return r;
	if (f.kind == MYEFFECT_RENAME)
		*out = rename_effect(there, there2);
	else
		*out = there != f.drop ? DB_EFFECT_APPLIED : DB_EFFECT_ABSENT;
	return 0;
}
