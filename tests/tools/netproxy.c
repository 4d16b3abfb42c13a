/*
 * netproxy - a TCP proxy on 127.0.0.1 for the tests and the bench: it delays
 * each direction, counts request/response turns and cuts connections on cue.
 *
 *   netproxy [--listen [127.0.0.1:]PORT] [--port-file FILE]
 *            (--to [127.0.0.1:]PORT | --to-unix PATH | --blackhole)
 *            [--delay MS] [--stats FILE] [--conn N] [--rst]
 *            [--cut-after-bytes N] [--cut-s2c-after-bytes N]
 *            [--cut-before MATCH] [--cut-after MATCH]
 *
 * It listens on 127.0.0.1 only (PORT 0: an ephemeral port) and forwards each
 * accepted connection to 127.0.0.1:PORT or to a Unix socket; no other target
 * is accepted. Once it listens it prints the port on the first line of
 * stdout, or, with --port-file, writes it to FILE (atomically: the file
 * appears complete), so a test starts it without a race.
 *
 * --delay MS (fractions allowed) holds every chunk read on either side MS
 * milliseconds before writing it to the other: one-way delay, RTT = 2 x MS.
 * Each direction is a queue of timestamped chunks, so reading never waits
 * and order is kept. The TCP set-up itself is not delayed (the proxy's
 * accept is local): a new connection costs one RTT less than on a real
 * network. At --delay 0 a chunk is written at once, without a timer.
 *
 * Turns. On each connection the proxy sees the interleaved sequence of its
 * reads from the client and from the server. A turn starts at every read of
 * client bytes whose previous read (on this connection) was of server bytes,
 * and at the first read of client bytes. So a client that waits for each
 * complete reply before it sends again gets exactly one turn per request,
 * however TCP splits the bytes into reads; the count does not depend on
 * --delay. A message without reply (MySQL COM_STMT_CLOSE) merges with the
 * next request; a polite close (PostgreSQL Terminate, MySQL COM_QUIT) is a
 * send after the server's last reply and counts as one turn. EOF is not a
 * send. The handshake's turns, per engine, are in tests/tools/README.md.
 *
 * --stats FILE (truncated at start) gets one JSON line per connection when
 * it ends, and one for each open connection on SIGTERM or SIGINT:
 *   {"conn":1,"turns":5,"c2s_bytes":218,"s2c_bytes":731,"c2s_chunks":5,
 *    "s2c_chunks":4,"ms":12.3,"end":"client"}
 * Bytes and chunks (reads) are counted as received, before any fault drops
 * them. "end" says what ended it: client or server (the side that closed or
 * failed first), connect-failed, signal, or the name of the fault that cut it.
 *
 * Faults (for every connection, or only the N-th accepted with --conn N, 1
 * based). A cut closes both sockets at once, dropping whatever is queued: to
 * the client it looks like a network drop, a FIN, or with --rst an RST
 * (SO_LINGER 0).
 *   --cut-after-bytes N      forward exactly N client bytes, then cut (N = 0:
 *                            cut as soon as the server connection is up).
 *   --cut-s2c-after-bytes N  the same for the server's bytes.
 *   --cut-before MATCH       a client read that holds MATCH (also across two
 *                            reads) is not forwarded: cut instead. The whole
 *                            read is dropped; bytes read before it are
 *                            delivered first.
 *   --cut-after MATCH        forward the read that holds MATCH; the next read
 *                            of server bytes after it was written is not
 *                            delivered: cut instead. The statement ran; the
 *                            client never learns how it ended.
 *   --blackhole              accept and read, never connect, never answer.
 * MATCH may use the escapes \\ \n \r \t \0 and \xHH.
 *
 * Exit status: 0 after SIGTERM or SIGINT, 1 on a runtime error, 2 on a usage
 * error.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <ev.h>

#include "common/xmalloc.h"
#include "tests/tools/proxyopts.h"

#include "common/banned.h"

#define READ_SIZE 65536
/* Reading a side pauses while this much of it waits to be written. */
#define QUEUE_MAX (4u << 20)
/* A timer may wake a hair before the head is due by ev_now's reckoning. */
#define DUE_SLACK 1e-6

