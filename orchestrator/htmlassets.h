/*
 * The HTML report's stylesheet and script (html.h), as C strings inlined
 * in every page: a Content-Security-Policy in the page forbids loading
 * anything, and the page must open offline from a CI artifact or a mail.
 *
 * The script works on the page html.c writes: the targets as JSON in
 * <script type="application/json" id="report-data"> ("columns" names the
 * fields of each row of "targets"; "statuses" is the status table's order,
 * "good" its good statuses, "waves" and "tags" whether the table shows
 * those columns), the controls in #controls, the table #targets-table with
 * an empty <tbody id="rows">, the pager #pager, and the timeline's rows
 * (.tl-row[data-name]) it hides along with the table's.
 */
#ifndef MIG_HTMLASSETS_H
#define MIG_HTMLASSETS_H

extern const char htmlassets_css[];
extern const char htmlassets_js[];

#endif
