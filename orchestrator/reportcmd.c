/* `migratore report merge|render`: merge fleet reports and render them as
 * JUnit XML and HTML, from the command line. */
#include "config.h"

#include "orchestrator/reportcmd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/safefile.h"
#include "common/spelling.h"
#include "common/strv.h"
#include "common/xmalloc.h"
#include "orchestrator/html.h"
#include "orchestrator/junit.h"
#include "orchestrator/reportdoc.h"
#include "common/banned.h"

const char reportcmd_usage[] =
	"Usage: migratore report merge OUT.json REPORT.json... "
	"[--junit FILE] [--html FILE]\n"
	"       migratore report render REPORT.json [--junit FILE] "
	"[--html FILE]\n"
	"\n"
	"merge   combine the JSON reports of several fleet runs (shards, a run\n"
	"        and its --resume) into OUT.json; exit 0 when every target is\n"
	"        ok or nothing-to-do, else 1\n"
	"render  write a report as JUnit XML (--junit) and/or one\n"
	"        self-contained HTML page (--html)\n"
	"A FILE of '-' is standard output. See docs/reports.md.\n";

struct reportcmd {
	const char *verb;
	struct strv files; /* positional: OUT.json then inputs, or the input */
	const char *junit;
	const char *html;
	bool help;
};

/* "unknown option '--jnuit'; did you mean '--junit'?" */
static int
unknown_option(const char *a, struct err *e)
{
	static const char *const known[] = { "--help", "--junit", "--html" };
	struct spelling sp;
	size_t i;

	spelling_init(&sp, a);
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		spelling_offer(&sp, known[i]);
	if (sp.best)
		return err_usage(e, reportcmd_usage,
				 "unknown option '%s'; did you mean '%s'?", a,
				 sp.best);
	return err_usage(e, reportcmd_usage, "unknown option '%s'", a);
}

/* "unknown subcommand 'mrege'; did you mean 'merge'?" */
static int
unknown_verb(const char *verb, struct err *e)
{
	struct spelling sp;

	spelling_init(&sp, verb);
	spelling_offer(&sp, "merge");
	spelling_offer(&sp, "render");
	if (sp.best)
		return err_usage(e, reportcmd_usage,
				 "unknown subcommand '%s'; did you mean '%s'?",
				 verb, sp.best);
	return err_usage(e, reportcmd_usage,
			 "unknown subcommand '%s' (merge or render)", verb);
}

/* Options anywhere after the verb; "--" ends them. */
static int
parse(struct reportcmd *c, int argc, char **argv, struct err *e)
{
	bool opts = true;
	int i;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i], **dst = NULL;

		if (opts && strcmp(a, "--") == 0) {
			opts = false;
			continue;
		}
		if (!opts || a[0] != '-' || strcmp(a, "-") == 0) {
			strv_push(&c->files, a);
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			c->help = true;
			continue;
		}
		if (strncmp(a, "--junit", 7) == 0 && (a[7] == '\0' || a[7] == '='))
			dst = &c->junit;
		else if (strncmp(a, "--html", 6) == 0 &&
			 (a[6] == '\0' || a[6] == '='))
			dst = &c->html;
		else
			return unknown_option(a, e);
		if (strchr(a, '='))
			*dst = strchr(a, '=') + 1;
		else if (i + 1 < argc)
			*dst = argv[++i];
		else
			return err_usage(e, reportcmd_usage, "%s needs a file", a);
		if (**dst == '\0')
			return err_usage(e, reportcmd_usage, "%s needs a file", a);
	}
	return 0;
}

/*
 * Write data to path ("-": stdout) atomically, mode 0600, never through a
 * link nor over a file that is not a regular file of ours (safefile.h).
 */
static int
write_output(const char *path, const struct buf *data, struct err *e)
{
	struct safeout out = SAFEOUT_INIT;
	struct err why = ERR_INIT;
	int r;

	if (strcmp(path, "-") == 0) {
		if (fwrite(data->ptr, 1, data->len, stdout) != data->len ||
		    fflush(stdout) != 0)
			return err_set(e, ERR_IO, "cannot write %s: %s", path,
				       strerror(errno));
		return 0;
	}
	if ((r = safeout_open(&out, path, &why)) == 0) {
		if (safeout_write(&out, data->ptr, data->len) < 0)
			r = err_set(&why, ERR_IO, "%s", strerror(errno));
		else
			r = safeout_commit(&out, &why);
	}
	safeout_release(&out);
	if (r < 0)
		return err_set(e, ERR_IO, "cannot write %s: %s", path, why.msg);
	return 0;
}

