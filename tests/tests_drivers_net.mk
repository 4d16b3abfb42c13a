# Unit tests of the network drivers against the servers tests/servers.sh
# starts; each test skips itself when TEST_PG_URL / TEST_MY_URL are unset.
if HAVE_CRITERION

check_PROGRAMS += tests/unit/test_driver_pg
TESTS += tests/unit/test_driver_pg
tests_unit_test_driver_pg_SOURCES = tests/unit/test_driver_pg.c
tests_unit_test_driver_pg_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_driver_pg_LDADD = $(TEST_LDADD)

check_PROGRAMS += tests/unit/test_driver_mysql
TESTS += tests/unit/test_driver_mysql
tests_unit_test_driver_mysql_SOURCES = tests/unit/test_driver_mysql.c
tests_unit_test_driver_mysql_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_driver_mysql_LDADD = $(TEST_LDADD)

endif
