/*
 * Migration files (SPEC 4.2, 4.3): the `-- migratore:` header and section
 * markers of a SQL file, the comment header of an executable one, and the
 * file's checksum. Sections are split into statements by worker/section.c.
 */
#include "config.h"

#include "worker/migration.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/sha256.h"
#include "common/xmalloc.h"
#include "config/engine.h"
#include "common/banned.h"

#define SECTION_LIST "run, rollback, run_partial, run_skip, cleanup"
#define HEADER_LIST "uuid, timestamp, description, transaction or replaces"

struct parser;
typedef int header_setter(struct parser *ps, const char *v, size_t n,
			  int line);

struct parser {
	const char *path;
	const char *text;
	size_t len;
	struct migration *m;
	struct err *e;
	int key_line[5];     /* where each header key was set; 0: not yet */
	bool in_section;
	bool in_comment;     /* inside a block comment in the header */
	int comment_line;    /* where that comment opened */
	size_t body_off;     /* the open section's body starts here */
	int body_line;
	struct body *bodies; /* of every section, split once all are known */
};

/* Where a section's body is in the text. */
struct body {
	size_t off, len;
	int line;
};

/* The canonical name of an engine or alias (any case), NULL if unknown. */
static const char *
engine_canonical(const char *s, size_t n)
{
	const struct engine *eng = engine_find(s, n);

	return eng ? eng->name : NULL;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim blanks from both ends of [*s, *s + *n). */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_blank((*s)[*n - 1]))
		(*n)--;
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static bool
is_uuid(const char *s, size_t n)
{
	size_t i;

	if (n != 36)
		return false;
	for (i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!is_hex(s[i])) {
			return false;
		}
	}
	return true;
}

static int
fail(struct parser *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct parser *ps, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set_at(ps->e, ERR_MIGFILE, ps->path, line, 0, "%s", msg);
}

static int
set_uuid(struct parser *ps, const char *v, size_t n, int line)
{
	if (!is_uuid(v, n))
		return fail(ps, line,
			    "uuid '%.*s' is not a UUID "
			    "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits)",
			    (int)n, v);
	ps->m->uuid = xstrndup(v, n);
	return 0;
}

static int
set_timestamp(struct parser *ps, const char *v, size_t n, int line)
{
	int64_t t = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' ||
		    t > (INT64_MAX - (v[i] - '0')) / 10)
			break;
		t = t * 10 + (v[i] - '0');
	}
	if (n == 0 || i < n || t == 0)
		return fail(ps, line,
			    "timestamp '%.*s' is not a positive whole number "
			    "of seconds since 1970 that fits in 64 bits",
			    (int)n, v);
	ps->m->timestamp = t;
	return 0;
}

static int
set_description(struct parser *ps, const char *v, size_t n, int line)
{
	(void)line;
	free(ps->m->description);
	ps->m->description = xstrndup(v, n);
	return 0;
}

static int
set_transaction(struct parser *ps, const char *v, size_t n, int line)
{
	if (n == 2 && memcmp(v, "on", 2) == 0)
		ps->m->transaction_off = false;
	else if (n == 3 && memcmp(v, "off", 3) == 0)
		ps->m->transaction_off = true;
	else
		return fail(ps, line, "transaction must be 'on' or 'off', not "
				      "'%.*s'",
			    (int)n, v);
	return 0;
}

/* One uuid of replaces, len bytes at item. */
static int
replaces_one(struct parser *ps, const char *item, size_t len, int line)
{
	char *u;

	if (!is_uuid(item, len))
		return fail(ps, line,
			    "replaces: '%.*s' is not a UUID (expected a "
			    "comma-separated list of uuids)",
			    (int)len, item);
	u = xstrndup(item, len);
	if (strv_contains(&ps->m->replaces, u)) {
		free(u);
		return fail(ps, line, "replaces: uuid %.*s listed twice",
			    (int)len, item);
	}
	strv_push_owned(&ps->m->replaces, u);
	return 0;
}

static int
set_replaces(struct parser *ps, const char *v, size_t n, int line)
{
	const char *item, *comma;
	size_t len;
	int r;

	for (;;) {
		comma = memchr(v, ',', n);
		item = v;
		len = comma ? (size_t)(comma - v) : n;
		trim(&item, &len);
		if ((r = replaces_one(ps, item, len, line)) < 0)
			return r;
		if (comma == NULL)
			return 0;
		n -= (size_t)(comma - v) + 1;
		v = comma + 1;
	}
}

