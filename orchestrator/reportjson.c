/* The fleet report's JSON document (schema in docs/report-schema.md); see
 * report.h. */
#include "config.h"

#include "orchestrator/report.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/xmalloc.h"
#include "orchestrator/discover.h"
#include "orchestrator/failgroup.h"
#include "orchestrator/fleetstatus.h"
#include "worker/jsonsink.h"
#include "common/banned.h"

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
	jg->it = report_group_items(r, false, &jg->descs, &n);
	failgroups_build(&jg->g, jg->it, n);
	jg->of = xcalloc(n ? n : 1, sizeof(*jg->of));
	for (i = 0; i < jg->g.n; i++)
		for (k = 0; k < jg->g.v[i].n; k++)
			jg->of[jg->g.v[i].members[k]] = &jg->g.v[i];
	jg->run = report_group_run(r, jg->g.items);
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

#define FLUSH_AT 65536

/* The targets array, left open; handed to flush as it grows. */
static int
json_targets(struct json *j, const struct report *r, struct buf *out,
	     report_flush_fn flush, void *ctx)
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

int
report_render_json(const struct report *r, struct buf *out,
		   report_flush_fn flush, void *ctx)
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
	report_render_json(r, out, NULL, NULL);
}
