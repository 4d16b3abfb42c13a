/* Discover entries: their keys, the request, the targets of their rows or
 * lines, and the record a report keeps; see discovery.h. */
#include "config.h"

#include "config/discovery.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "config/duration.h"
#include "config/expansion.h"
#include "config/jsonlines.h"
#include "config/keytable.h"
#include "config/problems.h"
#include "config/template.h"
#include "common/banned.h"

enum dkey { D_QUERY, D_COMMAND, D_URL, D_PASSWORD, D_PASSWORD_FILE,
	    D_TIMEOUT, D_N };

#define IN_QUERY 1u
#define IN_COMMAND 2u
#define IN_ANY (IN_QUERY | IN_COMMAND)

static const struct keydef discover_keys[] = {
	{ "query", D_QUERY, KT_SCALAR, IN_QUERY, 0 },
	{ "command", D_COMMAND, KT_SEQ, IN_COMMAND, IN_COMMAND },
	{ "url", D_URL, KT_SCALAR, IN_QUERY, 0 },
	{ "password", D_PASSWORD, KT_SCALAR, IN_QUERY, 0 },
	{ "password_file", D_PASSWORD_FILE, KT_SCALAR, IN_QUERY, 0 },
	{ "timeout", D_TIMEOUT, KT_SCALAR, IN_ANY, 0 },
	{ NULL, 0, 0, 0, 0 },
};

/* A template of the entry, by the node it was written in. */
struct tmpl {
	const struct ynode *node;
	struct template *t;
};

/* A target found, and its row or line. */
struct found {
	struct target *t;
	int row;
};

/* One discover entry while it is expanded. */
struct entry {
	struct targetspec_ctx *c;
	const struct targetspec_defaults *d;
	const struct ynode *at; /* the `discover` key: where to report */
	enum discovery_kind kind;
	const struct ynode *dk[D_N];
	struct targetspec_layer *layer; /* the entry's own keys */
	struct tmpl *tv;
	size_t tn, tcap;
	bool bad_template;
	struct discovery_request rq;
	struct target *conn;
	char *query;
	struct strv argv;
	struct buf source;
	struct discovery_result got;
	const char *const *row; /* the row being expanded */
	struct found *fv;
	size_t fn, fcap;
};

#define EPROBLEM(en, node, ...)                                                \
	problems_add((en)->c->pr, (node)->line, (node)->col, __VA_ARGS__)

void
discovery_result_init(struct discovery_result *r)
{
	memset(r, 0, sizeof(*r));
	strv_init(&r->columns);
	buf_init(&r->output);
}

void
discovery_result_release(struct discovery_result *r)
{
	size_t i, n = r->nrows * r->columns.n;

	for (i = 0; r->cells && i < n; i++)
		free(r->cells[i]);
	free(r->cells);
	strv_release(&r->columns);
	buf_release(&r->output);
	discovery_result_init(r);
}

void
discovery_free(struct discovery *d)
{
	if (!d)
		return;
	free(d->source);
	discovery_result_release(&d->got);
	free(d);
}

const char *
discovery_kind_name(enum discovery_kind kind)
{
	return kind == DISCOVERY_QUERY ? "query" : "command";
}

/* Problems so far, those a window dropped included. */
static size_t
nproblems(const struct entry *en)
{
	return en->c->pr->n + en->c->pr->dropped;
}

/* ---- the text of values ------------------------------------------------ */

/* out's text when ok, else NULL after reporting why as key's problem;
 * releases both buffers either way. */
static char *
text_or_problem(struct targetspec_ctx *c, const struct ynode *n,
		const char *key, bool ok, struct buf *out, struct buf *why)
{
	if (!ok) {
		problems_add(c->pr, n->line, n->col, "%s: %s", key, why->ptr);
		buf_release(out);
	}
	buf_release(why);
	return ok ? buf_detach(out) : NULL;
}

/* ${VAR} only: the values of a command's entry, discover's own. */
static char *
env_text(struct targetspec_ctx *c, void *arg, const char *key,
	 const struct ynode *n)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	struct expansion_range r;
	const char *whyr = NULL;
	size_t pos = 0;

	(void)arg;
	if (!targetspec_text_ok(c, key, n))
		return NULL;
	if (expansion_range_next(n->str, &pos, &r, &whyr) > 0) {
		problems_add(c->pr, n->line, n->col,
			     "%s: ranges are not allowed in a discover entry "
			     "(each row or line is one target)",
			     key);
		return NULL;
	}
	targetspec_note_secret(c, key, n->str);
	return text_or_problem(c, n, key,
			       expansion_env(n->str, c->envp, &out, &why), &out,
			       &why);
}

