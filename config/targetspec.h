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

/* The `discover` key of a `targets` item, or NULL: an item that has one is
 * a discover entry, which config/discovery.h reads, not targetspec_entry.
 * *value (when value is not NULL) receives its value. */
const struct ynode *targetspec_discover(const struct ynode *item,
					const struct ynode **value);

/*
 * For discovery (config/discovery.h): the keys of one mapping walked and
 * checked on their own (a layer), converted as often as needed with the
 * text of each scalar value coming from the caller (a template filled
 * from a row, a command's output taken literally), then merged over other
 * layers and the defaults into a target. No ranges here: the caller's text
 * function decides what a value's text is.
 */
enum targetspec_place {
	TARGETSPEC_QUERY,   /* a discover entry with a query: templates */
	TARGETSPEC_COMMAND, /* a discover entry with a command: no name */
	TARGETSPEC_LINE,    /* one target a command printed */
};

struct targetspec_layer;

/* Walk map (a mapping) with the key table of place; problems to c->pr. */
struct targetspec_layer *targetspec_layer_walk(struct targetspec_ctx *c,
					       const struct ynode *map,
					       enum targetspec_place place);
/* A layer of the given keys and value nodes (a NULL node: not given), for
 * keys that stand in another mapping (discover's url and password). */
struct targetspec_layer *targetspec_layer_pairs(const char *const *keys,
						const struct ynode *const *nodes,
						size_t n);
void targetspec_layer_free(struct targetspec_layer *l);

/* The value node of key in l, or NULL. */
const struct ynode *targetspec_layer_node(const struct targetspec_layer *l,
					  const char *key);
/* fn on every non-null scalar of l: each value, each item of tags. */
void targetspec_layer_scalars(const struct targetspec_layer *l,
			      void (*fn)(void *arg, const char *key,
					 const struct ynode *n),
			      void *arg);

/*
 * The text of scalar n, a value of key (or an item of tags): a new
 * string, TARGETSPEC_SKIP to treat the key (or the tag) as not given, or
 * NULL after reporting a problem.
 */
typedef char *targetspec_text_fn(struct targetspec_ctx *c, void *arg,
				 const char *key, const struct ynode *n);
extern char targetspec_skip_marker;
#define TARGETSPEC_SKIP (&targetspec_skip_marker)

/* When key's value is a secret (password, url), the variables text names
 * (${VAR}) go to c->secret_vars, for settings_scrub. */
void targetspec_note_secret(struct targetspec_ctx *c, const char *key,
			    const char *text);

/* Whether n's text holds no NUL byte; reports one as a problem of key. */
bool targetspec_text_ok(struct targetspec_ctx *c, const char *key,
			const struct ynode *n);

/*
 * Convert l's values (forgetting the previous conversion), each scalar's
 * text from fn, and check them. Returns the converted name, or NULL when
 * there is none or it is bad (valid until the next conversion).
 */
const char *targetspec_layer_convert(struct targetspec_ctx *c,
				     struct targetspec_layer *l,
				     targetspec_text_fn *fn, void *arg);

/* A target from v[0..n) (at most 3, the most specific first) over d
 * (NULL: none), built even when a problem is reported at `at`. */
struct target *targetspec_build(struct targetspec_ctx *c,
				const struct targetspec_layer *const *v,
				size_t n, const struct targetspec_defaults *d,
				const struct ynode *at);

#endif