static const struct {
	const char *name;
	header_setter *set;
} header_keys[] = {
	{ "uuid", set_uuid },
	{ "timestamp", set_timestamp },
	{ "description", set_description },
	{ "transaction", set_transaction },
	{ "replaces", set_replaces },
};

#define NKEYS (sizeof(header_keys) / sizeof(header_keys[0]))

/* Index of a header key, or -1. */
static int
header_key(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(header_keys[i].name) == n &&
		    memcmp(header_keys[i].name, s, n) == 0)
			return (int)i;
	return -1;
}

/* Index of a section kind, or -1. */
static int
kind_of(const char *s, size_t n)
{
	const char *name;
	int k;

	for (k = 0; k < SEC_NKINDS; k++)
		if (strlen(name = section_kind_name((enum section_kind)k)) == n &&
		    memcmp(name, s, n) == 0)
			return k;
	return -1;
}

/* `key = value`, key and value trimmed. */
static int
header_line(struct parser *ps, const char *key, size_t klen, const char *v,
	    size_t vlen, int line)
{
	int k = header_key(key, klen);

	if (k < 0)
		return fail(ps, line,
			    "unknown header key '%.*s' (expected " HEADER_LIST
			    ")",
			    (int)klen, key);
	if (ps->in_section)
		return fail(ps, line,
			    "header key '%.*s' after the first section "
			    "marker: header lines go at the top of the file",
			    (int)klen, key);
	if (ps->key_line[k] != 0)
		return fail(ps, line,
			    "duplicate header key '%.*s' (first at line %d)",
			    (int)klen, key, ps->key_line[k]);
	ps->key_line[k] = line;
	return header_keys[k].set(ps, v, vlen, line);
}

/* Close the open section, whose body ends at end: its checksum, and where
 * its statements are, split once every section is known. */
static void
section_close(struct parser *ps, size_t end)
{
	size_t n = ps->m->nsections;
	struct section *s;

	if (!ps->in_section)
		return;
	s = &ps->m->sections[n - 1];
	sha256_hex(ps->text + ps->body_off, end - ps->body_off, s->checksum);
	ps->bodies = xreallocarray(ps->bodies, n, sizeof(*ps->bodies));
	ps->bodies[n - 1].off = ps->body_off;
	ps->bodies[n - 1].len = end - ps->body_off;
	ps->bodies[n - 1].line = ps->body_line;
}

/* The error for an unknown engine in a section marker. */
static int
unknown_engine(struct parser *ps, int line, const char *eng, size_t n)
{
	struct buf why = BUF_INIT;

	engine_expected(&why);
	fail(ps, line, "section marker: '%.*s' %s", (int)n, eng, why.ptr);
	buf_release(&why);
	return ERR_MIGFILE;
}

/* m's section of this kind for exactly this engine (NULL: plain). */
static struct section *
find_section(struct migration *m, int kind, const char *engine)
{
	struct section *s;
	size_t i;

	for (i = 0; i < m->nsections; i++) {
		s = &m->sections[i];
		if ((int)s->kind == kind &&
		    (s->engine == NULL ? engine == NULL
				       : engine != NULL &&
						 strcmp(s->engine, engine) == 0))
			return s;
	}
	return NULL;
}

/* A marker `-- migratore: <kind> [engine]` at offset off of line line. */
static int
section_open(struct parser *ps, int kind, const char *eng, size_t englen,
	     int line, size_t off, size_t next)
{
	struct migration *m = ps->m;
	const char *engine = NULL;
	struct section *s;

	if (englen > 0 && (engine = engine_canonical(eng, englen)) == NULL)
		return unknown_engine(ps, line, eng, englen);
	if ((s = find_section(m, kind, engine)) != NULL)
		return fail(ps, line,
			    "duplicate section '%s%s%s' (first at line %d)",
			    section_kind_name((enum section_kind)kind),
			    engine ? " " : "", engine ? engine : "", s->line);
	section_close(ps, off);
	m->sections = xreallocarray(m->sections, m->nsections + 1,
				    sizeof(*m->sections));
	s = &m->sections[m->nsections++];
	memset(s, 0, sizeof(*s));
	s->kind = (enum section_kind)kind;
	s->engine = xstrdup_or_null(engine);
	s->line = line;
	ps->in_section = true;
	ps->body_off = next;
	ps->body_line = line + 1;
	return 0;
}

