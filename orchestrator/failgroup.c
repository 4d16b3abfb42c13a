/* A fleet run's failures grouped by their normalised first error line,
 * with the engine's DETAIL/HINT and the command that comes next. */
#include "config.h"

#include "orchestrator/failgroup.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "orchestrator/outcome.h"
#include "worker/drift.h"
#include "common/banned.h"

/* ---- normalising ------------------------------------------------------ */

struct token {
	const char *s;
	size_t len;
	const char *as;
};

#define MAX_TOKENS 5

static void
add_token(struct token *tk, size_t *n, const char *s, size_t len,
	  const char *as)
{
	if (s != NULL && len >= 2 && *n < MAX_TOKENS)
		tk[(*n)++] = (struct token){ s, len, as };
}

/* Host and database of a server's description, after the engine:
 * "user:****@host:5432/db", "user@[::1]:5432/db", "/run/sock/db". */
static void
server_tokens(const char *rest, struct token *tk, size_t *n)
{
	const char *at = strrchr(rest, '@'), *h = at ? at + 1 : rest;
	const char *slash, *end;

	if (*h == '/') { /* a Unix socket: the database is the last part */
		slash = strrchr(h, '/');
		add_token(tk, n, slash + 1, strlen(slash + 1), "<db>");
		return;
	}
	if (*h == '[') {
		end = strchr(h, ']');
		if (end == NULL)
			return;
		add_token(tk, n, h + 1, (size_t)(end - h - 1), "<host>");
		slash = strchr(end, '/');
	} else {
		end = h + strcspn(h, ":/");
		add_token(tk, n, h, (size_t)(end - h), "<host>");
		slash = strchr(h, '/');
	}
	if (slash != NULL)
		add_token(tk, n, slash + 1, strlen(slash + 1), "<db>");
}

