/*
 * fleet_run: start the spawner (orchestrator/spawner.h) while the process
 * is still small, load and check everything (inventory, selection,
 * migrations, target settings, output paths) before any worker is forked,
 * run the coordinator, then write the consolidated report.
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
#include "common/safefile.h"
#include "common/xmalloc.h"
#include "config/inventory.h"
#include "config/selection.h"
#include "config/settings.h"
#include "drivers/driver.h"
#include "orchestrator/coordinator.h"
#include "orchestrator/deadline.h"
#include "orchestrator/discover.h"
#include "orchestrator/dryplan.h"
#include "orchestrator/fleetstatus.h"
#include "orchestrator/lineup.h"
#include "orchestrator/outcome.h"
#include "orchestrator/outputs.h"
#include "orchestrator/progress.h"
#include "orchestrator/report.h"
#include "orchestrator/sched.h"
#include "orchestrator/spawner.h"
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
	const struct fleet_args *fa;
	const struct options *o; /* fa->opts */
	struct inventory *inv;
	struct target **sel; /* selected targets, inventory order */
	size_t n;
	struct migdir *dirs;
	size_t ndirs;
	size_t capdirs;
	struct coordinator_job *jobs;
	struct outcome *outs;
	struct intern texts; /* the outcomes' RESULT texts, each kept once */
	char **logs;
	struct safedir log_dir; /* --log-dir, held open for the whole run */
	struct outputs outputs;
	char run_id[RUNINFO_ID_MAX];
	char host[RUNINFO_HOST_MAX];
	time_t start;
	double deadline;     /* epoch seconds; 0 = none */
	struct lineup lu;    /* --select, --resume, --shard, the rollout */
	struct sched_config sc;
	struct sched *sched;
	size_t parallel;     /* the run's parallelism, fitted */
	struct eventlog events; /* --log-format json */
	bool has_events;
	double t0;           /* ev_time() at the start of the run */
	struct spawner spawner; /* forks the workers */
};

/* Through common/log.c: "migratore: error: ...", or its JSON line. */
static void
print_err(const char *prefix, const struct err *e)
{
	char text[ERR_TEXT_MAX];

	err_text(e, text, sizeof(text));
	log_error("%s%s", prefix, text);
}

static void
print_warnings(struct strv *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		log_warn("%s", w->v[i]);
	strv_release(w);
}

/* The options that need no inventory; a bad one is a usage error. */
static int
fleet_options(struct fleet *f, struct err *e)
{
	const struct options *o = f->o;
	int r;

	if (f->fa->cmd == CMD_REPAIR && o->select.n == 0)
		return err_set(e, ERR_USAGE,
			       "repair on a fleet needs --select: the targets "
			       "whose changes are intended (--select '*' for "
			       "every one)");
	if (selection_check_each(&o->select, "--select", e) < 0 ||
	    (o->deadline &&
	     deadline_parse(o->deadline, ev_time(), &f->deadline, e) < 0))
		return e->code = ERR_USAGE;
	/* a --resume report that cannot be read is a configuration error */
	if ((r = lineup_init(&f->lu, o, command_name(f->fa->cmd), e)) < 0)
		return e->code = r == ERR_USAGE ? ERR_USAGE : ERR_CONFIG;
	return 0;
}

