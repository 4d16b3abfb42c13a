/* A fleet worker: one command against one target, in a forked child. */
#include "config.h"

#include "worker/fleetworker.h"

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

/* Every event goes to the coordinator (a) and to the log (b). */
struct tee {
	struct sink a;
	struct sink b;
	struct framesink *fs;
	FILE *log;
};

static void
tee_banner(void *ctx, const char *desc)
{
	struct tee *t = ctx;

	sink_banner(&t->a, desc);
	sink_banner(&t->b, desc);
}

static void
tee_step_begin(void *ctx, const struct migration *m, const char *operation,
	       bool recovery)
{
	struct tee *t = ctx;

	sink_step_begin(&t->a, m, operation, recovery);
	sink_step_begin(&t->b, m, operation, recovery);
}

static void
tee_output(void *ctx, const char *text, size_t len)
{
	struct tee *t = ctx;

	sink_output(&t->a, text, len);
	sink_output(&t->b, text, len);
}

static void
tee_step_end(void *ctx, const struct step_result *r)
{
	struct tee *t = ctx;

	sink_step_end(&t->a, r);
	sink_step_end(&t->b, r);
}

static void
tee_result(void *ctx, const char *line)
{
	struct tee *t = ctx;

	sink_result(&t->a, line);
	sink_result(&t->b, line);
}

static void
tee_warning(void *ctx, const char *msg)
{
	struct tee *t = ctx;

	sink_warning(&t->a, "%s", msg);
	sink_warning(&t->b, "%s", msg);
}

static void
tee_finished(void *ctx, const struct run_summary *s)
{
	struct tee *t = ctx;

	sink_finished(&t->a, s);
	sink_finished(&t->b, s);
}

static const struct sink_ops tee_ops = {
	.banner = tee_banner,
	.step_begin = tee_step_begin,
	.output = tee_output,
	.step_end = tee_step_end,
	.result = tee_result,
	.warning = tee_warning,
	.finished = tee_finished,
};

int
fleetworker_main(const struct target *t, const struct migset *ms,
		 enum command_id cmd, const struct cmd_opts *o, int frame_fd,
		 int log_fd)
{
	struct cmd_opts opts;
	struct framesink fs;
	struct textsink ts;
	struct tee tee;
	struct sink sink = { &tee_ops, &tee };
	struct buf desc = BUF_INIT;
	struct sigaction sa;
	FILE *logfp;
	int fd, code;

	/*
	 * A coordinator that stops reading (a frame it refused) must not
	 * kill the worker with SIGPIPE in the middle of a migration: the
	 * frame writes fail quietly and the migration still finishes and is
	 * recorded. A coordinator that dies takes the worker with it
	 * (orchestrator/spawn.h).
	 */
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_request;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	/* Close-on-exec: executable migrations get their own pipe. */
	fd = fcntl(log_fd, F_DUPFD_CLOEXEC, 0);
	logfp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (logfp == NULL)
		logfp = stderr;
	log_set_stream(logfp);
	log_set_context(t->name);

	memset(&tee, 0, sizeof(tee));
	tee.fs = &fs;
	tee.log = logfp;
	framesink_init(&tee.a, &fs, frame_fd);
	ts.out = logfp;
	ts.err = logfp;
	ts.quiet = false;
	ts.verbose_errors = true; /* the log is where tracebacks are read */
	textsink_init(&tee.b, &ts);

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
	if (logfp != stderr)
		fclose(logfp);
	log_set_stream(NULL);
	framesink_release(&fs);
	return code;
}