static int
longer_first(const void *a, const void *b)
{
	const struct token *x = a, *y = b;

	return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

/* A database file: its path, and its name alone. */
static void
file_tokens(const char *path, struct token *tk, size_t *n)
{
	const char *base = strrchr(path, '/');

	add_token(tk, n, path, strlen(path), "<db>");
	if (base != NULL)
		add_token(tk, n, base + 1, strlen(base + 1), "<db>");
}

static size_t
item_tokens(const struct failgroup_item *it, struct token *tk)
{
	const char *sp = it->desc ? strchr(it->desc, ' ') : NULL;
	size_t n = 0;

	if (it->name)
		add_token(tk, &n, it->name, strlen(it->name), "<target>");
	if (sp != NULL && strncmp(it->desc, "sqlite ", 7) == 0)
		file_tokens(sp + 1, tk, &n);
	else if (sp != NULL)
		server_tokens(sp + 1, tk, &n);
	qsort(tk, n, sizeof(*tk), longer_first);
	return n;
}

static bool
is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static bool
is_letters(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* The token standing alone at p (in line, len bytes), or NULL. A value
 * of letters only ("failed", "legacy") could be a word of the message:
 * it counts only right after a quote or a slash. */
static const struct token *
token_at(const char *line, size_t len, size_t p, const struct token *tk,
	 size_t n)
{
	bool quoted = p > 0 && strchr("\"'`/", line[p - 1]) != NULL;
	size_t i;

	if (p > 0 && is_word(line[p - 1]) && is_word(line[p]))
		return NULL;
	for (i = 0; i < n; i++) {
		size_t e = p + tk[i].len;

		if (e <= len && memcmp(line + p, tk[i].s, tk[i].len) == 0 &&
		    !(e < len && is_word(line[e]) && is_word(line[e - 1])) &&
		    (quoted || !is_letters(tk[i].s, tk[i].len)))
			return &tk[i];
	}
	return NULL;
}

void
failgroup_normalise(const struct failgroup_item *item, struct buf *out)
{
	const char *line = item->text ? item->text : "";
	size_t len = strcspn(line, "\n"), p = 0;
	struct token tk[MAX_TOKENS];
	size_t n = item_tokens(item, tk);

	while (p < len) {
		const struct token *t = token_at(line, len, p, tk, n);

		if (t != NULL) {
			buf_adds(out, t->as);
			p += t->len;
		} else {
			buf_addc(out, line[p++]);
		}
	}
}

/* ---- grouping --------------------------------------------------------- */

/* Does upgrade resume the step's section after what committed? Its run
 * section does (worker/resume.h). */
static bool
resumes(const struct failgroup_item *it)
{
	return it->operation == NULL || strcmp(it->operation, "Run") == 0 ||
	       strcmp(it->operation, "Run Partial") == 0;
}

static enum failgroup_action
action_of(const struct failgroup_item *it)
{
	const struct outcome_status_info *st;

	if (it->status == NULL)
		return it->text && strstr(it->text, DRIFT_WARNING_WORDS)
			       ? FAILGROUP_REPAIR
			       : FAILGROUP_NONE;
	st = outcome_status_named(it->status);
	if (st->junit != OUTCOME_JUNIT_FAILURE)
		return FAILGROUP_RESUME;
	if (it->committed > 0 && !it->recovered && it->uuid != NULL &&
	    resumes(it))
		return FAILGROUP_COMMITTED;
	return FAILGROUP_FIX;
}

struct keyed {
	char *key;    /* status, action, uuid, line: NUL-separated in one */
	size_t keylen;
	size_t line;  /* offset of the line in key */
	size_t item;
};

/* What the members of a group share besides their line: status, action,
 * migration, and for committed statements how many. */
static void
key_head(const struct failgroup_item *it, struct buf *b)
{
	buf_adds(b, it->status ? it->status : "");
	buf_addf(b, "%c%d%c", 0, (int)action_of(it), 0);
	buf_adds(b, it->uuid ? it->uuid : "");
	buf_addc(b, 0);
	if (action_of(it) == FAILGROUP_COMMITTED)
		buf_addf(b, "%ld", it->committed);
	buf_addc(b, 0);
}

static void
make_key(struct keyed *k, const struct failgroup_item *it, size_t i)
{
	struct buf b = BUF_INIT;

	key_head(it, &b);
	k->line = b.len;
	failgroup_normalise(it, &b);
	k->keylen = b.len;
	k->key = buf_detach(&b);
	k->item = i;
}

static int
key_cmp(const struct keyed *x, const struct keyed *y)
{
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return x->keylen < y->keylen ? -1 : x->keylen > y->keylen ? 1 : 0;
}

/* By key, then by position: equal keys end up together, in order. */
static int
keyed_order(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = key_cmp(x, y);

	if (c != 0)
		return c;
	return x->item < y->item ? -1 : x->item > y->item ? 1 : 0;
}

static int
group_order(const void *a, const void *b)
{
	const struct failgroup *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return x->members[0] < y->members[0] ? -1 : 1;
}

/* The value of the line of tb that starts with prefix, or NULL. */
static char *
note_line(const char *tb, const char *prefix)
{
	size_t plen = strlen(prefix);
	const char *p = tb;

	while (p != NULL && *p) {
		if (strncmp(p, prefix, plen) == 0)
			return xstrndup(p + plen, strcspn(p + plen, "\n"));
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return NULL;
}

static bool
same_note(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* A group from the sorted run k[0..n): its line, notes, members. */
/* Item it (index i) joins g; its DETAIL and HINT may differ from the
 * first member's, which the group shows. */
static void
add_member(struct failgroup *g, const struct failgroup_item *it, size_t i)
{
	char *d = note_line(it->traceback, "DETAIL: ");
	char *h = note_line(it->traceback, "HINT: ");

	if (!same_note(d, g->detail) || !same_note(h, g->hint))
		g->notes_differ = true;
	free(d);
	free(h);
	g->members[g->n++] = i;
}

static void
group_init(struct failgroup *g, const struct keyed *k, size_t n,
	   const struct failgroup_item *it)
{
	const struct failgroup_item *first = &it[k[0].item];
	size_t i;

	memset(g, 0, sizeof(*g));
	g->line = xstrdup(k[0].key + k[0].line);
	g->status = first->status;
	g->action = action_of(first);
	g->uuid = first->uuid;
	g->file = first->file;
	g->committed = first->committed;
	g->total = first->total;
	g->detail = note_line(first->traceback, "DETAIL: ");
	g->hint = note_line(first->traceback, "HINT: ");
	g->members = xcalloc(n, sizeof(*g->members));
	for (i = 0; i < n; i++)
		add_member(g, &it[k[i].item], k[i].item);
}

void
failgroups_build(struct failgroups *g, const struct failgroup_item *it,
		 size_t n)
{
	struct keyed *k = xcalloc(n ? n : 1, sizeof(*k));
	size_t nk = 0, i, j;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < n; i++)
		if (it[i].status == NULL ||
		    !outcome_status_named(it[i].status)->good)
			make_key(&k[nk++], &it[i], i);
	qsort(k, nk, sizeof(*k), keyed_order);
	g->v = xcalloc(nk ? nk : 1, sizeof(*g->v));
	for (i = 0; i < nk; i = j) {
		for (j = i + 1; j < nk && key_cmp(&k[i], &k[j]) == 0; j++)
			;
		group_init(&g->v[g->n++], &k[i], j - i, it);
	}
	g->items = nk;
	qsort(g->v, g->n, sizeof(*g->v), group_order);
	for (i = 0; i < nk; i++)
		free(k[i].key);
	free(k);
}

void
failgroups_release(struct failgroups *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		free(g->v[i].line);
		free(g->v[i].detail);
		free(g->v[i].hint);
		free(g->v[i].members);
	}
	free(g->v);
	memset(g, 0, sizeof(*g));
}

/* ---- what comes next -------------------------------------------------- */

static bool
is_plain(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!is_word(*s) && strchr("./:=,@%+-", *s) == NULL)
			return false;
	return true;
}

/* s as one shell word. */
static void
shell_word(struct buf *out, const char *s)
{
	if (is_plain(s)) {
		buf_adds(out, s);
		return;
	}
	buf_addc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(out, "'\\''");
		else
			buf_addc(out, *s);
	}
	buf_addc(out, '\'');
}

