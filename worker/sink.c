/* Dispatch of command events to a sink (absent callbacks are skipped or
 * fall back), and the tee. */
#include "config.h"

#include "worker/sink.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "common/banned.h"

void
sink_banner(struct sink *s, const char *desc)
{
	if (s->ops->banner)
		s->ops->banner(s->ctx, desc);
}

void
sink_step_begin(struct sink *s, const struct migration *m,
		const char *operation, bool recovery)
{
	if (s->ops->step_begin)
		s->ops->step_begin(s->ctx, m, operation, recovery);
}

void
sink_output(struct sink *s, const char *text, size_t len)
{
	if (s->ops->output)
		s->ops->output(s->ctx, text, len);
}

void
sink_step_end(struct sink *s, const struct step_result *r)
{
	if (s->ops->step_end)
		s->ops->step_end(s->ctx, r);
}

void
sink_result(struct sink *s, const char *line)
{
	if (s->ops->result)
		s->ops->result(s->ctx, line);
}

void
sink_resultf(struct sink *s, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	sink_result(s, line);
	free(line);
}

void
sink_warning(struct sink *s, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (s->ops->warning)
		s->ops->warning(s->ctx, msg);
	free(msg);
}

void
sink_finished(struct sink *s, const struct run_summary *sum)
{
	if (s->ops->finished)
		s->ops->finished(s->ctx, sum);
}

void
sink_planned_line(const struct migration *m, struct buf *out)
{
	buf_addf(out, "<Migration %s %lld %s>", m->uuid,
		 (long long)m->timestamp, m->description);
}

void
sink_planned(struct sink *s, const struct migration *m)
{
	struct buf line = BUF_INIT;

	if (s->ops->planned) {
		s->ops->planned(s->ctx, m);
		return;
	}
	sink_planned_line(m, &line);
	sink_result(s, line.ptr);
	buf_release(&line);
}

void
sink_sql(struct sink *s, const char *text)
{
	if (s->ops->sql)
		s->ops->sql(s->ctx, text);
	else
		sink_result(s, text);
}

void
sink_status(struct sink *s, const struct status *st)
{
	if (s->ops->status)
		s->ops->status(s->ctx, st);
}

void
sink_step_proto(const struct step_result *r, struct proto_step *out)
{
	memset(out, 0, sizeof(*out));
	out->operation = (char *)r->operation;
	out->uuid = r->m ? r->m->uuid : NULL;
	out->file = r->m ? r->m->filename : NULL;
	out->description = r->m ? r->m->description : NULL;
	out->recovery = r->recovery;
	out->ok = r->ok;
	out->object_id = r->object_id;
	out->start = r->start;
	out->seconds = r->seconds;
	out->error = (char *)r->error;
	out->statement = (char *)r->statement;
	out->statement_no = r->statement_no;
	out->error_line = r->error_line;
	out->error_column = r->error_column;
	out->committed = r->committed;
	out->total = r->total;
	out->traceback = (char *)r->traceback;
	out->lock_retries = r->lock_retries;
}

/* ---- the tee ------------------------------------------------------------ */

static void
tee_banner(void *ctx, const char *desc)
{
	struct sink_tee *t = ctx;

	sink_banner(&t->a, desc);
	sink_banner(&t->b, desc);
}

static void
tee_step_begin(void *ctx, const struct migration *m, const char *operation,
	       bool recovery)
{
	struct sink_tee *t = ctx;

	sink_step_begin(&t->a, m, operation, recovery);
	sink_step_begin(&t->b, m, operation, recovery);
}

static void
tee_output(void *ctx, const char *text, size_t len)
{
	struct sink_tee *t = ctx;

	sink_output(&t->a, text, len);
	sink_output(&t->b, text, len);
}

static void
tee_step_end(void *ctx, const struct step_result *r)
{
	struct sink_tee *t = ctx;

	sink_step_end(&t->a, r);
	sink_step_end(&t->b, r);
}

static void
tee_result(void *ctx, const char *line)
{
	struct sink_tee *t = ctx;

	sink_result(&t->a, line);
	sink_result(&t->b, line);
}

static void
tee_planned(void *ctx, const struct migration *m)
{
	struct sink_tee *t = ctx;

	sink_planned(&t->a, m);
	sink_planned(&t->b, m);
}

static void
tee_sql(void *ctx, const char *text)
{
	struct sink_tee *t = ctx;

	sink_sql(&t->a, text);
	sink_sql(&t->b, text);
}

static void
tee_warning(void *ctx, const char *msg)
{
	struct sink_tee *t = ctx;

	sink_warning(&t->a, "%s", msg);
	sink_warning(&t->b, "%s", msg);
}

static void
tee_status(void *ctx, const struct status *st)
{
	struct sink_tee *t = ctx;

	sink_status(&t->a, st);
	sink_status(&t->b, st);
}

static void
tee_finished(void *ctx, const struct run_summary *s)
{
	struct sink_tee *t = ctx;

	sink_finished(&t->a, s);
	sink_finished(&t->b, s);
}

static const struct sink_ops tee_ops = {
	.banner = tee_banner,
	.step_begin = tee_step_begin,
	.output = tee_output,
	.step_end = tee_step_end,
	.result = tee_result,
	.planned = tee_planned,
	.sql = tee_sql,
	.warning = tee_warning,
	.status = tee_status,
	.finished = tee_finished,
};

void
sink_tee_init(struct sink *sink, struct sink_tee *tee)
{
	sink->ops = &tee_ops;
	sink->ctx = tee;
}
