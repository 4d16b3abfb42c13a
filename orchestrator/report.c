/* The fleet report: text summary, JSON document, exit code, atomic file. */
#include "config.h"

#include "orchestrator/report.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "common/xmalloc.h"
#include "orchestrator/failgroup.h"
#include "orchestrator/fleetstatus.h"
#include "orchestrator/progress.h"
#include "common/banned.h"

void
report_count(const struct report *r, size_t counts[OUT_NSTATUS])
{
	size_t i;

	memset(counts, 0, sizeof(counts[0]) * OUT_NSTATUS);
	for (i = 0; i < r->n; i++)
		counts[r->rows[i].o->status]++;
}

/* Whether a target, or the fleet's status, did not come out good. */
static bool
any_failed(const struct report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!outcome_status_info(r->rows[i].o->status)->good)
			return true;
	return r->status && fleetstatus_fails(r->status);
}

int
report_result(const struct report *r, struct err *e)
{
	if (r->interrupted) {
		e->signal = r->interrupted;
		return e->code = ERR_INTERRUPTED;
	}
	return any_failed(r) ? (e->code = ERR_FAILED) : 0;
}

int
report_exit_code(const struct report *r)
{
	struct err e = ERR_INIT;

	report_result(r, &e);
	return err_exit_status(&e);
}

/* ---- text ------------------------------------------------------------- */

static void
text_results(const struct report *r, struct buf *out)
{
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		const struct outcome *o = r->rows[i].o;

		if (o->nresults == 0)
			continue;
		buf_addf(out, "== %s ==\n", r->rows[i].t->name);
		for (j = 0; j < o->nresults; j++)
			buf_addf(out, "%s\n", o->results[j]);
		buf_addc(out, '\n');
	}
}

static void
count_text(struct buf *out, int64_t v)
{
	if (v < 0)
		buf_adds(out, "-");
	else
		buf_addf(out, "%lld", (long long)v);
}

static void
text_row(struct buf *out, const struct report_row *row, int wname,
	 int wengine, bool color)
{
	const struct outcome *o = row->o;
	struct buf num = BUF_INIT;
	const char *status = outcome_status_name(o->status);

	buf_addf(out, "%-*s  %-*s  %s%s%s%*s", wname, row->t->name, wengine,
		 row->t->engine, progress_color(o->status, color), status,
		 progress_color_reset(color), 13 - (int)strlen(status), "");
	count_text(&num, o->started ? o->applied : -1);
	buf_addf(out, "  %7s", num.ptr);
	buf_reset(&num);
	count_text(&num, o->pending);
	buf_addf(out, "  %7s", num.ptr);
	buf_reset(&num);
	count_text(&num, o->started ? o->rollbacks : -1);
	buf_addf(out, "  %9s", num.ptr);
	buf_addf(out, "  %7.2fs", o->seconds);
	if (o->reason) {
		buf_adds(out, "  ");
		outcome_first_line(o, 0, out);
	}
	buf_rtrim(out);
	buf_addc(out, '\n');
	buf_release(&num);
}

/* ---- failures and warnings, grouped (failgroup.h) ------------------------ */

/* Names shown per group; the rest are counted. */
#define TEXT_GROUP_NAMES 20

/* The step that failed, and whether a recovery Rollback ran after it. */
static void
failing_step(const struct outcome *o, struct failgroup_item *it)
{
	size_t i;

	for (i = 0; i < o->nsteps; i++) {
		const struct outcome_step *s = &o->steps[i];

		if (s->recovery && s->ended && s->ok)
			it->recovered = true;
		if (!s->ended || s->ok || s->recovery || it->uuid)
			continue;
		it->uuid = s->uuid;
		it->file = s->file;
		it->operation = s->operation;
		it->traceback = s->traceback;
		it->committed = s->committed > 0 ? (long)s->committed : 0;
		it->total = s->total > 0 ? (long)s->total : 0;
	}
}

/* One item per target (failures) or per warning; descs keeps the
 * targets' descriptions the items point to. */
struct failgroup_item *
report_group_items(const struct report *r, bool warnings, struct strv *descs,
	    size_t *n)
{
	struct failgroup_item *v;
	struct buf desc = BUF_INIT;
	size_t i, j, cap = 0;

	for (i = 0; i < r->n; i++)
		cap += warnings ? r->rows[i].o->warnings.n : 1;
	v = xcalloc(cap ? cap : 1, sizeof(*v));
	*n = 0;
	for (i = 0; i < r->n; i++) {
		const struct outcome *o = r->rows[i].o;

		buf_reset(&desc);
		target_describe(r->rows[i].t, &desc);
		strv_push(descs, desc.ptr);
		for (j = 0; j < (warnings ? o->warnings.n : 1); j++) {
			struct failgroup_item *it = &v[(*n)++];

			it->name = r->rows[i].t->name;
			it->desc = descs->v[descs->n - 1];
			if (warnings) {
				it->text = o->warnings.v[j];
				continue;
			}
			it->status = outcome_status_name(o->status);
			it->text = o->reason;
			failing_step(o, it);
		}
	}
	buf_release(&desc);
	return v;
}

