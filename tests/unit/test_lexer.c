/*
 * Unit tests for worker/lexer: how section text is cut into statements,
 * and where an unterminated construct is reported.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "worker/lexer.h"

/* Criterion runs each case in a new process: pass indices, not pointers. */
#define NCASES(table) (sizeof(table) / sizeof((table)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

#define MAXSTMT 8

struct split_case {
	const char *name;
	const char *text;
	const char *want[MAXSTMT]; /* statements, NULL-terminated */
	int lines[MAXSTMT];        /* their first lines (text starts at 1) */
};

/* Statements separated by the sentinel in the table. */
static const struct split_case split_cases[] = {
	{ "two plain statements", "CREATE TABLE a (x int);\nDROP TABLE b;\n",
	  { "CREATE TABLE a (x int)", "DROP TABLE b" }, { 1, 2 } },
	{ "last statement without delimiter", "SELECT 1;\n\n  SELECT 2  \n",
	  { "SELECT 1", "SELECT 2" }, { 1, 3 } },
	{ "empty statements dropped", ";;\n -- only a comment\n;\n/* c */;",
	  { NULL }, { 0 } },
	{ "semicolon, dashes and slash-star in single quotes",
	  "INSERT INTO t VALUES ('a;b -- c /* d');\nSELECT 2;",
	  { "INSERT INTO t VALUES ('a;b -- c /* d')", "SELECT 2" }, { 1, 2 } },
	{ "doubled and backslashed single quotes",
	  "SELECT 'it''s; \\'quoted\\'; ok';SELECT 3",
	  { "SELECT 'it''s; \\'quoted\\'; ok'", "SELECT 3" }, { 1, 1 } },
	{ "double quotes with doubled quote",
	  "CREATE TABLE \"we\"\"ird;name\" (x int);SELECT 1",
	  { "CREATE TABLE \"we\"\"ird;name\" (x int)", "SELECT 1" }, { 1, 1 } },
	{ "backticks", "CREATE TABLE `a;b``c` (x int);\nSELECT 1;",
	  { "CREATE TABLE `a;b``c` (x int)", "SELECT 1" }, { 1, 2 } },
	{ "quotes spanning lines keep the count",
	  "INSERT INTO t VALUES ('one\ntwo;\nthree');\nSELECT 1;",
	  { "INSERT INTO t VALUES ('one\ntwo;\nthree')", "SELECT 1" },
	  { 1, 4 } },
	{ "line comment with a semicolon",
	  "SELECT 1 -- not; the end\n+ 1;\nSELECT 2;",
	  { "SELECT 1 -- not; the end\n+ 1", "SELECT 2" }, { 1, 3 } },
	{ "block comment with a semicolon and a quote",
	  "SELECT /* ; ' */ 1;\nSELECT 2;",
	  { "SELECT /* ; ' */ 1", "SELECT 2" }, { 1, 2 } },
	{ "block comments do not nest", "SELECT /* /* */ 1; SELECT 2;",
	  { "SELECT /* /* */ 1", "SELECT 2" }, { 1, 1 } },
	{ "leading comment lines dropped, same-line comment kept",
	  "-- creates t\n/* more\n   text */\n\n  /* hint */ CREATE TABLE t (x "
	  "int);",
	  { "/* hint */ CREATE TABLE t (x int)" }, { 5 } },
	{ "comment after a multi-line comment on the token's line",
	  "/* a\nb */ SELECT 1;", { "SELECT 1" }, { 2 } },
	{ "trailing comment after the last statement dropped",
	  "SELECT 1; -- done\n-- bye\n", { "SELECT 1" }, { 1 } },
	{ "dollar quoting: PostgreSQL function with $body$",
	  "CREATE FUNCTION f() RETURNS trigger AS $body$\nBEGIN\n  IF "
	  "NEW.x THEN\n    RAISE 'no; $$ here';\n  END IF;\n  RETURN "
	  "NEW;\nEND;\n$body$ LANGUAGE plpgsql;\nSELECT 1;",
	  { "CREATE FUNCTION f() RETURNS trigger AS $body$\nBEGIN\n  IF "
	    "NEW.x THEN\n    RAISE 'no; $$ here';\n  END IF;\n  RETURN "
	    "NEW;\nEND;\n$body$ LANGUAGE plpgsql",
	    "SELECT 1" },
	  { 1, 9 } },
	{ "dollar quoting: $$ with quotes inside",
	  "DO $$ BEGIN PERFORM 'a'';'; END $$;\nSELECT 2;",
	  { "DO $$ BEGIN PERFORM 'a'';'; END $$", "SELECT 2" }, { 1, 2 } },
	{ "$1 is a parameter, not a quote",
	  "PREPARE p AS SELECT $1 + $2;\nSELECT 'x';",
	  { "PREPARE p AS SELECT $1 + $2", "SELECT 'x'" }, { 1, 2 } },
	{ "a$b$ is an identifier, not a quote",
	  "SELECT a$b$c FROM t;\nSELECT 2;",
	  { "SELECT a$b$c FROM t", "SELECT 2" }, { 1, 2 } },
	{ "SQLite trigger with BEGIN ... END",
	  "CREATE TRIGGER t_ai AFTER INSERT ON t\nBEGIN\n  UPDATE n SET c = c "
	  "+ 1;\n  INSERT INTO log VALUES (NEW.id);\nEND;\nSELECT 1;",
	  { "CREATE TRIGGER t_ai AFTER INSERT ON t\nBEGIN\n  UPDATE n SET c = "
	    "c + 1;\n  INSERT INTO log VALUES (NEW.id);\nEND",
	    "SELECT 1" },
	  { 1, 6 } },
	{ "SQLite temp trigger with CASE inside, END at end of text",
	  "CREATE TEMP TRIGGER IF NOT EXISTS x BEFORE UPDATE ON t BEGIN SELECT "
	  "CASE WHEN NEW.a < 0 THEN RAISE(ABORT, 'neg') END; END",
	  { "CREATE TEMP TRIGGER IF NOT EXISTS x BEFORE UPDATE ON t BEGIN "
	    "SELECT CASE WHEN NEW.a < 0 THEN RAISE(ABORT, 'neg') END; END" },
	  { 1 } },
	{ "MySQL procedure with IF, CASE, loops and a handler, no delimiter",
	  "CREATE DEFINER=`root`@`localhost` PROCEDURE p(x INT)\nBEGIN\n"
	  "  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; END;\n"
	  "  IF x > 0 THEN SELECT 1; ELSEIF x < 0 THEN SELECT 2; END IF;\n"
	  "  CASE x WHEN 1 THEN SELECT 1; ELSE SELECT 2; END CASE;\n"
	  "  WHILE x < 10 DO SET x = x + 1; END WHILE;\n"
	  "  l: LOOP LEAVE l; END LOOP l;\n"
	  "  REPEAT SET x = x - 1; UNTIL x < 0 END REPEAT;\n"
	  "  SET x = CASE WHEN x THEN 1 ELSE 2 END;\n"
	  "END;\nSELECT 9;",
	  { "CREATE DEFINER=`root`@`localhost` PROCEDURE p(x INT)\nBEGIN\n"
	    "  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; END;\n"
	    "  IF x > 0 THEN SELECT 1; ELSEIF x < 0 THEN SELECT 2; END IF;\n"
	    "  CASE x WHEN 1 THEN SELECT 1; ELSE SELECT 2; END CASE;\n"
	    "  WHILE x < 10 DO SET x = x + 1; END WHILE;\n"
	    "  l: LOOP LEAVE l; END LOOP l;\n"
	    "  REPEAT SET x = x - 1; UNTIL x < 0 END REPEAT;\n"
	    "  SET x = CASE WHEN x THEN 1 ELSE 2 END;\n"
	    "END",
	    "SELECT 9" },
	  { 1, 11 } },
	{ "MySQL trigger with delimiter //",
	  "-- migratore: delimiter //\n"
	  "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n"
	  "  IF NEW.a IS NULL THEN SET NEW.a = 0; END IF;\nEND//\n"
	  "-- migratore: delimiter ;\nSELECT 1;",
	  { "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n"
	    "  IF NEW.a IS NULL THEN SET NEW.a = 0; END IF;\nEND",
	    "SELECT 1" },
	  { 2, 7 } },
	{ "delimiter // splits plain statements too",
	  "-- migratore: delimiter //\nSELECT 1; SELECT 2//\nSELECT 3//",
	  { "SELECT 1; SELECT 2", "SELECT 3" }, { 2, 3 } },
	{ "delimiter $$ turns dollar quoting off",
	  "-- migratore: delimiter $$\nCREATE PROCEDURE p() BEGIN SELECT "
	  "1; END$$\nCREATE FUNCTION f() RETURNS INT RETURN 1$$",
	  { "CREATE PROCEDURE p() BEGIN SELECT 1; END",
	    "CREATE FUNCTION f() RETURNS INT RETURN 1" },
	  { 2, 3 } },
	{ "BEGIN TRANSACTION and a bare BEGIN are statements",
	  "BEGIN;\nBEGIN TRANSACTION;\nCOMMIT;",
	  { "BEGIN", "BEGIN TRANSACTION", "COMMIT" }, { 1, 2, 3 } },
	{ "CASE outside a routine does not hold the semicolon",
	  "SELECT CASE WHEN a THEN 1 END FROM t;\nSELECT 2;",
	  { "SELECT CASE WHEN a THEN 1 END FROM t", "SELECT 2" }, { 1, 2 } },
	{ "a table named event is no routine",
	  "CREATE TABLE event (begin DATETIME);\nSELECT 2;",
	  { "CREATE TABLE event (begin DATETIME)", "SELECT 2" }, { 1, 2 } },
	{ "PostgreSQL trigger calling a function",
	  "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW EXECUTE FUNCTION "
	  "f();\nSELECT 2;",
	  { "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW EXECUTE "
	    "FUNCTION f()",
	    "SELECT 2" },
	  { 1, 2 } },
	{ "PostgreSQL BEGIN ATOMIC body",
	  "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN "
	  "ATOMIC\n  SELECT 1;\nEND;\nSELECT 2;",
	  { "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN "
	    "ATOMIC\n  SELECT 1;\nEND",
	    "SELECT 2" },
	  { 1, 5 } },
	{ "MySQL executable comment is a statement",
	  "/*!40101 SET NAMES utf8 */;\n/* plain */;\nSELECT 1;",
	  { "/*!40101 SET NAMES utf8 */", "SELECT 1" }, { 1, 3 } },
	{ "CRLF line ends", "SELECT 1;\r\nSELECT 2;\r\n",
	  { "SELECT 1", "SELECT 2" }, { 1, 2 } },
	{ "labelled block, nested CASE, empty block, unquoted definer",
	  "CREATE OR REPLACE DEFINER=root@localhost.lan TRIGGER t BEFORE "
	  "INSERT ON x FOR EACH ROW\nlbl: BEGIN\n  SET NEW.a = CASE WHEN "
	  "NEW.b THEN CASE WHEN NEW.c THEN 1 END END;\n  BEGIN END;\n  SET "
	  "NEW.end_at = NOW();\nEND lbl;\nSELECT 2;",
	  { "CREATE OR REPLACE DEFINER=root@localhost.lan TRIGGER t BEFORE "
	    "INSERT ON x FOR EACH ROW\nlbl: BEGIN\n  SET NEW.a = CASE WHEN "
	    "NEW.b THEN CASE WHEN NEW.c THEN 1 END END;\n  BEGIN END;\n  "
	    "SET NEW.end_at = NOW();\nEND lbl",
	    "SELECT 2" },
	  { 1, 7 } },
	{ "keywords in any case, in comments and strings ignored",
	  "create trigger t after insert on x begin\n  -- end;\n  insert "
	  "into l values ('end;'); /* end; */\nend;\nselect 2;",
	  { "create trigger t after insert on x begin\n  -- end;\n  insert "
	    "into l values ('end;'); /* end; */\nend",
	    "select 2" },
	  { 1, 5 } },
	{ "delimiter ; restores BEGIN ... END tracking",
	  "-- migratore: delimiter //\nSELECT 1//\n-- migratore: delimiter "
	  ";\nCREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END;",
	  { "SELECT 1", "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END" },
	  { 2, 4 } },
	{ "E-string with backslash-escaped quote",
	  "SELECT E'a\\'b;c';SELECT 2;", { "SELECT E'a\\'b;c'", "SELECT 2" },
	  { 1, 1 } },
};

