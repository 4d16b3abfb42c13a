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

static int
open_one(struct report_file *rf, const char *option, const char *path,
	 struct err *e)
{
	struct err why = ERR_INIT;

	if (path == NULL || report_file_open(rf, path, &why) == 0)
		return 0;
	return err_set(e, ERR_USAGE, "%s %s", option, why.msg);
}

int
outputs_open(struct outputs *o, const struct options *opts, struct err *e)
{
	int r;

	o->opts = opts;
	if ((r = open_one(&o->json, "--report", opts->report, e)) < 0 ||
	    (r = open_one(&o->junit, "--junit", opts->junit, e)) < 0 ||
	    (r = open_one(&o->html, "--html", opts->html, e)) < 0 ||
	    (r = open_one(&o->metrics, "--metrics", opts->metrics, e)) < 0)
		return r;
	/* node_exporter reads it as another user; it holds no secret */
	if (o->metrics.fd >= 0 && fchmod(o->metrics.fd, 0644) < 0)
		return err_set(e, ERR_USAGE, "--metrics %s: %s", opts->metrics,
			       strerror(errno));
	return 0;
}

static void
print_text(const struct outputs *o, const struct report *r)
{
	struct buf out = BUF_INIT;

	if (o->json_results) {
		report_results_json(r, &out);
		fwrite(out.ptr, 1, out.len, stdout);
		fflush(stdout);
		buf_reset(&out);
		if (!o->opts->quiet || report_exit_code(r) != EXIT_OK) {
			report_text(r, false,
				    progress_want_color(STDERR_FILENO), &out);
			fwrite(out.ptr, 1, out.len, stderr);
		}
	} else if (!o->opts->quiet || report_exit_code(r) != EXIT_OK) {
		report_text(r, true, progress_want_color(STDOUT_FILENO), &out);
		fwrite(out.ptr, 1, out.len, stdout);
	}
	fflush(stdout);
	buf_release(&out);
}

static void
write_error(const char *option, const struct err *e)
{
	char text[ERR_TEXT_MAX];

	err_text(e, text, sizeof(text));
	fprintf(stderr, "migratore: error: %s: %s\n", option, text);
}

/* --junit and --html, from the JSON report read back as a document. */
static int
write_renderings(struct outputs *o, const struct report *r)
{
	struct buf json = BUF_INIT, out = BUF_INIT;
	struct reportdoc *doc = NULL;
	struct err e = ERR_INIT;
	int rc = 0;

	report_json(r, &json);
	if (reportdoc_parse(json.ptr, json.len, "the run's report", &doc,
			    &e) < 0) {
		write_error(o->junit.path ? "--junit" : "--html", &e);
		rc = -1;
		goto out;
	}
	if (o->junit.path) {
		junit_render(doc->root, &out);
		if (report_file_commit(&o->junit, &out, &e) < 0) {
			write_error("--junit", &e);
			rc = -1;
		}
		buf_reset(&out);
	}
	if (o->html.path) {
		html_render(doc->root, &out);
		if (report_file_commit(&o->html, &out, &e) < 0) {
			write_error("--html", &e);
			rc = -1;
		}
	}
out:
	reportdoc_free(doc);
	buf_release(&json);
	buf_release(&out);
	return rc;
}

/* --metrics, keeping the last-success times of the file it replaces. */
static int
write_metrics(struct outputs *o, const struct report *r)
{
	struct buf previous = BUF_INIT, out = BUF_INIT;
	struct err e = ERR_INIT;
	int rc = 0;

	if (buf_read_file(&previous, o->metrics.path) < 0)
		buf_reset(&previous);
	metrics_render(r, previous.ptr, &out);
	if (report_file_commit(&o->metrics, &out, &e) < 0) {
		write_error("--metrics", &e);
		rc = -1;
	}
	buf_release(&previous);
	buf_release(&out);
	return rc;
}

int
outputs_write(struct outputs *o, const struct report *r, struct err *e)
{
	struct err why = ERR_INIT;
	bool failed = false;

	print_text(o, r);
	if (o->json.path && report_file_write(&o->json, r, &why) < 0) {
		write_error("--report", &why);
		failed = true;
	}
	if ((o->junit.path || o->html.path) && write_renderings(o, r) < 0)
		failed = true;
	if (o->metrics.path && write_metrics(o, r) < 0)
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
