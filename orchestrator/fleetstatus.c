/* `status --inventory`: version skew, problems, one line per target. */
#include "config.h"

#include "orchestrator/fleetstatus.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "worker/status.h"
#include "common/banned.h"

#define LATEST_MAX 48 /* the LATEST APPLIED column, at most */

static const char *const kind_names[FLEETSTATUS_NKINDS] = {
	[FLEETSTATUS_UP_TO_DATE] = "up to date",
	[FLEETSTATUS_BEHIND] = "behind",
	[FLEETSTATUS_DRIFTED] = "drifted",
	[FLEETSTATUS_FAILED] = "failed",
	[FLEETSTATUS_NOT_REACHED] = "not reached",
};

/* ---- building ------------------------------------------------------------ */

/* The worker's brief status: its RESULT frames put back together. */
static struct json_value *
parse_doc(const struct outcome *o)
{
	struct json_value *v = NULL;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	size_t i;

	if (!outcome_status_info(o->status)->good || o->nresults == 0)
		return NULL;
	for (i = 0; i < o->nresults; i++)
		buf_adds(&b, o->results[i]);
	if (json_parse(b.ptr, b.len, "status", &v, &e) < 0 ||
	    !json_is(v, JSON_OBJECT)) {
		json_value_free(v);
		v = NULL;
	}
	buf_release(&b);
	return v;
}

static int64_t
count_of(const struct json_value *doc, const char *key)
{
	return json_as_int(json_get(json_get(doc, "counts"), key), 0);
}

static void
target_init(struct fleetstatus_target *t, const struct report_row *row)
{
	const struct json_value *latest;

	t->row = row;
	t->doc = parse_doc(row->o);
	if (t->doc == NULL) {
		t->kind = FLEETSTATUS_NOT_REACHED;
		return;
	}
	latest = json_get(t->doc, "latest");
	t->latest = json_is(latest, JSON_OBJECT) ? latest : NULL;
	t->pending = json_as_int(json_get(t->doc, "pending"), 0);
	t->drifted = json_as_int(json_get(t->doc, "drifted"), 0);
	t->failed = count_of(t->doc, "failed") + count_of(t->doc, "partial");
	t->kind = t->failed > 0    ? FLEETSTATUS_FAILED
		  : t->drifted > 0 ? FLEETSTATUS_DRIFTED
		  : t->pending > 0 ? FLEETSTATUS_BEHIND
				   : FLEETSTATUS_UP_TO_DATE;
}

static int64_t
latest_ts(const struct fleetstatus_target *t)
{
	return json_as_int(json_get(t->latest, "timestamp"), -1);
}

static const char *
latest_uuid(const struct fleetstatus_target *t)
{
	const char *u = json_as_string(json_get(t->latest, "uuid"));

	return u ? u : "";
}

/* Newest migration first; the same migration together. */
static int
skew_order(const void *a, const void *b)
{
	const struct fleetstatus_target *x =
	    *(const struct fleetstatus_target *const *)a;
	const struct fleetstatus_target *y =
	    *(const struct fleetstatus_target *const *)b;
	int64_t tx = latest_ts(x), ty = latest_ts(y);
	int c;

	if (tx != ty)
		return tx > ty ? -1 : 1;
	if ((c = strcmp(latest_uuid(x), latest_uuid(y))) != 0)
		return c;
	return x < y ? -1 : 1;
}

static void
build_skew(struct fleetstatus *fs)
{
	struct fleetstatus_target **by = xcalloc(fs->n + 1, sizeof(*by));
	size_t i, k = 0;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].doc != NULL)
			by[k++] = &fs->v[i];
	qsort(by, k, sizeof(*by), skew_order);
	fs->skew = xcalloc(k + 1, sizeof(*fs->skew));
	for (i = 0; i < k; i++) {
		if (i == 0 || latest_ts(by[i - 1]) != latest_ts(by[i]) ||
		    strcmp(latest_uuid(by[i - 1]), latest_uuid(by[i])) != 0)
			fs->skew[fs->nskew++].latest = by[i]->latest;
		fs->skew[fs->nskew - 1].targets++;
	}
	free(by);
}

