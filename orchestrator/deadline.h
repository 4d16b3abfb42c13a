/*
 * --deadline: the moment after which a fleet run starts no target (the
 * running ones finish; the rest are "not-reached", reason "deadline
 * passed"). Three spellings:
 *
 *   a duration from the start of the run   90, 90s, 10m, 2h, 1h30m, 1.5h
 *                                          (config/duration.h); 0 and
 *                                          none: no deadline
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
 * The deadline s given at now (the start of the run, epoch seconds):
 * *at in epoch seconds, 0 for none. ERR_USAGE with a message naming
 * --deadline: a malformed duration ("--deadline: '30m1h': write the units
 * in the order h, m, s, each at most once") when s holds only digits, '.'
 * and units, else one that lists the three spellings.
 */
int deadline_parse(const char *s, double now, double *at, struct err *e);

/* at as "YYYY-MM-DDTHH:MM:SSZ" (UTC), for reports and messages. */
void deadline_iso(double at, char *out, size_t size);

#endif
