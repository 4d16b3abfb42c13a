/*
 * migratore: argv, the command table, and dispatch between the single-target
 * mode (the worker's command code run in-process) and the fleet mode.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/runinfo.h"
#include "common/strv.h"
#include "common/xmalloc.h"
#include "config/settings.h"
#include "config/target.h"
#include "config/duration.h"
#include "orchestrator/fleet.h"
#include "orchestrator/reportcmd.h"
#include "orchestrator/sched.h"
#include "worker/commands.h"
#include "worker/fileops.h"
#include "worker/migset.h"
#include "worker/textsink.h"
#include "common/banned.h"

extern char **environ;

enum kind { K_HELP, K_VERSION, K_ENVIRON, K_DB, K_GENERATE, K_TOUCH,
	    K_SQUASH, K_REPORT };

/* The command table: usage and help come from here and nowhere else. */
static const struct command {
	const char *name;
	const char *args;
	enum kind kind;
	int min_args;
	int max_args;
	const char *summary;
} commands[] = {
	{ "help", "[command]", K_HELP, 0, 1, "Prints this message, or the help of one command" },
	{ "version", "", K_VERSION, 0, 0, "Prints the current version of migratore" },
	{ "environ", "", K_ENVIRON, 0, 0, "Displays the resolved configuration and where each value came from" },
	{ "list", "[path]", K_DB, 0, 1, "Lists the executed migrations on the current database (flags changed files of path)" },
	{ "errors", "", K_DB, 0, 0, "Lists the various errors from migration of the database" },
	{ "trace", "<id>", K_DB, 1, 1, "Prints the traceback for the error execution with the provided id" },
	{ "mark", "[path]", K_DB, 0, 1, "Marks all pending migrations as applied (Run Skip) using the directory" },
	{ "skip", "[path]", K_DB, 0, 1, "Skips the current migration (next to be run) using the directory" },
	{ "rebuild", "<id> [path]", K_DB, 1, 2, "Runs the partial execution of the migration with the given uuid or timestamp" },
	{ "touch", "<id> [path]", K_TOUCH, 1, 2, "Touches a migration file updating its timestamp to the current time" },
	{ "squash", "<start> <end> [output]", K_SQUASH, 2, 3, "Combines the migrations from start to end into a single file" },
	{ "upgrade", "[path]", K_DB, 0, 1, "Executes the pending migrations using the directory (default: current)" },
	{ "dry_upgrade", "[path]", K_DB, 0, 1, "Prints the pending migrations without executing them" },
	{ "downgrade", "[path]", K_DB, 0, 1, "Rolls back the last applied migration using the directory" },
	{ "dry_downgrade", "[path]", K_DB, 0, 1, "Prints the last applied migration without rolling it back" },
	{ "generate", "[path]", K_GENERATE, 0, 1, "Generates a new migration file into the directory or file given" },
	{ "report", "merge|render ...", K_REPORT, 0, 0, "Merges fleet reports (shards, resumed runs), renders JUnit XML and HTML" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

struct options {
	bool help;
	bool quiet;
	bool json;
	bool allow_out_of_order;
	bool verbose;
	const char *message;
	/* fleet mode */
	const char *inventory;
	int jobs;
	struct strv select;
	double timeout;
	const char *report;
	const char *log_dir;
	/* rollout controls (fleet mode only) */
	const char *canary;
	const char *max_failures;
	int per_host;
	int retries;
	const char *deadline;
	const char *resume;
	const char *shard;
	const char *junit;
	const char *html;
	struct strv flags; /* KEY=VALUE configuration overrides */
	struct strv args;  /* positional arguments after the command */
	const struct command *cmd;
};

static const char exit_codes_text[] =
    "Exit codes:\n"
    "  0  success, or nothing to do\n"
    "  1  a migration failed (and was recorded), or the command was refused\n"
    "  2  usage error\n"
    "  3  configuration or migration-file error (nothing was touched)\n"
    "  4  database unreachable, login refused or lock not obtained in time\n"
    "     (nothing was touched)\n";

static const char options_text[] =
    "Options:\n"
    "  -h, --help               show help (of a command: migratore CMD --help)\n"
    "  -q, --quiet              no connection line and no step lines\n"
    "  -v, --verbose            print the traceback of a failed migration\n"
    "      --format text|json   output format of list and errors\n"
    "      --allow-out-of-order apply pending migrations older than the\n"
    "                           newest applied one (refused otherwise)\n"
    "  -m, --message TEXT       description of the migration (generate)\n"
    "  --engine, --db-url, --host, --port, --unix-socket, --db, --username,\n"
    "  --fs, --safe, --debug, --lock-timeout, --operator, --inventory =VALUE\n"
    "                           override the variable of the same name\n"
    "                           (flags > environment > .env > defaults)\n"
    "\n"
    "Fleet mode (--inventory FILE or INVENTORY; see migratore-inventory(5)):\n"
    "  -i, --inventory FILE     run the command against every target of FILE\n"
    "  -j, --jobs N             targets at once (default: 4 per CPU, at most 64)\n"
    "      --select EXPR        only targets matching a name glob or tag:NAME\n"
    "                           (repeatable; or'ed)\n"
    "      --timeout DURATION   per-target limit: 90, 90s, 10m, 1h30m\n"
    "      --report FILE        write the JSON report (mode 0600, atomic)\n"
    "      --junit FILE         write the report as JUnit XML (CI systems)\n"
    "      --html FILE          write the report as one HTML page\n"
    "      --log-dir DIR        one log file per target\n"
    "  -q, --quiet              no progress; print the report only when a\n"
    "                           target did not end ok or nothing-to-do\n"
    "\n"
    "Rollouts (fleet mode; see the inventory's rollout section):\n"
    "      --canary EXPR        first a wave of the targets EXPR selects; the\n"
    "                           rest only if none of them failed\n"
    "      --max-failures N|P%  start no target once more than N (or P% of\n"
    "                           the targets) failed; default: stop after the\n"
    "                           first wave with a failure\n"
    "      --per-host N         at most N targets of one server at once\n"
    "      --retries N          retry unreachable and locked targets N times\n"
    "                           (backoff 0.5s doubling, capped at 30s)\n"
    "      --deadline WHEN      start no target after WHEN: 2h (from now),\n"
    "                           06:00 (next), 2026-11-28T06:00Z\n"
    "      --resume REPORT      only the targets REPORT says did not finish\n"
    "      --shard K/N          only slice K (0 to N-1) of N: FNV-1a 64 of\n"
    "                           the target's name, mod N\n";

static const struct command *
command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void
usage_all(FILE *fp)
{
	size_t i, w = 0, n;

	for (i = 0; i < NCOMMANDS; i++) {
		n = strlen(commands[i].name) + 1 + strlen(commands[i].args);
		if (n > w)
			w = n;
	}
	fprintf(fp, "migratore %s\n\n", PACKAGE_VERSION);
	fprintf(fp, "Usage: migratore <command> [arguments] [options]\n\n");
	fprintf(fp, "Commands:\n");
	for (i = 0; i < NCOMMANDS; i++) {
		char head[128];

		xsnprintf(head, sizeof(head), "%s %s", commands[i].name,
			  commands[i].args);
		fprintf(fp, "  %-*s  %s\n", (int)w, head, commands[i].summary);
	}
	fprintf(fp, "\n%s\n", options_text);
	fprintf(fp, "Variables: HOST PORT UNIX_SOCKET DB USERNAME PASSWORD FS "
		    "DB_URL SAFE DEBUG ENGINE\n  LOCK_TIMEOUT OPERATOR "
		    "INVENTORY (aliases DB_HOST DB_PORT DB_UNIX_SOCKET "
		    "DB_USER\n  DB_USERNAME DB_PASSWORD DB_NAME); also read "
		    "from .env. See migratore(1).\n\n");
	fputs(exit_codes_text, fp);
}

static void
usage_command(const struct command *c, FILE *fp)
{
	if (c->kind == K_REPORT) {
		fputs(reportcmd_usage, fp);
		return;
	}
	fprintf(fp, "Usage: migratore %s %s [options]\n\n%s.\n\n", c->name,
		c->args, c->summary);
	fputs(options_text, fp);
	fputc('\n', fp);
	fputs(exit_codes_text, fp);
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "migratore: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'migratore help' for the list of commands.\n");
	return EXIT_USAGE;
}

/* The value of an option: "--x=v" or "--x v". */
static const char *
opt_value(int argc, char **argv, int *i, const char *eq)
{
	if (eq)
		return eq + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

#define OPT(field) offsetof(struct options, field)

/* Options with a text value, kept as given: where it goes. */
static const struct str_opt {
	const char *name;
	const char *alt;
	size_t off;
	const char *needs;
} str_opts[] = {
	{ "--message", "-m", OPT(message), "a value" },
	{ "--inventory", "-i", OPT(inventory), "a file" },
	{ "--report", NULL, OPT(report), "a file" },
	{ "--log-dir", NULL, OPT(log_dir), "a directory" },
	{ "--junit", NULL, OPT(junit), "a file" },
	{ "--html", NULL, OPT(html), "a file" },
	{ "--canary", NULL, OPT(canary), "an expression" },
	{ "--max-failures", NULL, OPT(max_failures),
	  "a number or a percentage" },
	{ "--deadline", NULL, OPT(deadline), "a time" },
	{ "--resume", NULL, OPT(resume), "a report" },
	{ "--shard", NULL, OPT(shard), "K/N" },
};

/* Options with a whole number value, and its range. */
static const struct int_opt {
	const char *name;
	const char *alt;
	size_t off;
	int min, max;
} int_opts[] = {
	{ "--jobs", "-j", OPT(jobs), 1, 10000 },
	{ "--per-host", NULL, OPT(per_host), 1, 10000 },
	{ "--retries", NULL, OPT(retries), 0, SCHED_RETRIES_MAX },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static bool
named(const char *name, const char *opt, const char *alt)
{
	return strcmp(name, opt) == 0 || (alt && strcmp(name, alt) == 0);
}

/* A table option; 1 when name is none of them, else 0 or an exit code. */
static int
table_option(const char *name, const char *v, struct options *o)
{
	char *end;
	long n;
	size_t k;

	for (k = 0; k < NELEM(str_opts); k++) {
		if (!named(name, str_opts[k].name, str_opts[k].alt))
			continue;
		if (v == NULL)
			return usage_error("%s needs %s", name,
					   str_opts[k].needs);
		*(const char **)(void *)((char *)o + str_opts[k].off) = v;
		return 0;
	}
	for (k = 0; k < NELEM(int_opts); k++) {
		if (!named(name, int_opts[k].name, int_opts[k].alt))
			continue;
		n = v ? strtol(v, &end, 10) : -1;
		if (v == NULL || *v == '\0' || *end != '\0' ||
		    n < int_opts[k].min || n > int_opts[k].max)
			return usage_error("%s takes a number from %d to %d",
					   name, int_opts[k].min,
					   int_opts[k].max);
		*(int *)(void *)((char *)o + int_opts[k].off) = (int)n;
		return 0;
	}
	return 1;
}

static bool
takes_value(const char *name)
{
	size_t k;

	for (k = 0; k < NELEM(str_opts); k++)
		if (named(name, str_opts[k].name, str_opts[k].alt))
			return true;
	for (k = 0; k < NELEM(int_opts); k++)
		if (named(name, int_opts[k].name, int_opts[k].alt))
			return true;
	return false;
}

static int
parse_option(int argc, char **argv, int *i, struct options *o)
{
	const char *a = argv[*i], *eq = strchr(a, '='), *v, *key;
	struct err e = ERR_INIT;
	char name[64];
	size_t n = eq ? (size_t)(eq - a) : strlen(a);
	int r;

	if (n >= sizeof(name))
		return usage_error("unknown option '%s'", a);
	memcpy(name, a, n);
	name[n] = '\0';
	if (!strcmp(name, "-h") || !strcmp(name, "--help"))
		o->help = true;
	else if (!strcmp(name, "-q") || !strcmp(name, "--quiet"))
		o->quiet = true;
	else if (!strcmp(name, "-v") || !strcmp(name, "--verbose"))
		o->verbose = true;
	else if (!strcmp(name, "--allow-out-of-order"))
		o->allow_out_of_order = true;
	else if (takes_value(name)) {
		v = opt_value(argc, argv, i, eq);
		if ((r = table_option(name, v, o)) != 0)
			return r;
	} else if (!strcmp(name, "--format")) {
		if ((v = opt_value(argc, argv, i, eq)) == NULL ||
		    (strcmp(v, "json") != 0 && strcmp(v, "text") != 0))
			return usage_error("--format takes 'text' or 'json'");
		o->json = strcmp(v, "json") == 0;
	} else if (!strcmp(name, "--select")) {
		if ((v = opt_value(argc, argv, i, eq)) == NULL)
			return usage_error("%s needs an expression", name);
		strv_push(&o->select, v);
	} else if (!strcmp(name, "--timeout")) {
		if ((v = opt_value(argc, argv, i, eq)) == NULL ||
		    duration_parse(v, &o->timeout, &e) < 0)
			return usage_error("%s takes a duration such as 90, "
					   "90s, 10m or 1h30m", name);
	} else if ((key = settings_flag_key(name)) != NULL) {
		if ((v = opt_value(argc, argv, i, eq)) == NULL)
			return usage_error("%s needs a value", name);
		strv_pushf(&o->flags, "%s=%s", key, v);
	} else
		return usage_error("unknown option '%s'", name);
	return 0;
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	bool dashdash = false;
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!dashdash && strcmp(a, "--") == 0) {
			dashdash = true;
		} else if (!dashdash && a[0] == '-' && a[1] != '\0') {
			if ((r = parse_option(argc, argv, &i, o)) != 0)
				return r;
		} else if (o->cmd == NULL) {
			if ((o->cmd = command_find(a)) == NULL)
				return usage_error("unknown command '%s'", a);
		} else
			strv_push(&o->args, a);
	}
	if (o->cmd == NULL)
		o->cmd = command_find("help");
	if (o->help)
		return 0;
	if ((int)o->args.n < o->cmd->min_args ||
	    (int)o->args.n > o->cmd->max_args) {
		fprintf(stderr, "migratore: %s takes %s%s\n", o->cmd->name,
			o->cmd->args[0] ? "arguments " : "no arguments",
			o->cmd->args);
		fprintf(stderr, "Usage: migratore %s %s\n", o->cmd->name,
			o->cmd->args);
		return EXIT_USAGE;
	}
	return 0;
}

/* Resolve the single target; prints the error itself. */
static int
load_target(const struct options *o, struct target **out)
{
	struct settings_input in;
	struct buf dotenv = BUF_INIT;
	struct err e = ERR_INIT;
	char cwd[PATH_MAX], text[ERR_TEXT_MAX];
	int r;

	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		fprintf(stderr, "migratore: error: getcwd: %s\n",
			strerror(errno));
		return EXIT_FAILED;
	}
	memset(&in, 0, sizeof(in));
	in.envp = environ;
	in.flags = &o->flags;
	in.cwd = cwd;
	in.login = runinfo_login();
	in.dotenv_name = ".env";
	if ((r = buf_read_file(&dotenv, ".env")) == 0)
		in.dotenv_text = dotenv.ptr;
	else if (r != -ENOENT) {
		fprintf(stderr, "migratore: error: .env: %s\n", strerror(-r));
		buf_release(&dotenv);
		return EXIT_CONFIG;
	}
	r = settings_resolve(&in, out, &e);
	buf_release(&dotenv);
	if (r < 0) {
		err_text(&e, text, sizeof(text));
		fprintf(stderr, "migratore: error: %s\n", text);
		return err_exit_code(e.code);
	}
	return 0;
}

