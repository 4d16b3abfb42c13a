/*
 * One migration file (SPEC 4.2, 4.3): its header (uuid, timestamp,
 * description, transaction, replaces) and its sections, each with the
 * statements the lexer found and a checksum. Parsing is pure and complete:
 * after migration_parse succeeds nothing about the file can fail later, so
 * the whole directory is checked before a database is touched.
 *
 * A SQL migration has sections marked by `-- migratore: <name> [engine]`
 * lines; an executable migration (execute bit set, not .sql) has only its
 * header, in comment lines with any leader (#, --, //), and is run as
 * `<file> <operation>`.
 *
 * The rules in detail:
 * - A directive line is: blanks, `--`, blanks, `migratore`, blanks, `:`.
 *   It is recognised on any line, even one inside a multi-line string of a
 *   section (the file is cut into sections before statements are lexed).
 *   `migratore` in another case, or `-- migratore run` without the colon
 *   before a known name, is an error, never a comment; so is a `#` or
 *   `//` directive line in a SQL file (MySQL would skip it as a comment).
 * - Header lines `key = value` come before the first section marker; only
 *   blank lines, `--` comments and block comments may sit between them.
 *   Keys: uuid (8-4-4-4-12 hex digits, kept as written), timestamp (a
 *   positive decimal int64), description, transaction (on|off), replaces
 *   (comma-separated uuids). Each at most once.
 * - Section markers: run, rollback, run_partial, run_skip, cleanup, then
 *   optionally an engine: a name or alias of config/engine.h (sqlite,
 *   postgres, postgresql, ...), in any case, stored in canonical form. `delimiter` lines
 *   inside a section belong to the lexer. The same kind and engine twice is
 *   an error naming both lines. At least one run section is required.
 * - A section's body is the bytes after its marker line up to the next
 *   marker line (or the end); its raw checksum covers exactly those
 *   bytes. Its checksum for an engine (section_checksum) covers the
 *   statements as that engine's client splits them, normalised
 *   (worker/lexer.h): what a bookkeeping row records since checksums
 *   of version 2 (worker/drift.h).
 * - Each section's body is split into statements as each engine's client
 *   would (worker/section.h); a section that no engine using it can read
 *   makes the file invalid.
 * - A NUL byte makes a SQL file invalid; a leading UTF-8 BOM is skipped.
 * - Executables: line 1 may be a shebang; directive lines (leader #, --
 *   or //) may be anywhere and must be header keys; other lines are the
 *   program's business.
 */
#ifndef MIG_MIGRATION_H
#define MIG_MIGRATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/strv.h"
#include "worker/lexer.h"
#include "worker/section.h"

struct migration {
	char *path;        /* as found: dir/file */
	char *filename;    /* base name; written to the `name` column */
	char *uuid;
	int64_t timestamp;
	char *description; /* "" when absent */
	bool transaction_off;
	bool executable;
	struct strv replaces; /* uuids, for squashed migrations */
	struct section *sections;
	size_t nsections;
	char checksum[65]; /* sha256 hex of the whole file */
};

/*
 * Parse the bytes of a file. name is used for messages and as filename.
 * Errors (ERR_MIGFILE) carry file:line: missing uuid or timestamp, a bad
 * header value, an unknown `-- migratore:` key or section (a typo), a
 * missing `run` section, a duplicate section for the same engine, an
 * unterminated quote or comment (from the lexer).
 */
int migration_parse(const char *path, const char *text, size_t len,
		    bool executable, struct migration **out, struct err *e);
/* Read and parse a file. */
int migration_load(const char *path, bool executable, struct migration **out,
		   struct err *e);
void migration_free(struct migration *m);

/*
 * The section of this kind for the engine: the engine-qualified one if the
 * file has it, else the plain one, else NULL. For an executable migration
 * every kind is "present" only as far as the program decides: NULL here.
 */
const struct section *migration_section(const struct migration *m,
					enum section_kind kind,
					const char *engine);

/*
 * Whether every section the engine would use in m splits for it: for
 * that engine, what migration_parse checks for the whole file. The
 * first problem is reported (ERR_MIGFILE, file:line:col).
 */
int migration_check(const struct migration *m, const char *engine,
		    struct err *e);

#endif
