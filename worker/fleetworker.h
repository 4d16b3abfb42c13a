/*
 * The entry point of a fleet worker: the forked child of the coordinator
 * that runs one command against one target. It runs the same command code
 * as single-target mode (worker/commands.h) with two sinks at once: frames
 * to the coordinator (worker/framesink.h) and the human text of the
 * single-target mode into the target's log. Nothing reaches the terminal.
 *
 * SIGUSR1 asks the worker to stop: it finishes the migration in progress
 * (and its recovery, if any) and leaves before the next one, after a
 * FINISHED frame marked stopped. SIGPIPE is ignored: a coordinator that
 * stops reading does not cut a migration short (one that dies kills the
 * worker: orchestrator/spawn.h).
 *
 * Everything it needs was loaded before the fork: the target by the
 * coordinator (sent to the spawner that forks it, orchestrator/spawner.h),
 * the parsed migrations by the spawner, checked against what the
 * coordinator loaded. The worker never reads the inventory or a migration
 * file again.
 */
#ifndef MIG_FLEETWORKER_H
#define MIG_FLEETWORKER_H

#include <stdbool.h>

#include "config/target.h"
#include "worker/commands.h"
#include "worker/migset.h"

/*
 * Run cmd against t. frame_fd is the pipe to the coordinator, log_fd the
 * target's log (the child's stdout/stderr point there too; /dev/null when
 * there is no log); both are left open. Sends STARTED first and FINISHED
 * last. Returns the exit code for _exit (SPEC 6.2).
 */
int fleetworker_main(const struct target *t, const struct migset *ms,
		     enum command_id cmd, const struct cmd_opts *o,
		     int frame_fd, int log_fd);

/*
 * Whether a WARNING frame says the target's log could not be written (a
 * full disk): the worker cannot tell its operator through the log itself,
 * so the coordinator shows this one on its stderr as it arrives, besides
 * the report's entry for the target.
 */
bool fleetworker_log_warning(const char *text);

#endif
