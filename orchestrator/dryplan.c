/* The fleet-wide plan of a dry run: counts per outcome and per migration. */
#include "config.h"

#include "orchestrator/dryplan.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/xmalloc.h"
#include "orchestrator/shard.h"
#include "worker/drift.h"
#include "common/banned.h"

#define EMPTY ((size_t)-1)

void
dryplan_init(struct dryplan *p, bool downgrade)
{
	memset(p, 0, sizeof(*p));
	p->downgrade = downgrade;
}

void
dryplan_release(struct dryplan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].line);
		free(p->v[i].uuid);
		free(p->v[i].description);
	}
	free(p->v);
	free(p->index);
	for (i = 0; i < p->nsql; i++) {
		free(p->sql[i].text);
		strv_release(&p->sql[i].targets);
	}
	free(p->sql);
	dryplan_init(p, p->downgrade);
}

/* "<Migration uuid timestamp description>" into m; else m->uuid NULL. */
static void
parse_line(struct dryplan_mig *m)
{
	const char *s = m->line, *sp;
	char *end;
	size_t len = strlen(s);

	m->timestamp = -1;
	if (strncmp(s, "<Migration ", 11) != 0 || len < 12 || s[len - 1] != '>' ||
	    (sp = strchr(s + 11, ' ')) == NULL)
		return;
	m->timestamp = strtoll(sp + 1, &end, 10);
	if (end == sp + 1 || (*end != ' ' && *end != '>')) {
		m->timestamp = -1;
		return;
	}
	m->uuid = xstrndup(s + 11, (size_t)(sp - (s + 11)));
	m->description = *end == ' ' ? xstrndup(end + 1, (size_t)(s + len - 1 -
								(end + 1)))
				     : xstrdup("");
}

static void
rehash(struct dryplan *p)
{
	size_t i, h;

	free(p->index);
	p->nindex = p->nindex ? p->nindex * 2 : 64;
	p->index = xmalloc(p->nindex * sizeof(*p->index));
	for (i = 0; i < p->nindex; i++)
		p->index[i] = EMPTY;
	for (i = 0; i < p->n; i++) {
		h = (size_t)shard_hash(p->v[i].line) & (p->nindex - 1);
		while (p->index[h] != EMPTY)
			h = (h + 1) & (p->nindex - 1);
		p->index[h] = i;
	}
}

/* The migration of this RESULT line, added when new. */
static struct dryplan_mig *
mig_get(struct dryplan *p, const char *line)
{
	size_t h;

	if ((p->n + 1) * 2 > p->nindex)
		rehash(p);
	h = (size_t)shard_hash(line) & (p->nindex - 1);
	while (p->index[h] != EMPTY) {
		if (strcmp(p->v[p->index[h]].line, line) == 0)
			return &p->v[p->index[h]];
		h = (h + 1) & (p->nindex - 1);
	}
	XGROW(p->v, p->n + 1, p->cap);
	memset(&p->v[p->n], 0, sizeof(p->v[p->n]));
	p->v[p->n].line = xstrdup(line);
	parse_line(&p->v[p->n]);
	p->index[h] = p->n;
	return &p->v[p->n++];
}

static bool
drifted(const struct outcome *o)
{
	size_t i;

	for (i = 0; i < o->warnings.n; i++)
		if (strstr(o->warnings.v[i], DRIFT_WARNING_WORDS))
			return true;
	return false;
}

/* One RESULT text: a migration per line (one per frame, as a rule). */
static void
add_lines(struct dryplan *p, const char *text)
{
	struct buf line = BUF_INIT;
	size_t n;

	for (; *text; text += n + (text[n] == '\n')) {
		n = strcspn(text, "\n");
		if (n == 0)
			continue;
		buf_reset(&line);
		buf_add(&line, text, n);
		mig_get(p, line.ptr)->targets++;
		p->steps++;
	}
	buf_release(&line);
}

