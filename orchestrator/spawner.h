/*
 * The fleet's spawner: the small process that forks the workers.
 *
 * A fork copies the page tables of the process that forks, so a worker
 * forked by the coordinator costs in proportion to the coordinator's heap,
 * which grows with the fleet (each target's settings, outcome, job and log
 * path: about 1.4 KB a target). At 100,000 targets the forks alone made
 * the run quadratic (bench/README.md, "Scale"). The spawner is forked at
 * the very start of fleet_run, before the --resume report is read and the
 * inventory expanded, and stays small; it forks every worker.
 *
 * Per attempt the coordinator sends it, over a SOCK_SEQPACKET socket pair,
 * the target's resolved settings (config/targetwire.h), the migrations
 * directory's path with a digest of the migrations the coordinator loaded,
 * and the timeout, with the write end of the worker's frame pipe and its
 * log (SCM_RIGHTS); the spawner forks the worker (orchestrator/spawn.h)
 * and answers with its pid, or with why it could not. The coordinator made
 * the pipe, so a coordinator out of descriptors fails before anything is
 * forked.
 *
 * Migrations: the spawner loads each directory itself, once, at the
 * first target that uses it (after the coordinator loaded and checked it),
 * and compares the digest of what it read (each file's name, checksum and
 * kind) with the coordinator's. A file added, removed or edited in
 * between fails that directory's targets with a clear message (never a
 * different plan than the one checked); a run started again sees the new
 * files everywhere.
 *
 * The spawner reaps its children and reports each exit status on a pipe
 * (a fixed-size record per worker, written whole), which the coordinator
 * watches with an ev_io. Signals for workers (timeouts, stop requests,
 * escalation) go through the spawner too, naming the attempt's tag, and
 * it signals only children it has not reaped: a pid it has not reaped
 * cannot have been reused, so a late signal never reaches a stranger.
 *
 * Its life: it ignores the terminal's signals (the coordinator decides)
 * and leads its own process group; it dies with the coordinator
 * (PR_SET_PDEATHSIG SIGKILL, then a check of its parent), and its workers
 * die with it. It applies the coordinator's scrub of secret variables
 * (config/settings.h) to its own environment when it is told the run's
 * settings (spawner_setup), before any worker. It leaves when its socket
 * is closed.
 */
#ifndef MIG_SPAWNER_H
#define MIG_SPAWNER_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/strv.h"
#include "config/target.h"
#include "worker/commands.h"
#include "worker/migset.h"

struct spawner_digest;

struct spawner {
	pid_t pid;   /* -1: not started, or reaped */
	int ctl;     /* requests and their answers */
	int reports; /* exit statuses; non-blocking */
	struct spawner_digest *digests; /* of the migsets sent, cached */
	size_t ndigests;
	size_t capdigests;
};

#define SPAWNER_INIT { -1, -1, -1, NULL, 0, 0 }

/* Fork the spawner; envp is the environment it will scrub (environ). */
int spawner_start(struct spawner *sp, char **envp, struct err *e);

/*
 * The run's settings, once, before the first worker: the command, its
 * options (the strings are copied), and the inventory's secret variables,
 * scrubbed from the spawner's environment. The spawner also sets up the
 * database libraries (drivers_init) once, for all its workers.
 */
int spawner_setup(struct spawner *sp, enum command_id cmd,
		  const struct cmd_opts *o, const struct strv *secret_vars,
		  struct err *e);

/* One worker to start. */
struct spawner_job {
	uint64_t tag;            /* names the attempt in kills and reports */
	const struct target *t;
	const char *migpath;     /* NULL when the command needs none */
	const struct migset *ms; /* what the coordinator loaded from it */
	double timeout;          /* seconds; 0 = none */
	int wfd;                 /* the frame pipe's write end */
	int log_fd;              /* the target's log; -1 = /dev/null */
};

/*
 * Start a worker; on success *pid is its pid. The caller keeps (and
 * closes) wfd and log_fd. ERR_IO with errno set when a process could not
 * be made (EAGAIN: try again later; EPIPE: the spawner is gone), another
 * code with the message when this target cannot start (its migrations
 * changed on disk).
 */
int spawner_spawn(struct spawner *sp, const struct spawner_job *job,
		  pid_t *pid, struct err *e);

/* Send sig to the attempt's worker (and its process group when group is
 * set), if it has not exited yet. */
void spawner_kill(struct spawner *sp, uint64_t tag, int sig, bool group);

/* A worker's end as the spawner saw it. */
struct spawner_exit {
	uint64_t tag;
	int32_t status; /* waitpid's */
	int32_t unused;
};

/*
 * Exit statuses waiting on sp->reports, at most max: the number read, 0
 * when none is there now, -1 when the spawner is gone (its workers died
 * with it).
 */
ssize_t spawner_exits(struct spawner *sp, struct spawner_exit *v, size_t max);

/* Close the spawner's socket and wait for it to leave. */
void spawner_stop(struct spawner *sp);

#endif
