/* A fleet run's report: the text on stdout (or not, --quiet), the JSON,
 * JUnit and HTML files; see outputs.h. */
#include "config.h"

#include "orchestrator/outputs.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "orchestrator/html.h"
#include "orchestrator/junit.h"
#include "orchestrator/metrics.h"
#include "orchestrator/progress.h"
#include "orchestrator/reportdoc.h"
#include "common/banned.h"

static bool
dash(const char *path)
{
	return path != NULL && strcmp(path, "-") == 0;
}

static int
open_one(struct report_file *rf, const char *option, const char *path,
	 struct err *e)
{
	struct err why = ERR_INIT;

	if (path == NULL || dash(path) || report_file_open(rf, path, &why) == 0)
		return 0;
	return err_set(e, ERR_USAGE, "%s %s", option, why.msg);
}

/* Which output takes stdout; two that want it are a usage error. */
static int
choose_stdout(struct outputs *o, const struct options *opts, struct err *e)
{
	static const char *const names[] = {
		[OUTPUTS_SUMMARY] = NULL,
		[OUTPUTS_ROWS] = "--format json (the targets' rows)",
		[OUTPUTS_REPORT] = "--report -",
		[OUTPUTS_JUNIT] = "--junit -",
		[OUTPUTS_HTML] = "--html -",
		[OUTPUTS_METRICS] = "--metrics -",
	};
	enum outputs_stdout want[5];
	size_t n = 0;

	if (o->json_results)
		want[n++] = OUTPUTS_ROWS;
	/* --format json and --report - ask for the same document */
	if (dash(opts->report) ||
	    (opts->format == OPTIONS_JSON && !o->json_results))
		want[n++] = OUTPUTS_REPORT;
	if (dash(opts->junit))
		want[n++] = OUTPUTS_JUNIT;
	if (dash(opts->html))
		want[n++] = OUTPUTS_HTML;
	if (dash(opts->metrics))
		want[n++] = OUTPUTS_METRICS;
	if (n > 1)
		return err_set(e, ERR_USAGE,
			       "%s and %s both write to stdout; give one of "
			       "them a file",
			       names[want[0]], names[want[1]]);
	o->to_stdout = n ? want[0] : OUTPUTS_SUMMARY;
	return 0;
}

int
outputs_open(struct outputs *o, const struct options *opts, struct err *e)
{
	int r;

	o->opts = opts;
	if ((r = choose_stdout(o, opts, e)) < 0 ||
	    (r = open_one(&o->json, "--report", opts->report, e)) < 0 ||
	    (r = open_one(&o->junit, "--junit", opts->junit, e)) < 0 ||
	    (r = open_one(&o->html, "--html", opts->html, e)) < 0 ||
	    (r = open_one(&o->metrics, "--metrics", opts->metrics, e)) < 0)
		return r;
	/* node_exporter reads it as another user; it holds no secret */
	if (o->metrics.out.fd >= 0 && fchmod(o->metrics.out.fd, 0644) < 0)
		return err_set(e, ERR_USAGE, "--metrics %s: %s", opts->metrics,
			       strerror(errno));
	return 0;
}

/* The text summary on fp, unless --quiet and every target succeeded. */
static void
print_summary(const struct outputs *o, const struct report *r, FILE *fp,
	      bool with_results)
{
	struct buf out = BUF_INIT;

	if (o->opts->quiet && report_exit_code(r) == EXIT_OK)
		return;
	/* --log-format json: stderr holds JSON Lines only */
	if (fp == stderr && o->opts->log_format == OPTIONS_JSON)
		return;
	report_text(r, with_results, progress_want_color(fileno(fp)), &out);
	fwrite(out.ptr, 1, out.len, fp);
	fflush(fp);
	buf_release(&out);
}

/* A document for stdout; false when it could not be written whole. */
static bool
put_stdout(const struct buf *b)
{
	return fwrite(b->ptr, 1, b->len, stdout) == b->len &&
	       fflush(stdout) == 0;
}

/* The rows or the report, when stdout is theirs; false when writing
 * failed. */
static bool
print_document(const struct outputs *o, const struct report *r)
{
	struct buf out = BUF_INIT;
	bool ok = true;

	if (o->to_stdout == OUTPUTS_ROWS)
		report_results_json(r, &out);
	else if (o->to_stdout == OUTPUTS_REPORT)
		report_json(r, &out);
	if (out.len > 0 && !(ok = put_stdout(&out)))
		fprintf(stderr, "migratore: error: writing the report to "
				"stdout failed\n");
	buf_release(&out);
	return ok;
}