/* The group of o's SQL text, by hash first. */
static void
add_sql(struct dryplan *p, const char *name, const struct outcome *o)
{
	uint64_t h = shard_hash(o->sql.ptr);
	struct dryplan_sql *g = NULL;
	size_t i;

	for (i = 0; g == NULL && i < p->nsql; i++)
		if (p->sql[i].hash == h && strcmp(p->sql[i].text, o->sql.ptr) == 0)
			g = &p->sql[i];
	if (g == NULL) {
		XGROW(p->sql, p->nsql + 1, p->capsql);
		g = &p->sql[p->nsql++];
		g->text = xstrdup(o->sql.ptr);
		g->hash = h;
		g->first = p->targets;
		strv_init(&g->targets);
	}
	strv_push(&g->targets, name);
}

void
dryplan_add(struct dryplan *p, const char *name, const struct outcome *o)
{
	size_t i;

	if (o->sql.len > 0)
		add_sql(p, name, o);
	p->targets++;
	if (drifted(o))
		p->drifted++;
	switch (outcome_status_info(o->status)->plan) {
	case OUTCOME_PLAN_CHANGES:
		if (o->nresults == 0) {
			p->up_to_date++;
			break;
		}
		p->changing++;
		for (i = 0; i < o->nresults; i++)
			add_lines(p, o->results[i]);
		break;
	case OUTCOME_PLAN_UP_TO_DATE:
		p->up_to_date++;
		break;
	case OUTCOME_PLAN_UNREACHABLE:
		p->unreachable++;
		break;
	case OUTCOME_PLAN_LOCKED:
		p->locked++;
		break;
	case OUTCOME_PLAN_OTHER:
		/* dry_upgrade refuses with ERR_STATE only when out of order */
		if (!p->downgrade && o->status == OUT_FAILED && o->finished &&
		    o->fin.err_code == ERR_STATE)
			p->out_of_order++;
		else
			p->other++;
		break;
	}
}

static int
mig_cmp(const void *a, const void *b)
{
	const struct dryplan_mig *x = a, *y = b;

	if (x->timestamp != y->timestamp)
		return x->timestamp < y->timestamp ? -1 : 1;
	return strcmp(x->line, y->line);
}

static int
sql_cmp(const void *a, const void *b)
{
	const struct dryplan_sql *x = a, *y = b;

	if (x->targets.n != y->targets.n)
		return x->targets.n < y->targets.n ? 1 : -1;
	return x->first < y->first ? -1 : x->first > y->first;
}

void
dryplan_finish(struct dryplan *p)
{
	free(p->index);
	p->index = NULL;
	p->nindex = 0;
	if (p->n > 0)
		qsort(p->v, p->n, sizeof(*p->v), mig_cmp);
	if (p->nsql > 0)
		qsort(p->sql, p->nsql, sizeof(*p->sql), sql_cmp);
}

bool
dryplan_clear(const struct dryplan *p)
{
	return p->unreachable == 0 && p->locked == 0 && p->out_of_order == 0 &&
	       p->other == 0;
}

void
dryplan_count(struct buf *out, size_t n)
{
	char digits[32];
	size_t len, i;

	len = (size_t)xsnprintf(digits, sizeof(digits), "%zu", n);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf_addc(out, ',');
		buf_addc(out, digits[i]);
	}
}

/* "3 migrations", "1 target". */
static void
counted(struct buf *out, size_t n, const char *one, const char *many)
{
	dryplan_count(out, n);
	buf_addf(out, " %s", n == 1 ? one : many);
}

/* "Plan: 3 targets will apply 2 migrations (6 steps), 1 up to date" */
static void
text_changes(const struct dryplan *p, struct buf *out)
{
	buf_adds(out, "Plan: ");
	counted(out, p->changing, "target", "targets");
	buf_addf(out, " will %s ", p->downgrade ? "roll back" : "apply");
	counted(out, p->n, "migration", "migrations");
	buf_adds(out, " (");
	counted(out, p->steps, "step", "steps");
	buf_adds(out, ")");
	if (p->up_to_date > 0) {
		buf_adds(out, ", ");
		dryplan_count(out, p->up_to_date);
		buf_adds(out, " up to date");
	}
}

