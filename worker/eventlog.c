/* JSON Lines events on stderr (--log-format json); see eventlog.h. */
#include "config.h"

#include "worker/eventlog.h"

#include <string.h>

#include "worker/jsonsink.h"
#include "common/banned.h"

void
eventlog_init(struct eventlog *ev, FILE *fp, const char *run_id)
{
	memset(ev, 0, sizeof(*ev));
	ev->fp = fp;
	ev->run_id = run_id;
	buf_init(&ev->line);
	buf_init(&ev->ts);
}

void
eventlog_release(struct eventlog *ev)
{
	buf_release(&ev->line);
	buf_release(&ev->ts);
}

struct json *
eventlog_begin(struct eventlog *ev, const char *event, const char *target)
{
	buf_reset(&ev->line);
	buf_reset(&ev->ts);
	json_utc_time(json_now(), &ev->ts);
	json_init(&ev->j, &ev->line, false);
	json_object_begin(&ev->j, NULL);
	json_string(&ev->j, "ts", ev->ts.ptr);
	json_string(&ev->j, "event", event);
	json_string(&ev->j, "run_id", ev->run_id);
	json_string(&ev->j, "target", target);
	return &ev->j;
}

/* One write per line: lines of several processes never mix. */
void
eventlog_end(struct eventlog *ev)
{
	json_object_end(&ev->j);
	buf_addc(&ev->line, '\n');
	fwrite(ev->line.ptr, 1, ev->line.len, ev->fp);
	fflush(ev->fp);
}

void
eventlog_run_start(struct eventlog *ev, const char *command, const char *mode,
		   const char *host, size_t targets)
{
	struct json *j = eventlog_begin(ev, "run_start", NULL);

	json_string(j, "command", command);
	json_string(j, "mode", mode);
	json_string(j, "host", host);
	json_int(j, "targets", (int64_t)targets);
	json_string(j, "tool_version", PACKAGE_VERSION);
	eventlog_end(ev);
}

void
eventlog_step(struct eventlog *ev, const char *target,
	      const struct proto_step *s, bool end)
{
	struct json *j = eventlog_begin(ev, end ? "step_end" : "step_begin",
					target);

	if (end) {
		jsonsink_step_fields(j, s, true);
	} else {
		json_string(j, "operation", s->operation);
		json_string(j, "uuid", s->uuid);
		json_string(j, "file", s->file);
		json_string(j, "description", s->description);
		json_bool(j, "recovery", s->recovery);
	}
	eventlog_end(ev);
}

void
eventlog_message(struct eventlog *ev, const char *event, const char *target,
		 const char *message)
{
	struct json *j = eventlog_begin(ev, event, target);

	json_string(j, "message", message);
	eventlog_end(ev);
}

/* ---- the sink of a single target ------------------------------------------ */

/* A single target's description, once connected to. */
static void
es_banner(void *ctx, const char *desc)
{
	struct eventsink *es = ctx;
	struct json *j = eventlog_begin(es->ev, "target_start", NULL);

	json_string(j, "database", desc);
	eventlog_end(es->ev);
}

static void
es_step_begin(void *ctx, const struct migration *m, const char *operation,
	      bool recovery)
{
	struct eventsink *es = ctx;
	struct proto_step s;

	memset(&s, 0, sizeof(s));
	s.operation = (char *)operation;
	s.uuid = m->uuid;
	s.file = m->filename;
	s.description = m->description;
	s.recovery = recovery;
	eventlog_step(es->ev, NULL, &s, false);
}

static void
es_step_end(void *ctx, const struct step_result *r)
{
	struct eventsink *es = ctx;
	struct proto_step s;

	sink_step_proto(r, &s);
	eventlog_step(es->ev, NULL, &s, true);
}

static void
es_warning(void *ctx, const char *msg)
{
	struct eventsink *es = ctx;

	eventlog_message(es->ev, "warning", NULL, msg);
}

static void
es_finished(void *ctx, const struct run_summary *s)
{
	struct eventsink *es = ctx;
	struct json *j = eventlog_begin(es->ev, "run_end", NULL);

	json_int(j, "exit_code", s->exit_code);
	json_double(j, "seconds", json_now() - es->start);
	json_string(j, "error", s->exit_code != 0 ? s->error : NULL);
	json_int(j, "applied", s->applied);
	json_int(j, "failed", s->failed);
	json_int(j, "rollbacks", s->rollbacks);
	json_int(j, "pending", s->pending);
	eventlog_end(es->ev);
}

static const struct sink_ops eventsink_ops = {
	.banner = es_banner,
	.step_begin = es_step_begin,
	.step_end = es_step_end,
	.warning = es_warning,
	.finished = es_finished,
};

void
eventsink_init(struct sink *sink, struct eventsink *es, struct eventlog *ev)
{
	es->ev = ev;
	es->start = json_now();
	sink->ops = &eventsink_ops;
	sink->ctx = es;
}
