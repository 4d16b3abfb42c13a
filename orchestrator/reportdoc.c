/* The fleet's JSON report as a document: load and check it, merge several
 * runs' reports into one, and list the targets a --resume run redoes. */
#include "config.h"

#include "orchestrator/reportdoc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/xmalloc.h"
#include "orchestrator/outcome.h"
#include "common/banned.h"

bool
reportdoc_status_good(const char *status)
{
	return outcome_status_named(status)->good;
}

bool
reportdoc_time(const char *iso, time_t *out)
{
	struct tm tm;
	char z = 0, extra = 0;

	if (iso == NULL)
		return false;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%c%c", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z,
		   &extra) != 7 || z != 'Z' || strlen(iso) != 20)
		return false;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return true;
}

/* An error at the position of v in the document. */
static int
doc_fail(const struct reportdoc *d, const struct json_value *v,
	 struct err *e, const char *what)
{
	if (v == NULL)
		v = d->root;
	return err_set_at(e, ERR_CONFIG, d->name, v->line, v->col, "%s", what);
}

static int
check_header(const struct reportdoc *d, struct err *e)
{
	const struct json_value *r = d->root, *v;
	static const char *const times[] = { "start", "end" };
	time_t t;
	size_t i;

	if (!json_is(r, JSON_OBJECT))
		return doc_fail(d, r, e, "not a migratore fleet report: a "
			       "JSON object expected");
	v = json_get(r, "schema");
	if (json_as_string(v) == NULL ||
	    strcmp(json_as_string(v), REPORTDOC_SCHEMA) != 0)
		return doc_fail(d, v, e, "not a migratore fleet report: "
			       "\"schema\" is not \"" REPORTDOC_SCHEMA "\"");
	v = json_get(r, "schema_version");
	if (json_as_int(v, -1) != REPORTDOC_SCHEMA_VERSION)
		return doc_fail(d, v, e, "unsupported \"schema_version\": "
			       "this migratore reads version 1");
	v = json_get(r, "command");
	if (json_as_string(v) == NULL || !*json_as_string(v))
		return doc_fail(d, v, e, "\"command\" must be a non-empty "
			       "string");
	for (i = 0; i < 2; i++) {
		v = json_get(r, times[i]);
		if (!reportdoc_time(json_as_string(v), &t))
			return doc_fail(d, v, e, i == 0
				? "\"start\" must be a time YYYY-MM-DDTHH:MM:SSZ"
				: "\"end\" must be a time YYYY-MM-DDTHH:MM:SSZ");
	}
	return 0;
}

static int
check_target(const struct reportdoc *d, const struct json_value *t,
	     struct err *e)
{
	const struct json_value *v;
	const char *s;

	if (!json_is(t, JSON_OBJECT))
		return doc_fail(d, t, e, "a target must be an object");
	v = json_get(t, "name");
	s = json_as_string(v);
	if (s == NULL || !*s)
		return doc_fail(d, v ? v : t, e, "a target needs a "
			       "non-empty \"name\"");
	v = json_get(t, "status");
	s = json_as_string(v);
	if (s == NULL)
		return doc_fail(d, v ? v : t, e, "a target needs a "
			       "\"status\"");
	if (outcome_status_by_name(s) < 0) {
		char msg[256];

		xsnprintf(msg, sizeof(msg), "unknown status \"%.100s\"", s);
		return doc_fail(d, v, e, msg);
	}
	return 0;
}

/* ---- a set of names (open addressing; names are borrowed) ------------ */

struct nameset {
	const char **key;
	size_t *val;
	size_t cap; /* a power of two, at least twice the entries */
};

static uint64_t
name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static void
nameset_init(struct nameset *ns, size_t entries)
{
	ns->cap = 16;
	while (ns->cap < 2 * entries)
		ns->cap *= 2;
	ns->key = xcalloc(ns->cap, sizeof(*ns->key));
	ns->val = xcalloc(ns->cap, sizeof(*ns->val));
}

static void
nameset_release(struct nameset *ns)
{
	free(ns->key);
	free(ns->val);
}

/* The slot of name: its entry, or the empty slot where it would go. */
static size_t
nameset_slot(const struct nameset *ns, const char *name)
{
	size_t i = (size_t)name_hash(name) & (ns->cap - 1);

	while (ns->key[i] != NULL && strcmp(ns->key[i], name) != 0)
		i = (i + 1) & (ns->cap - 1);
	return i;
}

