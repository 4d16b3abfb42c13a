/*
 * Merging the sections of several SQL migrations into one text for squash,
 * and checking that the result runs exactly what the originals ran.
 */
#include "config.h"

#include "worker/merge.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "worker/lexer.h"

#include "common/banned.h"

/* Offset of the first byte of line (1-based), or len past the end. */
static size_t
line_offset(const char *t, size_t len, int line)
{
	size_t i = 0;
	int l = 1;

	while (l < line && i < len)
		if (t[i++] == '\n')
			l++;
	return l < line ? len : i;
}

/*
 * The body of a section: from the line after its marker to the next
 * marker, or the end of the file. The parser allows nothing but sections
 * after the header, so that is all the bytes of the section.
 */
static void
body_of(const struct merge_src *s, const struct section *sec,
	const char **body, size_t *len)
{
	const struct migration *m = s->m;
	size_t start, end, j;
	int next = 0;

	for (j = 0; j < m->nsections; j++)
		if (m->sections[j].line > sec->line &&
		    (next == 0 || m->sections[j].line < next))
			next = m->sections[j].line;
	start = line_offset(s->text, s->len, sec->line + 1);
	end = next ? line_offset(s->text, s->len, next) : s->len;
	*body = s->text + start;
	*len = end - start;
}

/* The delimiter in force at the end of a body: the last
 * `-- migratore: delimiter X` line's, else ';'. */
static void
end_delimiter(const char *s, size_t len, struct buf *out)
{
	size_t i, eol, p, q;

	buf_reset(out);
	buf_addc(out, ';');
	for (i = 0; i < len; i = eol + 1) {
		for (eol = i; eol < len && s[eol] != '\n'; eol++)
			;
		if ((p = lexer_directive(s + i, eol - i, "--", NULL)) == 0)
			continue;
		for (p += i; p < eol && (s[p] == ' ' || s[p] == '\t'); p++)
			;
		if (eol - p < 9 || memcmp(s + p, "delimiter", 9) != 0)
			continue;
		for (p += 9; p < eol && (s[p] == ' ' || s[p] == '\t'); p++)
			;
		for (q = p; q < eol && s[q] != ' ' && s[q] != '\t' &&
			    s[q] != '\r';
		     q++)
			;
		if (q > p) {
			buf_reset(out);
			buf_add(out, s + p, q - p);
		}
	}
}

/* Whether a body ends at a statement boundary: a word put after it must
 * stay a statement of its own instead of joining the body's last one, for
 * every dialect that reads the section and splits it. */
static bool
ends_at_boundary(const char *s, size_t len, const struct section *sec)
{
	struct buf t = BUF_INIT;
	struct err e = ERR_INIT;
	int d, splits = 0, fits = 0;

	buf_add(&t, s, len);
	buf_adds(&t, "\nmigratore_probe\n");
	for (d = 0; d < DIALECT_N; d++) {
		struct stmt_list a = STMT_LIST_INIT, b = STMT_LIST_INIT;

		if (sec->engine != NULL &&
		    strcmp(sec->engine, lexer_dialect_engine(d)) != 0)
			continue;
		if (lexer_split(s, len, (enum dialect)d, "", 1, &a, &e) == 0) {
			splits++;
			fits += lexer_split(t.ptr, t.len, (enum dialect)d, "", 1,
					    &b, &e) == 0 &&
				b.n == a.n + 1;
		}
		stmt_list_release(&a);
		stmt_list_release(&b);
	}
	buf_release(&t);
	return splits > 0 && fits == splits;
}

/*
 * Copy a body byte for byte, then make sure what follows starts clean: the
 * last statement terminated and the delimiter back to ';'.
 */
static void
append_body(struct buf *out, const struct merge_src *src,
	    const struct section *sec)
{
	struct buf delim = BUF_INIT;
	const char *s;
	size_t len;

	body_of(src, sec, &s, &len);
	buf_add(out, s, len);
	if (len > 0 && s[len - 1] != '\n')
		buf_addc(out, '\n');
	end_delimiter(s, len, &delim);
	if (!ends_at_boundary(s, len, sec))
		buf_addf(out, "%s\n", delim.ptr);
	if (strcmp(delim.ptr, ";") != 0)
		buf_adds(out, "-- migratore: delimiter ;\n");
	buf_release(&delim);
}

static const struct section *
plain_section(const struct migration *m, enum section_kind k)
{
	size_t i;

	for (i = 0; i < m->nsections; i++)
		if (m->sections[i].kind == k && m->sections[i].engine == NULL)
			return &m->sections[i];
	return NULL;
}

/* What an original contributes to the merged section (k, engine). */
static const struct section *
contribution(const struct migration *m, enum section_kind k,
	     const char *engine)
{
	return engine ? migration_section(m, k, engine) : plain_section(m, k);
}

