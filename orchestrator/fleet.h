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

#include "common/strv.h"
#include "worker/commands.h"

struct fleet_opts {
	const char *inventory;   /* the YAML file */
	enum command_id cmd;
	bool show_environ;       /* the environ command: print each target's
				    settings, no worker */
	const char *path;        /* [path] argument; NULL = per-target path or "." */
	const char *id;          /* rebuild */
	bool allow_out_of_order;
	bool json;               /* list/errors --format json */
	int jobs;                /* 0 = default (number of CPUs x 4, at most 64) */
	struct strv select;      /* --select expressions; empty = all */
	double timeout;          /* per target, seconds; 0 = inventory's or none */
	const char *report;      /* JSON report file, or NULL */
	const char *log_dir;     /* per-target logs, or NULL */
	/* rollout controls (docs/fleet.md, Rollouts); NULL/0: not given */
	const char *canary;      /* --canary EXPR: a first wave */
	const char *max_failures; /* --max-failures N or P% */
	int per_host;            /* --per-host N: per server at once */
	int retries;             /* --retries N: unreachable, locked */
	const char *deadline;    /* --deadline 2h, 06:00, 2026-11-28T06:00Z */
	const char *resume;      /* --resume REPORT.json */
	const char *shard;       /* --shard K/N */
	const char *junit;       /* --junit FILE */
	const char *html;        /* --html FILE */
	bool quiet;              /* no progress; the report only on failure */
	bool progress;           /* live progress display (stdout is a tty) */
	char *const *envp;       /* for ${VAR} in the inventory */
};

/* Run the fleet command; returns the fleet exit code of SPEC 8.3. */
int fleet_run(const struct fleet_opts *fo);

#endif