static int
print_error(const struct err *e)
{
	char text[ERR_TEXT_MAX];

	err_text(e, text, sizeof(text));
	fprintf(stderr, "migratore: error: %s\n", text);
	return err_exit_code(e->code);
}

static int
load_migrations(const char *dir, struct migset **out)
{
	struct err e = ERR_INIT;

	if (migset_load(dir, out, &e) < 0)
		return print_error(&e);
	return 0;
}

static int
run_db(const struct options *o, const struct target *t)
{
	struct migset *ms = NULL;
	struct textsink ts = { stdout, stderr, o->quiet, o->verbose };
	struct sink sink;
	struct cmd_opts co;
	enum command_id id;
	char run_id[RUNINFO_ID_MAX], host[RUNINFO_HOST_MAX];
	const char *path = ".";
	int r;

	if (!command_lookup(o->cmd->name, &id))
		return EXIT_USAGE;
	memset(&co, 0, sizeof(co));
	if (id == CMD_REBUILD || id == CMD_TRACE)
		co.id = o->args.v[0];
	if (id == CMD_REBUILD && o->args.n > 1)
		path = o->args.v[1];
	else if (id != CMD_REBUILD && id != CMD_TRACE && o->args.n > 0)
		path = o->args.v[0];
	co.json = o->json;
	co.allow_out_of_order = o->allow_out_of_order;
	runinfo_run_id(time(NULL), run_id, sizeof(run_id));
	co.run_id = run_id;
	runinfo_host(host, sizeof(host));
	co.host = host;
	if (command_needs_migrations(id) &&
	    (r = load_migrations(path, &ms)) != 0)
		return r;
	/* list flags changed files: of the path given, else of the current
	 * directory when it holds loadable migrations (list never needed a
	 * migrations directory, so a failure here is not an error). */
	if (id == CMD_LIST && o->args.n > 0 &&
	    (r = load_migrations(path, &ms)) != 0)
		return r;
	if (id == CMD_LIST && o->args.n == 0) {
		struct err ignored = ERR_INIT;

		if (migset_load(".", &ms, &ignored) < 0 || ms->n == 0) {
			migset_free(ms);
			ms = NULL;
		}
	}
	if (o->json)
		ts.quiet = true;
	textsink_init(&sink, &ts);
	r = command_run(id, t, ms, &co, &sink);
	migset_free(ms);
	return r;
}

