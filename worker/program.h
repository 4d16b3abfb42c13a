/*
 * Executable migrations (SPEC 4.3): run `<file> <operation>` with the
 * connection in its environment, its output captured and forwarded, the
 * tail kept as the traceback on failure.
 *
 * Nothing a migration starts outlives the worker that runs it (a fleet
 * worker, or the single-target process). The process tree:
 *
 *   worker
 *    └─ keeper: a fork of the worker, leader of a process group of its
 *       own, child subreaper (PR_SET_CHILD_SUBREAPER), told of the
 *       worker's death by PR_SET_PDEATHSIG (and a poll of getppid)
 *        └─ the program: leader of another process group, killed with
 *           SIGKILL if the keeper dies (PR_SET_PDEATHSIG)
 *            └─ whatever it starts: in its group unless it leaves it
 *
 * When the program exits, or the worker dies (killed, stopped by its
 * timeout, its coordinator gone), the keeper kills the program's group
 * with SIGKILL, then every process reparented to it (one that left the
 * group with setsid comes to it once its parent is gone), waits for all
 * of them and exits as the program did (its status, or its signal). So a
 * next run never finds the last one's program still at work after the
 * lock it held is released; and a migration that leaves a child holding
 * its output does not keep the worker waiting for that child.
 *
 * Descriptors: the program gets /dev/null on stdin, a pipe on stdout and
 * stderr, and nothing else; the keeper closes every descriptor of the
 * worker's (its connection, its lock, its pipe to the coordinator) before
 * the program starts, so a worker killed with SIGKILL releases them all
 * at once.
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
