/*
 * Selection expressions: which targets of an inventory a --select, a
 * --canary or a rollout wave's `select` takes. One grammar, described once
 * in migratore(1), SELECTION EXPRESSIONS:
 *
 * An expression is one or more terms separated by commas; a term is
 *   GLOB        the target's name matches the shell pattern (fnmatch:
 *               *, ?, [...]), e.g. "eu-*", "us-00[1-4]", "legacy"
 *   tag:GLOB    one of the target's tags matches, e.g. "tag:canary"
 * A target is selected when any term matches: the terms of one expression,
 * and several expressions given together (--select twice, a wave's list),
 * are OR'ed. A name that starts with "tag:" cannot be selected by name;
 * names cannot contain ':' anyway. An empty term, or "tag:" without a
 * pattern, is an error.
 *
 * Pure: no I/O.
 */
#ifndef MIG_SELECTION_H
#define MIG_SELECTION_H

#include <stdbool.h>

#include "common/err.h"
#include "common/strv.h"
#include "config/target.h"

/*
 * 0 when expr is well formed, else ERR_USAGE with a message that quotes
 * expr but names no option or key: "'a,,b' has an empty term (write
 * NAME-GLOB or tag:TAG-GLOB, several separated by commas)".
 */
int selection_check(const char *expr, struct err *e);

/*
 * selection_check on each of exprs; the first error's message gets what
 * (the option, "--select") and ": " in front.
 */
int selection_check_each(const struct strv *exprs, const char *what,
			 struct err *e);

/* Whether expr (well formed) matches t. */
bool selection_match(const char *expr, const struct target *t);

/* Whether any of exprs matches t; no expression matches every target. */
bool selection_match_any(const struct strv *exprs, const struct target *t);

#endif
