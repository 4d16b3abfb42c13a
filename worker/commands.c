/* Database commands against one target, shared by both modes. */
#include "config.h"

#include "worker/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "drivers/driver.h"
#include "worker/cmdcheck.h"
#include "worker/cmdctx.h"
#include "worker/ledger.h"
#include "worker/ledger_progress.h"
#include "worker/plan.h"
#include "worker/repair.h"
#include "worker/rowlist.h"
#include "worker/runner.h"
#include "worker/sqlplan.h"
#include "worker/status.h"
#include "common/banned.h"

static int cmd_upgrade(struct cmdctx *c);
static int cmd_dry_upgrade(struct cmdctx *c);
static int cmd_downgrade(struct cmdctx *c);
static int cmd_dry_downgrade(struct cmdctx *c);
static int cmd_mark(struct cmdctx *c);
static int cmd_skip(struct cmdctx *c);
static int cmd_rebuild(struct cmdctx *c);
static int cmd_list(struct cmdctx *c);
static int cmd_errors(struct cmdctx *c);
static int cmd_trace(struct cmdctx *c);
static int cmd_status(struct cmdctx *c);
static int cmd_repair(struct cmdctx *c);

static const struct cmd_def {
	const char *name;
	bool writes;     /* takes the lock and may create the table */
	bool probe;      /* checks, without waiting, that the lock is free */
	bool migrations; /* reads the migrations directory */
	bool full;       /* reads the long text columns */
	bool progress;   /* reads the progress table without writing */
	int (*fn)(struct cmdctx *c);
} cmd_table[] = {
	[CMD_UPGRADE] = { "upgrade", true, false, true, false, false,
			  cmd_upgrade },
	[CMD_DRY_UPGRADE] = { "dry_upgrade", false, true, true, false, false,
			      cmd_dry_upgrade },
	[CMD_DOWNGRADE] = { "downgrade", true, false, true, false, false,
			    cmd_downgrade },
	[CMD_DRY_DOWNGRADE] = { "dry_downgrade", false, true, true, false,
				false, cmd_dry_downgrade },
	[CMD_MARK] = { "mark", true, false, true, false, false, cmd_mark },
	[CMD_SKIP] = { "skip", true, false, true, false, false, cmd_skip },
	[CMD_REBUILD] = { "rebuild", true, false, true, false, false,
			  cmd_rebuild },
	[CMD_LIST] = { "list", false, false, false, false, false, cmd_list },
	[CMD_ERRORS] = { "errors", false, false, false, false, false,
			 cmd_errors },
	[CMD_TRACE] = { "trace", false, false, false, true, false, cmd_trace },
	/* no lock, not even a probe: status only reads */
	[CMD_STATUS] = { "status", false, false, true, false, true,
			 cmd_status },
	[CMD_REPAIR] = { "repair", true, false, true, false, false,
			 cmd_repair },
};
#define NCMDS (sizeof(cmd_table) / sizeof(cmd_table[0]))

bool
command_lookup(const char *name, enum command_id *out)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (strcmp(cmd_table[i].name, name) == 0) {
			*out = (enum command_id)i;
			return true;
		}
	return false;
}

const char *
command_name(enum command_id cmd)
{
	return cmd_table[cmd].name;
}

bool
command_needs_migrations(enum command_id cmd)
{
	return cmd_table[cmd].migrations;
}

/* A stop request between two migrations: leave before m. */
static bool
stop_before(struct cmdctx *c, const struct migration *m)
{
	if (c->o->stop == NULL || *c->o->stop == 0)
		return false;
	c->sum.stopped = true;
	err_set(&c->e, ERR_STATE, "stopped before %s: the run was interrupted",
		m->filename);
	return true;
}

/*
 * Called once every check has passed and just before the first write:
 * creates a schema target's missing schema (create_schema) and the
 * bookkeeping table or adds missing columns, so a refused command (exit 1
 * or 3) leaves the database exactly as it was. When that fails (a full
 * disk, no privilege), no migration ran: exit 4 with the database's
 * words, not 1 (a failed migration).
 */
static int
writable(struct cmdctx *c)
{
	size_t n;
	int r = 0;

	if (c->db->schema_missing &&
	    (r = db_create_schema(c->db, &c->e)) < 0)
		err_prefix(&c->e, "creating schema %s", c->db->schema);
	if (r == 0)
		r = ledger_ensure(c->db, &c->ledger, &c->e);
	if (r == 0 || r == ERR_CONNECT)
		return r;
	n = strlen(c->e.msg);
	snprintf(c->e.msg + n, sizeof(c->e.msg) - n, "; nothing was run");
	c->e.code = ERR_BOOKKEEPING;
	return ERR_BOOKKEEPING;
}

