/*
 * Executable migrations (SPEC 4.3): run `<file> <operation>` with the
 * connection in its environment, its output captured and forwarded, the
 * tail kept as the traceback on failure.
 */
#ifndef MIG_PROGRAM_H
#define MIG_PROGRAM_H

#include <stdbool.h>

#include "common/buf.h"
#include "common/err.h"
#include "config/target.h"
#include "worker/migration.h"
#include "worker/sink.h"

/* Bytes of output kept for the traceback. */
#define PROGRAM_TAIL_MAX 65536

/*
 * Run m's program with argument op ("run", "rollback", ...). force is -1
 * (not a rollback), 0 (recovery) or 1 (explicit downgrade). Output goes to
 * the sink as it arrives; its last PROGRAM_TAIL_MAX bytes are left in tail.
 * Returns 0 on exit status 0; ERR_SQL-like ERR_FAILED with "exited with
 * status N" / "killed by signal N" otherwise; ERR_IO when it cannot start.
 */
int program_run(const struct migration *m, const char *op,
		const struct target *t, int force, struct sink *sink,
		struct buf *tail, struct err *e);

/* The connection as a URL, with the password when with_password. */
void program_target_url(const struct target *t, bool with_password,
			struct buf *out);

#endif