/* What a command printed is data: taken as it is. */
static char *
literal_text(struct targetspec_ctx *c, void *arg, const char *key,
	     const struct ynode *n)
{
	(void)arg;
	return targetspec_text_ok(c, key, n) ? xstrdup(n->str) : NULL;
}

static const struct template *
tmpl_of(const struct entry *en, const struct ynode *n)
{
	size_t i;

	for (i = 0; i < en->tn; i++)
		if (en->tv[i].node == n)
			return en->tv[i].t;
	return NULL;
}

/* The query's connection: the entry's keys without a placeholder. */
static char *
conn_text(struct targetspec_ctx *c, void *arg, const char *key,
	  const struct ynode *n)
{
	const struct template *t = tmpl_of(arg, n);
	struct buf out = BUF_INIT;

	(void)c;
	(void)key;
	if (!t || template_has_fields(t))
		return TARGETSPEC_SKIP;
	template_fill(t, NULL, &out, &out);
	return buf_detach(&out);
}

/* A query entry's values for the row being expanded. */
static char *
row_text(struct targetspec_ctx *c, void *arg, const char *key,
	 const struct ynode *n)
{
	const struct entry *en = arg;
	const struct template *t = tmpl_of(en, n);
	struct buf out = BUF_INIT, why = BUF_INIT;

	if (!t)
		return NULL; /* its problem was reported when compiled */
	return text_or_problem(c, n, key,
			       template_fill(t, en->row, &out, &why), &out,
			       &why);
}

static void
compile_one(void *arg, const char *key, const struct ynode *n)
{
	struct entry *en = arg;
	struct buf why = BUF_INIT;
	struct template *t;

	if (!targetspec_text_ok(en->c, key, n))
		return;
	targetspec_note_secret(en->c, key, n->str);
	if (template_compile(n->str, en->c->envp, &t, &why) < 0) {
		EPROBLEM(en, n, "%s: %s", key, why.ptr);
		en->bad_template = true;
	} else {
		XGROW(en->tv, en->tn + 1, en->tcap);
		en->tv[en->tn].node = n;
		en->tv[en->tn++].t = t;
	}
	buf_release(&why);
}

/* ---- the request ------------------------------------------------------- */

/* The kind, from the keys of discover (command wins: it is required
 * there, so its absence reads as a query entry). */
static enum discovery_kind
kind_of(const struct ynode *dmap)
{
	size_t i;

	for (i = 0; dmap->kind == YNODE_MAP && i < dmap->n; i++)
		if (ynode_key(dmap, i)->kind == YNODE_SCALAR &&
		    strcmp(ynode_key(dmap, i)->str, "command") == 0)
			return DISCOVERY_COMMAND;
	return DISCOVERY_QUERY;
}

/* Where the query runs: discover's url, or the entry over the defaults. */
static void
query_conn(struct entry *en)
{
	static const char *const keys[] = { "url", "password",
					    "password_file" };
	const struct ynode *nodes[3] = { en->dk[D_URL], en->dk[D_PASSWORD],
					 en->dk[D_PASSWORD_FILE] };
	struct targetspec_layer *own = NULL;
	const struct targetspec_layer *v[1];

	if (en->dk[D_URL]) {
		own = targetspec_layer_pairs(keys, nodes, 3);
		targetspec_layer_convert(en->c, own, env_text, NULL);
		v[0] = own;
		en->conn = targetspec_build(en->c, v, 1, NULL, en->at);
	} else {
		if (en->dk[D_PASSWORD] || en->dk[D_PASSWORD_FILE])
			EPROBLEM(en, en->dk[D_PASSWORD] ? en->dk[D_PASSWORD]
							: en->dk[D_PASSWORD_FILE],
				 "discover: a password is for its 'url'; "
				 "without one the query connects as the "
				 "entry's targets do");
		targetspec_layer_convert(en->c, en->layer, conn_text, en);
		v[0] = en->layer;
		en->conn = targetspec_build(en->c, v, 1, en->d, en->at);
	}
	targetspec_layer_free(own);
	buf_adds(&en->source, "query on ");
	target_describe(en->conn, &en->source);
}

