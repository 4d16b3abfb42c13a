/* A fleet run as Prometheus text-format metrics; see metrics.h. */
#include "config.h"

#include "orchestrator/metrics.h"

#include <math.h> /* isfinite: a macro, no libm */
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "common/banned.h"

#define TARGET_LAST "migratore_target_last_success_timestamp_seconds"
#define RUN_LAST "migratore_run_last_success_timestamp_seconds"

/* The last-success lines of the file being replaced, sorted. */
struct previous {
	struct strv lines; /* "name{labels} value" */
};

static int
cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void
previous_load(struct previous *p, const char *text)
{
	const char *line = text, *nl;

	strv_init(&p->lines);
	for (; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (starts_with(line, TARGET_LAST "{") ||
		    starts_with(line, RUN_LAST "{"))
			strv_pushf(&p->lines, "%.*s",
				   (int)(nl ? nl - line : (long)strlen(line)),
				   line);
	}
	if (p->lines.n > 1)
		qsort(p->lines.v, p->lines.n, sizeof(char *), cmp_lines);
}

/* A series' key is never a proper prefix of another's: its labels end
 * with '"}' that no label value holds unescaped. */
static int
cmp_key(const void *key, const void *line)
{
	const char *k = key, *l = *(char *const *)line;
	size_t n = strlen(k);
	int r = strncmp(k, l, n);

	return r != 0 ? r : l[n] == ' ' ? 0 : -1;
}

/* The value of series key (name{labels}) in the previous file: a time
 * after 1970, or 0. */
static double
previous_value(const struct previous *p, const char *key)
{
	char **line = p->lines.n ? bsearch(key, p->lines.v, p->lines.n,
					   sizeof(char *), cmp_key)
				 : NULL;
	char *end;
	double v;

	if (line == NULL)
		return 0;
	v = strtod(*line + strlen(key) + 1, &end);
	return isfinite(v) && v > 0 && end != *line + strlen(key) + 1 ? v : 0;
}

/* ---- the text format -------------------------------------------------- */

