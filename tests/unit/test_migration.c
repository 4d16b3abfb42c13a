/*
 * Unit tests for worker/migration: the header and sections of SQL files,
 * the comment header of executables, checksums, and every refusal with its
 * exact message and line.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sha256.h"
#include "worker/migration.h"

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

#define UUID1 "3f6c1a9e-5d0b-4c1e-9a57-2d8e4b7f0c11"
#define UUID2 "0b7e2c4d-1111-4a2b-8c3d-9e8f7a6b5c4d"
#define UUID3 "A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D"
#define HEAD "-- migratore: uuid = " UUID1 "\n-- migratore: timestamp = 1795770571\n"

static const char good[] =
	"/* Licence header\n"                                   /* 1 */
	"   spanning lines */\n"                                /* 2 */
	"-- migratore: uuid = " UUID1 "\n"                      /* 3 */
	"--migratore:timestamp=1795770571\n"                    /* 4 */
	"-- migratore: description = create the users table = v2  \n" /* 5 */
	"-- migratore: transaction = off\n"                     /* 6 */
	"-- migratore: replaces = " UUID2 " ,  " UUID3 "\n"     /* 7 */
	"-- a plain comment\n"                                  /* 8 */
	"\n"                                                    /* 9 */
	"-- migratore: run\n"                                   /* 10 */
	"CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT);\n" /* 11 */
	"CREATE INDEX users_username ON users (username);\n"    /* 12 */
	"\n"                                                    /* 13 */
	"-- migratore: run postgresql\n"                        /* 14 */
	"CREATE TABLE users (id bigserial PRIMARY KEY, username text);\n" /* 15 */
	"CREATE INDEX CONCURRENTLY users_username ON users (username);\n" /* 16 */
	"-- migratore: rollback\n"                              /* 17 */
	"DROP TABLE users;\n"                                   /* 18 */
	"-- migratore: cleanup MariaDB\n"                       /* 19 */
	"-- migratore: delimiter //\n"                          /* 20 */
	"DO 1//\n";                                             /* 21 */

/* The statements of section i as engine's client splits it. */
static const struct stmt_list *
stmts_of(const struct migration *m, size_t i, const char *engine)
{
	return section_stmts(&m->sections[i], engine);
}

static struct migration *
parse_ok(const char *text, size_t len, bool executable)
{
	struct migration *m = NULL;
	struct err e = ERR_INIT;
	int r = migration_parse("dir/1795770571_users.sql", text, len,
				executable, &m, &e);

	cr_assert_eq(r, 0, "refused: %s:%d: %s", e.file, e.line, e.msg);
	cr_assert_not_null(m);
	return m;
}

Test(migration, parses_header_and_sections)
{
	struct migration *m = parse_ok(good, strlen(good), false);

	cr_expect_str_eq(m->path, "dir/1795770571_users.sql");
	cr_expect_str_eq(m->filename, "1795770571_users.sql");
	cr_expect_str_eq(m->uuid, UUID1);
	cr_expect_eq(m->timestamp, 1795770571);
	cr_expect_str_eq(m->description, "create the users table = v2");
	cr_expect(m->transaction_off);
	cr_expect_not(m->executable);
	cr_assert_eq(m->replaces.n, 2);
	cr_expect_str_eq(m->replaces.v[0], UUID2);
	cr_expect_str_eq(m->replaces.v[1], UUID3);
	cr_assert_eq(m->nsections, 4);

	cr_expect_eq(m->sections[0].kind, SEC_RUN);
	cr_expect_null(m->sections[0].engine);
	cr_expect_eq(m->sections[0].line, 10);
	cr_assert_eq(stmts_of(m, 0, "sqlite")->n, 2);
	cr_expect_str_eq(stmts_of(m, 0, "sqlite")->v[1].sql,
			 "CREATE INDEX users_username ON users (username)");
	cr_expect_eq(stmts_of(m, 0, "sqlite")->v[1].line, 12);

	cr_expect_eq(m->sections[1].kind, SEC_RUN);
	cr_expect_str_eq(m->sections[1].engine, "postgres");
	cr_expect_eq(stmts_of(m, 1, "postgres")->v[0].line, 15);
	/* an engine's own section is split for that engine only */
	cr_expect_eq(stmts_of(m, 1, "mysql")->n, 0);
	cr_expect_eq(m->sections[2].kind, SEC_ROLLBACK);
	cr_expect_eq(m->sections[3].kind, SEC_CLEANUP);
	cr_expect_str_eq(m->sections[3].engine, "mysql");
	cr_assert_eq(stmts_of(m, 3, "mariadb")->n, 1);
	cr_expect_str_eq(stmts_of(m, 3, "mysql")->v[0].sql, "DO 1");
	cr_expect_eq(stmts_of(m, 3, "mysql")->v[0].line, 21);
	migration_free(m);
}