struct chunk {
	struct chunk *next;
	ev_tstamp due;
	size_t len, off;
	const char *cut; /* once written: cut, naming this fault */
	bool arm; /* once written: the server's next bytes cut (--cut-after) */
	char data[];
};

struct flow {
	struct conn *conn;
	enum side side;
	ev_io rd, wr; /* rd on the source, wr on the destination */
	ev_timer timer;
	struct chunk *head, *tail;
	size_t queued;
	unsigned long long bytes, chunks, taken;
	bool eof;     /* the source said EOF */
	bool shut;    /* and the destination was told (SHUT_WR) */
	bool stopped; /* a fault ends this flow: read no more */
};

struct conn {
	struct proxy *px;
	struct conn *prev, *next;
	unsigned id;
	int fd[2];
	bool connected, faulty, arm_queued, armed;
	int last; /* side of the last read; -1 before any */
	unsigned long long turns;
	ev_tstamp start;
	const char *end;
	char *tail; /* the client's last bytes, for a MATCH across reads */
	size_t tail_len, tail_cap;
	struct flow flow[2];
};

struct proxy {
	struct proxyopts o;
	struct ev_loop *loop;
	int lfd, stats_fd;
	ev_io accept_w;
	ev_signal sig[2];
	struct conn *conns;
	unsigned nconns;
	char buf[READ_SIZE];
};

static bool flow_pump(struct flow *f);

static void
die(const char *msg)
{
	fprintf(stderr, "netproxy: %s: %s\n", msg, strerror(errno));
	exit(1);
}

/* ---- connections ------------------------------------------------------ */

static void
stats_write(const struct conn *c)
{
	char line[512];
	int n;

	if (c->px->stats_fd < 0)
		return;
	n = snprintf(line, sizeof(line),
		     "{\"conn\":%u,\"turns\":%llu,\"c2s_bytes\":%llu,"
		     "\"s2c_bytes\":%llu,\"c2s_chunks\":%llu,"
		     "\"s2c_chunks\":%llu,\"ms\":%.3f,\"end\":\"%s\"}\n",
		     c->id, c->turns, c->flow[C2S].bytes, c->flow[S2C].bytes,
		     c->flow[C2S].chunks, c->flow[S2C].chunks,
		     (ev_now(c->px->loop) - c->start) * 1000.0,
		     c->end ? c->end : "client");
	/* One write(2) with O_APPEND: a line is never torn. */
	if (n > 0 && write(c->px->stats_fd, line, (size_t)n) != n)
		fprintf(stderr, "netproxy: cannot write the stats: %s\n",
			strerror(errno));
}

static void
flow_release(struct flow *f)
{
	struct ev_loop *loop = f->conn->px->loop;
	struct chunk *k;

	ev_io_stop(loop, &f->rd);
	ev_io_stop(loop, &f->wr);
	ev_timer_stop(loop, &f->timer);
	while ((k = f->head)) {
		f->head = k->next;
		free(k);
	}
}

/* Ends a connection: stats, sockets closed (reset when rst), freed. */
static void
conn_end(struct conn *c, const char *why, bool rst)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	int i;

	if (!c->end)
		c->end = why;
	stats_write(c);
	flow_release(&c->flow[C2S]);
	flow_release(&c->flow[S2C]);
	for (i = 0; i < 2; i++) {
		if (c->fd[i] < 0)
			continue;
		if (rst)
			setsockopt(c->fd[i], SOL_SOCKET, SO_LINGER, &lg,
				   sizeof(lg));
		close(c->fd[i]);
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		c->px->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c->tail);
	free(c);
}

static void
conn_cut(struct conn *c, const char *fault)
{
	c->end = fault;
	conn_end(c, fault, c->px->o.rst);
}

