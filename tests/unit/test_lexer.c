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

/* Which dialects a case is for: each is run with every one it names. */
#define SQ (1u << DIALECT_SQLITE)
#define PG (1u << DIALECT_POSTGRES)
#define MY (1u << DIALECT_MYSQL)
#define ALL (SQ | PG | MY)

struct split_case {
	const char *name;
	unsigned dialects;
	const char *text;
	const char *want[MAXSTMT]; /* statements, NULL-terminated */
	int lines[MAXSTMT];        /* their first lines (text starts at 1) */
};

static void
check_split(const struct split_case *c)
{
	struct stmt_list l = STMT_LIST_INIT;
	struct err e = ERR_INIT;
	size_t k, n = 0;
	int d;

	while (n < MAXSTMT && c->want[n] != NULL)
		n++;
	for (d = 0; d < DIALECT_N; d++) {
		const char *en = lexer_dialect_engine((enum dialect)d);

		if (!(c->dialects & (1u << d)))
			continue;
		cr_assert_eq(lexer_split(c->text, strlen(c->text),
					 (enum dialect)d, "t.sql", 1, &l, &e),
			     0, "%s [%s]: %s (line %d col %d)", c->name, en,
			     e.msg, e.line, e.col);
		cr_assert_eq(l.n, n, "%s [%s]: %zu statements, want %zu",
			     c->name, en, l.n, n);
		for (k = 0; k < n; k++) {
			cr_expect_str_eq(l.v[k].sql, c->want[k],
					 "%s [%s]: statement %zu", c->name, en,
					 k);
			cr_expect_eq(l.v[k].line, c->lines[k],
				     "%s [%s]: statement %zu at line %d, want "
				     "%d",
				     c->name, en, k, l.v[k].line, c->lines[k]);
		}
		stmt_list_release(&l);
	}
}

/* Statements that the tables below expect back whole. */
#define MY_PROC                                                                \
	"CREATE DEFINER=`root`@`localhost` PROCEDURE p(x INT)\nBEGIN\n"        \
	"  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; END;\n"       \
	"  IF x > 0 THEN SELECT 1; ELSEIF x < 0 THEN SELECT 2; END IF;\n"      \
	"  CASE x WHEN 1 THEN SELECT 1; ELSE SELECT 2; END CASE;\n"            \
	"  WHILE x < 10 DO SET x = x + 1; END WHILE;\n"                        \
	"  l: LOOP LEAVE l; END LOOP l;\n"                                     \
	"  REPEAT SET x = x - 1; UNTIL x < 0 END REPEAT;\n"                    \
	"  SET x = CASE WHEN x THEN 1 ELSE 2 END;\n"                           \
	"END"
#define MY_LABELLED                                                            \
	"CREATE OR REPLACE DEFINER=root@localhost.lan TRIGGER t BEFORE "       \
	"INSERT ON x FOR EACH ROW\nlbl: BEGIN\n  SET NEW.a = CASE WHEN "       \
	"NEW.b THEN CASE WHEN NEW.c THEN 1 END END;\n  BEGIN END;\n  SET "     \
	"NEW.end_at = NOW();\nEND lbl"
#define MY_NAMES                                                               \
	"CREATE PROCEDURE p() BEGIN\n  DECLARE begin INT;\n  SELECT "          \
	"begin_at, t.begin, t.case, `case`, end INTO begin FROM t;\n"          \
	"  UPDATE t SET begin = 1, end = 2 WHERE end > begin;\nEND"
#define PG_BODY                                                                \
	"CREATE FUNCTION f() RETURNS trigger AS $body$\nBEGIN\n  IF "          \
	"NEW.x THEN\n    RAISE 'no; $$ here';\n  END IF;\n  RETURN "           \
	"NEW;\nEND;\n$body$ LANGUAGE plpgsql"
#define MY_DUMPED                                                              \
	"/*!50003 CREATE*/ /*!50017 DEFINER=`u`@`h`*/ /*!50003 TRIGGER t "     \
	"AFTER INSERT ON x FOR EACH ROW\nBEGIN\n  INSERT INTO log VALUES "     \
	"(NEW.id); \nEND \n*/"

