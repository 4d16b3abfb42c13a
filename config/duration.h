/*
 * Durations: the one grammar of every length of time a user writes (the
 * --timeout and --deadline options, the inventory's `timeout`), described
 * once in migratore(1), DURATIONS.
 *
 *   90   1.5            a number alone: seconds
 *   90s  10m  2h  1.5h  a number and a unit: s, m or h
 *   1h30m  1h30m15s     several, the units in the order h, m, s, each at
 *                       most once ("30m1h" and "1m1m" are refused, so that
 *                       a typo is not silently added up)
 *   0    none           no limit
 *
 * A number is 1-10 digits, optionally '.' and 1-6 more; nothing else (no
 * sign, exponent, space or upper-case unit). At most DURATION_MAX seconds.
 * Pure: no I/O.
 */
#ifndef MIG_DURATION_H
#define MIG_DURATION_H

#include "common/err.h"

#define DURATION_MAX 1000000000.0 /* seconds, about 31 years */

/*
 * Parse s into *seconds (0 for "0" and "none"). Returns 0, or ERR_USAGE
 * with *seconds untouched and a message that quotes s but names no key
 * or option (the caller puts "--timeout: " or "timeout: " in front):
 *   "'x' is not a duration such as 90, 90s, 1.5h, 10m, 1h30m or none"
 *   "'30m1h': write the units in the order h, m, s, each at most once"
 *   "'1h30': a number without a unit must stand alone (write 1h30m)"
 *   "'2000000000' is more than 1000000000 seconds"
 */
int duration_parse(const char *s, double *seconds, struct err *e);

/*
 * The duration in the environment variable name (exactly so spelled; ""
 * counts as not set): 1 with *seconds set, 0 when not set, ERR_CONFIG
 * "NAME (from environment): 'x' is not a duration ..." when invalid.
 * The fleet takes DDL_LOCK_TIMEOUT and DDL_LOCK_RETRIES so, for the
 * targets whose inventory does not set them.
 */
int duration_env(char *const *envp, const char *name, double *seconds,
		 struct err *e);

#endif
