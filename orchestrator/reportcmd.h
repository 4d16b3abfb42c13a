/*
 * `migratore report`: work on fleet reports after the run (docs/reports.md).
 *
 *   migratore report merge OUT.json A.json B.json ... [--junit FILE] [--html FILE]
 *   migratore report render REPORT.json [--junit FILE] [--html FILE]
 *
 * merge writes the merged JSON report (reportdoc_merge) to OUT.json and,
 * when asked, its JUnit and HTML renderings; render writes the renderings
 * of one report. A FILE of "-" is stdout. Files are written atomically
 * (a temporary file in the same directory, fsync'ed, renamed), mode 0600
 * like the fleet's report: they hold the same information.
 *
 * Exit codes: merge exits like a fleet run over the merged targets, 0 when
 * every target is ok or nothing-to-do, else 1; render exits 0 once
 * rendered. Either: 1 when an output could not be written, 2 for a usage
 * error, 3 when an input is missing, unreadable or not a valid report
 * (the message names the file, line and column).
 *
 * reportcmd_main runs the command, called by migratore.c with argv[0] =
 * "report": results to the files, notes to stderr, help to stdout. It
 * returns 0 or the ERR_* code (e filled) whose exit code is the one above:
 * ERR_USAGE, ERR_CONFIG for an input, ERR_IO for an output, ERR_FAILED
 * for a merged report with a failed target (no message). main prints the
 * message, a usage error followed by reportcmd_usage. The two render
 * functions below do not print; they write files and fill an err.
 */
#ifndef MIG_REPORTCMD_H
#define MIG_REPORTCMD_H

#include <stddef.h>

#include "common/err.h"
#include "common/jsonparse.h"

int reportcmd_main(int argc, char **argv, struct err *e);

/*
 * For the fleet's --junit FILE and --html FILE: render a report (the root
 * of a checked report) to those files (NULL: not wanted; "-": stdout),
 * written like the JSON report. ERR_IO names the file that failed.
 */
int reportcmd_render(const struct json_value *report, const char *junit_path,
		     const char *html_path, struct err *e);
/* The same from the JSON text of a report (what report_json wrote);
 * name is used in messages. Nothing to do when both paths are NULL. */
int reportcmd_render_json(const char *json, size_t len, const char *name,
			  const char *junit_path, const char *html_path,
			  struct err *e);

/* The usage lines, for `migratore help report`. */
extern const char reportcmd_usage[];

#endif
