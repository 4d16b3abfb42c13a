/*
 * Unit tests for config/options: every option of the table parses into its
 * field, a bad one says exactly what is wrong, and --help, the help of one
 * command, the completion list and the fleet-only check all come from the
 * one table.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "config/options.h"

#define MAXARGS 8

/* Parse the words (NULL-terminated) after a program name. */
static int
parse(struct options *o, const char *const *words, struct err *e)
{
	char *argv[MAXARGS + 1] = { (char *)"migratore" };
	int argc = 1;

	while (words[argc - 1] != NULL && argc <= MAXARGS) {
		argv[argc] = (char *)words[argc - 1];
		argc++;
	}
	options_init(o);
	return options_parse(o, argc, argv, e);
}

/* ---- every option lands in its field ------------------------------------ */

struct parse_case {
	const char *words[MAXARGS];
	const char *field; /* what is checked, for the message */
	const char *want;  /* the field as text */
};

/* The field of o named field, as text. */
static void
field_text(const struct options *o, const char *field, struct buf *out)
{
	const struct {
		const char *name;
		const char *s;
	} strs[] = {
		{ "command", o->command },     { "message", o->message },
		{ "inventory", o->inventory }, { "report", o->report },
		{ "junit", o->junit },	       { "html", o->html },
		{ "log_dir", o->log_dir },     { "canary", o->canary },
		{ "max_failures", o->max_failures },
		{ "deadline", o->deadline },   { "resume", o->resume },
		{ "shard", o->shard },
	};
	const struct {
		const char *name;
		const struct strv *v;
	} lists[] = {
		{ "args", &o->args },
		{ "select", &o->select },
		{ "flags", &o->flags },
	};
	size_t i, k;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strcmp(field, strs[i].name) == 0)
			buf_adds(out, strs[i].s ? strs[i].s : "(null)");
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		for (k = 0; strcmp(field, lists[i].name) == 0 &&
			    k < lists[i].v->n;
		     k++)
			buf_addf(out, "%s%s", k ? " " : "", lists[i].v->v[k]);
	if (strcmp(field, "bools") == 0)
		buf_addf(out, "help=%d options=%d quiet=%d verbose=%d order=%d",
			 o->help, o->list_options, o->quiet, o->verbose,
			 o->allow_out_of_order);
	if (strcmp(field, "output") == 0)
		buf_addf(out, "format=%d log_format=%d sql=%d", o->format,
			 o->log_format, o->sql);
	if (strcmp(field, "numbers") == 0)
		buf_addf(out, "format=%d jobs=%d per_host=%d retries=%d "
			      "timeout=%g",
			 o->format, o->jobs, o->per_host, o->retries,
			 o->timeout);
}

