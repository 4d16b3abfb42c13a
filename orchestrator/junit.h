/*
 * The fleet report as JUnit XML, for CI systems (Jenkins, GitLab, GitHub
 * actions that read test reports). One <testsuite name="migratore
 * <command>"> in a <testsuites>, one <testcase classname="migratore.
 * <command>" name="<target>"> per target, in report order:
 *
 *   ok, nothing-to-do                    passed (no child)
 *   failed, rolled-back                  <failure type=status message=reason>
 *   timeout, crashed, unreachable,
 *   locked, interrupted                  <error type=status message=reason>
 *   not-reached                          <skipped message=reason/>
 *
 * A failure's or error's text holds the target, its steps, and the failing
 * step's error, statement and traceback (and a dead worker's output tail);
 * every testcase's <system-out> summarises its steps, warnings and log.
 * The document follows the JUnit schema CI systems use (Jenkins'
 * junit-10.xsd: only the attributes it declares, children in its order).
 * Text is escaped for XML 1.0: characters XML cannot carry (control
 * characters other than tab, newline and carriage return; U+FFFE, U+FFFF)
 * become U+FFFD, and newlines in attributes are written as &#10;.
 *
 * Timestamps are the run's start in UTC, written without a zone
 * ("2026-11-27T10:12:37") as the Ant schema requires. Pure: formats into
 * out, never prints.
 */
#ifndef MIG_JUNIT_H
#define MIG_JUNIT_H

#include "common/buf.h"
#include "common/jsonparse.h"

/* report: the root of a report that reportdoc_load accepted. */
void junit_render(const struct json_value *report, struct buf *out);

/* Append s escaped for XML text (attr false) or an attribute value. */
void junit_escape(struct buf *out, const char *s, bool attr);

#endif
