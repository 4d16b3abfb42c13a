/*
 * The option table and everything derived from it: the parser, --help,
 * the help of one command, completion's list and the fleet-only check.
 * See options.h, which says how to add an option.
 */
#include "config.h"

#include "config/options.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/spelling.h"
#include "common/xmalloc.h"
#include "config/duration.h"
#include "config/settings.h"
#include "common/banned.h"

enum kind {
	K_FLAG,     /* bool; a value after '=' is ignored */
	K_STRING,   /* const char *, as given */
	K_INT,      /* int from min to max */
	K_DURATION, /* double, seconds */
	K_CHOICE,   /* int: which word of metavar ("text|json") */
	K_LIST,     /* struct strv, repeatable */
	K_SETTING,  /* --KEY for every key settings_flag names: flags */
	K_AGAIN,    /* the row above described again in a later section */
};

enum section { S_OPTIONS, S_FLEET, S_ROLLOUT, S_NSECTIONS };

static const char *const section_title[S_NSECTIONS] = {
	"Options:",
	"Fleet mode (--inventory FILE or INVENTORY; see migratore-inventory(5)):",
	"Rollouts (fleet mode; see the inventory's rollout section):",
};

struct row {
	const char *name;
	char alias;          /* -x; 0 = none */
	enum kind kind;
	size_t off;          /* the field of struct options */
	int min, max;        /* K_INT */
	const char *needs;   /* "--report needs a file" */
	unsigned scope;      /* enum options_scope */
	bool fleet_only;     /* refused without an inventory */
	enum section section;
	const char *metavar; /* K_CHOICE: the words */
	const char *help;    /* NULL = hidden; '\n' = next line */
};

#define F(field) offsetof(struct options, field)
#define DB_FLEET (OPTIONS_DB | OPTIONS_FLEET)
#define FLEET_REPORT (OPTIONS_FLEET | OPTIONS_REPORT)

