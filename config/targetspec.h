/*
 * One entry of an inventory's `targets` list, or its `defaults`: the keys a
 * target may be given (one table, walked by keytable_walk), their values
 * expanded (ranges, then environment references: config/expansion.h) and
 * checked, and the merge of an entry over the defaults into struct target.
 *
 * For each setting the first of these that has it wins: the entry's key,
 * the entry's url, the defaults' key, the defaults' url. A key given as
 * YAML null unsets the setting (the search stops). Tags are the defaults'
 * followed by the entry's. Relative paths (path, fs, password_file,
 * unix_socket, a SQLite db) are made absolute against ctx->dir.
 *
 * Problems go to ctx->pr; the functions never stop at the first. See
 * migratore-inventory(5) for the user's view of every rule.
 */
#ifndef MIG_TARGETSPEC_H
#define MIG_TARGETSPEC_H

#include <stdbool.h>

#include "config/problems.h"
#include "config/target.h"
#include "config/yamltree.h"

/*
 * Whether s may be a target name or a tag (and so a wave name): letters,
 * digits, '.', '_' and '-', not first '.' or '-', 1 to 200 bytes. Names
 * become file names (--log-dir) and words of --select.
 */
bool targetspec_name_ok(const char *s);

/* At most this many problems are listed per entry (then a count). */
#define TARGETSPEC_MAX_ENTRY_PROBLEMS 10

/* At most this many bytes are read from a password file: one line. */
#define TARGETSPEC_PASSWORD_MAX 4096

struct targetspec_ctx {
	struct problems *pr;
	struct problems *warn; /* warnings (a password file others can
				  read); NULL: none kept */
	/* the environment variables a password or a url was taken from;
	 * NULL: not kept */
	struct strv *secret_vars;
	const char *dir;   /* base of relative paths; NULL: keep them */
	const char *cwd;   /* the default fs; NULL: none */
	char *const *envp; /* "KEY=VALUE"; NULL = empty */
	/* the last password file read: the instances of a range that share
	 * one file read it once, not 10,000 times */
	char *pwf_path, *pwf_value, *pwf_error;
};

/* Free the context's cache (not pr). */
void targetspec_ctx_release(struct targetspec_ctx *c);

struct targetspec_defaults;

/* Check the `defaults` mapping (map NULL: none). Never returns NULL. */
struct targetspec_defaults *targetspec_defaults(struct targetspec_ctx *c,
						const struct ynode *map);
void targetspec_defaults_free(struct targetspec_defaults *d);

/* Receives each target (and owns it) with the node of its name. */
typedef void targetspec_emit_fn(void *arg, struct target *t,
				const struct ynode *name);

/*
 * Expand one item of `targets` over d into targets, in range order. A
 * target is emitted even when one of its values had a problem, so that
 * duplicate names are still found; the caller discards all of them when
 * any problem was reported. An entry with a bad range emits nothing but
 * still has its other values checked once.
 */
void targetspec_entry(struct targetspec_ctx *c,
		      const struct targetspec_defaults *d,
		      const struct ynode *item, targetspec_emit_fn *emit,
		      void *arg);

#endif