/* The side that closed or failed first ends the connection's story. */
static void
conn_note_end(struct conn *c, enum side s)
{
	if (!c->end)
		c->end = s == C2S ? "client" : "server";
}

/* Both directions told EOF and drained: the connection is over. */
static bool
conn_try_done(struct conn *c)
{
	if (c->flow[C2S].shut && c->flow[S2C].shut) {
		conn_end(c, NULL, false);
		return false;
	}
	return true;
}

/* ---- flows ------------------------------------------------------------ */

static int
flow_dst(const struct flow *f)
{
	return f->conn->fd[!f->side];
}

static bool
flow_dst_ready(const struct flow *f)
{
	return f->side == S2C || f->conn->connected;
}

/* Reads while the flow may still carry bytes and its backlog is small. */
static void
flow_update_reader(struct flow *f)
{
	struct ev_loop *loop = f->conn->px->loop;

	if (f->eof || f->stopped || f->queued >= QUEUE_MAX ||
	    f->conn->fd[f->side] < 0)
		ev_io_stop(loop, &f->rd);
	else
		ev_io_start(loop, &f->rd);
}

/* Until the server connection is up, the client flow's writer watches
 * for the connect to complete: stopping it then would leave the queue
 * waiting forever (with --delay, for a client that spoke first). */
static void
flow_stop_writer(struct flow *f)
{
	if (flow_dst_ready(f))
		ev_io_stop(f->conn->px->loop, &f->wr);
}

/* The queue is empty: pass the source's EOF on once. */
static bool
flow_drained(struct flow *f)
{
	struct conn *c = f->conn;

	flow_stop_writer(f);
	if (f->eof && !f->shut && flow_dst_ready(f)) {
		shutdown(flow_dst(f), SHUT_WR);
		f->shut = true;
		return conn_try_done(c);
	}
	flow_update_reader(f);
	return true;
}

/* Writes the head chunk's rest. 1 written, 0 must wait, -1 connection
 * ended. */
static int
flow_write_head(struct flow *f)
{
	struct chunk *k = f->head;
	ssize_t n;

	while (k->off < k->len) {
		n = send(flow_dst(f), k->data + k->off, k->len - k->off,
			 MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ev_io_start(f->conn->px->loop, &f->wr);
			return 0;
		}
		if (n < 0) {
			conn_note_end(f->conn, !f->side);
			conn_end(f->conn, NULL, false);
			return -1;
		}
		k->off += (size_t)n;
		f->queued -= (size_t)n;
	}
	return 1;
}

/* Writes every chunk that is due, in order; arms the timer for the next.
 * Returns false when the connection ended (and was freed). */
static bool
flow_pump(struct flow *f)
{
	struct conn *c = f->conn;
	struct ev_loop *loop = c->px->loop;
	struct chunk *k;
	const char *cut;
	int rc;

	while ((k = f->head)) {
		ev_tstamp wait = k->due - ev_now(loop);

		if (wait > DUE_SLACK) {
			flow_stop_writer(f);
			if (!ev_is_active(&f->timer)) {
				ev_timer_set(&f->timer, wait, 0.);
				ev_timer_start(loop, &f->timer);
			}
			return true;
		}
		if (!flow_dst_ready(f))
			return true;
		if ((rc = flow_write_head(f)) <= 0)
			return rc == 0;
		f->head = k->next;
		if (!f->head)
			f->tail = NULL;
		c->armed |= k->arm;
		cut = k->cut;
		free(k);
		if (cut) {
			conn_cut(c, cut);
			return false;
		}
		flow_update_reader(f);
	}
	return flow_drained(f);
}

static void
flow_append(struct flow *f, const char *data, size_t n, const char *cut,
	    bool arm)
{
	struct chunk *k = xmalloc(sizeof(*k) + n);

	memcpy(k->data, data, n);
	k->next = NULL;
	k->due = ev_now(f->conn->px->loop) + f->conn->px->o.delay;
	k->len = n;
	k->off = 0;
	k->cut = cut;
	k->arm = arm;
	if (f->tail)
		f->tail->next = k;
	else
		f->head = k;
	f->tail = k;
	f->queued += n;
}