/* The table: --help shows the rows in this order. */
static const struct row rows[] = {
	{ "--help", 'h', K_FLAG, F(help), 0, 0, NULL, OPTIONS_ANY, false,
	  S_OPTIONS, NULL, "show help (of a command: migratore CMD --help)" },
	{ "--options", 0, K_FLAG, F(list_options), 0, 0, NULL, OPTIONS_ANY,
	  false, S_OPTIONS, NULL, NULL },
	{ "--quiet", 'q', K_FLAG, F(quiet), 0, 0, NULL, DB_FLEET, false,
	  S_OPTIONS, NULL, "no connection line and no step lines" },
	{ "--verbose", 'v', K_FLAG, F(verbose), 0, 0, NULL, OPTIONS_DB, false,
	  S_OPTIONS, NULL, "print the traceback of a failed migration" },
	{ "--format", 0, K_CHOICE, F(format), 0, 0, NULL, DB_FLEET, false,
	  S_OPTIONS, "text|json",
	  "json: the result as one JSON document on\n"
	  "stdout (fleet: the JSON report)" },
	{ "--log-format", 0, K_CHOICE, F(log_format), 0, 0, NULL, DB_FLEET,
	  false, S_OPTIONS, "text|json",
	  "json: stderr gets JSON Lines, an object per\n"
	  "step, target and run, for log shippers" },
	{ "--sql", 0, K_FLAG, F(sql), 0, 0, NULL, OPTIONS_DRY, false,
	  S_OPTIONS, NULL,
	  "dry runs: print the SQL each target would\n"
	  "run, bookkeeping writes as comments" },
	{ "--allow-out-of-order", 0, K_FLAG, F(allow_out_of_order), 0, 0, NULL,
	  OPTIONS_APPLY, false, S_OPTIONS, NULL,
	  "apply pending migrations older than the\n"
	  "newest applied one (refused otherwise)" },
	{ "--strict-checksums", 0, K_FLAG, F(strict_checksums), 0, 0, NULL,
	  OPTIONS_APPLY, false, S_OPTIONS, NULL,
	  "refuse to run when an applied migration\n"
	  "changed since (or STRICT_CHECKSUMS=1)" },
	{ "--strict", 0, K_FLAG, F(strict), 0, 0, NULL, OPTIONS_STATUS, false,
	  S_OPTIONS, NULL,
	  "exit 1 when anything is pending, failed or\n"
	  "drifted (or STATUS_STRICT=1): a probe" },
	{ "--yes", 'y', K_FLAG, F(yes), 0, 0, NULL, OPTIONS_REPAIR, false,
	  S_OPTIONS, NULL,
	  "record without asking (needed when stdin\n"
	  "is not a terminal)" },
	{ "--from", 0, K_INT, F(from), 1, 1000000, NULL, OPTIONS_REBUILD,
	  false, S_OPTIONS, "N",
	  "rebuild: take statements 1 to N-1 as\n"
	  "committed and run N on (say what is true\n"
	  "of a statement in doubt)" },
	{ "--message", 'm', K_STRING, F(message), 0, 0, "a value",
	  OPTIONS_GENERATE, false, S_OPTIONS, "TEXT",
	  "description of the migration (generate)" },
	{ "--ddl-lock-timeout", 0, K_DURATION, F(ddl_lock_timeout), 0, 0,
	  "a duration", DB_FLEET | OPTIONS_CONFIG, false, S_OPTIONS,
	  "DURATION",
	  "how long a migration's statement waits for\n"
	  "a table's lock, then steps aside and tries\n"
	  "again (DDL_LOCK_TIMEOUT; default 3s)" },
	{ "--ddl-lock-retries", 0, K_DURATION, F(ddl_lock_retries), 0, 0,
	  "a duration", DB_FLEET | OPTIONS_CONFIG, false, S_OPTIONS,
	  "DURATION",
	  "for how long in all it tries again\n"
	  "(DDL_LOCK_RETRIES; default 1m)" },
	{ "--KEY", 0, K_SETTING, F(flags), 0, 0, "a value", OPTIONS_CONFIG,
	  false, S_OPTIONS, "VALUE",
	  "override the variable of the same name\n"
	  "(flags > environment > .env > defaults)" },
	{ "--inventory", 'i', K_STRING, F(inventory), 0, 0, "a file",
	  OPTIONS_FLEET, false, S_FLEET, "FILE",
	  "run the command against every target of FILE" },
	{ "--jobs", 'j', K_INT, F(jobs), 1, 10000, NULL, OPTIONS_FLEET, false,
	  S_FLEET, "N", "targets at once (default: 4 per CPU, at most 64)" },
	{ "--select", 0, K_LIST, F(select), 0, 0, "an expression",
	  OPTIONS_FLEET, false, S_FLEET, "EXPR",
	  "only targets matching a name glob or tag:NAME\n"
	  "(repeatable; or'ed)" },
	{ "--timeout", 0, K_DURATION, F(timeout), 0, 0, "a duration",
	  OPTIONS_FLEET, false, S_FLEET, "DURATION",
	  "per-target limit: 90, 10m, 1.5h, 1h30m,\n"
	  "none (overrides the inventory's)" },
	{ "--report", 0, K_STRING, F(report), 0, 0, "a file", OPTIONS_FLEET,
	  false, S_FLEET, "FILE", "write the JSON report (mode 0600, atomic)" },
	{ "--junit", 0, K_STRING, F(junit), 0, 0, "a file", FLEET_REPORT, true,
	  S_FLEET, "FILE", "write the report as JUnit XML (CI systems)" },
	{ "--html", 0, K_STRING, F(html), 0, 0, "a file", FLEET_REPORT, true,
	  S_FLEET, "FILE", "write the report as one HTML page" },
	{ "--metrics", 0, K_STRING, F(metrics), 0, 0, "a file", OPTIONS_FLEET,
	  true, S_FLEET, "FILE",
	  "write Prometheus metrics (node_exporter's\n"
	  "textfile collector; mode 0644, atomic)" },
	{ "--tags", 0, K_FLAG, F(list_tags), 0, 0, NULL, OPTIONS_ANY, false,
	  S_FLEET, NULL, NULL },
	{ "--log-dir", 0, K_STRING, F(log_dir), 0, 0, "a directory",
	  OPTIONS_FLEET, false, S_FLEET, "DIR", "one log file per target" },
	{ "--quiet", 'q', K_AGAIN, F(quiet), 0, 0, NULL, OPTIONS_FLEET, false,
	  S_FLEET, NULL,
	  "no progress; print the report only when a\n"
	  "target did not end ok or nothing-to-do" },
	{ "--canary", 0, K_STRING, F(canary), 0, 0, "an expression",
	  OPTIONS_FLEET, true, S_ROLLOUT, "EXPR",
	  "first a wave of the targets EXPR selects; the\n"
	  "rest only if none of them failed (whatever the\n"
	  "run's budget; the inventory's canary wave may\n"
	  "set its own)" },
	{ "--max-failures", 0, K_STRING, F(max_failures), 0, 0,
	  "a number or a percentage", OPTIONS_FLEET, true, S_ROLLOUT, "N|P%",
	  "start no target once more than N (or P% of\n"
	  "the targets) failed; default: stop after the\n"
	  "first wave with a failure" },
	{ "--per-host", 0, K_INT, F(per_host), 1, 10000, NULL, OPTIONS_FLEET,
	  true, S_ROLLOUT, "N", "at most N targets of one server at once" },
	{ "--retries", 0, K_INT, F(retries), 0, 100, NULL,
	  OPTIONS_FLEET, true, S_ROLLOUT, "N",
	  "retry unreachable and locked targets N times\n"
	  "(backoff 0.5s doubling, capped at 30s)" },
	{ "--deadline", 0, K_STRING, F(deadline), 0, 0, "a time",
	  OPTIONS_FLEET, true, S_ROLLOUT, "WHEN",
	  "start no target after WHEN: 2h (from now),\n"
	  "06:00 (next), 2026-11-28T06:00Z" },
	{ "--resume", 0, K_STRING, F(resume), 0, 0, "a report", OPTIONS_FLEET,
	  true, S_ROLLOUT, "REPORT",
	  "only the targets REPORT says did not finish" },
	{ "--shard", 0, K_STRING, F(shard), 0, 0, "K/N", OPTIONS_FLEET, true,
	  S_ROLLOUT, "K/N",
	  "only slice K (0 to N-1) of N: FNV-1a 64 of\n"
	  "the target's name, mod N" },
};

