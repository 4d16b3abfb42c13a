/*
 * Unit tests for config/settings: precedence, aliases, DB_URL, the engine
 * choice, value checks and their messages, and the `environ` listing.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strv.h"
#include "config/settings.h"

/*
 * Criterion hands parameters to a fresh process in which the parent's
 * pointers mean nothing, so each test gets an index into a file-scope table.
 */
#define NCASES(table) (sizeof(table) / sizeof((table)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

#define CWD "/home/op/project"

/* One configuration: the three sources. */
struct input {
	const char *env[7];
	const char *dotenv; /* NULL = no .env file */
	const char *flags[4];
};

static int
resolve(const struct input *in, struct target **t, struct err *e)
{
	struct strv env = STRV_INIT, flags = STRV_INIT;
	struct settings_input si;
	size_t i;
	int rc;

	strv_push(&env, "IGNORED=1"); /* envp is never empty in life */
	for (i = 0; i < 7 && in->env[i] != NULL; i++)
		strv_push(&env, in->env[i]);
	for (i = 0; i < 4 && in->flags[i] != NULL; i++)
		strv_push(&flags, in->flags[i]);
	memset(&si, 0, sizeof(si));
	si.envp = env.v;
	si.dotenv_text = in->dotenv;
	si.dotenv_name = ".env";
	si.flags = &flags;
	si.cwd = CWD;
	si.login = "alice";
	rc = settings_resolve(&si, t, e);
	strv_release(&env);
	strv_release(&flags);
	return rc;
}

/* The value of one key as text, as a user would read it. */
static void
value_of(const struct target *t, enum cfg_key key, struct buf *out)
{
	const char *s = NULL;

	switch (key) {
	case CFG_ENGINE: s = t->engine; break;
	case CFG_DB_URL: s = t->db_url; break;
	case CFG_HOST: s = t->host; break;
	case CFG_UNIX_SOCKET: s = t->unix_socket; break;
	case CFG_DB: s = t->db; break;
	case CFG_USERNAME: s = t->username; break;
	case CFG_PASSWORD: s = t->password; break;
	case CFG_FS: s = t->fs; break;
	case CFG_OPERATOR: s = t->operator_name; break;
	case CFG_INVENTORY: s = t->inventory; break;
	case CFG_PORT: buf_addf(out, "%d", t->port); return;
	case CFG_LOCK_TIMEOUT: buf_addf(out, "%d", t->lock_timeout); return;
	case CFG_SAFE: buf_adds(out, t->safe ? "1" : "0"); return;
	case CFG_DEBUG: buf_adds(out, t->debug ? "1" : "0"); return;
	default: break;
	}
	buf_adds(out, s ? s : "(null)");
}

struct rcase {
	struct input in;
	enum cfg_key key;
	const char *value;
	enum cfg_source src;
};