/* Inventory, selection and rollout. */
static int
fleet_load(struct fleet *f, struct err *e)
{
	struct strv problems = STRV_INIT;
	struct discoverer ops;
	struct discover disc;
	const char *login;
	size_t i, selected;
	int r;

	discover_init(&disc, f->lu.resume_doc);
	ops = discover_ops(&disc);
	if (inventory_load_discovering(f->fa->inventory, f->fa->envp, &ops,
				       &f->inv, &problems, e) < 0) {
		for (i = 0; i < problems.n; i++)
			fprintf(stderr, "%s\n", problems.v[i]);
		strv_release(&problems);
		return e->code = ERR_CONFIG;
	}
	strv_release(&problems);
	/* what it recorded is in the inventory now; the rest is big */
	reportdoc_free(f->lu.resume_doc);
	f->lu.resume_doc = NULL;
	/* before any fork: no worker or program inherits another's secret */
	settings_scrub(f->fa->envp, &f->inv->secret_vars);
	print_warnings(&f->inv->warnings);
	for (i = 0; i < f->inv->n; i++)
		options_apply(f->o, f->inv->v[i]);
	f->sel = xcalloc(f->inv->n ? f->inv->n : 1, sizeof(*f->sel));
	lineup_select(&f->lu, f->inv, f->sel, &f->n, &selected);
	print_warnings(&f->lu.warnings);
	if (selected == 0)
		return err_set(e, ERR_USAGE, "%s: %s", f->fa->inventory,
			       f->inv->n ? "--select matches no target"
					 : "the inventory has no target");
	if ((r = lineup_rollout(&f->lu, f->inv, e)) < 0)
		return r;
	if (f->n == 0 && !f->o->quiet)
		fprintf(stderr, "migratore: no target to run: %s\n",
			f->o->resume ? "every target of the --resume report "
				       "finished"
				     : "the shard has none");
	login = runinfo_login(); /* once: it may read the password file */
	for (i = 0; i < f->n; i++)
		if (f->sel[i]->operator_name == NULL) {
			f->sel[i]->operator_name = xstrdup(login);
			f->sel[i]->source[CFG_OPERATOR] = SRC_DEFAULT;
		}
	return 0;
}

/* repair records changes as intended: the user says so for the targets
 * selected, once, before anything starts. */
static int
fleet_confirm(struct fleet *f, struct err *e)
{
	char q[200];

	if (f->fa->cmd != CMD_REPAIR || f->o->yes || f->n == 0)
		return 0;
	xsnprintf(q, sizeof(q),
		  "Record the changes of the drifted migrations of %zu "
		  "target%s as intended (a Repair row for each)? [y/N] ",
		  f->n, f->n == 1 ? "" : "s");
	if (f->fa->confirm != NULL && f->fa->confirm(q))
		return 0;
	return err_set(e, ERR_STATE, "repair was not confirmed: nothing was "
				     "written");
}

