/*
 * Discover entries of an inventory (migratore-inventory(5), DISCOVERY): an
 * entry of `targets` with a `discover` key stands for the targets found at
 * run time, one per row of a query or per line a command prints:
 *
 *     - name: tenant-{nspname}
 *       schema: "{nspname}"
 *       discover:
 *         query: SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\_%'
 *     - discover:
 *         command: [./tenants.py, --jsonl]
 *         timeout: 30s
 *       tags: [catalogue]
 *
 * With a query, the entry's values are templates (config/template.h)
 * filled from each row; the query runs where `url` says, or where the
 * entry's keys without a placeholder, over the defaults, connect. With a
 * command, each line is a JSON object of target keys (config/jsonlines.h)
 * over the entry's keys over the defaults. Either way the targets are
 * checked like any others, reported with the position of the `discover`
 * key and the row or line, and emitted sorted by name, so that the same
 * rows give the same order whatever order they came in.
 *
 * The inventory layer cannot reach a database or run a program: the
 * caller's struct discoverer does (orchestrator/discover.h), or replays
 * what an earlier run recorded (--resume). A discovery that fails, or
 * finds nothing, is a problem of the inventory, never an empty fleet.
 */
#ifndef MIG_DISCOVERY_H
#define MIG_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/sha256.h"
#include "common/strv.h"
#include "config/target.h"
#include "config/targetspec.h"
#include "config/yamltree.h"

/* A discovery command gets this long unless its `timeout` says. */
#define DISCOVERY_DEFAULT_TIMEOUT 60.0

enum discovery_kind { DISCOVERY_QUERY, DISCOVERY_COMMAND };

/* What a discover entry asks its discoverer to do. */
struct discovery_request {
	size_t index;  /* the discover entries, counted from 0 in order */
	int line, col; /* its `discover` key */
	enum discovery_kind kind;
	const char *source; /* "query on postgres app@pg1:5432/app",
			       "command ./tenants.py --jsonl": no secret */
	const struct target *conn; /* a query: where it runs */
	const char *query;
	char *const *argv;   /* a command: its argv, NULL-terminated; run
				directly, not through a shell */
	const char *dir;     /* a command: its working directory */
	char *const *envp;   /* a command: its environment */
	double timeout;      /* seconds, more than 0 */
};

/* What it found: a query's columns and rows, or a command's output. */
struct discovery_result {
	struct strv columns;
	char **cells;  /* nrows * columns.n, row-major; NULL = SQL NULL */
	size_t nrows;
	struct buf output; /* what a command printed on stdout */
};

void discovery_result_init(struct discovery_result *r);
void discovery_result_release(struct discovery_result *r);

/*
 * Run (or replay) rq into out, which comes initialised. Returns 0, or < 0
 * with a message that says what failed, never a password: "the query
 * failed on postgres ...: relation \"tenants\" does not exist", "command
 * ./x exited with status 2: <its last line on stderr>".
 */
struct discoverer {
	int (*fn)(void *arg, const struct discovery_request *rq,
		  struct discovery_result *out, struct err *e);
	void *arg;
};

/*
 * What one discover entry found, as a report keeps it so that a resumed
 * run sees the same targets: the query's columns and rows (the cells of
 * the columns no template takes blanked to NULL: a report holds no more
 * than it needs), or the command's non-blank lines, one "\n"-terminated
 * line each in got.output. digest: SHA-256 of that content, for comparing
 * two runs' discoveries.
 */
struct discovery {
	int line, col;
	enum discovery_kind kind;
	char *source;
	size_t ntargets;
	struct discovery_result got;
	char digest[SHA256_HEX_LEN + 1];
};

void discovery_free(struct discovery *d);
/* "query" or "command". */
const char *discovery_kind_name(enum discovery_kind kind);

/* Receives each target (and owns it) with the position of its entry's
 * `discover` key and its row ("row") or line ("line"), 1-based. */
typedef void discovery_emit_fn(void *arg, struct target *t, int line, int col,
			       const char *what, int row);

/*
 * Expand item, a discover entry (targetspec_discover), into targets:
 * check it, run its discovery through ops (NULL: a problem, "discovery
 * is not available here"), check and emit every target, sorted by name.
 * *rec receives the record when targets were found (NULL otherwise).
 */
void discovery_entry(struct targetspec_ctx *c,
		     const struct targetspec_defaults *d,
		     const struct ynode *item, size_t index,
		     const struct discoverer *ops, discovery_emit_fn *emit,
		     void *arg, struct discovery **rec);

#endif