static const struct rcase rcases[] = {
	/* precedence: flag > environment > .env > default */
	{ { { NULL }, NULL, { NULL } }, CFG_SAFE, "1", SRC_DEFAULT },
	{ { { NULL }, "HOST=d", { NULL } }, CFG_HOST, "d", SRC_DOTENV },
	{ { { "HOST=e" }, "HOST=d", { NULL } }, CFG_HOST, "e", SRC_ENV },
	{ { { "HOST=e" }, "HOST=d", { "HOST=f" } }, CFG_HOST, "f", SRC_FLAG },
	{ { { NULL }, "HOST=d", { "HOST=f" } }, CFG_HOST, "f", SRC_FLAG },
	{ { { "SAFE=0" }, "SAFE=1", { NULL } }, CFG_SAFE, "0", SRC_ENV },
	{ { { "SAFE=0" }, NULL, { "SAFE=on" } }, CFG_SAFE, "1", SRC_FLAG },
	/* an alias beats its plain name within one source... */
	{ { { "HOST=p", "DB_HOST=a" }, NULL, { NULL } }, CFG_HOST, "a",
	  SRC_ENV },
	{ { { "DB_HOST=a", "HOST=p" }, NULL, { NULL } }, CFG_HOST, "a",
	  SRC_ENV },
	{ { { NULL }, "HOST=p\nDB_HOST=a", { NULL } }, CFG_HOST, "a",
	  SRC_DOTENV },
	/* ... but not across sources */
	{ { { "HOST=e" }, "DB_HOST=a", { NULL } }, CFG_HOST, "e", SRC_ENV },
	{ { { "PORT=1", "DB_PORT=2" }, NULL, { NULL } }, CFG_PORT, "2",
	  SRC_ENV },
	{ { { "DB=p", "DB_NAME=a" }, NULL, { NULL } }, CFG_DB, CWD "/a",
	  SRC_ENV },
	{ { { "PASSWORD=p", "DB_PASSWORD=a" }, NULL, { NULL } }, CFG_PASSWORD,
	  "a", SRC_ENV },
	{ { { "UNIX_SOCKET=p", "DB_UNIX_SOCKET=a" }, NULL, { NULL } },
	  CFG_UNIX_SOCKET, "a", SRC_ENV },
	/* DB_USER > DB_USERNAME > USERNAME */
	{ { { "USERNAME=p", "DB_USERNAME=b", "DB_USER=a" }, NULL, { NULL } },
	  CFG_USERNAME, "a", SRC_ENV },
	{ { { "USERNAME=p", "DB_USERNAME=b" }, NULL, { NULL } }, CFG_USERNAME,
	  "b", SRC_ENV },
	/* an empty value counts as not set, except PASSWORD */
	{ { { "HOST=" }, "HOST=d", { NULL } }, CFG_HOST, "d", SRC_DOTENV },
	{ { { "PORT=" }, NULL, { NULL } }, CFG_PORT, "0", SRC_UNSET },
	{ { { "PASSWORD=" }, "PASSWORD=d", { NULL } }, CFG_PASSWORD, "",
	  SRC_ENV },
	/* repeated: first in the environment, last in .env and flags */
	{ { { "HOST=1", "HOST=2" }, NULL, { NULL } }, CFG_HOST, "1", SRC_ENV },
	{ { { NULL }, "HOST=1\nHOST=2", { NULL } }, CFG_HOST, "2", SRC_DOTENV },
	{ { { NULL }, NULL, { "HOST=1", "HOST=2" } }, CFG_HOST, "2", SRC_FLAG },
	/* a bad value in a losing source is never looked at */
	{ { { "PORT=5" }, "PORT=abc", { NULL } }, CFG_PORT, "5", SRC_ENV },
	/* other variables are ignored */
	{ { { "HOSTNAME=x", "host=y" }, NULL, { NULL } }, CFG_HOST, "(null)",
	  SRC_UNSET },

	/* DB_URL: each part present overrides, absent leaves in force */
	{ { { "DB_URL=postgres://u:p@h:1/db" }, NULL, { NULL } }, CFG_HOST, "h",
	  SRC_URL },
	{ { { "DB_URL=postgres://u:p@h:1/db" }, NULL, { NULL } }, CFG_PORT, "1",
	  SRC_URL },
	{ { { "DB_URL=postgres://u:p@h:1/db" }, NULL, { NULL } }, CFG_USERNAME,
	  "u", SRC_URL },
	{ { { "DB_URL=postgres://u:p@h:1/db" }, NULL, { NULL } }, CFG_PASSWORD,
	  "p", SRC_URL },
	{ { { "DB_URL=postgres://u:p@h:1/db" }, NULL, { NULL } }, CFG_DB, "db",
	  SRC_URL },
	{ { { "DB_URL=postgres://u:p@h:1/db" }, NULL, { NULL } }, CFG_DB_URL,
	  "postgres://u:p@h:1/db", SRC_ENV },
	{ { { "HOST=x", "DB_URL=postgres://h/db" }, NULL, { NULL } }, CFG_HOST,
	  "h", SRC_URL },
	{ { { "PORT=7", "DB_URL=postgres://h/db" }, NULL, { NULL } }, CFG_PORT,
	  "7", SRC_ENV },
	{ { { "PASSWORD=pw", "DB_URL=mysql://u@h/db" }, NULL, { NULL } },
	  CFG_PASSWORD, "pw", SRC_ENV },
	{ { { "UNIX_SOCKET=/s", "DB_URL=mysql://h/db" }, NULL, { NULL } },
	  CFG_UNIX_SOCKET, "/s", SRC_ENV },
	/* a variable from a stronger source beats the URL part */
	{ { { "HOST=x" }, "DB_URL=postgres://h/db", { NULL } }, CFG_HOST, "x",
	  SRC_ENV },
	{ { { "HOST=x" }, "DB_URL=postgres://h/db", { NULL } }, CFG_DB, "db",
	  SRC_URL },
	{ { { "DB_URL=postgres://h/db" }, NULL, { "HOST=f" } }, CFG_HOST, "f",
	  SRC_FLAG },
	{ { { "HOST=e" }, NULL, { "DB_URL=postgres://h/db" } }, CFG_HOST, "h",
	  SRC_URL },
	{ { { "DB_URL=postgres://h/db" }, "HOST=x", { NULL } }, CFG_HOST, "h",
	  SRC_URL },
	/* percent-decoding */
	{ { { "DB_URL=mysql://u%40x:p%3Aw@h/d%20b" }, NULL, { NULL } },
	  CFG_USERNAME, "u@x", SRC_URL },
	{ { { "DB_URL=mysql://u%40x:p%3Aw@h/d%20b" }, NULL, { NULL } },
	  CFG_PASSWORD, "p:w", SRC_URL },
	{ { { "DB_URL=mysql://u%40x:p%3Aw@h/d%20b" }, NULL, { NULL } }, CFG_DB,
	  "d b", SRC_URL },
	{ { { "DB_URL=postgres://%2Ftmp%2Fpg/db" }, NULL, { NULL } },
	  CFG_UNIX_SOCKET, "/tmp/pg", SRC_URL },
	/* SQLite URLs: the path is made absolute */
	{ { { "DB_URL=sqlite:rel.db" }, NULL, { NULL } }, CFG_DB, CWD "/rel.db",
	  SRC_URL },
	{ { { "DB_URL=sqlite:rel.db" }, NULL, { NULL } }, CFG_ENGINE, "sqlite",
	  SRC_URL },
	{ { { "DB_URL=sqlite:///var/x.db" }, NULL, { NULL } }, CFG_DB,
	  "/var/x.db", SRC_URL },
	{ { { "DB=mine.db", "DB_URL=sqlite:" }, NULL, { NULL } }, CFG_DB,
	  CWD "/mine.db", SRC_ENV },

	/* engine choice */
	{ { { NULL }, NULL, { NULL } }, CFG_ENGINE, "sqlite", SRC_DEFAULT },
	{ { { NULL }, NULL, { NULL } }, CFG_DB, CWD "/migratore.db",
	  SRC_DEFAULT },
	{ { { "DB=app.db" }, NULL, { NULL } }, CFG_DB, CWD "/app.db", SRC_ENV },
	{ { { "DB=./sub/app.db" }, NULL, { NULL } }, CFG_DB, CWD "/sub/app.db",
	  SRC_ENV },
	{ { { "DB=../up.db" }, NULL, { NULL } }, CFG_DB, CWD "/../up.db",
	  SRC_ENV },
	{ { { "DB=/abs/x.db" }, NULL, { NULL } }, CFG_DB, "/abs/x.db", SRC_ENV },
	{ { { "HOST=h" }, NULL, { NULL } }, CFG_ENGINE, "mysql", SRC_DERIVED },
	{ { { "PORT=5" }, NULL, { NULL } }, CFG_ENGINE, "mysql", SRC_DERIVED },
	{ { { "DB_UNIX_SOCKET=/s" }, NULL, { NULL } }, CFG_ENGINE, "mysql",
	  SRC_DERIVED },
	{ { { NULL }, "DB_USER=u", { NULL } }, CFG_ENGINE, "mysql",
	  SRC_DERIVED },
	{ { { "PASSWORD=" }, NULL, { NULL } }, CFG_ENGINE, "mysql",
	  SRC_DERIVED },
	{ { { "HOST=h", "DB=app" }, NULL, { NULL } }, CFG_DB, "app", SRC_ENV },
	{ { { "DB=app" }, NULL, { NULL } }, CFG_ENGINE, "sqlite", SRC_DEFAULT },
	{ { { "ENGINE=postgres", "HOST=h" }, NULL, { NULL } }, CFG_ENGINE,
	  "postgres", SRC_ENV },
	{ { { "ENGINE=postgresql" }, NULL, { NULL } }, CFG_ENGINE, "postgres",
	  SRC_ENV },
	{ { { "ENGINE=MariaDB" }, NULL, { NULL } }, CFG_ENGINE, "mysql",
	  SRC_ENV },
	{ { { "HOST=h" }, "ENGINE=SQLite", { NULL } }, CFG_ENGINE, "sqlite",
	  SRC_DOTENV },
	{ { { "ENGINE=sqlite", "DB_URL=postgres://h/x" }, NULL, { NULL } },
	  CFG_ENGINE, "sqlite", SRC_ENV },
	{ { { "DB_URL=mysql://h/x" }, NULL, { NULL } }, CFG_ENGINE, "mysql",
	  SRC_URL },
	{ { { "DB_URL=mariadb://h/x" }, NULL, { NULL } }, CFG_ENGINE, "mysql",
	  SRC_URL },
	{ { { "HOST=h", "DB_URL=postgresql://x/y" }, NULL, { NULL } },
	  CFG_ENGINE, "postgres", SRC_URL },
	{ { { NULL }, NULL, { "ENGINE=postgres" } }, CFG_ENGINE, "postgres",
	  SRC_FLAG },

	/* values */
	{ { { "SAFE=false" }, NULL, { NULL } }, CFG_SAFE, "0", SRC_ENV },
	{ { { "SAFE=No" }, NULL, { NULL } }, CFG_SAFE, "0", SRC_ENV },
	{ { { "SAFE=OFF" }, NULL, { NULL } }, CFG_SAFE, "0", SRC_ENV },
	{ { { "SAFE=0" }, NULL, { NULL } }, CFG_SAFE, "0", SRC_ENV },
	{ { { "SAFE=TRUE" }, NULL, { NULL } }, CFG_SAFE, "1", SRC_ENV },
	{ { { "SAFE=yes" }, NULL, { NULL } }, CFG_SAFE, "1", SRC_ENV },
	{ { { NULL }, NULL, { NULL } }, CFG_DEBUG, "0", SRC_DEFAULT },
	{ { { "DEBUG=1" }, NULL, { NULL } }, CFG_DEBUG, "1", SRC_ENV },
	{ { { "DEBUG=on" }, NULL, { NULL } }, CFG_DEBUG, "1", SRC_ENV },
	{ { { NULL }, NULL, { NULL } }, CFG_LOCK_TIMEOUT, "60", SRC_DEFAULT },
	{ { { "LOCK_TIMEOUT=0" }, NULL, { NULL } }, CFG_LOCK_TIMEOUT, "0",
	  SRC_ENV },
	{ { { NULL }, NULL, { "LOCK_TIMEOUT=3600" } }, CFG_LOCK_TIMEOUT, "3600",
	  SRC_FLAG },
	{ { { "PORT=1" }, NULL, { NULL } }, CFG_PORT, "1", SRC_ENV },
	{ { { "PORT=65535" }, NULL, { NULL } }, CFG_PORT, "65535", SRC_ENV },
	{ { { NULL }, NULL, { NULL } }, CFG_OPERATOR, "alice", SRC_DEFAULT },
	{ { { "OPERATOR=bob" }, NULL, { NULL } }, CFG_OPERATOR, "bob", SRC_ENV },
	{ { { NULL }, NULL, { NULL } }, CFG_FS, CWD, SRC_DEFAULT },
	{ { { "FS=./files" }, NULL, { NULL } }, CFG_FS, CWD "/files", SRC_ENV },
	{ { { "FS=/srv/files" }, NULL, { NULL } }, CFG_FS, "/srv/files",
	  SRC_ENV },
	{ { { "INVENTORY=fleet.yaml" }, NULL, { NULL } }, CFG_INVENTORY,
	  "fleet.yaml", SRC_ENV },
	{ { { NULL }, NULL, { NULL } }, CFG_INVENTORY, "(null)", SRC_UNSET },
	{ { { NULL }, "export PASSWORD='p w#1'", { NULL } }, CFG_PASSWORD,
	  "p w#1", SRC_DOTENV },
};

