/* The fleet's spawner: both of its ends; see spawner.h. */
#include "config.h"

#include "orchestrator/spawner.h"

#include <sys/socket.h>
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
#include <unistd.h>

#include <ev.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/wire.h"
#include "common/xmalloc.h"
#include "config/settings.h"
#include "config/targetwire.h"
#include "drivers/driver.h"
#include "orchestrator/spawn.h"
#include "worker/fleetworker.h"
#include "common/banned.h"

/* Requests, coordinator to spawner; only SPAWN is answered. */
enum { MSG_SETUP = 1, MSG_SPAWN = 2, MSG_KILL = 3 };
/* The answer to SPAWN. */
enum { REPLY_OK = 0, REPLY_ERRNO = 1, REPLY_ERROR = 2 };

/* A request holds one target: a few KB; anything larger is refused. */
#define MSG_MAX (256 * 1024)
#define MAX_FDS 2

struct spawner_digest {
	const struct migset *ms;
	char hex[SHA256_HEX_LEN + 1];
};

/* ---- both ends ------------------------------------------------------ */

/* What identifies a migrations directory's content for a run. */
static void
migset_digest(const struct migset *ms, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256 c;
	size_t i;

	sha256_init(&c);
	for (i = 0; i < ms->n; i++) {
		const struct migration *m = ms->v[i];

		sha256_update(&c, m->filename, strlen(m->filename) + 1);
		sha256_update(&c, m->checksum, strlen(m->checksum) + 1);
		sha256_update(&c, m->executable ? "x" : "-", 2);
	}
	sha256_final_hex(&c, hex);
}

static int
send_msg(int sock, const struct buf *b, const int *fds, size_t nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { b->ptr, b->len };
	struct msghdr mh;
	struct cmsghdr *cm;
	ssize_t r;

	memset(&mh, 0, sizeof(mh));
	memset(&u, 0, sizeof(u));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : 0;
}

/* Keep the descriptors that came with a message (close-on-exec), at most
 * MAX_FDS; fds[i] is -1 past the last. */
static void
take_fds(struct msghdr *mh, int fds[MAX_FDS])
{
	struct cmsghdr *cm;
	size_t i, n, k = 0;
	int fd;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
			if (k < MAX_FDS)
				fds[k++] = fd;
			else
				close(fd);
		}
	}
}

/*
 * One message into b (its bytes) and fds; returns its size, 0 at the end
 * of the stream, -1 on an error (errno; EMSGSIZE for a message cut short,
 * whose descriptors are closed).
 */
static ssize_t
recv_msg(int sock, struct buf *b, int fds[MAX_FDS])
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov;
	struct msghdr mh;
	ssize_t r;
	int i;

	for (i = 0; i < MAX_FDS; i++)
		fds[i] = -1;
	buf_reset(b);
	buf_grow(b, MSG_MAX);
	iov.iov_base = b->ptr;
	iov.iov_len = MSG_MAX;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	take_fds(&mh, fds);
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		for (i = 0; i < MAX_FDS; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		errno = EMSGSIZE;
		return -1;
	}
	b->len = (size_t)r;
	b->ptr[b->len] = '\0';
	return r;
}

/* ---- the spawner process -------------------------------------------- */

/* A migrations directory as the spawner loaded it. */
struct sdir {
	char *path;
	struct migset *ms;
	char hex[SHA256_HEX_LEN + 1];
	struct strv engines; /* checked with migset_check */
};

/* A child not reaped yet. */
struct live {
	uint64_t tag;
	pid_t pid;
};

struct spawnd {
	struct ev_loop *loop;
	int ctl, rep;
	char **envp;
	enum command_id cmd;
	struct cmd_opts opts;
	struct sdir *dirs;
	size_t ndirs, capdirs;
	struct live *live;
	size_t nlive, caplive;
	struct spawner_exit *queue; /* reports not written yet */
	size_t nqueue, capqueue;
	struct buf in, out;
	ev_io ctl_w, rep_w;
	ev_child child_w;
};

