/* Running discover entries before anything forks, or replaying them from
 * a --resume report; see discover.h. */
#include "config.h"

#include "orchestrator/discover.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "drivers/driver.h"
#include "orchestrator/spawn.h"
#include "common/banned.h"

#define ERR_TAIL 4096 /* bytes of a child's stderr kept */
#define NULL_CELL 0xffffffffu

extern char **environ;

/* ---- a query's rows through the child's pipe ---------------------------- */

/* Lengths and bytes: the column count, each name, then every cell, a
 * NULL as NULL_CELL. */
static void
put_text(struct buf *out, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : NULL_CELL;

	buf_add(out, (const char *)&n, sizeof(n));
	if (s)
		buf_add(out, s, n);
}

static void
encode_rows(const struct db_rows *r, struct buf *out)
{
	uint32_t n = (uint32_t)r->ncols;
	size_t i;

	buf_add(out, (const char *)&n, sizeof(n));
	for (i = 0; i < r->ncols; i++)
		put_text(out, db_rows_name(r, i));
	for (i = 0; i < r->nrows * r->ncols; i++)
		put_text(out, r->cells[i]);
}

/* One length and text at *p; false when the input ends too soon. */
static bool
get_text(const char **p, const char *end, char **out)
{
	uint32_t n;

	if ((size_t)(end - *p) < sizeof(n))
		return false;
	memcpy(&n, *p, sizeof(n));
	*p += sizeof(n);
	*out = NULL;
	if (n == NULL_CELL)
		return true;
	if ((size_t)(end - *p) < n)
		return false;
	*out = xstrndup(*p, n);
	*p += n;
	return true;
}

static bool
decode_rows(const struct buf *in, struct discovery_result *out)
{
	const char *p = in->ptr, *end = in->ptr + in->len;
	size_t cap = 0, i;
	uint32_t ncols;
	char *s;

	if (in->len < sizeof(ncols))
		return false;
	memcpy(&ncols, p, sizeof(ncols));
	p += sizeof(ncols);
	for (i = 0; i < ncols; i++) {
		if (!get_text(&p, end, &s))
			return false;
		strv_push_owned(&out->columns, s ? s : xstrdup(""));
	}
	while (ncols > 0 && p < end) {
		XGROW(out->cells, (out->nrows + 1) * ncols, cap);
		for (i = 0; i < ncols; i++) {
			if (get_text(&p, end, &out->cells[out->nrows * ncols +
							  i]))
				continue;
			while (i-- > 0) /* not counted: freed here */
				free(out->cells[out->nrows * ncols + i]);
			return false;
		}
		out->nrows++;
	}
	return p == end;
}

/* ---- the children -------------------------------------------------------- */

static bool
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Connect read-only, query, write the rows to frame_fd. */
static int
query_child(void *arg, int frame_fd, int log_fd)
{
	const struct discovery_request *rq = arg;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	struct db_rows *rows = NULL;
	struct buf out = BUF_INIT;
	int code = 0;

	if (db_connect(rq->conn, true, &db, &e) < 0 ||
	    db_query(db, rq->query, NULL, 0, &rows, &e) < 0) {
		dprintf(log_fd, "%s\n", e.msg);
		code = 1;
	} else {
		encode_rows(rows, &out);
		code = write_all(frame_fd, out.ptr, out.len) ? 0 : 1;
	}
	db_rows_free(rows);
	db_close(db);
	buf_release(&out);
	return code;
}

/* The command's stdout is the pipe; its stderr the log pipe. */
static int
command_child(void *arg, int frame_fd, int log_fd)
{
	const struct discovery_request *rq = arg;

	if (dup2(frame_fd, STDOUT_FILENO) < 0 ||
	    (rq->dir && chdir(rq->dir) < 0)) {
		dprintf(log_fd, "cannot start %s: %s\n", rq->argv[0],
			strerror(errno));
		return 126;
	}
	execvpe(rq->argv[0], rq->argv, rq->envp ? rq->envp : environ);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", rq->argv[0],
		strerror(errno));
	return 127;
}

/* ---- waiting for a child ------------------------------------------------- */

