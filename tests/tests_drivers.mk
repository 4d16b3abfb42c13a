# Unit tests of drivers/: the registry (test_driver) and one program per
# engine (test_driver_<engine>). Each block stands alone (its own
# HAVE_CRITERION guard), so an engine's tests are appended as a new block.

# drivers/driver.c: registry, DB_URL parameter check, rows, DEBUG trace
if HAVE_CRITERION
check_PROGRAMS += tests/unit/test_driver
TESTS += tests/unit/test_driver
tests_unit_test_driver_SOURCES = tests/unit/test_driver.c
tests_unit_test_driver_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_driver_LDADD = $(TEST_LDADD)
endif

# drivers/sqlite: real database files in a temporary directory
if HAVE_CRITERION
check_PROGRAMS += tests/unit/test_driver_sqlite
TESTS += tests/unit/test_driver_sqlite
tests_unit_test_driver_sqlite_SOURCES = tests/unit/test_driver_sqlite.c
tests_unit_test_driver_sqlite_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_driver_sqlite_LDADD = $(TEST_LDADD)
endif
