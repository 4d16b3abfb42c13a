/*
 * Did a DDL statement whose run ended without a word (the process
 * killed, the reply lost) reach the catalogue? The forms the driver can
 * answer for (myeffect_parse, pure and tested without a server) and the
 * information_schema query that answers (myeffect_query). A form is
 * recognised only when one object says it all: CREATE/DROP TABLE and
 * VIEW, CREATE/DROP INDEX, RENAME TABLE of one table, ALTER TABLE with
 * one clause that adds or drops a column, an index or key, a primary key
 * or a constraint, or renames the table. Anything else (two clauses, a
 * CREATE OR REPLACE, an index without a name) is not known: the caller
 * says the effect is unknown.
 */
#ifndef MIG_DRIVERS_MYEFFECT_H
#define MIG_DRIVERS_MYEFFECT_H

#include <stdbool.h>

#include "drivers/driver.h"

/* 64 characters of up to 3 bytes each (utf8mb3 identifiers), and a NUL. */
#define MYEFFECT_NAME 193

enum myeffect_kind {
	MYEFFECT_TABLE,      /* a table or view: schema.table */
	MYEFFECT_COLUMN,     /* column name of schema.table */
	MYEFFECT_INDEX,      /* index name of schema.table (PRIMARY) */
	MYEFFECT_CONSTRAINT, /* constraint name of schema.table */
	MYEFFECT_RENAME,     /* schema.table renamed to schema2.table2 */
};

struct myeffect {
	enum myeffect_kind kind;
	bool drop; /* the effect is that the object is gone */
	/* as the statement names them, unquoted; schema "" when it names
	 * none (the session's database) */
	char schema[MYEFFECT_NAME], table[MYEFFECT_NAME], name[MYEFFECT_NAME];
	char schema2[MYEFFECT_NAME], table2[MYEFFECT_NAME];
};

/* Fill f from stmt; false when its form is not one of those above. */
bool myeffect_parse(const char *stmt, struct myeffect *f);
bool myeffect_known(const char *stmt);
/* The catalogue's answer for stmt, in db->schema unless it names one. */
int myeffect_query(struct db *db, const char *stmt, enum db_effect *out,
		   struct err *e);

#endif