Test(migration, checksums_cover_body_and_file)
{
	struct migration *m = parse_ok(good, strlen(good), false);
	const char *run = strstr(good, "-- migratore: run\n") + 18;
	const char *end = strstr(good, "-- migratore: run postgresql");
	char want[SHA256_HEX_LEN + 1];

	sha256_hex(run, (size_t)(end - run), want);
	cr_expect_str_eq(m->sections[0].checksum, want);
	sha256_hex(good, strlen(good), want);
	cr_expect_str_eq(m->checksum, want);
	sha256_hex("DROP TABLE users;\n", 18, want);
	cr_expect_str_eq(m->sections[2].checksum, want);
	migration_free(m);
}

/* section_checksum: "v2:" and the SHA-256 of the statements' digests. */
Test(migration, engine_checksum_covers_the_statements_of_that_engine)
{
	struct migration *m = parse_ok(good, strlen(good), false);
	const struct stmt_list *l = stmts_of(m, 0, "sqlite");
	char want[SECTION_SUM_LEN];
	struct sha256 c;
	size_t i;

	sha256_init(&c);
	for (i = 0; i < l->n; i++)
		sha256_update(&c, l->v[i].digest, sizeof(l->v[i].digest));
	memcpy(want, "v2:", 3);
	sha256_final_hex(&c, want + 3);
	cr_expect_str_eq(section_checksum(&m->sections[0], "sqlite"), want);
	cr_expect_str_eq(section_checksum(&m->sections[0], "mysql"), want,
			 "both clients split these statements alike");
	/* an engine's own section has a checksum for that engine only */
	cr_expect_not_null(section_checksum(&m->sections[1], "postgres"));
	cr_expect_null(section_checksum(&m->sections[1], "mysql"));
	cr_expect_null(section_checksum(&m->sections[0], "oracle"));
	migration_free(m);
}

Test(migration, engine_checksum_ignores_layout_and_other_sections)
{
	static const char a[] = HEAD "-- migratore: run\n"
				"CREATE TABLE t (a INT, b TEXT);\n";
	static const char b[] = HEAD "-- migratore: run\n-- why\n\n"
				"CREATE TABLE t (a INT,\n  b TEXT) ;   \n\n"
				"-- migratore: run mysql\n"
				"CREATE TABLE t (a INT, b LONGTEXT);\n"
				"-- migratore: rollback\nDROP TABLE t;\n";
	static const char c[] = HEAD "-- migratore: run\n"
				"CREATE TABLE t (a INT, b TEXT, c INT);\n";
	struct migration *ma = parse_ok(a, strlen(a), false);
	struct migration *mb = parse_ok(b, strlen(b), false);
	struct migration *mc = parse_ok(c, strlen(c), false);
	const struct section *sa = migration_section(ma, SEC_RUN, "sqlite");

	cr_expect_str_eq(section_checksum(sa, "sqlite"),
			 section_checksum(migration_section(mb, SEC_RUN,
							    "sqlite"),
					  "sqlite"));
	cr_expect_str_neq(section_checksum(sa, "mysql"),
			  section_checksum(migration_section(mb, SEC_RUN,
							     "mysql"),
					   "mysql"),
			  "mysql runs its own section now");
	cr_expect_str_neq(section_checksum(sa, "sqlite"),
			  section_checksum(migration_section(mc, SEC_RUN,
							     "sqlite"),
					   "sqlite"));
	/* the raw checksum of earlier versions sees every byte */
	cr_expect_str_neq(sa->checksum,
			  migration_section(mb, SEC_RUN, "sqlite")->checksum);
	migration_free(ma);
	migration_free(mb);
	migration_free(mc);
}

Test(migration, checksum_changes_only_where_the_text_does)
{
	char *edited = strdup(good);
	struct migration *a = parse_ok(good, strlen(good), false), *b;

	*strstr(edited, "DROP TABLE users") = 'd';
	b = parse_ok(edited, strlen(edited), false);
	cr_expect_str_eq(a->sections[0].checksum, b->sections[0].checksum);
	cr_expect_str_neq(a->sections[2].checksum, b->sections[2].checksum);
	cr_expect_str_neq(a->checksum, b->checksum);
	migration_free(a);
	migration_free(b);
	free(edited);
}