struct child {
	pid_t pid;
	int fd[2];       /* its stdout (or rows), its stderr */
	struct buf out;  /* what it wrote to fd[0] */
	struct buf err;  /* the end of what it wrote to fd[1] */
	bool timed_out, too_big;
	int status;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read what fd has; false at its end. */
static bool
drain(struct child *ch, int i)
{
	char chunk[65536];
	ssize_t n = read(ch->fd[i], chunk, sizeof(chunk));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if (i == 0) {
		buf_add(&ch->out, chunk, (size_t)n);
		ch->too_big = ch->out.len > DISCOVER_MAX_OUTPUT;
	} else {
		buf_add(&ch->err, chunk, (size_t)n);
		if (ch->err.len > ERR_TAIL) {
			memmove(ch->err.ptr, ch->err.ptr + ch->err.len - ERR_TAIL,
				ERR_TAIL);
			buf_truncate(&ch->err, ERR_TAIL);
		}
	}
	return true;
}

/* Read both pipes to their end or until the deadline, then reap. No other
 * code waits for children yet: the coordinator's loop has not started. */
static void
collect(struct child *ch, double timeout)
{
	double deadline = now() + timeout, left;
	struct pollfd pfd[2];
	int i, n;

	while ((ch->fd[0] >= 0 || ch->fd[1] >= 0) && !ch->too_big) {
		if ((left = deadline - now()) <= 0) {
			ch->timed_out = true;
			break;
		}
		for (i = 0; i < 2; i++) {
			pfd[i].fd = ch->fd[i];
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		n = poll(pfd, 2, (int)(left * 1000) + 1);
		for (i = 0; n > 0 && i < 2; i++)
			if (pfd[i].revents && !drain(ch, i)) {
				close(ch->fd[i]);
				ch->fd[i] = -1;
			}
	}
	if (ch->timed_out || ch->too_big)
		spawn_kill(ch->pid, SIGKILL);
	while (waitpid(ch->pid, &ch->status, 0) < 0 && errno == EINTR)
		;
}

/* The last non-blank line of a child's stderr, for a message. */
static void
last_line(const struct buf *err, struct buf *out)
{
	const char *p = err->ptr, *end = p + err->len, *start;

	while (end > p && (end[-1] == '\n' || end[-1] == '\r' ||
			   end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (start = end; start > p && start[-1] != '\n'; start--)
		;
	if (end - start > 300)
		end = start + 300;
	if (end > start)
		buf_addf(out, ": %.*s", (int)(end - start), start);
}

/* What went wrong with a child, or 0. */
static int
judge(const struct discovery_request *rq, struct child *ch, struct err *e)
{
	struct buf why = BUF_INIT;
	int rc = 0;

	if (ch->timed_out)
		buf_addf(&why, "did not finish within %gs (killed)",
			 rq->timeout);
	else if (ch->too_big)
		buf_addf(&why, "printed more than %u MiB (killed)",
			 DISCOVER_MAX_OUTPUT >> 20);
	else if (WIFSIGNALED(ch->status))
		buf_addf(&why, "was killed by signal %d",
			 WTERMSIG(ch->status));
	else if (WEXITSTATUS(ch->status) != 0 && rq->kind == DISCOVERY_QUERY)
		buf_adds(&why, "failed");
	else if (WEXITSTATUS(ch->status) != 0)
		buf_addf(&why, "exited with status %d",
			 WEXITSTATUS(ch->status));
	if (why.len) {
		last_line(&ch->err, &why);
		rc = err_set(e, ERR_CONFIG, "%s %s", rq->source, why.ptr);
	}
	buf_release(&why);
	return rc;
}

static int
run(const struct discovery_request *rq, struct discovery_result *out,
    struct err *e)
{
	struct child ch;
	int errp[2], rc;

	memset(&ch, 0, sizeof(ch));
	if (pipe2(errp, O_CLOEXEC) < 0)
		return err_set(e, ERR_IO, "pipe: %s", strerror(errno));
	/* its own timer too: it ends even if collect no longer acts */
	rc = spawn_worker(errp[1], rq->timeout,
			  rq->kind == DISCOVERY_QUERY ? query_child
						      : command_child,
			  (void *)rq, &ch.pid, &ch.fd[0], e);
	close(errp[1]);
	if (rc < 0) {
		close(errp[0]);
		return rc;
	}
	ch.fd[1] = errp[0];
	fcntl(ch.fd[1], F_SETFL, fcntl(ch.fd[1], F_GETFL) | O_NONBLOCK);
	collect(&ch, rq->timeout);
	if (ch.fd[0] >= 0)
		close(ch.fd[0]);
	if (ch.fd[1] >= 0)
		close(ch.fd[1]);
	if ((rc = judge(rq, &ch, e)) == 0 && rq->kind == DISCOVERY_QUERY &&
	    !decode_rows(&ch.out, out))
		rc = err_set(e, ERR_CONFIG, "%s failed: its rows came back "
					    "cut short",
			     rq->source);
	if (rc == 0 && rq->kind == DISCOVERY_COMMAND)
		buf_add(&out->output, ch.out.ptr, ch.out.len);
	buf_release(&ch.out);
	buf_release(&ch.err);
	return rc;
}

/* ---- --resume: what the report recorded --------------------------------- */

static int
replay_rows(const struct json_value *rec, struct discovery_result *out)
{
	const struct json_value *cols = json_get(rec, "columns");
	const struct json_value *rows = json_get(rec, "rows"), *row;
	size_t i, j, n = json_count(cols);
	const char *s;

	if (!json_is(cols, JSON_ARRAY) || !json_is(rows, JSON_ARRAY) || n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!(s = json_as_string(json_index(cols, i))))
			return -1;
		strv_push(&out->columns, s);
	}
	out->cells = xcalloc(json_count(rows) * n + 1, sizeof(*out->cells));
	for (i = 0; i < json_count(rows); i++) {
		row = json_index(rows, i);
		if (!json_is(row, JSON_ARRAY) || json_count(row) != n)
			return -1;
		for (j = 0; j < n; j++)
			out->cells[i * n + j] =
			    xstrdup_or_null(json_as_string(json_index(row, j)));
		out->nrows++;
	}
	return 0;
}

static int
replay_lines(const struct json_value *rec, struct discovery_result *out)
{
	const struct json_value *lines = json_get(rec, "lines");
	const char *s;
	size_t i;

	if (!json_is(lines, JSON_ARRAY))
		return -1;
	for (i = 0; i < json_count(lines); i++) {
		if (!(s = json_as_string(json_index(lines, i))))
			return -1;
		buf_addf(&out->output, "%s\n", s);
	}
	return 0;
}

static int
replay(const struct discover *d, const struct discovery_request *rq,
       struct discovery_result *out, struct err *e)
{
	const struct json_value *rec = json_index(d->recorded, rq->index);
	const char *kind = json_as_string(json_get(rec, "kind"));
	const char *want = discovery_kind_name(rq->kind);

	if (!rec)
		return err_set(e, ERR_CONFIG,
			       "the --resume report %s recorded no discovery "
			       "for this entry (it has %zu): run without "
			       "--resume",
			       d->resume, json_count(d->recorded));
	if (!kind || strcmp(kind, want) != 0)
		return err_set(e, ERR_CONFIG,
			       "the --resume report %s recorded a %s for this "
			       "entry, which runs a %s: run without --resume",
			       d->resume, kind ? kind : "?", want);
	if ((rq->kind == DISCOVERY_QUERY ? replay_rows(rec, out)
					 : replay_lines(rec, out)) < 0)
		return err_set(e, ERR_CONFIG,
			       "the --resume report %s: discovered[%zu] is "
			       "malformed",
			       d->resume, rq->index);
	return 0;
}

/* ---- the API --------------------------------------------------------------- */

static int
discover_fn(void *arg, const struct discovery_request *rq,
	    struct discovery_result *out, struct err *e)
{
	const struct discover *d = arg;

	if (d->resume)
		return replay(d, rq, out, e);
	return run(rq, out, e);
}

void
discover_init(struct discover *d, const struct reportdoc *resume)
{
	memset(d, 0, sizeof(*d));
	if (!resume)
		return;
	d->resume = resume->name;
	d->recorded = json_get(resume->root, "discovered");
}

struct discoverer
discover_ops(struct discover *d)
{
	struct discoverer ops = { discover_fn, d };

	return ops;
}

static void
record_json(const struct discovery *d, struct json *j)
{
	const struct discovery_result *g = &d->got;
	const char *p, *nl;
	size_t i, c, n = g->columns.n;

	json_object_begin(j, NULL);
	json_int(j, "line", d->line);
	json_int(j, "column", d->col);
	json_string(j, "kind", discovery_kind_name(d->kind));
	json_string(j, "source", d->source);
	json_int(j, "targets", (int64_t)d->ntargets);
	json_string(j, "digest", d->digest);
	if (d->kind == DISCOVERY_QUERY) {
		json_string_array(j, "columns",
				  (const char *const *)g->columns.v, n);
		json_array_begin(j, "rows");
		for (i = 0; i < g->nrows; i++) {
			json_array_begin(j, NULL);
			for (c = 0; c < n; c++)
				json_string(j, NULL, g->cells[i * n + c]);
			json_array_end(j);
		}
		json_array_end(j);
	} else {
		json_array_begin(j, "lines");
		for (p = g->output.ptr; p && *p; p = nl + 1) {
			char *line;

			nl = strchr(p, '\n');
			line = xstrndup(p, (size_t)(nl - p));
			json_string(j, NULL, line);
			free(line);
		}
		json_array_end(j);
	}
	json_object_end(j);
}

void
discover_json(struct discovery *const *v, size_t n, struct json *j)
{
	size_t i;

	json_array_begin(j, "discovered");
	for (i = 0; i < n; i++)
		if (v[i])
			record_json(v[i], j);
	json_array_end(j);
}