/* What every client agrees on (or the cases name the ones that do). */
static const struct split_case common_cases[] = {
	{ "two plain statements", ALL,
	  "CREATE TABLE a (x int);\nDROP TABLE b;\n",
	  { "CREATE TABLE a (x int)", "DROP TABLE b" }, { 1, 2 } },
	{ "last statement without delimiter", ALL,
	  "SELECT 1;\n\n  SELECT 2  \n", { "SELECT 1", "SELECT 2" }, { 1, 3 } },
	{ "empty statements dropped", ALL,
	  ";;\n -- only a comment\n;\n/* c */;", { NULL }, { 0 } },
	{ "semicolon, dashes and slash-star in single quotes", ALL,
	  "INSERT INTO t VALUES ('a;b -- c /* d');\nSELECT 2;",
	  { "INSERT INTO t VALUES ('a;b -- c /* d')", "SELECT 2" }, { 1, 2 } },
	{ "doubled single quotes", ALL, "SELECT 'it''s; ok';SELECT 3",
	  { "SELECT 'it''s; ok'", "SELECT 3" }, { 1, 1 } },
	{ "double quotes with doubled quote", ALL,
	  "CREATE TABLE \"we\"\"ird;name\" (x int);SELECT 1",
	  { "CREATE TABLE \"we\"\"ird;name\" (x int)", "SELECT 1" }, { 1, 1 } },
	{ "backticks", MY | SQ, "CREATE TABLE `a;b``c` (x int);\nSELECT 1;",
	  { "CREATE TABLE `a;b``c` (x int)", "SELECT 1" }, { 1, 2 } },
	{ "quotes spanning lines keep the count", ALL,
	  "INSERT INTO t VALUES ('one\ntwo;\nthree');\nSELECT 1;",
	  { "INSERT INTO t VALUES ('one\ntwo;\nthree')", "SELECT 1" },
	  { 1, 4 } },
	{ "line comment with a semicolon", ALL,
	  "SELECT 1 -- not; the end\n+ 1;\nSELECT 2;",
	  { "SELECT 1 -- not; the end\n+ 1", "SELECT 2" }, { 1, 3 } },
	{ "block comment with a semicolon and a quote", ALL,
	  "SELECT /* ; ' */ 1;\nSELECT 2;",
	  { "SELECT /* ; ' */ 1", "SELECT 2" }, { 1, 2 } },
	{ "leading comment lines dropped, same-line comment kept", ALL,
	  "-- creates t\n/* more\n   text */\n\n  /* hint */ CREATE TABLE t (x "
	  "int);",
	  { "/* hint */ CREATE TABLE t (x int)" }, { 5 } },
	{ "comment after a multi-line comment on the token's line", ALL,
	  "/* a\nb */ SELECT 1;", { "SELECT 1" }, { 2 } },
	{ "trailing comment after the last statement dropped", ALL,
	  "SELECT 1; -- done\n-- bye\n", { "SELECT 1" }, { 1 } },
	{ "$1 is a parameter, not a quote", ALL,
	  "PREPARE p AS SELECT $1 + $2;\nSELECT 'x';",
	  { "PREPARE p AS SELECT $1 + $2", "SELECT 'x'" }, { 1, 2 } },
	{ "a$b$ is an identifier, not a quote", ALL,
	  "SELECT a$b$c FROM t;\nSELECT 2;",
	  { "SELECT a$b$c FROM t", "SELECT 2" }, { 1, 2 } },
	{ "trigger with BEGIN ... END", MY | SQ,
	  "CREATE TRIGGER t_ai AFTER INSERT ON t\nBEGIN\n  UPDATE n SET c = c "
	  "+ 1;\n  INSERT INTO log VALUES (NEW.id);\nEND;\nSELECT 1;",
	  { "CREATE TRIGGER t_ai AFTER INSERT ON t\nBEGIN\n  UPDATE n SET c = "
	    "c + 1;\n  INSERT INTO log VALUES (NEW.id);\nEND",
	    "SELECT 1" },
	  { 1, 6 } },
	{ "trigger with delimiter //", ALL,
	  "-- migratore: delimiter //\n"
	  "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n"
	  "  IF NEW.a IS NULL THEN SET NEW.a = 0; END IF;\nEND//\n"
	  "-- migratore: delimiter ;\nSELECT 1;",
	  { "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n"
	    "  IF NEW.a IS NULL THEN SET NEW.a = 0; END IF;\nEND",
	    "SELECT 1" },
	  { 2, 7 } },
	{ "delimiter // splits plain statements too", ALL,
	  "-- migratore: delimiter //\nSELECT 1; SELECT 2//\nSELECT 3//",
	  { "SELECT 1; SELECT 2", "SELECT 3" }, { 2, 3 } },
	{ "delimiter $$ turns dollar quoting off", ALL,
	  "-- migratore: delimiter $$\nCREATE PROCEDURE p() BEGIN SELECT "
	  "1; END$$\nCREATE FUNCTION f() RETURNS INT RETURN 1$$",
	  { "CREATE PROCEDURE p() BEGIN SELECT 1; END",
	    "CREATE FUNCTION f() RETURNS INT RETURN 1" },
	  { 2, 3 } },
	{ "BEGIN TRANSACTION and a bare BEGIN are statements", ALL,
	  "BEGIN;\nBEGIN TRANSACTION;\nCOMMIT;",
	  { "BEGIN", "BEGIN TRANSACTION", "COMMIT" }, { 1, 2, 3 } },
	{ "CASE outside a routine does not hold the semicolon", ALL,
	  "SELECT CASE WHEN a THEN 1 END FROM t;\nSELECT 2;",
	  { "SELECT CASE WHEN a THEN 1 END FROM t", "SELECT 2" }, { 1, 2 } },
	{ "a table named event is no routine", ALL,
	  "CREATE TABLE event (begin DATETIME);\nSELECT 2;",
	  { "CREATE TABLE event (begin DATETIME)", "SELECT 2" }, { 1, 2 } },
	{ "trigger calling a function", PG | MY,
	  "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW EXECUTE FUNCTION "
	  "f();\nSELECT 2;",
	  { "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW EXECUTE "
	    "FUNCTION f()",
	    "SELECT 2" },
	  { 1, 2 } },
	{ "BEGIN ATOMIC body", PG | MY,
	  "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN "
	  "ATOMIC\n  SELECT 1;\nEND;\nSELECT 2;",
	  { "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN "
	    "ATOMIC\n  SELECT 1;\nEND",
	    "SELECT 2" },
	  { 1, 5 } },
	{ "CRLF line ends", ALL, "SELECT 1;\r\nSELECT 2;\r\n",
	  { "SELECT 1", "SELECT 2" }, { 1, 2 } },
	{ "keywords in any case, in comments and strings ignored", MY | SQ,
	  "create trigger t after insert on x begin\n  -- end;\n  insert "
	  "into l values ('end;'); /* end; */\nend;\nselect 2;",
	  { "create trigger t after insert on x begin\n  -- end;\n  insert "
	    "into l values ('end;'); /* end; */\nend",
	    "select 2" },
	  { 1, 5 } },
	{ "delimiter ; restores BEGIN ... END tracking", MY | SQ,
	  "-- migratore: delimiter //\nSELECT 1//\n-- migratore: delimiter "
	  ";\nCREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END;",
	  { "SELECT 1", "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END" },
	  { 2, 4 } },
	{ "E-string with backslash-escaped quote", PG | MY,
	  "SELECT E'a\\'b;c';SELECT 2;", { "SELECT E'a\\'b;c'", "SELECT 2" },
	  { 1, 1 } },
	{ "a backslash ends no string in PostgreSQL and SQLite", PG | SQ,
	  "SELECT 'C:\\';SELECT 'x\\';\nSELECT 3",
	  { "SELECT 'C:\\'", "SELECT 'x\\'", "SELECT 3" }, { 1, 1, 2 } },
	{ "dashes glued to a number start a comment", PG | SQ,
	  "SELECT 5--1;\n;SELECT 2;", { "SELECT 5--1;", "SELECT 2" }, { 1, 2 } },
	{ "slash-star-bang is a plain comment", PG | SQ,
	  "/*!40101 SET NAMES utf8 */;\n/* plain */;\nSELECT 1;",
	  { "SELECT 1" }, { 3 } },
	{ "block comments do not nest", MY | SQ, "SELECT /* /* */ 1; SELECT 2;",
	  { "SELECT /* /* */ 1", "SELECT 2" }, { 1, 1 } },
};

