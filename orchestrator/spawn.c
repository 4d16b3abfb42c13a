/* Forking fleet workers: pipe, signal mask, descriptors; see spawn.h. */
#include "config.h"

#include "orchestrator/spawn.h"

#include <sys/time.h>
#include <sys/types.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/fdutil.h"
#include "common/proto.h"
#include "common/banned.h"

/* Tell the coordinator why the worker never started, then leave. */
static void __attribute__((noreturn))
child_fail(int fd, const char *what, int errnum)
{
	struct proto_msg m;
	struct buf frame = BUF_INIT;
	char msg[256];

	snprintf(msg, sizeof(msg), "worker setup failed: %s: %s", what,
		 strerror(errnum));
	memset(&m, 0, sizeof(m));
	m.type = PROTO_FINISHED;
	m.u.finished.exit_code = EXIT_FAILED;
	m.u.finished.err_code = ERR_IO;
	m.u.finished.error = msg;
	proto_encode(&frame, &m);
	if (write(fd, frame.ptr, frame.len) < 0) {
		/* nobody to tell: the exit status says it */
	}
	_exit(EXIT_FAILED);
}

/* What the child needs to know of its parent and its target. */
struct spawn_how {
	pid_t parent;
	double timeout; /* seconds; 0 = none */
};

static void
child_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL); /* fails harmlessly for KILL, STOP */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * The worker dies with the coordinator: PR_SET_PDEATHSIG, and a check that
 * the coordinator did not die before it was set. Its own timer stops it at
 * its target's timeout (plus a second, so that the coordinator, when it
 * acts, acts first and says so) even if the coordinator no longer acts.
 */
static void
child_bound(pid_t parent, double timeout)
{
	struct itimerval it;
	double at = timeout + SPAWN_OWN_TIMER_LATE;

#ifdef HAVE_SYS_PRCTL_H
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (getppid() != parent)
		_exit(EXIT_FAILED);
	if (timeout <= 0)
		return;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)at;
	it.it_value.tv_usec = (suseconds_t)((at - (double)(time_t)at) * 1e6);
	setitimer(ITIMER_REAL, &it, NULL); /* SIGALRM: its default ends us */
}

static void __attribute__((noreturn))
child_main(int wfd, int log_fd, const struct spawn_how *how, spawn_fn fn,
	   void *arg)
{
	int fr, lg, nul, code;

	child_signals();
	child_bound(how->parent, how->timeout);
	setpgid(0, 0);
	/* Above every target number first, so no dup2 clobbers a source. */
	if ((fr = fcntl(wfd, F_DUPFD_CLOEXEC, 10)) < 0)
		child_fail(wfd, "fcntl", errno);
	if (log_fd >= 0)
		lg = fcntl(log_fd, F_DUPFD_CLOEXEC, 10);
	else
		lg = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (lg < 0)
		child_fail(fr, "log descriptor", errno);
	if ((nul = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
		child_fail(fr, "/dev/null", errno);
	if (dup2(nul, STDIN_FILENO) < 0 || dup2(lg, STDOUT_FILENO) < 0 ||
	    dup2(lg, STDERR_FILENO) < 0 || dup2(fr, SPAWN_FRAME_FD) < 0 ||
	    fcntl(SPAWN_FRAME_FD, F_SETFD, FD_CLOEXEC) < 0)
		child_fail(fr, "dup2", errno);
	fdutil_close_from(SPAWN_FRAME_FD + 1);
	code = fn(arg, SPAWN_FRAME_FD, STDOUT_FILENO);
	close(SPAWN_FRAME_FD); /* leave with nothing but the standard three */
	_exit(code);
}

int
spawn_pipe(int *rfd, int *wfd, struct err *e)
{
	int fds[2], saved;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		saved = errno;
		err_set(e, ERR_IO, "pipe: %s", strerror(saved));
		errno = saved;
		return ERR_IO;
	}
	/* Only the read end: the worker's writes block, by design. */
	if (fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK) < 0) {
		saved = errno;
		close(fds[0]);
		close(fds[1]);
		err_set(e, ERR_IO, "fcntl: %s", strerror(saved));
		errno = saved;
		return ERR_IO;
	}
	*rfd = fds[0];
	*wfd = fds[1];
	return 0;
}

int
spawn_fork(int wfd, int log_fd, double timeout, spawn_fn fn, void *arg,
	   pid_t *pid, struct err *e)
{
	struct spawn_how how = { getpid(), timeout };
	sigset_t all, old;
	int saved;
	pid_t p;

	/* The child would write out whatever stdio holds a second time. */
	fflush(stdout);
	fflush(stderr);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	p = fork();
	if (p == 0)
		child_main(wfd, log_fd, &how, fn, arg);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (p < 0) {
		err_set(e, ERR_IO, "fork: %s", strerror(saved));
		errno = saved;
		return ERR_IO;
	}
	/* Also done by the child: whichever runs first makes the group. */
	setpgid(p, p);
	*pid = p;
	return 0;
}

int
spawn_worker(int log_fd, double timeout, spawn_fn fn, void *arg, pid_t *pid,
	     int *rfd, struct err *e)
{
	int wfd, r, saved;

	if (spawn_pipe(rfd, &wfd, e) < 0)
		return ERR_IO;
	r = spawn_fork(wfd, log_fd, timeout, fn, arg, pid, e);
	saved = errno;
	close(wfd);
	if (r < 0)
		close(*rfd);
	errno = saved;
	return r;
}

void
spawn_kill(pid_t pid, int sig)
{
	if (pid <= 0)
		return;
	if (kill(-pid, sig) < 0)
		kill(pid, sig);
}