/* The [path] argument beats the inventory's path (flags beat files). */
static const char *
migrations_path(const struct fleet *f, const struct target *t)
{
	if (f->fa->path)
		return f->fa->path;
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

/* Load every migrations directory once and check every target; each
 * problem printed. */
static int
fleet_check(struct fleet *f, struct err *e)
{
	bool migs = command_needs_migrations(f->fa->cmd);
	char *prefix;
	size_t i;
	int r = 0;

	for (i = 0; i < f->n; i++) {
		struct target *t = f->sel[i];

		f->jobs[i].t = t;
		f->jobs[i].migpath = migrations_path(f, t);
		f->jobs[i].out = &f->outs[i];
		err_clear(e);
		if (driver_validate(t, e) < 0) {
			prefix = xasprintf("target %s: ", t->name);
			print_err(prefix, e);
			free(prefix);
			r = ERR_CONFIG;
			continue;
		}
		/* a file that splits for some engines only stops the run
		 * too, before any fork: fleets mix engines */
		if (migs && ((f->jobs[i].ms = migdir_get(
				      f, migrations_path(f, t), e)) == NULL ||
			     migset_check(f->jobs[i].ms, t->engine, e) < 0)) {
			prefix = xasprintf("target %s: ", t->name);
			print_err(prefix, e);
			free(prefix);
			r = ERR_CONFIG;
			break; /* one broken directory is enough */
		}
		f->jobs[i].timeout = f->o->timeout >= 0 ? f->o->timeout
							: t->timeout;
	}
	err_clear(e); /* printed */
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

/*
 * --log-dir (created, mode 0700, if missing; never a symbolic link) with
 * every log name checked, and the reports, before anything starts. The
 * logs are created in the directory as opened now, whatever its path
 * points to later (common/safefile.h).
 */
static int
fleet_outputs(struct fleet *f, struct err *e)
{
	const char *dir = f->o->log_dir;
	struct err why = ERR_INIT;
	char real[PATH_MAX];
	size_t i;

	if (dir && (safedir_open(&f->log_dir, dir,
				 SAFEDIR_CREATE | SAFEDIR_NOFOLLOW, &why) < 0 ||
		    faccessat(f->log_dir.fd, ".", W_OK | X_OK, 0) < 0))
		return err_set(e, ERR_USAGE, "--log-dir %s: %s", dir,
			       why.code ? why.msg : "not a writable directory");
	/* Absolute, so that the report still finds them later. */
	if (dir && realpath(dir, real) == NULL)
		xsnprintf(real, sizeof(real), "%s", dir);
	for (i = 0; dir && i < f->n; i++) {
		f->jobs[i].log_path = f->logs[i] =
		    log_path(real, f->sel[i]->name);
		f->jobs[i].log_name = strrchr(f->logs[i], '/') + 1;
		if (safefile_check(&f->log_dir, f->jobs[i].log_name, &why) < 0)
			return err_set(e, ERR_USAGE, "--log-dir %s: %s", dir,
				       why.msg);
	}
	f->outputs.json_results = f->o->format == OPTIONS_JSON &&
				  (f->fa->cmd == CMD_LIST ||
				   f->fa->cmd == CMD_ERRORS);
	return outputs_open(&f->outputs, f->o, e);
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
		 f->fa->path ? "command line"
		 : t->path   ? "inventory"
			     : "default");
	if (t->tags.n > 0) {
		buf_addf(out, "%-*s : ", w, "tags");
		for (i = 0; i < t->tags.n; i++)
			buf_addf(out, "%s%s", i ? ", " : "", t->tags.v[i]);
		buf_adds(out, " (inventory)\n");
	}
	if (f->o->timeout > 0 || (f->o->timeout < 0 && t->timeout > 0))
		buf_addf(out, "%-*s : %gs (%s)\n", w, "timeout",
			 f->o->timeout > 0 ? f->o->timeout : t->timeout,
			 f->o->timeout > 0 ? "command line" : "inventory");
}

/* --format json: each target's name mapped to its keys. */
static int
fleet_environ(const struct fleet *f)
{
	struct buf out = BUF_INIT, lines = BUF_INIT;
	bool json = f->o->format == OPTIONS_JSON;
	struct json j;
	size_t i;

	json_init(&j, &out, true);
	if (json)
		json_object_begin(&j, NULL);
	for (i = 0; i < f->n; i++) {
		buf_reset(&lines);
		settings_environ(f->sel[i], &lines);
		if (!json)
			buf_addf(&out, "%s== %s ==\n%s", i ? "\n" : "",
				 f->sel[i]->name, lines.ptr);
		environ_fleet_keys(f, f->sel[i], lines.ptr,
				   json ? &lines : &out);
		if (!json)
			continue;
		json_object_begin(&j, f->sel[i]->name);
		settings_environ_json(lines.ptr, &j);
		json_object_end(&j);
	}
	if (json) {
		json_object_end(&j);
		buf_addc(&out, '\n');
	}
	fwrite(out.ptr, 1, out.len, stdout);
	buf_release(&out);
	buf_release(&lines);
	return 0;
}

/* "3", "10%": a budget as the user wrote it. NULL when not set. */
static char *
budget_text(const struct rollout_budget *b)
{
	if (!b->set)
		return NULL;
	return xasprintf("%g%s", b->value, b->percent ? "%" : "");
}

static const char *
wave_status(const struct sched_wave *w)
{
	if (w->started == 0)
		return w->size == 0 ? "completed" : "not-started";
	return w->over && w->done == w->size ? "completed" : "stopped";
}

/* The schedule's waves as the report shows them; free with waves_free. */
static struct report_wave *
waves_fill(const struct fleet *f, size_t *n)
{
	const struct rollout *r = f->lu.rollout;
	struct report_wave *v;
	size_t i;

	*n = sched_nwaves(f->sched);
	v = xcalloc(*n ? *n : 1, sizeof(*v));
	for (i = 0; i < *n; i++) {
		const struct sched_wave *w = sched_wave(f->sched, i);

		v[i].name = w->name;
		v[i].targets = w->size;
		v[i].started = w->started;
		v[i].failed = w->failed;
		v[i].jobs = w->jobs;
		v[i].start = w->start;
		v[i].end = w->end;
		v[i].status = wave_status(w);
		if (r && i < r->n)
			v[i].max_failures = budget_text(&r->v[i].max_failures);
	}
	return v;
}

static void
waves_free(struct report_wave *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free((char *)v[i].max_failures);
	free(v);
}

static void
report_fill(const struct fleet *f, struct report *r, struct report_row *rows,
	    int interrupted, char *deadline, size_t size)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		rows[i].t = f->sel[i];
		rows[i].log = f->logs[i];
		rows[i].o = &f->outs[i];
		rows[i].wave = sched_wave_of(f->sched, i);
	}
	memset(r, 0, sizeof(*r));
	r->tool_version = PACKAGE_VERSION;
	r->run_id = f->run_id;
	r->command = f->fa->show_environ ? "environ" : command_name(f->fa->cmd);
	r->host = f->host;
	r->start = f->start;
	r->end = time(NULL);
	r->interrupted = interrupted;
	r->opts = f->o;
	r->inventory = f->fa->inventory;
	r->path = f->fa->path;
	r->id = f->fa->id;
	r->jobs = f->parallel;
	if (f->deadline > 0) {
		deadline_iso(f->deadline, deadline, size);
		r->deadline = deadline;
	}
	r->rows = rows;
	r->n = f->n;
	r->show_waves = f->lu.rollout && f->lu.rollout->n > 0;
	r->stopped = sched_halted(f->sched) ? sched_halt_text(f->sched) : NULL;
	r->discovered = f->inv->discovered;
	r->ndiscovered = f->inv->ndiscovered;
}

