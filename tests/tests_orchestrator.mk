# Tests of fleet mode: unit tests of the protocol, the selection and the
# report (no fork of a real worker, no database), and TAP integration
# scripts that run real fleets of SQLite (and, when started, PostgreSQL
# and MariaDB) databases through the binary.
if HAVE_CRITERION
check_PROGRAMS += tests/unit/test_proto tests/unit/test_select \
	tests/unit/test_report
TESTS += tests/unit/test_proto tests/unit/test_select tests/unit/test_report
tests_unit_test_proto_SOURCES = tests/unit/test_proto.c
tests_unit_test_proto_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_proto_LDADD = $(TEST_LDADD)
tests_unit_test_select_SOURCES = tests/unit/test_select.c
tests_unit_test_select_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_select_LDADD = $(TEST_LDADD)
tests_unit_test_report_SOURCES = tests/unit/test_report.c
tests_unit_test_report_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_report_LDADD = $(TEST_LDADD)
endif

FLEET_TESTS = \
	tests/integration/fleet_statuses.sh \
	tests/integration/fleet_interrupt.sh \
	tests/integration/fleet_config.sh \
	tests/integration/fleet_concurrent.sh \
	tests/integration/fleet_servers.sh
TESTS += $(FLEET_TESTS)
EXTRA_DIST += $(FLEET_TESTS)