static void
command_argv(struct entry *en)
{
	const struct ynode *cmd = en->dk[D_COMMAND];
	size_t i;
	char *s;

	if (!cmd || ynode_is_null(cmd) || cmd->n == 0) {
		EPROBLEM(en, cmd ? cmd : en->at,
			 "discover: 'command' needs the program and its "
			 "arguments: [./tenants.py, --jsonl]");
		return;
	}
	buf_adds(&en->source, "command");
	for (i = 0; i < cmd->n; i++) {
		if (cmd->kids[i]->kind != YNODE_SCALAR ||
		    ynode_is_null(cmd->kids[i])) {
			EPROBLEM(en, cmd->kids[i],
				 "command: an argument must be a string, not %s",
				 ynode_kind_name(cmd->kids[i]));
		} else if ((s = env_text(en->c, NULL, "command",
					 cmd->kids[i])) != NULL) {
			buf_addf(&en->source, " %s", s);
			strv_push_owned(&en->argv, s);
		}
	}
}

static void
request_timeout(struct entry *en)
{
	const struct ynode *n = en->dk[D_TIMEOUT];
	struct err e = ERR_INIT;
	char *s;

	en->rq.timeout = DISCOVERY_DEFAULT_TIMEOUT;
	if (!n || ynode_is_null(n) || !(s = env_text(en->c, NULL, "timeout", n)))
		return;
	if (duration_parse(s, &en->rq.timeout, &e) < 0)
		EPROBLEM(en, n, "timeout: %s", e.msg);
	else if (en->rq.timeout <= 0)
		EPROBLEM(en, n, "timeout: a discovery needs a limit: give more "
				"than 0");
	free(s);
}

/* Everything the discoverer needs; problems reported. */
static void
request_build(struct entry *en, size_t index)
{
	struct discovery_request *rq = &en->rq;

	rq->index = index;
	rq->line = en->at->line;
	rq->col = en->at->col;
	rq->kind = en->kind;
	rq->dir = en->c->dir;
	rq->envp = en->c->envp;
	request_timeout(en);
	if (en->kind == DISCOVERY_COMMAND) {
		command_argv(en);
		rq->argv = en->argv.v;
	} else if (!en->dk[D_QUERY] || ynode_is_null(en->dk[D_QUERY])) {
		EPROBLEM(en, en->at, "discover: give a 'query' (or a "
				     "'command')");
	} else if ((en->query = env_text(en->c, NULL, "query",
					 en->dk[D_QUERY])) != NULL) {
		query_conn(en);
		rq->conn = en->conn;
		rq->query = en->query;
	}
	rq->source = en->source.ptr;
}

/* ---- the targets ------------------------------------------------------- */

static void
found_push(struct entry *en, struct target *t, int row)
{
	XGROW(en->fv, en->fn + 1, en->fcap);
	en->fv[en->fn].t = t;
	en->fv[en->fn++].row = row;
}

static void
row_prefix(struct entry *en, const char *what, size_t row)
{
	char prefix[64];

	xsnprintf(prefix, sizeof(prefix), "discover: %s %zu: ", what, row);
	problems_set_prefix(en->c->pr, prefix);
}

/* Every template's columns, by name or number; false after reporting. */
static bool
bind_templates(struct entry *en)
{
	const struct strv *cols = &en->got.columns;
	struct buf why = BUF_INIT;
	bool ok = true;
	size_t i;

	for (i = 0; i < en->tn; i++) {
		buf_reset(&why);
		if (template_bind(en->tv[i].t, (const char *const *)cols->v,
				  cols->n, &why) < 0) {
			EPROBLEM(en, en->tv[i].node, "discover: %s", why.ptr);
			ok = false;
		}
	}
	buf_release(&why);
	return ok;
}

