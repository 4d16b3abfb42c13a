/*
 * The database commands against one target: the code that both callers
 * share. Single-target mode calls command_run in-process with the text
 * sink; a fleet worker calls it in a forked child with a frame sink. It
 * connects, locks when the command writes, reads the bookkeeping table,
 * acts, and reports everything through the sink, ending with
 * sink_finished. Nothing here prints.
 */
#ifndef MIG_COMMANDS_H
#define MIG_COMMANDS_H

#include <signal.h>
#include <stdbool.h>

#include "config/target.h"
#include "worker/migset.h"
#include "worker/sink.h"

enum command_id {
	CMD_UPGRADE,
	CMD_DRY_UPGRADE,
	CMD_DOWNGRADE,
	CMD_DRY_DOWNGRADE,
	CMD_MARK,
	CMD_SKIP,
	CMD_REBUILD,
	CMD_LIST,
	CMD_ERRORS,
	CMD_TRACE,
	CMD_STATUS,
	CMD_REPAIR,
};

struct cmd_opts {
	const char *id;          /* rebuild: uuid or timestamp; trace: row id */
	bool json;               /* list, errors: --format json */
	bool sql;                /* dry runs: --sql, the statements too */
	bool allow_out_of_order;
	bool strict;             /* status: ERR_STATE unless up to date (or
				    the target's status_strict) */
	bool strict_checksums;   /* upgrade, dry_upgrade: refuse drift (or
				    the target's strict_checksums) */
	bool yes;                /* repair: do not ask */
	int from;                /* rebuild: run statement from on (1-based;
				    0 = where the failed run stopped) */
	/*
	 * repair without yes: asks the user question (a line, no newline)
	 * and says whether they agreed. NULL: nobody to ask (refused).
	 */
	bool (*confirm)(const char *question);
	const char *run_id;      /* written to every row */
	const char *host;        /* written to every row */
	/*
	 * Set (by a signal handler) to ask the command to stop before its
	 * next migration: the one in progress finishes and is recorded, the
	 * lock is released and the connection closed. NULL = never.
	 */
	const volatile sig_atomic_t *stop;
};

/* Parse a command name ("dry_upgrade"); false when it is not one. */
bool command_lookup(const char *name, enum command_id *out);
const char *command_name(enum command_id cmd);
/* Does it need the migrations directory? (list, errors, trace do not) */
bool command_needs_migrations(enum command_id cmd);

/*
 * Run cmd against t with the migrations ms (NULL when not needed).
 * Returns 0 or the ERR_* code of the failure; the sink has been told why
 * (and the exit code of SPEC 6.2, in the run summary).
 */
int command_run(enum command_id cmd, const struct target *t,
		const struct migset *ms, const struct cmd_opts *o,
		struct sink *sink);

#endif
