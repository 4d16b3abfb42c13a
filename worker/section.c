/*
 * A section's statements as each engine's client splits them, their
 * checksums, and the error kept for an engine that cannot read them.
 */
#include "config.h"

#include "worker/section.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"
#include "common/xmalloc.h"
#include "config/engine.h"
#include "worker/migration.h"
#include "common/banned.h"

static const char *const kind_names[SEC_NKINDS] = {
	"run", "rollback", "run_partial", "run_skip", "cleanup",
};

static const char *const kind_operations[SEC_NKINDS] = {
	"Run", "Rollback", "Run Partial", "Run Skip", "Cleanup",
};

const char *
section_kind_name(enum section_kind kind)
{
	return (unsigned)kind < SEC_NKINDS ? kind_names[kind] : "?";
}

const char *
section_operation(enum section_kind kind)
{
	return (unsigned)kind < SEC_NKINDS ? kind_operations[kind] : "?";
}

/* The dialect of an engine or alias, -1 when unknown. */
static int
dialect_of(const char *engine)
{
	const struct engine *eng;
	int d;

	if (engine == NULL || (eng = engine_find(engine, strlen(engine))) == NULL)
		return -1;
	for (d = 0; d < DIALECT_N; d++)
		if (strcmp(lexer_dialect_engine((enum dialect)d), eng->name) == 0)
			return d;
	return -1;
}

/* Does an engine use s? A plain section only serves the engines without
 * a section of their own of that kind. */
static bool
used_by(const struct migration *m, const struct section *s, int d)
{
	size_t i;

	if (s->engine != NULL)
		return dialect_of(s->engine) == d;
	for (i = 0; i < m->nsections; i++)
		if (m->sections[i].kind == s->kind &&
		    m->sections[i].engine != NULL &&
		    dialect_of(m->sections[i].engine) == d)
			return false;
	return true;
}

/* Say which client's reading failed, when the others' did not. */
static void
err_suffix(struct err *e, const char *client)
{
	size_t n = strlen(e->msg);

	snprintf(e->msg + n, sizeof(e->msg) - n, " (as %s reads it)", client);
}

/* A plain section that every engine overrides is still read by all. */
static bool
read_by(const struct migration *m, const struct section *s, int d)
{
	int k;

	for (k = 0; k < DIALECT_N; k++)
		if (used_by(m, s, k))
			return used_by(m, s, d);
	return true;
}

static bool
err_before(const struct err *a, const struct err *b)
{
	return a->line < b->line || (a->line == b->line && a->col < b->col);
}

static bool
same_err(const struct err *a, const struct err *b)
{
	return strcmp(a->msg, b->msg) == 0 && a->line == b->line &&
	       a->col == b->col;
}

/* The checksum of s as dialect d splits it (section.h). */
static void
section_sum(struct section *s, int d)
{
	const struct stmt_list *l = &s->stmts[d];
	struct sha256 c;
	size_t i;

	sha256_init(&c);
	for (i = 0; i < l->n; i++)
		sha256_update(&c, l->v[i].digest, sizeof(l->v[i].digest));
	memcpy(s->sum[d], SECTION_SUM_PREFIX, 3);
	sha256_final_hex(&c, s->sum[d] + 3);
}

int
section_split(const struct migration *m, struct section *s, const char *path,
	      const char *body, size_t len, int line, struct err *e_out)
{
	static const char *const clients[DIALECT_N] = {
		[DIALECT_SQLITE] = "sqlite3",
		[DIALECT_POSTGRES] = "psql",
		[DIALECT_MYSQL] = "the mysql client",
	};
	struct err e, *worst = NULL;
	int d, used = 0, failed = 0, mixed = 0;

	for (d = 0; d < DIALECT_N; d++) {
		if (s->engine != NULL && dialect_of(s->engine) != d)
			continue;
		err_clear(&e);
		if (lexer_split(body, len, (enum dialect)d, path, line,
				&s->stmts[d], &e) == 0) {
			section_sum(s, d);
			used += read_by(m, s, d);
			continue;
		}
		s->bad[d] = xmalloc(sizeof(e));
		*s->bad[d] = e;
		if (!read_by(m, s, d))
			continue;
		used++;
		failed++;
		if (worst != NULL && !same_err(worst, &e))
			mixed = 1;
		if (worst == NULL || err_before(&e, worst))
			worst = s->bad[d];
	}
	for (d = 0; d < DIALECT_N && s->engine == NULL; d++)
		if (s->bad[d] != NULL && (mixed || failed < used))
			err_suffix(s->bad[d], clients[d]);
	if (worst == NULL || failed < used)
		return 0;
	*e_out = *worst;
	return worst->code;
}

const struct stmt_list *
section_stmts(const struct section *s, const char *engine)
{
	static const struct stmt_list none = STMT_LIST_INIT;
	int d = dialect_of(engine);

	return d < 0 ? &none : &s->stmts[d];
}

const char *
section_checksum(const struct section *s, const char *engine)
{
	int d = dialect_of(engine);

	return d < 0 || s->sum[d][0] == '\0' ? NULL : s->sum[d];
}

int
section_check(const struct section *s, const char *engine, struct err *e)
{
	int d = dialect_of(engine);

	if (d < 0)
		return err_set(e, ERR_INTERNAL, "no SQL dialect for engine '%s'",
			       engine ? engine : "(none)");
	if (s->bad[d] == NULL)
		return 0;
	*e = *s->bad[d];
	return e->code;
}