/* "[a b c ... and 17 more]" */
static void
group_names(const struct failgroup *g, const struct failgroup_item *it,
	    struct buf *out)
{
	size_t i;

	buf_adds(out, "  [");
	for (i = 0; i < g->n && i < TEXT_GROUP_NAMES; i++)
		buf_addf(out, "%s%s", i ? " " : "", it[g->members[i]].name);
	if (g->n > TEXT_GROUP_NAMES)
		buf_addf(out, " ... and %zu more", g->n - TEXT_GROUP_NAMES);
	buf_adds(out, "]\n");
}

/* What a command line needs to know about the run. */
struct failgroup_run
report_group_run(const struct report *r, size_t unfinished)
{
	const char *report = r->opts->report;

	return (struct failgroup_run){
		.command = r->command, .id = r->id, .inventory = r->inventory,
		.report = report,
		.no_report = report == NULL || strcmp(report, "-") == 0,
		.unfinished = unfinished,
	};
}

/* The advice and the command(s), indented. */
static void
group_next(const struct report *r, const struct failgroup *g,
	   const struct failgroup_item *it, size_t unfinished,
	   struct buf *out)
{
	struct failgroup_run run = report_group_run(r, unfinished);
	struct buf b = BUF_INIT;
	const char *p, *nl;

	failgroup_advice(g, &b);
	if (b.len == 0)
		goto out;
	buf_addf(out, "  %s\n", b.ptr);
	buf_reset(&b);
	failgroup_command(g, it, &run, &b);
	for (p = b.ptr; *p; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		buf_addf(out, "    %.*s\n", (int)(nl - p), p);
	}
out:
	buf_release(&b);
}

/* The first member's DETAIL and HINT, and whether the others' differ. */
static void
group_notes(const struct failgroup *g, const struct failgroup_item *it,
	    struct buf *out)
{
	if (g->detail)
		buf_addf(out, "  DETAIL: %s\n", g->detail);
	if (g->hint)
		buf_addf(out, "  HINT: %s\n", g->hint);
	if (g->notes_differ)
		buf_addf(out, "  (%s of %s; other targets' differ)\n",
			 g->detail && g->hint ? "DETAIL and HINT"
			 : g->hint	      ? "HINT"
					      : "DETAIL",
			 it[g->members[0]].name);
}

static void
text_group(const struct report *r, const struct failgroup *g,
	   const struct failgroup_item *it, size_t unfinished,
	   struct buf *out)
{
	buf_addf(out, "\n%zu target%s", g->n, g->n == 1 ? "" : "s");
	if (g->status)
		buf_addf(out, " %s", g->status);
	buf_addf(out, ": %s\n", g->line);
	group_notes(g, it, out);
	group_names(g, it, out);
	group_next(r, g, it, unfinished, out);
}

/* "Warnings:" or "Failures by error:", one block per group. */
static void
text_groups(const struct report *r, bool warnings, struct buf *out)
{
	struct strv descs = STRV_INIT;
	struct failgroup_item *it;
	struct failgroups g;
	size_t n, i;

	it = report_group_items(r, warnings, &descs, &n);
	failgroups_build(&g, it, n);
	if (g.n > 0)
		buf_addf(out, "\n%s\n", warnings ? "Warnings:"
						   : "Failures by error:");
	for (i = 0; i < g.n; i++)
		text_group(r, &g.v[i], it, g.items, out);
	failgroups_release(&g);
	strv_release(&descs);
	free(it);
}

/* "# wave canary: 2 targets, 2 started, 1 failed (stopped)" */
static void
text_wave(struct buf *out, const struct report_wave *w)
{
	buf_addf(out, "# wave %s: %zu target%s", w->name, w->targets,
		 w->targets == 1 ? "" : "s");
	if (w->started == 0) {
		buf_adds(out, ", not started\n");
		return;
	}
	buf_addf(out, ", %zu started, %zu failed", w->started, w->failed);
	if (strcmp(w->status, "completed") != 0)
		buf_addf(out, " (%s)", w->status);
	buf_addc(out, '\n');
}

static void
text_rows(const struct report *r, int wname, int wengine, bool color,
	  struct buf *out)
{
	size_t i, w;

	if (!r->show_waves) {
		for (i = 0; i < r->n; i++)
			text_row(out, &r->rows[i], wname, wengine, color);
		return;
	}
	for (w = 0; w < r->nwaves; w++) {
		text_wave(out, &r->waves[w]);
		for (i = 0; i < r->n; i++)
			if (r->rows[i].wave == w)
				text_row(out, &r->rows[i], wname, wengine,
					 color);
	}
}