static void
expand_rows(struct entry *en)
{
	const struct targetspec_layer *v[1] = { en->layer };
	size_t i, ncols = en->got.columns.n;

	if (en->got.nrows == 0) {
		EPROBLEM(en, en->at, "discover: the query returned no rows: a "
				     "discovery that finds nothing is an error, "
				     "not an empty fleet");
		return;
	}
	if (!bind_templates(en))
		return;
	for (i = 0; i < en->got.nrows; i++) {
		en->row = (const char *const *)en->got.cells + i * ncols;
		row_prefix(en, "row", i + 1);
		if (targetspec_layer_convert(en->c, en->layer, row_text, en))
			found_push(en, targetspec_build(en->c, v, 1, en->d,
							en->at),
				   (int)i + 1);
	}
	problems_set_prefix(en->c->pr, NULL);
}

/* A line's password would be written into the report with the line. */
static void
line_secrets(struct entry *en, const struct targetspec_layer *line,
	     const struct target *t)
{
	if (targetspec_layer_node(line, "password"))
		EPROBLEM(en, en->at,
			 "password: a discovered target cannot carry a "
			 "password (the report keeps what was discovered): "
			 "give password or password_file in the discover "
			 "entry or in defaults");
	else if (targetspec_layer_node(line, "url") && t->password &&
		 t->source[CFG_PASSWORD] == SRC_URL)
		EPROBLEM(en, en->at,
			 "url: a discovered url cannot carry a password (the "
			 "report keeps what was discovered): give password or "
			 "password_file in the discover entry or in defaults");
}

/* One line of the command's output: a target, or a problem. */
static void
expand_line(struct entry *en, const struct jsonline *jline)
{
	const struct targetspec_layer *v[2] = { NULL, en->layer };
	struct targetspec_layer *line;
	struct target *t;

	problems_set_prefix(en->c->pr, NULL);
	if (jline->problem) {
		EPROBLEM(en, en->at, "discover: line %d: %s", jline->lineno,
			 jline->problem);
		return;
	}
	row_prefix(en, "line", (size_t)jline->lineno);
	line = targetspec_layer_walk(en->c, jline->map, TARGETSPEC_LINE);
	v[0] = line;
	if (targetspec_layer_convert(en->c, line, literal_text, NULL)) {
		t = targetspec_build(en->c, v, 2, en->d, en->at);
		line_secrets(en, line, t);
		found_push(en, t, jline->lineno);
	}
	targetspec_layer_free(line);
}

static void
expand_lines(struct entry *en)
{
	struct jsonlines jl = JSONLINES_INIT;
	size_t i;

	jsonlines_parse(en->got.output.ptr, en->got.output.len, en->at->line,
			en->at->col, &jl);
	if (jl.n == 0)
		EPROBLEM(en, en->at, "discover: the command printed no "
				     "targets: a discovery that finds nothing "
				     "is an error, not an empty fleet");
	targetspec_layer_convert(en->c, en->layer, env_text, NULL);
	for (i = 0; i < jl.n; i++)
		expand_line(en, &jl.v[i]);
	problems_set_prefix(en->c->pr, NULL);
	/* the report keeps the lines that made targets, one per line */
	buf_reset(&en->got.output);
	for (i = 0; i < jl.n; i++)
		buf_addf(&en->got.output, "%s\n", jl.v[i].text);
	jsonlines_release(&jl);
}

/* ---- the record --------------------------------------------------------- */

static void
digest(struct discovery *d)
{
	const struct discovery_result *g = &d->got;
	struct sha256 h;
	size_t i, n = g->nrows * g->columns.n;

	sha256_init(&h);
	if (d->kind == DISCOVERY_COMMAND) {
		sha256_update(&h, g->output.ptr, g->output.len);
	} else {
		/* each name and cell with its NUL; SQL NULL is one 0xff */
		for (i = 0; i < g->columns.n; i++)
			sha256_update(&h, g->columns.v[i],
				      strlen(g->columns.v[i]) + 1);
		for (i = 0; i < n; i++)
			if (g->cells[i])
				sha256_update(&h, g->cells[i],
					      strlen(g->cells[i]) + 1);
			else
				sha256_update(&h, "\xff", 1);
	}
	sha256_final_hex(&h, d->digest);
}

/* What the entry found, handed over to a record: a query's columns no
 * template takes are blanked. */
static struct discovery *
record(struct entry *en)
{
	struct discovery *d = xcalloc(1, sizeof(*d));
	size_t i, ncols = en->got.columns.n;
	bool *used = xcalloc(ncols ? ncols : 1, sizeof(*used));

