/*
 * migratore: argv, the command table, and dispatch between the single-target
 * mode (the worker's command code run in-process) and the fleet mode.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/json.h"
#include "common/log.h"
#include "common/runinfo.h"
#include "common/spelling.h"
#include "common/xmalloc.h"
#include "config/dburl.h"
#include "config/inventory.h"
#include "config/options.h"
#include "config/settings.h"
#include "config/target.h"
#include "orchestrator/fleet.h"
#include "orchestrator/reportcmd.h"
#include "worker/commands.h"
#include "worker/eventlog.h"
#include "worker/fileops.h"
#include "worker/jsonsink.h"
#include "worker/migset.h"
#include "worker/textsink.h"
#include "common/banned.h"

extern char **environ;

enum kind { K_HELP, K_VERSION, K_ENVIRON, K_DB, K_GENERATE, K_TOUCH,
	    K_SQUASH, K_REPORT };

/* The options of a database command, of one that runs in fleet mode. */
#define DB_OPTS (OPTIONS_ANY | OPTIONS_DB | OPTIONS_CONFIG)
#define FLEET_OPTS (DB_OPTS | OPTIONS_FLEET)

/* The command table: usage and help come from here and nowhere else;
 * scopes: the options it takes (config/options.h). */
static const struct command {
	const char *name;
	const char *args;
	enum kind kind;
	int min_args;
	int max_args;
	unsigned scopes;
	const char *summary;
} commands[] = {
	{ "help", "[command]", K_HELP, 0, 1, OPTIONS_ANY, "Prints this message, or the help of one command" },
	{ "version", "", K_VERSION, 0, 0, OPTIONS_ANY, "Prints the current version of migratore" },
	{ "environ", "", K_ENVIRON, 0, 0, OPTIONS_ANY | OPTIONS_CONFIG | OPTIONS_FLEET, "Displays the resolved configuration and where each value came from" },
	{ "status", "[path]", K_DB, 0, 1, FLEET_OPTS | OPTIONS_STATUS, "Shows the state of every migration (a fleet: the version skew)" },
	{ "list", "[path]", K_DB, 0, 1, FLEET_OPTS | OPTIONS_RESULTS, "Lists the executed migrations on the current database (flags changed files of path)" },
	{ "errors", "", K_DB, 0, 0, FLEET_OPTS | OPTIONS_RESULTS, "Lists the various errors from migration of the database" },
	{ "trace", "<id>", K_DB, 1, 1, DB_OPTS, "Prints the traceback for the error execution with the provided id" },
	{ "mark", "[path]", K_DB, 0, 1, FLEET_OPTS, "Marks all pending migrations as applied (Run Skip) using the directory" },
	{ "skip", "[path]", K_DB, 0, 1, FLEET_OPTS, "Skips the current migration (next to be run) using the directory" },
	{ "rebuild", "<id> [path]", K_DB, 1, 2, FLEET_OPTS | OPTIONS_REBUILD, "Runs the partial execution of the migration with the given uuid or timestamp" },
	{ "repair", "[path]", K_DB, 0, 1, FLEET_OPTS | OPTIONS_REPAIR, "Records the current checksums of changed (drifted) applied migrations" },
	{ "touch", "<id> [path]", K_TOUCH, 1, 2, OPTIONS_ANY, "Touches a migration file updating its timestamp to the current time" },
	{ "squash", "<start> <end> [output]", K_SQUASH, 2, 3, OPTIONS_ANY, "Combines the migrations from start to end into a single file" },
	{ "upgrade", "[path]", K_DB, 0, 1, FLEET_OPTS | OPTIONS_APPLY, "Executes the pending migrations using the directory (default: current)" },
	{ "dry_upgrade", "[path]", K_DB, 0, 1, FLEET_OPTS | OPTIONS_APPLY | OPTIONS_DRY, "Prints the pending migrations without executing them" },
	{ "downgrade", "[path]", K_DB, 0, 1, FLEET_OPTS, "Rolls back the last applied migration using the directory" },
	{ "dry_downgrade", "[path]", K_DB, 0, 1, FLEET_OPTS | OPTIONS_DRY, "Prints the last applied migration without rolling it back" },
	{ "generate", "[path]", K_GENERATE, 0, 1, OPTIONS_ANY | OPTIONS_GENERATE, "Generates a new migration file into the directory or file given" },
	{ "report", "merge|render ...", K_REPORT, 0, 0, OPTIONS_ANY | OPTIONS_REPORT, "Merges fleet reports (shards, resumed runs), renders JUnit XML and HTML" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* A run of the program: the command line and what main makes of it. */
struct cli {
	struct options o;
	const struct command *cmd;
	char usage[160]; /* "Usage: migratore CMD ARGS", a usage error's hint */
};

#define TRY_HELP "Try 'migratore help' for the list of commands.\n"

static const char exit_codes_text[] =
    "Exit codes:\n"
    "  0  success, or nothing to do\n"
    "  1  a migration failed (and was recorded), or the command was refused\n"
    "     (status --strict: something is pending, failed or drifted)\n"
    "  2  usage error\n"
    "  3  configuration or migration-file error (nothing was touched)\n"
    "  4  database unreachable, login refused, lock not obtained in time, or\n"
    "     bookkeeping table not created (nothing was touched)\n";

static const struct command *
command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* "unknown command 'upgarde'; did you mean 'upgrade'?" */
static int
unknown_command(const char *name, struct err *e)
{
	struct spelling sp;
	size_t i;

	spelling_init(&sp, name);
	for (i = 0; i < NCOMMANDS; i++)
		spelling_offer(&sp, commands[i].name);
	if (sp.best)
		return err_usage(e, TRY_HELP,
				 "unknown command '%s'; did you mean '%s'?",
				 name, sp.best);
	return err_usage(e, TRY_HELP, "unknown command '%s'", name);
}

/*
 * An unknown option that is a command in other tools' clothes: "--version"
 * is the command version, "--dry-run" the commands dry_upgrade and
 * dry_downgrade (those whose first word it shares). The hint replaces the
 * option parser's; nothing to say leaves it.
 */
static void
option_as_command(const char *given, struct err *e)
{
	struct buf word = BUF_INIT, hint = BUF_INIT;
	const char *p = given + strspn(given, "-");
	size_t i, n = 0, first;

	for (; *p && *p != '='; p++)
		buf_addc(&word, *p == '-' ? '_' : *p);
	first = strcspn(word.ptr, "_");
	for (i = 0; i < NCOMMANDS; i++) {
		const char *c = commands[i].name;

		if (strcmp(c, word.ptr) != 0 &&
		    (word.ptr[first] == '\0' || strncmp(c, word.ptr, first) != 0 ||
		     c[first] != '_'))
			continue;
		buf_addf(&hint, "%s'%s'", n++ ? " or " : "", c);
	}
	if (n > 0)
		err_usage(e, TRY_HELP,
			  "unknown option '%.*s'; did you mean the command%s %s?",
			  (int)strcspn(given, "="), given, n > 1 ? "s" : "",
			  hint.ptr);
	buf_release(&word);
	buf_release(&hint);
}

/* "Commands:" and a line for each, its arguments, its summary. */
static void
usage_commands(struct buf *out)
{
	char head[128];
	size_t i, w = 0, n;

	for (i = 0; i < NCOMMANDS; i++)
		if ((n = strlen(commands[i].name) + 1 +
			 strlen(commands[i].args)) > w)
			w = n;
	buf_adds(out, "Commands:\n");
	for (i = 0; i < NCOMMANDS; i++) {
		xsnprintf(head, sizeof(head), "%s %s", commands[i].name,
			  commands[i].args);
		buf_addf(out, "  %-*s  %s\n", (int)w, head,
			 commands[i].summary);
	}
}

static void
usage_all(struct buf *out)
{
	buf_addf(out, "migratore %s\n\n", PACKAGE_VERSION);
	buf_adds(out, "Usage: migratore <command> [arguments] [options]\n\n");
	usage_commands(out);
	buf_adds(out, "\n");
	options_help(OPTIONS_ALL, out);
	buf_adds(out, "\nVariables: HOST PORT UNIX_SOCKET DB SCHEMA USERNAME "
		      "PASSWORD FS DB_URL SAFE\n  DEBUG ENGINE LOCK_TIMEOUT "
		      "DDL_LOCK_TIMEOUT DDL_LOCK_RETRIES OPERATOR\n  "
		      "CREATE_SCHEMA INVENTORY (aliases DB_HOST DB_PORT "
		      "DB_UNIX_SOCKET DB_USER\n  DB_USERNAME DB_PASSWORD "
		      "DB_NAME DB_SCHEMA); also read from .env.\n  DB_URL's "
		      "?key=value parameters go to the driver: libpq's\n  "
		      "keywords (sslcert, sslkey, options, ...), MySQL's ssl_ca, "
		      "ssl_cert,\n  ssl_key, ... See migratore(1).\n\n");
	buf_adds(out, exit_codes_text);
}

/* The help of one command: its usage and only the options it takes. */
static void
usage_command(const struct command *c, struct buf *out)
{
	if (c->kind == K_REPORT) {
		buf_adds(out, reportcmd_usage);
		return;
	}
	buf_addf(out, "Usage: migratore %s %s [options]\n\n%s.\n\n", c->name,
		 c->args, c->summary);
	options_help(c->scopes, out);
	buf_addc(out, '\n');
	buf_adds(out, exit_codes_text);
}

/* --help, help [CMD] and --options (one option a line, for completion). */
static int
help(const struct cli *c, struct err *e)
{
	const struct command *of = NULL; /* help CMD */
	struct buf out = BUF_INIT;

	if (c->cmd->kind == K_HELP && c->o.args.n > 0 && !c->o.help &&
	    (of = command_find(c->o.args.v[0])) == NULL)
		return unknown_command(c->o.args.v[0], e);
	if (c->o.list_options)
		options_list(of ? of->scopes
			     : c->cmd->kind == K_HELP ? OPTIONS_ALL
						      : c->cmd->scopes,
			     &out);
	else if (of)
		usage_command(of, &out);
	else if (c->cmd->kind == K_HELP)
		usage_all(&out);
	else
		usage_command(c->cmd, &out);
	fputs(out.ptr, stdout);
	buf_release(&out);
	return 0;
}

/* The command and its number of arguments. */
/*
 * --db-url's password, now that options_parse has its copy: no longer in
 * /proc/PID/cmdline, which every local user can read (the time it was
 * there is enough to read it: the environment or an inventory is the
 * place for it; docs/security.md).
 */
static void
hide_url_flags(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--db", 4) != 0 ||
		    (argv[i][4] != '-' && argv[i][4] != '_') ||
		    strncmp(argv[i] + 5, "url", 3) != 0)
			continue;
		if (argv[i][8] == '=')
			dburl_hide(argv[i] + 9);
		else if (argv[i][8] == '\0' && i + 1 < argc)
			dburl_hide(argv[++i]);
	}
}

