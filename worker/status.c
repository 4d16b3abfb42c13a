/* `status` of one target: every migration's state, as text or JSON. */
#include "config.h"

#include "worker/status.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "worker/drift.h"
#include "common/banned.h"

/* ---- building ------------------------------------------------------------ */

/* What the rows of a uuid without a file say. */
static const char *
missing_was(const struct ledger *l, const char *uuid)
{
	const struct ledger_row *r = plan_latest_success(l, uuid);

	if (r == NULL)
		return "failed";
	return plan_uuid_applied(l, uuid) ? "applied" : "rolled back";
}

static void
missing_entry(struct status_entry *e, const struct ledger *l,
	      const struct ledger_row *r)
{
	e->state = PLAN_MISSING;
	e->row = r;
	e->total = -1;
	e->was = missing_was(l, r->uuid);
}

static void
file_entry(struct status_entry *e, const struct migset *ms,
	   const struct plan *p, size_t i, const char *engine)
{
	const struct migration *m = ms->v[i];
	const struct section *s;

	e->state = p->state[i];
	e->m = m;
	e->detail = &p->detail[i];
	e->row = p->detail[i].row;
	e->out_of_order = !p->applied[i] && (long)i < p->newest_applied;
	e->total = -1;
	if (!m->executable &&
	    (s = migration_section(m, SEC_RUN, engine)) != NULL)
		e->total = (int)section_stmts(s, engine)->n;
}

static bool
same_run(const struct ledger_row *a, const struct ledger_row *b)
{
	return a == b || (a->run_id && b->run_id && a->run_id[0] &&
			  strcmp(a->run_id, b->run_id) == 0);
}

/* The newest row and the rows of its run before it. */
static void
last_run(struct status *st, const struct ledger *l)
{
	size_t i;

	if (l->n == 0)
		return;
	st->last = &l->v[l->n - 1];
	for (i = l->n; i-- > 0 && same_run(&l->v[i], st->last);) {
		if (!ledger_row_success(&l->v[i]))
			st->last_failed = true;
		if (l->v[i].end > st->last_end)
			st->last_end = l->v[i].end;
	}
}

void
status_build(struct status *st, const struct migset *ms,
	     const struct ledger *l, const struct plan *p, const char *engine,
	     int64_t now)
{
	size_t a = 0, b = 0, i;

	memset(st, 0, sizeof(*st));
	st->engine = engine;
	st->dir = ms->dir;
	st->now = now;
	st->v = xcalloc(ms->n + p->nmissing + 1, sizeof(*st->v));
	/* both are in timestamp order: merge them */
	while (a < ms->n || b < p->nmissing) {
		if (b < p->nmissing &&
		    (a == ms->n || p->missing[b]->timestamp < ms->v[a]->timestamp))
			missing_entry(&st->v[st->n++], l, p->missing[b++]);
		else
			file_entry(&st->v[st->n++], ms, p, a++, engine);
	}
	for (i = 0; i < st->n; i++)
		st->counts[st->v[i].state]++;
	st->pending = p->npending;
	st->latest = p->newest_applied >= 0 ? ms->v[p->newest_applied] : NULL;
	st->baseline = plan_baseline(l);
	last_run(st, l);
}

void
status_release(struct status *st)
{
	free(st->v);
	memset(st, 0, sizeof(*st));
}

bool
status_unclean(const struct status *st)
{
	return st->pending > 0 || st->counts[PLAN_DRIFTED] > 0;
}

void
status_problems(const struct status *st, struct buf *out)
{
	size_t failed = st->counts[PLAN_FAILED] + st->counts[PLAN_PARTIAL];

	buf_addf(out, "%zu pending", st->pending);
	if (failed > 0)
		buf_addf(out, " (%zu failed)", failed);
	buf_addf(out, ", %zu drifted", st->counts[PLAN_DRIFTED]);
}

void
status_age(int64_t s, struct buf *out)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		buf_addf(out, "%llds", (long long)s);
	else if (s < 3600)
		buf_addf(out, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		buf_addf(out, "%lldh", (long long)(s / 3600));
	else
		buf_addf(out, "%lldd", (long long)(s / 86400));
}

/* ---- what each line says ------------------------------------------------- */

static const char *
entry_name(const struct status_entry *e)
{
	if (e->m)
		return e->m->filename;
	return e->row->name && e->row->name[0] ? e->row->name : e->row->uuid;
}