/* Forwards n bytes: at once when nothing waits and there is no delay (no
 * chunk, no timer), else through the queue. False: the connection ended. */
static bool
flow_push(struct flow *f, const char *data, size_t n, const char *cut, bool arm)
{
	ssize_t w = 0;

	if (!f->head && f->conn->px->o.delay == 0 && flow_dst_ready(f) &&
	    n > 0) {
		do
			w = send(flow_dst(f), data, n, MSG_NOSIGNAL);
		while (w < 0 && errno == EINTR);
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			conn_note_end(f->conn, !f->side);
			conn_end(f->conn, NULL, false);
			return false;
		}
		if (w < 0)
			w = 0;
		if ((size_t)w == n && !cut && !arm)
			return true;
	}
	flow_append(f, data + w, n - (size_t)w, cut, arm);
	if (cut)
		f->stopped = true;
	flow_update_reader(f);
	return flow_pump(f);
}

/* ---- faults ----------------------------------------------------------- */

/* Whether the client's stream holds MATCH m in data or across its start. */
static bool
match_found(const struct conn *c, int m, const char *data, size_t n)
{
	const struct proxyopts *o = &c->px->o;
	const char *pat = o->match[m];
	size_t plen = o->match_len[m], head, keep;
	char span[2 * 256];

	if (!pat || (m == M_AFTER && c->arm_queued))
		return false;
	if (memmem(data, n, pat, plen))
		return true;
	/* A match that starts in the tail: plen - 1 bytes on either side. */
	keep = c->tail_len < plen - 1 ? c->tail_len : plen - 1;
	head = n < plen - 1 ? n : plen - 1;
	if (keep == 0 || head == 0)
		return false;
	memcpy(span, c->tail + c->tail_len - keep, keep);
	memcpy(span + keep, data, head);
	return memmem(span, keep + head, pat, plen) != NULL;
}

/* Keeps the client's last (longest MATCH - 1) bytes. */
static void
tail_update(struct conn *c, const char *data, size_t n)
{
	size_t want = c->tail_cap, old;

	if (want == 0)
		return;
	if (n >= want) {
		memcpy(c->tail, data + n - want, want);
		c->tail_len = want;
		return;
	}
	old = c->tail_len + n > want ? want - n : c->tail_len;
	memmove(c->tail, c->tail + c->tail_len - old, old);
	memcpy(c->tail + old, data, n);
	c->tail_len = old + n;
}

/* Applies the faults to n bytes read on f, then forwards what is left. */
static bool
flow_take(struct flow *f, const char *data, size_t n)
{
	struct conn *c = f->conn;
	const struct proxyopts *o = &c->px->o;
	long long limit = o->cut_bytes[f->side];
	const char *cut = NULL;
	bool arm = false;

	if (!c->faulty)
		return flow_push(f, data, n, NULL, false);
	if (f->side == S2C && c->armed)
		return flow_push(f, data, 0, "cut-after", false);
	if (f->side == C2S) {
		if (match_found(c, M_BEFORE, data, n))
			return flow_push(f, data, 0, "cut-before", false);
		arm = match_found(c, M_AFTER, data, n);
		c->arm_queued |= arm;
		tail_update(c, data, n);
	}
	if (limit >= 0 && (unsigned long long)limit - f->taken <= n) {
		n = (size_t)((unsigned long long)limit - f->taken);
		cut =
		    f->side == C2S ? "cut-after-bytes" : "cut-s2c-after-bytes";
	}
	f->taken += n;
	return flow_push(f, data, n, cut, arm);
}

/* ---- events ----------------------------------------------------------- */