Test(migration, qualified_section_wins_for_its_engine)
{
	struct migration *m = parse_ok(good, strlen(good), false);

	cr_expect_eq(migration_section(m, SEC_RUN, "postgres"), &m->sections[1]);
	cr_expect_eq(migration_section(m, SEC_RUN, "postgresql"),
		     &m->sections[1]);
	cr_expect_eq(migration_section(m, SEC_RUN, "sqlite"), &m->sections[0]);
	cr_expect_eq(migration_section(m, SEC_RUN, NULL), &m->sections[0]);
	cr_expect_eq(migration_section(m, SEC_CLEANUP, "mariadb"),
		     &m->sections[3]);
	cr_expect_null(migration_section(m, SEC_CLEANUP, "sqlite"));
	cr_expect_null(migration_section(m, SEC_RUN_PARTIAL, "sqlite"));
	migration_free(m);
}

Test(migration, minimal_file_and_defaults)
{
	const char *t = HEAD "-- migratore: run\n";
	struct migration *m = parse_ok(t, strlen(t), false);

	cr_expect_str_eq(m->description, "");
	cr_expect_not(m->transaction_off);
	cr_expect_eq(m->replaces.n, 0);
	cr_assert_eq(m->nsections, 1);
	cr_expect_eq(stmts_of(m, 0, "postgres")->n, 0);
	migration_free(m);
}

Test(migration, names_and_operations)
{
	cr_expect_str_eq(section_kind_name(SEC_RUN_PARTIAL), "run_partial");
	cr_expect_str_eq(section_kind_name(SEC_CLEANUP), "cleanup");
	cr_expect_str_eq(section_operation(SEC_RUN), "Run");
	cr_expect_str_eq(section_operation(SEC_RUN_PARTIAL), "Run Partial");
	cr_expect_str_eq(section_operation(SEC_RUN_SKIP), "Run Skip");
	cr_expect_str_eq(section_operation(SEC_ROLLBACK), "Rollback");
}

Test(migration, executable_header_with_any_leader)
{
	const char *t = "#!/bin/sh\n"
			"# migratore: uuid = " UUID1 "\n"
			"set -e\n"
			"// migratore: timestamp = 42\n"
			"  -- migratore: description = copy files\n"
			"echo '-- migratore: nonsense'   # code, not a header\n"
			"# a comment: migratore is mentioned here\n";
	struct migration *m = parse_ok(t, strlen(t), true);

	cr_expect(m->executable);
	cr_expect_str_eq(m->uuid, UUID1);
	cr_expect_eq(m->timestamp, 42);
	cr_expect_str_eq(m->description, "copy files");
	cr_expect_eq(m->nsections, 0);
	cr_expect_null(migration_section(m, SEC_RUN, "sqlite"));
	migration_free(m);
}

struct bad_case {
	const char *text;
	bool executable;
	int line; /* 0: the message names the file only */
	int col;
	const char *msg;
};

#define MARKERS "run, rollback, run_partial, run_skip, cleanup or delimiter"

