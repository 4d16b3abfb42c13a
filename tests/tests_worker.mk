# tests for worker
if HAVE_CRITERION
check_PROGRAMS += tests/unit/test_sha256 tests/unit/test_lexer \
	tests/unit/test_migration tests/unit/test_migset
TESTS += tests/unit/test_sha256 tests/unit/test_lexer \
	tests/unit/test_migration tests/unit/test_migset
tests_unit_test_sha256_SOURCES = tests/unit/test_sha256.c
tests_unit_test_sha256_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_sha256_LDADD = $(TEST_LDADD)
tests_unit_test_lexer_SOURCES = tests/unit/test_lexer.c
tests_unit_test_lexer_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_lexer_LDADD = $(TEST_LDADD)
tests_unit_test_migration_SOURCES = tests/unit/test_migration.c
tests_unit_test_migration_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_migration_LDADD = $(TEST_LDADD)
tests_unit_test_migset_SOURCES = tests/unit/test_migset.c
tests_unit_test_migset_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_migset_LDADD = $(TEST_LDADD)
endif
EXTRA_DIST += tests/fuzz/fuzz_migration.c tests/fuzz/corpus/migration \
	tests/data/migrations
