/*
 * The fleet's JSON report (docs/report-schema.md) read back as a document:
 * the one report model from which the JUnit and HTML reports are rendered,
 * several runs' reports are merged, and --resume learns which targets are
 * left to do. Semantics are documented in docs/reports.md.
 *
 * Loading checks what the functions below rely on, with the position of
 * the offending value: the schema name "migratore-fleet-report", schema
 * version 1, a "command", "start" and "end" strings, and a "targets" array
 * of objects with a non-empty, unique "name" and a known "status" (one of
 * orchestrator/outcome.h's). Other fields are carried along untouched.
 *
 * Merging (reportdoc_merge):
 *   - every report must be of the same command (upgrade with downgrade
 *     makes no sense: ERR_USAGE);
 *   - targets are concatenated in argument order; a target present in
 *     several reports is kept once, at its first position, with the
 *     content from the report that ended last ("end"; on a tie the later
 *     argument wins): a --resume run replaces what it re-ran. Each
 *     replacement is noted in the output's "replaced" array and in notes;
 *   - totals are recomputed; start is the earliest, end the latest;
 *     tool_version and options come from the report that ended last;
 *     host is the common host or null; run_id is null (there is no one
 *     run), "run_ids" lists the runs, "merged" describes each input, and
 *     every target gets the "run_id" of the run it comes from;
 *   - "interrupted" is the signal of the latest interrupted run that a
 *     kept target comes from, else null;
 *   - the exit code is the fleet's rule on the merged targets: 0 when every
 *     target is ok or nothing-to-do (or there is none), else 1. An
 *     interruption shows as its interrupted and not-reached targets, so
 *     130/143 are not carried over.
 */
#ifndef MIG_REPORTDOC_H
#define MIG_REPORTDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/jsonparse.h"
#include "common/strv.h"

#define REPORTDOC_SCHEMA "migratore-fleet-report"
#define REPORTDOC_SCHEMA_VERSION 1

struct reportdoc {
	char *name;                       /* the file, for messages */
	struct json_value *root;          /* owned */
	const struct json_value *targets; /* the "targets" array, in root */
};

/*
 * Read and check a report. Errors: ERR_IO (unreadable file), ERR_CONFIG
 * (not JSON, not a report of this schema and version), with the file and,
 * for content errors, the line and column.
 */
int reportdoc_load(const char *path, struct reportdoc **out, struct err *e);
/* The same on text already in memory; name is used in messages. */
int reportdoc_parse(const char *text, size_t len, const char *name,
		    struct reportdoc **out, struct err *e);
void reportdoc_free(struct reportdoc *d);

/*
 * Merge n >= 1 reports into one JSON report (pretty, newline-terminated,
 * appended to out_json) and its exit code (0 or 1). notes, when not NULL,
 * receives one line per target replaced by a later run's. Errors:
 * ERR_USAGE (no report, different commands).
 */
int reportdoc_merge(struct reportdoc *const docs[], size_t n,
		    struct buf *out_json, int *exit_code, struct strv *notes,
		    struct err *e);

/*
 * The targets a --resume run must do again, in report order: those whose
 * status is not ok or nothing-to-do (failed, rolled-back, timeout, crashed,
 * unreachable, locked, interrupted, not-reached).
 */
void reportdoc_unfinished(const struct reportdoc *doc, struct strv *names);

/* Is status one of ok and nothing-to-do? (Unknown statuses are not.) */
bool reportdoc_status_good(const char *status);

/* "YYYY-MM-DDTHH:MM:SSZ" (UTC) to epoch seconds; false when malformed. */
bool reportdoc_time(const char *iso, time_t *out);

#endif