/* What a worker's child needs from the request. */
struct worker_arg {
	const struct spawnd *d;
	const struct target *t;
	const struct migset *ms;
};

static int
worker_entry(void *arg, int frame_fd, int log_fd)
{
	const struct worker_arg *a = arg;

	return fleetworker_main(a->t, a->ms, a->d->cmd, &a->d->opts, frame_fd,
				log_fd);
}

static struct sdir *
dir_load(struct spawnd *d, const char *path, struct err *e)
{
	struct sdir *s;
	size_t i;

	for (i = 0; i < d->ndirs; i++)
		if (strcmp(d->dirs[i].path, path) == 0)
			return &d->dirs[i];
	XGROW(d->dirs, d->ndirs + 1, d->capdirs);
	s = &d->dirs[d->ndirs];
	memset(s, 0, sizeof(*s));
	if (migset_load(path, &s->ms, e) < 0)
		return NULL;
	s->path = xstrdup(path);
	migset_digest(s->ms, s->hex);
	strv_init(&s->engines);
	d->ndirs++;
	return s;
}

/* The migrations the coordinator checked, as this process holds them. */
static const struct migset *
dir_get(struct spawnd *d, const char *path, const char *hex,
	const char *engine, struct err *e)
{
	struct sdir *s = dir_load(d, path, e);

	if (s == NULL) {
		err_prefix(e, "the migrations changed since the run began: ");
		return NULL;
	}
	if (hex == NULL || strcmp(s->hex, hex) != 0) {
		err_set(e, ERR_MIGFILE,
			"%s: the migrations changed since the run began (a "
			"file was added, removed or edited); nothing was run "
			"on this target: run the command again",
			path);
		return NULL;
	}
	if (!strv_contains(&s->engines, engine)) {
		if (migset_check(s->ms, engine, e) < 0)
			return NULL;
		strv_push(&s->engines, engine);
	}
	return s->ms;
}

static void
reply(struct spawnd *d, int kind, pid_t pid, int errnum, const struct err *e)
{
	buf_reset(&d->out);
	wire_put_u32(&d->out, (uint32_t)kind);
	wire_put_u64(&d->out, (uint64_t)pid);
	wire_put_u32(&d->out, (uint32_t)errnum);
	wire_put_u32(&d->out, (uint32_t)(e ? -e->code : 0));
	wire_put_str(&d->out, e ? e->msg : NULL);
	/* the coordinator waits for it; if it is gone, so are we soon */
	send_msg(d->ctl, &d->out, NULL, 0);
}

/* Fork the worker of a decoded request and remember it. */
static void
spawn_one(struct spawnd *d, uint64_t tag, const struct worker_arg *a,
	  double timeout, int wfd, int log_fd)
{
	struct err e = ERR_INIT;
	pid_t pid;

	if (spawn_fork(wfd, log_fd, timeout, worker_entry, (void *)a, &pid,
		       &e) < 0) {
		reply(d, REPLY_ERRNO, -1, errno, &e);
		return;
	}
	XGROW(d->live, d->nlive + 1, d->caplive);
	d->live[d->nlive].tag = tag;
	d->live[d->nlive].pid = pid;
	d->nlive++;
	reply(d, REPLY_OK, pid, 0, NULL);
}

static void
on_spawn(struct spawnd *d, struct wire_reader *r, const int fds[MAX_FDS])
{
	struct err e = ERR_INIT;
	struct worker_arg a = { d, NULL, NULL };
	uint64_t tag = wire_get_u64(r);
	double timeout = wire_get_f64(r);
	char *path = wire_get_str(r), *hex = wire_get_str(r);
	bool has_log = wire_get_u32(r) != 0;
	struct target *t = targetwire_get(r);

	if (!wire_done(r) || fds[0] < 0 || (has_log && fds[1] < 0)) {
		err_set(&e, ERR_INTERNAL, "the spawner got a bad request");
		reply(d, REPLY_ERROR, -1, 0, &e);
	} else if (path != NULL && (a.ms = dir_get(d, path, hex, t->engine,
						   &e)) == NULL) {
		reply(d, REPLY_ERROR, -1, 0, &e);
	} else {
		a.t = t;
		spawn_one(d, tag, &a, timeout, fds[0], has_log ? fds[1] : -1);
	}
	target_free(t);
	free(path);
	free(hex);
}

