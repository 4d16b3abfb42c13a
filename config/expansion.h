/*
 * The two expansions of inventory strings (migratore-inventory(5)):
 *
 * Ranges. "{A..B}" with A <= B decimal stands for B-A+1 values; each value
 * is zero-padded to the number of digits written in A ("{001..128}" gives
 * 001 ... 128, "{1..128}" gives 1 ... 128). A brace that does not enclose
 * ".." (up to 64 bytes without blanks or braces) is literal, and so is the
 * brace of "${". Which ranges belong together is the caller's business.
 *
 * Environment references. "${NAME}" is the variable's value and an error
 * when it is not set; "${NAME:-default}" is the default when the variable
 * is unset or empty (the default is literal text without '}'); "$$" is one
 * '$'; any other '$' is an error, so that a shell-style "$HOME" is never
 * kept literally by mistake.
 *
 * Pure functions: the environment is a parameter ("KEY=VALUE" strings).
 */
#ifndef MIG_EXPANSION_H
#define MIG_EXPANSION_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/strv.h"

/* At most this many values in one range. */
#define EXPANSION_MAX_RANGE 100000

struct expansion_range {
	size_t at, len;   /* where "{A..B}" is in the string */
	long long start;  /* A */
	long long count;  /* B - A + 1 */
	int width;        /* digits written in A */
};

/*
 * Find the next range of s at or after *pos and move *pos past it.
 * Returns 1 with r filled, 0 when there is none, -1 for a bad range (r->at
 * and r->len still locate it) with *why: "the end is before the start",
 * "start and end must be decimal numbers", "more than 100000 values".
 */
int expansion_range_next(const char *s, size_t *pos,
			 struct expansion_range *r, const char **why);

/* Append s to out with every range replaced by value number idx (0-based;
 * a range shorter than idx gives its first value). Returns false, having
 * appended nothing useful, when s holds a bad range. */
bool expansion_ranges(const char *s, long long idx, struct buf *out);

/*
 * Append s to out with the references expanded from envp. Returns false
 * with a message in why ("${PG_PASSWORD} is not set"); messages name
 * variables but never show a value.
 */
bool expansion_env(const char *s, char *const *envp, struct buf *out,
		   struct buf *why);

/*
 * Append to names the name of each well-formed reference in s ("PW" for
 * "${PW}" and "${PW:-x}"), skipping one equal to the last name already
 * there: the variables a secret was taken from (settings_scrub).
 */
void expansion_env_names(const char *s, struct strv *names);

#endif
