# worker/fileops: generate, touch and squash, the commands that write
# migration files (migfile: claiming names; merge: squash's merged text).
libmigratore_a_SOURCES += \
	worker/fileops.c worker/fileops.h \
	worker/migfile.c worker/migfile.h \
	worker/merge.c worker/merge.h

if HAVE_CRITERION
check_PROGRAMS += tests/unit/test_fileops
TESTS += tests/unit/test_fileops
tests_unit_test_fileops_SOURCES = tests/unit/test_fileops.c
tests_unit_test_fileops_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_fileops_LDADD = $(TEST_LDADD)
endif
