/*
 * --select: which targets of the inventory a fleet run touches.
 *
 * An expression is one or more terms separated by commas; a term is
 *   GLOB        the target's name matches the shell pattern (fnmatch:
 *               *, ?, [...]), e.g. "eu-*", "us-00[1-4]", "legacy"
 *   tag:GLOB    one of the target's tags matches, e.g. "tag:canary"
 * A target is selected when any term of any expression matches: the terms
 * of one expression and several --select options are all OR'ed. No
 * expression selects every target.
 */
#ifndef MIG_SELECT_H
#define MIG_SELECT_H

#include <stdbool.h>

#include "common/err.h"
#include "common/strv.h"
#include "config/target.h"

/* Reject empty terms and "tag:" without a pattern (ERR_USAGE). */
int select_check(const struct strv *exprs, struct err *e);

/* Does t match exprs (an empty vector matches everything)? */
bool select_match(const struct strv *exprs, const struct target *t);

#endif
