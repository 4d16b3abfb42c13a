/*
 * Single-target configuration (SPEC 3): the variables of the Python tool and
 * their aliases, `.env` in the current directory, DB_URL, and the engine
 * choice. Precedence: command-line flags > real environment > .env >
 * defaults. An alias (DB_HOST) beats its plain name (HOST) within one source.
 *
 * Pure logic: the caller passes the environment, the .env text and the
 * flags, so every rule is unit-tested without touching the process.
 */
#ifndef MIG_SETTINGS_H
#define MIG_SETTINGS_H

#include "common/err.h"
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

/* Canonical variable name for a flag "--lock-timeout" → "LOCK_TIMEOUT";
 * returns NULL for a flag that is not a configuration key. */
const char *settings_flag_key(const char *flag);

#endif