/* Cut [s, s + n) at the first blank: the word, then the rest, trimmed. */
static void
next_word(const char **s, size_t *n, const char **w, size_t *wn)
{
	*w = *s;
	for (*wn = 0; *wn < *n && !is_blank((*s)[*wn]); (*wn)++)
		;
	*s += *wn;
	*n -= *wn;
	trim(s, n);
}

/* What follows `-- migratore:` (trimmed) on a line of a SQL file. */
/* "key = value" (n bytes at s, eq at its '='), both sides trimmed. */
static int
key_value(struct parser *ps, const char *s, size_t n, const char *eq,
	  int line)
{
	const char *v = eq + 1;
	size_t kn = (size_t)(eq - s), vn = n - (size_t)(v - s);

	trim(&s, &kn);
	trim(&v, &vn);
	return header_line(ps, s, kn, v, vn, line);
}

static int
directive(struct parser *ps, const char *rest, size_t n, int line, size_t off,
	  size_t next)
{
	const char *eq = memchr(rest, '=', n), *w, *eng, *extra;
	size_t wn, engn, extran;
	int kind;

	if (eq != NULL)
		return key_value(ps, rest, n, eq, line);
	next_word(&rest, &n, &w, &wn);
	next_word(&rest, &n, &eng, &engn);
	next_word(&rest, &n, &extra, &extran);
	if ((kind = kind_of(w, wn)) >= 0) {
		if (extran > 0)
			return fail(ps, line,
				    "unexpected '%.*s' after the section "
				    "marker (expected at most an engine)",
				    (int)extran, extra);
		return section_open(ps, kind, eng, engn, line, off, next);
	}
	if (wn == 9 && memcmp(w, "delimiter", 9) == 0) {
		/* the lexer applies it, where statements begin and end */
		if (!ps->in_section)
			return fail(ps, line, "delimiter directive before the "
					      "first section marker");
		return 0;
	}
	if (header_key(w, wn) >= 0 && !ps->in_section)
		return fail(ps, line,
			    "header key '%.*s' needs a value: '-- migratore: "
			    "%.*s = ...'",
			    (int)wn, w, (int)wn, w);
	if (header_key(w, wn) >= 0)
		return header_line(ps, w, wn, "", 0, line);
	if (wn == 0)
		return fail(ps, line, "empty '-- migratore:' directive (expected "
				      "a section name or 'key = value')");
	return fail(ps, line,
		    "unknown section marker '%.*s' (expected " SECTION_LIST
		    " or delimiter)",
		    (int)wn, w);
}

/* `-- migratore run`: a directive without its colon, never a comment. */
static bool
missing_colon(const char *s, size_t n, const char *leader)
{
	size_t ll = strlen(leader), wn;
	const char *w;

	trim(&s, &n);
	if (n < ll || memcmp(s, leader, ll) != 0)
		return false;
	s += ll;
	n -= ll;
	trim(&s, &n);
	if (n < 10 || strncasecmp(s, "migratore", 9) != 0 || !is_blank(s[9]))
		return false;
	s += 9;
	n -= 9;
	trim(&s, &n);
	next_word(&s, &n, &w, &wn);
	return kind_of(w, wn) >= 0 || header_key(w, wn) >= 0 ||
	       (wn == 9 && memcmp(w, "delimiter", 9) == 0);
}

/*
 * A line before the first section that is no directive: blank, a `--`
 * comment, or block comments (a licence header, say). Anything else is
 * a statement outside any section, which would otherwise never run.
 */
