/*
 * A batch under construction: the statements a migration sends as one
 * db_batch (drivers/driver.h), each with a tag and a number that say
 * what it is to its builder (a statement of the migration, its progress,
 * its row), and the texts and values they point into, owned by the batch
 * until batch_release.
 */
#ifndef MIG_WORKER_BATCH_H
#define MIG_WORKER_BATCH_H

#include <stddef.h>

#include "drivers/driver.h"

struct batch {
	struct db_stmt *v;
	int *tag;
	int *arg;
	size_t n, cap;
	void **owned;
	size_t nowned, owned_cap;
};

#define BATCH_INIT { NULL, NULL, NULL, 0, 0, NULL, 0, 0 }

void batch_release(struct batch *b);
/*
 * Append a statement of kind with a copy of sql (NULL: none) and of
 * params (text values copied too); returns it for the caller to set the
 * rest (must_be_empty, rows, done), valid until the next batch_add.
 */
struct db_stmt *batch_add(struct batch *b, enum db_stmt_kind kind,
			  const char *sql, const struct db_param *params,
			  size_t nparams, int tag, int arg);
/* Run the batch: db_batch of its statements. */
int batch_run(struct db *db, const struct batch *b, size_t *failed,
	      struct err *e);

#endif