static void
family(struct buf *out, const char *name, const char *help)
{
	buf_addf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* name="value", escaped as the format says. */
static void
label(struct buf *out, const char *name, const char *value)
{
	const char *p;

	buf_addf(out, "%s%s=\"", out->ptr[out->len - 1] == '{' ? "" : ",",
		 name);
	for (p = value ? value : ""; *p; p++) {
		if (*p == '\\' || *p == '"')
			buf_addc(out, '\\');
		if (*p == '\n')
			buf_adds(out, "\\n");
		else
			buf_addc(out, *p);
	}
	buf_addc(out, '"');
}

/* "name{command="...",target="...",engine="..."" (no closing brace, so
 * that a status may follow). */
static void
target_series(struct buf *out, const char *name, const struct report *r,
	      const struct report_row *row)
{
	buf_addf(out, "%s{", name);
	label(out, "command", r->command);
	label(out, "target", row->t->name);
	label(out, "engine", row->t->engine);
}

static void
run_series(struct buf *out, const char *name, const struct report *r)
{
	buf_addf(out, "%s{", name);
	label(out, "command", r->command);
}

static void
value(struct buf *out, double v)
{
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
		buf_addf(out, "} %lld\n", (long long)v);
	else
		buf_addf(out, "} %.3f\n", v);
}

/* ---- per target ------------------------------------------------------- */

typedef double target_value(const struct report_row *row, bool *known);

static double
t_success(const struct report_row *row, bool *known)
{
	(void)known;
	return outcome_status_info(row->o->status)->good;
}

static double
t_applied(const struct report_row *row, bool *known)
{
	(void)known;
	return row->o->started ? (double)row->o->applied : 0;
}

static double
t_pending(const struct report_row *row, bool *known)
{
	*known = row->o->pending >= 0;
	return (double)row->o->pending;
}

static double
t_duration(const struct report_row *row, bool *known)
{
	(void)known;
	return row->o->seconds;
}

static const struct {
	const char *name;
	const char *help;
	target_value *get;
} target_families[] = {
	{ "migratore_target_success",
	  "1 when the target ended ok or nothing-to-do, else 0.", t_success },
	{ "migratore_target_applied_migrations",
	  "Migrations this run applied to the target.", t_applied },
	{ "migratore_target_pending_migrations",
	  "Migrations pending on the target when it ended (absent when "
	  "unknown).",
	  t_pending },
	{ "migratore_target_duration_seconds",
	  "Wall time of the target's worker in this run.", t_duration },
};

static void
targets_status(const struct report *r, struct buf *out)
{
	size_t i;

	family(out, "migratore_target_status",
	       "The target's status in this run (the status label; "
	       "always 1).");
	for (i = 0; i < r->n; i++) {
		target_series(out, "migratore_target_status", r, &r->rows[i]);
		label(out, "status", outcome_status_name(r->rows[i].o->status));
		value(out, 1);
	}
}

/* The end of the target's attempt when it succeeded, else the previous
 * file's value (none: no sample). */
static void
targets_last_success(const struct report *r, const struct previous *prev,
		     struct buf *out)
{
	struct buf key = BUF_INIT;
	double v;
	size_t i;

	family(out, TARGET_LAST,
	       "When the target last ended ok or nothing-to-do (this run or, "
	       "kept from the file this replaced, an earlier one).");
	for (i = 0; i < r->n; i++) {
		const struct outcome *o = r->rows[i].o;

		buf_reset(&key);
		target_series(&key, TARGET_LAST, r, &r->rows[i]);
		buf_addc(&key, '}');
		if (outcome_status_info(o->status)->good)
			v = o->last_end > 0 ? o->last_end : (double)r->end;
		else
			v = previous_value(prev, key.ptr);
		if (v > 0) {
			buf_add(out, key.ptr, key.len - 1);
			value(out, v);
		}
	}
	buf_release(&key);
}

static void
targets(const struct report *r, const struct previous *prev,
	struct buf *out)
{
	size_t f, i;
	bool known;
	double v;

	targets_status(r, out);
	for (f = 0; f < sizeof(target_families) / sizeof(target_families[0]);
	     f++) {
		family(out, target_families[f].name, target_families[f].help);
		for (i = 0; i < r->n; i++) {
			known = true;
			v = target_families[f].get(&r->rows[i], &known);
			if (!known)
				continue;
			target_series(out, target_families[f].name, r,
				      &r->rows[i]);
			value(out, v);
		}
	}
	targets_last_success(r, prev, out);
}

/* ---- the run ---------------------------------------------------------- */

static void
run_info(const struct report *r, struct buf *out)
{
	family(out, "migratore_run_info",
	       "The run: its inventory, id and migratore's version (always "
	       "1).");
	run_series(out, "migratore_run_info", r);
	label(out, "inventory", r->inventory);
	label(out, "run_id", r->run_id);
	label(out, "version", r->tool_version);
	value(out, 1);
}

static void
run_targets(const struct report *r, struct buf *out)
{
	size_t counts[OUT_NSTATUS];
	int st;

	report_count(r, counts);
	family(out, "migratore_run_targets",
	       "Targets of the run that ended with each status.");
	for (st = 0; st < OUT_NSTATUS; st++) {
		run_series(out, "migratore_run_targets", r);
		label(out, "status",
		      outcome_status_name((enum outcome_status)st));
		value(out, (double)counts[st]);
	}
}

static void
run_one(const struct report *r, const char *name, const char *help,
	double v, struct buf *out)
{
	family(out, name, help);
	run_series(out, name, r);
	value(out, v);
}

static void
run(const struct report *r, const struct previous *prev, struct buf *out)
{
	struct buf key = BUF_INIT;
	int code = report_exit_code(r);
	double last;

	run_info(r, out);
	run_targets(r, out);
	run_one(r, "migratore_run_success",
		"1 when every target ended ok or nothing-to-do (exit code 0).",
		code == 0, out);
	run_one(r, "migratore_run_exit_code", "The run's exit code.", code,
		out);
	run_one(r, "migratore_run_start_timestamp_seconds",
		"When the run started.", (double)r->start, out);
	run_one(r, "migratore_run_end_timestamp_seconds",
		"When the run ended.", (double)r->end, out);
	run_one(r, "migratore_run_duration_seconds", "How long the run took.",
		difftime(r->end, r->start), out);
	run_series(&key, RUN_LAST, r);
	buf_addc(&key, '}');
	last = code == 0 ? (double)r->end : previous_value(prev, key.ptr);
	family(out, RUN_LAST,
	       "When a run last exited 0 (this one or, kept from the file "
	       "this replaced, an earlier one).");
	if (last > 0) {
		buf_add(out, key.ptr, key.len - 1);
		value(out, last);
	}
	buf_release(&key);
}

void
metrics_render(const struct report *r, const char *previous,
	       struct buf *out)
{
	struct previous prev;

	previous_load(&prev, previous);
	buf_addf(out, "# migratore %s, run %s: docs/fleet.md, \"Metrics\".\n",
		 r->tool_version, r->run_id);
	targets(r, &prev, out);
	run(r, &prev, out);
	strv_release(&prev.lines);
}
