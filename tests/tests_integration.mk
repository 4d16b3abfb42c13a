# TAP shell integration tests: the real binary against real SQLite files and,
# when tests/servers.sh started them (TEST_PG_URL, TEST_MY_URL), PostgreSQL
# and MariaDB. One scenario suite, each script looping over the engines.
INTEGRATION_TESTS = \
	tests/integration/upgrade.sh \
	tests/integration/failure.sh \
	tests/integration/dryrun.sh \
	tests/integration/badinput.sh \
	tests/integration/locking.sh \
	tests/integration/bytes.sh \
	tests/integration/connect.sh \
	tests/integration/cli.sh \
	tests/integration/pytable.sh \
	tests/integration/killed.sh

TESTS += $(INTEGRATION_TESTS)
EXTRA_DIST += $(INTEGRATION_TESTS)
