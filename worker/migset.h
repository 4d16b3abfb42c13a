/*
 * Discovery (SPEC 4.1): the migrations of one directory, parsed and ordered
 * by timestamp. Not recursive (so squashed/ is ignored). Files considered:
 * `<digits>_<slug>.sql` or `<digits>.sql`, and executable regular files
 * `<digits>_<slug>[.ext]` or `<digits>[.ext]` with an execute bit; every
 * other file is ignored. A directory, FIFO, socket or device named like a
 * migration (a symlink is followed) is an error naming it. Two files with the same uuid or timestamp are an
 * error naming both files; so is a file whose name's leading number differs
 * from its header timestamp.
 */
#ifndef MIG_MIGSET_H
#define MIG_MIGSET_H

#include <stddef.h>

#include "common/err.h"
#include "worker/migration.h"

struct migset {
	char *dir;              /* as given */
	struct migration **v;   /* ascending timestamp */
	size_t n;
};

/* Load every migration of dir; the first problem found is reported. */
int migset_load(const char *dir, struct migset **out, struct err *e);
void migset_free(struct migset *ms);
/*
 * Whether every migration of ms splits into statements for engine (see
 * migration_check): the part of loading that depends on the engine, done
 * for each engine before anything connects. The first problem is reported.
 */
int migset_check(const struct migset *ms, const char *engine, struct err *e);
/* By uuid or by timestamp in decimal; NULL when absent. */
struct migration *migset_find(const struct migset *ms, const char *id);
/* Index of m in ms->v, or -1. */
long migset_index(const struct migset *ms, const struct migration *m);

#endif
