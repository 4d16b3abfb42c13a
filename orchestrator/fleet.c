/*
 * fleet_run: load and check everything (inventory, selection, migrations,
 * target settings, output paths) before any fork, run the coordinator,
 * then write the consolidated report.
 */
#include "config.h"

#include "orchestrator/fleet.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/runinfo.h"
#include "common/xmalloc.h"
#include "config/inventory.h"
#include "config/settings.h"
#include "drivers/driver.h"
#include "orchestrator/coordinator.h"
#include "orchestrator/outcome.h"
#include "orchestrator/progress.h"
#include "orchestrator/report.h"
#include "orchestrator/sched.h"
#include "orchestrator/select.h"
#include "common/banned.h"

#define GRACE_TERM 10.0 /* interrupted: time to finish the current work */
#define GRACE_KILL 5.0  /* SIGTERM to SIGKILL */
#define MAX_DEFAULT_JOBS 64

/* A migrations directory, loaded once however many targets use it. */
struct migdir {
	char *key; /* realpath, or the path as given */
	struct migset *ms;
};

struct fleet {
	const struct fleet_opts *fo;
	struct inventory *inv;
	struct target **sel; /* selected targets, inventory order */
	size_t n;
	struct migdir *dirs;
	size_t ndirs;
	size_t capdirs;
	struct coordinator_job *jobs;
	struct outcome *outs;
	char **logs;
	struct report_file rf;
	char run_id[RUNINFO_ID_MAX];
	char host[RUNINFO_HOST_MAX];
	struct sched *sched;
};

static void
print_err(const char *prefix, const struct err *e)
{
	char text[ERR_TEXT_MAX];

	err_text(e, text, sizeof(text));
	fprintf(stderr, "migratore: error: %s%s\n", prefix, text);
}

/* Inventory and --select; every problem printed. */
static int
fleet_load(struct fleet *f)
{
	const struct fleet_opts *fo = f->fo;
	struct strv problems = STRV_INIT;
	struct err e = ERR_INIT;
	size_t i;

	if (select_check(&fo->select, &e) < 0) {
		print_err("", &e);
		return EXIT_USAGE;
	}
	if (inventory_load(fo->inventory, fo->envp, &f->inv, &problems,
			   &e) < 0) {
		for (i = 0; i < problems.n; i++)
			fprintf(stderr, "%s\n", problems.v[i]);
		print_err("", &e);
		strv_release(&problems);
		return EXIT_CONFIG;
	}
	strv_release(&problems);
	f->sel = xcalloc(f->inv->n ? f->inv->n : 1, sizeof(*f->sel));
	for (i = 0; i < f->inv->n; i++)
		if (select_match(&fo->select, f->inv->v[i]))
			f->sel[f->n++] = f->inv->v[i];
	if (f->n == 0) {
		fprintf(stderr, "migratore: error: %s: %s\n", fo->inventory,
			f->inv->n ? "--select matches no target"
				  : "the inventory has no target");
		return EXIT_USAGE;
	}
	for (i = 0; i < f->n; i++)
		if (f->sel[i]->operator_name == NULL) {
			f->sel[i]->operator_name = xstrdup(runinfo_login());
			f->sel[i]->source[CFG_OPERATOR] = SRC_DEFAULT;
		}
	return 0;
}

/* The [path] argument beats the inventory's path (flags beat files). */
static const char *
migrations_path(const struct fleet *f, const struct target *t)
{
	if (f->fo->path)
		return f->fo->path;
	return t->path ? t->path : ".";
}

static const struct migset *
migdir_get(struct fleet *f, const char *path, struct err *e)
{
	char real[PATH_MAX];
	const char *key = realpath(path, real) ? real : path;
	struct migdir *d;
	size_t i;

	for (i = 0; i < f->ndirs; i++)
		if (strcmp(f->dirs[i].key, key) == 0)
			return f->dirs[i].ms;
	XGROW(f->dirs, f->ndirs + 1, f->capdirs);
	d = &f->dirs[f->ndirs];
	if (migset_load(path, &d->ms, e) < 0)
		return NULL;
	d->key = xstrdup(key);
	f->ndirs++;
	return d->ms;
}

