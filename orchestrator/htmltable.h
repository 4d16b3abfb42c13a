/*
 * The HTML report's table of targets (html.h): its frame here (the
 * controls: search, status buttons, engine, wave and tag lists; the
 * headings; an empty body; the pager; a note for readers without
 * JavaScript), and the targets as a JSON island (htmlassets.h says what
 * the script reads in it) from which the page's script draws one page of
 * rows at a time.
 *
 * The Wave column is shown when the targets have several wave labels
 * (timeline_wave_label: a merged report's runs count), the Tags column
 * when a target has tags.
 */
#ifndef MIG_HTMLTABLE_H
#define MIG_HTMLTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/jsonparse.h"
#include "orchestrator/outcome.h"

struct htmltable {
	const struct json_value *report; /* borrowed, like everything here */
	const struct json_value *ts;     /* its targets */
	size_t n;
	const size_t *counts;            /* targets per status */
	const size_t *group_of;          /* per target: its failure group's
					  * number from 1, 0 for none */
	bool waves, tags;                /* the optional columns shown */
};

void htmltable_init(struct htmltable *t, const struct json_value *report,
		    const size_t counts[OUT_NSTATUS], const size_t *group_of);
/* The section#targets. */
void htmltable_render(const struct htmltable *t, struct buf *out);
/* <script type="application/json" id="report-data">. */
void htmltable_island(const struct htmltable *t, struct buf *out);

#endif
