/* A fleet worker: one command against one target, in a forked child. */
#include "config.h"

#include "worker/fleetworker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/xmalloc.h"
#include "worker/framesink.h"
#include "worker/textsink.h"
#include "common/banned.h"

/*
 * The coordinator's stop request (SIGUSR1, sent when the run is
 * interrupted): the command finishes the migration in progress and stops
 * before the next one (cmd_opts.stop), releasing its lock and closing its
 * connection. A signal handler can only talk through a global flag.
 */
static volatile sig_atomic_t stop_requested;

static void
on_stop_request(int sig)
{
	(void)sig;
	stop_requested = 1;
}

#define LOG_WARNING "log file: "

bool
fleetworker_log_warning(const char *text)
{
	return strncmp(text, LOG_WARNING, strlen(LOG_WARNING)) == 0;
}

/*
 * A log that could not be written (a full disk) is said to the
 * coordinator, which shows it: otherwise it would stay empty in silence.
 * Checked once the log is complete; the final flush fails again with the
 * reason when the cause is still there.
 */
static void
log_check(struct sink *frames, FILE *log)
{
	int saved;

	errno = 0;
	if (fflush(log) == 0 && !ferror(log))
		return;
	saved = errno;
	sink_warning(frames, LOG_WARNING "cannot write: %s; this target's "
				       "log is incomplete",
		     saved ? strerror(saved) : "write error");
}

/*
 * A coordinator that stops reading (a frame it refused) must not kill the
 * worker with SIGPIPE in the middle of a migration: the frame writes fail
 * quietly and the migration still finishes and is recorded. A coordinator
 * that dies takes the worker with it (orchestrator/spawn.h).
 */
static void
worker_signals(void)
{
	struct sigaction sa;

	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_request;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

/* The target's log, for people (--log-format json is the coordinator's);
 * close-on-exec: executable migrations get their own pipe. */
static FILE *
log_open(int log_fd, const char *name)
{
	int fd = fcntl(log_fd, F_DUPFD_CLOEXEC, 0);
	FILE *logfp = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (logfp == NULL)
		logfp = stderr;
	log_set_stream(logfp);
	log_set_context(name);
	log_set_json(false);
	return logfp;
}

/* Every event to the coordinator (tee->a) and to the log (tee->b). */
static void
sinks_init(struct sink *sink, struct sink_tee *tee, struct framesink *fs,
	   struct textsink *ts, int frame_fd, FILE *logfp)
{
	memset(tee, 0, sizeof(*tee));
	sink_tee_init(sink, tee);
	framesink_init(&tee->a, fs, frame_fd);
	memset(ts, 0, sizeof(*ts));
	ts->out = logfp;
	ts->err = logfp;
	ts->verbose_errors = true; /* the log is where tracebacks are read */
	textsink_init(&tee->b, ts);
}

int
fleetworker_main(const struct target *t, const struct migset *ms,
		 enum command_id cmd, const struct cmd_opts *o, int frame_fd,
		 int log_fd)
{
	struct cmd_opts opts;
	struct framesink fs;
	struct textsink ts;
	struct sink_tee tee;
	struct sink sink;
	struct buf desc = BUF_INIT;
	FILE *logfp;
	int code;

	worker_signals();
	logfp = log_open(log_fd, t->name);
	sinks_init(&sink, &tee, &fs, &ts, frame_fd, logfp);
	target_describe(t, &desc);
	fprintf(logfp, "== migratore %s: target %s, run %s, pid %ld\n",
		command_name(cmd), t->name, o->run_id ? o->run_id : "-",
		(long)getpid());
	/* STARTED tells the coordinator the stop request is understood. */
	framesink_started(&fs, desc.ptr);
	buf_release(&desc);

	opts = *o;
	opts.stop = &stop_requested;
	code = err_exit_code(command_run(cmd, t, ms, &opts, &sink));

	fprintf(logfp, "== exit %d\n", code);
	log_check(&tee.a, logfp);
	if (logfp != stderr)
		fclose(logfp);
	log_set_stream(NULL);
	framesink_release(&fs);
	return code;
}
