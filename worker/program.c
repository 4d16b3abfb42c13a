/* Running executable migrations with the connection in their environment,
 * in a process tree that cannot outlive the worker; see program.h. */
#include "config.h"

#include "worker/program.h"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
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

#include "common/fdutil.h"
#include "common/strv.h"
#include "common/xmalloc.h"
#include "config/engine.h"
#include "common/banned.h"

extern char **environ;

/* Seconds between the keeper's checks that the worker is alive, where
 * PR_SET_PDEATHSIG does not tell it at once. */
#define KEEPER_POLL 1

/* Variables we set; inherited copies of them are dropped first. */
static const char *const program_vars[] = {
	"DB_URL", "ENGINE", "HOST", "PORT", "DB", "USERNAME", "PASSWORD",
	"UNIX_SOCKET", "FS", "SAFE", "MIGRATORE_UUID", "MIGRATORE_FORCE",
	"DB_HOST", "DB_PORT", "DB_UNIX_SOCKET", "DB_USER", "DB_USERNAME",
	"DB_PASSWORD", "DB_NAME", NULL
};

static void
url_escape(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c)) {
			buf_addc(out, (char)c);
		} else {
			buf_addc(out, '%');
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 15]);
		}
	}
}

void
program_target_url(const struct target *t, bool with_password,
		   struct buf *out)
{
	if (engine_is_file(t->engine)) {
		buf_addf(out, "%s://%s", t->engine, t->db ? t->db : "");
		return;
	}
	buf_addf(out, "%s://", t->engine);
	if (t->username) {
		url_escape(out, t->username);
		if (t->password) {
			buf_addc(out, ':');
			if (with_password)
				url_escape(out, t->password);
			else
				buf_adds(out, "****");
		}
		buf_addc(out, '@');
	}
	if (t->host)
		buf_adds(out, t->host);
	if (t->port)
		buf_addf(out, ":%d", t->port);
	buf_addc(out, '/');
	if (t->db)
		url_escape(out, t->db);
}

static bool
is_program_var(const char *kv)
{
	size_t i, n;

	for (i = 0; program_vars[i]; i++) {
		n = strlen(program_vars[i]);
		if (strncmp(kv, program_vars[i], n) == 0 && kv[n] == '=')
			return true;
	}
	return false;
}

static void
program_env(const struct migration *m, const struct target *t, int force,
	    struct strv *env)
{
	struct buf url = BUF_INIT;
	char **ep;

	for (ep = environ; ep && *ep; ep++)
		if (!is_program_var(*ep))
			strv_push(env, *ep);
	program_target_url(t, true, &url);
	strv_pushf(env, "DB_URL=%s", url.ptr);
	strv_pushf(env, "ENGINE=%s", t->engine);
	if (t->host)
		strv_pushf(env, "HOST=%s", t->host);
	if (t->port)
		strv_pushf(env, "PORT=%d", t->port);
	if (t->db)
		strv_pushf(env, "DB=%s", t->db);
	if (t->username)
		strv_pushf(env, "USERNAME=%s", t->username);
	if (t->password)
		strv_pushf(env, "PASSWORD=%s", t->password);
	if (t->unix_socket)
		strv_pushf(env, "UNIX_SOCKET=%s", t->unix_socket);
	strv_pushf(env, "FS=%s", t->fs ? t->fs : ".");
	strv_pushf(env, "SAFE=%d", t->safe ? 1 : 0);
	strv_pushf(env, "MIGRATORE_UUID=%s", m->uuid);
	if (force >= 0)
		strv_pushf(env, "MIGRATORE_FORCE=%d", force);
	buf_release(&url);
}

static void
tail_keep(struct buf *tail)
{
	size_t cut;

	if (tail->len <= PROGRAM_TAIL_MAX)
		return;
	cut = tail->len - PROGRAM_TAIL_MAX;
	memmove(tail->ptr, tail->ptr + cut, PROGRAM_TAIL_MAX);
	buf_truncate(tail, PROGRAM_TAIL_MAX);
}

/* ---- the process tree ---------------------------------------------------- */

/*
 * What the keeper does once the program ended or the worker died: kill the
 * program's process group, then every process that was reparented to it
 * (one that left the group: PR_SET_CHILD_SUBREAPER brings it here once its
 * parent is gone), until none is left. Without /proc (no list of children)
 * only the group is waited for.
 */
static bool
kill_children(void)
{
	char path[64], text[4096];
	ssize_t n;
	char *p, *end;
	long pid;
	int fd;

	xsnprintf(path, sizeof(path), "/proc/self/task/%ld/children",
		  (long)getpid());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	for (p = text; *p; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0)
			kill((pid_t)pid, SIGKILL);
	}
	return true;
}

static void
keeper_clean(pid_t group)
{
	bool listed = true;
	pid_t p;

	kill(-group, SIGKILL);
	for (;;) {
		if (listed)
			listed = kill_children();
		p = waitpid(listed ? -1 : -group, NULL, 0);
		if (p < 0 && errno != EINTR)
			return; /* ECHILD: nobody left */
	}
}