/*
 * stdout holds one thing (outputs.h): the text summary, or a document,
 * and then the summary goes to stderr. JUnit and HTML are written with
 * the files.
 */
static int
print_stdout(const struct outputs *o, const struct report *r)
{
	bool ok = print_document(o, r);

	if (o->to_stdout == OUTPUTS_SUMMARY)
		print_summary(o, r, stdout, true);
	else
		print_summary(o, r, stderr, false);
	return ok ? 0 : -1;
}

static void
write_error(const char *option, const struct err *e)
{
	char text[ERR_TEXT_MAX];

	err_text(e, text, sizeof(text));
	fprintf(stderr, "migratore: error: %s: %s\n", option, text);
}

/* A rendering into its file, or on stdout for "-". */
static int
commit(struct report_file *f, bool to_stdout, const struct buf *data,
       const char *option)
{
	struct err e = ERR_INIT;

	if (to_stdout) {
		if (put_stdout(data))
			return 0;
		err_set(&e, ERR_IO, "writing to stdout failed");
	} else if (report_file_commit(f, data, &e) == 0) {
		return 0;
	}
	write_error(option, &e);
	return -1;
}

/* --junit and --html, from the JSON report read back as a document. */
typedef void render_fn(const struct json_value *report, struct buf *out);

/* The report rendered by render into f (or stdout), when asked for. */
static int
render_to(struct report_file *f, bool to_stdout, const char *option,
	  render_fn *render, const struct json_value *report)
{
	struct buf out = BUF_INIT;
	int rc;

	if (f->path == NULL && !to_stdout)
		return 0;
	render(report, &out);
	rc = commit(f, to_stdout, &out, option);
	buf_release(&out);
	return rc;
}

static int
write_renderings(struct outputs *o, const struct report *r)
{
	struct buf json = BUF_INIT;
	struct reportdoc *doc = NULL;
	struct err e = ERR_INIT;
	int rc = 0;

	report_json(r, &json);
	if (reportdoc_parse(json.ptr, json.len, "the run's report", &doc,
			    &e) < 0) {
		write_error(o->junit.path || o->to_stdout == OUTPUTS_JUNIT
				? "--junit"
				: "--html",
			    &e);
		rc = -1;
		goto out;
	}
	if (render_to(&o->junit, o->to_stdout == OUTPUTS_JUNIT, "--junit",
		      junit_render, doc->root) < 0)
		rc = -1;
	if (render_to(&o->html, o->to_stdout == OUTPUTS_HTML, "--html",
		      html_render, doc->root) < 0)
		rc = -1;
out:
	reportdoc_free(doc);
	buf_release(&json);
	return rc;
}

/* --metrics, keeping the last-success times of the file it replaces. */
static int
write_metrics(struct outputs *o, const struct report *r)
{
	struct buf previous = BUF_INIT, out = BUF_INIT;
	int rc;

	if (o->metrics.path == NULL ||
	    buf_read_file(&previous, o->metrics.path) < 0)
		buf_reset(&previous);
	metrics_render(r, previous.ptr, &out);
	rc = commit(&o->metrics, o->to_stdout == OUTPUTS_METRICS, &out,
		    "--metrics");
	buf_release(&previous);
	buf_release(&out);
	return rc;
}

int
outputs_write(struct outputs *o, const struct report *r, struct err *e)
{
	struct err why = ERR_INIT;
	bool failed = false;

	if (print_stdout(o, r) < 0)
		failed = true;
	if (o->json.path && report_file_write(&o->json, r, &why) < 0) {
		write_error("--report", &why);
		failed = true;
	}
	if ((o->junit.path || o->html.path || o->to_stdout == OUTPUTS_JUNIT ||
	     o->to_stdout == OUTPUTS_HTML) &&
	    write_renderings(o, r) < 0)
		failed = true;
	if ((o->metrics.path || o->to_stdout == OUTPUTS_METRICS) &&
	    write_metrics(o, r) < 0)
		failed = true;
	if (report_result(r, e) == 0 && failed)
		return e->code = ERR_IO;
	return e->code;
}

void
outputs_release(struct outputs *o)
{
	report_file_release(&o->json);
	report_file_release(&o->junit);
	report_file_release(&o->html);
	report_file_release(&o->metrics);
}