static int
run_environ(const struct target *t)
{
	struct buf b = BUF_INIT;

	settings_environ(t, &b);
	fputs(b.ptr, stdout);
	buf_release(&b);
	return EXIT_OK;
}

static int
run_generate(const struct options *o)
{
	struct buf path = BUF_INIT, uuid = BUF_INIT;
	struct err e = ERR_INIT;
	int r = EXIT_OK;

	if (fileops_generate(o->args.n ? o->args.v[0] : NULL, o->message,
			     time(NULL), &path, &uuid, &e) < 0)
		r = print_error(&e);
	else {
		printf("Generating migration '%s'...\n", uuid.ptr);
		printf("Migration file '%s' generated\n", path.ptr);
	}
	buf_release(&path);
	buf_release(&uuid);
	return r;
}

static int
run_touch(const struct options *o)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	struct migset *ms = NULL;
	struct err e = ERR_INIT;
	int r;

	if ((r = load_migrations(o->args.n > 1 ? o->args.v[1] : ".", &ms)))
		return r;
	if (fileops_touch(ms, o->args.v[0], time(NULL), &from, &to, &e) < 0)
		r = print_error(&e);
	else
		printf("Migration touched: '%s' -> '%s'\n", from.ptr, to.ptr);
	migset_free(ms);
	buf_release(&from);
	buf_release(&to);
	return r;
}