/* The original that a section of kind k runs at this step. */
static size_t
nth(enum section_kind k, size_t n, size_t step)
{
	return k == SEC_ROLLBACK ? n - 1 - step : step;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The engines some original qualifies a k section with, sorted; *plain
 * tells whether some original has an unqualified one. */
static void
kind_engines(const struct merge_src *src, size_t n, enum section_kind k,
	     struct strv *out, bool *plain)
{
	const struct section *s;
	size_t i, j;

	*plain = false;
	for (i = 0; i < n; i++)
		for (j = 0; j < src[i].m->nsections; j++) {
			s = &src[i].m->sections[j];
			if (s->kind != k)
				continue;
			if (s->engine == NULL)
				*plain = true;
			else if (!strv_contains(out, s->engine))
				strv_push(out, s->engine);
		}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
}

static void
merge_section(const struct merge_src *src, size_t n, enum section_kind k,
	      const char *engine, struct buf *out)
{
	const struct section *sec;
	const struct migration *m;
	size_t step, i;

	buf_addf(out, "\n-- migratore: %s%s%s\n", section_kind_name(k),
		 engine ? " " : "", engine ? engine : "");
	for (step = 0; step < n; step++) {
		i = nth(k, n, step);
		m = src[i].m;
		sec = contribution(m, k, engine);
		buf_addf(out, "-- from %s (%s)", m->uuid, m->filename);
		if (sec == NULL) {
			buf_addf(out, ": no %s section\n",
				 section_kind_name(k));
			continue;
		}
		buf_addc(out, '\n');
		append_body(out, &src[i], sec);
	}
}

void
merge_description(const struct merge_src *src, size_t n, struct buf *out)
{
	const struct migration *m;
	size_t i;

	buf_addf(out, "squash of %zu migrations: ", n);
	for (i = 0; i < n; i++) {
		m = src[i].m;
		buf_addf(out, "%s%s", i > 0 ? "; " : "",
			 m->description[0] != '\0' ? m->description : m->uuid);
	}
}

void
merge_body(const struct merge_src *src, size_t n, struct buf *out)
{
	struct strv engines = STRV_INIT;
	bool plain, off = false;
	size_t i;
	int k;

	buf_adds(out, "-- migratore: replaces = ");
	for (i = 0; i < n; i++) {
		buf_addf(out, "%s%s", i > 0 ? ", " : "", src[i].m->uuid);
		off = off || src[i].m->transaction_off;
	}
	buf_addc(out, '\n');
	if (off)
		buf_adds(out, "-- migratore: transaction = off\n");
	for (k = 0; k < SEC_NKINDS; k++) {
		strv_release(&engines);
		kind_engines(src, n, (enum section_kind)k, &engines, &plain);
		if (plain)
			merge_section(src, n, (enum section_kind)k, NULL, out);
		for (i = 0; i < engines.n; i++)
			merge_section(src, n, (enum section_kind)k,
				      engines.v[i], out);
	}
	strv_release(&engines);
}

/* Whether every original's contribution to (k, engine) splits for d. */
static bool
splits_for(const struct merge_src *src, size_t n, enum section_kind k,
	   const char *engine, enum dialect d)
{
	const struct section *want;
	size_t i;

	if (engine != NULL && strcmp(engine, lexer_dialect_engine(d)) != 0)
		return false;
	for (i = 0; i < n; i++)
		if ((want = contribution(src[i].m, k, engine)) != NULL &&
		    want->bad[d] != NULL)
			return false;
	return true;
}

/* Where got, as d reads it, first differs from the originals; 0 when it
 * is their statements in order, else 1 + the 0-based index. */
static size_t
first_difference(const struct merge_src *src, size_t n,
		 const struct section *got, enum section_kind k,
		 const char *engine, enum dialect d)
{
	const char *de = lexer_dialect_engine(d);
	const struct stmt_list *g = got ? section_stmts(got, de) : NULL, *w;
	const struct section *want;
	size_t step, j, at = 0;

	for (step = 0; step < n; step++) {
		want = contribution(src[nth(k, n, step)].m, k, engine);
		w = want ? section_stmts(want, de) : NULL;
		for (j = 0; w != NULL && j < w->n; j++, at++)
			if (g == NULL || at >= g->n ||
			    strcmp(g->v[at].sql, w->v[j].sql) != 0)
				return at + 1;
	}
	return g == NULL || at == g->n ? 0 : at + 1;
}

/* The (k, engine) section of merged against the originals', as each
 * dialect that splits them all reads it. */
static int
same_statements(const struct merge_src *src, size_t n,
		const struct migration *merged, enum section_kind k,
		const char *engine, struct err *e)
{
	const struct section *got;
	size_t at = 0;
	int d;

	got = engine ? migration_section(merged, k, engine)
		     : plain_section(merged, k);
	for (d = 0; d < DIALECT_N && at == 0; d++)
		if (splits_for(src, n, k, engine, (enum dialect)d))
			at = first_difference(src, n, got, k, engine,
					      (enum dialect)d);
	if (at == 0)
		return 0;
	return err_set(e, ERR_INTERNAL,
		       "squash would change statement %zu of the %s%s%s "
		       "section; nothing written",
		       at, section_kind_name(k), engine ? " " : "",
		       engine ? engine : "");
}

int
merge_check(const struct merge_src *src, size_t n,
	    const struct migration *merged, struct err *e)
{
	struct strv engines = STRV_INIT;
	bool plain;
	size_t i;
	int k, r = 0;

	for (k = 0; k < SEC_NKINDS && r == 0; k++) {
		strv_release(&engines);
		kind_engines(src, n, (enum section_kind)k, &engines, &plain);
		r = same_statements(src, n, merged, (enum section_kind)k, NULL,
				    e);
		for (i = 0; i < engines.n && r == 0; i++)
			r = same_statements(src, n, merged,
					    (enum section_kind)k, engines.v[i],
					    e);
	}
	strv_release(&engines);
	for (i = 0; i < n && r == 0; i++)
		if (merged->replaces.n != n ||
		    strcmp(merged->replaces.v[i], src[i].m->uuid) != 0)
			r = err_set(e, ERR_INTERNAL,
				    "squash would not record that it replaces "
				    "%s; nothing written",
				    src[i].m->uuid);
	return r;
}
