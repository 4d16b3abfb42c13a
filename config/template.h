/*
 * The templates of a discover entry (migratore-inventory(5), DISCOVERY):
 * a value such as "tenant-{0}" or "{nspname}" in which each placeholder
 * stands for a column of one row of the discovery query's result.
 *
 *   {N}      column N, counting from 0
 *   {NAME}   the column the query names NAME (a letter or '_', then
 *            letters, digits and '_'; compared exactly)
 *   {{ }}    a literal brace
 *   ${VAR}, ${VAR:-default}, $$
 *            environment references (config/expansion.h), expanded once
 *            when the template is compiled: a column's value is never
 *            expanded again, whatever it holds
 *
 * Any other brace is an error ("{1..3}": a discover entry has one target
 * per row, not ranges; a lone "}"), so that a typo never becomes a
 * target's literal text. Pure: the environment is a parameter.
 */
#ifndef MIG_TEMPLATE_H
#define MIG_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/strv.h"

struct template;

/*
 * Compile s. Returns 0, or -1 with a message in why ("'{1..3}' is not a
 * placeholder: ...", "${PG_HOST} is not set"); *out is NULL then.
 */
int template_compile(const char *s, char *const *envp, struct template **out,
		     struct buf *why);
void template_free(struct template *t);

/* Whether t has a placeholder. */
bool template_has_fields(const struct template *t);

/*
 * Resolve t's column names against the query's columns (ncols names).
 * Returns 0, or -1 with why: "no column 'region' (the query returned
 * nspname, owner)", "no column 2 (the query returned 2 columns)".
 */
int template_bind(struct template *t, const char *const *columns,
		  size_t ncols, struct buf *why);

/*
 * Append t's text for row (the cells of one row, NULL for SQL NULL; t must
 * be bound). Returns false, with why naming the column, when a cell it
 * needs is NULL: "column 'nspname' is NULL".
 */
bool template_fill(const struct template *t, const char *const *row,
		   struct buf *out, struct buf *why);

/* Set used[i] for each column t takes (bound t; used has ncols). */
void template_mark(const struct template *t, bool *used);

#endif