/* PostgreSQL: what psql does. */
static const struct split_case pg_cases[] = {
	{ "a rule's parenthesized actions hold their semicolons", PG,
	  "CREATE RULE r AS ON INSERT TO v DO INSTEAD (INSERT INTO t VALUES "
	  "(new.a); INSERT INTO log VALUES (new.a));\nSELECT 2;",
	  { "CREATE RULE r AS ON INSERT TO v DO INSTEAD (INSERT INTO t VALUES "
	    "(new.a); INSERT INTO log VALUES (new.a))",
	    "SELECT 2" },
	  { 1, 2 } },
	{ "block comments nest", PG, "SELECT /* /* */ ; */ 1; SELECT 2;",
	  { "SELECT /* /* */ ; */ 1", "SELECT 2" }, { 1, 1 } },
	{ "dollar quoting: function with $body$", PG,
	  PG_BODY ";\nSELECT 1;", { PG_BODY, "SELECT 1" },
	  { 1, 9 } },
	{ "dollar quoting: $$ with quotes inside", PG,
	  "DO $$ BEGIN PERFORM 'a'';'; END $$;\nSELECT 2;",
	  { "DO $$ BEGIN PERFORM 'a'';'; END $$", "SELECT 2" }, { 1, 2 } },
	{ "pg_dump's \\restrict and \\unrestrict are skipped", PG,
	  "--\n\\restrict AbC123\n\nSET x = 1;\nSELECT 2;\n\n\\unrestrict "
	  "AbC123\n",
	  { "SET x = 1", "SELECT 2" }, { 4, 5 } },
	{ "BEGIN ATOMIC with CASE, as pg_dump writes it", PG,
	  "CREATE FUNCTION public.f(a integer) RETURNS integer\n    LANGUAGE "
	  "sql\n    BEGIN ATOMIC\n SELECT CASE WHEN (a > 0) THEN 1 ELSE 0 "
	  "END AS \"case\";\nEND;\nSELECT 2;",
	  { "CREATE FUNCTION public.f(a integer) RETURNS integer\n    LANGUAGE "
	    "sql\n    BEGIN ATOMIC\n SELECT CASE WHEN (a > 0) THEN 1 ELSE 0 "
	    "END AS \"case\";\nEND",
	    "SELECT 2" },
	  { 1, 6 } },
	{ "a procedure's BEGIN ATOMIC, parameters named like keywords", PG,
	  "CREATE PROCEDURE p(\"begin\" int, \"end\" int) LANGUAGE sql BEGIN "
	  "ATOMIC INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); "
	  "END;\nCALL p(1, 2);",
	  { "CREATE PROCEDURE p(\"begin\" int, \"end\" int) LANGUAGE sql "
	    "BEGIN ATOMIC INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); "
	    "END",
	    "CALL p(1, 2)" },
	  { 1, 2 } },
	{ "backticks are no quotes", PG, "SELECT `a;b`;",
	  { "SELECT `a", "b`" }, { 1, 1 } },
	{ "parentheses that close do not hold the next statement", PG,
	  "CREATE TABLE t (a int CHECK (a > 0));\nSELECT (1);",
	  { "CREATE TABLE t (a int CHECK (a > 0))", "SELECT (1)" }, { 1, 2 } },
};

