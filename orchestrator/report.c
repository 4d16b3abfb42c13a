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
#include "orchestrator/discover.h"
#include "orchestrator/failgroup.h"
#include "orchestrator/fleetstatus.h"
#include "orchestrator/progress.h"
#include "worker/jsonsink.h"
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
static struct failgroup_item *
group_items(const struct report *r, bool warnings, struct strv *descs,
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
static struct failgroup_run
group_run(const struct report *r, size_t unfinished)
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
	struct failgroup_run run = group_run(r, unfinished);
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

	it = group_items(r, warnings, &descs, &n);
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

/* ---- JSON --------------------------------------------------------------- */

static void
json_time(struct json *j, const char *key, time_t t)
{
	struct tm tm;
	char s[32];

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_string(j, key, s);
}

/* How the run went through the fleet: waves, retries, where it resumed. */
static void
json_rollout_options(struct json *j, const struct report *r)
{
	const struct options *o = r->opts;

	json_string(j, "canary", o->canary);
	json_string(j, "max_failures", o->max_failures);
	json_int_or_null(j, "per_host", o->per_host, o->per_host > 0);
	json_int(j, "retries", o->retries);
	json_string(j, "deadline", r->deadline);
	json_string(j, "shard", o->shard);
	json_string(j, "resume", o->resume);
}

/* What the run wrote, and in which format. */
static void
json_output_options(struct json *j, const struct options *o)
{
	json_string(j, "junit", o->junit);
	json_string(j, "html", o->html);
	json_string(j, "report", o->report);
	json_string(j, "metrics", o->metrics);
	json_string(j, "format", o->format == OPTIONS_JSON ? "json" : "text");
	json_string(j, "log_format",
		    o->log_format == OPTIONS_JSON ? "json" : "text");
	json_bool(j, "sql", o->sql);
}

static void
json_options(struct json *j, const struct report *r)
{
	const struct options *o = r->opts;
	size_t i;

	json_object_begin(j, "options");
	json_string(j, "inventory", r->inventory);
	json_string(j, "path", r->path);
	if (r->id)
		json_string(j, "id", r->id);
	json_array_begin(j, "select");
	for (i = 0; i < o->select.n; i++)
		json_string(j, NULL, o->select.v[i]);
	json_array_end(j);
	json_int(j, "jobs", (int64_t)r->jobs);
	if (o->timeout >= 0)
		json_double(j, "timeout", o->timeout);
	else
		json_null(j, "timeout");
	json_string(j, "log_dir", o->log_dir);
	json_bool(j, "allow_out_of_order", o->allow_out_of_order);
	json_rollout_options(j, r);
	json_output_options(j, o);
	json_object_end(j);
}

/* Epoch seconds, null for 0 (never). */
static void
json_epoch(struct json *j, const char *key, double t)
{
	if (t > 0)
		json_double(j, key, t);
	else
		json_null(j, key);
}

static void
json_waves(struct json *j, const struct report *r)
{
	size_t i;

	json_array_begin(j, "waves");
	for (i = 0; i < r->nwaves; i++) {
		const struct report_wave *w = &r->waves[i];

		json_object_begin(j, NULL);
		json_string(j, "name", w->name);
		json_string(j, "status", w->status);
		json_int(j, "targets", (int64_t)w->targets);
		json_int(j, "started", (int64_t)w->started);
		json_int(j, "failed", (int64_t)w->failed);
		json_int(j, "jobs", (int64_t)w->jobs);
		json_string(j, "max_failures", w->max_failures);
		if (w->start > 0)
			json_time(j, "start", (time_t)w->start);
		else
			json_null(j, "start");
		if (w->end > 0)
			json_time(j, "end", (time_t)w->end);
		else
			json_null(j, "end");
		json_object_end(j);
	}
	json_array_end(j);
}

static void
json_totals(struct json *j, const struct report *r)
{
	size_t counts[OUT_NSTATUS];
	int st;

	report_count(r, counts);
	json_object_begin(j, "totals");
	json_int(j, "targets", (int64_t)r->n);
	for (st = 0; st < OUT_NSTATUS; st++)
		json_int(j, outcome_status_name((enum outcome_status)st),
			 (int64_t)counts[st]);
	json_object_end(j);
}

/* The step's fields as the frame carried them (one writer for every
 * "steps" array: worker/jsonsink.h). */
static void
json_step(struct json *j, const struct outcome_step *s)
{
	struct proto_step p;

	memset(&p, 0, sizeof(p));
	p.operation = s->operation;
	p.uuid = s->uuid;
	p.file = s->file;
	p.recovery = s->recovery;
	p.ok = s->ok;
	p.object_id = s->object_id;
	p.start = s->start;
	p.seconds = s->seconds;
	p.error = s->error;
	p.statement = s->statement;
	p.statement_no = s->statement_no;
	p.committed = s->committed;
	p.total = s->total;
	p.lock_retries = s->lock_retries;
	p.traceback = s->traceback;
	p.error_line = s->error_line;
	p.error_column = s->error_column;
	jsonsink_step(j, &p, s->ended);
}

static void
json_strings(struct json *j, const char *key, const struct strv *sv)
{
	json_string_array(j, key, (const char *const *)sv->v, sv->n);
}

/* The failures grouped (failgroup.h), for each target's "next". */
struct json_groups {
	struct strv descs;
	struct failgroup_item *it; /* one per target */
	struct failgroups g;
	const struct failgroup **of; /* each target's group, or NULL */
	struct failgroup_run run;
};

static void
json_groups_init(struct json_groups *jg, const struct report *r)
{
	size_t n, i, k;

	strv_init(&jg->descs);
	jg->it = group_items(r, false, &jg->descs, &n);
	failgroups_build(&jg->g, jg->it, n);
	jg->of = xcalloc(n ? n : 1, sizeof(*jg->of));
	for (i = 0; i < jg->g.n; i++)
		for (k = 0; k < jg->g.v[i].n; k++)
			jg->of[jg->g.v[i].members[k]] = &jg->g.v[i];
	jg->run = group_run(r, jg->g.items);
}

static void
json_groups_release(struct json_groups *jg)
{
	failgroups_release(&jg->g);
	strv_release(&jg->descs);
	free(jg->it);
	free(jg->of);
}

/*
 * "committed": what stayed committed of the migration that failed (null
 * when none failed); "next": what to do and the command, as the text's
 * group of the target says it (null for a target that needs nothing).
 */
static void
json_next(struct json *j, const struct json_groups *jg, size_t i)
{
	const struct failgroup *g = jg->of[i];
	struct buf b = BUF_INIT;

	json_int_or_null(j, "committed", jg->it[i].committed,
			 jg->it[i].uuid != NULL);
	if (g == NULL || g->action == FAILGROUP_NONE) {
		json_null(j, "next");
		return;
	}
	json_object_begin(j, "next");
	failgroup_advice(g, &b);
	json_string(j, "advice", b.ptr);
	buf_reset(&b);
	failgroup_command(g, jg->it, &jg->run, &b);
	json_string(j, "command", b.ptr);
	json_object_end(j);
	buf_release(&b);
}

/* Which target, and in which wave. */
static void
json_target_is(struct json *j, const struct report *r,
	       const struct report_row *row)
{
	struct buf desc = BUF_INIT;

	target_describe(row->t, &desc);
	json_string(j, "name", row->t->name);
	json_string(j, "engine", row->t->engine);
	json_string(j, "target", desc.ptr);
	json_string(j, "schema", row->t->schema);
	json_strings(j, "tags", &row->t->tags);
	json_string(j, "wave", row->wave < r->nwaves ? r->waves[row->wave].name
						    : NULL);
	buf_release(&desc);
}

/* Its status, and the numbers that are known (null: never started). */
static void
json_target_counts(struct json *j, const struct outcome *o)
{
	json_string(j, "status", outcome_status_name(o->status));
	json_string(j, "reason", o->reason);
	json_int_or_null(j, "exit_code", o->exit_code, o->exit_code >= 0);
	json_int_or_null(j, "signal", o->signal, o->signal > 0);
	json_int_or_null(j, "applied", o->applied, o->started);
	json_int_or_null(j, "failed", o->failed, o->started);
	json_int_or_null(j, "rollbacks", o->rollbacks, o->started);
	json_int_or_null(j, "pending", o->pending, o->pending >= 0);
}

static void
json_target(struct json *j, const struct report *r,
	    const struct report_row *row, const struct json_groups *jg)
{
	const struct outcome *o = row->o;
	size_t i;

	json_object_begin(j, NULL);
	json_target_is(j, r, row);
	json_target_counts(j, o);
	json_double(j, "seconds", o->seconds);
	json_int(j, "attempts", o->attempts);
	json_strings(j, "earlier_attempts", &o->earlier);
	json_epoch(j, "start", o->first_start);
	json_epoch(j, "end", o->attempts > 0 ? o->last_end : 0);
	json_string(j, "log", row->log);
	json_array_begin(j, "steps");
	for (i = 0; i < o->nsteps; i++)
		json_step(j, &o->steps[i]);
	json_array_end(j);
	json_next(j, jg, (size_t)(row - r->rows));
	json_strings(j, "warnings", &o->warnings);
	json_string_array(j, "results", o->results, o->nresults);
	if (!o->finished && o->tail.len > 0)
		json_string(j, "output_tail", o->tail.ptr);
	json_object_end(j);
}

static const char *
signal_text(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM"
			   : sig ? "signal" : NULL;
}

void
report_event_end(const struct report *r, struct eventlog *ev, double seconds)
{
	struct json *j = eventlog_begin(ev, "run_end", NULL);

	json_int(j, "exit_code", report_exit_code(r));
	json_double(j, "seconds", seconds);
	json_string(j, "stopped", r->stopped);
	json_string(j, "interrupted", signal_text(r->interrupted));
	json_totals(j, r);
	eventlog_end(ev);
}

/* Rendered text is handed to flush (when given) target by target, so that
 * a report of 10,000 targets never sits in memory whole. */
typedef int (*flush_fn)(void *ctx, struct buf *b);

#define FLUSH_AT 65536

/* The targets array, left open; handed to flush as it grows. */
static int
json_targets(struct json *j, const struct report *r, struct buf *out,
	     flush_fn flush, void *ctx)
{
	struct json_groups jg;
	size_t i;
	int rc = 0;

	json_groups_init(&jg, r);
	json_array_begin(j, "targets");
	for (i = 0; i < r->n && rc == 0; i++) {
		json_target(j, r, &r->rows[i], &jg);
		/* the writer keeps its state apart from the text */
		if (flush && out->len >= FLUSH_AT && flush(ctx, out) < 0)
			rc = -1;
	}
	json_groups_release(&jg);
	return rc;
}

static int
render_json(const struct report *r, struct buf *out, flush_fn flush,
	    void *ctx)
{
	struct json j;

	json_init(&j, out, true);
	json_object_begin(&j, NULL);
	json_string(&j, "schema", REPORT_SCHEMA);
	json_int(&j, "schema_version", REPORT_SCHEMA_VERSION);
	json_string(&j, "tool_version", r->tool_version);
	json_string(&j, "run_id", r->run_id);
	json_string(&j, "command", r->command);
	json_string(&j, "host", r->host);
	json_time(&j, "start", r->start);
	json_time(&j, "end", r->end);
	json_string(&j, "interrupted", signal_text(r->interrupted));
	json_int(&j, "exit_code", report_exit_code(r));
	json_string(&j, "stopped", r->stopped);
	json_options(&j, r);
	json_totals(&j, r);
	json_waves(&j, r);
	if (r->plan)
		dryplan_json(r->plan, &j);
	else
		json_null(&j, "plan");
	if (r->status)
		fleetstatus_json(r->status, &j);
	else
		json_null(&j, "status");
	if (json_targets(&j, r, out, flush, ctx) < 0)
		return -1;
	json_array_end(&j);
	discover_json(r->discovered, r->ndiscovered, &j);
	json_object_end(&j);
	buf_addc(out, '\n');
	return flush ? flush(ctx, out) : 0;
}

void
report_json(const struct report *r, struct buf *out)
{
	render_json(r, out, NULL, NULL);
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
	int rc = render_json(r, &b, flush_to_file, f);

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