static void
conn_account(struct conn *c, enum side s, size_t n)
{
	c->flow[s].bytes += n;
	c->flow[s].chunks++;
	if (s == C2S && c->last != C2S)
		c->turns++;
	c->last = (int)s;
}

static void
read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct flow *f = w->data;
	struct conn *c = f->conn;
	char *buf = c->px->buf;
	ssize_t n;

	(void)loop;
	(void)revents;
	n = recv(w->fd, buf, READ_SIZE, 0);
	if (n < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		conn_note_end(c, f->side);
		/* An error, or EOF on a black hole: nothing left to do. */
		if (n < 0 || c->fd[S2C] < 0) {
			conn_end(c, NULL, false);
			return;
		}
		f->eof = true;
		ev_io_stop(loop, w);
		flow_pump(f);
		return;
	}
	conn_account(c, f->side, (size_t)n);
	if (c->px->o.blackhole && c->faulty)
		return;
	flow_take(f, buf, (size_t)n);
}

/* The server connection is up (or failed): start the server's flow. */
static void
conn_connected(struct conn *c)
{
	const struct proxyopts *o = &c->px->o;
	int one = 1, err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd[S2C], SOL_SOCKET, SO_ERROR, &err, &len) < 0 ||
	    err != 0) {
		c->end = "connect-failed";
		conn_end(c, NULL, false);
		return;
	}
	c->connected = true;
	if (!o->to_unix)
		setsockopt(c->fd[S2C], IPPROTO_TCP, TCP_NODELAY, &one,
			   sizeof(one));
	if (c->faulty && (o->cut_bytes[C2S] == 0 || o->cut_bytes[S2C] == 0)) {
		conn_cut(c, o->cut_bytes[C2S] == 0 ? "cut-after-bytes"
						   : "cut-s2c-after-bytes");
		return;
	}
	flow_update_reader(&c->flow[S2C]);
	flow_pump(&c->flow[C2S]);
}

static void
write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct flow *f = w->data;

	(void)revents;
	if (f->side == C2S && !f->conn->connected) {
		ev_io_stop(loop, w);
		conn_connected(f->conn);
		return;
	}
	flow_pump(f);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	flow_pump(w->data);
}

static void
flow_init(struct conn *c, enum side s)
{
	struct flow *f = &c->flow[s];

	f->conn = c;
	f->side = s;
	ev_io_init(&f->rd, read_cb, c->fd[s], EV_READ);
	ev_io_init(&f->wr, write_cb, c->fd[!s], EV_WRITE);
	ev_timer_init(&f->timer, timer_cb, 0., 0.);
	f->rd.data = f->wr.data = f->timer.data = f;
}