ParameterizedTestParameters(lexer, splits)
{
	CASE_INDICES(split_cases);
}

ParameterizedTest(size_t *i, lexer, splits)
{
	const struct split_case *c = &split_cases[*i];
	struct stmt_list l = STMT_LIST_INIT;
	struct err e = ERR_INIT;
	size_t k, n = 0;

	while (n < MAXSTMT && c->want[n] != NULL)
		n++;
	cr_assert_eq(lexer_split(c->text, strlen(c->text), "t.sql", 1, &l, &e),
		     0, "%s: %s (line %d col %d)", c->name, e.msg, e.line,
		     e.col);
	cr_assert_eq(l.n, n, "%s: %zu statements, want %zu", c->name, l.n, n);
	for (k = 0; k < n; k++) {
		cr_expect_str_eq(l.v[k].sql, c->want[k], "%s: statement %zu",
				 c->name, k);
		cr_expect_eq(l.v[k].line, c->lines[k],
			     "%s: statement %zu at line %d, want %d", c->name, k,
			     l.v[k].line, c->lines[k]);
	}
	stmt_list_release(&l);
}

struct error_case {
	const char *name;
	const char *text;
	int line, col;
	const char *msg; /* the message starts with this */
};

static const struct error_case error_cases[] = {
	{ "single quote", "SELECT 1;\nSELECT 'abc;\n", 2, 8,
	  "unterminated single-quoted string" },
	{ "single quote ending in a backslash", "SELECT 'C:\\';", 1, 8,
	  "unterminated single-quoted string" },
	{ "double quote", "SELECT \"a\"\"b;", 1, 8,
	  "unterminated double-quoted identifier" },
	{ "backtick", "\n\n  SELECT `x;", 3, 10,
	  "unterminated backquoted identifier" },
	{ "dollar quote", "DO $f$ BEGIN END $g$;\nSELECT 1;", 1, 4,
	  "unterminated dollar-quoted string (no closing $f$)" },
	{ "block comment", "SELECT 1; /* never\nclosed;", 1, 11,
	  "unterminated block comment" },
	{ "executable comment", "/*! SET x = 1;", 1, 1,
	  "unterminated block comment" },
	{ "BEGIN without END",
	  "SELECT 0;\nCREATE TRIGGER t AFTER INSERT ON x\nBEGIN\n  SELECT 1;\n",
	  3, 1, "unterminated BEGIN block" },
	{ "CASE without END",
	  "CREATE PROCEDURE p() CASE x WHEN 1 THEN SELECT 1;", 1, 22,
	  "unterminated CASE block" },
	{ "directive inside a statement", "SELECT 1\n-- migratore: delimiter //\n",
	  2, 1, "delimiter directive inside a statement: the statement at "
		"line 1" },
	{ "directive after code", "SELECT 1; -- migratore: delimiter //\n", 1,
	  11, "a '-- migratore:' directive must be on a line of its own" },
	{ "directive in upper case", "-- MIGRATORE: delimiter //\n", 1, 1,
	  "write directives as '-- migratore:' in lower case" },
	{ "delimiter without argument", "-- migratore: delimiter\n", 1, 1,
	  "the delimiter directive takes one delimiter" },
	{ "delimiter with quote", "-- migratore: delimiter '\n", 1, 25,
	  "invalid delimiter '''" },
	{ "other directive in a section", "-- migratore: run\n", 1, 1,
	  "unexpected directive 'run' inside a section" },
	{ "mysql client DELIMITER", "DELIMITER //\nSELECT 1//\n", 1, 1,
	  "DELIMITER is a command of the mysql client" },
	{ "NUL byte", "SELECT 1;\nSELECT '\0';", 2, 9, "NUL byte" },
};

