/*
 * The single-target sink of --format json: it keeps every event of the
 * command and, when the command finishes, prints one JSON document on its
 * stream (stdout), schema "migratore-run" (docs/report-schema.md, "One
 * target"): the run, the steps with their timings and errors, the
 * migrations a dry run would run, its SQL, warnings, result text and the
 * summary. Nothing is printed before the end, so stdout holds exactly one
 * document, whatever happened; a command refused before it connects still
 * gets its document (with the error).
 *
 * list and errors keep printing their rows as a JSON array (the text sink
 * with the command's JSON results): scripts read that since version 1.
 */
#ifndef MIG_JSONSINK_H
#define MIG_JSONSINK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/proto.h"
#include "common/strv.h"
#include "worker/sink.h"

#define JSONSINK_SCHEMA "migratore-run"
#define JSONSINK_SCHEMA_VERSION 1

/* A migration a dry run lists. */
struct jsonsink_planned {
	char *uuid;
	int64_t timestamp;
	char *file;
	char *description;
};

struct jsonsink {
	FILE *out;
	/* the run, set by the caller before the command */
	const char *command;
	const char *run_id;
	const char *host;
	double start;             /* epoch seconds */
	/* what the command reported */
	char *target;             /* the banner; NULL before it */
	struct proto_msg *steps;  /* STEP_END copies (owned strings) */
	size_t nsteps;
	size_t capsteps;
	struct jsonsink_planned *planned;
	size_t nplanned;
	size_t capplanned;
	struct strv warnings;
	struct strv results;
	struct buf output;        /* executables' output */
	struct buf sql;           /* --sql */
	bool has_sql;
	const struct status *status; /* status: valid until finished */
};

/* Point sink at js, which prints to out when the command finishes. */
void jsonsink_init(struct sink *sink, struct jsonsink *js, FILE *out);
void jsonsink_release(struct jsonsink *js);

/*
 * One step as an object of the "steps" arrays: of this document, of the
 * fleet report (orchestrator/report.c) and of the step_end event
 * (worker/eventlog.c), which all have the same fields. ended: the step's
 * end is known (a dead worker's last step is not).
 */
void jsonsink_step(struct json *j, const struct proto_step *s, bool ended);
/* The same fields, in the object being written. */
void jsonsink_step_fields(struct json *j, const struct proto_step *s,
			  bool ended);

#endif