ParameterizedTestParameters(settings, resolves)
{
	CASE_INDICES(rcases);
}

ParameterizedTest(size_t *i, settings, resolves)
{
	const struct rcase *c = &rcases[*i];
	struct target *t = NULL;
	struct err e = ERR_INIT;
	struct buf got = BUF_INIT;

	cr_assert_eq(resolve(&c->in, &t, &e), 0, "case %zu: %s", *i, e.msg);
	value_of(t, c->key, &got);
	cr_assert_str_eq(got.ptr, c->value, "case %zu: %s", *i,
			 cfg_key_name(c->key));
	cr_assert_eq(t->source[c->key], c->src, "case %zu: %s from %s", *i,
		     cfg_key_name(c->key), cfg_source_name(t->source[c->key]));
	buf_release(&got);
	target_free(t);
}

struct ecase {
	struct input in;
	const char *want; /* err_text */
	const char *secret; /* must not appear; NULL = none */
};

static const struct ecase ecases[] = {
	{ { { "PORT=abc" }, NULL, { NULL } },
	  "PORT (from environment): 'abc' is not a port number (1-65535)",
	  NULL },
	{ { { "PORT=0" }, NULL, { NULL } },
	  "PORT (from environment): '0' is not a port number (1-65535)", NULL },
	{ { { "PORT=70000" }, NULL, { NULL } },
	  "PORT (from environment): '70000' is not a port number (1-65535)",
	  NULL },
	{ { { "PORT=-1" }, NULL, { NULL } },
	  "PORT (from environment): '-1' is not a port number (1-65535)", NULL },
	{ { { "PORT= 5" }, NULL, { NULL } },
	  "PORT (from environment): ' 5' is not a port number (1-65535)", NULL },
	{ { { "DB_PORT=x", "PORT=5" }, NULL, { NULL } },
	  "DB_PORT (from environment): 'x' is not a port number (1-65535)",
	  NULL },
	{ { { NULL }, "\n# c\nSAFE=maybe", { NULL } },
	  "SAFE (from .env line 3): 'maybe' is not a boolean (use "
	  "1/0/true/false/yes/no/on/off)",
	  NULL },
	{ { { NULL }, NULL, { "SAFE=maybe" } },
	  "SAFE (from command line): 'maybe' is not a boolean (use "
	  "1/0/true/false/yes/no/on/off)",
	  NULL },
	{ { { "DEBUG=2" }, NULL, { NULL } },
	  "DEBUG (from environment): '2' is not a boolean (use "
	  "1/0/true/false/yes/no/on/off)",
	  NULL },
	{ { { "LOCK_TIMEOUT=-1" }, NULL, { NULL } },
	  "LOCK_TIMEOUT (from environment): '-1' is not a number of seconds (0 "
	  "or more)",
	  NULL },
	{ { { "LOCK_TIMEOUT=1.5" }, NULL, { NULL } },
	  "LOCK_TIMEOUT (from environment): '1.5' is not a number of seconds "
	  "(0 or more)",
	  NULL },
	{ { { "LOCK_TIMEOUT=99999999999" }, NULL, { NULL } },
	  "LOCK_TIMEOUT (from environment): '99999999999' is not a number of "
	  "seconds (0 or more)",
	  NULL },
	{ { { "ENGINE=oracle" }, NULL, { NULL } },
	  "ENGINE (from environment): 'oracle' is not one of sqlite, postgres "
	  "(postgresql), mysql (mariadb)",
	  NULL },
	{ { { "DB_URL=foo://x" }, NULL, { NULL } },
	  "DB_URL (from environment): unknown scheme 'foo' (expected sqlite, "
	  "postgres, postgresql, mysql, mariadb)",
	  NULL },
	{ { { NULL }, "A=1\nDB_URL=postgres://h:x/db", { NULL } },
	  "DB_URL (from .env line 2): the port is not a number (1-65535)",
	  NULL },
	{ { { NULL }, NULL, { "DB_URL=postgres://u:s3cr%zzet@h/db" } },
	  "DB_URL (from command line): bad percent-escape in the password",
	  "s3cr" },
	{ { { NULL }, "HOST=x\nnot an assignment\n", { NULL } },
	  ".env:2: line has no '=' (expected KEY=VALUE)", NULL },
	/* .env is parsed whole even when the environment sets everything */
	{ { { "HOST=e" }, "HOST='x", { NULL } },
	  ".env:1: unterminated single quote", NULL },
};