#undef F
#define NROWS (sizeof(rows) / sizeof(rows[0]))
#define ROW_BIT(r) ((uint64_t)1 << ((r) - rows))

_Static_assert(NROWS <= 64, "struct options.given has a bit per row");

/* The help column: "  -j, --jobs N" padded to it, the text after. */
#define HELP_COL 27
/* The overrides' names are filled up to this width. */
#define HELP_WIDTH 72

/* An option as typed: "-j" or "--jobs" (len chars), and its value. */
struct typed {
	const char *name;
	int len;
	const char *value; /* NULL: none */
	const char *key;   /* --KEY: the settings key */
};

void
options_init(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout = -1;
	o->ddl_lock_timeout = -1;
	o->ddl_lock_retries = -1;
	strv_init(&o->args);
	strv_init(&o->select);
	strv_init(&o->flags);
}

void
options_apply(const struct options *o, struct target *t)
{
	if (o->ddl_lock_timeout >= 0) {
		t->ddl_lock_timeout = o->ddl_lock_timeout;
		t->source[CFG_DDL_LOCK_TIMEOUT] = SRC_FLAG;
	}
	if (o->ddl_lock_retries >= 0) {
		t->ddl_lock_retries = o->ddl_lock_retries;
		t->source[CFG_DDL_LOCK_RETRIES] = SRC_FLAG;
	}
}