static const struct parse_case parse_cases[] = {
		{ { "--help" }, "bools", "help=1 options=0 quiet=0 verbose=0 order=0" },
		{ { "-h" }, "bools", "help=1 options=0 quiet=0 verbose=0 order=0" },
		{ { "--options" }, "bools", "help=0 options=1 quiet=0 verbose=0 order=0" },
		{ { "-q", "--verbose" }, "bools", "help=0 options=0 quiet=1 verbose=1 order=0" },
		{ { "--quiet=yes", "-v" }, "bools", "help=0 options=0 quiet=1 verbose=1 order=0" },
		{ { "--allow-out-of-order" }, "bools", "help=0 options=0 quiet=0 verbose=0 order=1" },
		{ { "--format", "json" }, "numbers", "format=1 jobs=0 per_host=0 retries=0 timeout=-1" },
		{ { "--format=json", "--format=text" }, "numbers", "format=0 jobs=0 per_host=0 retries=0 timeout=-1" },
		{ { "-j", "8", "--per-host=2", "--retries", "100" }, "numbers", "format=0 jobs=8 per_host=2 retries=100 timeout=-1" },
		{ { "--jobs=10000", "--retries=0" }, "numbers", "format=0 jobs=10000 per_host=0 retries=0 timeout=-1" },
		{ { "--log-format", "json", "--sql" }, "output", "format=0 log_format=1 sql=1" },
		{ { "--format=json", "--log-format=text" }, "output", "format=1 log_format=0 sql=0" },
		{ { "--report", "-" }, "report", "-" },
		{ { "--timeout", "1h30m" }, "numbers", "format=0 jobs=0 per_host=0 retries=0 timeout=5400" },
		{ { "--timeout=1.5h" }, "numbers", "format=0 jobs=0 per_host=0 retries=0 timeout=5400" },
		{ { "--timeout", "90" }, "numbers", "format=0 jobs=0 per_host=0 retries=0 timeout=90" },
		{ { "--timeout", "none" }, "numbers", "format=0 jobs=0 per_host=0 retries=0 timeout=0" },
		{ { "-m", "add users" }, "message", "add users" },
		{ { "--message=a=b" }, "message", "a=b" },
		{ { "-i", "fleet.yaml" }, "inventory", "fleet.yaml" },
		{ { "--inventory=f.yml" }, "inventory", "f.yml" },
		{ { "--report", "r.json" }, "report", "r.json" },
		{ { "--junit=j.xml" }, "junit", "j.xml" },
		{ { "--html", "-" }, "html", "-" },
		{ { "--log-dir", "logs" }, "log_dir", "logs" },
		{ { "--canary", "tag:canary" }, "canary", "tag:canary" },
		{ { "--max-failures=10%" }, "max_failures", "10%" },
		{ { "--deadline", "06:00" }, "deadline", "06:00" },
		{ { "--resume", "run.json" }, "resume", "run.json" },
		{ { "--shard=0/3" }, "shard", "0/3" },
		{ { "--select", "eu-*", "--select=tag:x" }, "select", "eu-* tag:x" },
		{ { "--host", "db1", "--port=5432", "--lock-timeout", "9" }, "flags", "HOST=db1 PORT=5432 LOCK_TIMEOUT=9" },
		{ { "--db-url=sqlite:x.db", "--unix-socket", "/s" }, "flags", "DB_URL=sqlite:x.db UNIX_SOCKET=/s" },
		{ { "--engine", "pg", "--db", "app", "--username", "u" }, "flags", "ENGINE=pg DB=app USERNAME=u" },
		{ { "--fs=.", "--safe", "0", "--debug=1", "--operator", "me" }, "flags", "FS=. SAFE=0 DEBUG=1 OPERATOR=me" },
		{ { "-q", "upgrade", "migs", "-j", "2" }, "command", "upgrade" },
		{ { "-q", "upgrade", "migs", "-j", "2" }, "args", "migs" },
		{ { "rebuild", "--", "-1", "-" }, "args", "-1 -" },
		{ { "squash", "-", "b" }, "args", "- b" },
};

/* Criterion passes an index: the strings stay in this process. */
#define INDEXES(cases)                                                         \
	static size_t idx[sizeof(cases) / sizeof(cases[0])];                   \
	size_t i;                                                              \
                                                                               \
	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)                    \
		idx[i] = i;                                                    \
	return cr_make_param_array(size_t, idx, sizeof(idx) / sizeof(idx[0]))

ParameterizedTestParameters(options, every_option_parses)
{
	INDEXES(parse_cases);
}

ParameterizedTest(size_t *ix, options, every_option_parses)
{
	const struct parse_case *c = &parse_cases[*ix];
	struct options o;
	struct err e = ERR_INIT;
	struct buf got = BUF_INIT;

	cr_assert_eq(parse(&o, c->words, &e), 0, "%s: %s", c->words[0], e.msg);
	field_text(&o, c->field, &got);
	cr_assert_str_eq(got.ptr, c->want, "%s after %s ...", c->field,
			 c->words[0]);
	buf_release(&got);
	options_release(&o);
}

/* ---- bad options: the exact message ------------------------------------- */

struct bad_case {
	const char *words[MAXARGS];
	const char *msg;
};