ParameterizedTestParameters(settings, rejects)
{
	CASE_INDICES(ecases);
}

ParameterizedTest(size_t *i, settings, rejects)
{
	const struct ecase *c = &ecases[*i];
	struct target *t = (struct target *)1;
	struct err e = ERR_INIT;
	char text[ERR_TEXT_MAX];

	cr_assert_eq(resolve(&c->in, &t, &e), ERR_CONFIG, "case %zu accepted",
		     *i);
	cr_assert_null(t, "*out must be NULL on error");
	err_text(&e, text, sizeof(text));
	cr_assert_str_eq(text, c->want, "case %zu", *i);
	if (c->secret != NULL)
		cr_assert_null(strstr(text, c->secret));
}

Test(settings, unknown_url_param_is_kept_for_the_driver)
{
	const struct input in = {
		{ "DB_URL=postgres://h/db?bogus=1&sslmode=require" }, NULL,
		{ NULL } };
	struct target *t;
	struct err e = ERR_INIT;

	cr_assert_eq(resolve(&in, &t, &e), 0, "%s", e.msg);
	cr_assert_str_eq(target_param(t, "bogus"), "1");
	cr_assert_str_eq(target_param(t, "sslmode"), "require");
	cr_assert_eq(t->params.n, 2);
	target_free(t);
}