static int
check_targets(const struct reportdoc *d, struct err *e)
{
	const struct json_value *targets = json_get(d->root, "targets");
	struct nameset ns;
	size_t i, slot;
	int r = 0;

	if (!json_is(targets, JSON_ARRAY))
		return doc_fail(d, targets, e, "\"targets\" must be an array");
	nameset_init(&ns, json_count(targets));
	for (i = 0; i < json_count(targets) && r == 0; i++) {
		const struct json_value *t = json_index(targets, i);
		const char *name;

		if ((r = check_target(d, t, e)) < 0)
			break;
		name = json_as_string(json_get(t, "name"));
		slot = nameset_slot(&ns, name);
		if (ns.key[slot] != NULL)
			r = doc_fail(d, json_get(t, "name"), e,
				     "a target of this name is already in "
				     "the report");
		ns.key[slot] = name;
	}
	nameset_release(&ns);
	return r;
}

int
reportdoc_parse(const char *text, size_t len, const char *name,
		struct reportdoc **out, struct err *e)
{
	struct reportdoc *d = xcalloc(1, sizeof(*d));
	int r;

	d->name = xstrdup(name ? name : "<report>");
	if ((r = json_parse(text, len, d->name, &d->root, e)) < 0 ||
	    (r = check_header(d, e)) < 0 || (r = check_targets(d, e)) < 0) {
		reportdoc_free(d);
		return r;
	}
	d->targets = json_get(d->root, "targets");
	*out = d;
	return 0;
}

int
reportdoc_load(const char *path, struct reportdoc **out, struct err *e)
{
	struct buf text = BUF_INIT;
	int r;

	if ((r = buf_read_file(&text, path)) < 0) {
		buf_release(&text);
		return err_set(e, ERR_IO, "%s: %s", path, strerror(-r));
	}
	r = reportdoc_parse(text.ptr, text.len, path, out, e);
	buf_release(&text);
	return r;
}

void
reportdoc_free(struct reportdoc *d)
{
	if (d == NULL)
		return;
	json_value_free(d->root);
	free(d->name);
	free(d);
}

void
reportdoc_unfinished(const struct reportdoc *doc, struct strv *names)
{
	size_t i;

	for (i = 0; i < json_count(doc->targets); i++) {
		const struct json_value *t = json_index(doc->targets, i);

		if (!reportdoc_status_good(json_as_string(json_get(t, "status"))))
			strv_push(names, json_as_string(json_get(t, "name")));
	}
}

/* ---- merging ---------------------------------------------------------- */

struct kept {
	const struct json_value *target;
	size_t doc;       /* where it comes from */
};

struct merge {
	struct reportdoc *const *docs;
	size_t n;
	time_t *end;      /* per doc */
	size_t latest;    /* the doc that ended last */
	struct kept *kept;
	size_t nkept;
	struct buf replaced; /* the "replaced" array's items */
	struct strv *notes;
};

static const char *
doc_str(const struct reportdoc *d, const char *key)
{
	return json_as_string(json_get(d->root, key));
}

/* The run a target comes from: its own run_id (a merged report's), else
 * its report's. */
static const char *
target_run(const struct merge *m, const struct kept *k)
{
	const char *id = json_as_string(json_get(k->target, "run_id"));

	return id ? id : doc_str(m->docs[k->doc], "run_id");
}

static void
note_replaced(struct merge *m, const struct kept *old, const struct kept *new)
{
	const char *name = json_as_string(json_get(new->target, "name"));

	if (m->replaced.len > 0)
		buf_addc(&m->replaced, ',');
	buf_adds(&m->replaced, "\n    {\"name\": ");
	json_quote(&m->replaced, name);
	buf_adds(&m->replaced, ", \"kept_run_id\": ");
	json_quote(&m->replaced, target_run(m, new));
	buf_adds(&m->replaced, ", \"kept_status\": ");
	json_quote(&m->replaced, json_as_string(json_get(new->target,
							 "status")));
	buf_adds(&m->replaced, ", \"dropped_run_id\": ");
	json_quote(&m->replaced, target_run(m, old));
	buf_adds(&m->replaced, ", \"dropped_status\": ");
	json_quote(&m->replaced, json_as_string(json_get(old->target,
							 "status")));
	buf_addc(&m->replaced, '}');
	if (m->notes)
		strv_pushf(m->notes, "%s: kept %s from %s, replacing %s from %s",
			   name, json_as_string(json_get(new->target, "status")),
			   m->docs[new->doc]->name,
			   json_as_string(json_get(old->target, "status")),
			   m->docs[old->doc]->name);
}

