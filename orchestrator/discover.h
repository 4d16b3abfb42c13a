/*
 * The discoverer of fleet mode (config/discovery.h): runs each discover
 * entry of the inventory while it is loaded, in the coordinator, before
 * any worker is forked, or replays what a --resume report recorded.
 *
 *  - A query runs in a forked child (spawn.h) over a read-only connection
 *    of its entry's driver, which sends back the columns and rows; a
 *    command is forked and exec'ed (not through a shell) in the
 *    inventory's directory, stdin /dev/null, its stdout read as JSON
 *    Lines and the end of its stderr kept for the message. Either way the
 *    child gets the entry's `timeout`, then its process group is killed:
 *    a discovery that hangs is an inventory error, not a hung run.
 *  - With --resume, nothing runs: the n-th discover entry takes the rows
 *    or lines of the n-th element of the report's "discovered" array, so
 *    the resumed run has exactly the targets the report's run had.
 *
 * Messages say what was run, never a password: "query on postgres
 * app:****@pg1:5432/app failed: relation \"tenants\" does not exist",
 * "command ./tenants.py exited with status 2: <its last line on stderr>",
 * "command ./tenants.py did not finish within 60s (killed)".
 */
#ifndef MIG_DISCOVER_H
#define MIG_DISCOVER_H

#include <stdbool.h>

#include "common/json.h"
#include "common/jsonparse.h"
#include "config/discovery.h"
#include "orchestrator/reportdoc.h"

/* What a discovery command may print, at most. */
#define DISCOVER_MAX_OUTPUT (64u << 20)

struct discover {
	/* --resume: the report's "discovered" array (NULL when it has
	 * none) and its file; not resuming: NULL, NULL */
	const struct json_value *recorded;
	const char *resume;
};

/* resume: the --resume report, or NULL; it must outlive d. */
void discover_init(struct discover *d, const struct reportdoc *resume);

/* The discoverer to give inventory_load_discovering. */
struct discoverer discover_ops(struct discover *d);

/*
 * The report's "discovered" array (docs/report-schema.md): each record
 * of v[0..n) with its entry's position, kind, source, target count,
 * digest, and its columns and rows or its lines, which discover replays
 * for --resume.
 */
void discover_json(struct discovery *const *v, size_t n, struct json *j);

#endif