static int
parse_args(struct cli *c, int argc, char **argv, struct err *e)
{
	const char *name;
	size_t n;
	int r;

	if ((r = options_parse(&c->o, argc, argv, e)) < 0)
		e->usage = TRY_HELP;
	if (r < 0 && c->o.unknown)
		option_as_command(c->o.unknown, e);
	hide_url_flags(argc, argv);
	name = c->o.command ? c->o.command : "help";
	/* an unknown command first, as it came before a bad option */
	if ((c->cmd = command_find(name)) == NULL)
		return unknown_command(name, e);
	if (r < 0 || c->o.help || c->o.list_options || c->o.list_tags)
		return r;
	n = c->o.args.n;
	if ((int)n >= c->cmd->min_args && (int)n <= c->cmd->max_args)
		return 0;
	xsnprintf(c->usage, sizeof(c->usage), "Usage: migratore %s %s\n",
		  c->cmd->name, c->cmd->args);
	return err_usage(e, c->usage, "%s takes %s%s", c->cmd->name,
			 c->cmd->args[0] ? "arguments " : "no arguments",
			 c->cmd->args);
}

/* Resolve the single target. */
static int
load_target(const struct options *o, struct target **out, struct err *e)
{
	struct settings_input in;
	struct buf dotenv = BUF_INIT;
	char cwd[PATH_MAX];
	int r;

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return err_set(e, ERR_IO, "getcwd: %s", strerror(errno));
	memset(&in, 0, sizeof(in));
	in.envp = environ;
	in.flags = &o->flags;
	in.cwd = cwd;
	in.login = runinfo_login();
	in.dotenv_name = ".env";
	if ((r = buf_read_file(&dotenv, ".env")) == 0)
		in.dotenv_text = dotenv.ptr;
	else if (r != -ENOENT) {
		buf_release(&dotenv);
		return err_set(e, ERR_CONFIG, ".env: %s", strerror(-r));
	}
	r = settings_resolve(&in, out, e);
	buf_release(&dotenv);
	/* loaded: our environment holds no password from here on */
	if (r == 0) {
		settings_scrub(environ, NULL);
		options_apply(o, *out);
	}
	return r;
}

