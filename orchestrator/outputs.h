/*
 * Where a fleet run's report goes once the run is over:
 *
 *   - the text summary (report_text) on stdout; with list/errors
 *     --format json, the targets' JSON results on stdout and the summary
 *     on stderr. With --quiet, the summary only when some target did not
 *     end ok or nothing-to-do (so that cron mails only then);
 *   - --report FILE: the JSON report;
 *   - --junit FILE, --html FILE: the JSON report rendered in memory, read
 *     back as a document (reportdoc_parse) and rendered by junit_render
 *     and html_render, the same renderers as `migratore report render`.
 *
 * Every file is created before the run (outputs_open: a path that cannot
 * be written stops the run before anything starts) as a temporary file in
 * its directory, mode 0600, and renamed into place once written and
 * fsync'ed (report.h, report_file).
 */
#ifndef MIG_OUTPUTS_H
#define MIG_OUTPUTS_H

#include <stdbool.h>

#include "orchestrator/report.h"

struct outputs {
	struct report_file json;
	struct report_file junit;
	struct report_file html;
	bool quiet;
	bool json_results; /* list/errors --format json */
};

#define OUTPUTS_INIT                                                           \
	{ REPORT_FILE_INIT, REPORT_FILE_INIT, REPORT_FILE_INIT, false, false }

/* Create the files asked for (NULL: not asked). Prints what went wrong;
 * returns 0 or EXIT_USAGE. */
int outputs_open(struct outputs *o, const char *report, const char *junit,
		 const char *html);

/* Print and write r; returns the fleet exit code (report_exit_code, or 1
 * when a file could not be written). Prints what went wrong. */
int outputs_write(struct outputs *o, const struct report *r);

/* Remove temporary files left behind; free. */
void outputs_release(struct outputs *o);

#endif
