/*
 * The fleet report as one self-contained HTML page for people: inline CSS
 * and JavaScript, no external resource of any kind (a Content-Security-
 * Policy forbids loading one), so it opens offline and can be attached to
 * a ticket or archived by CI as it is.
 *
 * The page shows
 *   - the run: command, run id, host, start and end, exit code;
 *   - the summary: how many targets ended with each status;
 *   - a timeline: one bar per target from its start to its end, coloured
 *     by status. A target's start is its "start" field when the report has
 *     one (epoch seconds or a report time), else its first step's start,
 *     else the run's start; bars placed by the last two are marked
 *     approximate. When targets have a "wave" field (a rollout's), each
 *     wave's first start is marked on the timeline;
 *   - a table of targets (name, engine, status, applied, pending,
 *     rollbacks, duration, first error; the wave when there is one) whose
 *     every row carries data-status, with a filter by status.
 *
 * The filter: buttons, shown by the script; the URL fragment says what is
 * shown (#status=failed, #status=failed,timeout, #status=problems for
 * everything but ok and nothing-to-do) and is honoured on load, so a link
 * can point at the failures. Rows filtered out get the hidden attribute.
 * Without JavaScript every row is shown. Everything from the report is
 * escaped for HTML.
 *
 * Pure: formats into out, never prints.
 */
#ifndef MIG_HTML_H
#define MIG_HTML_H

#include "common/buf.h"
#include "common/jsonparse.h"

/* report: the root of a report that reportdoc_load accepted. */
void html_render(const struct json_value *report, struct buf *out);

/* Append s escaped for HTML text and attribute values. */
void html_escape(struct buf *out, const char *s);

#endif