void
fleetstatus_build(struct fleetstatus *fs, const struct report_row *rows,
		  size_t n, bool strict, int64_t now)
{
	size_t i;

	memset(fs, 0, sizeof(*fs));
	fs->strict = strict;
	fs->now = now;
	fs->n = n;
	fs->v = xcalloc(n + 1, sizeof(*fs->v));
	for (i = 0; i < n; i++) {
		target_init(&fs->v[i], &rows[i]);
		fs->counts[fs->v[i].kind]++;
	}
	fs->unknown = fs->counts[FLEETSTATUS_NOT_REACHED];
	build_skew(fs);
}

void
fleetstatus_release(struct fleetstatus *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		json_value_free(fs->v[i].doc);
	free(fs->v);
	free(fs->skew);
	memset(fs, 0, sizeof(*fs));
}

bool
fleetstatus_fails(const struct fleetstatus *fs)
{
	return fs->strict &&
	       fs->counts[FLEETSTATUS_UP_TO_DATE] != fs->n;
}

/* ---- text ---------------------------------------------------------------- */

/* "1795770900 add currency" (the file when there is no description). */
static void
latest_text(const struct json_value *latest, struct buf *out)
{
	const char *d = json_as_string(json_get(latest, "description"));

	if (latest == NULL) {
		buf_adds(out, "-");
		return;
	}
	if (d == NULL || d[0] == '\0')
		d = json_as_string(json_get(latest, "file"));
	buf_addf(out, "%lld %s",
		 (long long)json_as_int(json_get(latest, "timestamp"), 0),
		 d ? d : "");
}

static void
text_skew(const struct fleetstatus *fs, struct buf *out)
{
	size_t i;

	buf_adds(out, "Version skew (the latest applied migration of each "
		      "target):\n");
	for (i = 0; i < fs->nskew; i++) {
		size_t n = fs->skew[i].targets;

		buf_adds(out, "  ");
		if (fs->skew[i].latest)
			latest_text(fs->skew[i].latest, out);
		else
			buf_adds(out, "nothing applied");
		buf_addf(out, ": %zu target%s\n", n, n == 1 ? "" : "s");
	}
	if (fs->unknown > 0)
		buf_addf(out, "  no status: %zu target%s\n", fs->unknown,
			 fs->unknown == 1 ? "" : "s");
}

static const char *
color_of(enum fleetstatus_kind k, bool color)
{
	if (!color)
		return "";
	return k == FLEETSTATUS_DRIFTED ? "\033[33m"
	       : k == FLEETSTATUS_FAILED || k == FLEETSTATUS_NOT_REACHED
		   ? "\033[31m"
		   : "";
}

/* The problems of one target, a line each. */
static void
text_problems_of(const struct fleetstatus_target *t, int wname, bool color,
		 struct buf *out)
{
	const struct json_value *p = json_get(t->doc, "problems");
	const char *on = color_of(t->kind, color), *off = *on ? "\033[0m" : "";
	size_t i;

	if (t->doc == NULL) {
		buf_addf(out, "  %-*s  %s%s%s: ", wname, t->row->t->name, on,
			 outcome_status_name(t->row->o->status), off);
		outcome_first_line(t->row->o, 0, out);
		buf_addc(out, '\n');
		return;
	}
	for (i = 0; i < json_count(p); i++) {
		const struct json_value *e = json_index(p, i);
		const char *note = json_as_string(json_get(e, "note"));

		buf_addf(out, "  %-*s  %s%-7s%s  %s: %s\n", wname,
			 t->row->t->name, on,
			 json_as_string(json_get(e, "state")), off,
			 json_as_string(json_get(e, "file")),
			 note ? note : "");
	}
}

static void
text_problems(const struct fleetstatus *fs, int wname, bool color,
	      struct buf *out)
{
	size_t i, shown = 0;

