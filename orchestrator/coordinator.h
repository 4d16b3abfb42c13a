/*
 * The fleet coordinator: the only event loop of the program (libev's
 * default loop). It forks one worker per target when the schedule
 * (orchestrator/sched.h: waves, jobs, per-host caps, failure budgets)
 * says so, and for each one watches its frame pipe (ev_io), its exit
 * (as the fleet's spawner reports it, orchestrator/spawner.h: one ev_io
 * for all) and its timeout (ev_timer: SIGTERM, then SIGKILL after
 * grace_kill seconds). The spawner forks the workers and signals them on
 * the coordinator's behalf. What it learns goes into each target's
 * outcome, and each outcome back into the schedule. A target to be
 * retried waits on its own ev_timer (the backoff), holding no place. The
 * deadline is an ev_timer too (orchestrator/background.h, with the
 * signals): when it fires, no target starts any more; running ones finish.
 *
 * Memory: what it keeps for every target is small (orchestrator/slot.h:
 * a state and two pointers); a worker's pipe, watchers and input buffer
 * are an entry (orchestrator/inflight.h) from a pool that grows only to
 * the number of workers running at once.
 *
 * SIGINT and SIGTERM (ev_signal, not keeping the loop alive): no new target
 * starts; running workers are asked (SIGUSR1) to stop after the migration
 * they are running, and get grace_term seconds to do so; then SIGTERM, then
 * SIGKILL after grace_kill. A second signal skips the wait that is in
 * progress. Targets never started stay "not reached".
 *
 * Under a service manager (orchestrator/notify.h) it says READY=1 before
 * the first worker starts, a STATUS= line every few seconds and at the
 * end, and STOPPING=1 at the first SIGINT or SIGTERM.
 */
#ifndef MIG_COORDINATOR_H
#define MIG_COORDINATOR_H

#include <stddef.h>

#include "common/err.h"
#include "common/safefile.h"
#include "config/target.h"
#include "orchestrator/outcome.h"
#include "orchestrator/progress.h"
#include "orchestrator/sched.h"
#include "orchestrator/spawner.h"
#include "worker/commands.h"
#include "worker/migset.h"

struct coordinator_config {
	enum command_id cmd;
	struct cmd_opts opts;   /* run_id and host are set */
	struct sched *sched;    /* the schedule of the jobs, in their order */
	const struct sched_config *limits; /* its retries and deadline */
	double grace_term;      /* interrupted: seconds before SIGTERM */
	double grace_kill;      /* seconds from SIGTERM to SIGKILL */
	struct progress *progress;
	const struct safedir *log_dir; /* --log-dir; NULL = no logs */
	struct spawner *spawner; /* started and set up (spawner_setup) */
};

/* One target to run; the caller owns everything it points to. */
struct coordinator_job {
	const struct target *t;
	const struct migset *ms; /* NULL when the command needs none */
	const char *migpath;     /* the directory ms was loaded from */
	double timeout;          /* seconds; 0 = none */
	const char *log_path;    /* the target's log; NULL = /dev/null */
	const char *log_name;    /* its name in cfg->log_dir (safefile.h) */
	struct outcome *out;     /* filled and classified */
};

/*
 * Run the jobs as the schedule says; returns when all are done, with each
 * outcome classified (not started: not-reached, with the schedule's halt
 * as the reason) and its attempts and times recorded. Returns 0, or
 * ERR_INTERRUPTED with e->signal the signal that interrupted the run. A
 * failure to start the event loop is ERR_INTERNAL (nothing started).
 */
int coordinator_run(const struct coordinator_config *cfg,
		    const struct coordinator_job *jobs, size_t n,
		    struct err *e);

#endif
