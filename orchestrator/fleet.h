/*
 * Fleet mode (SPEC 8): run one command against every selected target of an
 * inventory. The coordinator loads and checks the inventory and every
 * migrations directory before it forks, then runs one worker process per
 * target (at most jobs at once) under a libev loop; each worker runs the
 * same command code as the single-target mode (worker/commands.h) and
 * reports over the frame protocol (common/proto.h), in the order and with
 * the limits of the rollout (orchestrator/sched.h, lineup.h). The
 * consolidated report goes to stdout (text) and, when asked, to a JSON
 * file, a JUnit XML file and an HTML page.
 */
#ifndef MIG_FLEET_H
#define MIG_FLEET_H

#include <stdbool.h>

#include "common/err.h"
#include "config/options.h"
#include "worker/commands.h"

/* What main derived from the command line; the options themselves, as
 * given, are read from opts. */
struct fleet_args {
	const struct options *opts;
	const char *inventory;   /* --inventory, or INVENTORY */
	enum command_id cmd;
	bool show_environ;       /* the environ command: print each target's
				    settings, no worker */
	const char *path;        /* [path] argument; NULL = per-target path or "." */
	const char *id;          /* rebuild */
	char **envp;             /* for ${VAR} in the inventory; its secrets
				    are scrubbed once it is loaded
				    (settings_scrub) */
};

/*
 * Run the fleet command. Returns 0 when every target ended ok or
 * nothing-to-do; ERR_FAILED when one did not (or a report file could not
 * be written); ERR_INTERRUPTED with e->signal when SIGINT or SIGTERM
 * stopped the run; ERR_USAGE (a bad option, --select, report or log path)
 * or ERR_CONFIG (the inventory, a migrations directory, a target's
 * settings) before anything started. The message is in e, or empty when
 * it was printed where it happened (several problems, the report).
 */
int fleet_run(const struct fleet_args *fa, struct err *e);

#endif
