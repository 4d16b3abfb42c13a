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
 *     and html_render, the same renderers as `migratore report render`;
 *   - --metrics FILE: Prometheus metrics (metrics.h), with the last
 *     success times of the file it replaces.
 *
 * Every file is created before the run (outputs_open: a path that cannot
 * be written stops the run before anything starts) as a temporary file in
 * its directory, mode 0600 (the metrics 0644: node_exporter reads them as
 * another user, and they hold nothing secret), and renamed into place once
 * written and fsync'ed (report.h, report_file).
 */
#ifndef MIG_OUTPUTS_H
#define MIG_OUTPUTS_H

#include <stdbool.h>

#include "orchestrator/report.h"

struct outputs {
	struct report_file json;
	struct report_file junit;
	struct report_file html;
	struct report_file metrics;
	const struct options *opts; /* --report, --junit, --html, --metrics,
				       --quiet */
	bool json_results; /* list/errors --format json */
};

#define OUTPUTS_INIT                                                           \
	{ REPORT_FILE_INIT, REPORT_FILE_INIT, REPORT_FILE_INIT,               \
	  REPORT_FILE_INIT, NULL, false }

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
