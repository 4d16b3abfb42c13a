/*
 * Unit tests for drivers/mysql/myeffect: which DDL forms the driver can
 * look up in the catalogue after a run that ended in them, and what it
 * looks for. Pure text; the catalogue query itself is exercised on the
 * real server by tests/integration/indoubt.sh.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "drivers/mysql/myeffect.h"

/* Arrays, not pointers: Criterion hands a copy to another process. */
struct form_case {
	char sql[96];
	bool known;
	enum myeffect_kind kind;
	bool drop;
	char schema[16], table[16], name[16];
};

ParameterizedTestParameters(myeffect, forms)
{
	static struct form_case cases[] = {
		{ "CREATE TABLE f2 (id INTEGER PRIMARY KEY)", true,
		  MYEFFECT_TABLE, false, "", "f2", "" },
		{ "create table if not exists `odd ``name` (a int)", true,
		  MYEFFECT_TABLE, false, "", "odd `name", "" },
		{ "CREATE TABLE other.t AS SELECT 1", true, MYEFFECT_TABLE,
		  false, "other", "t", "" },
		{ "/* why */ DROP TABLE IF EXISTS t CASCADE", true,
		  MYEFFECT_TABLE, true, "", "t", "" },
		{ "DROP TABLE a, b", false, 0, false, "", "", "" },
		{ "ALTER TABLE f2 ADD COLUMN c2 INTEGER", true,
		  MYEFFECT_COLUMN, false, "", "f2", "c2" },
		{ "ALTER TABLE f2 ADD c2 DECIMAL(10,2) DEFAULT 'a,b'", true,
		  MYEFFECT_COLUMN, false, "", "f2", "c2" },
		{ "ALTER TABLE f2 ADD COLUMN IF NOT EXISTS `c 2` INT", true,
		  MYEFFECT_COLUMN, false, "", "f2", "c 2" },
		{ "ALTER TABLE s.f2 DROP COLUMN c2", true, MYEFFECT_COLUMN,
		  true, "s", "f2", "c2" },
		{ "ALTER TABLE f2 DROP c2", true, MYEFFECT_COLUMN, true, "",
		  "f2", "c2" },
		{ "ALTER TABLE f2 ADD INDEX i2 (c2, c3)", true, MYEFFECT_INDEX,
		  false, "", "f2", "i2" },
		{ "ALTER TABLE f2 ADD UNIQUE KEY u2 (c2)", true,
		  MYEFFECT_INDEX, false, "", "f2", "u2" },
		{ "ALTER TABLE f2 ADD PRIMARY KEY (id)", true, MYEFFECT_INDEX,
		  false, "", "f2", "PRIMARY" },
		{ "ALTER TABLE f2 DROP PRIMARY KEY", true, MYEFFECT_INDEX,
		  true, "", "f2", "PRIMARY" },
		{ "ALTER TABLE f2 DROP INDEX i2", true, MYEFFECT_INDEX, true,
		  "", "f2", "i2" },
		{ "ALTER TABLE f2 ADD CONSTRAINT fk2 FOREIGN KEY (c2) "
		  "REFERENCES f1 (id)", true, MYEFFECT_CONSTRAINT, false, "",
		  "f2", "fk2" },
		{ "ALTER TABLE f2 DROP FOREIGN KEY fk2", true,
		  MYEFFECT_CONSTRAINT, true, "", "f2", "fk2" },
		{ "ALTER TABLE f2 DROP CONSTRAINT c", true,
		  MYEFFECT_CONSTRAINT, true, "", "f2", "c" },
		{ "ALTER TABLE f2 RENAME TO f9", true, MYEFFECT_RENAME, false,
		  "", "f2", "" },
		{ "CREATE UNIQUE INDEX i3 ON s.f3 (a)", true, MYEFFECT_INDEX,
		  false, "s", "f3", "i3" },
		{ "DROP INDEX i3 ON f3", true, MYEFFECT_INDEX, true, "", "f3",
		  "i3" },
		{ "CREATE VIEW v AS SELECT 1", true, MYEFFECT_TABLE, false, "",
		  "v", "" },
		{ "DROP VIEW IF EXISTS v", true, MYEFFECT_TABLE, true, "", "v",
		  "" },
		{ "RENAME TABLE a TO s.b", true, MYEFFECT_RENAME, false, "",
		  "a", "" },
		/* what no single object says: unknown */
		{ "ALTER TABLE f2 ADD COLUMN a INT, ADD COLUMN b INT", false,
		  0, false, "", "", "" },
		{ "ALTER TABLE f2 ADD INDEX (c2)", false, 0, false, "", "", "" },
		{ "ALTER TABLE f2 ADD (a INT, b INT)", false, 0, false, "", "",
		  "" },
		{ "ALTER TABLE f2 MODIFY c2 BIGINT", false, 0, false, "", "",
		  "" },
		{ "ALTER TABLE f2 ADD CONSTRAINT CHECK (c2 > 0)", false, 0,
		  false, "", "", "" },
		{ "CREATE OR REPLACE VIEW v AS SELECT 1", false, 0, false, "",
		  "", "" },
		{ "CREATE TRIGGER t BEFORE INSERT ON f2 FOR EACH ROW SET @x = 1",
		  false, 0, false, "", "", "" },
		{ "RENAME TABLE a TO b, c TO d", false, 0, false, "", "", "" },
		{ "INSERT INTO f2 VALUES (1)", false, 0, false, "", "", "" },
		{ "TRUNCATE TABLE f2", false, 0, false, "", "", "" },
	};

	return cr_make_param_array(struct form_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct form_case *c, myeffect, forms)
{
	struct myeffect f;
	bool known = myeffect_parse(c->sql, &f);

	cr_assert_eq(known, c->known, "%s: known %d", c->sql, known);
	cr_assert_eq(myeffect_known(c->sql), c->known, "%s", c->sql);
	if (!c->known)
		return;
	cr_assert_eq(f.kind, c->kind, "%s: kind %d", c->sql, f.kind);
	cr_assert_eq(f.drop, c->drop, "%s: drop", c->sql);
	cr_assert_str_eq(f.schema, c->schema, "%s", c->sql);
	cr_assert_str_eq(f.table, c->table, "%s", c->sql);
	cr_assert_str_eq(f.name, c->name, "%s", c->sql);
}

Test(myeffect, a_rename_names_both_tables)
{
	struct myeffect f;

	cr_assert(myeffect_parse("RENAME TABLE `a` TO s.`b c`", &f));
	cr_assert_str_eq(f.table, "a");
	cr_assert_str_eq(f.schema2, "s");
	cr_assert_str_eq(f.table2, "b c");
	cr_assert(myeffect_parse("ALTER TABLE a RENAME AS b", &f));
	cr_assert_eq(f.kind, MYEFFECT_RENAME);
	cr_assert_str_eq(f.table2, "b");
}

Test(myeffect, a_name_too_long_is_no_form)
{
	char sql[400] = "DROP TABLE ";
	struct myeffect f;

	memset(sql + strlen(sql), 'x', 250);
	cr_assert_not(myeffect_parse(sql, &f));
}