static const struct bad_case bad_cases[] = {
	{ HEAD "-- migratore: run\nSELECT 1;\n-- migratore: rollbak\n", false,
	  5, 0, "unknown section marker 'rollbak' (expected " MARKERS ")" },
	{ HEAD "-- migratore: runn postgres\n", false, 3, 0,
	  "unknown section marker 'runn' (expected " MARKERS ")" },
	{ HEAD "-- migratore: run\n-- migratore: uuid\n", false, 4, 0,
	  "header key 'uuid' after the first section marker: header lines go "
	  "at the top of the file" },
	{ "-- migratore: uuid = " UUID1 "\n-- migratore: run\n-- migratore: "
	  "timestamp = 5\n",
	  false, 3, 0,
	  "header key 'timestamp' after the first section marker: header "
	  "lines go at the top of the file" },
	{ HEAD "-- migratore: uuid = " UUID2 "\n-- migratore: run\n", false, 3,
	  0, "duplicate header key 'uuid' (first at line 1)" },
	{ "-- migratore: uuid = 3f6c1a9e5d0b4c1e9a572d8e4b7f0c11\n", false, 1,
	  0, "uuid '3f6c1a9e5d0b4c1e9a572d8e4b7f0c11' is not a UUID "
	     "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits)" },
	{ "-- migratore: uuid = 3f6c1a9e-5d0b-4c1e-9a57-2d8e4b7f0c1g\n", false,
	  1, 0, "uuid '3f6c1a9e-5d0b-4c1e-9a57-2d8e4b7f0c1g' is not a UUID "
		"(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits)" },
	{ "-- migratore: timestamp = 0\n", false, 1, 0,
	  "timestamp '0' is not a positive whole number of seconds since 1970 "
	  "that fits in 64 bits" },
	{ "-- migratore: timestamp = -5\n", false, 1, 0,
	  "timestamp '-5' is not a positive whole number of seconds since "
	  "1970 that fits in 64 bits" },
	{ "\n-- migratore: timestamp = 9223372036854775808\n", false, 2, 0,
	  "timestamp '9223372036854775808' is not a positive whole number of "
	  "seconds since 1970 that fits in 64 bits" },
	{ "-- migratore: timestamp =\n", false, 1, 0,
	  "timestamp '' is not a positive whole number of seconds since 1970 "
	  "that fits in 64 bits" },
	{ "-- migratore: transaction = no\n", false, 1, 0,
	  "transaction must be 'on' or 'off', not 'no'" },
	{ "-- migratore: replaces = " UUID1 ",\n", false, 1, 0,
	  "replaces: '' is not a UUID (expected a comma-separated list of "
	  "uuids)" },
	{ "-- migratore: replaces = " UUID1 ", " UUID1 "\n", false, 1, 0,
	  "replaces: uuid " UUID1 " listed twice" },
	{ "-- migratore: owner = me\n", false, 1, 0,
	  "unknown header key 'owner' (expected uuid, timestamp, description, "
	  "transaction or replaces)" },
	{ "-- migratore: uuid\n", false, 1, 0,
	  "header key 'uuid' needs a value: '-- migratore: uuid = ...'" },
	{ "-- migratore: timestamp = 1\n-- migratore: run\n", false, 0, 0,
	  "no uuid (add a header line '-- migratore: uuid = <uuid>')" },
	{ "-- migratore: uuid = " UUID1 "\n-- migratore: run\n", false, 0, 0,
	  "no timestamp (add a header line '-- migratore: timestamp = "
	  "<seconds>')" },
	{ HEAD "-- migratore: rollback\nDROP TABLE t;\n", false, 0, 0,
	  "no 'run' section" },
	{ HEAD, false, 0, 0, "no 'run' section" },
	{ HEAD "-- migratore: run\n-- migratore: rollback\n-- migratore: run\n",
	  false, 5, 0, "duplicate section 'run' (first at line 3)" },
	{ HEAD "-- migratore: run postgres\n-- migratore: run\n-- migratore: "
	       "run postgresql\n",
	  false, 5, 0, "duplicate section 'run postgres' (first at line 3)" },
	{ HEAD "-- migratore: run oracle\n", false, 3, 0,
	  "section marker: 'oracle' is not one of sqlite, postgres "
	  "(postgresql), mysql (mariadb)" },
	{ HEAD "-- migratore: run mysql now\n", false, 3, 0,
	  "unexpected 'now' after the section marker (expected at most an "
	  "engine)" },
	{ HEAD "CREATE TABLE t (x int);\n-- migratore: run\n", false, 3, 0,
	  "text before the first section marker (statements go after '-- "
	  "migratore: run')" },
	{ HEAD "-- migratore run\n", false, 3, 0,
	  "missing ':' after 'migratore' (write '-- migratore: <name>')" },
	{ HEAD "-- migratore: run\n--  Migratore: rollback\n", false, 4, 0,
	  "write directives as '-- migratore:' in lower case" },
	{ HEAD "-- migratore: run\nSELECT 1;\n# migratore: rollback\n", false,
	  5, 0, "a SQL file writes directives as '-- migratore:'" },
	{ HEAD "// migratore: run\n", false, 3, 0,
	  "a SQL file writes directives as '-- migratore:'" },
	{ HEAD "-- migratore: delimiter //\n", false, 3, 0,
	  "delimiter directive before the first section marker" },
	{ HEAD "-- migratore:\n", false, 3, 0,
	  "empty '-- migratore:' directive (expected a section name or 'key = "
	  "value')" },
	{ HEAD "/* licence\n", false, 3, 0, "unterminated block comment" },
	{ HEAD "-- migratore: run\nSELECT 1;\nINSERT INTO t VALUES ('x);\n",
	  false, 5, 23, "unterminated single-quoted string" },
	{ HEAD "-- migratore: run\nSELECT 1;\n\n-- migratore: rollback sqlite\n"
	       "CREATE TRIGGER x AFTER INSERT ON t\nBEGIN\nSELECT 1;\n",
	  false, 8, 1,
	  "unterminated BEGIN block: no END closes it before the end of the "
	  "section" },
	{ HEAD "-- migratore: run\nSELECT 1;\n-- migratore: delimiter\n", false,
	  5, 1,
	  "the delimiter directive takes one delimiter, as in '-- migratore: "
	  "delimiter //'" },
	{ "#!/bin/sh\n# migratore: timestamp = 7\n", true, 0, 0,
	  "no uuid (add a header line '-- migratore: uuid = <uuid>')" },
	{ "#!/bin/sh\n# migratore: uuid = " UUID1 "\n# migratore: timestamp = "
	  "7\n# migratore: run\n",
	  true, 4, 0,
	  "an executable migration has no sections: it is run as "
	  "'1795770571_users.sql run'" },
	{ "#!/bin/sh\n// migratore: timestamp = 7\n# migratore: timestamp = "
	  "8\n",
	  true, 3, 0, "duplicate header key 'timestamp' (first at line 2)" },
	{ "#!/bin/sh\n# migratore uuid = x\n", true, 2, 0,
	  "missing ':' after 'migratore'" },
};

