/* --format json of a single target: one document once the command ends. */
#include "config.h"

#include "worker/jsonsink.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/xmalloc.h"
#include "worker/status.h"
#include "common/banned.h"

void
jsonsink_step(struct json *j, const struct proto_step *s, bool ended)
{
	json_object_begin(j, NULL);
	jsonsink_step_fields(j, s, ended);
	json_object_end(j);
}

void
jsonsink_step_fields(struct json *j, const struct proto_step *s, bool ended)
{
	json_string(j, "operation", s->operation);
	json_string(j, "uuid", s->uuid);
	json_string(j, "file", s->file);
	json_string(j, "result", !ended ? "unfinished"
			       : s->ok ? "success"
				       : "error");
	json_bool(j, "recovery", s->recovery);
	json_int_or_null(j, "object_id", s->object_id, s->object_id > 0);
	json_int_or_null(j, "start", s->start, ended);
	if (ended)
		json_double(j, "seconds", s->seconds);
	else
		json_null(j, "seconds");
	json_string(j, "error", s->error);
	json_string(j, "statement", s->statement);
	json_int_or_null(j, "statement_no", s->statement_no,
			 s->statement_no > 0);
	json_int_or_null(j, "error_line", s->error_line, s->error_line > 0);
	json_int_or_null(j, "error_column", s->error_column,
			 s->error_column > 0);
	json_int_or_null(j, "committed", s->committed,
			 ended && !s->ok && s->committed >= 0);
	json_int_or_null(j, "total", s->total, ended && s->total >= 0);
	json_string(j, "traceback", s->traceback);
	json_int_or_null(j, "lock_retries", s->lock_retries, ended);
}

/* ---- the events --------------------------------------------------------- */

static void
js_banner(void *ctx, const char *desc)
{
	struct jsonsink *js = ctx;

	free(js->target);
	js->target = xstrdup(desc);
}

static void
js_output(void *ctx, const char *text, size_t len)
{
	struct jsonsink *js = ctx;

	buf_add(&js->output, text, len);
}

static void
js_step_end(void *ctx, const struct step_result *r)
{
	struct jsonsink *js = ctx;
	struct proto_step *s;

	XGROW(js->steps, js->nsteps + 1, js->capsteps);
	memset(&js->steps[js->nsteps], 0, sizeof(js->steps[0]));
	js->steps[js->nsteps].type = PROTO_STEP_END;
	s = &js->steps[js->nsteps++].u.step;
	sink_step_proto(r, s);
	s->operation = xstrdup_or_null(s->operation);
	s->uuid = xstrdup_or_null(s->uuid);
	s->file = xstrdup_or_null(s->file);
	s->description = xstrdup_or_null(s->description);
	s->error = xstrdup_or_null(s->error);
	s->statement = xstrdup_or_null(s->statement);
	s->traceback = xstrdup_or_null(s->traceback);
}

static void
js_result(void *ctx, const char *line)
{
	struct jsonsink *js = ctx;

	strv_push(&js->results, line);
}

static void
js_planned(void *ctx, const struct migration *m)
{
	struct jsonsink *js = ctx;
	struct jsonsink_planned *p;

	XGROW(js->planned, js->nplanned + 1, js->capplanned);
	p = &js->planned[js->nplanned++];
	p->uuid = xstrdup(m->uuid);
	p->timestamp = m->timestamp;
	p->file = xstrdup(m->filename);
	p->description = xstrdup(m->description);
}

static void
js_sql(void *ctx, const char *text)
{
	struct jsonsink *js = ctx;

	buf_adds(&js->sql, text);
	js->has_sql = true;
}

static void
js_warning(void *ctx, const char *msg)
{
	struct jsonsink *js = ctx;

	strv_push(&js->warnings, msg);
}

static void
js_status(void *ctx, const struct status *st)
{
	struct jsonsink *js = ctx;

	js->status = st;
}

/* ---- the document ------------------------------------------------------- */

static void
doc_time(struct json *j, const char *key, double t)
{
	struct buf b = BUF_INIT;

	json_utc_time(t, &b);
	json_string(j, key, b.ptr);
	buf_release(&b);
}