static int
header_text(struct parser *ps, const char *s, size_t n, int line)
{
	const char *end;

	for (;;) {
		trim(&s, &n);
		if (ps->in_comment) {
			if ((end = memmem(s, n, "*/", 2)) == NULL)
				return 0;
			ps->in_comment = false;
			n -= (size_t)(end + 2 - s);
			s = end + 2;
			continue;
		}
		if (n >= 2 && s[0] == '/' && s[1] == '*') {
			ps->in_comment = true;
			ps->comment_line = line;
			n -= 2;
			s += 2;
			continue;
		}
		break;
	}
	if (n >= 2 && s[0] == '-' && s[1] == '-' &&
	    lexer_directive(s, n, "--", NULL) > 0)
		return fail(ps, line, "a '-- migratore:' directive must be on "
				      "a line of its own");
	if (n == 0 || (n >= 2 && s[0] == '-' && s[1] == '-'))
		return 0;
	return fail(ps, line,
		    "text before the first section marker (statements go "
		    "after '-- migratore: run')");
}

static int
sql_line(struct parser *ps, size_t off, size_t end, size_t next, int line)
{
	const char *s = ps->text + off;
	size_t n = end - off, d;
	bool lower;

	if (ps->in_comment)
		return header_text(ps, s, n, line);
	if ((d = lexer_directive(s, n, "--", &lower)) == 0) {
		/* MySQL would take a `#` line for a comment and ignore it */
		if (lexer_directive(s, n, "#", NULL) > 0 ||
		    lexer_directive(s, n, "//", NULL) > 0)
			return fail(ps, line, "a SQL file writes directives as "
					      "'-- migratore:'");
		if (missing_colon(s, n, "--"))
			return fail(ps, line, "missing ':' after 'migratore' "
					      "(write '-- migratore: <name>')");
		return ps->in_section ? 0 : header_text(ps, s, n, line);
	}
	if (!lower)
		return fail(ps, line, "write directives as '-- migratore:' in "
				      "lower case");
	s += d;
	n -= d;
	trim(&s, &n);
	return directive(ps, s, n, line, off, next);
}

/* A line of an executable: only comment lines with a directive matter. */
static int
exe_line(struct parser *ps, size_t off, size_t end, size_t next, int line)
{
	static const char *const leaders[] = { "#", "--", "//" };
	const char *s = ps->text + off, *eq, *w;
	size_t n = end - off, d = 0, i, wn;
	bool lower = true;

	(void)next;
	if (line == 1 && n >= 2 && s[0] == '#' && s[1] == '!')
		return 0;
	for (i = 0; i < 3 && d == 0; i++)
		if ((d = lexer_directive(s, n, leaders[i], &lower)) == 0 &&
		    missing_colon(s, n, leaders[i]))
			return fail(ps, line, "missing ':' after 'migratore'");
	if (d == 0)
		return 0;
	if (!lower)
		return fail(ps, line, "write directives as 'migratore:' in "
				      "lower case");
	s += d;
	n -= d;
	trim(&s, &n);
	if ((eq = memchr(s, '=', n)) != NULL)
		return key_value(ps, s, n, eq, line);
	next_word(&s, &n, &w, &wn);
	if (kind_of(w, wn) >= 0)
		return fail(ps, line,
			    "an executable migration has no sections: it is "
			    "run as '%s %.*s'",
			    ps->m->filename, (int)wn, w);
	return fail(ps, line,
		    "expected 'key = value' (keys: " HEADER_LIST ")");
}

typedef int line_fn(struct parser *ps, size_t off, size_t end, size_t next,
		    int line);

static int
each_line(struct parser *ps, line_fn *fn)
{
	size_t off = 0, end, next;
	const char *nl;
	int line = 1, r;

	while (off < ps->len) {
		nl = memchr(ps->text + off, '\n', ps->len - off);
		end = nl ? (size_t)(nl - ps->text) : ps->len;
		next = nl ? end + 1 : ps->len;
		if (end > off && ps->text[end - 1] == '\r')
			end--;
		if ((r = fn(ps, off, end, next, line)) < 0)
			return r;
		off = next;
		line++;
	}
	return 0;
}

static int
split_sections(struct parser *ps)
{
	size_t i;
	int r;

	for (i = 0; i < ps->m->nsections; i++)
		if ((r = section_split(ps->m, &ps->m->sections[i], ps->path,
				       ps->text + ps->bodies[i].off,
				       ps->bodies[i].len, ps->bodies[i].line,
				       ps->e)) < 0)
			return r;
	return 0;
}