int
reportcmd_render(const struct json_value *report, const char *junit_path,
		 const char *html_path, struct err *e)
{
	struct buf out = BUF_INIT;
	int r = 0;

	if (junit_path) {
		junit_render(report, &out);
		r = write_output(junit_path, &out, e);
		buf_reset(&out);
	}
	if (html_path && r == 0) {
		html_render(report, &out);
		r = write_output(html_path, &out, e);
	}
	buf_release(&out);
	return r;
}

int
reportcmd_render_json(const char *json, size_t len, const char *name,
		      const char *junit_path, const char *html_path,
		      struct err *e)
{
	struct reportdoc *doc = NULL;
	int r;

	if (junit_path == NULL && html_path == NULL)
		return 0;
	if ((r = reportdoc_parse(json, len, name, &doc, e)) < 0)
		return r;
	r = reportcmd_render(doc->root, junit_path, html_path, e);
	reportdoc_free(doc);
	return r;
}

/* The exit codes of docs/reports.md: an input that cannot be used is 3
 * (ERR_CONFIG), a usage error 2, anything else (an output) 1 (ERR_IO). */
static int
fail(struct err *e, bool input)
{
	if (e->code != ERR_USAGE)
		e->code = input ? ERR_CONFIG : ERR_IO;
	return e->code;
}

static int
run_render(const struct reportcmd *c, struct err *e)
{
	struct reportdoc *doc = NULL;
	int r;

	if (c->files.n != 1)
		return err_usage(e, reportcmd_usage,
				 "render takes one report%s",
				 c->files.n ? ", not several" : "");
	if (c->junit == NULL && c->html == NULL)
		return err_usage(e, reportcmd_usage,
				 "nothing to render: give --junit FILE and/or "
				 "--html FILE");
	if (reportdoc_load(c->files.v[0], &doc, e) < 0)
		return fail(e, true);
	r = reportcmd_render(doc->root, c->junit, c->html, e) < 0
		? fail(e, false) : 0;
	reportdoc_free(doc);
	return r;
}

static int
merge_and_write(const struct reportcmd *c, struct reportdoc **docs,
		size_t n, int *exit_code, struct err *e)
{
	struct strv notes = STRV_INIT;
	struct buf json = BUF_INIT;
	size_t i;
	int r;

	if (reportdoc_merge(docs, n, &json, exit_code, &notes, e) < 0) {
		r = fail(e, true);
		goto out;
	}
	for (i = 0; i < notes.n; i++)
		fprintf(stderr, "migratore report: %s\n", notes.v[i]);
	/* Render what is written: the merged document is the one model. */
	if (write_output(c->files.v[0], &json, e) < 0 ||
	    reportcmd_render_json(json.ptr, json.len, c->files.v[0], c->junit,
				  c->html, e) < 0)
		r = fail(e, false);
	else
		r = 0;
out:
	strv_release(&notes);
	buf_release(&json);
	return r;
}

/* The merged report's exit code (1: a target failed) is ERR_FAILED. */
static int
run_merge(const struct reportcmd *c, struct err *e)
{
	struct reportdoc **docs;
	size_t i, n;
	int r = 0, exit_code = 0;

	if (c->files.n < 2)
		return err_usage(e, reportcmd_usage,
				 "merge takes OUT.json and at least one report");
	n = c->files.n - 1;
	docs = xcalloc(n, sizeof(*docs));
	for (i = 0; i < n && r == 0; i++)
		if (reportdoc_load(c->files.v[i + 1], &docs[i], e) < 0)
			r = fail(e, true);
	if (r == 0)
		r = merge_and_write(c, docs, n, &exit_code, e);
	for (i = 0; i < n; i++)
		reportdoc_free(docs[i]);
	free(docs);
	if (r == 0 && exit_code != 0)
		r = e->code = ERR_FAILED;
	return r;
}

int
reportcmd_main(int argc, char **argv, struct err *e)
{
	struct reportcmd c = { 0 };
	int r;

	if (argc < 2)
		return err_usage(e, reportcmd_usage,
				 "a subcommand is needed: merge or render");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(reportcmd_usage, stdout);
		return 0;
	}
	c.verb = argv[1];
	strv_init(&c.files);
	if ((r = parse(&c, argc, argv, e)) == 0 && c.help) {
		fputs(reportcmd_usage, stdout);
	} else if (r == 0) {
		if (strcmp(c.verb, "merge") == 0)
			r = run_merge(&c, e);
		else if (strcmp(c.verb, "render") == 0)
			r = run_render(&c, e);
		else
			r = unknown_verb(c.verb, e);
	}
	strv_release(&c.files);
	return r;
}
