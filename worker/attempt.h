/*
 * One try of one operation of a migration, as the runner's modules share
 * it: runner.c opens it, records it and reports it, runexec.c runs its
 * statements one by one, runbatch.c all of them as one batch. struct
 * attempt is what happened while running a section; it becomes the
 * bookkeeping row (attempt_row) and the error text and traceback
 * (attempt_error). The messages a try leads to are here too: another
 * runner's row found meanwhile, a try again after a lock timeout, text
 * fitted into the row.
 */
#ifndef MIG_WORKER_ATTEMPT_H
#define MIG_WORKER_ATTEMPT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/strv.h"
#include "worker/ledger.h"
#include "worker/lexer.h"
#include "worker/lockretry.h"
#include "worker/migration.h"
#include "worker/runner.h"

struct attempt {
	int64_t start;
	struct timespec t0;
	bool ok;
	int failed_at;     /* 0-based statement index, -1 none */
	/* A bookkeeping write failed after statement ledger_at (0-based;
	 * -1 none): ledger_what says which ("its progress", "its row"). */
	int ledger_at;
	const char *ledger_what;
	int committed;     /* statements committed, -1 unknown */
	int total;         /* statements in the section, -1 unknown */
	const struct stmt_list *stmts; /* the section's, NULL: none ran */
	const char *checksum;
	bool progress_owed; /* a commit the progress table does not know yet */
	bool recorded;      /* its row is written (one batch did it all) */
	/* Another runner recorded the migration meanwhile: not run. */
	const struct ledger_row *meanwhile;
	struct err err;
	struct buf tail;   /* an executable's output */
	/* The retries after lock timeouts (DDL_LOCK_TIMEOUT), across the
	 * tries of the operation; lock_wait: it failed so, retry_whole: in
	 * a transaction of transactional DDL, which is gone with it. */
	struct lockretry *retry;
	bool lock_wait, retry_whole;
};

/* A fresh attempt: ok, nothing run, started now. */
void attempt_init(struct attempt *a);
/* Statement i (0-based, -1 none) failed with e. */
void attempt_fail(struct attempt *a, int i, const struct err *e);
/* A bookkeeping write after statement i failed: the statement is named
 * in the message like a statement that failed itself. */
void attempt_fail_ledger(struct attempt *a, int i, const char *what,
			 const struct err *e);
/* Seconds since the attempt started, on the monotonic clock. */
double attempt_elapsed(const struct attempt *a);
/* Statement i of s as this target's engine splits it, NULL if none. */
const struct stmt *attempt_stmt(const struct runner *r,
				const struct section *s, int i);

/*
 * The failure of a as the row and the report say it: error the message
 * ("statement 2 of 3 (0042_x.sql:8) failed: ...", "connection lost after
 * 1 of 3 statements committed, ..."), tb the traceback (the migration,
 * the statement, the engine's words, how many committed).
 */
void attempt_error(const struct runner *r, const struct migration *m,
		   const struct section *s, const struct attempt *a,
		   struct buf *error, struct buf *tb);
/* Fill the bookkeeping row of an attempt; strings borrowed from a and
 * start_s/end_s (32 bytes each), which it fills. */
void attempt_row(const struct runner *r, const struct migration *m,
		 enum op op, const struct attempt *a, struct ledger_row *row,
		 char *start_s, char *end_s);
/* Say what ledger_append had to fit; the report keeps the full text. */
void attempt_warn_fitted(struct runner *r, const struct migration *m,
			 int64_t id, const struct strv *fitted);

/*
 * Another runner recorded m while this one waited (it cannot happen under
 * the lock; it can when the lock failed to exclude it). A success is a
 * notice, 1 returned: the work is done. A failure stops this run
 * (ERR_STATE): what the other one committed is for its error row to say,
 * not for this run to guess.
 */
int attempt_meanwhile(struct runner *r, const struct migration *m,
		      const struct ledger_row *o, struct err *e);
/*
 * Statement failed_at waited too long for a lock and the pause is over:
 * say so (what: "tried again", ...), and start a fresh attempt that keeps
 * the step's start and the retries so far.
 */
void attempt_again(struct runner *r, const struct migration *m,
		   struct attempt *a, int failed_at, const char *what);
/* Does op run only where no other runner recorded m meanwhile? */
bool attempt_claims(enum op op);

#endif