/* squash's directory: the output if it is one, else its directory. */
static char *
squash_dir(const char *output)
{
	struct stat st;
	const char *slash;

	if (output == NULL)
		return xstrdup(".");
	if (stat(output, &st) == 0 && S_ISDIR(st.st_mode))
		return xstrdup(output);
	if ((slash = strrchr(output, '/')) == NULL)
		return xstrdup(".");
	return xstrndup(output, (size_t)(slash - output) + (slash == output));
}

static int
run_squash(const struct options *o)
{
	const char *output = o->args.n > 2 ? o->args.v[2] : NULL;
	struct squash_result res;
	struct migset *ms = NULL;
	struct err e = ERR_INIT;
	char *dir = squash_dir(output);
	size_t i;
	int r;

	memset(&res, 0, sizeof(res));
	if ((r = load_migrations(dir, &ms)) != 0)
		goto out;
	if (fileops_squash(ms, o->args.v[0], o->args.v[1], output, time(NULL),
			   &res, &e) < 0) {
		r = print_error(&e);
		goto out;
	}
	printf("Squashed %zu migrations into '%s' (%s)\n", res.replaced.n,
	       res.path, res.uuid);
	for (i = 0; i < res.replaced.n; i++)
		printf("  - %s\n", res.replaced.v[i]);
	for (i = 0; i < res.moved.n; i++)
		printf("Moved original to '%s'\n", res.moved.v[i]);
out:
	squash_result_release(&res);
	migset_free(ms);
	free(dir);
	return r;
}