static void
on_setup(struct spawnd *d, struct wire_reader *r)
{
	struct strv secrets = STRV_INIT;
	uint32_t flags;

	d->cmd = (enum command_id)wire_get_u32(r);
	d->opts.id = wire_get_str(r);
	d->opts.run_id = wire_get_str(r);
	d->opts.host = wire_get_str(r);
	flags = wire_get_u32(r);
	d->opts.json = flags & 1;
	d->opts.sql = flags & 2;
	d->opts.allow_out_of_order = flags & 4;
	d->opts.strict = flags & 8;
	d->opts.strict_checksums = flags & 16;
	d->opts.yes = flags & 32;
	wire_get_strv(r, &secrets);
	settings_scrub(d->envp, &secrets);
	strv_release(&secrets);
	if (d->opts.run_id)
		log_set_run_id(d->opts.run_id);
	drivers_init();
}

static void
on_kill(struct spawnd *d, struct wire_reader *r)
{
	uint64_t tag = wire_get_u64(r);
	int sig = (int)wire_get_u32(r);
	bool group = wire_get_u32(r) != 0;
	size_t i;

	for (i = 0; i < d->nlive; i++) {
		if (d->live[i].tag != tag)
			continue;
		if (group)
			spawn_kill(d->live[i].pid, sig);
		else
			kill(d->live[i].pid, sig);
		return;
	}
}

static void
ctl_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct spawnd *d = w->data;
	struct wire_reader r;
	int fds[MAX_FDS], i;
	ssize_t n;

	(void)revents;
	n = recv_msg(d->ctl, &d->in, fds);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) { /* the coordinator is done, or gone */
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	wire_reader_init(&r, d->in.ptr, d->in.len);
	switch (wire_get_u32(&r)) {
	case MSG_SETUP:
		on_setup(d, &r);
		break;
	case MSG_SPAWN:
		on_spawn(d, &r, fds);
		break;
	case MSG_KILL:
		on_kill(d, &r);
		break;
	}
	targetwire_wipe(&d->in);
	for (i = 0; i < MAX_FDS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Write the reports queued, each whole (16 bytes: atomic on a pipe). */
static void
flush_reports(struct spawnd *d)
{
	size_t done = 0;
	ssize_t n;

	while (done < d->nqueue) {
		n = write(d->rep, &d->queue[done], sizeof(d->queue[done]));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) /* the coordinator is gone */
			_exit(EXIT_FAILED);
		done++;
	}
	memmove(d->queue, d->queue + done,
		(d->nqueue - done) * sizeof(*d->queue));
	d->nqueue -= done;
	if (d->nqueue > 0)
		ev_io_start(d->loop, &d->rep_w);
	else
		ev_io_stop(d->loop, &d->rep_w);
}

static void
rep_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	flush_reports(w->data);
}

static void
child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct spawnd *d = w->data;
	size_t i;

	(void)loop;
	(void)revents;
	for (i = 0; i < d->nlive; i++) {
		if (d->live[i].pid != w->rpid)
			continue;
		XGROW(d->queue, d->nqueue + 1, d->capqueue);
		d->queue[d->nqueue].tag = d->live[i].tag;
		d->queue[d->nqueue].status = w->rstatus;
		d->queue[d->nqueue].unused = 0;
		d->nqueue++;
		d->live[i] = d->live[--d->nlive];
		flush_reports(d);
		return;
	}
}

/*
 * Dies with the coordinator; ignores what the terminal sends (the
 * coordinator decides, and tells it); stdin and stdout on /dev/null, so
 * that it holds no reader's pipe open.
 */