/* Run m, resuming after the statements an unfinished run committed. */
static int
upgrade_one(struct cmdctx *c, const struct migration *m)
{
	const struct section *s = migration_section(m, SEC_RUN, c->t->engine);
	int from = ledger_progress_of(&c->ledger, m->uuid);
	int doubt = cmdcheck_settle_doubt(c, m, &from);

	if (doubt != 0) /* refused, or it said where it resumes */
		return doubt < 0 ? doubt
				 : runner_run(&c->runner, m, OP_RUN, from, false,
					      &c->e);
	if (from > 0)
		cmdcheck_resume_warning(c, m, s, from);
	return runner_run(&c->runner, m, OP_RUN, from, false, &c->e);
}

static int
cmd_upgrade(struct cmdctx *c)
{
	size_t i;
	int r;

	if ((r = cmdcheck_checksums(c)) < 0 || (r = cmdcheck_out_of_order(c)) < 0 ||
	    (r = cmdcheck_runnable(c)) < 0)
		return r;
	/* writable() reads the progress rows; with rows to check, the
	 * tables are complete, so a refusal here still changed nothing */
	if (c->plan.npending > 0 &&
	    ((r = writable(c)) < 0 || (r = cmdcheck_resumable(c)) < 0))
		return r;
	for (i = 0; i < c->plan.npending; i++) {
		if (stop_before(c, cmdctx_mig(c, c->plan.pending[i]))) {
			c->sum.pending = (int)(c->plan.npending - i);
			return c->e.code;
		}
		r = upgrade_one(c, cmdctx_mig(c, c->plan.pending[i]));
		if (r < 0) {
			c->sum.pending = (int)(c->plan.npending - i);
			return r;
		}
	}
	return 0;
}

/* --sql: the statements the real command would run, one text per
 * migration (worker/sqlplan.h). */
static void
dry_sql(struct cmdctx *c, const char *command, const struct migration *m,
	enum section_kind kind, size_t n)
{
	struct buf b = BUF_INIT;

	if (m == NULL)
		sqlplan_header(command, c->t->engine, n,
			       !c->ledger.exists && n > 0, &b);
	else
		sqlplan_migration(c->db, c->t, c->o->host, m, kind,
				  kind == SEC_RUN
				      ? ledger_progress_of(&c->ledger, m->uuid)
				      : 0,
				  &b);
	sink_sql(c->sink, b.ptr);
	buf_release(&b);
}

static int
cmd_dry_upgrade(struct cmdctx *c)
{
	size_t i;

	if (c->plan.npending > 0 &&
	    ledger_read_progress(c->db, &c->ledger, &c->e) < 0)
		return c->e.code;
	if (cmdcheck_checksums(c) < 0)
		return c->e.code;
	if (c->o->sql)
		dry_sql(c, "dry_upgrade", NULL, SEC_RUN, c->plan.npending);
	for (i = 0; i < c->plan.npending; i++) {
		sink_planned(c->sink, cmdctx_mig(c, c->plan.pending[i]));
		if (c->o->sql)
			dry_sql(c, NULL, cmdctx_mig(c, c->plan.pending[i]), SEC_RUN,
				0);
	}
	c->sum.pending = (int)c->plan.npending;
	if (cmdcheck_out_of_order(c) < 0 || cmdcheck_runnable(c) < 0)
		return c->e.code;
	return cmdcheck_resumable(c);
}

static const struct migration *
last_applied(struct cmdctx *c)
{
	if (c->plan.newest_applied < 0) {
		err_set(&c->e, ERR_STATE, "no applied migration found in %s",
			c->ms->dir);
		return NULL;
	}
	return cmdctx_mig(c, (size_t)c->plan.newest_applied);
}

static int
cmd_downgrade(struct cmdctx *c)
{
	const struct migration *m;

	if ((m = last_applied(c)) == NULL)
		return c->e.code;
	if (!m->executable &&
	    migration_section(m, SEC_ROLLBACK, c->t->engine) == NULL)
		return err_set(&c->e, ERR_STATE,
			       "%s (%s) does not implement rollback: it has "
			       "no 'rollback' section for engine %s",
			       m->filename, m->uuid, c->t->engine);
	if (writable(c) < 0)
		return c->e.code;
	return runner_run(&c->runner, m, OP_ROLLBACK, 0, true, &c->e);
}