/* Later end wins; on a tie, the later argument (b > a always here). */
static bool
newer(const struct merge *m, size_t a, size_t b)
{
	return m->end[b] >= m->end[a];
}

static void
merge_targets(struct merge *m)
{
	struct nameset ns;
	size_t total = 0, d, i, slot;

	for (d = 0; d < m->n; d++)
		total += json_count(m->docs[d]->targets);
	nameset_init(&ns, total);
	m->kept = xcalloc(total ? total : 1, sizeof(*m->kept));
	for (d = 0; d < m->n; d++) {
		const struct json_value *ts = m->docs[d]->targets;

		for (i = 0; i < json_count(ts); i++) {
			struct kept k = { json_index(ts, i), d };
			const char *name = json_as_string(json_get(k.target,
								   "name"));

			slot = nameset_slot(&ns, name);
			if (ns.key[slot] == NULL) {
				ns.key[slot] = name;
				ns.val[slot] = m->nkept;
				m->kept[m->nkept++] = k;
			} else if (newer(m, m->kept[ns.val[slot]].doc, d)) {
				note_replaced(m, &m->kept[ns.val[slot]], &k);
				m->kept[ns.val[slot]] = k;
				ns.key[slot] = name; /* the kept doc's string */
			}
		}
	}
	nameset_release(&ns);
}

static void
field(struct buf *out, bool *first, const char *key)
{
	if (!*first)
		buf_addc(out, ',');
	*first = false;
	buf_adds(out, "\n  ");
	json_quote(out, key);
	buf_adds(out, ": ");
}

/* A kept target: copied as it was, with the run it comes from added. */
static void
write_target(struct buf *out, const struct merge *m, const struct kept *k)
{
	const struct json_value *t = k->target;
	size_t i;

	buf_addc(out, '{');
	for (i = 0; i < t->u.object.n; i++) {
		buf_adds(out, i ? ",\n      " : "\n      ");
		json_quote(out, t->u.object.v[i].key);
		buf_adds(out, ": ");
		json_value_write(out, t->u.object.v[i].value, 3);
	}
	if (json_get(t, "run_id") == NULL) {
		buf_adds(out, i ? ",\n      " : "\n      ");
		buf_adds(out, "\"run_id\": ");
		json_quote(out, target_run(m, k));
	}
	buf_adds(out, "\n    }");
}

static void
write_totals(struct buf *out, const struct merge *m, int *exit_code)
{
	size_t counts[OUT_NSTATUS] = { 0 }, i;
	int s;

	*exit_code = 0;
	for (i = 0; i < m->nkept; i++) {
		const char *name = json_as_string(json_get(m->kept[i].target,
							   "status"));
		const struct outcome_status_info *st =
		    outcome_status_named(name);

		/* known: checked when loaded */
		if ((s = outcome_status_by_name(name)) >= 0)
			counts[s]++;
		if (st->exit_code > *exit_code)
			*exit_code = st->exit_code;
	}
	buf_addf(out, "{\n    \"targets\": %zu", m->nkept);
	for (s = 0; s < OUT_NSTATUS; s++)
		buf_addf(out, ",\n    \"%s\": %zu",
			 outcome_status_name((enum outcome_status)s), counts[s]);
	buf_adds(out, "\n  }");
}

/* The host every run shares, or NULL. */
static const char *
common_host(const struct merge *m)
{
	const char *h = doc_str(m->docs[0], "host");
	size_t d;

	for (d = 1; d < m->n && h; d++) {
		const char *o = doc_str(m->docs[d], "host");

		if (o == NULL || strcmp(o, h) != 0)
			h = NULL;
	}
	return h;
}

