/*
 * Drift: an applied migration whose file no longer says what ran. Each
 * bookkeeping row of a Run (and of a Run Partial that ran the run section,
 * and of a Repair) records a checksum of what it ran on that target's
 * engine; the migration drifted when the checksum of its file today
 * differs. Pure: no I/O.
 *
 * What the checksum covers (version 2, "v2:<hex>"): the run section the
 * runner chooses for the engine (its own `run <engine>` section if the
 * file has one, else the plain `run`), as the engine's client splits it
 * into statements, each normalised as worker/lexer.h says: runs of blanks,
 * newlines and comments between tokens count as one space, blanks and
 * comments before the first token and after the last do not count, nor
 * does the delimiter that ends a statement; string literals, quoted
 * identifiers, dollar-quoted bodies and the case of every word count byte
 * for byte. So a blank line, a comment, re-indenting, a `run mysql`
 * section added for other targets, or sections other than `run` edited,
 * are no drift; a changed literal, identifier, keyword case or statement
 * is. An executable migration's checksum is the SHA-256 of the whole file
 * (the program decides what runs).
 *
 * Stored checksums and their versions:
 *   NULL or ""   a row of the Python tool, or one that ran nothing (a Run
 *                Skip without section): never drift;
 *   "v2:<hex>"   compared with the checksum above;
 *   "<hex>"      a row of an earlier version of this tool, whose checksum
 *                covered the run section's bytes as they were in the file
 *                (or the whole executable): compared with that, so that
 *                upgrading the tool flags nothing. Once such a file is
 *                edited, `repair` records a version 2 checksum.
 */
#ifndef MIG_DRIFT_H
#define MIG_DRIFT_H

#include <stdbool.h>

#include "common/buf.h"
#include "worker/migration.h"

/* The checksum a row of a Run of m records on engine today; NULL when m
 * has no run section for that engine (or it does not split for it). */
const char *drift_checksum(const struct migration *m, const char *engine);

/* Whether a row's stored checksum still matches m on engine (above). */
bool drift_matches(const struct migration *m, const char *engine,
		   const char *stored);

/* What changed, for people: "its run section for postgres (`run
 * postgres`, line 30)", "its run section for mysql (the plain `run`,
 * line 4)", "the program". */
void drift_where(const struct migration *m, const char *engine,
		 struct buf *out);

/*
 * The warning for a drifted m on engine, one line: "0042_x.sql (<uuid>)
 * was changed after it was applied: <drift_where> differs from what ran;
 * if the change was intended, `migratore repair` records it". The same on
 * every target of one engine, so that a fleet's summary groups it. Every
 * version of the warning holds DRIFT_WARNING_WORDS: that is how the
 * fleet's summary, plan and HTML page recognise one (also in older
 * reports).
 */
#define DRIFT_WARNING_WORDS "was changed after it was applied"
void drift_warning(const struct migration *m, const char *engine,
		   struct buf *out);

#endif