static int
run_fleet(const struct options *o, const char *inventory)
{
	struct fleet_opts fo;
	enum command_id id;

	if (o->cmd->kind == K_ENVIRON)
		id = CMD_LIST; /* placeholder: environ is handled by fleet_run */
	else if (!command_lookup(o->cmd->name, &id) || id == CMD_TRACE)
		return usage_error("%s does not run in fleet mode (--inventory)",
				   o->cmd->name);
	memset(&fo, 0, sizeof(fo));
	fo.inventory = inventory;
	fo.cmd = id;
	fo.show_environ = o->cmd->kind == K_ENVIRON;
	if (id == CMD_REBUILD) {
		fo.id = o->args.v[0];
		fo.path = o->args.n > 1 ? o->args.v[1] : NULL;
	} else if (o->args.n > 0)
		fo.path = o->args.v[0];
	fo.allow_out_of_order = o->allow_out_of_order;
	fo.json = o->json;
	fo.jobs = o->jobs;
	fo.select = o->select;
	fo.timeout = o->timeout;
	fo.report = o->report;
	fo.log_dir = o->log_dir;
	fo.canary = o->canary;
	fo.max_failures = o->max_failures;
	fo.per_host = o->per_host;
	fo.retries = o->retries;
	fo.deadline = o->deadline;
	fo.resume = o->resume;
	fo.shard = o->shard;
	fo.junit = o->junit;
	fo.html = o->html;
	fo.quiet = o->quiet;
	fo.progress = isatty(STDOUT_FILENO) && !o->quiet;
	fo.envp = environ;
	return fleet_run(&fo);
}

