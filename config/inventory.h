/*
 * The fleet inventory (SPEC 8.1, migratore-inventory(5)): a YAML file
 * naming many targets, loaded and validated completely before anything
 * starts.
 *
 *     version: 1
 *     defaults: { engine: postgres, host: pg1, password: ${PG_PASSWORD} }
 *     targets:
 *       - name: us-{001..128}
 *         db: app_us_{001..128}
 *     rollout:                      # optional: config/rollout.h
 *       waves: [{ name: canary, select: ["us-001"] }]
 *
 * Loading expands ranges ({001..128}) and environment references (${VAR},
 * ${VAR:-default}, $$ for a literal $), merges each target over the
 * defaults (a target's key beats its own url, which beats the defaults' key,
 * which beats the defaults' url), reads password files, resolves relative
 * paths against the inventory's directory and checks every value. It never
 * stops at the first problem: all of them are collected, each as one line
 * "file:line:col: message", sorted in document order. Messages never show a
 * password or a URL (which may carry one).
 *
 * Pure logic except for reading password_file files (and the inventory
 * itself in inventory_load): the environment and the current directory are
 * parameters, so every rule is unit-tested without touching the process.
 */
#ifndef MIG_INVENTORY_H
#define MIG_INVENTORY_H

#include <stddef.h>

#include "common/err.h"
#include "common/strv.h"
#include "config/rollout.h"
#include "config/target.h"

/* Where a target was defined: the position of its `name` value. */
struct inventory_origin {
	int line;
	int col;
};

struct inventory {
	char *file;    /* the inventory's name as given (for messages) */
	char *dir;     /* directory relative paths were resolved against */
	struct target **v; /* n targets, in document order, ranges in order */
	struct inventory_origin *origin; /* parallel to v */
	size_t n;
	/* the `rollout` section, NULL when absent; --canary may replace it
	 * and --max-failures its max_failures (the command line wins) */
	struct rollout *rollout;
	/* "file:line:col: message" for what works but should not be so (a
	 * password file others can read); printed, never fatal */
	struct strv warnings;
	/* the environment variables a password or a url was taken from
	 * (${VAR}): settings_scrub removes them once loaded */
	struct strv secret_vars;
};

/*
 * Load an inventory from memory. name is the file name used in messages
 * and, made absolute against cwd, the base for relative paths (password
 * files, migration paths, fs, SQLite databases). envp holds "KEY=VALUE"
 * strings (NULL = empty environment).
 *
 * Every target in *out is complete: engine set; safe, lock_timeout and fs
 * defaulted (source SRC_DEFAULT) when the inventory does not give them;
 * operator_name NULL unless given (the caller supplies the login); each key
 * given by the inventory has source SRC_INVENTORY, each taken from a url
 * SRC_URL.
 *
 * Returns 0, or ERR_CONFIG with e->msg "inventory NAME: 3 problems" and one
 * line per problem appended to problems (never empty on failure); *out is
 * NULL then. ERR_INTERNAL only if libyaml itself fails.
 */
int inventory_load_buffer(const char *name, const char *text, size_t len,
			  char *const *envp, const char *cwd,
			  struct inventory **out, struct strv *problems,
			  struct err *e);

/* Read the file at path (relative to the current directory) and load it
 * as above. An unreadable file is ERR_CONFIG with one problem. */
int inventory_load(const char *path, char *const *envp,
		   struct inventory **out, struct strv *problems,
		   struct err *e);

void inventory_free(struct inventory *inv);

/* Every tag of the inventory's targets, once each, sorted (strcmp),
 * appended to out: what `--select tag:` may name (shell completion). */
void inventory_tags(const struct inventory *inv, struct strv *out);

/* The target named name, or NULL. Linear: for tests and messages. */
const struct target *inventory_find(const struct inventory *inv,
				    const char *name);

#endif
