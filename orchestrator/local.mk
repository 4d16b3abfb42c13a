# orchestrator/: fleet mode. The coordinator (libev loop, slots, the
# workers in flight, background watchers, spawn),
# the run's targets and rollout (lineup, shard, sched, deadline),
# what happened to each target (outcome), and the outputs: progress, the
# text and JSON report, the dry-run plan, JUnit XML, HTML and the
# `migratore report` command.
libmigratore_a_SOURCES += \
	orchestrator/inflight.c orchestrator/inflight.h \
	orchestrator/background.c orchestrator/background.h \
	orchestrator/coordinator.c orchestrator/coordinator.h \
	orchestrator/deadline.c orchestrator/deadline.h \
	orchestrator/discover.c orchestrator/discover.h \
	orchestrator/dryplan.c orchestrator/dryplan.h \
	orchestrator/failgroup.c orchestrator/failgroup.h \
	orchestrator/fleet.c orchestrator/fleet.h \
	orchestrator/fleetstatus.c orchestrator/fleetstatus.h \
	orchestrator/html.c orchestrator/html.h \
	orchestrator/htmlassets.c orchestrator/htmlassets.h \
	orchestrator/htmltable.c orchestrator/htmltable.h \
	orchestrator/junit.c orchestrator/junit.h \
	orchestrator/lineup.c orchestrator/lineup.h \
	orchestrator/metrics.c orchestrator/metrics.h \
	orchestrator/notify.c orchestrator/notify.h \
	orchestrator/outcome.c orchestrator/outcome.h \
	orchestrator/outputs.c orchestrator/outputs.h \
	orchestrator/progress.c orchestrator/progress.h \
	orchestrator/report.c orchestrator/report.h orchestrator/reportjson.c \
	orchestrator/reportcmd.c orchestrator/reportcmd.h \
	orchestrator/reportdoc.c orchestrator/reportdoc.h \
	orchestrator/sched.c orchestrator/sched.h \
	orchestrator/shard.c orchestrator/shard.h \
	orchestrator/slot.c orchestrator/slot.h \
	orchestrator/spawn.c orchestrator/spawn.h \
	orchestrator/spawner.c orchestrator/spawner.h \
	orchestrator/timeline.c orchestrator/timeline.h