/* MySQL and MariaDB: what the mysql client does, plus routine bodies
 * without a delimiter. */
static const struct split_case mysql_cases[] = {
	{ "procedure with IF, CASE, loops and a handler, no delimiter", MY,
	  MY_PROC ";\nSELECT 9;", { MY_PROC, "SELECT 9" },
	  { 1, 11 } },
	{ "a column named end in a procedure", MY,
	  "CREATE PROCEDURE p() BEGIN SELECT id, end FROM periods; END;\n"
	  "SELECT 2;",
	  { "CREATE PROCEDURE p() BEGIN SELECT id, end FROM periods; END",
	    "SELECT 2" },
	  { 1, 2 } },
	{ "columns and variables named begin, begin_at, case and end", MY,
	  MY_NAMES ";\nSELECT 2;", { MY_NAMES, "SELECT 2" },
	  { 1, 6 } },
	{ "labelled block, nested CASE, empty block, unquoted definer", MY,
	  MY_LABELLED ";\nSELECT 2;", { MY_LABELLED, "SELECT 2" },
	  { 1, 7 } },
	{ "handler on a SQLSTATE, block inside IF", MY,
	  "CREATE PROCEDURE p() BEGIN DECLARE CONTINUE HANDLER FOR SQLSTATE "
	  "'23000' BEGIN SET @x = 1; END; IF @x THEN BEGIN SELECT 1; END; "
	  "END IF; END;\nSELECT 2;",
	  { "CREATE PROCEDURE p() BEGIN DECLARE CONTINUE HANDLER FOR SQLSTATE "
	    "'23000' BEGIN SET @x = 1; END; IF @x THEN BEGIN SELECT 1; END; "
	    "END IF; END",
	    "SELECT 2" },
	  { 1, 2 } },
	{ "function returning a CASE expression, no block", MY,
	  "CREATE FUNCTION f(p INT) RETURNS INT DETERMINISTIC RETURN CASE "
	  "WHEN p > 0 THEN 1 ELSE 0 END;\nSELECT 2;",
	  { "CREATE FUNCTION f(p INT) RETURNS INT DETERMINISTIC RETURN CASE "
	    "WHEN p > 0 THEN 1 ELSE 0 END",
	    "SELECT 2" },
	  { 1, 2 } },
	{ "MariaDB BEGIN NOT ATOMIC block", MY,
	  "BEGIN NOT ATOMIC\n  DECLARE x INT DEFAULT 1;\n  SELECT x;\nEND;\n"
	  "SELECT 2;",
	  { "BEGIN NOT ATOMIC\n  DECLARE x INT DEFAULT 1;\n  SELECT x;\nEND",
	    "SELECT 2" },
	  { 1, 5 } },
	{ "# comments after statements", MY,
	  "CREATE TABLE m1(id int); # the user's table\nCREATE TABLE m2(id "
	  "int); # the user's other table\n",
	  { "CREATE TABLE m1(id int)", "CREATE TABLE m2(id int)" }, { 1, 2 } },
	{ "a # comment holds its semicolon", MY,
	  "# setup; see docs\nSELECT 1;",
	  { "SELECT 1" }, { 2 } },
	{ "backslash escapes in double quotes", MY,
	  "SELECT \"a\\\"b;c\";SELECT 'd\\'e;f';SELECT 2;",
	  { "SELECT \"a\\\"b;c\"", "SELECT 'd\\'e;f'", "SELECT 2" },
	  { 1, 1, 1 } },
	{ "5--1 is arithmetic, -- and a blank a comment", MY,
	  "SELECT 5--1;\nSELECT 5 -- 1;\n;SELECT 6 --\n;",
	  { "SELECT 5--1", "SELECT 5 -- 1;", "SELECT 6 --" }, { 1, 2, 3 } },
	{ "the client's DELIMITER command, as mysqldump writes it", MY,
	  "DELIMITER ;;\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\nEND ;;\n"
	  "delimiter ;\nSELECT 2;",
	  { "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\nEND", "SELECT 2" },
	  { 2, 7 } },
	{ "executable comments are text: a dumped trigger", MY,
	  "DELIMITER ;;\n" MY_DUMPED ";;\nDELIMITER ;\n"
	  "/*!40101 SET NAMES utf8 */;\n/* plain */;\n",
	  { MY_DUMPED, "/*!40101 SET NAMES utf8 */" },
	  { 2, 8 } },
	{ "executable comments are text: a body without a delimiter", MY,
	  "/*!50003 CREATE*/ /*!50003 TRIGGER t AFTER INSERT ON x FOR EACH "
	  "ROW BEGIN INSERT INTO l VALUES (1); END */;\nSELECT 2;",
	  { "/*!50003 CREATE*/ /*!50003 TRIGGER t AFTER INSERT ON x FOR EACH "
	    "ROW BEGIN INSERT INTO l VALUES (1); END */",
	    "SELECT 2" },
	  { 1, 2 } },
	{ "mariadb-dump's sandbox line and \\N stay text", MY,
	  "/*M!999999\\- enable the sandbox mode */ \n-- c\nSELECT \\N;",
	  { "/*M!999999\\- enable the sandbox mode */ \n-- c\nSELECT \\N" },
	  { 1 } },
};

