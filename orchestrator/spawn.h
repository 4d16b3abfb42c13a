/*
 * Forking one fleet worker, with the hygiene of tmux's job_run and git's
 * start_command:
 *
 *  - the frame pipe is made with pipe2(O_CLOEXEC); every signal is blocked
 *    around fork so that no handler of the coordinator (libev's) runs in
 *    the child between fork and the reset;
 *  - the child restores the default disposition of every signal and an
 *    empty mask; it dies with the coordinator (PR_SET_PDEATHSIG SIGKILL,
 *    then a check that the coordinator is still its parent, which it is not
 *    if the coordinator died before that), and arms its own timer
 *    (ITIMER_REAL, SIGALRM ends it) for the target's timeout plus
 *    SPAWN_OWN_TIMER_LATE, which holds even when the coordinator no longer
 *    acts (stopped, starved); it becomes the leader of its own process
 *    group (so a ^C on the terminal reaches the coordinator only, which
 *    decides); an executable migration runs in a group of its own, bound
 *    to the worker's life (worker/program.h),
 *    puts /dev/null on stdin, the target's log (or /dev/null) on stdout
 *    and stderr, the pipe's write end on SPAWN_FRAME_FD (close-on-exec, so
 *    executable migrations do not inherit it), closes every other
 *    descriptor, runs fn and leaves with _exit(fn's result);
 *  - a failure in the child before fn runs is reported through the pipe
 *    itself, as a FINISHED frame naming the failed call.
 *
 * There is no exec: the child already holds the parsed inventory and
 * migrations (copy-on-write), which is what makes a worker start fast.
 * The caller starts its ev_child watcher right after spawn_worker returns,
 * before the loop runs again; nothing else waits for the child.
 */
#ifndef MIG_SPAWN_H
#define MIG_SPAWN_H

#include <sys/types.h>

#include "common/err.h"

#define SPAWN_FRAME_FD 3

/* The child's work; returns its exit code. */
typedef int (*spawn_fn)(void *arg, int frame_fd, int log_fd);

/* Seconds after its timeout at which a worker stops itself, when the
 * coordinator has not stopped it first. */
#define SPAWN_OWN_TIMER_LATE 1.0

/*
 * Fork a worker running fn(arg, SPAWN_FRAME_FD, STDOUT_FILENO). log_fd is
 * the target's log, or -1 for /dev/null; the parent keeps its own copy.
 * timeout (seconds, 0 = none) arms the worker's own timer.
 * On success *pid is the child and *rfd the read end of its pipe,
 * non-blocking and close-on-exec. ERR_IO when pipe or fork fails, with
 * errno still saying why (EAGAIN, EMFILE: try again later).
 */
int spawn_worker(int log_fd, double timeout, spawn_fn fn, void *arg,
		 pid_t *pid, int *rfd, struct err *e);

/* Send sig to the worker's process group; its programs' groups follow it
 * when it dies. */
void spawn_kill(pid_t pid, int sig);

#endif