/* The signal of the latest interrupted run a kept target comes from. */
static const struct json_value *
merged_interrupted(const struct merge *m)
{
	const struct json_value *best = NULL;
	size_t i, bestdoc = 0;

	for (i = 0; i < m->nkept; i++) {
		size_t d = m->kept[i].doc;
		const struct json_value *v = json_get(m->docs[d]->root,
						      "interrupted");

		if (json_as_string(v) == NULL)
			continue;
		if (best == NULL || m->end[d] > m->end[bestdoc] ||
		    (m->end[d] == m->end[bestdoc] && d > bestdoc)) {
			best = v;
			bestdoc = d;
		}
	}
	return best;
}

static void
write_time(struct buf *out, time_t t)
{
	struct tm tm;
	char s[32];

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_quote(out, s);
}

static void
write_run_ids(struct buf *out, const struct merge *m)
{
	struct strv ids = STRV_INIT;
	size_t d, i;

	for (d = 0; d < m->n; d++) {
		const struct json_value *list = json_get(m->docs[d]->root,
							 "run_ids");
		const char *id = doc_str(m->docs[d], "run_id");

		if (id && !strv_contains(&ids, id))
			strv_push(&ids, id);
		for (i = 0; i < json_count(list); i++) {
			id = json_as_string(json_index(list, i));
			if (id && !strv_contains(&ids, id))
				strv_push(&ids, id);
		}
	}
	buf_addc(out, '[');
	for (i = 0; i < ids.n; i++) {
		buf_adds(out, i ? ",\n    " : "\n    ");
		json_quote(out, ids.v[i]);
	}
	buf_adds(out, ids.n ? "\n  ]" : "]");
	strv_release(&ids);
}

static void
write_sources(struct buf *out, const struct merge *m)
{
	size_t d;

	buf_addc(out, '[');
	for (d = 0; d < m->n; d++) {
		const struct reportdoc *doc = m->docs[d];

		buf_adds(out, d ? ",\n    {\"file\": " : "\n    {\"file\": ");
		json_quote(out, doc->name);
		buf_adds(out, ", \"run_id\": ");
		json_quote(out, doc_str(doc, "run_id"));
		buf_adds(out, ", \"start\": ");
		json_quote(out, doc_str(doc, "start"));
		buf_adds(out, ", \"end\": ");
		json_quote(out, doc_str(doc, "end"));
		buf_adds(out, ", \"interrupted\": ");
		json_value_write(out, json_get(doc->root, "interrupted"), 2);
		buf_adds(out, ", \"stopped\": ");
		json_value_write(out, json_get(doc->root, "stopped"), 2);
		buf_adds(out, ", \"exit_code\": ");
		json_value_write(out, json_get(doc->root, "exit_code"), 2);
		buf_addf(out, ", \"targets\": %zu}", json_count(doc->targets));
	}
	buf_adds(out, "\n  ]");
}

static void
write_header(struct buf *out, const struct merge *m, bool *first)
{
	const struct reportdoc *last = m->docs[m->latest];
	time_t start, t;
	size_t d;

	reportdoc_time(doc_str(m->docs[0], "start"), &start);
	for (d = 1; d < m->n; d++)
		if (reportdoc_time(doc_str(m->docs[d], "start"), &t) &&
		    t < start)
			start = t;
	buf_addc(out, '{');
	field(out, first, "schema");
	json_quote(out, REPORTDOC_SCHEMA);
	field(out, first, "schema_version");
	buf_addf(out, "%d", REPORTDOC_SCHEMA_VERSION);
	field(out, first, "tool_version");
	json_value_write(out, json_get(last->root, "tool_version"), 1);
	field(out, first, "run_id");
	buf_adds(out, "null");
	field(out, first, "command");
	json_quote(out, doc_str(last, "command"));
	field(out, first, "host");
	json_quote(out, common_host(m));
	field(out, first, "start");
	write_time(out, start);
	field(out, first, "end");
	write_time(out, m->end[m->latest]);
	field(out, first, "interrupted");
	json_value_write(out, merged_interrupted(m), 1);
}

/* Whether two "discovered" arrays found the same: digest by digest. */
static bool
same_discovery(const struct json_value *a, const struct json_value *b)
{
	const char *x, *y;
	size_t i;

	if (json_count(a) != json_count(b))
		return false;
	for (i = 0; i < json_count(a); i++) {
		x = json_as_string(json_get(json_index(a, i), "digest"));
		y = json_as_string(json_get(json_index(b, i), "digest"));
		if (!x || !y || strcmp(x, y) != 0)
			return false;
	}
	return true;
}

