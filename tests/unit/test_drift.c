/* Unit tests for worker/drift: stored checksums of every version against
 * the files as they are, and the words that say what changed. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "common/buf.h"
#include "worker/drift.h"

#define HEAD                                                                   \
	"-- migratore: uuid = 3f6c1a9e-5d0b-4c1e-9a57-2d8e4b7f0c11\n"          \
	"-- migratore: timestamp = 1795770571\n"

static struct migration *
parse(const char *text, bool executable)
{
	struct migration *m = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(migration_parse("m/1795770571_t.sql", text, strlen(text),
				     executable, &m, &e),
		     0, "%s", e.msg);
	return m;
}

static const char file[] = HEAD "\n-- migratore: run\n"
			   "CREATE TABLE t (a INT);\n"
			   "-- migratore: run postgres\n"
			   "CREATE TABLE t (a int4);\n";

Test(drift, the_checksum_of_today_is_the_engines_run_section)
{
	struct migration *m = parse(file, false);

	cr_expect_str_eq(drift_checksum(m, "sqlite"),
			 section_checksum(&m->sections[0], "sqlite"));
	cr_expect_str_eq(drift_checksum(m, "postgresql"),
			 section_checksum(&m->sections[1], "postgres"));
	cr_expect_eq(strncmp(drift_checksum(m, "mysql"), "v2:", 3), 0);
	migration_free(m);
}

Test(drift, rows_without_a_checksum_never_drift)
{
	struct migration *m = parse(file, false);

	cr_expect(drift_matches(m, "sqlite", NULL));
	cr_expect(drift_matches(m, "sqlite", ""));
	migration_free(m);
}

Test(drift, version_2_rows_compare_with_the_normalised_statements)
{
	struct migration *m = parse(file, false);
	struct migration *spaced = parse(HEAD "-- migratore: run\n-- note\n"
					      "CREATE  TABLE t\n(a INT) ;\n\n",
					 false);
	struct migration *other = parse(HEAD "-- migratore: run\n"
					     "CREATE TABLE t (a BIGINT);\n",
					false);
	const char *stored = drift_checksum(m, "sqlite");

	cr_expect(drift_matches(spaced, "sqlite", stored));
	cr_expect_not(drift_matches(other, "sqlite", stored));
	cr_expect_not(drift_matches(m, "postgres", stored),
		      "postgres runs its own section");
	cr_expect_not(drift_matches(m, "sqlite", "v2:00"));
	migration_free(m);
	migration_free(spaced);
	migration_free(other);
}

Test(drift, version_1_rows_compare_with_the_raw_bytes)
{
	struct migration *m = parse(file, false);
	struct migration *spaced = parse(HEAD "\n-- migratore: run\n"
					      "CREATE TABLE t (a INT); \n"
					      "-- migratore: run postgres\n"
					      "CREATE TABLE t (a int4);\n",
					 false);
	char stored[65];

	/* what earlier versions wrote: the run section's bytes */
	memcpy(stored, m->sections[0].checksum, sizeof(stored));
	cr_expect(drift_matches(m, "sqlite", stored));
	cr_expect(drift_matches(m, "mysql", stored));
	cr_expect_not(drift_matches(m, "postgres", stored));
	cr_expect_not(drift_matches(spaced, "sqlite", stored),
		      "a version 1 checksum sees a blank");
	migration_free(m);
	migration_free(spaced);
}

Test(drift, an_executable_is_its_whole_file)
{
	const char *text = "#!/bin/sh\n# migratore: uuid = "
			   "3f6c1a9e-5d0b-4c1e-9a57-2d8e4b7f0c11\n"
			   "# migratore: timestamp = 1795770571\nexit 0\n";
	struct migration *m = parse(text, true);
	struct buf b = BUF_INIT;

	cr_expect_str_eq(drift_checksum(m, "mysql"), m->checksum);
	cr_expect(drift_matches(m, "mysql", m->checksum));
	cr_expect_not(drift_matches(m, "mysql", "0000"));
	drift_where(m, "mysql", &b);
	cr_expect_str_eq(b.ptr, "the program");
	buf_release(&b);
	migration_free(m);
}

Test(drift, the_warning_names_the_file_and_the_section)
{
	struct migration *m = parse(file, false);
	struct buf b = BUF_INIT;

	drift_where(m, "postgres", &b);
	cr_expect_str_eq(b.ptr, "its run section for postgres (`run postgres`, "
				"line 6)");
	buf_reset(&b);
	drift_warning(m, "mysql", &b);
	cr_expect_str_eq(b.ptr,
			 "1795770571_t.sql (3f6c1a9e-5d0b-4c1e-9a57-2d8e4b7f0c11) "
			 "was changed after it was applied: its run section "
			 "for mysql (the plain `run`, line 4) differs from "
			 "what ran; if the change was intended, `migratore "
			 "repair` records it");
	cr_expect_not_null(strstr(b.ptr, DRIFT_WARNING_WORDS));
	buf_release(&b);
	migration_free(m);
}
