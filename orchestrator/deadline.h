/*
 * --deadline: the moment after which a fleet run starts no target (the
 * running ones finish; the rest are "not-reached", reason "deadline
 * passed"). Three spellings:
 *
 *   a duration from the start of the run   90, 90s, 10m, 2h, 1h30m, 1.5h
 *   a clock time, local                    06:00, 06:00:30: today, or
 *                                          tomorrow when already past
 *   a date and time                        2026-11-28T06:00[:SS] with Z or
 *                                          an offset (+01:00, -0500), or
 *                                          without one: local time; a space
 *                                          may replace the T
 *
 * A date and time already past is refused (most likely a typo: a nightly
 * job would otherwise start nothing, every night). Local time is the
 * process's (TZ). Pure apart from the C library's time zone tables.
 */
#ifndef MIG_DEADLINE_H
#define MIG_DEADLINE_H

#include <stddef.h>
#include <time.h>

#include "common/err.h"

/*
 * A duration: numbers (digits, optionally one '.' and more digits), each
 * followed by h, m or s (none: seconds), e.g. "1h30m", "90", "0.5s".
 * Returns 0 and seconds in *out, or ERR_USAGE ("'x' is not a duration such
 * as 90, 90s, 10m or 1h30m"; the caller names the option).
 */
int deadline_duration(const char *s, double *out, struct err *e);

/*
 * The deadline s given at now (the start of the run, epoch seconds):
 * *at in epoch seconds. ERR_USAGE with a message naming --deadline.
 */
int deadline_parse(const char *s, double now, double *at, struct err *e);

/* at as "YYYY-MM-DDTHH:MM:SSZ" (UTC), for reports and messages. */
void deadline_iso(double at, char *out, size_t size);

#endif
