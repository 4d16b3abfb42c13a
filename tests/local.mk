# tests/: Criterion unit tests (tests/unit, one per module) and TAP shell
# integration tests (tests/integration) that run the real binary against
# real SQLite files and, when tests/servers.sh started them, PostgreSQL and
# MariaDB (each such case skips itself when TEST_PG_URL / TEST_MY_URL are
# unset). Every test speaks TAP, so the log shows one line per case.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	CRITERION_ENABLE_TAP=1; export CRITERION_ENABLE_TAP; \
	MIGRATORE='$(abs_top_builddir)/migratore'; export MIGRATORE; \
	TESTS_SRCDIR='$(abs_top_srcdir)/tests'; export TESTS_SRCDIR; \
	TOP_BUILDDIR='$(abs_top_builddir)'; export TOP_BUILDDIR; \
	NETPROXY='$(abs_top_builddir)/tests/tools/netproxy'; export NETPROXY; \
	TEST_ENGINES_BUILT='$(BUILT_ENGINES)'; export TEST_ENGINES_BUILT; \
	TEST_SYSTEMD_BUILT='$(BUILT_SYSTEMD)'; export TEST_SYSTEMD_BUILT;

# Unit tests: program tests/unit/test_X is built from tests/unit/test_X.c
# (automake's default source) with the flags and libraries below, which
# every program without its own _LDADD takes (the binary has its own).
# Fixtures are found under TESTS_DATADIR.
if HAVE_CRITERION
UNIT_TESTS = \
	tests/unit/test_buf \
	tests/unit/test_err \
	tests/unit/test_intern \
	tests/unit/test_json \
	tests/unit/test_jsonparse \
	tests/unit/test_proto \
	tests/unit/test_sha256 \
	tests/unit/test_spelling \
	tests/unit/test_safefile \
	tests/unit/test_dotenv \
	tests/unit/test_duration \
	tests/unit/test_engine \
	tests/unit/test_dburl \
	tests/unit/test_settings \
	tests/unit/test_options \
	tests/unit/test_target \
	tests/unit/test_targetwire \
	tests/unit/test_yamltree \
	tests/unit/test_problems \
	tests/unit/test_keytable \
	tests/unit/test_expansion \
	tests/unit/test_template \
	tests/unit/test_lockretry \
	tests/unit/test_jsonlines \
	tests/unit/test_inventory \
	tests/unit/test_discovery \
	tests/unit/test_rollout \
	tests/unit/test_selection \
	tests/unit/test_driver \
	tests/unit/test_driver_sqlite \
	tests/unit/test_driver_redact \
	tests/unit/test_textfit \
	tests/unit/test_lexer \
	tests/unit/test_caret \
	tests/unit/test_migration \
	tests/unit/test_migset \
	tests/unit/test_plan \
	tests/unit/test_drift \
	tests/unit/test_status \
	tests/unit/test_resume \
	tests/unit/test_fileops \
	tests/unit/test_sched \
	tests/unit/test_shard \
	tests/unit/test_deadline \
	tests/unit/test_dryplan \
	tests/unit/test_outcome \
	tests/unit/test_inflight \
	tests/unit/test_report \
	tests/unit/test_reportdoc \
	tests/unit/test_junit \
	tests/unit/test_metrics \
	tests/unit/test_html \
	tests/unit/test_failgroup \
	tests/unit/test_fleetstatus \
	tests/unit/test_progress
# The driver suite, written once, runs in each engine's program; a server
# engine's program only when configure built its driver.
if WITH_POSTGRES
UNIT_TESTS += tests/unit/test_driver_pg
endif
if WITH_MYSQL
UNIT_TESTS += tests/unit/test_driver_mysql tests/unit/test_myeffect
endif
DRIVER_SUITE = tests/unit/driver_suite.c tests/unit/driver_suite.h
tests_unit_test_driver_sqlite_SOURCES = tests/unit/test_driver_sqlite.c \
	$(DRIVER_SUITE)
tests_unit_test_driver_pg_SOURCES = tests/unit/test_driver_pg.c \
	$(DRIVER_SUITE) tests/unit/driver_suite_server.c
tests_unit_test_driver_mysql_SOURCES = tests/unit/test_driver_mysql.c \
	$(DRIVER_SUITE) tests/unit/driver_suite_server.c
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
AM_CFLAGS += $(CRITERION_CFLAGS)
AM_CPPFLAGS += -DTESTS_DATADIR='"$(abs_top_srcdir)/tests/data"'
LDADD = $(LIBMIGRATORE_LIBS) $(CRITERION_LIBS)
endif