void
options_release(struct options *o)
{
	strv_release(&o->args);
	strv_release(&o->select);
	strv_release(&o->flags);
}

/* The flag of the i-th setting ("--lock-timeout" for "LOCK_TIMEOUT")
 * into out, emptied first; false past the last setting. */
static bool
setting_flag(size_t i, struct buf *out)
{
	const char *key = settings_flag(i);

	buf_reset(out);
	if (key == NULL)
		return false;
	buf_adds(out, "--");
	for (; *key; key++)
		buf_addc(out, *key == '_' ? '-' : (char)(*key - 'A' + 'a'));
	return true;
}

static bool
row_is(const struct row *r, const char *name, size_t len)
{
	if (r->kind == K_AGAIN || r->kind == K_SETTING)
		return false;
	if (len == 2 && r->alias && name[0] == '-' && name[1] == r->alias)
		return true;
	return strlen(r->name) == len && memcmp(r->name, name, len) == 0;
}

/* A row of the table, or NULL; *key: the settings key of --KEY. */
static const struct row *
row_find(const char *name, size_t len, const char **key)
{
	const struct row *r;
	char *copy;

	for (r = rows; r < rows + NROWS; r++)
		if (row_is(r, name, len))
			return r;
	copy = xstrndup(name, len);
	*key = settings_flag_key(copy);
	free(copy);
	for (r = rows; *key && r < rows + NROWS; r++)
		if (r->kind == K_SETTING)
			return r;
	return NULL;
}

#define FIELD(o, r, type) ((type *)(void *)((char *)(o) + (r)->off))

/* How each kind of value is set: 0 or ERR_USAGE. */
typedef int setter(struct options *o, const struct row *r,
		   const struct typed *t, struct err *e);

static int
set_flag(struct options *o, const struct row *r, const struct typed *t,
	 struct err *e)
{
	(void)t, (void)e;
	*FIELD(o, r, bool) = true;
	return 0;
}

static int
needs(const struct row *r, const struct typed *t, struct err *e)
{
	return err_set(e, ERR_USAGE, "%.*s needs %s", t->len, t->name,
		       r->needs);
}

static int
set_string(struct options *o, const struct row *r, const struct typed *t,
	   struct err *e)
{
	if (t->value == NULL)
		return needs(r, t, e);
	*FIELD(o, r, const char *) = t->value;
	return 0;
}

/* --select, and --KEY as "KEY=VALUE". */
static int
set_list(struct options *o, const struct row *r, const struct typed *t,
	 struct err *e)
{
	if (t->value == NULL)
		return needs(r, t, e);
	if (t->key)
		strv_pushf(FIELD(o, r, struct strv), "%s=%s", t->key, t->value);
	else
		strv_push(FIELD(o, r, struct strv), t->value);
	return 0;
}

static int
set_int(struct options *o, const struct row *r, const struct typed *t,
	struct err *e)
{
	const char *v = t->value;
	char *end;
	long n = v ? strtol(v, &end, 10) : -1;

	if (v == NULL || *v == '\0' || *end != '\0' || n < r->min ||
	    n > r->max)
		return err_set(e, ERR_USAGE, "%.*s takes a number from %d to %d",
			       t->len, t->name, r->min, r->max);
	*FIELD(o, r, int) = (int)n;
	return 0;
}

static int
set_duration(struct options *o, const struct row *r, const struct typed *t,
	     struct err *e)
{
	if (t->value == NULL)
		return needs(r, t, e);
	if (duration_parse(t->value, FIELD(o, r, double), e) < 0)
		return err_prefix(e, "%.*s", t->len, t->name);
	return 0;
}

/* "'text' or 'json'" from "text|json". */
/* The index of v among "a|b|c"; -1 when it is none of them. */
static int
choice_index(const char *choices, const char *v)
{
	size_t len, n = strlen(v);
	int i;

	for (i = 0; *choices; i++, choices += len + (choices[len] == '|')) {
		len = strcspn(choices, "|");
		if (len == n && memcmp(choices, v, n) == 0)
			return i;
	}
	return -1;
}

