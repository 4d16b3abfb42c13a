# Reports for people and CI, computed on the fleet's JSON report: a strict
# JSON reader (common/jsonparse), the report as a document (merge, the
# unfinished targets for --resume), the JUnit XML and HTML renderers, and
# the `migratore report` subcommand; their unit tests, the browser and
# JUnit integration tests, and the parser's fuzz harness.
libmigratore_a_SOURCES += \
	common/jsonparse.c common/jsonparse.h \
	orchestrator/reportdoc.c orchestrator/reportdoc.h \
	orchestrator/junit.c orchestrator/junit.h \
	orchestrator/html.c orchestrator/html.h \
	orchestrator/reportcmd.c orchestrator/reportcmd.h
EXTRA_DIST += docs/reports.md tests/fuzz/fuzz_jsonparse.c

if HAVE_CRITERION
check_PROGRAMS += tests/unit/test_jsonparse tests/unit/test_reportdoc \
	tests/unit/test_junit tests/unit/test_html
TESTS += tests/unit/test_jsonparse tests/unit/test_reportdoc \
	tests/unit/test_junit tests/unit/test_html
tests_unit_test_jsonparse_SOURCES = tests/unit/test_jsonparse.c
tests_unit_test_jsonparse_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_jsonparse_LDADD = $(TEST_LDADD)
tests_unit_test_reportdoc_SOURCES = tests/unit/test_reportdoc.c
tests_unit_test_reportdoc_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_reportdoc_LDADD = $(TEST_LDADD)
tests_unit_test_junit_SOURCES = tests/unit/test_junit.c
tests_unit_test_junit_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_junit_LDADD = $(TEST_LDADD)
tests_unit_test_html_SOURCES = tests/unit/test_html.c
tests_unit_test_html_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_html_LDADD = $(TEST_LDADD)
endif

REPORT_TESTS = \
	tests/integration/report_junit.sh \
	tests/integration/report_merge.sh \
	tests/integration/report_browser.sh
TESTS += $(REPORT_TESTS)
EXTRA_DIST += $(REPORT_TESTS) tests/lib/reportfleet.sh \
	tests/fuzz/corpus/jsonparse/nested tests/fuzz/corpus/jsonparse/report \
	tests/fuzz/corpus/jsonparse/values