/* Why targets were not reached: the signal, or why starting stopped. */
static void
text_cut_short(const struct report *r, size_t unreached, struct buf *out)
{
	const char *s = unreached == 1 ? "" : "s";

	if (r->interrupted)
		buf_addf(out, "interrupted by %s: %zu target%s not reached\n",
			 r->interrupted == SIGINT ? "SIGINT"
			 : r->interrupted == SIGTERM ? "SIGTERM"
						     : "a signal",
			 unreached, s);
	else if (r->stopped)
		buf_addf(out, "stopped: %s; %zu target%s not reached\n",
			 r->stopped, unreached, s);
}

static void
text_totals(const struct report *r, struct buf *out)
{
	size_t counts[OUT_NSTATUS], unreached = 0;
	bool first = true;
	int st;

	report_count(r, counts);
	buf_addf(out, "\n%zu target%s", r->n, r->n == 1 ? "" : "s");
	for (st = 0; st < OUT_NSTATUS; st++) {
		if (!outcome_status_info((enum outcome_status)st)->reached)
			unreached += counts[st];
		if (counts[st] == 0)
			continue;
		buf_addf(out, "%s %zu %s", first ? ":" : ",", counts[st],
			 outcome_status_name((enum outcome_status)st));
		first = false;
	}
	buf_addc(out, '\n');
	text_cut_short(r, unreached, out);
}

/* The widths of the TARGET and ENGINE columns: at least *wname and
 * *wengine, the longest name and engine. */
static void
text_widths(const struct report *r, int *wname, int *wengine)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		int a = (int)strlen(r->rows[i].t->name);
		int b = (int)strlen(r->rows[i].t->engine);

		*wname = a > *wname ? a : *wname;
		*wengine = b > *wengine ? b : *wengine;
	}
}

void
report_text(const struct report *r, bool with_results, bool color,
	    struct buf *out)
{
	int wname = 6, wengine = 6;

	if (r->status) {
		fleetstatus_text(r->status, color, out);
		return;
	}
	/* --sql: each distinct plan once, instead of a section per target */
	if (r->plan && r->plan->nsql > 0) {
		dryplan_sql_text(r->plan, out);
		buf_addc(out, '\n');
	} else if (with_results) {
		text_results(r, out);
	}
	text_widths(r, &wname, &wengine);
	buf_addf(out, "%-*s  %-*s  %-13s  %7s  %7s  %9s  %8s  %s\n", wname,
		 "TARGET", wengine, "ENGINE", "STATUS", "APPLIED", "PENDING",
		 "ROLLBACKS", "DURATION", "ERROR");
	text_rows(r, wname, wengine, color, out);
	text_totals(r, out);
	text_groups(r, true, out);
	text_groups(r, false, out);
	if (r->plan) {
		buf_addc(out, '\n');
		dryplan_text(r->plan, out);
	}
}

void
report_results_json(const struct report *r, struct buf *out)
{
	size_t i, j;

	buf_adds(out, "{");
	for (i = 0; i < r->n; i++) {
		const struct outcome *o = r->rows[i].o;

		buf_adds(out, i ? ",\n  " : "\n  ");
		json_quote(out, r->rows[i].t->name);
		buf_adds(out, ": ");
		if (o->nresults == 0)
			buf_adds(out, "null");
		/* The worker's text is already JSON (commands.c). */
		for (j = 0; j < o->nresults; j++)
			buf_addf(out, "%s%s", j ? "\n" : "", o->results[j]);
	}
	buf_adds(out, r->n ? "\n}\n" : "}\n");
}

/* ---- the file ------------------------------------------------------------- */

int
report_file_open(struct report_file *f, const char *path, struct err *e)
{
	struct err why = ERR_INIT;

	if (safeout_open(&f->out, path, &why) < 0)
		return err_set(e, ERR_USAGE, "%s: %s", path, why.msg);
	f->path = xstrdup(path);
	return 0;
}

/* fsync, close, rename: after this the report is there, whole, or not. */
static int
file_finish(struct report_file *f, bool written, struct err *e)
{
	if (!written) {
		int errnum = errno;

		safeout_release(&f->out);
		return err_set(e, ERR_IO, "writing the report %s: %s", f->path,
			       strerror(errnum));
	}
	return safeout_commit(&f->out, e);
}

int
report_file_commit(struct report_file *f, const struct buf *data,
		   struct err *e)
{
	return file_finish(f, safeout_write(&f->out, data->ptr, data->len) == 0,
			   e);
}

static int
flush_to_file(void *ctx, struct buf *b)
{
	struct report_file *f = ctx;
	int r = safeout_write(&f->out, b->ptr, b->len);

	buf_reset(b);
	return r;
}

int
report_file_write(struct report_file *f, const struct report *r,
		  struct err *e)
{
	struct buf b = BUF_INIT;
	int rc = report_render_json(r, &b, flush_to_file, f);

	buf_release(&b);
	return file_finish(f, rc == 0, e);
}

void
report_file_release(struct report_file *f)
{
	safeout_release(&f->out);
	free(f->path);
	f->path = NULL;
}