/* A database command's operands: the id of rebuild and trace, and the
 * [path] (NULL: not given). */
static void
command_operands(const struct options *o, enum command_id id,
		 const char **idp, const char **path)
{
	size_t has_id = id == CMD_REBUILD || id == CMD_TRACE;

	*idp = has_id ? o->args.v[0] : NULL;
	*path = o->args.n > has_id ? o->args.v[has_id] : NULL;
}

/*
 * list flags changed files: of the path given, else of the current
 * directory when it holds loadable migrations (list never needed a
 * migrations directory, so a failure there is not an error).
 */
static int
list_migrations(const char *path, struct migset **ms, struct err *e)
{
	struct err ignored = ERR_INIT;

	if (path)
		return migset_load(path, ms, e);
	if (migset_load(".", ms, &ignored) < 0 || (*ms)->n == 0) {
		migset_free(*ms);
		*ms = NULL;
	}
	return 0;
}

/* The migrations command id reads; NULL when it reads none. */
static int
command_migrations(enum command_id id, const char *path, struct migset **ms,
		   struct err *e)
{
	if (command_needs_migrations(id))
		return migset_load(path ? path : ".", ms, e);
	if (id == CMD_LIST)
		return list_migrations(path, ms, e);
	return 0;
}

/* Where a single target's events go: the text or JSON sink, teed with
 * the event sink for --log-format json. */