ParameterizedTestParameters(lexer, errors)
{
	CASE_INDICES(error_cases);
}

ParameterizedTest(size_t *i, lexer, errors)
{
	const struct error_case *c = &error_cases[*i];
	struct stmt_list l = STMT_LIST_INIT;
	struct err e = ERR_INIT;
	size_t len = strlen(c->text);

	if (strcmp(c->name, "NUL byte") == 0)
		len = 20;
	cr_assert_eq(lexer_split(c->text, len, "m/1_x.sql", 1, &l, &e),
		     ERR_MIGFILE, "%s: accepted", c->name);
	cr_expect_str_eq(e.file, "m/1_x.sql");
	cr_expect_eq(e.line, c->line, "%s: line %d, want %d", c->name, e.line,
		     c->line);
	cr_expect_eq(e.col, c->col, "%s: col %d, want %d", c->name, e.col,
		     c->col);
	cr_expect(strncmp(e.msg, c->msg, strlen(c->msg)) == 0,
		  "%s: message '%s', want '%s...'", c->name, e.msg, c->msg);
	cr_expect_eq(l.n, 0, "%s: statements kept after an error", c->name);
	stmt_list_release(&l);
}

Test(lexer, first_line_offsets_lines_and_errors)
{
	struct stmt_list l = STMT_LIST_INIT;
	struct err e = ERR_INIT;
	const char *t = "\nSELECT 1;\nSELECT 'x";

	cr_assert_eq(lexer_split(t, 10, "f", 40, &l, &e), 0);
	cr_assert_eq(l.n, 1);
	cr_expect_eq(l.v[0].line, 41);
	cr_assert_eq(lexer_split(t, strlen(t), "f", 40, &l, &e), ERR_MIGFILE);
	cr_expect_eq(e.line, 42);
	cr_expect_eq(e.col, 8);
	/* the failed call appended nothing to what was there */
	cr_expect_eq(l.n, 1);
	stmt_list_release(&l);
}