static void
choice_words(const char *metavar, struct buf *out)
{
	const char *p = metavar, *bar;

	while ((bar = strchr(p, '|')) != NULL) {
		buf_addf(out, "%s'%.*s'", p == metavar ? "" : ", ",
			 (int)(bar - p), p);
		p = bar + 1;
	}
	buf_addf(out, "%s'%s'", p == metavar ? "" : " or ", p);
}

static int
set_choice(struct options *o, const struct row *r, const struct typed *t,
	   struct err *e)
{
	int i = t->value ? choice_index(r->metavar, t->value) : -1;
	struct buf words = BUF_INIT;

	if (i >= 0) {
		*FIELD(o, r, int) = i;
		return 0;
	}
	choice_words(r->metavar, &words);
	err_set(e, ERR_USAGE, "%.*s takes %s", t->len, t->name, words.ptr);
	buf_release(&words);
	return ERR_USAGE;
}

static setter *const setters[] = {
	[K_FLAG] = set_flag,	     [K_STRING] = set_string,
	[K_INT] = set_int,	     [K_DURATION] = set_duration,
	[K_CHOICE] = set_choice,     [K_LIST] = set_list,
	[K_SETTING] = set_list,
};

/* The long names --help shows (--KEY as every key's), for "did you
 * mean". */
static void
long_names(struct strv *out)
{
	struct buf name = BUF_INIT;
	const struct row *r;
	size_t i;

	for (r = rows; r < rows + NROWS; r++)
		if (r->help && r->kind != K_AGAIN && r->kind != K_SETTING)
			strv_push(out, r->name);
	for (i = 0; setting_flag(i, &name); i++)
		strv_push(out, name.ptr);
	buf_release(&name);
}

/* "unknown option '--jbos'; did you mean '--jobs'?" (a long option only:
 * every one-letter option is one edit from another). */
static int
unknown_option(const struct typed *t, struct err *e)
{
	struct strv names = STRV_INIT;
	struct spelling sp;
	char *typed = xstrndup(t->name, (size_t)t->len);
	size_t i;

	long_names(&names);
	spelling_init(&sp, typed);
	for (i = 0; t->len > 2 && i < names.n; i++)
		spelling_offer(&sp, names.v[i]);
	if (sp.best)
		err_set(e, ERR_USAGE, "unknown option '%s'; did you mean '%s'?",
			typed, sp.best);
	else
		err_set(e, ERR_USAGE, "unknown option '%s'", typed);
	strv_release(&names);
	free(typed);
	return ERR_USAGE;
}

/* One option at argv[*i]; its value may be the next word. */
static int
parse_one(struct options *o, int argc, char **argv, int *i, struct err *e)
{
	const char *a = argv[*i], *eq = strchr(a, '=');
	struct typed t = { a, eq ? (int)(eq - a) : (int)strlen(a), NULL,
			   NULL };
	const struct row *r = row_find(a, (size_t)t.len, &t.key);

	if (r == NULL) {
		o->unknown = a;
		return unknown_option(&t, e);
	}
	if (r->kind != K_FLAG)
		t.value = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
	o->given |= ROW_BIT(r);
	return setters[r->kind](o, r, &t, e);
}

int
options_parse(struct options *o, int argc, char **argv, struct err *e)
{
	bool dashdash = false;
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!dashdash && strcmp(a, "--") == 0)
			dashdash = true;
		else if (!dashdash && a[0] == '-' && a[1] != '\0') {
			if ((r = parse_one(o, argc, argv, &i, e)) < 0)
				return r;
		} else if (o->command == NULL)
			o->command = a;
		else
			strv_push(&o->args, a);
	}
	return 0;
}

const char *
options_fleet_only(const struct options *o)
{
	const struct row *r;

	for (r = rows; r < rows + NROWS; r++)
		if (r->fleet_only && (o->given & ROW_BIT(r)))
			return r->name;
	return NULL;
}