/* Opens the server's socket and starts a non-blocking connect. */
static int
server_socket(const struct proxyopts *o)
{
	struct sockaddr_in in = {.sin_family = AF_INET};
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	struct sockaddr *sa = (struct sockaddr *)&in;
	socklen_t salen = sizeof(in);
	int fd;

	if (o->to_unix) {
		memcpy(un.sun_path, o->to_unix, strlen(o->to_unix) + 1);
		sa = (struct sockaddr *)&un;
		salen = sizeof(un);
	} else {
		in.sin_port = htons((uint16_t)o->to_port);
		in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -1;
	if (connect(fd, sa, salen) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
conn_new(struct proxy *px, int cfd)
{
	struct conn *c = xcalloc(1, sizeof(*c));
	int one = 1;

	c->px = px;
	c->id = ++px->nconns;
	c->fd[C2S] = cfd;
	c->fd[S2C] = -1;
	c->last = -1;
	c->start = ev_now(px->loop);
	c->faulty = px->o.conn == 0 || px->o.conn == c->id;
	c->tail_cap = px->o.match_len[M_BEFORE] > px->o.match_len[M_AFTER]
			  ? px->o.match_len[M_BEFORE]
			  : px->o.match_len[M_AFTER];
	c->tail_cap = c->tail_cap ? c->tail_cap - 1 : 0;
	c->tail = c->tail_cap ? xmalloc(c->tail_cap) : NULL;
	c->next = px->conns;
	if (px->conns)
		px->conns->prev = c;
	px->conns = c;
	setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (!(px->o.blackhole && c->faulty))
		c->fd[S2C] = server_socket(&px->o);
	flow_init(c, C2S);
	flow_init(c, S2C);
	if (c->fd[S2C] < 0 && !(px->o.blackhole && c->faulty)) {
		conn_end(c, "connect-failed", false);
		return;
	}
	flow_update_reader(&c->flow[C2S]);
	if (c->fd[S2C] >= 0)
		ev_io_start(px->loop, &c->flow[C2S].wr); /* connect done */
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct proxy *px = w->data;
	int fd;

	(void)loop;
	(void)revents;
	while ((fd = accept4(w->fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
		conn_new(px, fd);
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
	    errno != ECONNABORTED)
		fprintf(stderr, "netproxy: accept: %s\n", strerror(errno));
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct proxy *px = w->data;

	(void)revents;
	while (px->conns)
		conn_end(px->conns, "signal", false);
	ev_io_stop(loop, &px->accept_w);
	ev_signal_stop(loop, &px->sig[0]);
	ev_signal_stop(loop, &px->sig[1]);
	ev_break(loop, EVBREAK_ALL);
}

/* ---- start-up --------------------------------------------------------- */

static int
listen_socket(int port, int *bound)
{
	struct sockaddr_in in = {.sin_family = AF_INET};
	socklen_t len = sizeof(in);
	int fd, one = 1;

	in.sin_port = htons((uint16_t)port);
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&in, sizeof(in)) < 0)
		die("bind 127.0.0.1");
	if (listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&in, &len) < 0)
		die("listen");
	*bound = ntohs(in.sin_port);
	return fd;
}

/* The port on stdout, or in FILE through a rename: never seen half done. */
static void
announce(const char *port_file, int port)
{
	char *tmp;
	FILE *f;

	if (!port_file) {
		printf("%d\n", port);
		fflush(stdout);
		return;
	}
	tmp = xasprintf("%s.tmp%ld", port_file, (long)getpid());
	if (!(f = fopen(tmp, "w")))
		die(tmp);
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0 || rename(tmp, port_file) < 0)
		die(port_file);
	free(tmp);
}

static void
proxy_start(struct proxy *px)
{
	int port;

	px->stats_fd = -1;
	if (px->o.stats && (px->stats_fd = open(px->o.stats,
						O_WRONLY | O_CREAT | O_TRUNC |
						    O_APPEND | O_CLOEXEC,
						0644)) < 0)
		die(px->o.stats);
	signal(SIGPIPE, SIG_IGN);
	px->loop = EV_DEFAULT;
	px->lfd = listen_socket(px->o.listen_port, &port);
	ev_io_init(&px->accept_w, accept_cb, px->lfd, EV_READ);
	px->accept_w.data = px;
	ev_io_start(px->loop, &px->accept_w);
	ev_signal_init(&px->sig[0], signal_cb, SIGTERM);
	ev_signal_init(&px->sig[1], signal_cb, SIGINT);
	px->sig[0].data = px->sig[1].data = px;
	ev_signal_start(px->loop, &px->sig[0]);
	ev_signal_start(px->loop, &px->sig[1]);
	announce(px->o.port_file, port);
}

int
main(int argc, char **argv)
{
	static struct proxy px;
	int rc = proxyopts_parse(&px.o, argc, argv);

	if (rc != 0) {
		proxyopts_usage(rc > 0 ? stdout : stderr);
		proxyopts_release(&px.o);
		return rc > 0 ? 0 : 2;
	}
	proxy_start(&px);
	ev_run(px.loop, 0);
	ev_loop_destroy(px.loop);
	close(px.lfd);
	if (px.stats_fd >= 0)
		close(px.stats_fd);
	proxyopts_release(&px.o);
	return 0;
}