/* The schedule: waves, jobs, per-host cap, retries, deadline. */
static void
fleet_schedule(struct fleet *f)
{
	const struct options *o = f->o;
	struct sched_config *sc = &f->sc;
	size_t want = o->jobs > 0 ? (size_t)o->jobs : default_jobs();
	size_t w;

	/* a wave's jobs may ask for more than --jobs: fit the most */
	for (w = 0; f->lu.rollout && w < f->lu.rollout->n; w++)
		if (f->lu.rollout->v[w].jobs > 0 &&
		    (size_t)f->lu.rollout->v[w].jobs > want)
			want = (size_t)f->lu.rollout->v[w].jobs;
	memset(sc, 0, sizeof(*sc));
	sc->rollout = f->lu.rollout;
	sc->max_jobs = fit_jobs(want);
	f->parallel = o->jobs > 0 ? (size_t)o->jobs : default_jobs();
	if (f->parallel > sc->max_jobs)
		f->parallel = sc->max_jobs;
	sc->jobs = f->parallel;
	sc->per_host = o->per_host > 0 ? (size_t)o->per_host : 0;
	sc->retries = o->retries > 0 ? (unsigned)o->retries : 0;
	sc->deadline = f->deadline;
	f->sched = sched_new(sc, f->sel, f->n);
}

/* Report the run: waves, a dry run's plan, the outputs. */
static int
fleet_finish(struct fleet *f, int sig, struct err *e)
{
	bool dry = f->fa->cmd == CMD_DRY_UPGRADE ||
		   f->fa->cmd == CMD_DRY_DOWNGRADE;
	struct report_row *rows = xcalloc(f->n ? f->n : 1, sizeof(*rows));
	struct report_wave *waves;
	struct fleetstatus status;
	struct dryplan plan;
	struct report rep;
	char deadline[32];
	size_t i, nwaves;
	int code;

	report_fill(f, &rep, rows, sig, deadline, sizeof(deadline));
	rep.waves = waves = waves_fill(f, &nwaves);
	rep.nwaves = nwaves;
	dryplan_init(&plan, f->fa->cmd == CMD_DRY_DOWNGRADE);
	if (dry) {
		for (i = 0; i < f->n; i++)
			dryplan_add(&plan, f->sel[i]->name, &f->outs[i]);
		dryplan_finish(&plan);
		rep.plan = &plan;
	}
	if (f->fa->cmd == CMD_STATUS) {
		fleetstatus_build(&status, rows, f->n, f->fa->strict,
				  (int64_t)time(NULL));
		rep.status = &status;
	}
	code = outputs_write(&f->outputs, &rep, e);
	if (rep.status)
		fleetstatus_release(&status);
	if (f->has_events)
		report_event_end(&rep, &f->events, ev_time() - f->t0);
	dryplan_release(&plan);
	waves_free(waves, nwaves);
	free(rows);
	return code;
}

