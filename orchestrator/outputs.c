/* A fleet run's report: the text on stdout (or not, --quiet), the JSON,
 * JUnit and HTML files; see outputs.h. */
#include "config.h"

#include "orchestrator/outputs.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "orchestrator/html.h"
#include "orchestrator/junit.h"
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
	bool to_stdout = opts->report && strcmp(opts->report, "-") == 0;
	int r;

	o->opts = opts;
	if (to_stdout && o->json_results)
		return err_set(e, ERR_USAGE,
			       "--report -: stdout already gets the targets' "
			       "rows (--format json); give --report a file");
	o->json_stdout = to_stdout || (opts->format == OPTIONS_JSON &&
				       !o->json_results);
	if ((r = open_one(&o->json, "--report",
			  to_stdout ? NULL : opts->report, e)) < 0 ||
	    (r = open_one(&o->junit, "--junit", opts->junit, e)) < 0 ||
	    (r = open_one(&o->html, "--html", opts->html, e)) < 0)
		return r;
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

/*
 * stdout holds one thing: the targets' JSON rows (list/errors --format
 * json), the JSON report (--format json, --report -), or the text
 * summary. With either JSON the summary goes to stderr.
 */
static int
print_stdout(const struct outputs *o, const struct report *r)
{
	struct buf out = BUF_INIT;
	int rc = 0;

	if (o->json_results)
		report_results_json(r, &out);
	else if (o->json_stdout)
		report_json(r, &out);
	if (out.len > 0) {
		fwrite(out.ptr, 1, out.len, stdout);
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = -1;
		print_summary(o, r, stderr, false);
	} else {
		print_summary(o, r, stdout, true);
	}
	buf_release(&out);
	return rc;
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

int
outputs_write(struct outputs *o, const struct report *r, struct err *e)
{
	struct err why = ERR_INIT;
	bool failed = false;

	if (print_stdout(o, r) < 0 && o->json_stdout) {
		fprintf(stderr, "migratore: error: --report -: writing the "
				"report to stdout failed\n");
		failed = true;
	}
	if (o->json.path && report_file_write(&o->json, r, &why) < 0) {
		write_error("--report", &why);
		failed = true;
	}
	if ((o->junit.path || o->html.path) && write_renderings(o, r) < 0)
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
}