# tests/tools/netproxy: a TCP proxy on 127.0.0.1 that delays, counts round
# trips and cuts connections (tests/tools/README.md), for the integration
# tests and bench/. Built by make, so the bench finds it after a build.
noinst_PROGRAMS = tests/tools/netproxy
tests_tools_netproxy_SOURCES = tests/tools/netproxy.c tests/tools/proxyopts.c \
	tests/tools/proxyopts.h
tests_tools_netproxy_LDADD = libmigratore.a $(EV_LIBS)

# Integration tests: one scenario suite, each script looping over the
# engines; fleet mode, rollouts, reports, contrib/.
INTEGRATION_TESTS = \
	tests/integration/upgrade.sh \
	tests/integration/failure.sh \
	tests/integration/dryrun.sh \
	tests/integration/dumps.sh \
	tests/integration/badinput.sh \
	tests/integration/locking.sh \
	tests/integration/bytes.sh \
	tests/integration/connect.sh \
	tests/integration/tls.sh \
	tests/integration/positions.sh \
	tests/integration/cli.sh \
	tests/integration/pytable.sh \
	tests/integration/killed.sh \
	tests/integration/hardening.sh \
	tests/integration/processes.sh \
	tests/integration/descriptors.sh \
	tests/integration/audit.sh \
	tests/integration/fleet_statuses.sh \
	tests/integration/fleet_interrupt.sh \
	tests/integration/fleet_config.sh \
	tests/integration/fleet_concurrent.sh \
	tests/integration/fleet_servers.sh \
	tests/integration/progress_tty.sh \
	tests/integration/output_json.sh \
	tests/integration/dryrun_sql.sh \
	tests/integration/status.sh \
	tests/integration/status_fleet.sh \
	tests/integration/drift.sh \
	tests/integration/rollout_canary.sh \
	tests/integration/rollout_budget.sh \
	tests/integration/rollout_perhost.sh \
	tests/integration/rollout_retries.sh \
	tests/integration/fleet_pool.sh \
	tests/integration/refused.sh \
	tests/integration/connlost.sh \
	tests/integration/resume.sh \
	tests/integration/indoubt.sh \
	tests/integration/rollout_resume.sh \
	tests/integration/rollout_shard.sh \
	tests/integration/rollout_dryrun.sh \
	tests/integration/rollout_quiet.sh \
	tests/integration/tenants.sh \
	tests/integration/discovery.sh \
	tests/integration/ddllock.sh \
	tests/integration/report_junit.sh \
	tests/integration/report_merge.sh \
	tests/integration/report_browser.sh \
	tests/integration/metrics.sh \
	tests/integration/sdnotify.sh \
	tests/integration/install.sh \
	tests/integration/contrib.sh \
	tests/integration/netproxy.sh \
	tests/integration/baseline.sh \
	tests/integration/exactlyonce.sh \
	tests/integration/bookkeeping.sh \
	tests/integration/session.sh \
	tests/integration/fulldisk.sh \
	tests/integration/concurrency.sh \
	tests/integration/faults.sh \
	tests/integration/roundtrips.sh \
	tests/integration/pipeline.sh \
	tests/integration/slurm.sh
TESTS += $(INTEGRATION_TESTS)

# What the tests keep for a person to look at (report_browser.sh's
# screenshot) is gone after distclean, as distcheck requires.
distclean-local:
	rm -rf tests/artifacts

# The libFuzzer harnesses are built and run by tests/fuzz/run.sh (CI), not
# by make; they and their seed corpora are shipped.
EXTRA_DIST += $(INTEGRATION_TESTS) tests/lib tests/data tests/servers.sh \
	tests/packages.sh tests/run-all.sh tests/lsan.supp \
	tests/tools/README.md tests/tools/proxylib.sh \
	bench/roundtrips.sh bench/proxy.sh \
	tests/fuzz/run.sh tests/fuzz/corpus \
	tests/fuzz/fuzz_dburl.c tests/fuzz/fuzz_dotenv.c tests/fuzz/fuzz_inventory.c \
	tests/fuzz/fuzz_jsonparse.c tests/fuzz/fuzz_migration.c