/* The first line of an error, or "". */
static void
first_line(const char *text, struct buf *out)
{
	if (text != NULL)
		buf_add(out, text, strcspn(text, "\n"));
}

/* "migratore CMD [ARG] [DIR]": the directory when it is not ".", quoted
 * for the shell when it must be. */
static void
command(const struct status *st, const char *cmd, const char *arg,
	struct buf *out)
{
	const char *d = st->dir;

	buf_addf(out, "migratore %s%s%s", cmd, arg ? " " : "", arg ? arg : "");
	if (d == NULL || strcmp(d, ".") == 0)
		return;
	if (d[strspn(d, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		       "0123456789._/+-=:,@")] == '\0') {
		buf_addf(out, " %s", d);
		return;
	}
	buf_adds(out, " '");
	for (; *d; d++) {
		if (*d == '\'')
			buf_adds(out, "'\\''");
		else
			buf_addc(out, *d);
	}
	buf_addc(out, '\'');
}

static void
partial_note(const struct status *st, const struct status_entry *e,
	     struct buf *note, struct buf *advice, struct buf *next)
{
	int n = e->detail->committed;

	buf_addf(note, "%d", n);
	if (e->total >= 0)
		buf_addf(note, " of %d", e->total);
	buf_addf(note, " statement%s committed ",
		 (e->total >= 0 ? e->total : n) == 1 ? "" : "s");
	if (e->detail->interrupted) {
		buf_adds(note, "by an interrupted run");
		if (e->total >= 0 && n >= e->total)
			buf_adds(advice, "record it with");
		else
			buf_addf(advice, "resume at statement %d with", n + 1);
		command(st, "upgrade", NULL, next);
		return;
	}
	buf_adds(note, "when it failed: ");
	first_line(e->row ? e->row->error : NULL, note);
	buf_addf(advice, "fix the rest, leaving the committed statements as "
			 "they are, then resume at statement %d with",
		 n + 1);
	command(st, "upgrade", NULL, next);
}

static void
baseline_note(const struct status *st, struct buf *note)
{
	const struct ledger_row *b = st->baseline;

	buf_addf(note, "covered by the baseline (row %lld: every migration "
		       "up to %lld)",
		 (long long)(b ? b->object_id : 0),
		 (long long)(b ? b->timestamp : 0));
}

/* An applied migration changed since, and repair's row ref says so. */
static void
repaired_note(const struct ledger_row *ref, struct buf *note)
{
	buf_addf(note, "changed after it ran; recorded as intended by repair "
		       "(row %lld, %s)",
		 (long long)ref->object_id, ref->start_s ? ref->start_s : "");
}

/* A migration changed since it ran: where, and repair if intended. */
static void
drifted_note(const struct status *st, const struct status_entry *e,
	     struct buf *note, struct buf *advice, struct buf *next)
{
	drift_where(e->m, st->engine, note);
	buf_adds(note, " changed since it ran");
	buf_adds(advice, "if that was intended,");
	command(st, "repair", NULL, next);
}

/* A failed migration: its error's first line, and upgrade once fixed. */
static void
failed_note(const struct status *st, const struct status_entry *e,
	    struct buf *note, struct buf *advice, struct buf *next)
{
	first_line(e->row ? e->row->error : NULL, note);
	buf_adds(advice, "fix it, then");
	command(st, "upgrade", NULL, next);
}

/* The note of an entry; advice and next: what to do, and the command. */
static void
entry_note(const struct status *st, const struct status_entry *e,
	   struct buf *note, struct buf *advice, struct buf *next)
{
	switch (e->state) {
	case PLAN_BASELINE:
		baseline_note(st, note);
		break;
	case PLAN_APPLIED:
		if (e->detail->ref != NULL)
			repaired_note(e->detail->ref, note);
		break;
	case PLAN_SKIPPED:
		buf_adds(note, "recorded as skipped (Run Skip), never run");
		break;
	case PLAN_DRIFTED:
		drifted_note(st, e, note, advice, next);
		break;
	case PLAN_FAILED:
		failed_note(st, e, note, advice, next);
		break;
	case PLAN_PARTIAL:
		partial_note(st, e, note, advice, next);
		break;
	case PLAN_ROLLED_BACK:
		buf_addf(note, "rolled back (row %lld)",
			 (long long)e->row->object_id);
		break;
	case PLAN_MISSING:
		buf_addf(note, "%s (row %lld), but no file in %s", e->was,
			 (long long)e->row->object_id, st->dir);
		break;
	default:
		if (e->out_of_order)
			buf_adds(note, "older than the newest applied one: "
				       "upgrade refuses it without "
				       "--allow-out-of-order");
		break;
	}
}