struct outs {
	struct textsink ts;
	struct jsonsink js;
	bool json;
	struct eventlog ev;
	struct eventsink es;
	bool events;
	struct sink_tee tee;
	struct sink sink;
};

static void
outs_init(struct outs *u, const struct options *o, enum command_id id,
	  const struct cmd_opts *co)
{
	struct sink *out = &u->sink;

	memset(u, 0, sizeof(*u));
	u->events = o->log_format == OPTIONS_JSON;
	if (u->events) {
		eventlog_init(&u->ev, stderr, co->run_id);
		eventlog_run_start(&u->ev, command_name(id), "single", co->host,
				   1);
		sink_tee_init(&u->sink, &u->tee);
		eventsink_init(&u->tee.b, &u->es, &u->ev);
		out = &u->tee.a;
	}
	/* list and errors keep their JSON array (the text sink prints it) */
	u->json = co->json && id != CMD_LIST && id != CMD_ERRORS;
	if (u->json) {
		jsonsink_init(out, &u->js, stdout);
		u->js.command = command_name(id);
		u->js.run_id = co->run_id;
		u->js.host = co->host;
		return;
	}
	u->ts.out = stdout;
	u->ts.err = u->events ? NULL : stderr;
	/* --sql: nothing but SQL and comments on stdout */
	u->ts.quiet = o->quiet || co->json || o->sql;
	u->ts.verbose_errors = o->verbose;
	u->ts.sql = o->sql;
	textsink_init(out, &u->ts);
}

static void
outs_release(struct outs *u)
{
	if (u->json)
		jsonsink_release(&u->js);
	if (u->events)
		eventlog_release(&u->ev);
}

#define REPAIR_NEEDS_YES                                                       \
	"repair asks before it writes, and stdin is not a terminal: give "     \
	"--yes"

/* repair's question on a terminal: on stderr, the answer a line of
 * stdin; only "y" or "yes" (any case) agrees. */
static bool
confirm_tty(const char *question)
{
	char line[32];
	size_t n;

	fputs(question, stderr);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return false;
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	return strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
}

/* The options of a database command that the command code reads. */
static void
command_options(const struct options *o, struct cmd_opts *co)
{
	co->json = o->format == OPTIONS_JSON;
	co->sql = o->sql;
	co->allow_out_of_order = o->allow_out_of_order;
	co->strict = o->strict;
	co->strict_checksums = o->strict_checksums;
	co->yes = o->yes;
	co->from = o->from;
	co->confirm = isatty(STDIN_FILENO) == 1 ? confirm_tty : NULL;
}

