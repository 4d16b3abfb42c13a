/*
 * A section of a migration file (worker/migration.h) and its statements.
 *
 * Each section's body is split into statements by the lexer
 * (worker/lexer.h) as each engine that may run it would: an engine's own
 * section for that engine only, a plain one for sqlite, postgres and
 * mysql alike (a fleet mixes engines; this happens once, before any
 * fork). When the body splits for none of the engines that use it the
 * file is refused; when it splits for some only, the error is kept for
 * the others, ending in "(as psql reads it)", and section_check (through
 * migration_check) reports it for such an engine before anything runs.
 *
 * A section's checksum for an engine covers its statements as that
 * engine's client splits them, normalised (worker/lexer.h): what a
 * bookkeeping row records since checksums of version 2
 * (worker/drift.h). The raw checksum of its body bytes is version 1.
 */
#ifndef MIG_SECTION_H
#define MIG_SECTION_H

#include <stddef.h>

#include "common/err.h"
#include "worker/lexer.h"

/* "v2:" + 64 hex digits + NUL */
#define SECTION_SUM_PREFIX "v2:"
#define SECTION_SUM_LEN (3 + 64 + 1)

enum section_kind {
	SEC_RUN,
	SEC_ROLLBACK,
	SEC_RUN_PARTIAL,
	SEC_RUN_SKIP,
	SEC_CLEANUP,
	SEC_NKINDS
};

struct section {
	enum section_kind kind;
	char *engine;            /* NULL: every engine */
	int line;                /* line of the marker */
	char checksum[65];       /* sha256 hex of the section's body bytes
				    (version 1, the rows of earlier
				    versions of the tool) */
	/* per dialect: "v2:" and the sha256 hex of its statements'
	 * digests (lexer.h), when it splits for that dialect */
	char sum[DIALECT_N][SECTION_SUM_LEN];
	/*
	 * Read these through section_stmts and section_check: the
	 * statements in order as dialect d's client splits the body, or in
	 * bad[d] (owned) why it does not split for d.
	 */
	struct stmt_list stmts[DIALECT_N];
	struct err *bad[DIALECT_N];
};

struct migration;

/*
 * Split s, whose body (len bytes, its first line numbered line in the
 * file path) is in body, for every dialect that may read it in m, and
 * compute each one's checksum. Returns 0, or the earliest error when no
 * engine that uses s can read it (into e; ERR_MIGFILE at file:line:col).
 */
int section_split(const struct migration *m, struct section *s,
		  const char *path, const char *body, size_t len, int line,
		  struct err *e);

/*
 * The statements of s for an engine (name or alias). Never NULL: empty when
 * s is not split for that engine, and section_check then says why.
 */
const struct stmt_list *section_stmts(const struct section *s,
				      const char *engine);
/*
 * The checksum of s for an engine (name or alias): "v2:" and the SHA-256
 * (hex) of the digests of its statements (as section_stmts gives them) in
 * order; NULL when s does not split for that engine.
 */
const char *section_checksum(const struct section *s, const char *engine);
/* 0 when s splits for engine; else ERR_MIGFILE at the file:line:col. */
int section_check(const struct section *s, const char *engine,
		  struct err *e);
/* "run", "rollback", "run_partial", "run_skip", "cleanup" */
const char *section_kind_name(enum section_kind kind);
/* "Run", "Rollback", "Run Partial", "Run Skip"; "Cleanup" for cleanup */
const char *section_operation(enum section_kind kind);

#endif