ParameterizedTestParameters(migration, refuses)
{
	CASE_INDICES(bad_cases);
}

ParameterizedTest(size_t *i, migration, refuses)
{
	const struct bad_case *c = &bad_cases[*i];
	struct migration *m = NULL;
	struct err e = ERR_INIT;
	int r = migration_parse("dir/1795770571_users.sql", c->text,
				strlen(c->text), c->executable, &m, &e);

	cr_assert_eq(r, ERR_MIGFILE, "case %zu accepted", *i);
	cr_expect_null(m);
	cr_expect_str_eq(e.file, "dir/1795770571_users.sql");
	cr_expect_eq(e.line, c->line, "case %zu: line %d, want %d (%s)", *i,
		     e.line, c->line, e.msg);
	cr_expect_eq(e.col, c->col, "case %zu: col %d, want %d", *i, e.col,
		     c->col);
	cr_expect_str_eq(e.msg, c->msg, "case %zu", *i);
}

Test(migration, error_text_names_file_and_line)
{
	const char *t = HEAD "-- migratore: run\n-- migratore: rollbak\n";
	struct migration *m = NULL;
	struct err e = ERR_INIT;
	char text[ERR_TEXT_MAX];

	cr_assert_eq(migration_parse("m/1_a.sql", t, strlen(t), false, &m, &e),
		     ERR_MIGFILE);
	err_text(&e, text, sizeof(text));
	cr_expect_str_eq(text, "m/1_a.sql:4: unknown section marker 'rollbak' "
			       "(expected " MARKERS ")");
}

Test(migration, nul_byte_is_refused)
{
	const char t[] = HEAD "-- migratore: run\nSELECT '\0';\n";
	struct migration *m = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(migration_parse("f.sql", t, sizeof(t) - 1, false, &m, &e),
		     ERR_MIGFILE);
	cr_expect_eq(e.line, 4);
	cr_expect_str_eq(e.msg, "NUL byte (is this a text file?)");
}

Test(migration, load_reads_a_file_and_reports_a_missing_one)
{
	char path[] = "/tmp/test_migration_XXXXXX";
	struct migration *m = NULL;
	struct err e = ERR_INIT;
	int fd = mkstemp(path);
	FILE *f;

	cr_assert(fd >= 0);
	cr_assert_not_null(f = fdopen(fd, "w"));
	fputs(good, f);
	fclose(f);
	cr_assert_eq(migration_load(path, false, &m, &e), 0, "%s", e.msg);
	cr_expect_eq(m->nsections, 4);
	migration_free(m);
	unlink(path);
	m = NULL;
	cr_assert_eq(migration_load(path, false, &m, &e), ERR_MIGFILE);
	cr_expect_null(m);
	cr_expect_str_eq(e.file, path);
	cr_expect_str_eq(e.msg, "cannot read the migration file: No such file "
				"or directory");
}

