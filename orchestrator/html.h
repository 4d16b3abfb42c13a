/*
 * The fleet report as one self-contained HTML page for people: inline CSS
 * and JavaScript, no external resource of any kind (a Content-Security-
 * Policy forbids loading one), so it opens offline and can be attached to
 * a ticket or archived by CI as it is. Built to stay quick at 10,000
 * targets. docs/reports.md describes it for its readers.
 *
 * From the top:
 *   - the run: command, run id (or the runs merged, one line each), host,
 *     start, end, duration, exit code, the options that shape a rollout,
 *     and why it stopped early: the report's "stopped" (deadline, failure
 *     budget, a failed wave) and "interrupted", with the targets not
 *     reached;
 *   - the summary: how many targets ended with each status, and the waves
 *     when there are several;
 *   - the failures grouped by error (failgroup.h): per group the count,
 *     the status, the normalised first line, the engine's DETAIL and HINT,
 *     the targets (twenty, then "and N more" to unfold) and the command
 *     that comes next; then the warnings grouped the same way;
 *   - the table of targets (name, wave, engine, tags, status, applied,
 *     pending, rollbacks, duration, first error line with each failed
 *     step's traceback to unfold), drawn by the script from a JSON island
 *     one page of 100 rows at a time: a text search on name, engine and
 *     error; filters by status, engine, wave, tag and failure group;
 *     sorting on any column. The state is in the URL fragment
 *     (#status=failed,timeout&engine=mysql&q=unique&sort=-seconds&page=2,
 *     #status=problems for everything but the good statuses, #group=3), so
 *     a link can point at it. Without JavaScript there is no table, and
 *     a note says so: the failure groups above name every target that did
 *     not succeed;
 *   - the timeline (timeline.h), below, closed beyond 200 targets.
 *
 * Everything from the report is escaped for HTML; the island is JSON with
 * '<', '>', '&', U+2028 and U+2029 written as \u escapes, so that no text
 * can end the script element.
 *
 * Pure: formats into out, never prints.
 */
#ifndef MIG_HTML_H
#define MIG_HTML_H

#include "common/buf.h"
#include "common/jsonparse.h"

/* Targets per page of the table. */
#define HTML_PAGE_ROWS 100
/* Names shown per failure group before "and N more". */
#define HTML_GROUP_NAMES 20
/* Failure groups shown; the rest are counted. */
#define HTML_GROUPS_MAX 50

/* report: the root of a report that reportdoc_load accepted. */
void html_render(const struct json_value *report, struct buf *out);

/* Append s escaped for HTML text and attribute values. */
void html_escape(struct buf *out, const char *s);

/* Append the JSON text json (len bytes) safe inside a <script> element. */
void html_script_json(struct buf *out, const char *json, size_t len);

#endif