/* SQLite: what the sqlite3 shell does. */
static const struct split_case sqlite_cases[] = {
	{ "temp trigger with CASE inside, END at end of text", SQ,
	  "CREATE TEMP TRIGGER IF NOT EXISTS x BEFORE UPDATE ON t BEGIN SELECT "
	  "CASE WHEN NEW.a < 0 THEN RAISE(ABORT, 'neg') END; END",
	  { "CREATE TEMP TRIGGER IF NOT EXISTS x BEFORE UPDATE ON t BEGIN "
	    "SELECT CASE WHEN NEW.a < 0 THEN RAISE(ABORT, 'neg') END; END" },
	  { 1 } },
	{ "a trigger ends at END after a semicolon only", SQ,
	  "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT end FROM y; "
	  "UPDATE y SET end = 1; END;\nSELECT 2;",
	  { "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT end FROM y; "
	    "UPDATE y SET end = 1; END",
	    "SELECT 2" },
	  { 1, 2 } },
	{ "bracketed identifiers", SQ, "CREATE TABLE [a;b] (x int);SELECT 1;",
	  { "CREATE TABLE [a;b] (x int)", "SELECT 1" }, { 1, 1 } },
	{ "a line starting with # between statements is a comment", SQ,
	  "# note; here\nSELECT 1;\n#x;\nSELECT 2;",
	  { "SELECT 1", "SELECT 2" }, { 2, 4 } },
};

/* One parameterized test per table, each case in its own process. */
#define SPLIT_TESTS(name, table)                                               \
	ParameterizedTestParameters(lexer, name)                               \
	{                                                                      \
		CASE_INDICES(table);                                           \
	}                                                                      \
	ParameterizedTest(size_t *i, lexer, name)                              \
	{                                                                      \
		check_split(&table[*i]);                                       \
	}

SPLIT_TESTS(splits, common_cases)
SPLIT_TESTS(splits_postgres, pg_cases)
SPLIT_TESTS(splits_mysql, mysql_cases)
SPLIT_TESTS(splits_sqlite, sqlite_cases)

struct error_case {
	const char *name;
	unsigned dialects;
	const char *text;
	int line, col;
	const char *msg; /* the message starts with this */
};