Test(migration, skips_a_byte_order_mark)
{
	const char *t = "\xef\xbb\xbf" HEAD "-- migratore: run\nSELECT 1;\n";
	struct migration *m = parse_ok(t, strlen(t), false);
	char want[SHA256_HEX_LEN + 1];

	cr_expect_eq(stmts_of(m, 0, "sqlite")->v[0].line, 4);
	sha256_hex(t, strlen(t), want);
	cr_expect_str_eq(m->checksum, want);
	migration_free(m);
}

/* One plain section, three clients: each engine gets its own split. */
Test(migration, plain_section_split_for_every_engine)
{
	const char *t = HEAD "-- migratore: run\n"
			"# a comment for MySQL; and sqlite3\n"
			"CREATE TABLE t (x int);\n";
	struct migration *m = parse_ok(t, strlen(t), false);
	struct err e = ERR_INIT;

	cr_expect_eq(stmts_of(m, 0, "mysql")->n, 1);
	cr_expect_eq(stmts_of(m, 0, "sqlite")->n, 1);
	/* psql sends "# a comment for MySQL" to the server */
	cr_assert_eq(stmts_of(m, 0, "postgres")->n, 2);
	cr_expect_str_eq(stmts_of(m, 0, "postgres")->v[0].sql,
			 "# a comment for MySQL");
	cr_expect_eq(migration_check(m, "postgresql", &e), 0);
	migration_free(m);
}

/* A section that only some engines cannot split: the file loads, and
 * those engines are told before anything runs. */
Test(migration, dialect_errors_kept_for_their_engine)
{
	const char *t = HEAD "-- migratore: run\n"
			"SELECT \"a\\\"b;c\";\n";
	struct migration *m = parse_ok(t, strlen(t), false);
	struct err e = ERR_INIT;

	cr_expect_eq(migration_check(m, "mariadb", &e), 0, "%s", e.msg);
	cr_expect_eq(stmts_of(m, 0, "mysql")->n, 1);
	cr_assert_eq(migration_check(m, "postgres", &e), ERR_MIGFILE);
	cr_expect_str_eq(e.file, "dir/1795770571_users.sql");
	cr_expect_eq(e.line, 4);
	cr_expect_eq(e.col, 15);
	cr_expect_str_eq(e.msg, "unterminated double-quoted identifier (as "
				"psql reads it)");
	cr_expect_eq(stmts_of(m, 0, "postgres")->n, 0);
	cr_assert_eq(section_check(&m->sections[0], "sqlite", &e), ERR_MIGFILE);
	cr_expect_str_eq(e.msg, "unterminated double-quoted identifier (as "
				"sqlite3 reads it)");
	migration_free(m);
}

Test(migration, a_section_no_engine_splits_refuses_the_file)
{
	const char *t = HEAD "-- migratore: run\nSELECT 1;\nSELECT 'abc;\n";
	struct migration *m = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(migration_parse("f.sql", t, strlen(t), false, &m, &e),
		     ERR_MIGFILE);
	cr_expect_null(m);
	cr_expect_eq(e.line, 5);
	cr_expect_eq(e.col, 8);
	cr_expect_str_eq(e.msg, "unterminated single-quoted string");
}

/* Only the engines that use a plain section count: here only mysql. */
Test(migration, overridden_engines_do_not_read_the_plain_section)
{
	const char *t = HEAD "-- migratore: run\n"
			"SELECT \"a\\\"b;c\";\n"
			"-- migratore: run postgres\nSELECT 1;\n"
			"-- migratore: run sqlite\nSELECT 2;\n";
	const char *u = HEAD "-- migratore: run\n"
			"SELECT \"a\\\"b;c\";\n"
			"-- migratore: run mysql\nSELECT 1;\n";
	struct migration *m = parse_ok(t, strlen(t), false);
	struct err e = ERR_INIT;
	int r;

	cr_expect_eq(migration_check(m, "postgres", &e), 0, "%s", e.msg);
	cr_expect_eq(migration_check(m, "sqlite", &e), 0, "%s", e.msg);
	cr_expect_eq(migration_check(m, "mysql", &e), 0, "%s", e.msg);
	migration_free(m);
	m = NULL;
	/* the plain section serves postgres and sqlite, which both fail */
	r = migration_parse("f.sql", u, strlen(u), false, &m, &e);
	cr_expect_eq(r, ERR_MIGFILE);
	cr_expect_str_eq(e.msg, "unterminated double-quoted identifier");
	migration_free(m);
}

Test(migration, free_of_null_is_a_no_op)
{
	migration_free(NULL);
}
