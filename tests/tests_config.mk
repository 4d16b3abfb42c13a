# Unit tests of config/: .env, DB_URL, settings resolution, targets.
if HAVE_CRITERION
check_PROGRAMS += tests/unit/test_dotenv tests/unit/test_dburl \
	tests/unit/test_settings tests/unit/test_target
TESTS += tests/unit/test_dotenv tests/unit/test_dburl \
	tests/unit/test_settings tests/unit/test_target
tests_unit_test_dotenv_SOURCES = tests/unit/test_dotenv.c
tests_unit_test_dotenv_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_dotenv_LDADD = $(TEST_LDADD)
tests_unit_test_dburl_SOURCES = tests/unit/test_dburl.c
tests_unit_test_dburl_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_dburl_LDADD = $(TEST_LDADD)
tests_unit_test_settings_SOURCES = tests/unit/test_settings.c
tests_unit_test_settings_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_settings_LDADD = $(TEST_LDADD)
tests_unit_test_target_SOURCES = tests/unit/test_target.c
tests_unit_test_target_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_target_LDADD = $(TEST_LDADD)
endif

# The libFuzzer harnesses of config/ are built by the fuzz CI script (see
# each harness's SOURCES line); they are listed here so they are shipped.
EXTRA_DIST += tests/fuzz/fuzz_dburl.c tests/fuzz/fuzz_dotenv.c \
	tests/fuzz/corpus/dburl tests/fuzz/corpus/dotenv