/* ---- text ---------------------------------------------------------------- */

static void
text_line(const struct status *st, const struct status_entry *e,
	  int wstate, int wname, struct buf *out)
{
	struct buf note = BUF_INIT, advice = BUF_INIT, next = BUF_INIT;
	const struct ledger_row *r = e->row;

	buf_addf(out, "%-*s  %-*s  %-20s", wstate, plan_state_name(e->state),
		 wname, entry_name(e), r && r->start_s ? r->start_s : "-");
	if (r)
		buf_addf(out, "  %5llds", (long long)r->duration);
	else
		buf_adds(out, "        ");
	entry_note(st, e, &note, &advice, &next);
	if (note.len)
		buf_addf(out, "  %s", note.ptr);
	if (next.len)
		buf_addf(out, "%s%s `%s`", note.len ? "; " : "  ", advice.ptr,
			 next.ptr);
	buf_rtrim(out);
	buf_addc(out, '\n');
	buf_release(&note);
	buf_release(&advice);
	buf_release(&next);
}

static void
text_counts(const struct status *st, struct buf *out)
{
	static const enum plan_state order[] = {
		PLAN_APPLIED, PLAN_BASELINE, PLAN_SKIPPED, PLAN_DRIFTED,
		PLAN_FAILED,  PLAN_PARTIAL,  PLAN_ROLLED_BACK, PLAN_PENDING,
		PLAN_MISSING,
	};
	size_t i, shown = 0;

	buf_addf(out, "%zu migration%s", st->n, st->n == 1 ? "" : "s");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (st->counts[order[i]] == 0)
			continue;
		buf_addf(out, "%s %zu %s", shown++ ? "," : ":",
			 st->counts[order[i]], plan_state_name(order[i]));
	}
	buf_addc(out, '\n');
}

static void
text_last_run(const struct status *st, struct buf *out)
{
	if (st->last == NULL) {
		buf_adds(out, "Last run: none (no bookkeeping row)\n");
		return;
	}
	buf_adds(out, "Last run: ");
	status_age(st->now - st->last_end, out);
	buf_addf(out, " ago, %s", st->last_failed ? "failed" : "success");
	if (st->last->run_id && st->last->run_id[0])
		buf_addf(out, " (run %s)", st->last->run_id);
	buf_addc(out, '\n');
}

void
status_text(const struct status *st, struct buf *out)
{
	int wstate = 5, wname = 9, n;
	size_t i;

	for (i = 0; i < st->n; i++) {
		if ((n = (int)strlen(plan_state_name(st->v[i].state))) > wstate)
			wstate = n;
		if ((n = (int)strlen(entry_name(&st->v[i]))) > wname)
			wname = n;
	}
	if (st->n > 0)
		buf_addf(out, "%-*s  %-*s  %-20s  %6s  %s\n", wstate, "STATE",
			 wname, "MIGRATION", "WHEN (UTC)", "TOOK", "NOTE");
	for (i = 0; i < st->n; i++)
		text_line(st, &st->v[i], wstate, wname, out);
	if (st->n > 0)
		buf_addc(out, '\n');
	text_counts(st, out);
	text_last_run(st, out);
}

/* ---- JSON ---------------------------------------------------------------- */

static void
json_time_or_null(struct json *j, const char *key, int64_t t, bool known)
{
	struct buf b = BUF_INIT;

	if (!known) {
		json_null(j, key);
		return;
	}
	json_utc_time((double)t, &b);
	json_string(j, key, b.ptr);
	buf_release(&b);
}

/* The fields of an entry's row and of what comes next. */
static void
entry_json_rows(const struct status *st, const struct status_entry *e,
		struct json *j)
{
	struct buf note = BUF_INIT, advice = BUF_INIT, next = BUF_INIT;
	const struct ledger_row *r = e->row;
	bool partial = e->state == PLAN_PARTIAL;