/* environ: the whole listing for one full configuration. */
Test(settings, environ_lists_values_and_sources)
{
	const struct input in = {
		{ "DB_URL=postgres://app:s3cret@db1:5433/shop?sslmode=require",
		  "DB_USER=ignored-by-url-rank", "SAFE=off" },
		"DEBUG=1\nLOCK_TIMEOUT=5\n",
		{ "OPERATOR=ci" } };
	struct target *t;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;

	cr_assert_eq(resolve(&in, &t, &e), 0, "%s", e.msg);
	settings_environ(t, &out);
	cr_assert_str_eq(
	    out.ptr,
	    "engine       : postgres (DB_URL)\n"
	    "db_url       : postgres://app:****@db1:5433/shop?sslmode=require "
	    "(environment)\n"
	    "host         : db1 (DB_URL)\n"
	    "port         : 5433 (DB_URL)\n"
	    "db           : shop (DB_URL)\n"
	    "username     : app (DB_URL)\n"
	    "password     : **** (DB_URL)\n"
	    "fs           : " CWD " (default)\n"
	    "safe         : 0 (environment)\n"
	    "debug        : 1 (.env)\n"
	    "lock_timeout : 5 (.env)\n"
	    "operator     : ci (command line)\n");
	buf_release(&out);
	target_free(t);
}