/* ---- help ---------------------------------------------------------------- */

/* The help text from column HELP_COL on, after a head of len chars. */
static void
help_text(const char *text, size_t len, struct buf *out)
{
	const char *nl;

	if (len + 1 > HELP_COL)
		buf_addf(out, "\n%*s", HELP_COL, "");
	else
		buf_addf(out, "%*s", (int)(HELP_COL - len), "");
	while ((nl = strchr(text, '\n')) != NULL) {
		buf_addf(out, "%.*s\n%*s", (int)(nl - text), text, HELP_COL, "");
		text = nl + 1;
	}
	buf_addf(out, "%s\n", text);
}

/* "  --engine, --db-url, ... --inventory =VALUE", filled to HELP_WIDTH. */
static void
help_settings(const struct row *r, struct buf *out)
{
	struct buf name = BUF_INIT;
	size_t i, line = out->len, col;

	buf_adds(out, " ");
	for (i = 0; setting_flag(i, &name); i++) {
		if (settings_flag(i + 1))
			buf_addc(&name, ',');
		else
			buf_addf(&name, " =%s", r->metavar);
		col = out->len - line;
		if (col + 1 + name.len > HELP_WIDTH) {
			buf_addc(out, '\n');
			line = out->len;
			buf_addc(out, ' ');
		}
		buf_addf(out, " %s", name.ptr);
	}
	help_text(r->help, HELP_COL, out);
	buf_release(&name);
}

static void
help_row(const struct row *r, struct buf *out)
{
	size_t start = out->len;

	if (r->kind == K_SETTING) {
		help_settings(r, out);
		return;
	}
	if (r->alias)
		buf_addf(out, "  -%c, %s", r->alias, r->name);
	else
		buf_addf(out, "      %s", r->name);
	if (r->metavar)
		buf_addf(out, " %s", r->metavar);
	help_text(r->help, out->len - start, out);
}

void
options_help(unsigned scopes, struct buf *out)
{
	const struct row *r;
	bool any = false;
	int s;

	for (s = 0; s < S_NSECTIONS; s++) {
		bool shown = false;

		for (r = rows; r < rows + NROWS; r++) {
			if (r->section != (enum section)s || !r->help ||
			    !(r->scope & scopes))
				continue;
			if (!shown)
				buf_addf(out, "%s%s\n", any ? "\n" : "",
					 section_title[s]);
			shown = any = true;
			help_row(r, out);
		}
	}
}

/* ---- completion -------------------------------------------------------- */

/* "NAME[=]\thelp on one line\n" */
static void
list_one(const char *name, bool value, const char *help, struct buf *out)
{
	const char *p;

	buf_addf(out, "%s%s\t", name, value ? "=" : "");
	for (p = help; *p; p++)
		buf_addc(out, *p == '\n' ? ' ' : *p);
	buf_addc(out, '\n');
}

/* Every configuration key no row of its own already names. */
static void
list_settings(const struct row *r, struct buf *out)
{
	struct buf name = BUF_INIT;
	const char *ignored;
	size_t i;

	for (i = 0; setting_flag(i, &name); i++)
		if (row_find(name.ptr, name.len, &ignored)->kind == K_SETTING)
			list_one(name.ptr, true, r->help, out);
	buf_release(&name);
}

void
options_list(unsigned scopes, struct buf *out)
{
	const struct row *r;
	char alias[3] = "-";

	for (r = rows; r < rows + NROWS; r++) {
		if (!r->help || r->kind == K_AGAIN || !(r->scope & scopes))
			continue;
		if (r->kind == K_SETTING) {
			list_settings(r, out);
			continue;
		}
		list_one(r->name, r->kind != K_FLAG, r->help, out);
		alias[1] = r->alias;
		if (r->alias)
			list_one(alias, r->kind != K_FLAG, r->help, out);
	}
}