static const struct bad_case bad_cases[] = {
		{ { "--frobnicate" }, "unknown option '--frobnicate'" },
		{ { "--blorp=1" }, "unknown option '--blorp'" },
		{ { "-x" }, "unknown option '-x'" },
		{ { "--password=x" }, "unknown option '--password'" },
		{ { "--HOST=x" }, "unknown option '--HOST'" },
		{ { "--KEY=x" }, "unknown option '--KEY'" },
		{ { "--jbos", "3" }, "unknown option '--jbos'; did you mean '--jobs'?" },
		{ { "--invetnory=f" }, "unknown option '--invetnory'; did you mean '--inventory'?" },
		{ { "--lock-timout" }, "unknown option '--lock-timout'; did you mean '--lock-timeout'?" },
		{ { "-select" }, "unknown option '-select'; did you mean '--select'?" },
		{ { "--option" }, "unknown option '--option'" }, /* hidden */
		{ { "-k" }, "unknown option '-k'" }, /* -y is repair's --yes */
		{ { "list", "--jobs" }, "--jobs takes a number from 1 to 10000" },
		{ { "-j", "0" }, "-j takes a number from 1 to 10000" },
		{ { "--jobs=4x" }, "--jobs takes a number from 1 to 10000" },
		{ { "--per-host=" }, "--per-host takes a number from 1 to 10000" },
		{ { "--retries", "101" }, "--retries takes a number from 0 to 100" },
		{ { "--format", "xml" }, "--format takes 'text' or 'json'" },
		{ { "--format" }, "--format takes 'text' or 'json'" },
		{ { "--log-format", "yaml" }, "--log-format takes 'text' or 'json'" },
		{ { "--timeout", "soon" }, "--timeout: 'soon' is not a duration such as 90, 90s, 1.5h, 10m, 1h30m or none" },
		{ { "--timeout=30m1h" }, "--timeout: '30m1h': write the units in the order h, m, s, each at most once" },
		{ { "--timeout" }, "--timeout needs a duration" },
		{ { "--report" }, "--report needs a file" },
		{ { "-m" }, "-m needs a value" },
		{ { "-i" }, "-i needs a file" },
		{ { "--log-dir" }, "--log-dir needs a directory" },
		{ { "--select" }, "--select needs an expression" },
		{ { "--canary" }, "--canary needs an expression" },
		{ { "--max-failures" }, "--max-failures needs a number or a percentage" },
		{ { "--deadline" }, "--deadline needs a time" },
		{ { "--resume" }, "--resume needs a report" },
		{ { "--shard" }, "--shard needs K/N" },
		{ { "--host" }, "--host needs a value" },
};

ParameterizedTestParameters(options, bad_options_say_what_is_wrong)
{
	INDEXES(bad_cases);
}

ParameterizedTest(size_t *ix, options, bad_options_say_what_is_wrong)
{
	const struct bad_case *c = &bad_cases[*ix];
	struct options o;
	struct err e = ERR_INIT;

	cr_assert_eq(parse(&o, c->words, &e), ERR_USAGE, "%s", c->words[0]);
	cr_assert_eq(e.code, ERR_USAGE);
	cr_assert_str_eq(e.msg, c->msg);
	options_release(&o);
}

/* What came before a bad option is kept: the caller reports an unknown
 * command that came first. */
Test(options, a_bad_option_keeps_the_command_before_it)
{
	const char *words[] = { "frobnicate", "--format", "xml", NULL };
	struct options o;
	struct err e = ERR_INIT;

	cr_assert_eq(parse(&o, words, &e), ERR_USAGE);
	cr_assert_str_eq(o.command, "frobnicate");
	options_release(&o);
}

/* ---- the fleet-only check ------------------------------------------------ */