static const struct error_case error_cases[] = {
	{ "single quote", ALL, "SELECT 1;\nSELECT 'abc;\n", 2, 8,
	  "unterminated single-quoted string" },
	{ "single quote ending in a backslash", MY, "SELECT 'C:\\';", 1, 8,
	  "unterminated single-quoted string" },
	{ "the quote after a backslash-ended string", PG | SQ,
	  "SELECT 'C:\\';\nSELECT 'abc;", 2, 8,
	  "unterminated single-quoted string" },
	{ "double-quoted identifier", PG | SQ, "SELECT \"a\"\"b;", 1, 8,
	  "unterminated double-quoted identifier" },
	{ "double-quoted string", MY, "SELECT \"a\\\";\nSELECT 2;", 1, 8,
	  "unterminated double-quoted string" },
	{ "backtick", MY | SQ, "\n\n  SELECT `x;", 3, 10,
	  "unterminated backquoted identifier" },
	{ "bracket", SQ, "SELECT [x;", 1, 8,
	  "unterminated bracketed identifier" },
	{ "dollar quote", PG, "DO $f$ BEGIN END $g$;\nSELECT 1;", 1, 4,
	  "unterminated dollar-quoted string (no closing $f$)" },
	{ "block comment", ALL, "SELECT 1; /* never\nclosed;", 1, 11,
	  "unterminated block comment" },
	{ "nested block comment", PG, "SELECT 1; /* a /* b */ c\n;", 1, 11,
	  "unterminated block comment" },
	{ "executable comment", ALL, "/*! SET x = 1;", 1, 1,
	  "unterminated block comment" },
	{ "BEGIN without END", MY | SQ,
	  "SELECT 0;\nCREATE TRIGGER t AFTER INSERT ON x\nBEGIN\n  SELECT 1;\n",
	  3, 1, "unterminated BEGIN block" },
	{ "BEGIN ATOMIC without END", PG,
	  "SELECT 0;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN "
	  "ATOMIC\n  SELECT 1;\n",
	  3, 1, "unterminated BEGIN block" },
	{ "CASE without END", MY,
	  "CREATE PROCEDURE p() CASE x WHEN 1 THEN SELECT 1;", 1, 22,
	  "unterminated CASE block" },
	{ "trigger without END", SQ,
	  "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;", 1, 36,
	  "unterminated BEGIN block" },
	{ "unclosed parenthesis", PG, "SELECT 0;\nSELECT (1;\nSELECT 2;", 2,
	  8, "unclosed parenthesis" },
	{ "directive inside a statement", ALL,
	  "SELECT 1\n-- migratore: delimiter //\n", 2, 1,
	  "delimiter directive inside a statement: the statement at line 1" },
	{ "directive after code", ALL, "SELECT 1; -- migratore: delimiter //\n",
	  1, 11, "a '-- migratore:' directive must be on a line of its own" },
	{ "directive in upper case", ALL, "-- MIGRATORE: delimiter //\n", 1, 1,
	  "write directives as '-- migratore:' in lower case" },
	{ "delimiter without argument", ALL, "-- migratore: delimiter\n", 1, 1,
	  "the delimiter directive takes one delimiter" },
	{ "delimiter with quote", ALL, "-- migratore: delimiter '\n", 1, 25,
	  "invalid delimiter '''" },
	{ "other directive in a section", ALL, "-- migratore: run\n", 1, 1,
	  "unexpected directive 'run' inside a section" },
	{ "mysql client DELIMITER", PG | SQ, "DELIMITER //\nSELECT 1//\n", 1, 1,
	  "DELIMITER is a command of the mysql client" },
	{ "DELIMITER without a delimiter", MY, "SELECT 1;\nDELIMITER  \n", 2,
	  1, "DELIMITER needs a delimiter" },
	{ "DELIMITER with a backslash", MY, "DELIMITER \\\\\n", 1, 11,
	  "invalid delimiter" },
	{ "psql \\connect", PG, "SELECT 1;\n\\connect other\nSELECT 2;", 2, 1,
	  "psql meta-command '\\connect' is not SQL" },
	{ "psql \\set", PG, "\\set ON_ERROR_STOP on\n", 1, 1,
	  "psql meta-command '\\set' is not SQL" },
	{ "psql \\restrict inside a statement", PG,
	  "SELECT 1\n\\restrict x\n;", 2, 1,
	  "psql meta-command '\\restrict' inside a statement is not SQL" },
	{ "COPY FROM stdin", PG,
	  "SELECT 1;\n  COPY public.t (a, b) FROM stdin;\n1\t2\n\\.\n", 2, 3,
	  "COPY ... FROM STDIN exchanges its data with psql" },
	{ "COPY TO STDOUT", PG, "COPY t TO STDOUT;", 1, 1,
	  "COPY ... TO STDOUT exchanges its data with psql" },
	{ "mysql client command", MY, "SELECT 1\\G\n", 1, 9,
	  "'\\G' is a command of the mysql client" },
	{ "sqlite3 dot-command", SQ, "SELECT 1;\n.read other.sql\n", 2, 1,
	  "a line starting with '.' is a sqlite3 dot-command" },
	{ "NUL byte", ALL, "SELECT 1;\nSELECT '\0';", 2, 9, "NUL byte" },
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
	int d;

	if (strcmp(c->name, "NUL byte") == 0)
		len = 20;
	for (d = 0; d < DIALECT_N; d++) {
		const char *en = lexer_dialect_engine((enum dialect)d);

		if (!(c->dialects & (1u << d)))
			continue;
		err_clear(&e);
		cr_assert_eq(lexer_split(c->text, len, (enum dialect)d,
					 "m/1_x.sql", 1, &l, &e),
			     ERR_MIGFILE, "%s [%s]: accepted", c->name, en);
		cr_expect_str_eq(e.file, "m/1_x.sql");
		cr_expect_eq(e.line, c->line, "%s [%s]: line %d, want %d",
			     c->name, en, e.line, c->line);
		cr_expect_eq(e.col, c->col, "%s [%s]: col %d, want %d", c->name,
			     en, e.col, c->col);
		cr_expect(strncmp(e.msg, c->msg, strlen(c->msg)) == 0,
			  "%s [%s]: message '%s', want '%s...'", c->name, en,
			  e.msg, c->msg);
		cr_expect_eq(l.n, 0, "%s [%s]: statements kept after an error",
			     c->name, en);
		stmt_list_release(&l);
	}
}