Test(lexer, appends_and_reads_only_len_bytes)
{
	struct stmt_list l = STMT_LIST_INIT;
	struct err e = ERR_INIT;
	const char *t = "SELECT 1; SELECT 'unterminated";

	cr_assert_eq(lexer_split(t, 9, "f", 1, &l, &e), 0);
	cr_assert_eq(lexer_split("SELECT 2", 8, "f", 7, &l, &e), 0);
	cr_assert_eq(l.n, 2);
	cr_expect_str_eq(l.v[0].sql, "SELECT 1");
	cr_expect_str_eq(l.v[1].sql, "SELECT 2");
	cr_expect_eq(l.v[1].line, 7);
	stmt_list_release(&l);
	cr_expect_null(l.v);
}

Test(lexer, delimiter_is_per_call)
{
	struct stmt_list l = STMT_LIST_INIT;
	struct err e = ERR_INIT;
	const char *a = "-- migratore: delimiter //\nSELECT 1//";

	cr_assert_eq(lexer_split(a, strlen(a), "f", 1, &l, &e), 0);
	/* a new section starts with ';' again */
	cr_assert_eq(lexer_split("SELECT 2; SELECT 3", 18, "f", 1, &l, &e), 0);
	cr_assert_eq(l.n, 3);
	stmt_list_release(&l);
}