/* "; 0 unreachable; 0 locked; 0 drifted; 0 out of order" */
static void
text_troubles(const struct dryplan *p, struct buf *out)
{
	buf_adds(out, "; ");
	dryplan_count(out, p->unreachable);
	buf_adds(out, " unreachable; ");
	dryplan_count(out, p->locked);
	buf_adds(out, " locked; ");
	dryplan_count(out, p->drifted);
	buf_adds(out, " drifted");
	if (!p->downgrade) {
		buf_adds(out, "; ");
		dryplan_count(out, p->out_of_order);
		buf_adds(out, " out of order");
	}
	if (p->other > 0) {
		buf_adds(out, "; ");
		counted(out, p->other, "other failure", "other failures");
	}
}

/* A line per migration, its target count right-aligned. */
static void
text_migrations(const struct dryplan *p, struct buf *out)
{
	char digits[32];
	size_t i, most = 0;
	int w;

	for (i = 0; i < p->n; i++)
		if (p->v[i].targets > most)
			most = p->v[i].targets;
	w = xsnprintf(digits, sizeof(digits), "%zu", most);
	for (i = 0; i < p->n; i++)
		buf_addf(out, "  %*zu  %s\n", w, p->v[i].targets, p->v[i].line);
}

void
dryplan_text(const struct dryplan *p, struct buf *out)
{
	text_changes(p, out);
	text_troubles(p, out);
	buf_addc(out, '\n');
	text_migrations(p, out);
}

/* Names shown per SQL group in the text; the JSON report has them all. */
#define SQL_GROUP_NAMES 50

void
dryplan_sql_text(const struct dryplan *p, struct buf *out)
{
	const struct dryplan_sql *g;
	size_t i, k;

	for (i = 0; i < p->nsql; i++) {
		g = &p->sql[i];
		buf_addf(out, "%s== %zu target%s:", i ? "\n" : "",
			 g->targets.n, g->targets.n == 1 ? "" : "s");
		for (k = 0; k < g->targets.n && k < SQL_GROUP_NAMES; k++)
			buf_addf(out, " %s", g->targets.v[k]);
		if (g->targets.n > SQL_GROUP_NAMES)
			buf_addf(out, " ... and %zu more",
				 g->targets.n - SQL_GROUP_NAMES);
		buf_addf(out, " ==\n%s", g->text);
	}
}

static void
sql_json(const struct dryplan *p, struct json *j)
{
	size_t i, k;

	if (p->nsql == 0) {
		json_null(j, "sql");
		return;
	}
	json_array_begin(j, "sql");
	for (i = 0; i < p->nsql; i++) {
		json_object_begin(j, NULL);
		json_array_begin(j, "targets");
		for (k = 0; k < p->sql[i].targets.n; k++)
			json_string(j, NULL, p->sql[i].targets.v[k]);
		json_array_end(j);
		json_string(j, "sql", p->sql[i].text);
		json_object_end(j);
	}
	json_array_end(j);
}

void
dryplan_json(const struct dryplan *p, struct json *j)
{
	size_t i;

	json_object_begin(j, "plan");
	json_string(j, "operation", p->downgrade ? "rollback" : "run");
	json_int(j, "targets", (int64_t)p->targets);
	json_int(j, "changing", (int64_t)p->changing);
	json_int(j, "up_to_date", (int64_t)p->up_to_date);
	json_int(j, "unreachable", (int64_t)p->unreachable);
	json_int(j, "locked", (int64_t)p->locked);
	json_int(j, "drifted", (int64_t)p->drifted);
	json_int(j, "out_of_order", (int64_t)p->out_of_order);
	json_int(j, "other", (int64_t)p->other);
	json_int(j, "steps", (int64_t)p->steps);
	json_bool(j, "clear", dryplan_clear(p));
	json_array_begin(j, "migrations");
	for (i = 0; i < p->n; i++) {
		json_object_begin(j, NULL);
		json_string(j, "uuid", p->v[i].uuid);
		if (p->v[i].timestamp >= 0)
			json_int(j, "timestamp", p->v[i].timestamp);
		else
			json_null(j, "timestamp");
		json_string(j, "description", p->v[i].description);
		json_string(j, "result", p->v[i].line);
		json_int(j, "targets", (int64_t)p->v[i].targets);
		json_object_end(j);
	}
	json_array_end(j);
	sql_json(p, j);
	json_object_end(j);
}
