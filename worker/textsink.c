/* Human output of a single-target command. */
#include "config.h"

#include "worker/textsink.h"

#include <string.h>

#include "common/err.h"
#include "worker/status.h"
#include "common/banned.h"

static void
ts_banner(void *ctx, const char *desc)
{
	struct textsink *ts = ctx;

	if (!ts->quiet)
		fprintf(ts->out, "%s\n", desc);
}

static void
ts_step_begin(void *ctx, const struct migration *m, const char *operation,
	      bool recovery)
{
	struct textsink *ts = ctx;
	const char *what = "Running migration";

	if (ts->quiet)
		return;
	if (strcmp(operation, "Rollback") == 0)
		what = recovery ? "Rolling back operation of migration"
				: "Rolling back migration";
	else if (strcmp(operation, "Run Partial") == 0)
		what = "Running partial";
	else if (strcmp(operation, "Run Skip") == 0)
		what = "Skipping migration";
	else if (strcmp(operation, "Repair") == 0)
		what = "Recording the current checksum of migration";
	fprintf(ts->out, "%s '%s'\n", what, m->uuid);
	if (m->description[0] != '\0')
		fprintf(ts->out, "%s\n", m->description);
	fflush(ts->out);
}

static void
ts_output(void *ctx, const char *text, size_t len)
{
	struct textsink *ts = ctx;

	fwrite(text, 1, len, ts->out);
	fflush(ts->out);
}

/* What stayed committed of a failed step, and for the run section what
 * comes next (worker/resume.h). */
static void
ts_committed(struct textsink *ts, const struct step_result *r)
{
	bool run = strcmp(r->operation, "Run") == 0 ||
		   strcmp(r->operation, "Run Partial") == 0;

	fprintf(ts->err, "migratore: %d of %d statements of %s stayed "
			 "committed",
		r->committed, r->total, r->m->filename);
	if (run && r->committed >= r->total)
		fprintf(ts->err, "; the next upgrade records it");
	else if (run)
		fprintf(ts->err,
			"; once the cause is fixed, upgrade resumes at "
			"statement %d if the first %d are unchanged "
			"(`rebuild %s` resumes there whatever they are)",
			r->committed + 1, r->committed, r->m->uuid);
	fputc('\n', ts->err);
}

static void
ts_step_end(void *ctx, const struct step_result *r)
{
	struct textsink *ts = ctx;

	if (r->ok || ts->err == NULL)
		return;
	fflush(ts->out);
	fprintf(ts->err, "migratore: %s %s failed: %s\n", r->m->filename,
		r->operation, r->error ? r->error : "");
	if (r->excerpt && !ts->verbose_errors)
		fprintf(ts->err, "%s\n", r->excerpt);
	if (r->committed > 0 && r->total > 0)
		ts_committed(ts, r);
	if (ts->verbose_errors && r->traceback)
		fprintf(ts->err, "%s\n", r->traceback);
	fflush(ts->err);
}

static void
ts_result(void *ctx, const char *line)
{
	struct textsink *ts = ctx;

	fprintf(ts->out, "%s\n", line);
}

static void
ts_warning(void *ctx, const char *msg)
{
	struct textsink *ts = ctx;

	if (ts->err == NULL)
		return;
	fflush(ts->out);
	fprintf(ts->err, "migratore: warning: %s\n", msg);
}

static void
ts_finished(void *ctx, const struct run_summary *s)
{
	struct textsink *ts = ctx;

	fflush(ts->out);
	if (ts->err == NULL)
		return;
	/* A failed step was reported when it ended; other errors here. */
	if (s->exit_code != 0 && s->err_code != ERR_FAILED && s->error)
		fprintf(ts->err, "migratore: error: %s\n", s->error);
	fflush(ts->err);
}

static void
ts_planned(void *ctx, const struct migration *m)
{
	struct textsink *ts = ctx;
	struct buf line = BUF_INIT;

	if (ts->sql)
		return;
	sink_planned_line(m, &line);
	fprintf(ts->out, "%s\n", line.ptr);
	buf_release(&line);
}

static void
ts_sql(void *ctx, const char *text)
{
	struct textsink *ts = ctx;

	fputs(text, ts->out);
	fflush(ts->out);
}

static void
ts_status(void *ctx, const struct status *st)
{
	struct textsink *ts = ctx;
	struct buf b = BUF_INIT;

	status_text(st, &b);
	fputs(b.ptr, ts->out);
	fflush(ts->out);
	buf_release(&b);
}

static const struct sink_ops textsink_ops = {
	.banner = ts_banner,
	.step_begin = ts_step_begin,
	.output = ts_output,
	.step_end = ts_step_end,
	.result = ts_result,
	.planned = ts_planned,
	.sql = ts_sql,
	.warning = ts_warning,
	.status = ts_status,
	.finished = ts_finished,
};

void
textsink_init(struct sink *sink, struct textsink *ts)
{
	sink->ops = &textsink_ops;
	sink->ctx = ts;
}