/* Load every migrations directory once and check every target. */
static int
fleet_check(struct fleet *f)
{
	bool migs = command_needs_migrations(f->fo->cmd);
	struct err e = ERR_INIT;
	char *prefix;
	size_t i;
	int r = 0;

	for (i = 0; i < f->n; i++) {
		struct target *t = f->sel[i];

		f->jobs[i].t = t;
		f->jobs[i].out = &f->outs[i];
		err_clear(&e);
		if (driver_validate(t, &e) < 0) {
			prefix = xasprintf("target %s: ", t->name);
			print_err(prefix, &e);
			free(prefix);
			r = EXIT_CONFIG;
			continue;
		}
		if (migs && (f->jobs[i].ms = migdir_get(
				     f, migrations_path(f, t), &e)) == NULL) {
			prefix = xasprintf("target %s: ", t->name);
			print_err(prefix, &e);
			free(prefix);
			return EXIT_CONFIG; /* one broken directory is enough */
		}
		f->jobs[i].timeout = f->fo->timeout > 0 ? f->fo->timeout
							: t->timeout;
	}
	return r;
}

/* "eu/001" -> "eu_001": a file name that stays inside the directory. */
static char *
log_path(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;
	const char *p;

	buf_addf(&b, "%s/", dir);
	for (p = name; *p; p++) {
		char c = *p;
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
			    (c == '.' && p != name);

		buf_addc(&b, keep ? c : '_');
	}
	buf_adds(&b, ".log");
	return buf_detach(&b);
}

/* --log-dir (created if missing) and --report, before anything starts. */
static int
fleet_outputs(struct fleet *f)
{
	const struct fleet_opts *fo = f->fo;
	struct err e = ERR_INIT;
	char real[PATH_MAX];
	struct stat st;
	size_t i;

	if (fo->log_dir) {
		if (mkdir(fo->log_dir, 0700) < 0 && errno != EEXIST) {
			fprintf(stderr, "migratore: error: --log-dir %s: %s\n",
				fo->log_dir, strerror(errno));
			return EXIT_USAGE;
		}
		if (stat(fo->log_dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    access(fo->log_dir, W_OK | X_OK) < 0) {
			fprintf(stderr,
				"migratore: error: --log-dir %s: not a "
				"writable directory\n",
				fo->log_dir);
			return EXIT_USAGE;
		}
		/* Absolute, so that the report still finds them later. */
		if (realpath(fo->log_dir, real) == NULL)
			xsnprintf(real, sizeof(real), "%s", fo->log_dir);
		for (i = 0; i < f->n; i++)
			f->jobs[i].log_path = f->logs[i] =
			    log_path(real, f->sel[i]->name);
	}
	if (fo->report && report_file_open(&f->rf, fo->report, &e) < 0) {
		print_err("", &e);
		return EXIT_USAGE;
	}
	return 0;
}

static void
make_run_id(struct fleet *f, time_t now)
{
	runinfo_run_id(now, f->run_id, sizeof(f->run_id));
	runinfo_host(f->host, sizeof(f->host));
}

static size_t
default_jobs(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long jobs = (ncpu > 0 ? ncpu : 1) * 4;

	return (size_t)(jobs < MAX_DEFAULT_JOBS ? jobs : MAX_DEFAULT_JOBS);
}

/*
 * Each running worker costs the coordinator two descriptors at most (its
 * pipe, its log while it starts). Raise the soft limit as far as the hard
 * one allows, and run fewer workers at once if that is still not enough.
 */
static size_t
fit_jobs(size_t jobs)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)jobs * 2 + 64;
	size_t fit;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= want)
		return jobs;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want)
		rl.rlim_cur = want;
	else
		rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	fit = rl.rlim_cur > 66 ? (size_t)(rl.rlim_cur - 64) / 2 : 1;
	if (fit >= jobs)
		return jobs;
	log_warn("--jobs %zu: running %zu at a time, as many as the limit on "
		 "open files allows (ulimit -n %llu)",
		 jobs, fit, (unsigned long long)rl.rlim_cur);
	return fit;
}

