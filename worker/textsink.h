/*
 * The single-target sink: prints what the Python tool printed (the
 * connection line, "Running migration '<uuid>'", the description, result
 * blocks) on stdout and failures on stderr. quiet drops the connection line
 * and the step lines, keeping results and errors. A dry run with --sql
 * prints the statements each migration would run (worker/sqlplan.h).
 */
#ifndef MIG_TEXTSINK_H
#define MIG_TEXTSINK_H

#include <stdbool.h>
#include <stdio.h>

#include "worker/sink.h"

struct textsink {
	FILE *out;
	FILE *err;           /* NULL: no diagnostics (--log-format json has
				stderr: the events say it) */
	bool quiet;
	bool verbose_errors; /* print the traceback under a failure */
	bool sql;            /* --sql: the dry run's statements take the
				place of its <Migration> lines */
};

/* Point sink at a text sink; ts must outlive it. */
void textsink_init(struct sink *sink, struct textsink *ts);

#endif