Test(options, fleet_only_names_the_first_rollout_option_given)
{
	const struct {
		const char *words[MAXARGS];
		const char *want;
	} cases[] = {
		{ { "upgrade" }, NULL },
		{ { "upgrade", "-j", "4", "--select", "a", "--timeout=9" }, NULL },
		{ { "upgrade", "--report", "r", "--log-dir", "d" }, NULL },
		{ { "upgrade", "--canary", "a" }, "--canary" },
		{ { "--retries", "0" }, "--retries" },
		{ { "--shard=1/2", "--max-failures", "1" }, "--max-failures" },
		{ { "--per-host=1" }, "--per-host" },
		{ { "--deadline=2h" }, "--deadline" },
		{ { "--resume", "r.json" }, "--resume" },
		{ { "--html", "h" }, "--html" },
		{ { "--junit", "j", "--html", "h" }, "--junit" },
	};
	struct options o;
	struct err e = ERR_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(parse(&o, cases[i].words, &e), 0, "%s", e.msg);
		if (cases[i].want)
			cr_assert_str_eq(options_fleet_only(&o), cases[i].want);
		else
			cr_assert_null(options_fleet_only(&o), "%s",
				       options_fleet_only(&o));
		options_release(&o);
	}
}

/* ---- help ---------------------------------------------------------------- */

/* `migratore --help`'s options, as they were written by hand before the
 * table: the table reproduces them to the byte. */
static const char all_options[] =
    "Options:\n"
    "  -h, --help               show help (of a command: migratore CMD --help)\n"
    "  -q, --quiet              no connection line and no step lines\n"
    "  -v, --verbose            print the traceback of a failed migration\n"
    "      --format text|json   json: the result as one JSON document on\n"
    "                           stdout (fleet: the JSON report)\n"
    "      --log-format text|json\n"
    "                           json: stderr gets JSON Lines, an object per\n"
    "                           step, target and run, for log shippers\n"
    "      --sql                dry runs: print the SQL each target would\n"
    "                           run, bookkeeping writes as comments\n"
    "      --allow-out-of-order apply pending migrations older than the\n"
    "                           newest applied one (refused otherwise)\n"
    "      --strict-checksums   refuse to run when an applied migration\n"
    "                           changed since (or STRICT_CHECKSUMS=1)\n"
    "      --strict             exit 1 when anything is pending, failed or\n"
    "                           drifted (or STATUS_STRICT=1): a probe\n"
    "  -y, --yes                record without asking (needed when stdin\n"
    "                           is not a terminal)\n"
    "      --from N             rebuild: take statements 1 to N-1 as\n"
    "                           committed and run N on (say what is true\n"
    "                           of a statement in doubt)\n"
    "  -m, --message TEXT       description of the migration (generate)\n"
    "      --ddl-lock-timeout DURATION\n"
    "                           how long a migration's statement waits for\n"
    "                           a table's lock, then steps aside and tries\n"
    "                           again (DDL_LOCK_TIMEOUT; default 3s)\n"
    "      --ddl-lock-retries DURATION\n"
    "                           for how long in all it tries again\n"
    "                           (DDL_LOCK_RETRIES; default 1m)\n"
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
    "      --timeout DURATION   per-target limit: 90, 10m, 1.5h, 1h30m,\n"
    "                           none (overrides the inventory's)\n"
    "      --report FILE        write the JSON report (mode 0600, atomic)\n"
    "      --junit FILE         write the report as JUnit XML (CI systems)\n"
    "      --html FILE          write the report as one HTML page\n"
    "      --metrics FILE       write Prometheus metrics (node_exporter's\n"
    "                           textfile collector; mode 0644, atomic)\n"
    "      --log-dir DIR        one log file per target\n"
    "  -q, --quiet              no progress; print the report only when a\n"
    "                           target did not end ok or nothing-to-do\n"
    "\n"
    "Rollouts (fleet mode; see the inventory's rollout section):\n"
    "      --canary EXPR        first a wave of the targets EXPR selects; the\n"
    "                           rest only if none of them failed (whatever the\n"
    "                           run's budget; the inventory's canary wave may\n"
    "                           set its own)\n"
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

Test(options, help_of_every_scope_is_the_whole_table)
{
	struct buf out = BUF_INIT;

	options_help(OPTIONS_ALL, &out);
	cr_assert_str_eq(out.ptr, all_options);
	buf_release(&out);
}

