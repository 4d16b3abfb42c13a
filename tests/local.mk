# tests/: Criterion unit tests (tests/unit, one per module) and TAP shell
# integration tests (tests/integration) that run the real binary against real
# SQLite files and, when tests/servers.sh started them, PostgreSQL and MariaDB.
# Every test speaks TAP so that the log shows one line per case.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	CRITERION_ENABLE_TAP=1; export CRITERION_ENABLE_TAP; \
	MIGRATORE='$(abs_top_builddir)/migratore'; export MIGRATORE; \
	TESTS_SRCDIR='$(abs_top_srcdir)/tests'; export TESTS_SRCDIR;

TEST_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
TEST_LDADD = $(LIBMIGRATORE_LIBS) $(CRITERION_LIBS)

EXTRA_DIST += tests/lib/tap.sh tests/lib/engines.sh tests/servers.sh
