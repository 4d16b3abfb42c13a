# worker/: everything that runs a command against one database: the file
# format and lexer, discovery, the bookkeeping table, the plan, the runner,
# the commands (single-target mode and fleet workers alike), the fleet
# worker's side of the protocol, and the commands that write migration
# files (generate, touch, squash).
libmigratore_a_SOURCES += \
	worker/attempt.c worker/attempt.h \
	worker/batch.c worker/batch.h \
	worker/blocks.c worker/blocks.h \
	worker/caret.c worker/caret.h \
	worker/cmdcheck.c worker/cmdcheck.h worker/cmdctx.h \
	worker/commands.c worker/commands.h \
	worker/drift.c worker/drift.h \
	worker/eventlog.c worker/eventlog.h \
	worker/fileops.c worker/fileops.h \
	worker/fleetworker.c worker/fleetworker.h \
	worker/framesink.c worker/framesink.h \
	worker/indoubt.c worker/indoubt.h \
	worker/jsonsink.c worker/jsonsink.h \
	worker/ledger.c worker/ledger.h \
	worker/ledger_col.c worker/ledger_col.h \
	worker/ledger_progress.c worker/ledger_progress.h \
	worker/ledger_write.c worker/ledger_write.h \
	worker/lexer.c worker/lexer.h \
	worker/lockretry.c worker/lockretry.h \
	worker/merge.c worker/merge.h \
	worker/migfile.c worker/migfile.h \
	worker/migration.c worker/migration.h \
	worker/migset.c worker/migset.h \
	worker/plan.c worker/plan.h \
	worker/program.c worker/program.h \
	worker/repair.c worker/repair.h \
	worker/rowlist.c worker/rowlist.h \
	worker/resume.c worker/resume.h \
	worker/runbatch.c worker/runbatch.h \
	worker/runexec.c worker/runexec.h \
	worker/runner.c worker/runner.h \
	worker/section.c worker/section.h \
	worker/sink.c worker/sink.h \
	worker/sqlplan.c worker/sqlplan.h \
	worker/status.c worker/status.h \
	worker/textsink.c worker/textsink.h