/* The same text, split by each client: what each would send. */
Test(lexer, one_text_three_clients)
{
	const char *t = "SELECT \"a\\\"b;c\"; # x;\nSELECT 5--1;";
	struct stmt_list l = STMT_LIST_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(lexer_split(t, strlen(t), DIALECT_MYSQL, "f", 1, &l, &e),
		     0, "%s", e.msg);
	cr_assert_eq(l.n, 2);
	cr_expect_str_eq(l.v[0].sql, "SELECT \"a\\\"b;c\"");
	cr_expect_str_eq(l.v[1].sql, "SELECT 5--1");
	stmt_list_release(&l);
	/* "a\" is an identifier there, then b; then a quote never closed */
	cr_expect_eq(lexer_split(t, strlen(t), DIALECT_POSTGRES, "f", 1, &l,
				 &e),
		     ERR_MIGFILE);
	cr_expect_eq(e.col, 15);
}

Test(lexer, statements_know_their_line_and_column)
{
	const char *t = "  USE other;  LOCK TABLES t WRITE;\nUNLOCK TABLES;\n"
			"/*!40000 LOCK TABLE t READ */;\nSELECT 1 AS use_;";
	struct stmt_list l = STMT_LIST_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(lexer_split(t, strlen(t), DIALECT_MYSQL, "f", 1, &l, &e),
		     0, "%s", e.msg);
	cr_assert_eq(l.n, 5);
	cr_expect_eq(l.v[0].col, 3);
	cr_expect_eq(l.v[1].col, 15);
	cr_expect_eq(l.v[1].line, 1);
	cr_expect_eq(l.v[2].line, 2);
	cr_expect_eq(l.v[2].col, 1);
	cr_expect_eq(l.v[4].line, 4);
	stmt_list_release(&l);
}