static int
fleet_execute(struct fleet *f, struct err *e)
{
	const struct options *o = f->o;
	bool live = !o->quiet && isatty(STDERR_FILENO) == 1;
	struct coordinator_config cfg;
	struct progress prog;
	int r, sig;

	make_run_id(f, f->start);
	fleet_schedule(f);
	memset(&cfg, 0, sizeof(cfg));
	cfg.cmd = f->fa->cmd;
	cfg.opts.id = f->fa->id;
	/* the workers' rows as JSON: list and errors only (the dry runs'
	 * <Migration> lines make the fleet's plan) */
	cfg.opts.json = o->format == OPTIONS_JSON &&
			(f->fa->cmd == CMD_LIST || f->fa->cmd == CMD_ERRORS);
	cfg.opts.sql = o->sql;
	cfg.opts.allow_out_of_order = o->allow_out_of_order;
	cfg.opts.strict_checksums = o->strict_checksums;
	cfg.opts.yes = true; /* repair: confirmed by fleet_confirm */
	cfg.opts.run_id = f->run_id;
	cfg.opts.host = f->host;
	cfg.sched = f->sched;
	cfg.limits = &f->sc;
	cfg.grace_term = GRACE_TERM;
	cfg.grace_kill = GRACE_KILL;
	cfg.progress = &prog;
	cfg.log_dir = f->o->log_dir ? &f->log_dir : NULL;
	cfg.spawner = &f->spawner;
	/* the spawner sets up the database libraries for its workers */
	if (f->n > 0 && (r = spawner_setup(&f->spawner, cfg.cmd, &cfg.opts,
					   &f->inv->secret_vars, e)) < 0)
		return r;
	f->t0 = ev_time();
	progress_init(&prog, stderr, f->n, live,
		      progress_want_color(STDERR_FILENO), o->quiet, f->t0);
	log_set_run_id(f->run_id);
	if (o->log_format == OPTIONS_JSON) {
		eventlog_init(&f->events, stderr, f->run_id);
		f->has_events = true;
		prog.events = &f->events;
		eventlog_run_start(&f->events, command_name(f->fa->cmd),
				   "fleet", f->host, f->n);
	}
	log_info("run %s: %s on %zu targets, %zu at a time", f->run_id,
		 command_name(f->fa->cmd), f->n, f->parallel);
	r = coordinator_run(&cfg, f->jobs, f->n, e);
	progress_end(&prog);
	progress_release(&prog);
	if (r < 0 && r != ERR_INTERRUPTED)
		return r;
	sig = r == ERR_INTERRUPTED ? e->signal : 0;
	err_clear(e); /* the report says it */
	return fleet_finish(f, sig, e);
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
	intern_release(&f->texts);
	for (i = 0; f->logs && i < f->n; i++)
		free(f->logs[i]);
	free(f->logs);
	free(f->jobs);
	free(f->sel);
	outputs_release(&f->outputs);
	safedir_close(&f->log_dir);
	if (f->has_events)
		eventlog_release(&f->events);
	sched_free(f->sched);
	lineup_release(&f->lu);
	inventory_free(f->inv);
	spawner_stop(&f->spawner);
}

int
fleet_run(const struct fleet_args *fa, struct err *e)
{
	struct fleet f;
	size_t i;
	int r;

	memset(&f, 0, sizeof(f));
	f.fa = fa;
	f.o = fa->opts;
	f.outputs = (struct outputs)OUTPUTS_INIT;
	f.log_dir = (struct safedir)SAFEDIR_INIT;
	f.spawner = (struct spawner)SPAWNER_INIT;
	f.start = time(NULL);
	/* A closed report pipe must not kill the coordinator mid-run. */
	signal(SIGPIPE, SIG_IGN);
	/* First: nothing that grows with the fleet is loaded yet, so that
	 * forking a worker from it costs the same for any fleet size. */
	if (!fa->show_environ && (r = spawner_start(&f.spawner, fa->envp, e)) < 0)
		goto out;
	if ((r = fleet_options(&f, e)) != 0 || (r = fleet_load(&f, e)) != 0 ||
	    (r = fleet_confirm(&f, e)) != 0)
		goto out;
	if (fa->show_environ) {
		r = fleet_environ(&f);
		goto out;
	}
	f.jobs = xcalloc(f.n, sizeof(*f.jobs));
	f.outs = xcalloc(f.n, sizeof(*f.outs));
	f.logs = xcalloc(f.n, sizeof(*f.logs));
	for (i = 0; i < f.n; i++) {
		outcome_init(&f.outs[i]);
		f.outs[i].texts = &f.texts;
	}
	if ((r = fleet_check(&f, e)) != 0 || (r = fleet_outputs(&f, e)) != 0)
		goto out;
	r = fleet_execute(&f, e);
out:
	fleet_release(&f);
	return r;
}