	for (i = 0; i < fs->n; i++) {
		const struct fleetstatus_target *t = &fs->v[i];

		if (t->kind != FLEETSTATUS_FAILED &&
		    t->kind != FLEETSTATUS_DRIFTED &&
		    t->kind != FLEETSTATUS_NOT_REACHED)
			continue;
		if (shown++ == 0)
			buf_adds(out, "\nFailed, drifted or without status:\n");
		text_problems_of(t, wname, color, out);
	}
}

/* "success, 3m ago"; "-" without rows. */
static void
last_run_text(const struct json_value *doc, struct buf *out)
{
	const struct json_value *lr = json_get(doc, "last_run");
	const char *result = json_as_string(json_get(lr, "result"));

	if (!json_is(lr, JSON_OBJECT)) {
		buf_adds(out, "-");
		return;
	}
	buf_adds(out, result && strcmp(result, "error") == 0 ? "failed, "
							      : "success, ");
	status_age(json_as_int(json_get(lr, "age_seconds"), 0), out);
	buf_adds(out, " ago");
}

static void
text_row(const struct fleetstatus_target *t, int wname, int wengine,
	 int wlatest, struct buf *out)
{
	struct buf l = BUF_INIT;

	buf_addf(out, "%-*s  %-*s  ", wname, t->row->t->name, wengine,
		 t->row->t->engine);
	if (t->doc == NULL) {
		buf_addf(out, "%s: ", outcome_status_name(t->row->o->status));
		outcome_first_line(t->row->o, 0, out);
		buf_rtrim(out);
		buf_addc(out, '\n');
		return;
	}
	latest_text(t->latest, &l);
	if (l.len > (size_t)wlatest) {
		buf_truncate(&l, (size_t)wlatest - 3);
		buf_adds(&l, "...");
	}
	buf_addf(out, "%-*s  %7lld  %7lld  ", wlatest, l.ptr,
		 (long long)t->pending, (long long)t->drifted);
	last_run_text(t->doc, out);
	buf_addc(out, '\n');
	buf_release(&l);
}

static void
text_counts(const struct fleetstatus *fs, struct buf *out)
{
	static const enum fleetstatus_kind order[] = {
		FLEETSTATUS_UP_TO_DATE, FLEETSTATUS_BEHIND, FLEETSTATUS_FAILED,
		FLEETSTATUS_DRIFTED,
	};
	size_t i, counts[OUT_NSTATUS];
	int st;

	buf_addf(out, "\n%zu target%s", fs->n, fs->n == 1 ? "" : "s");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		buf_addf(out, "%s %zu %s", i ? "," : ":", fs->counts[order[i]],
			 kind_names[order[i]]);
	memset(counts, 0, sizeof(counts));
	for (i = 0; i < fs->n; i++)
		if (fs->v[i].doc == NULL)
			counts[fs->v[i].row->o->status]++;
	for (st = 0; st < OUT_NSTATUS; st++)
		if (counts[st] > 0)
			buf_addf(out, ", %zu %s", counts[st],
				 outcome_status_name((enum outcome_status)st));
	buf_addc(out, '\n');
}

/* The widths of the name, engine and latest columns. */
static void
widths(const struct fleetstatus *fs, int *wname, int *wengine, int *wlatest)
{
	struct buf l = BUF_INIT;
	size_t i;
	int n;

	*wname = 6, *wengine = 6, *wlatest = 14;
	for (i = 0; i < fs->n; i++) {
		if ((n = (int)strlen(fs->v[i].row->t->name)) > *wname)
			*wname = n;
		if ((n = (int)strlen(fs->v[i].row->t->engine)) > *wengine)
			*wengine = n;
		buf_reset(&l);
		latest_text(fs->v[i].latest, &l);
		if ((n = (int)l.len) > *wlatest)
			*wlatest = n < LATEST_MAX ? n : LATEST_MAX;
	}
	buf_release(&l);
}

