# The fleet inventory (SPEC 8.1): the YAML tree, the loader, their unit
# tests and fixtures. The libFuzzer harness is built by CI, not by make.
libmigratore_a_SOURCES += \
	config/yamltree.c config/yamltree.h \
	config/problems.c config/problems.h \
	config/keytable.c config/keytable.h \
	config/expansion.c config/expansion.h \
	config/targetspec.c config/targetspec.h \
	config/inventory.c config/inventory.h \
	config/rollout.c config/rollout.h

EXTRA_DIST += tests/data/inventory tests/fuzz/fuzz_inventory.c \
	tests/fuzz/corpus/inventory

if HAVE_CRITERION
INVENTORY_TESTS = tests/unit/test_yamltree tests/unit/test_problems \
	tests/unit/test_keytable tests/unit/test_expansion \
	tests/unit/test_inventory tests/unit/test_rollout
check_PROGRAMS += $(INVENTORY_TESTS)
TESTS += $(INVENTORY_TESTS)
tests_unit_test_yamltree_SOURCES = tests/unit/test_yamltree.c
tests_unit_test_yamltree_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_yamltree_LDADD = $(TEST_LDADD)
tests_unit_test_problems_SOURCES = tests/unit/test_problems.c
tests_unit_test_problems_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_problems_LDADD = $(TEST_LDADD)
tests_unit_test_keytable_SOURCES = tests/unit/test_keytable.c
tests_unit_test_keytable_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_keytable_LDADD = $(TEST_LDADD)
tests_unit_test_expansion_SOURCES = tests/unit/test_expansion.c
tests_unit_test_expansion_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_expansion_LDADD = $(TEST_LDADD)
# targetspec (the keys of a target and their merge) is tested through the
# loader: its input is an inventory entry.
tests_unit_test_inventory_SOURCES = tests/unit/test_inventory.c
tests_unit_test_inventory_CFLAGS = $(TEST_CFLAGS) \
	-DINVENTORY_DATA='"$(abs_top_srcdir)/tests/data/inventory"'
tests_unit_test_inventory_LDADD = $(TEST_LDADD)
tests_unit_test_rollout_SOURCES = tests/unit/test_rollout.c
tests_unit_test_rollout_CFLAGS = $(TEST_CFLAGS) \
	-DINVENTORY_DATA='"$(abs_top_srcdir)/tests/data/inventory"'
tests_unit_test_rollout_LDADD = $(TEST_LDADD)
endif