Test(settings, environ_pads_to_the_keys_shown)
{
	struct target *t = target_new();
	struct buf out = BUF_INIT;

	t->source[CFG_ENGINE] = SRC_DEFAULT;
	t->source[CFG_SAFE] = SRC_ENV;
	t->safe = false;
	settings_environ(t, &out);
	cr_assert_str_eq(out.ptr, "engine : sqlite (default)\n"
				  "safe   : 0 (environment)\n");
	buf_release(&out);
	target_free(t);
}

struct secret_case {
	struct input in;
	const char *secret;
};

static const struct secret_case secret_cases[] = {
	{ { { "PASSWORD=s3cret" }, NULL, { NULL } }, "s3cret" },
	{ { { "DB_PASSWORD=s3cret" }, NULL, { NULL } }, "s3cret" },
	{ { { NULL }, "PASSWORD=s3cret", { NULL } }, "s3cret" },
	{ { { "DB_URL=mysql://u:s3cret@h/db" }, NULL, { NULL } }, "s3cret" },
	{ { { "DB_URL=mysql://u:s3c%72et@h/db" }, NULL, { NULL } }, "s3c" },
	{ { { "DB_URL=mysql://u:s3@cret@h/db" }, NULL, { NULL } }, "cret" },
	{ { { "PASSWORD=other", "DB_URL=postgres://u:s3cret@h/db" }, NULL,
	    { NULL } },
	  "s3cret" },
	{ { { "DB_URL=postgres://h/db?password=s3cret" }, NULL, { NULL } },
	  "s3cret" },
};

ParameterizedTestParameters(settings, environ_never_shows_the_password)
{
	CASE_INDICES(secret_cases);
}