static int
check_complete(struct parser *ps)
{
	size_t i;

	if (ps->m->uuid == NULL)
		return fail(ps, 0, "no uuid (add a header line '-- migratore: "
				   "uuid = <uuid>')");
	if (ps->m->timestamp == 0)
		return fail(ps, 0, "no timestamp (add a header line '-- "
				   "migratore: timestamp = <seconds>')");
	if (ps->m->executable)
		return 0;
	for (i = 0; i < ps->m->nsections; i++)
		if (ps->m->sections[i].kind == SEC_RUN)
			return 0;
	return fail(ps, 0, "no 'run' section");
}

static int
parse_sql(struct parser *ps)
{
	const char *nul = memchr(ps->text, '\0', ps->len);
	int line = 1, r;
	size_t i;

	if (nul != NULL) {
		for (i = 0; i < (size_t)(nul - ps->text); i++)
			line += ps->text[i] == '\n';
		return fail(ps, line, "NUL byte (is this a text file?)");
	}
	if ((r = each_line(ps, sql_line)) < 0)
		return r;
	if (ps->in_comment)
		return fail(ps, ps->comment_line, "unterminated block comment");
	section_close(ps, ps->len);
	return split_sections(ps);
}

/* An empty migration of the file path, text its len bytes. */
static struct migration *
migration_new(const char *path, const char *text, size_t len,
	      bool executable)
{
	const char *base = strrchr(path, '/');
	struct migration *m = xcalloc(1, sizeof(*m));

	m->path = xstrdup(path);
	m->filename = xstrdup(base ? base + 1 : path);
	m->description = xstrdup("");
	m->executable = executable;
	strv_init(&m->replaces);
	sha256_hex(text, len, m->checksum);
	return m;
}

int
migration_parse(const char *path, const char *text, size_t len,
		bool executable, struct migration **out, struct err *e)
{
	struct migration *m = migration_new(path, text, len, executable);
	struct parser ps;
	int r;

	memset(&ps, 0, sizeof(ps));
	ps.path = path;
	ps.text = len > 0 ? text : "";
	ps.len = len;
	/* a UTF-8 byte order mark is no text before the header */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		ps.text += 3;
		ps.len -= 3;
	}
	ps.m = m;
	ps.e = e;
	r = executable ? each_line(&ps, exe_line) : parse_sql(&ps);
	if (r == 0)
		r = check_complete(&ps);
	free(ps.bodies);
	if (r < 0) {
		migration_free(m);
		return r;
	}
	*out = m;
	return 0;
}

int
migration_load(const char *path, bool executable, struct migration **out,
	       struct err *e)
{
	struct buf b = BUF_INIT;
	int r;

	if ((r = buf_read_file(&b, path)) < 0)
		return err_set_at(e, ERR_MIGFILE, path, 0, 0,
				  "cannot read the migration file: %s",
				  strerror(-r));
	r = migration_parse(path, b.ptr, b.len, executable, out, e);
	buf_release(&b);
	return r;
}

void
migration_free(struct migration *m)
{
	size_t i;
	int d;

	if (m == NULL)
		return;
	for (i = 0; i < m->nsections; i++) {
		free(m->sections[i].engine);
		for (d = 0; d < DIALECT_N; d++) {
			stmt_list_release(&m->sections[i].stmts[d]);
			free(m->sections[i].bad[d]);
		}
	}
	free(m->sections);
	strv_release(&m->replaces);
	free(m->description);
	free(m->uuid);
	free(m->filename);
	free(m->path);
	free(m);
}

const struct section *
migration_section(const struct migration *m, enum section_kind kind,
		  const char *engine)
{
	const struct section *plain = NULL, *s;
	const char *eng = NULL;
	size_t i;

	if (engine != NULL &&
	    (eng = engine_canonical(engine, strlen(engine))) == NULL)
		eng = engine;
	for (i = 0; i < m->nsections; i++) {
		s = &m->sections[i];
		if (s->kind != kind)
			continue;
		if (s->engine == NULL)
			plain = s;
		else if (eng != NULL && strcmp(s->engine, eng) == 0)
			return s;
	}
	return plain;
}

int
migration_check(const struct migration *m, const char *engine,
		struct err *e)
{
	const struct section *s;
	int k;

	for (k = 0; k < SEC_NKINDS; k++)
		if ((s = migration_section(m, (enum section_kind)k, engine)) &&
		    section_check(s, engine, e) < 0)
			return e->code;
	return 0;
}
