// SOURCES: worker/migration.c worker/section.c config/engine.c worker/lexer.c worker/blocks.c common/sha256.c common/buf.c common/err.c common/strv.c common/xmalloc.c
/*
 * libFuzzer harness for migration files: any bytes, parsed as a SQL file,
 * as an executable's header and as a bare section in every dialect
 * (sqlite3's, psql's, the mysql client's), must give a migration or an
 * error, never a crash or a leak; what is accepted keeps the lexer's
 * promises (trimmed, non-empty statements, positions in order), and a
 * section that does not split for an engine has no statements for it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "worker/lexer.h"
#include "worker/migration.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
check_stmts(const struct stmt_list *l, int first_line)
{
	size_t i, n;
	int prev = first_line;

	for (i = 0; i < l->n; i++) {
		n = strlen(l->v[i].sql);
		if (n == 0 || is_space(l->v[i].sql[0]) ||
		    is_space(l->v[i].sql[n - 1]) || l->v[i].line < prev ||
		    l->v[i].col < 1)
			abort();
		prev = l->v[i].line;
	}
}

static void
check_sections(const struct migration *m)
{
	const struct section *s;
	struct err e = ERR_INIT;
	size_t i;
	int d, splits;

	for (i = 0; i < m->nsections; i++) {
		s = &m->sections[i];
		splits = 0;
		for (d = 0; d < DIALECT_N; d++) {
			const char *en = lexer_dialect_engine((enum dialect)d);

			check_stmts(section_stmts(s, en), s->line + 1);
			if (section_check(s, en, &e) < 0) {
				if (section_stmts(s, en)->n != 0 ||
				    e.line < 1 || e.col < 1)
					abort();
			} else if (s->engine == NULL ||
				   strcmp(s->engine, en) == 0) {
				splits++;
			}
		}
		/* a section no engine can split refuses the file */
		if (splits == 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct stmt_list l = STMT_LIST_INIT;
	struct migration *m = NULL;
	struct err e = ERR_INIT;
	int d;

	if (migration_parse("fuzz.sql", text, size, false, &m, &e) == 0) {
		if (m->uuid == NULL || m->timestamp <= 0 ||
		    strlen(m->checksum) != 64)
			abort();
		check_sections(m);
		migration_free(m);
	}
	m = NULL;
	if (migration_parse("fuzz", text, size, true, &m, &e) == 0) {
		if (m->nsections != 0)
			abort();
		migration_free(m);
	}
	for (d = 0; d < DIALECT_N; d++) {
		if (lexer_split(text, size, (enum dialect)d, "fuzz", 1, &l,
				&e) == 0)
			check_stmts(&l, 1);
		else if (l.n != 0 || e.line < 1 || e.col < 1)
			abort();
		stmt_list_release(&l);
	}
	return 0;
}