static void
doc_planned(struct json *j, const struct jsonsink *js)
{
	size_t i;

	json_array_begin(j, "migrations");
	for (i = 0; i < js->nplanned; i++) {
		json_object_begin(j, NULL);
		json_string(j, "uuid", js->planned[i].uuid);
		json_int(j, "timestamp", js->planned[i].timestamp);
		json_string(j, "file", js->planned[i].file);
		json_string(j, "description", js->planned[i].description);
		json_object_end(j);
	}
	json_array_end(j);
}

/* The run and its summary: the document's first fields. */
static void
doc_run(struct json *j, const struct jsonsink *js,
	const struct run_summary *s, double end)
{
	json_string(j, "schema", JSONSINK_SCHEMA);
	json_int(j, "schema_version", JSONSINK_SCHEMA_VERSION);
	json_string(j, "tool_version", PACKAGE_VERSION);
	json_string(j, "command", js->command);
	json_string(j, "run_id", js->run_id);
	json_string(j, "host", js->host);
	json_string(j, "target", js->target);
	doc_time(j, "start", js->start);
	doc_time(j, "end", end);
	json_double(j, "seconds", end - js->start);
	json_int(j, "exit_code", s->exit_code);
	json_string(j, "error", s->exit_code != 0 ? s->error : NULL);
	json_string(j, "error_kind",
		    s->exit_code != 0 ? err_code_name(s->err_code) : NULL);
	json_bool(j, "stopped", s->stopped);
	json_int(j, "applied", s->applied);
	json_int(j, "failed", s->failed);
	json_int(j, "rollbacks", s->rollbacks);
	json_int(j, "pending", s->pending);
}

static void
js_finished(void *ctx, const struct run_summary *s)
{
	struct jsonsink *js = ctx;
	struct buf out = BUF_INIT;
	struct json j;
	size_t i;

	json_init(&j, &out, true);
	json_object_begin(&j, NULL);
	doc_run(&j, js, s, json_now());
	json_array_begin(&j, "steps");
	for (i = 0; i < js->nsteps; i++)
		jsonsink_step(&j, &js->steps[i].u.step, true);
	json_array_end(&j);
	doc_planned(&j, js);
	json_string(&j, "sql", js->has_sql ? js->sql.ptr : NULL);
	json_string_array(&j, "warnings", (const char *const *)js->warnings.v,
			  js->warnings.n);
	json_string_array(&j, "results", (const char *const *)js->results.v,
			  js->results.n);
	json_string(&j, "output", js->output.len ? js->output.ptr : NULL);
	if (js->status)
		status_json(js->status, false, "status", &j);
	json_object_end(&j);
	buf_addc(&out, '\n');
	fwrite(out.ptr, 1, out.len, js->out);
	fflush(js->out);
	buf_release(&out);
}

static const struct sink_ops jsonsink_ops = {
	.banner = js_banner,
	.output = js_output,
	.step_end = js_step_end,
	.result = js_result,
	.planned = js_planned,
	.sql = js_sql,
	.warning = js_warning,
	.status = js_status,
	.finished = js_finished,
};

void
jsonsink_init(struct sink *sink, struct jsonsink *js, FILE *out)
{
	memset(js, 0, sizeof(*js));
	js->out = out;
	js->start = json_now();
	strv_init(&js->warnings);
	strv_init(&js->results);
	buf_init(&js->output);
	buf_init(&js->sql);
	sink->ops = &jsonsink_ops;
	sink->ctx = js;
}

void
jsonsink_release(struct jsonsink *js)
{
	size_t i;

	free(js->target);
	for (i = 0; i < js->nsteps; i++)
		proto_msg_release(&js->steps[i]);
	free(js->steps);
	for (i = 0; i < js->nplanned; i++) {
		free(js->planned[i].uuid);
		free(js->planned[i].file);
		free(js->planned[i].description);
	}
	free(js->planned);
	strv_release(&js->warnings);
	strv_release(&js->results);
	buf_release(&js->output);
	buf_release(&js->sql);
}
