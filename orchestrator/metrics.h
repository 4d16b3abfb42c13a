/*
 * A fleet run as Prometheus metrics (`--metrics FILE`), in the text
 * exposition format that node_exporter's textfile collector reads
 * (docs/fleet.md, "Metrics", lists every name and label).
 *
 * Every series carries the label command ("upgrade", "dry_upgrade", ...),
 * so that the files of different kinds of run on one host never give the
 * same series twice; per target also target (its name) and engine. All are
 * gauges: a run's counts are not counters that grow from run to run.
 *
 *   migratore_target_status{command,target,engine,status} 1
 *   migratore_target_success{command,target,engine}       1 or 0
 *   migratore_target_applied_migrations{...}              this run
 *   migratore_target_pending_migrations{...}              (absent: unknown)
 *   migratore_target_duration_seconds{...}
 *   migratore_target_last_success_timestamp_seconds{...}
 *   migratore_run_info{command,inventory,run_id,version}  1
 *   migratore_run_targets{command,status}                 every status
 *   migratore_run_success{command}
 *   migratore_run_exit_code{command}
 *   migratore_run_start_timestamp_seconds{command}
 *   migratore_run_end_timestamp_seconds{command}
 *   migratore_run_duration_seconds{command}
 *   migratore_run_last_success_timestamp_seconds{command}
 *
 * A target's status is one series whose status label says it (not one
 * series per status: ten times the series, at 10,000 targets a million),
 * and success is the stable series to alert on. The last success of a
 * target is the end of its attempt when it ended ok or nothing-to-do;
 * when it did not, the value of the same series in the file this one
 * replaces is kept, so that it survives a failing night (absent when there
 * was none). The same for the run's, which succeeded when it exits 0.
 *
 * Label values are escaped as the format says (\\, \", \n); names and
 * tags cannot need it, the inventory's path can.
 */
#ifndef MIG_METRICS_H
#define MIG_METRICS_H

#include "common/buf.h"
#include "orchestrator/report.h"

/*
 * r's metrics, appended to out. previous: the text of the metrics file
 * this one replaces (NULL: none), read for the last-success series only,
 * line by line, a series found by its name and its labels exactly as
 * this function writes them.
 */
void metrics_render(const struct report *r, const char *previous,
		    struct buf *out);

#endif