/* The fleet-only keys, in the column layout settings_environ chose. */
static void
environ_fleet_keys(const struct fleet *f, const struct target *t,
		   const char *lines, struct buf *out)
{
	const char *colon = strstr(lines, " : ");
	int w = colon ? (int)(colon - lines) : 12;
	size_t i;

	buf_addf(out, "%-*s : %s (%s)\n", w, "path", migrations_path(f, t),
		 f->fo->path ? "command line"
		 : t->path   ? "inventory"
			     : "default");
	if (t->tags.n > 0) {
		buf_addf(out, "%-*s : ", w, "tags");
		for (i = 0; i < t->tags.n; i++)
			buf_addf(out, "%s%s", i ? ", " : "", t->tags.v[i]);
		buf_adds(out, " (inventory)\n");
	}
	if (f->fo->timeout > 0 || t->timeout > 0)
		buf_addf(out, "%-*s : %gs (%s)\n", w, "timeout",
			 f->fo->timeout > 0 ? f->fo->timeout : t->timeout,
			 f->fo->timeout > 0 ? "command line" : "inventory");
}

static int
fleet_environ(const struct fleet *f)
{
	struct buf out = BUF_INIT, lines = BUF_INIT;
	size_t i;

	for (i = 0; i < f->n; i++) {
		buf_reset(&lines);
		settings_environ(f->sel[i], &lines);
		buf_addf(&out, "%s== %s ==\n%s", i ? "\n" : "",
			 f->sel[i]->name, lines.ptr);
		environ_fleet_keys(f, f->sel[i], lines.ptr, &out);
	}
	fwrite(out.ptr, 1, out.len, stdout);
	buf_release(&out);
	buf_release(&lines);
	return EXIT_OK;
}

/* Text on stdout (list/errors --format json: JSON there, text on stderr),
 * the JSON report into its file. */
static int
fleet_report(struct fleet *f, const struct report *r)
{
	const struct fleet_opts *fo = f->fo;
	bool json_results = fo->json &&
			    (fo->cmd == CMD_LIST || fo->cmd == CMD_ERRORS);
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	int code = report_exit_code(r);

	if (json_results) {
		report_results_json(r, &out);
		fwrite(out.ptr, 1, out.len, stdout);
		fflush(stdout);
		buf_reset(&out);
		report_text(r, false, progress_want_color(STDERR_FILENO),
			    &out);
		fwrite(out.ptr, 1, out.len, stderr);
	} else {
		report_text(r, true, progress_want_color(STDOUT_FILENO), &out);
		fwrite(out.ptr, 1, out.len, stdout);
	}
	fflush(stdout);
	if (fo->report) {
		if (report_file_write(&f->rf, r, &e) < 0) {
			print_err("", &e);
			if (code == EXIT_OK)
				code = EXIT_FAILED;
		}
	}
	buf_release(&out);
	return code;
}

static void
report_fill(const struct fleet *f, struct report *r, struct report_row *rows,
	    size_t jobs, time_t start, int interrupted)
{
	const struct fleet_opts *fo = f->fo;
	size_t i;

	for (i = 0; i < f->n; i++) {
		rows[i].t = f->sel[i];
		rows[i].log = f->logs[i];
		rows[i].o = &f->outs[i];
	}
	memset(r, 0, sizeof(*r));
	r->tool_version = PACKAGE_VERSION;
	r->run_id = f->run_id;
	r->command = fo->show_environ ? "environ" : command_name(fo->cmd);
	r->host = f->host;
	r->start = start;
	r->end = time(NULL);
	r->interrupted = interrupted;
	r->inventory = fo->inventory;
	r->path = fo->path;
	r->id = fo->id;
	r->select = &fo->select;
	r->jobs = jobs;
	r->timeout = fo->timeout;
	r->log_dir = fo->log_dir;
	r->allow_out_of_order = fo->allow_out_of_order;
	r->rows = rows;
	r->n = f->n;
}