/* A database command on the one target; the sink reports its failure. */
static int
run_db(const struct cli *c, const struct target *t, struct err *e)
{
	const struct options *o = &c->o;
	struct migset *ms = NULL;
	struct outs u;
	struct cmd_opts co;
	enum command_id id;
	char run_id[RUNINFO_ID_MAX], host[RUNINFO_HOST_MAX];
	const char *path;
	int r;

	if (!command_lookup(c->cmd->name, &id))
		return err_set(e, ERR_INTERNAL, "%s: no such command",
			       c->cmd->name);
	memset(&co, 0, sizeof(co));
	command_operands(o, id, &co.id, &path);
	command_options(o, &co);
	if (id == CMD_REPAIR && !co.yes && co.confirm == NULL)
		return err_usage(e, TRY_HELP, REPAIR_NEEDS_YES);
	runinfo_run_id(time(NULL), run_id, sizeof(run_id));
	co.run_id = run_id;
	log_set_run_id(run_id);
	runinfo_host(host, sizeof(host));
	co.host = host;
	if ((r = command_migrations(id, path, &ms, e)) < 0)
		return r;
	outs_init(&u, o, id, &co);
	r = command_run(id, t, ms, &co, &u.sink);
	outs_release(&u);
	migset_free(ms);
	return r;
}

static int
run_environ(const struct target *t, const struct options *o)
{
	struct buf b = BUF_INIT, js = BUF_INIT;
	struct json j;

	settings_environ(t, &b);
	if (o->format == OPTIONS_JSON) {
		json_init(&j, &js, true);
		json_object_begin(&j, NULL);
		settings_environ_json(b.ptr, &j);
		json_object_end(&j);
		buf_addc(&js, '\n');
		fputs(js.ptr, stdout);
	} else {
		fputs(b.ptr, stdout);
	}
	buf_release(&b);
	buf_release(&js);
	return 0;
}

static int
run_generate(const struct options *o, struct err *e)
{
	struct buf path = BUF_INIT, uuid = BUF_INIT;
	int r;

	r = fileops_generate(o->args.n ? o->args.v[0] : NULL, o->message,
			     time(NULL), &path, &uuid, e);
	if (r == 0) {
		printf("Generating migration '%s'...\n", uuid.ptr);
		printf("Migration file '%s' generated\n", path.ptr);
	}
	buf_release(&path);
	buf_release(&uuid);
	return r;
}

