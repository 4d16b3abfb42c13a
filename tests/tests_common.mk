# Unit tests of common/.
if HAVE_CRITERION
check_PROGRAMS += tests/unit/test_buf
TESTS += tests/unit/test_buf
tests_unit_test_buf_SOURCES = tests/unit/test_buf.c
tests_unit_test_buf_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_buf_LDADD = $(TEST_LDADD)
endif

if HAVE_CRITERION
check_PROGRAMS += tests/unit/test_json tests/unit/test_plan
TESTS += tests/unit/test_json tests/unit/test_plan
tests_unit_test_json_SOURCES = tests/unit/test_json.c
tests_unit_test_json_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_json_LDADD = $(TEST_LDADD)
tests_unit_test_plan_SOURCES = tests/unit/test_plan.c
tests_unit_test_plan_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_plan_LDADD = $(TEST_LDADD)
endif
