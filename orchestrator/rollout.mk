# Rollout controls of fleet mode: the schedule (waves, per-host caps,
# failure budgets, retries), the run's targets and rollout (--select,
# --resume, --shard, --canary, --max-failures), --deadline, the dry-run
# plan and the run's outputs (--quiet, --junit, --html); their unit tests
# and the rollout integration tests.
libmigratore_a_SOURCES += \
	orchestrator/deadline.c orchestrator/deadline.h \
	orchestrator/dryplan.c orchestrator/dryplan.h \
	orchestrator/lineup.c orchestrator/lineup.h \
	orchestrator/outputs.c orchestrator/outputs.h \
	orchestrator/sched.c orchestrator/sched.h \
	orchestrator/shard.c orchestrator/shard.h

if HAVE_CRITERION
check_PROGRAMS += tests/unit/test_sched tests/unit/test_shard \
	tests/unit/test_deadline tests/unit/test_dryplan
TESTS += tests/unit/test_sched tests/unit/test_shard \
	tests/unit/test_deadline tests/unit/test_dryplan
tests_unit_test_sched_SOURCES = tests/unit/test_sched.c
tests_unit_test_sched_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_sched_LDADD = $(TEST_LDADD)
tests_unit_test_shard_SOURCES = tests/unit/test_shard.c
tests_unit_test_shard_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_shard_LDADD = $(TEST_LDADD)
tests_unit_test_deadline_SOURCES = tests/unit/test_deadline.c
tests_unit_test_deadline_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_deadline_LDADD = $(TEST_LDADD)
tests_unit_test_dryplan_SOURCES = tests/unit/test_dryplan.c
tests_unit_test_dryplan_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_dryplan_LDADD = $(TEST_LDADD)
endif

ROLLOUT_TESTS = \
	tests/integration/rollout_canary.sh \
	tests/integration/rollout_budget.sh \
	tests/integration/rollout_perhost.sh \
	tests/integration/rollout_retries.sh \
	tests/integration/rollout_resume.sh \
	tests/integration/rollout_shard.sh \
	tests/integration/rollout_dryrun.sh \
	tests/integration/rollout_quiet.sh
TESTS += $(ROLLOUT_TESTS)
EXTRA_DIST += $(ROLLOUT_TESTS) tests/lib/rollout.sh