static int
run_touch(const struct options *o, struct err *e)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	struct migset *ms = NULL;
	int r;

	if ((r = migset_load(o->args.n > 1 ? o->args.v[1] : ".", &ms, e)) < 0)
		return r;
	r = fileops_touch(ms, o->args.v[0], time(NULL), &from, &to, e);
	if (r == 0)
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
run_squash(const struct options *o, struct err *e)
{
	const char *output = o->args.n > 2 ? o->args.v[2] : NULL;
	struct squash_result res;
	struct migset *ms = NULL;
	char *dir = squash_dir(output);
	size_t i;
	int r;

	memset(&res, 0, sizeof(res));
	if ((r = migset_load(dir, &ms, e)) < 0 ||
	    (r = fileops_squash(ms, o->args.v[0], o->args.v[1], output,
				time(NULL), &res, e)) < 0)
		goto out;
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
run_fleet(const struct cli *c, const char *inventory, struct err *e)
{
	struct fleet_args fa;

	memset(&fa, 0, sizeof(fa));
	if (c->cmd->kind == K_ENVIRON)
		fa.cmd = CMD_LIST; /* placeholder: fleet_run shows environ */
	else if (!command_lookup(c->cmd->name, &fa.cmd) || fa.cmd == CMD_TRACE)
		return err_usage(e, TRY_HELP,
				 "%s does not run in fleet mode (--inventory)",
				 c->cmd->name);
	/* what is true of a statement in doubt is known target by target */
	if (c->o.from > 0)
		return err_usage(e, TRY_HELP,
				 "rebuild --from is for one target, not a "
				 "fleet (--inventory)");
	fa.opts = &c->o;
	fa.inventory = inventory;
	fa.show_environ = c->cmd->kind == K_ENVIRON;
	command_operands(&c->o, fa.cmd, &fa.id, &fa.path);
	fa.envp = environ;
	if (settings_env_bool(environ, "STATUS_STRICT", &fa.strict, e) < 0)
		return e->code;
	fa.strict = fa.strict || c->o.strict;
	fa.confirm = isatty(STDIN_FILENO) == 1 ? confirm_tty : NULL;
	if (fa.cmd == CMD_REPAIR && !c->o.yes && fa.confirm == NULL)
		return err_usage(e, TRY_HELP, REPAIR_NEEDS_YES);
	return fleet_run(&fa, e);
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

/* environ and the database commands: on the fleet, or on one target. */
static int
run_target(const struct cli *c, struct err *e)
{
	const char *inventory = fleet_inventory(&c->o), *opt;
	struct target *t = NULL;
	int r;

	if (inventory != NULL)
		return run_fleet(c, inventory, e);
	if ((opt = options_fleet_only(&c->o)) != NULL)
		return err_usage(e, TRY_HELP,
				 "%s is for fleet mode: give --inventory FILE "
				 "(or INVENTORY)",
				 opt);
	if ((r = load_target(&c->o, &t, e)) < 0)
		return r;
	if (t->debug)
		log_set_level(LOG_DEBUG);
	r = c->cmd->kind == K_ENVIRON ? run_environ(t, &c->o) : run_db(c, t, e);
	target_free(t);
	return r;
}

/*
 * --tags (hidden; `migratore help --tags --inventory FILE`): the tags of
 * the inventory (--inventory or INVENTORY), one a line, sorted, as the
 * loader reads them, for shell completion of --select tag:.
 */
static int
list_tags(const struct options *o, struct err *e)
{
	const char *path = fleet_inventory(o);
	struct strv problems = STRV_INIT, tags = STRV_INIT;
	struct inventory *inv = NULL;
	size_t i;
	int r;

	if (path == NULL)
		return err_usage(e, TRY_HELP,
				 "--tags lists the tags of an inventory: give "
				 "--inventory FILE (or INVENTORY)");
	if ((r = inventory_load(path, environ, &inv, &problems, e)) == 0) {
		inventory_tags(inv, &tags);
		for (i = 0; i < tags.n; i++)
			puts(tags.v[i]);
	}
	inventory_free(inv);
	strv_release(&tags);
	strv_release(&problems);
	return r;
}

static int
dispatch(const struct cli *c, struct err *e)
{
	if (c->o.list_tags)
		return list_tags(&c->o, e);
	if (c->o.help || c->o.list_options)
		return help(c, e);
	if (c->o.sql && !(c->cmd->scopes & OPTIONS_DRY))
		return err_usage(e, TRY_HELP,
				 "--sql is for dry_upgrade and dry_downgrade");
	switch (c->cmd->kind) {
	case K_HELP:
		return help(c, e);
	case K_VERSION:
		printf("migratore %s\n", PACKAGE_VERSION);
		return 0;
	case K_GENERATE:
		return run_generate(&c->o, e);
	case K_TOUCH:
		return run_touch(&c->o, e);
	case K_SQUASH:
		return run_squash(&c->o, e);
	case K_REPORT: /* main hands `report ...` over before parsing */
		return err_usage(e, TRY_HELP, "write report first: migratore "
					       "report merge|render ...");
	case K_ENVIRON:
	case K_DB:
		break;
	}
	return run_target(c, e);
}

/*
 * The one place where an error becomes words on stderr and the exit
 * status: a usage error of the command line with its hint (how to get it
 * right), any other as "error:". An error without a message was reported
 * where it happened (a failed migration by the sink, the problems of an
 * inventory, a fleet's report).
 */
static int
finish(int r, struct err *e, const char *who)
{
	char text[ERR_TEXT_MAX];

	if (r == 0)
		return EXIT_OK;
	e->code = r;
	err_text(e, text, sizeof(text));
	if (text[0] != '\0' && e->usage)
		fprintf(stderr, "%s: %s\n%s", who, text, e->usage);
	else if (text[0] != '\0' && log_is_json())
		log_error("%s", text);
	else if (text[0] != '\0')
		fprintf(stderr, "%s: error: %s\n", who, text);
	return err_exit_status(e);
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
	struct err e = ERR_INIT;
	struct cli c;
	int r;

	if ((r = report_command(argc, argv)) > 0) {
		r = reportcmd_main(argc - r, argv + r, &e);
		fflush(stdout);
		return finish(r, &e, "migratore report");
	}
	memset(&c, 0, sizeof(c));
	options_init(&c.o);
	if ((r = parse_args(&c, argc, argv, &e)) == 0) {
		log_set_json(c.o.log_format == OPTIONS_JSON);
		r = dispatch(&c, &e);
	}
	fflush(stdout);
	r = finish(r, &e, "migratore");
	options_release(&c.o);
	return r;
}