static void
spawner_bound(pid_t parent)
{
	static const int ignored[] = { SIGINT,	SIGTERM, SIGHUP, SIGQUIT,
				       SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE };
	sigset_t none;
	size_t i;
	int nul;

#ifdef HAVE_SYS_PRCTL_H
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (getppid() != parent)
		_exit(EXIT_FAILED);
	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		signal(ignored[i], SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	if ((nul = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(nul, STDIN_FILENO);
		dup2(nul, STDOUT_FILENO);
		if (nul > STDERR_FILENO)
			close(nul);
	}
}

static void __attribute__((noreturn))
spawner_main(pid_t parent, int ctl, int rep, char **envp)
{
	struct spawnd d;

	spawner_bound(parent);
	memset(&d, 0, sizeof(d));
	d.ctl = ctl;
	d.rep = rep;
	d.envp = envp;
	buf_init(&d.in);
	buf_init(&d.out);
	if ((d.loop = ev_default_loop(0)) == NULL)
		_exit(EXIT_FAILED);
	fcntl(rep, F_SETFL, fcntl(rep, F_GETFL) | O_NONBLOCK);
	ev_io_init(&d.ctl_w, ctl_cb, ctl, EV_READ);
	ev_io_init(&d.rep_w, rep_cb, rep, EV_WRITE);
	ev_child_init(&d.child_w, child_cb, 0, 0); /* any child */
	d.ctl_w.data = d.rep_w.data = d.child_w.data = &d;
	ev_io_start(d.loop, &d.ctl_w);
	ev_child_start(d.loop, &d.child_w);
	ev_run(d.loop, 0);
	/* Its workers die with it; nothing else is worth the time. */
	_exit(0);
}

/* ---- the coordinator's end ------------------------------------------ */

int
spawner_start(struct spawner *sp, char **envp, struct err *e)
{
	int sv[2], rp[2], saved;
	pid_t parent = getpid(), p;
	sigset_t all, old;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(e, ERR_IO, "cannot start the spawner: "
					  "socketpair: %s", strerror(errno));
	if (pipe2(rp, O_CLOEXEC) < 0) {
		saved = errno;
		close(sv[0]);
		close(sv[1]);
		return err_set(e, ERR_IO, "cannot start the spawner: pipe: %s",
			       strerror(saved));
	}
	fflush(stdout);
	fflush(stderr);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if ((p = fork()) == 0) {
		close(sv[0]);
		close(rp[0]);
		spawner_main(parent, sv[1], rp[1], envp);
	}
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(sv[1]);
	close(rp[1]);
	if (p < 0) {
		close(sv[0]);
		close(rp[0]);
		return err_set(e, ERR_IO, "cannot start the spawner: fork: %s",
			       strerror(saved));
	}
	fcntl(rp[0], F_SETFL, fcntl(rp[0], F_GETFL) | O_NONBLOCK);
	sp->pid = p;
	sp->ctl = sv[0];
	sp->reports = rp[0];
	return 0;
}

static int
gone(struct err *e)
{
	err_set(e, ERR_IO, "the spawner is gone");
	errno = EPIPE;
	return ERR_IO;
}

int
spawner_setup(struct spawner *sp, enum command_id cmd,
	      const struct cmd_opts *o, const struct strv *secret_vars,
	      struct err *e)
{
	struct buf b = BUF_INIT;
	int r;

	wire_put_u32(&b, MSG_SETUP);
	wire_put_u32(&b, (uint32_t)cmd);
	wire_put_str(&b, o->id);
	wire_put_str(&b, o->run_id);
	wire_put_str(&b, o->host);
	wire_put_u32(&b, (uint32_t)o->json | (uint32_t)o->sql << 1 |
				 (uint32_t)o->allow_out_of_order << 2 |
				 (uint32_t)o->strict << 3 |
				 (uint32_t)o->strict_checksums << 4 |
				 (uint32_t)o->yes << 5);
	wire_put_strv(&b, secret_vars);
	r = send_msg(sp->ctl, &b, NULL, 0);
	buf_release(&b);
	return r < 0 ? gone(e) : 0;
}

static const char *
digest_of(struct spawner *sp, const struct migset *ms)
{
	struct spawner_digest *dg;
	size_t i;

	for (i = 0; i < sp->ndigests; i++)
		if (sp->digests[i].ms == ms)
			return sp->digests[i].hex;
	XGROW(sp->digests, sp->ndigests + 1, sp->capdigests);
	dg = &sp->digests[sp->ndigests++];
	dg->ms = ms;
	migset_digest(ms, dg->hex);
	return dg->hex;
}

/* The spawner's answer to a SPAWN. */
static int
spawn_answer(struct spawner *sp, pid_t *pid, struct err *e)
{
	struct buf b = BUF_INIT;
	struct wire_reader r;
	int fds[MAX_FDS], i, kind, errnum, code;
	char *msg;

	if (recv_msg(sp->ctl, &b, fds) <= 0) {
		buf_release(&b);
		return gone(e);
	}
	for (i = 0; i < MAX_FDS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	wire_reader_init(&r, b.ptr, b.len);
	kind = (int)wire_get_u32(&r);
	*pid = (pid_t)wire_get_u64(&r);
	errnum = (int)wire_get_u32(&r);
	code = -(int)wire_get_u32(&r);
	msg = wire_get_str(&r);
	buf_release(&b);
	if (!wire_done(&r))
		code = err_set(e, ERR_INTERNAL, "a bad answer from the spawner");
	else if (kind == REPLY_ERRNO)
		code = err_set(e, ERR_IO, "%s", msg ? msg : strerror(errnum));
	else if (kind != REPLY_OK)
		code = err_set(e, code < 0 ? code : ERR_INTERNAL, "%s",
			       msg ? msg : "?");
	else
		code = 0;
	free(msg);
	errno = errnum;
	return code;
}

int
spawner_spawn(struct spawner *sp, const struct spawner_job *job, pid_t *pid,
	      struct err *e)
{
	struct buf b = BUF_INIT;
	int fds[MAX_FDS] = { job->wfd, job->log_fd }, r;

	wire_put_u32(&b, MSG_SPAWN);
	wire_put_u64(&b, job->tag);
	wire_put_f64(&b, job->timeout);
	wire_put_str(&b, job->ms ? job->migpath : NULL);
	wire_put_str(&b, job->ms ? digest_of(sp, job->ms) : NULL);
	wire_put_u32(&b, job->log_fd >= 0);
	targetwire_put(&b, job->t);
	r = send_msg(sp->ctl, &b, fds, job->log_fd >= 0 ? 2 : 1);
	targetwire_wipe(&b); /* the password */
	buf_release(&b);
	if (r < 0)
		return gone(e);
	return spawn_answer(sp, pid, e);
}

void
spawner_kill(struct spawner *sp, uint64_t tag, int sig, bool group)
{
	struct buf b = BUF_INIT;

	wire_put_u32(&b, MSG_KILL);
	wire_put_u64(&b, tag);
	wire_put_u32(&b, (uint32_t)sig);
	wire_put_u32(&b, group);
	send_msg(sp->ctl, &b, NULL, 0); /* gone: so are its workers */
	buf_release(&b);
}

ssize_t
spawner_exits(struct spawner *sp, struct spawner_exit *v, size_t max)
{
	ssize_t n;

	do
		n = read(sp->reports, v, max * sizeof(*v));
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n <= 0)
		return -1;
	return n / (ssize_t)sizeof(*v);
}

void
spawner_stop(struct spawner *sp)
{
	int status;

	if (sp->ctl >= 0)
		close(sp->ctl);
	if (sp->reports >= 0)
		close(sp->reports);
	sp->ctl = sp->reports = -1;
	/* libev's SIGCHLD handler may have reaped it already: ECHILD */
	while (sp->pid > 0 && waitpid(sp->pid, &status, 0) < 0 &&
	       errno == EINTR)
		;
	sp->pid = -1;
	free(sp->digests);
	sp->digests = NULL;
	sp->ndigests = sp->capdigests = 0;
}
