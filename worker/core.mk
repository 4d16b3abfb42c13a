# worker/: the command code shared by single-target mode and fleet workers.
libmigratore_a_SOURCES += \
	worker/commands.c worker/commands.h \
	worker/ledger.c worker/ledger.h \
	worker/plan.c worker/plan.h \
	worker/program.c worker/program.h \
	worker/runner.c worker/runner.h \
	worker/sink.c worker/sink.h \
	worker/textsink.c worker/textsink.h