Test(options, help_of_a_command_shows_only_its_options)
{
	struct buf out = BUF_INIT;

	options_help(OPTIONS_ANY, &out);
	cr_assert_str_eq(out.ptr, "Options:\n"
				  "  -h, --help               show help (of a "
				  "command: migratore CMD --help)\n");
	buf_reset(&out);
	options_help(OPTIONS_ANY | OPTIONS_GENERATE, &out);
	cr_assert_str_eq(out.ptr, "Options:\n"
				  "  -h, --help               show help (of a "
				  "command: migratore CMD --help)\n"
				  "  -m, --message TEXT       description of "
				  "the migration (generate)\n");
	buf_reset(&out);
	options_help(OPTIONS_ANY | OPTIONS_DB | OPTIONS_CONFIG, &out);
	cr_assert(strstr(out.ptr, "  -v, --verbose "), "%s", out.ptr);
	cr_assert(strstr(out.ptr, "override the variable"), "%s", out.ptr);
	cr_assert(strstr(out.ptr, "--format"), "every database command: %s",
		  out.ptr);
	cr_assert_null(strstr(out.ptr, "--sql"), "dry runs only: %s", out.ptr);
	cr_assert_null(strstr(out.ptr, "Fleet mode"), "%s", out.ptr);
	cr_assert_null(strstr(out.ptr, "Rollouts"), "%s", out.ptr);
	buf_release(&out);
}

/* ---- the completion list ------------------------------------------------- */

Test(options, list_names_each_option_once_with_its_help)
{
	struct buf out = BUF_INIT;

	options_list(OPTIONS_ANY, &out);
	cr_assert_str_eq(out.ptr,
			 "--help\tshow help (of a command: migratore CMD --help)\n"
			 "-h\tshow help (of a command: migratore CMD --help)\n");
	buf_reset(&out);
	options_list(OPTIONS_REPORT, &out);
	cr_assert_str_eq(out.ptr,
			 "--junit=\twrite the report as JUnit XML (CI systems)\n"
			 "--html=\twrite the report as one HTML page\n");
	buf_reset(&out);
	options_list(OPTIONS_ALL, &out);
	cr_assert(strstr(out.ptr, "\n--inventory=\trun the command"));
	cr_assert_null(strstr(out.ptr, "\n--inventory=\toverride"),
		       "--inventory is listed once");
	cr_assert(strstr(out.ptr, "\n--lock-timeout=\toverride the variable "
				  "of the same name (flags > environment > "
				  ".env > defaults)\n"));
	cr_assert(strstr(out.ptr, "\n-q\tno connection line"));
	cr_assert_null(strstr(out.ptr, "--options"), "--options is hidden");
	cr_assert_null(strstr(out.ptr, "--KEY"), "--KEY stands for the keys");
	buf_release(&out);
}

/* Every option the list offers parses, and --help shows it: the three
 * come from one table. */
Test(options, every_listed_option_parses_and_is_in_the_help)
{
	struct buf list = BUF_INIT, help = BUF_INIT, name = BUF_INIT;
	struct options o;
	struct err e = ERR_INIT;
	const char *line, *tab;
	size_t n = 0;

	options_list(OPTIONS_ALL, &list);
	options_help(OPTIONS_ALL, &help);
	for (line = list.ptr; (tab = strchr(line, '\t')) != NULL;
	     line = strchr(tab, '\n') + 1, n++) {
		bool value = tab[-1] == '=';
		const char *words[3] = { NULL, NULL, NULL };

		buf_reset(&name);
		buf_add(&name, line, (size_t)(tab - line) - value);
		words[0] = name.ptr;
		if (value)
			words[1] = strstr(name.ptr, "format") ? "json" : "1";
		cr_assert_eq(parse(&o, words, &e), 0, "%s: %s", name.ptr, e.msg);
		cr_assert_neq(o.given, 0, "%s", name.ptr);
		options_release(&o);
		if (name.ptr[1] == '-')
			cr_assert(strstr(help.ptr, name.ptr), "%s", name.ptr);
	}
	cr_assert_geq(n, 39, "%zu options listed", n);
	buf_release(&list);
	buf_release(&help);
	buf_release(&name);
}
