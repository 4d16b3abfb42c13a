/*
 * Where a fleet run's report goes once the run is over:
 *
 *   - stdout holds one document: the text summary (report_text); or,
 *     with list/errors --format json, the targets' JSON results; or, with
 *     --format json for any other command or with --report -, the JSON
 *     report. The summary goes to stderr then (not with --log-format
 *     json: stderr holds JSON Lines only). With --quiet, the summary
 *     only when some target did not end ok or nothing-to-do (so that cron
 *     mails only then); the JSON always;
 *   - --report FILE: the JSON report (--report - is stdout, above; with
 *     list/errors --format json, which has stdout already, a usage
 *     error);
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
	const struct options *opts; /* --report, --junit, --html, --quiet */
	bool json_results; /* list/errors --format json (set by the caller) */
	bool json_stdout;  /* the JSON report on stdout (outputs_open) */
};

#define OUTPUTS_INIT                                                           \
	{ REPORT_FILE_INIT, REPORT_FILE_INIT, REPORT_FILE_INIT, NULL, false,   \
	  false }

/* Create the files opts asks for. ERR_USAGE naming the option and the
 * path: "--report PATH: cannot create ...". */
int outputs_open(struct outputs *o, const struct options *opts,
		 struct err *e);

/* Print and write r; returns the run's result (report_result), or
 * ERR_IO when it was 0 and a file could not be written (printed). */
int outputs_write(struct outputs *o, const struct report *r, struct err *e);

/* Remove temporary files left behind; free. */
void outputs_release(struct outputs *o);

#endif