Test(lexer, first_line_offsets_lines_and_errors)
{
	struct stmt_list l = STMT_LIST_INIT;
	struct err e = ERR_INIT;
	const char *t = "\nSELECT 1;\nSELECT 'x";

	cr_assert_eq(lexer_split(t, 10, DIALECT_SQLITE, "f", 40, &l, &e), 0);
	cr_assert_eq(l.n, 1);
	cr_expect_eq(l.v[0].line, 41);
	cr_assert_eq(lexer_split(t, strlen(t), DIALECT_SQLITE, "f", 40, &l, &e),
		     ERR_MIGFILE);
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

	cr_assert_eq(lexer_split(t, 9, DIALECT_POSTGRES, "f", 1, &l, &e), 0);
	cr_assert_eq(lexer_split("SELECT 2", 8, DIALECT_MYSQL, "f", 7, &l, &e),
		     0);
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
	const char *b = "DELIMITER //\nSELECT 1//";
	int d;

	for (d = 0; d < DIALECT_N; d++) {
		cr_assert_eq(lexer_split(a, strlen(a), (enum dialect)d, "f", 1,
					 &l, &e),
			     0);
		/* a new section starts with ';' again */
		cr_assert_eq(lexer_split("SELECT 2; SELECT 3", 18,
					 (enum dialect)d, "f", 1, &l, &e),
			     0);
		cr_assert_eq(l.n, 3);
		stmt_list_release(&l);
	}
	cr_assert_eq(lexer_split(b, strlen(b), DIALECT_MYSQL, "f", 1, &l, &e),
		     0);
	cr_assert_eq(lexer_split("SELECT 2; SELECT 3", 18, DIALECT_MYSQL, "f",
				 1, &l, &e),
		     0);
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

/* ---- the normalised text each statement's digest covers ------------------ */

/* Texts that split into statements whose digests are all equal, or not. */
struct digest_case {
	const char *name;
	unsigned dialects;
	const char *a, *b;
	bool same;
};

static const struct digest_case digest_cases[] = {
	{ "blanks and newlines", ALL, "CREATE TABLE t (a INT);",
	  "  CREATE\tTABLE   t\n  (a INT)  ;\n\n", true },
	{ "-- comments", ALL, "CREATE TABLE t (a INT);",
	  "-- the table\nCREATE TABLE t -- named t\n(a INT); -- done", true },
	{ "block comments count as a blank", ALL, "SELECT 1 + 2;",
	  "SELECT /* one */ 1 +/**/2;", true },
	{ "a blank where none was", ALL, "SELECT 1+2;", "SELECT 1 + 2;",
	  false },
	{ "blanks in parentheses and lists", ALL,
	  "CREATE TABLE t (a INT, b INT);",
	  "CREATE TABLE t (\n  a INT ,\n  b INT\n) ;", true },
	{ "a blank before a parenthesis", ALL, "SELECT COUNT(*);",
	  "SELECT COUNT (*);", false },
	{ "# comments", MY, "SELECT 1;", "# note\nSELECT 1; # trailing", true },
	{ "the delimiter", ALL, "SELECT 1;", "SELECT 1", true },
	{ "another delimiter", ALL, "SELECT 1;",
	  "-- migratore: delimiter //\nSELECT 1//", true },
	{ "case", ALL, "SELECT 1;", "select 1;", false },
	{ "a string literal", ALL, "SELECT 'a b';", "SELECT 'a  b';", false },
	{ "a quoted identifier", PG | SQ, "SELECT \"a b\";", "SELECT \"a  b\";",
	  false },
	{ "a backquoted identifier", MY | SQ, "SELECT `a b`;",
	  "SELECT `a  b`;", false },
	{ "a dollar-quoted body", PG, "SELECT $$ a $$;", "SELECT $$a$$;",
	  false },
	{ "a comment inside a literal", ALL, "SELECT '-- x';", "SELECT '';",
	  false },
	{ "an executable comment", MY, "SELECT /*!50001 1 */ 2;",
	  "SELECT 2;", false },
	{ "a token", ALL, "SELECT 1;", "SELECT 2;", false },
	{ "statement boundaries", ALL, "SELECT 1; SELECT 2;",
	  "SELECT 1 SELECT 2;", false },
};

ParameterizedTestParameters(lexer, digests)
{
	CASE_INDICES(digest_cases);
}

static void
split_ok(const char *t, int d, struct stmt_list *l)
{
	struct err e = ERR_INIT;

	cr_assert_eq(lexer_split(t, strlen(t), (enum dialect)d, "f", 1, l, &e),
		     0, "%s: %s", t, e.msg);
}

/* Whether two lists have the same digests in the same order. */
static bool
same_digests(const struct stmt_list *x, const struct stmt_list *y)
{
	size_t i;

	if (x->n != y->n)
		return false;
	for (i = 0; i < x->n; i++)
		if (memcmp(x->v[i].digest, y->v[i].digest,
			   sizeof(x->v[i].digest)) != 0)
			return false;
	return true;
}

ParameterizedTest(size_t *i, lexer, digests)
{
	const struct digest_case *c = &digest_cases[*i];
	struct stmt_list a = STMT_LIST_INIT, b = STMT_LIST_INIT;
	int d;

	for (d = 0; d < DIALECT_N; d++) {
		if (!(c->dialects & (1u << d)))
			continue;
		split_ok(c->a, d, &a);
		split_ok(c->b, d, &b);
		cr_expect_eq(same_digests(&a, &b), c->same, "%s [%s]: %s",
			     c->name, lexer_dialect_engine((enum dialect)d),
			     c->same ? "differ" : "alike");
		stmt_list_release(&a);
		stmt_list_release(&b);
	}
}

/* The digest is the SHA-256 of the normalised text, as documented. */
/* t splits into one statement whose digest is the SHA-256 of norm. */
static void
digest_is(const char *t, enum dialect d, const char *norm)
{
	struct stmt_list l = STMT_LIST_INIT;
	unsigned char want[SHA256_DIGEST_LEN];
	struct sha256 c;

	split_ok(t, d, &l);
	cr_assert_eq(l.n, 1);
	sha256_init(&c);
	sha256_update(&c, norm, strlen(norm));
	sha256_final(&c, want);
	cr_expect(memcmp(l.v[0].digest, want, sizeof(want)) == 0);
	stmt_list_release(&l);
}

Test(lexer, digest_is_the_sha256_of_the_normalised_text)
{
	const char *t = "-- first\nCREATE  TABLE t (\n  a INT, -- x\n  "
			"b TEXT DEFAULT 'a  b'\n);";
	const char *norm = "CREATE TABLE t (a INT,b TEXT DEFAULT 'a  b')";
	digest_is(t, DIALECT_POSTGRES, norm);
}

/* A semicolon inside a routine body is a token; the one ending it not. */
Test(lexer, digest_keeps_a_body_semicolon)
{
	const char *t = "CREATE TRIGGER g AFTER INSERT ON t BEGIN\n"
			"  SELECT 1;\nEND;";
	const char *norm = "CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT "
			   "1;END";
	digest_is(t, DIALECT_SQLITE, norm);
}
