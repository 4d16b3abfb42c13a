/*
 * Single-target configuration (SPEC 3): the variables of the Python tool and
 * their aliases, `.env` in the current directory, DB_URL, and the engine
 * choice. Precedence: command-line flags > real environment > .env >
 * defaults. An alias (DB_HOST) beats its plain name (HOST) within one source.
 *
 * Pure logic: the caller passes the environment, the .env text and the
 * flags, so every rule is unit-tested without touching the process.
 *
 * The rules in detail (each one has a test in tests/unit/test_settings.c):
 * - Sources, strongest first: flags, the environment, .env, defaults. A
 *   variable found in a stronger source wins whatever its spelling.
 * - Within one source the aliases come first: DB_HOST > HOST, DB_PORT >
 *   PORT, DB_UNIX_SOCKET > UNIX_SOCKET, DB_NAME > DB, DB_PASSWORD >
 *   PASSWORD, and DB_USER > DB_USERNAME > USERNAME.
 * - Repeated names: the first one in the environment (as getenv does), the
 *   last one in .env and on the command line.
 * - A variable set to the empty string counts as not set, so a weaker
 *   source still applies; except PASSWORD, where "" is an empty password.
 * - Only the winning value is checked: PORT=abc in .env is harmless when
 *   the environment sets PORT.
 * - DB_URL: each part the URL contains (host, port, user, password,
 *   database, a socket given as an absolute-path host) replaces the
 *   separate variable unless that variable comes from a stronger source
 *   than DB_URL itself; the replaced value's source becomes SRC_URL. A part
 *   the URL lacks leaves the separate variable in force. Query parameters
 *   go to target->params unchecked (the driver validates them).
 * - Engine: ENGINE (a name or alias of config/engine.h, any case) if set;
 *   else the DB_URL scheme; else the table's server fallback, mysql
 *   (SRC_DERIVED), when HOST, PORT, UNIX_SOCKET, USERNAME or PASSWORD is
 *   set; else its fallback, sqlite (SRC_DEFAULT).
 * - A file engine (SQLite): DB is the file, default "migratore.db", made
 *   absolute against cwd. FS defaults to cwd and is made absolute too.
 * - SAFE/DEBUG take 1/0/true/false/yes/no/on/off in any case (defaults on
 *   and off); PORT is 1-65535; LOCK_TIMEOUT is whole seconds >= 0 (default
 *   60); OPERATOR defaults to the login name, or "unknown" without one.
 * - Errors name the variable as spelled and its source, e.g.
 *   "DB_PORT (from environment): 'x' is not a port number (1-65535)",
 *   "SAFE (from .env line 3): ...", "DB_URL (from command line): ...";
 *   a .env syntax error carries e->file/e->line ("file:line: ...").
 */
#ifndef MIG_SETTINGS_H
#define MIG_SETTINGS_H

#include "common/err.h"
#include "common/json.h"
#include "common/strv.h"
#include "config/target.h"

struct settings_input {
	/* "KEY=VALUE" strings of the real environment (envp); may be NULL */
	char *const *envp;
	/* the text of .env and its file name for messages; text NULL = none */
	const char *dotenv_text;
	const char *dotenv_name;
	/* command-line overrides, "KEY=VALUE" with KEY a canonical name */
	const struct strv *flags;
	/* current directory, to make FS and a relative SQLite path absolute */
	const char *cwd;
	/* login name, the default OPERATOR */
	const char *login;
};

/*
 * Resolve a target. On error (ERR_CONFIG) the message names the variable
 * and its source ("PORT (environment): 'abc' is not a number 1-65535",
 * ".env:3: line has no '='"). *out is NULL on error.
 */
int settings_resolve(const struct settings_input *in, struct target **out,
		     struct err *e);

/*
 * The lines of the `environ` command: "key : value (source)", keys padded
 * to one column, password shown as ****, unset keys omitted except the
 * engine, which is always shown.
 */
void settings_environ(const struct target *t, struct buf *out);
/*
 * environ --format json: lines as settings_environ writes them (the
 * fleet adds path, tags and timeout in the same form) as members of the
 * object j is writing: "key": {"value": "...", "source": "..."}.
 */
void settings_environ_json(const char *lines, struct json *j);

/*
 * Remove the secrets from envp (the process's environ) once they are
 * loaded: each variable that holds a password or a URL (PASSWORD,
 * DB_PASSWORD, DB_URL) and each one named in more (an inventory's
 * secret_vars) has its value overwritten with NUL bytes in place, so that
 * /proc/PID/environ of this process and of every child forked from it no
 * longer shows it, and is taken out of envp, so that no executable
 * migration inherits it (it gets its own target's, program.h). Nothing may
 * read those variables afterwards.
 */
void settings_scrub(char **envp, const struct strv *more);

/* The i-th key that may be given as a flag, canonical name
 * ("LOCK_TIMEOUT"), in `environ` order; NULL past the last. */
const char *settings_flag(size_t i);

/* Canonical variable name for a flag "--lock-timeout" → "LOCK_TIMEOUT";
 * returns NULL for a flag that is not a configuration key. */
const char *settings_flag_key(const char *flag);

#endif