static int
cmd_dry_downgrade(struct cmdctx *c)
{
	const struct migration *m;

	if ((m = last_applied(c)) == NULL)
		return c->e.code;
	if (c->o->sql)
		dry_sql(c, "dry_downgrade", NULL, SEC_ROLLBACK, 1);
	sink_planned(c->sink, m);
	if (c->o->sql)
		dry_sql(c, NULL, m, SEC_ROLLBACK, 0);
	return 0;
}

static int
cmd_mark(struct cmdctx *c)
{
	size_t i;
	int r;

	if (c->plan.npending > 0 && (r = writable(c)) < 0)
		return r;
	for (i = 0; i < c->plan.npending; i++) {
		if (stop_before(c, cmdctx_mig(c, c->plan.pending[i])))
			return c->e.code;
		r = runner_run(&c->runner, cmdctx_mig(c, c->plan.pending[i]),
			       OP_RUN_SKIP, 0, false, &c->e);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
cmd_skip(struct cmdctx *c)
{
	if (c->plan.npending == 0)
		return err_set(&c->e, ERR_STATE,
			       "no pending migration to skip in %s",
			       c->ms->dir);
	if (writable(c) < 0)
		return c->e.code;
	return runner_run(&c->runner, cmdctx_mig(c, c->plan.pending[0]), OP_RUN_SKIP,
			  0, false, &c->e);
}

/*
 * rebuild's resume point from (the failed run's count): past a statement
 * in doubt that the catalogue shows committed (settle_doubt), refused
 * when it cannot tell.
 */
static int
resolve_rebuild(struct cmdctx *c, const struct migration *m, int *from)
{
	int doubt = 0;

	if (*from == ledger_progress_of(&c->ledger, m->uuid))
		doubt = cmdcheck_settle_doubt(c, m, from);
	if (doubt == 0 && *from > 0)
		sink_warning(c->sink,
			     "%s: resuming at statement %d: the first %d were "
			     "committed by the failed run",
			     m->filename, *from + 1, *from);
	return doubt < 0 ? doubt : 0;
}

/*
 * rebuild --from N: the operator says the first N - 1 statements of the
 * run section committed (after a statement in doubt, say): run N on.
 */
static int
rebuild_from(struct cmdctx *c, const struct migration *m)
{
	const struct section *s = NULL;
	int n;

	if (!m->executable &&
	    migration_section(m, SEC_RUN_PARTIAL, c->t->engine) == NULL)
		s = migration_section(m, SEC_RUN, c->t->engine);
	if (s == NULL)
		return err_set(&c->e, ERR_USAGE,
			       "rebuild --from counts the statements of a run "
			       "section: %s has %s",
			       m->filename,
			       m->executable ? "none (it is a program)"
					     : "a run_partial section, run whole");
	n = (int)section_stmts(s, c->t->engine)->n;
	if (c->o->from > n + 1)
		return err_set(&c->e, ERR_USAGE,
			       "rebuild --from %d: %s has %d statements (%d: "
			       "all of them committed)",
			       c->o->from, m->filename, n, n + 1);
	sink_warning(c->sink,
		     "%s: running statement %d on, as told (--from %d): the "
		     "first %d are taken as committed",
		     m->filename, c->o->from, c->o->from, c->o->from - 1);
	return runner_run(&c->runner, m, OP_RUN_PARTIAL, c->o->from - 1, false,
			  &c->e);
}

static int
cmd_rebuild(struct cmdctx *c)
{
	const struct migration *m;
	int from = 0;

	if (c->o->id == NULL)
		return err_set(&c->e, ERR_USAGE, "rebuild needs a migration id");
	if ((m = migset_find(c->ms, c->o->id)) == NULL)
		return err_set(&c->e, ERR_NOTFOUND,
			       "migration '%s' not found in %s", c->o->id,
			       c->ms->dir);
	/* Before the resume point: it loads the progress rows too. */
	if (writable(c) < 0)
		return c->e.code;
	if (c->o->from > 0)
		return rebuild_from(c, m);
	if (!m->executable &&
	    migration_section(m, SEC_RUN_PARTIAL, c->t->engine) == NULL) {
		from = plan_resume_point(&c->ledger, m->uuid);
		if (ledger_progress_of(&c->ledger, m->uuid) > from)
			from = ledger_progress_of(&c->ledger, m->uuid);
		if (resolve_rebuild(c, m, &from) < 0)
			return c->e.code;
	}
	return runner_run(&c->runner, m, OP_RUN_PARTIAL, from, false, &c->e);
}

static int
list_rows(struct cmdctx *c, bool errors)
{
	struct buf b = BUF_INIT;

	rowlist_render(&c->ledger, errors, c->o->json, &b);
	if (b.len > 0)
		sink_result(c->sink, b.ptr);
	buf_release(&b);
	return 0;
}

static int
cmd_list(struct cmdctx *c)
{
	if (c->ms)
		cmdcheck_warn_drift(c);
	return list_rows(c, false);
}

static int
cmd_errors(struct cmdctx *c)
{
	return list_rows(c, true);
}

static int
cmd_trace(struct cmdctx *c)
{
	const struct ledger_row *r;
	char *end;
	long long id;

	if (c->o->id == NULL)
		return err_set(&c->e, ERR_USAGE, "trace needs a row id");
	id = strtoll(c->o->id, &end, 10);
	if (end == c->o->id || *end != '\0')
		return err_set(&c->e, ERR_USAGE,
			       "trace: '%s' is not a row id (a number from "
			       "the ID line of list or errors)",
			       c->o->id);
	if ((r = ledger_find(&c->ledger, id)) == NULL)
		return err_set(&c->e, ERR_NOTFOUND,
			       "no bookkeeping row with id %lld", id);
	if (r->traceback == NULL || r->traceback[0] == '\0')
		return err_set(&c->e, ERR_NOTFOUND,
			       "row %lld has no traceback (result: %s)", id,
			       r->result ? r->result : "none");
	sink_result(c->sink, r->traceback);
	return 0;
}

static int
cmd_status(struct cmdctx *c)
{
	struct buf why = BUF_INIT;
	int r = 0;

	status_build(&c->status, c->ms, &c->ledger, &c->plan, c->t->engine,
		     (int64_t)time(NULL));
	sink_status(c->sink, &c->status);
	if ((c->o->strict || c->t->status_strict) &&
	    status_unclean(&c->status)) {
		status_problems(&c->status, &why);
		r = err_set(&c->e, ERR_STATE, "--strict: not up to date: %s",
			    why.ptr);
	}
	buf_release(&why);
	return r;
}

/* repair asks first, unless --yes: nothing is written without it. */
static bool
repair_confirmed(struct cmdctx *c, size_t n)
{
	char q[160];

	if (c->o->yes)
		return true;
	if (c->o->confirm == NULL)
		return false;
	xsnprintf(q, sizeof(q),
		  "Record %s as intended (a Repair row for %s)? [y/N] ",
		  n == 1 ? "this change" : "these changes",
		  n == 1 ? "it" : "each");
	return c->o->confirm(q);
}

static int
cmd_repair(struct cmdctx *c)
{
	struct buf lines = BUF_INIT;
	size_t i;
	int r = 0;

	if (c->plan.ndrifted == 0) {
		sink_result(c->sink, "Nothing to repair: every applied "
				     "migration matches its file");
		return 0;
	}
	buf_addf(&lines, "Changed since %s applied:",
		 c->plan.ndrifted == 1 ? "it was" : "they were");
	cmdcheck_drifted_lines(c, "\n  ", &lines);
	sink_result(c->sink, lines.ptr);
	buf_release(&lines);
	if (!repair_confirmed(c, c->plan.ndrifted))
		return err_set(&c->e, ERR_STATE,
			       "repair was not confirmed%s: nothing was "
			       "written",
			       c->o->confirm ? "" : " (--yes)");
	if ((r = writable(c)) < 0)
		return r;
	for (i = 0; i < c->plan.n && r == 0; i++)
		if (c->plan.drifted[i])
			r = repair_record(&c->runner, cmdctx_mig(c, i), &c->e);
	return r;
}

/*
 * A testing aid, documented as one (migratore(1), LOCKING): with
 * MIGRATORE_TESTING_NO_LOCK=1 writing commands skip the migration lock,
 * so that a test can show the check inside the recording transaction
 * (ledger_claim) keeping every migration applied once on its own.
 */
static bool
lock_skipped(void)
{
	const char *v = getenv("MIGRATORE_TESTING_NO_LOCK");

	return v != NULL && strcmp(v, "1") == 0;
}

/* Connect, lock if writing, read the table and plan. */
/* The progress rows tell an interrupted migration from a pending one:
 * read only when something is pending (two round trips fewer for an up
 * to date target, what a fleet's status mostly sees). */
static int
read_progress(struct cmdctx *c)
{
	int r;

	if (!c->ledger.exists || c->ms == NULL || c->plan.npending == 0)
		return 0;
	if ((r = ledger_read_progress(c->db, &c->ledger, &c->e)) < 0)
		return r;
	plan_release(&c->plan);
	plan_compute(c->ms, &c->ledger, c->t->engine, &c->plan);
	return 0;
}

static int
command_prepare(struct cmdctx *c, const struct cmd_def *d)
{
	struct buf desc = BUF_INIT;
	int r;

	if ((r = driver_validate(c->t, &c->e)) < 0)
		return r;
	target_describe(c->t, &desc);
	sink_banner(c->sink, desc.ptr);
	buf_release(&desc);
	/* every file splits for this engine, or nothing is touched */
	if (d->migrations && (r = migset_check(c->ms, c->t->engine, &c->e)) < 0)
		return r;
	if ((r = db_connect(c->t, !d->writes, &c->db, &c->e)) < 0)
		return r;
	if (d->writes && !lock_skipped()) {
		r = ledger_lock_load(c->db, d->full, c->t->lock_timeout,
				     &c->ledger, &c->locked, &c->e);
		if (r < 0)
			return r;
	} else if (d->probe) {
		/* A dry run says whether the real one could start now: the
		 * lock is tried without waiting and let go at once. */
		if ((r = db_lock(c->db, 0, &c->e)) < 0)
			return r;
		if ((r = db_unlock(c->db, &c->e)) < 0)
			return r;
	}
	if (!c->locked &&
	    (r = ledger_load(c->db, d->full, &c->ledger, &c->e)) < 0)
		return r;
	if (c->ms)
		plan_compute(c->ms, &c->ledger, c->t->engine, &c->plan);
	return d->progress ? read_progress(c) : 0;
}

static void
count_pending(struct cmdctx *c)
{
	struct plan after;

	plan_compute(c->ms, &c->ledger, c->t->engine, &after);
	c->sum.pending = (int)after.npending;
	plan_release(&after);
}

static void
cmdctx_init(struct cmdctx *c, const struct target *t, const struct migset *ms,
	    const struct cmd_opts *o, struct sink *sink)
{
	*c = (struct cmdctx){ .t = t, .ms = ms, .o = o, .sink = sink };
	c->runner.t = t;
	c->runner.ledger = &c->ledger;
	c->runner.sink = sink;
	c->runner.run_id = o->run_id;
	c->runner.host = o->host;
	c->runner.sum = &c->sum;
}

/* The run summary of a command that returned r (< 0: c->e says why). */
static void
summarise(struct cmdctx *c, int r)
{
	char text[ERR_TEXT_MAX];

	c->sum.exit_code = r < 0 ? err_exit_code(c->e.code ? c->e.code : r) : 0;
	c->sum.error = r < 0 ? c->e.msg : NULL;
	c->sum.err_code = r < 0 ? (c->e.code ? c->e.code : r) : 0;
	if (r < 0 && c->e.file[0] != '\0') {
		err_text(&c->e, text, sizeof(text));
		memcpy(c->e.msg, text, sizeof(c->e.msg) - 1);
		c->e.msg[sizeof(c->e.msg) - 1] = '\0';
	}
}

int
command_run(enum command_id cmd, const struct target *t,
	    const struct migset *ms, const struct cmd_opts *o,
	    struct sink *sink)
{
	const struct cmd_def *d = &cmd_table[cmd];
	struct cmdctx c;
	int r;

	cmdctx_init(&c, t, ms, o, sink);
	if (d->migrations && ms == NULL) {
		r = err_set(&c.e, ERR_INTERNAL, "%s: no migrations", d->name);
		goto out;
	}
	if ((r = command_prepare(&c, d)) < 0)
		goto out;
	c.runner.db = c.db;
	r = d->fn(&c);
	if (ms && d->writes)
		count_pending(&c);
	else if (ms)
		c.sum.pending = (int)c.plan.npending;
out:
	if (c.db) {
		struct err ue = ERR_INIT;

		if (c.locked)
			db_unlock(c.db, &ue);
		db_close(c.db);
	}
	summarise(&c, r);
	sink_finished(sink, &c.sum);
	status_release(&c.status);
	plan_release(&c.plan);
	ledger_release(&c.ledger);
	return c.sum.err_code;
}