/* How many targets a "discovered" array found. */
static int64_t
discovered_targets(const struct json_value *v)
{
	int64_t n = 0;
	size_t i;

	for (i = 0; i < json_count(v); i++)
		n += json_as_int(json_get(json_index(v, i), "targets"), 0);
	return n;
}

/*
 * The discoveries of the report that ended last are kept; a run that
 * found other targets (a shard that discovered after a tenant was added)
 * is noted, since the merged report then covers no one fleet.
 */
static void
write_discovered(struct buf *out, const struct merge *m, bool *first)
{
	const struct reportdoc *last = m->docs[m->latest];
	const struct json_value *keep = json_get(last->root, "discovered");
	const struct json_value *v;
	size_t d;

	for (d = 0; d < m->n && m->notes; d++) {
		v = json_get(m->docs[d]->root, "discovered");
		if (d != m->latest && v && keep && !same_discovery(v, keep))
			strv_pushf(m->notes,
				   "%s discovered other targets than %s (%lld "
				   "and %lld): the runs did not see the same "
				   "fleet",
				   m->docs[d]->name, last->name,
				   (long long)discovered_targets(v),
				   (long long)discovered_targets(keep));
	}
	if (!keep)
		return;
	field(out, first, "discovered");
	json_value_write(out, keep, 1);
}

/* The targets kept, one a line. */
static void
write_targets(struct buf *out, const struct merge *m)
{
	size_t i;

	buf_addc(out, '[');
	for (i = 0; i < m->nkept; i++) {
		buf_adds(out, i ? ",\n    " : "\n    ");
		write_target(out, m, &m->kept[i]);
	}
	buf_adds(out, m->nkept ? "\n  ]" : "]");
}

static void
write_merged(struct buf *out, struct merge *m, int *exit_code)
{
	struct buf totals = BUF_INIT;
	bool first = true;

	write_totals(&totals, m, exit_code);
	write_header(out, m, &first);
	field(out, &first, "exit_code");
	buf_addf(out, "%d", *exit_code);
	field(out, &first, "options");
	json_value_write(out, json_get(m->docs[m->latest]->root, "options"), 1);
	field(out, &first, "totals");
	buf_add(out, totals.ptr, totals.len);
	field(out, &first, "targets");
	write_targets(out, m);
	field(out, &first, "run_ids");
	write_run_ids(out, m);
	field(out, &first, "merged");
	write_sources(out, m);
	field(out, &first, "replaced");
	buf_adds(out, "[");
	buf_add(out, m->replaced.ptr, m->replaced.len);
	buf_adds(out, m->replaced.len ? "\n  ]" : "]");
	write_discovered(out, m, &first);
	buf_adds(out, "\n}\n");
	buf_release(&totals);
}

int
reportdoc_merge(struct reportdoc *const docs[], size_t n,
		struct buf *out_json, int *exit_code, struct strv *notes,
		struct err *e)
{
	struct merge m = { .docs = docs, .n = n, .notes = notes };
	const char *cmd;
	size_t d;

	if (n == 0)
		return err_set(e, ERR_USAGE, "no report to merge");
	cmd = doc_str(docs[0], "command");
	for (d = 1; d < n; d++)
		if (strcmp(doc_str(docs[d], "command"), cmd) != 0)
			return err_set(e, ERR_USAGE, "%s: a report of "
				       "\"%s\", not \"%s\" like %s: reports "
				       "of different commands do not merge",
				       docs[d]->name, doc_str(docs[d], "command"),
				       cmd, docs[0]->name);
	m.end = xcalloc(n, sizeof(*m.end));
	for (d = 0; d < n; d++) {
		reportdoc_time(doc_str(docs[d], "end"), &m.end[d]);
		if (d > 0 && newer(&m, m.latest, d))
			m.latest = d;
	}
	buf_init(&m.replaced);
	merge_targets(&m);
	write_merged(out_json, &m, exit_code);
	buf_release(&m.replaced);
	free(m.kept);
	free(m.end);
	return 0;
}