static int
fleet_execute(struct fleet *f)
{
	const struct fleet_opts *fo = f->fo;
	struct coordinator_config cfg;
	struct progress prog;
	struct report rep;
	struct report_row *rows;
	struct sched_config sc;
	time_t start = time(NULL);
	size_t jobs;
	int sig, code;

	make_run_id(f, start);
	memset(&cfg, 0, sizeof(cfg));
	cfg.cmd = fo->cmd;
	cfg.opts.id = fo->id;
	cfg.opts.json = fo->json;
	cfg.opts.allow_out_of_order = fo->allow_out_of_order;
	cfg.opts.run_id = f->run_id;
	cfg.opts.host = f->host;
	jobs = fit_jobs(fo->jobs > 0 ? (size_t)fo->jobs : default_jobs());
	memset(&sc, 0, sizeof(sc));
	sc.jobs = jobs;
	sc.max_jobs = jobs;
	f->sched = sched_new(&sc, f->sel, f->n);
	cfg.sched = f->sched;
	cfg.grace_term = GRACE_TERM;
	cfg.grace_kill = GRACE_KILL;
	cfg.progress = &prog;
	progress_init(&prog, stderr, f->n,
		      fo->progress && isatty(STDERR_FILENO) == 1,
		      progress_want_color(STDERR_FILENO), fo->quiet,
		      ev_time());
	log_info("run %s: %s on %zu targets, %zu at a time", f->run_id,
		 command_name(fo->cmd), f->n, jobs);
	sig = coordinator_run(&cfg, f->jobs, f->n);
	progress_end(&prog);
	if (sig < 0)
		return EXIT_FAILED;
	rows = xcalloc(f->n, sizeof(*rows));
	report_fill(f, &rep, rows, jobs, start, sig);
	code = fleet_report(f, &rep);
	free(rows);
	return code;
}

static void
fleet_release(struct fleet *f)
{
	size_t i;

	for (i = 0; i < f->ndirs; i++) {
		free(f->dirs[i].key);
		migset_free(f->dirs[i].ms);
	}
	free(f->dirs);
	for (i = 0; f->outs && i < f->n; i++)
		outcome_release(&f->outs[i]);
	free(f->outs);
	for (i = 0; f->logs && i < f->n; i++)
		free(f->logs[i]);
	free(f->logs);
	free(f->jobs);
	free(f->sel);
	report_file_release(&f->rf);
	sched_free(f->sched);
	inventory_free(f->inv);
}

int
fleet_run(const struct fleet_opts *fo)
{
	struct fleet f;
	size_t i;
	int r;

	memset(&f, 0, sizeof(f));
	f.fo = fo;
	f.rf = (struct report_file)REPORT_FILE_INIT;
	/* A closed report pipe must not kill the coordinator mid-run. */
	signal(SIGPIPE, SIG_IGN);
	if ((r = fleet_load(&f)) != 0)
		goto out;
	if (fo->show_environ) {
		r = fleet_environ(&f);
		goto out;
	}
	f.jobs = xcalloc(f.n, sizeof(*f.jobs));
	f.outs = xcalloc(f.n, sizeof(*f.outs));
	f.logs = xcalloc(f.n, sizeof(*f.logs));
	for (i = 0; i < f.n; i++)
		outcome_init(&f.outs[i]);
	if ((r = fleet_check(&f)) != 0 || (r = fleet_outputs(&f)) != 0)
		goto out;
	r = fleet_execute(&f);
out:
	fleet_release(&f);
	return r;
}
