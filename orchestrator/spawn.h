/*
 * Forking one fleet worker, with the hygiene of tmux's job_run and git's
 * start_command. The coordinator makes the frame pipe (spawn_pipe); the
 * fork itself happens in the fleet's spawner (orchestrator/spawner.h), a
 * small process forked before the inventory is loaded, so that a fork
 * costs the same whatever the size of the fleet:
 *
 *  - the frame pipe is made with pipe2(O_CLOEXEC), its read end
 *    non-blocking; every signal is blocked around fork so that no handler
 *    of the parent (libev's) runs in the child between fork and the reset;
 *  - the child restores the default disposition of every signal and an
 *    empty mask; it dies with its parent, the spawner (PR_SET_PDEATHSIG
 *    SIGKILL, then a check that the spawner is still its parent, which it
 *    is not if the spawner died before that; the spawner dies with the
 *    coordinator the same way), and arms its own timer
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
 * There is no exec: the child already holds its target (sent by the
 * coordinator) and the parsed migrations (loaded by the spawner, checked
 * against the coordinator's), which is what makes a worker start fast.
 * Only the spawner waits for its children; it reports each exit status to
 * the coordinator.
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
 * The frame pipe of one worker: *rfd the read end (non-blocking), *wfd the
 * write end, both close-on-exec. ERR_IO when pipe fails, with errno still
 * saying why (EMFILE, ENFILE: try again later).
 */
int spawn_pipe(int *rfd, int *wfd, struct err *e);

/*
 * Fork a worker running fn(arg, SPAWN_FRAME_FD, STDOUT_FILENO), with wfd,
 * the write end of its frame pipe, on SPAWN_FRAME_FD. log_fd is the
 * target's log, or -1 for /dev/null. The parent keeps its copies of both.
 * timeout (seconds, 0 = none) arms the worker's own timer. On success *pid
 * is the child. ERR_IO when fork fails, with errno still saying why
 * (EAGAIN: try again later).
 */
int spawn_fork(int wfd, int log_fd, double timeout, spawn_fn fn, void *arg,
	       pid_t *pid, struct err *e);

/*
 * spawn_pipe and spawn_fork in one, for a child of this process (the
 * inventory's discovery commands, orchestrator/discover.c): on success
 * *rfd is the read end of its pipe. ERR_IO as above.
 */
int spawn_worker(int log_fd, double timeout, spawn_fn fn, void *arg,
		 pid_t *pid, int *rfd, struct err *e);

/* Send sig to the worker's process group; its programs' groups follow it
 * when it dies. */
void spawn_kill(pid_t pid, int sig);

#endif