ParameterizedTest(size_t *i, settings, environ_never_shows_the_password)
{
	const struct secret_case *c = &secret_cases[*i];
	struct target *t;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;

	cr_assert_eq(resolve(&c->in, &t, &e), 0, "%s", e.msg);
	settings_environ(t, &out);
	cr_assert_null(strstr(out.ptr, c->secret), "case %zu: %s", *i,
		       out.ptr);
	buf_reset(&out);
	target_describe(t, &out);
	cr_assert_null(strstr(out.ptr, c->secret), "case %zu: %s", *i,
		       out.ptr);
	buf_release(&out);
	target_free(t);
}

struct flag_case {
	const char *flag;
	const char *key; /* NULL = not a configuration flag */
};

static const struct flag_case flag_cases[] = {
	{ "--host", "HOST" },
	{ "--port", "PORT" },
	{ "--lock-timeout", "LOCK_TIMEOUT" },
	{ "--lock_timeout", "LOCK_TIMEOUT" },
	{ "--db-url", "DB_URL" },
	{ "--unix-socket", "UNIX_SOCKET" },
	{ "--engine", "ENGINE" },
	{ "--db", "DB" },
	{ "--username", "USERNAME" },
	{ "--fs", "FS" },
	{ "--safe", "SAFE" },
	{ "--debug", "DEBUG" },
	{ "--operator", "OPERATOR" },
	{ "--inventory", "INVENTORY" },
	{ "--port=5432", "PORT" },
	{ "--password", NULL },
	{ "--db-host", NULL },
	{ "--bogus", NULL },
	{ "--HOST", NULL },
	{ "host", NULL },
	{ "-h", NULL },
	{ "--", NULL },
	{ "--a-very-long-flag-name-that-is-nothing-at-all", NULL },
};

ParameterizedTestParameters(settings, flag_key)
{
	CASE_INDICES(flag_cases);
}

ParameterizedTest(size_t *i, settings, flag_key)
{
	const struct flag_case *c = &flag_cases[*i];
	const char *got = settings_flag_key(c->flag);

	if (c->key == NULL)
		cr_assert_null(got, "%s → %s", c->flag, got);
	else
		cr_assert(got != NULL && strcmp(got, c->key) == 0, "%s → %s",
			  c->flag, got ? got : "(null)");
}

Test(settings, no_dotenv_no_flags_no_env)
{
	struct settings_input si;
	struct target *t;
	struct err e = ERR_INIT;

	memset(&si, 0, sizeof(si));
	si.cwd = "/";
	cr_assert_eq(settings_resolve(&si, &t, &e), 0, "%s", e.msg);
	cr_assert_str_eq(t->db, "/migratore.db");
	cr_assert_str_eq(t->fs, "/");
	cr_assert_str_eq(t->operator_name, "unknown");
	target_free(t);
}

/* Once loaded, the secrets leave the environment: their bytes are zeroed
 * in place (/proc/PID/environ) and their entries removed (children). */
Test(settings, scrub_removes_the_secrets)
{
	char pw[] = "PASSWORD=p1", home[] = "HOME=/h",
	     url[] = "DB_URL=postgres://u:p2@h/db", dbpw[] = "DB_PASSWORD=p3",
	     ref[] = "PG_PW=p4", hint[] = "PASSWORD_HINT=x", odd[] = "NOEQUALS";
	char *env[] = { pw, home, url, dbpw, ref, hint, odd, NULL };
	struct strv more = STRV_INIT;
	size_t i;

	strv_push(&more, "PG_PW");
	settings_scrub(env, &more);
	cr_assert_eq(env[0], home);
	cr_assert_eq(env[1], hint, "a name that only starts alike stays");
	cr_assert_eq(env[2], odd);
	cr_assert_null(env[3]);
	for (i = strlen("PASSWORD="); i < sizeof(pw) - 1; i++)
		cr_assert_eq(pw[i], '\0');
	for (i = strlen("DB_URL="); i < sizeof(url) - 1; i++)
		cr_assert_eq(url[i], '\0', "the URL, password and all");
	cr_assert_eq(dbpw[strlen("DB_PASSWORD=")], '\0');
	cr_assert_eq(ref[strlen("PG_PW=")], '\0');
	cr_assert_str_eq(hint, "PASSWORD_HINT=x");
	strv_release(&more);
}