	d->line = en->at->line;
	d->col = en->at->col;
	d->kind = en->kind;
	d->source = xstrdup(en->source.ptr);
	d->ntargets = en->fn;
	for (i = 0; i < en->tn; i++)
		if (template_has_fields(en->tv[i].t))
			template_mark(en->tv[i].t, used);
	for (i = 0; i < en->got.nrows * ncols; i++)
		if (!used[i % ncols]) {
			free(en->got.cells[i]);
			en->got.cells[i] = NULL;
		}
	d->got = en->got;
	discovery_result_init(&en->got);
	digest(d);
	free(used);
	return d;
}

static int
found_cmp(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	int c = strcmp(x->t->name, y->t->name);

	return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* ---- the API ----------------------------------------------------------- */

/* Walk the entry and its discover mapping; compile the templates. */
static void
entry_walk(struct entry *en, const struct ynode *item, const struct ynode *dmap)
{
	en->kind = kind_of(dmap);
	en->layer = targetspec_layer_walk(en->c, item,
					  en->kind == DISCOVERY_QUERY
					      ? TARGETSPEC_QUERY
					      : TARGETSPEC_COMMAND);
	if (dmap->kind == YNODE_MAP)
		keytable_walk(discover_keys, sizeof(discover_keys[0]), dmap,
			      en->kind == DISCOVERY_QUERY ? IN_QUERY
							  : IN_COMMAND,
			      en->kind == DISCOVERY_QUERY
				  ? "discover with a query"
				  : "discover with a command",
			      en->dk, en->c->pr);
	if (en->dk[D_PASSWORD] && en->dk[D_PASSWORD_FILE])
		EPROBLEM(en, en->dk[D_PASSWORD_FILE],
			 "password_file: give either 'password' or "
			 "'password_file', not both");
	if (en->kind == DISCOVERY_QUERY)
		targetspec_layer_scalars(en->layer, compile_one, en);
}

static void
entry_release(struct entry *en)
{
	size_t i;

	targetspec_layer_free(en->layer);
	for (i = 0; i < en->tn; i++)
		template_free(en->tv[i].t);
	free(en->tv);
	target_free(en->conn);
	free(en->query);
	strv_release(&en->argv);
	buf_release(&en->source);
	discovery_result_release(&en->got);
	free(en->fv);
}

/* Run the discovery and expand what it found. */
static void
entry_run(struct entry *en, const struct discoverer *ops)
{
	struct err e = ERR_INIT;

	if (!ops) {
		EPROBLEM(en, en->at, "discover: this command cannot discover "
				     "targets");
		return;
	}
	if (ops->fn(ops->arg, &en->rq, &en->got, &e) < 0) {
		EPROBLEM(en, en->at, "discover: %s", e.msg);
		return;
	}
	if (en->kind == DISCOVERY_QUERY)
		expand_rows(en);
	else
		expand_lines(en);
}

void
discovery_entry(struct targetspec_ctx *c,
		const struct targetspec_defaults *d, const struct ynode *item,
		size_t index, const struct discoverer *ops,
		discovery_emit_fn *emit, void *arg, struct discovery **rec)
{
	struct entry en;
	const struct ynode *dmap;
	size_t i, before;

	*rec = NULL;
	memset(&en, 0, sizeof(en));
	en.c = c;
	en.d = d;
	strv_init(&en.argv);
	buf_init(&en.source);
	discovery_result_init(&en.got);
	problems_window_begin(c->pr, TARGETSPEC_MAX_ENTRY_PROBLEMS);
	before = nproblems(&en);
	en.at = targetspec_discover(item, &dmap);
	entry_walk(&en, item, dmap);
	if (nproblems(&en) == before)
		request_build(&en, index);
	if (nproblems(&en) == before)
		entry_run(&en, ops);
	if (en.fn > 1)
		qsort(en.fv, en.fn, sizeof(*en.fv), found_cmp);
	if (nproblems(&en) == before && en.fn > 0)
		*rec = record(&en);
	for (i = 0; i < en.fn; i++)
		emit(arg, en.fv[i].t, en.at->line, en.at->col,
		     en.kind == DISCOVERY_QUERY ? "row" : "line", en.fv[i].row);
	en.fn = 0;
	problems_window_end(c->pr, "this discover entry");
	entry_release(&en);
}