struct directive_case {
	const char *line;
	const char *leader;
	size_t off; /* 0: not a directive */
	bool lower;
};

static const struct directive_case directive_cases[] = {
	{ "-- migratore: run", "--", 13, true },
	{ "--migratore:run", "--", 12, true },
	{ "  --  migratore  : run", "--", 18, true },
	{ "-- Migratore: run", "--", 13, false },
	{ "-- migratore run", "--", 0, false },
	{ "-- migratores: run", "--", 0, false },
	{ "# migratore: uuid = x", "#", 12, true },
	{ "// migratore: uuid = x", "//", 13, true },
	{ "# migratore: uuid = x", "--", 0, false },
	{ "SELECT 1 -- migratore: run", "--", 0, false },
};

ParameterizedTestParameters(lexer, directives)
{
	CASE_INDICES(directive_cases);
}

ParameterizedTest(size_t *i, lexer, directives)
{
	const struct directive_case *c = &directive_cases[*i];
	bool lower = !c->lower;
	size_t off = lexer_directive(c->line, strlen(c->line), c->leader,
				     &lower);

	cr_assert_eq(off, c->off, "'%s': %zu, want %zu", c->line, off, c->off);
	if (off > 0)
		cr_expect_eq(lower, c->lower, "'%s'", c->line);
}