/* A name as a term of --select that matches itself only: fnmatch's
 * characters escaped, "tag:" not taken as one. */
static void
select_name(struct buf *expr, const char *s)
{
	if (strncmp(s, "tag:", 4) == 0)
		buf_addc(expr, '\\');
	for (; *s; s++) {
		if (strchr("*?[]\\", *s))
			buf_addc(expr, '\\');
		buf_addc(expr, *s);
	}
}

/* The members' names as one --select expression. */
static void
select_names(struct buf *out, const struct failgroup *g,
	     const struct failgroup_item *it)
{
	struct buf expr = BUF_INIT;
	size_t i;

	for (i = 0; i < g->n; i++) {
		if (i > 0)
			buf_addc(&expr, ',');
		select_name(&expr, it[g->members[i]].name);
	}
	shell_word(out, expr.ptr);
	buf_release(&expr);
}

static void
command_head(struct buf *out, const char *command, const char *id,
	     const struct failgroup_run *run)
{
	buf_adds(out, "migratore ");
	shell_word(out, command);
	if (id != NULL) {
		buf_addc(out, ' ');
		shell_word(out, id);
	}
	buf_adds(out, " --inventory ");
	shell_word(out, run->inventory ? run->inventory : "FILE");
}

void
failgroup_command(const struct failgroup *g, const struct failgroup_item *it,
		  const struct failgroup_run *run, struct buf *out)
{
	if (g->action == FAILGROUP_NONE)
		return;
	if (g->action == FAILGROUP_REPAIR) {
		command_head(out, "repair", NULL, run);
		buf_adds(out, " --select ");
		select_names(out, g, it);
		return;
	}
	command_head(out, run->command, run->id, run);
	if (!run->no_report) {
		buf_adds(out, " --resume ");
		shell_word(out, run->report ? run->report : "REPORT.json");
	}
	if (g->n != run->unfinished || run->no_report) {
		buf_adds(out, " --select ");
		select_names(out, g, it);
	}
}

/* Statements of the migration stayed committed: where the next run
 * resumes, and what to leave as it is. */
static void
committed_advice(const struct failgroup *g, struct buf *out)
{
	buf_addf(out, "%ld statement%s of %s stayed committed. ", g->committed,
		 g->committed == 1 ? "" : "s", g->file ? g->file : g->uuid);
	if (g->total > 0 && g->committed >= g->total)
		buf_adds(out, "Leaving them as they are, run them again: the "
			      "next run records it:");
	else if (g->committed == 1)
		buf_adds(out, "Fix what failed, leaving the first statement as "
			      "it is: the next run resumes at statement 2:");
	else
		buf_addf(out, "Fix what failed, leaving the first %ld as they "
			      "are: the next run resumes at statement %ld:",
			 g->committed, g->committed + 1);
}

void
failgroup_advice(const struct failgroup *g, struct buf *out)
{
	switch (g->action) {
	case FAILGROUP_NONE:
		break;
	case FAILGROUP_RESUME:
		buf_adds(out, outcome_status_named(g->status)->reached
			      ? "Once the cause is gone, run them again:"
			      : "The run never got to them; run them:");
		break;
	case FAILGROUP_FIX:
		if (g->file)
			buf_addf(out, "Fix %s, then run them again:", g->file);
		else
			buf_adds(out, "Fix the cause, then run them again:");
		break;
	case FAILGROUP_REPAIR:
		buf_adds(out, "If the change was intended, record the file as "
			      "it is now:");
		break;
	case FAILGROUP_COMMITTED:
		committed_advice(g, out);
		break;
	}
}
