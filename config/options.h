/*
 * The command line as given: one table of options (options.c), parsed once
 * into one struct options that the rest of the program reads, never copies.
 * `--help`, the help of one command, the list of options shell completion
 * offers, and the check of the options only a fleet run takes are all
 * derived from that table.
 *
 * Each row of the table has: the long name, a one-letter alias, the kind of
 * value (a flag, a string kept as given, a whole number in a range, a
 * duration, one of a few words, a repeatable list, or the configuration
 * overrides), the field it goes to, the help text with its metavar and
 * section, and its scope: which commands it is for. The configuration
 * overrides (--host, --port, --lock-timeout ...) are one row standing for
 * every key config/settings.c takes as a flag, so the list of keys exists
 * once, there.
 *
 * How to add an option:
 *   1. add its field to struct options below (NULL, 0 or false = not
 *      given);
 *   2. add its row to the table in options.c, in the section and at the
 *      place where --help should show it, with the scope of the commands
 *      it is for (and fleet_only if a run without an inventory must refuse
 *      it);
 *   3. read the field where the option acts. The help, the help of each
 *      command, shell completion (`migratore help --options`) and the
 *      parse errors need nothing more; tests/unit/test_options.c checks
 *      the help text, and the JSON report's "options" object
 *      (orchestrator/report.c) lists the fleet's options explicitly.
 *
 * Syntax: "--name value", "--name=value", "-x value", "-x=value"; a flag
 * ignores a value given with '='. "--" ends the options. The first word
 * that is not an option is the command, the others are its arguments.
 * Strings point into argv, which must outlive the struct.
 */
#ifndef MIG_OPTIONS_H
#define MIG_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strv.h"
#include "config/target.h"

/*
 * Which commands an option is for. The command table (migratore.c) gives
 * each command the set of scopes it takes; an option shows in the help of
 * a command, and is offered by completion after it, when their scopes
 * meet.
 */
enum options_scope {
	OPTIONS_ANY = 1 << 0,      /* every command: --help */
	OPTIONS_DB = 1 << 1,       /* the commands run against a database */
	OPTIONS_CONFIG = 1 << 2,   /* those that resolve a target, and environ */
	OPTIONS_RESULTS = 1 << 3,  /* list and errors (their JSON rows) */
	OPTIONS_APPLY = 1 << 4,    /* upgrade, dry_upgrade */
	OPTIONS_GENERATE = 1 << 5, /* generate */
	OPTIONS_FLEET = 1 << 6,    /* the commands a fleet runs */
	OPTIONS_REPORT = 1 << 7,   /* report merge|render (reportcmd.c parses
				      them: only --junit and --html) */
	OPTIONS_DRY = 1 << 8,      /* dry_upgrade, dry_downgrade: --sql */
	OPTIONS_STATUS = 1 << 9,   /* status: --strict */
	OPTIONS_REPAIR = 1 << 10,  /* repair: --yes */
	OPTIONS_REBUILD = 1 << 11, /* rebuild: --from */
	OPTIONS_ALL = (1 << 12) - 1,
};

/* --format */
enum options_format { OPTIONS_TEXT, OPTIONS_JSON };

struct options {
	const char *command;    /* the first word that is no option; NULL */
	const char *unknown;    /* the unknown option options_parse stopped
				   at, as given ("--x=1"); NULL */
	struct strv args;       /* the words after it */
	bool help;
	bool list_options;      /* --options (hidden): for shell completion */
	bool list_tags;         /* --tags (hidden): the inventory's tags, for
				   completing --select tag: */
	bool quiet;
	bool verbose;
	bool allow_out_of_order;
	bool strict;            /* status: exit 1 unless up to date */
	bool strict_checksums;  /* upgrade: refuse drift */
	bool yes;               /* repair: no question asked */
	int from;               /* rebuild: the statement to run on; 0 */
	int format;             /* enum options_format */
	int log_format;         /* enum options_format: stderr's */
	bool sql;               /* dry runs: print the statements */
	const char *message;
	/* seconds; -1 = not given, 0 = none (they beat the environment and
	 * the inventory: options_apply) */
	double ddl_lock_timeout;
	double ddl_lock_retries;
	/* fleet mode */
	const char *inventory;
	int jobs;               /* 0 = not given */
	struct strv select;
	double timeout;         /* seconds; -1 = not given, 0 = none */
	const char *report;
	const char *junit;
	const char *html;
	const char *metrics;    /* --metrics: Prometheus text format */
	const char *log_dir;
	/* rollout controls */
	const char *canary;
	const char *max_failures;
	int per_host;           /* 0 = not given */
	int retries;
	const char *deadline;
	const char *resume;
	const char *shard;
	/* configuration overrides, "KEY=VALUE" with KEY a canonical name */
	struct strv flags;
	uint64_t given;         /* bit i: row i of the table was given */
};

void options_init(struct options *o);
/* The options that set a target's keys (--ddl-lock-timeout,
 * --ddl-lock-retries), put into t with the source "command line". */
void options_apply(const struct options *o, struct target *t);
void options_release(struct options *o);

/*
 * Parse argv[1..argc-1] into o (options_init'ed). ERR_USAGE with the
 * message ("unknown option '--x'", "unknown option '--jbos'; did you mean
 * '--jobs'?", "--jobs takes a number from 1 to 10000") at the first bad
 * option; what came before it is kept, so that the caller can report an
 * unknown command first, where it stood, and o->unknown names an unknown
 * option (the caller may know a better hint: a command of that name).
 */
int options_parse(struct options *o, int argc, char **argv, struct err *e);

/*
 * The long name of the first option given (in table order) that only a
 * fleet run takes and a single-target run refuses, or NULL.
 */
const char *options_fleet_only(const struct options *o);

/*
 * The options of the given scopes as --help shows them: "Options:", then
 * the fleet and rollout sections when any of their options is in scope,
 * each section followed by a blank line but the last.
 */
void options_help(unsigned scopes, struct buf *out);

/*
 * The options of the given scopes, one a line, for shell completion:
 * the name, "=" when it takes a value, a tab and the help on one line.
 * Long names, then the alias, in table order.
 */
void options_list(unsigned scopes, struct buf *out);

#endif