	json_int_or_null(j, "row", r ? r->object_id : 0, r != NULL);
	json_string(j, "operation", r ? r->operation : NULL);
	json_time_or_null(j, "start", r ? r->start : 0, r != NULL);
	json_int_or_null(j, "duration", r ? r->duration : 0, r != NULL);
	first_line(r && !ledger_row_success(r) ? r->error : NULL, &note);
	json_string(j, "error", note.len ? note.ptr : NULL);
	buf_reset(&note);
	json_int_or_null(j, "committed", partial ? e->detail->committed : 0,
			 partial);
	json_int_or_null(j, "total", e->total, partial && e->total >= 0);
	json_bool(j, "out_of_order", e->out_of_order);
	entry_note(st, e, &note, &advice, &next);
	json_string(j, "note", note.len ? note.ptr : NULL);
	json_string(j, "next", next.len ? next.ptr : NULL);
	buf_release(&note);
	buf_release(&advice);
	buf_release(&next);
}

static void
entry_json(const struct status *st, const struct status_entry *e,
	   struct json *j)
{
	json_object_begin(j, NULL);
	json_string(j, "state", plan_state_name(e->state));
	json_string(j, "uuid", e->m ? e->m->uuid : e->row->uuid);
	json_int(j, "timestamp", e->m ? e->m->timestamp : e->row->timestamp);
	json_string(j, "file", entry_name(e));
	json_string(j, "description",
		    e->m ? e->m->description : e->row->description);
	if (e->state == PLAN_MISSING)
		json_string(j, "recorded", e->was);
	entry_json_rows(st, e, j);
	json_object_end(j);
}

static void
counts_json(const struct status *st, struct json *j)
{
	char key[16];
	int s;

	json_object_begin(j, "counts");
	for (s = 0; s < PLAN_NSTATES; s++) {
		xsnprintf(key, sizeof(key), "%s",
			  plan_state_name((enum plan_state)s));
		if (strchr(key, ' '))
			*strchr(key, ' ') = '_';
		json_int(j, key, (int64_t)st->counts[s]);
	}
	json_object_end(j);
}

static void
latest_json(const struct status *st, struct json *j)
{
	if (st->latest == NULL) {
		json_null(j, "latest");
		return;
	}
	json_object_begin(j, "latest");
	json_string(j, "uuid", st->latest->uuid);
	json_int(j, "timestamp", st->latest->timestamp);
	json_string(j, "file", st->latest->filename);
	json_string(j, "description", st->latest->description);
	json_object_end(j);
}

static void
last_run_json(const struct status *st, struct json *j)
{
	if (st->last == NULL) {
		json_null(j, "last_run");
		return;
	}
	json_object_begin(j, "last_run");
	json_string(j, "run_id", st->last->run_id && st->last->run_id[0]
					 ? st->last->run_id
					 : NULL);
	json_string(j, "result", st->last_failed ? "error" : "success");
	json_string(j, "operation", st->last->operation);
	json_string(j, "file", st->last->name);
	json_time_or_null(j, "end", st->last_end, true);
	json_int(j, "age_seconds", st->now - st->last_end);
	json_object_end(j);
}

static void
entries_json(const struct status *st, bool brief, struct json *j)
{
	size_t i;

	json_array_begin(j, brief ? "problems" : "migrations");
	for (i = 0; i < st->n; i++) {
		enum plan_state s = st->v[i].state;

		if (brief && s != PLAN_FAILED && s != PLAN_PARTIAL &&
		    s != PLAN_DRIFTED)
			continue;
		entry_json(st, &st->v[i], j);
	}
	json_array_end(j);
}

void
status_json(const struct status *st, bool brief, const char *key,
	    struct json *j)
{
	json_object_begin(j, key);
	json_int(j, "schema_version", STATUS_SCHEMA_VERSION);
	json_string(j, "engine", st->engine);
	json_string(j, "directory", st->dir);
	json_int(j, "total", (int64_t)st->n);
	json_int(j, "pending", (int64_t)st->pending);
	json_int(j, "drifted", (int64_t)st->counts[PLAN_DRIFTED]);
	counts_json(st, j);
	latest_json(st, j);
	if (st->baseline) {
		json_object_begin(j, "baseline");
		json_int(j, "row", st->baseline->object_id);
		json_int(j, "timestamp", st->baseline->timestamp);
		json_object_end(j);
	} else {
		json_null(j, "baseline");
	}
	last_run_json(st, j);
	entries_json(st, brief, j);
	json_object_end(j);
}