/* The first option given that only fleet mode knows, or NULL. */
static const char *
fleet_only_option(const struct options *o)
{
	const struct {
		const char *name;
		bool given;
	} v[] = {
		{ "--canary", o->canary != NULL },
		{ "--max-failures", o->max_failures != NULL },
		{ "--per-host", o->per_host > 0 },
		{ "--retries", o->retries > 0 },
		{ "--deadline", o->deadline != NULL },
		{ "--resume", o->resume != NULL },
		{ "--shard", o->shard != NULL },
		{ "--junit", o->junit != NULL },
		{ "--html", o->html != NULL },
	};
	size_t i;

	for (i = 0; i < NELEM(v); i++)
		if (v[i].given)
			return v[i].name;
	return NULL;
}

/* --inventory, else INVENTORY from the environment. */
static const char *
fleet_inventory(const struct options *o)
{
	const char *s = o->inventory;
	size_t i;

	for (i = 0; s == NULL && i < o->flags.n; i++)
		if (strncmp(o->flags.v[i], "INVENTORY=", 10) == 0)
			s = o->flags.v[i] + 10;
	if (s == NULL)
		s = getenv("INVENTORY");
	return s && *s ? s : NULL;
}

static int
dispatch(const struct options *o)
{
	struct target *t = NULL;
	const char *inventory;
	int r;

	switch (o->cmd->kind) {
	case K_HELP:
		if (o->args.n > 0 && command_find(o->args.v[0]) == NULL)
			return usage_error("unknown command '%s'",
					   o->args.v[0]);
		if (o->args.n > 0)
			usage_command(command_find(o->args.v[0]), stdout);
		else
			usage_all(stdout);
		return EXIT_OK;
	case K_VERSION:
		printf("migratore %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	case K_GENERATE:
		return run_generate(o);
	case K_TOUCH:
		return run_touch(o);
	case K_SQUASH:
		return run_squash(o);
	case K_REPORT: /* main hands `report ...` over before parsing */
		return usage_error("write report first: migratore report "
				   "merge|render ...");
	case K_ENVIRON:
	case K_DB:
		break;
	}
	if ((inventory = fleet_inventory(o)) != NULL)
		return run_fleet(o, inventory);
	if (fleet_only_option(o) != NULL)
		return usage_error("%s is for fleet mode: give --inventory FILE "
				   "(or INVENTORY)",
				   fleet_only_option(o));
	if ((r = load_target(o, &t)) != 0)
		return r;
	if (t->debug)
		log_set_level(LOG_DEBUG);
	r = o->cmd->kind == K_ENVIRON ? run_environ(t) : run_db(o, t);
	target_free(t);
	return r;
}

/*
 * `migratore report ...` has its own options (--junit, --html with other
 * meanings): everything after the word goes to reportcmd_main. Only
 * options before it (--quiet ...) are skipped over. -1: not a report.
 */
static int
report_command(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--");
	     i++)
		;
	if (i < argc && strcmp(argv[i], "report") == 0)
		return i;
	return -1;
}

int
main(int argc, char **argv)
{
	struct options o;
	int r;

	if ((r = report_command(argc, argv)) > 0)
		return reportcmd_main(argc - r, argv + r);
	memset(&o, 0, sizeof(o));
	strv_init(&o.flags);
	strv_init(&o.args);
	strv_init(&o.select);
	if ((r = parse_args(argc, argv, &o)) != 0)
		goto out;
	if (o.help) {
		if (strcmp(o.cmd->name, "help") == 0)
			usage_all(stdout);
		else
			usage_command(o.cmd, stdout);
		goto out;
	}
	r = dispatch(&o);
out:
	fflush(stdout);
	strv_release(&o.flags);
	strv_release(&o.args);
	strv_release(&o.select);
	return r;
}