void
fleetstatus_text(const struct fleetstatus *fs, bool color, struct buf *out)
{
	int wname, wengine, wlatest;
	size_t i;

	widths(fs, &wname, &wengine, &wlatest);
	text_skew(fs, out);
	text_problems(fs, wname, color, out);
	buf_addf(out, "\n%-*s  %-*s  %-*s  %7s  %7s  %s\n", wname, "TARGET",
		 wengine, "ENGINE", wlatest, "LATEST APPLIED", "PENDING",
		 "DRIFTED", "LAST RUN");
	for (i = 0; i < fs->n; i++)
		text_row(&fs->v[i], wname, wengine, wlatest, out);
	text_counts(fs, out);
}

/* ---- JSON ---------------------------------------------------------------- */

/* A value read back, written again through the writer. */
static void
put_value(struct json *j, const char *key, const struct json_value *v)
{
	size_t i;

	switch (v ? v->type : JSON_NULL) {
	case JSON_NULL:
		json_null(j, key);
		break;
	case JSON_BOOL:
		json_bool(j, key, v->u.boolean);
		break;
	case JSON_NUMBER:
		if (v->u.number.is_int)
			json_int(j, key, v->u.number.i);
		else
			json_double(j, key, v->u.number.d);
		break;
	case JSON_STRING:
		json_string(j, key, v->u.string.s);
		break;
	case JSON_ARRAY:
		json_array_begin(j, key);
		for (i = 0; i < v->u.array.n; i++)
			put_value(j, NULL, v->u.array.v[i]);
		json_array_end(j);
		break;
	case JSON_OBJECT:
		json_object_begin(j, key);
		for (i = 0; i < v->u.object.n; i++)
			put_value(j, v->u.object.v[i].key,
				  v->u.object.v[i].value);
		json_object_end(j);
		break;
	}
}

/* "up to date" as a key: "up_to_date" */
static void
kind_key(enum fleetstatus_kind k, char *key, size_t size)
{
	char *sp;

	xsnprintf(key, size, "%s", kind_names[k]);
	while ((sp = strchr(key, ' ')) != NULL)
		*sp = '_';
}

static void
json_target(const struct fleetstatus_target *t, struct json *j)
{
	char kind[16];

	kind_key(t->kind, kind, sizeof(kind));
	json_object_begin(j, NULL);
	json_string(j, "name", t->row->t->name);
	json_string(j, "engine", t->row->t->engine);
	json_string(j, "state", kind);
	json_string(j, "reason", t->doc ? NULL : t->row->o->reason);
	put_value(j, "latest", t->latest);
	json_int(j, "pending", t->pending);
	json_int(j, "drifted", t->drifted);
	json_int(j, "failed", t->failed);
	put_value(j, "last_run", json_get(t->doc, "last_run"));
	put_value(j, "problems", json_get(t->doc, "problems"));
	json_object_end(j);
}

static void
json_skew(const struct fleetstatus *fs, struct json *j)
{
	size_t i;

	json_array_begin(j, "skew");
	for (i = 0; i < fs->nskew; i++) {
		const struct json_value *l = fs->skew[i].latest;

		json_object_begin(j, NULL);
		put_value(j, "uuid", json_get(l, "uuid"));
		put_value(j, "timestamp", json_get(l, "timestamp"));
		put_value(j, "file", json_get(l, "file"));
		put_value(j, "description", json_get(l, "description"));
		json_int(j, "targets", (int64_t)fs->skew[i].targets);
		json_object_end(j);
	}
	json_array_end(j);
}

void
fleetstatus_json(const struct fleetstatus *fs, struct json *j)
{
	char key[16];
	size_t i;
	int k;

	json_object_begin(j, "status");
	json_bool(j, "strict", fs->strict);
	json_object_begin(j, "counts");
	json_int(j, "targets", (int64_t)fs->n);
	for (k = 0; k < FLEETSTATUS_NKINDS; k++) {
		kind_key((enum fleetstatus_kind)k, key, sizeof(key));
		json_int(j, key, (int64_t)fs->counts[k]);
	}
	json_object_end(j);
	json_skew(fs, j);
	json_array_begin(j, "targets");
	for (i = 0; i < fs->n; i++)
		json_target(&fs->v[i], j);
	json_array_end(j);
	json_object_end(j);
}