/* Leave as the program left: its exit status, or its signal. */
static void __attribute__((noreturn))
keeper_exit(int status, int sig)
{
	struct rlimit none = { 0, 0 };
	sigset_t set;

	if (sig == 0 && WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	if (sig == 0)
		sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
	setrlimit(RLIMIT_CORE, &none); /* the program's core, not ours */
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

/* In the program's process: its own group, gone with its keeper, the
 * pipe as stdout and stderr (set up by the keeper), then exec. */
static void __attribute__((noreturn))
program_exec(const struct migration *m, const char *op, struct strv *env,
	     pid_t keeper)
{
	char *argv[3];
	sigset_t none;

	setpgid(0, 0);
#ifdef HAVE_SYS_PRCTL_H
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (getppid() != keeper)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	argv[0] = m->path;
	argv[1] = (char *)op;
	argv[2] = NULL;
	execve(m->path, argv, env->v);
	dprintf(STDERR_FILENO, "cannot execute %s: %s\n", m->path,
		strerror(errno));
	_exit(127);
}

/* The keeper's descriptors before the fork: /dev/null in, the pipe out,
 * nothing of the worker's (its connection, its lock, its frames). */
static void
keeper_streams(int wfd)
{
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (nul < 0 || dup2(nul, STDIN_FILENO) < 0 ||
	    dup2(wfd, STDOUT_FILENO) < 0 || dup2(wfd, STDERR_FILENO) < 0)
		_exit(127);
	fdutil_close_from(STDERR_FILENO + 1);
}

/* The signals the keeper waits for, blocked so that it can wait. */
static void
keeper_mask(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigprocmask(SIG_SETMASK, set, NULL);
}

/* The pipe is the program's alone: its end is the reader's EOF. */
static void
keeper_quiet(void)
{
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (nul < 0)
		return;
	dup2(nul, STDOUT_FILENO);
	dup2(nul, STDERR_FILENO);
	close(nul);
}

/*
 * Until the program ends (0, its wait status in *status), a signal asks
 * the keeper to stop (that signal), or the worker is gone (SIGTERM: no
 * PR_SET_PDEATHSIG here, it is seen late).
 */
static int
keeper_wait(const sigset_t *set, pid_t prog, pid_t worker, int *status)
{
	struct timespec poll = { KEEPER_POLL, 0 };
	int sig;
	pid_t p;

	for (;;) {
		sig = sigtimedwait(set, NULL, &poll);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
			return sig;
		if (getppid() != worker)
			return SIGTERM;
		while ((p = waitpid(-1, status, WNOHANG)) > 0 && p != prog)
			;
		if (p == prog)
			return 0;
	}
}

/* Wait for the program's end, or the worker's. */
static void __attribute__((noreturn))
keeper_main(const struct migration *m, const char *op, int wfd,
	    struct strv *env, pid_t worker)
{
	int status = 0, sig;
	sigset_t set;
	pid_t prog;

	keeper_mask(&set);
	setpgid(0, 0);
#ifdef HAVE_SYS_PRCTL_H
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
	if (getppid() != worker)
		_exit(127); /* the worker is already gone */
	keeper_streams(wfd);
	if ((prog = fork()) < 0) {
		dprintf(STDERR_FILENO, "cannot start %s: fork: %s\n", m->path,
			strerror(errno));
		_exit(127);
	}
	if (prog == 0)
		program_exec(m, op, env, getppid());
	setpgid(prog, prog);
	keeper_quiet();
	sig = keeper_wait(&set, prog, worker, &status);
	keeper_clean(prog);
	keeper_exit(status, sig);
}

static int
program_wait(pid_t pid, const struct migration *m, const char *op,
	     struct err *e)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_set(e, ERR_IO, "waiting for %s: %s",
				       m->filename, strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return err_set(e, ERR_FAILED, "%s %s: killed by signal %d",
			       m->filename, op, WTERMSIG(status));
	return err_set(e, ERR_FAILED, "%s %s: exited with status %d",
		       m->filename, op, WEXITSTATUS(status));
}

/* The program's output to the sink, its last lines kept in tail. */
static void
relay(int fd, struct sink *sink, struct buf *tail)
{
	char chunk[8192];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		sink_output(sink, chunk, (size_t)n);
		buf_add(tail, chunk, (size_t)n);
		tail_keep(tail);
	}
}

int
program_run(const struct migration *m, const char *op,
	    const struct target *t, int force, struct sink *sink,
	    struct buf *tail, struct err *e)
{
	struct strv env = STRV_INIT;
	int fds[2] = { -1, -1 };
	pid_t pid, worker;
	int r;

	program_env(m, t, force, &env);
	worker = getpid();
	if (pipe2(fds, O_CLOEXEC) < 0) {
		r = err_set(e, ERR_IO, "pipe: %s", strerror(errno));
		goto out;
	}
	if ((pid = fork()) < 0) {
		r = err_set(e, ERR_IO, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(fds[0]);
		keeper_main(m, op, fds[1], &env, worker);
	}
	close(fds[1]);
	fds[1] = -1;
	relay(fds[0], sink, tail);
	r = program_wait(pid, m, op, e);
out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	strv_release(&env);
	return r;
}
