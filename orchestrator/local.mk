# orchestrator/: fleet mode. The coordinator (libev loop, slots, spawn,
# select, outcome, report, progress) plus the pieces of the worker protocol
# it owns: common/proto (the frames) and the worker side of fleet mode
# (worker/framesink, worker/fleetworker), listed here so the protocol and
# both of its ends are built from one fragment.
libmigratore_a_SOURCES += \
	common/proto.c common/proto.h \
	worker/framesink.c worker/framesink.h \
	worker/fleetworker.c worker/fleetworker.h \
	orchestrator/coordinator.c orchestrator/coordinator.h \
	orchestrator/fleet.c orchestrator/fleet.h \
	orchestrator/outcome.c orchestrator/outcome.h \
	orchestrator/progress.c orchestrator/progress.h \
	orchestrator/report.c orchestrator/report.h \
	orchestrator/select.c orchestrator/select.h \
	orchestrator/slot.c orchestrator/slot.h \
	orchestrator/spawn.c orchestrator/spawn.h
EXTRA_DIST += docs/fleet.md docs/report-schema.md
