/* The live block (terminal), one line per target (elsewhere), or the
 * events (--log-format json) of a fleet run; see progress.h. */
#include "config.h"

#include "orchestrator/progress.h"

#include <sys/ioctl.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "common/xmalloc.h"
#include "common/banned.h"

/* The size assumed when the terminal does not say. */
#define DEFAULT_ROWS 24
#define DEFAULT_COLS 80
/* A name in the block is cut to this many columns. */
#define NAME_COLS 30

static void
read_size(struct progress *p)
{
	struct winsize ws;

	p->rows = DEFAULT_ROWS;
	p->cols = DEFAULT_COLS;
	if (ioctl(fileno(p->fp), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0) {
		p->rows = ws.ws_row;
		p->cols = ws.ws_col;
	}
}

void
progress_init(struct progress *p, FILE *fp, size_t total, bool live,
	      bool color, bool quiet, double now)
{
	memset(p, 0, sizeof(*p));
	p->fp = fp;
	p->live = live && !quiet;
	p->color = color;
	p->quiet = quiet;
	p->total = total;
	p->t0 = now;
	p->run = xcalloc(total ? total : 1, sizeof(*p->run));
	p->failure_shown = xcalloc(total ? total : 1,
				   sizeof(*p->failure_shown));
	p->last_draw = now - PROGRESS_TICK;
	if (p->live)
		read_size(p);
}

void
progress_release(struct progress *p)
{
	size_t i;

	for (i = 0; i < p->nrun; i++)
		free(p->run[i].step);
	free(p->run);
	free(p->failure_shown);
	p->run = NULL;
	p->failure_shown = NULL;
	p->nrun = 0;
}

bool
progress_want_color(int fd)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc != NULL && nc[0] != '\0')
		return false;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fd) == 1;
}

const char *
progress_color(enum outcome_status st, bool color)
{
	return color ? outcome_status_info(st)->ansi : "";
}

const char *
progress_color_reset(bool color)
{
	return color ? "\033[0m" : "";
}

/* Human text at all: not --quiet, not events. */
static bool
talks(const struct progress *p)
{
	return !p->quiet && p->events == NULL;
}

static bool
drawing(const struct progress *p)
{
	return p->live && talks(p);
}

/* ---- the block ---------------------------------------------------------- */

static void
clock_text(struct buf *b, double secs)
{
	long s = secs < 0 ? 0 : (long)secs;

	if (s >= 3600)
		buf_addf(b, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		buf_addf(b, "%ld:%02ld", s / 60, s % 60);
}

/* Append s cut to cols columns (a UTF-8 character is one column). */
static size_t
add_cut(struct buf *out, const char *s, size_t cols)
{
	size_t n = 0, len;
	const char *p = s;

	while (*p && n < cols) {
		len = 1;
		while ((p[len] & 0xc0) == 0x80)
			len++;
		buf_add(out, p, len);
		p += len;
		n++;
	}
	return n;
}

/* The summary line, "[ 37/120] running 8, failed 1, elapsed ...". */
static void
summary_line(const struct progress *p, double now, struct buf *b)
{
	double elapsed = now - p->t0;

	buf_addf(b, "[%*zu/%zu] running %zu, failed %zu, elapsed ",
		 p->total >= 1000 ? 5 : 3, p->done, p->total, p->nrun,
		 p->failed);
	clock_text(b, elapsed);
	if (p->done > 0 && p->done < p->total) {
		buf_adds(b, ", ETA ");
		clock_text(b, elapsed / (double)p->done *
				      (double)(p->total - p->done));
	}
}

static int
longest_first(const void *a, const void *b)
{
	const struct progress_run *x = *(const struct progress_run *const *)a;
	const struct progress_run *y = *(const struct progress_run *const *)b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->job < y->job ? -1 : x->job > y->job;
}

/* How many target lines fit: the block must leave the screen room. */
static size_t
target_lines(const struct progress *p, int rows)
{
	size_t room = rows > 2 ? (size_t)(rows - 2) : 0;

	if (room > PROGRESS_MAX_LINES)
		room = PROGRESS_MAX_LINES;
	return p->nrun < room ? p->nrun : room;
}

/* "  pg-07   1:02  Run 0042_add_index.sql", cut to cols. */
static void
target_line(const struct progress_run *r, int wname, double now, size_t cols,
	    struct buf *out)
{
	struct buf b = BUF_INIT;
	size_t n;

	buf_adds(&b, "  ");
	n = add_cut(&b, r->name, NAME_COLS);
	buf_addf(&b, "%*s  ", wname - (int)n, "");
	clock_text(&b, now - r->start);
	buf_addf(&b, "  %s", r->step ? r->step : "starting");
	add_cut(out, b.ptr, cols);
	buf_release(&b);
}

/* The running targets, the longest running first (the caller frees). */
static const struct progress_run **
by_start(const struct progress *p)
{
	const struct progress_run **v;
	size_t i;

	v = xcalloc(p->nrun ? p->nrun : 1, sizeof(*v));
	for (i = 0; i < p->nrun; i++)
		v[i] = &p->run[i];
	qsort(v, p->nrun, sizeof(*v), longest_first);
	return v;
}

/* The width of the name column: the longest of the first n, cut. */
static int
name_width(const struct progress_run **v, size_t n)
{
	int wname = 0, w;
	size_t i;

	for (i = 0; i < n; i++) {
		w = (int)strlen(v[i]->name);
		w = w > NAME_COLS ? NAME_COLS : w;
		wname = w > wname ? w : wname;
	}
	return wname;
}

size_t
progress_block(const struct progress *p, double now, int rows, int cols,
	       struct buf *out)
{
	const struct progress_run **v = by_start(p);
	size_t i, n = target_lines(p, rows), shown, lines = 0;
	size_t width = cols > 1 ? (size_t)cols - 1 : 1; /* no autowrap */
	struct buf sum = BUF_INIT;
	int wname;

	shown = n > 0 && n < p->nrun ? n - 1 : n;
	wname = name_width(v, shown);
	for (i = 0; i < shown; i++, lines++) {
		target_line(v[i], wname, now, width, out);
		buf_addc(out, '\n');
	}
	if (shown < n) {
		buf_addf(&sum, "  ... and %zu more running", p->nrun - shown);
		add_cut(out, sum.ptr, width);
		buf_addc(out, '\n');
		lines++;
	}
	buf_reset(&sum);
	summary_line(p, now, &sum);
	add_cut(out, sum.ptr, width);
	free(v);
	buf_release(&sum);
	return lines + 1;
}

/* Go back to the block's first line and clear to the end of the screen. */
static void
clear_seq(struct progress *p, struct buf *b)
{
	if (p->drawn > 1)
		buf_addf(b, "\r\033[%zuA\033[J", p->drawn - 1);
	else if (p->drawn == 1)
		buf_adds(b, "\r\033[J");
	p->drawn = 0;
}

/* One write: the old block away, line (if any) above, the new block. */
static void
draw(struct progress *p, double now, const char *line, bool block)
{
	struct buf b = BUF_INIT;

	clear_seq(p, &b);
	if (line)
		buf_addf(&b, "%s\n", line);
	if (block) {
		p->drawn = progress_block(p, now, p->rows, p->cols, &b);
		p->last_draw = now;
		p->dirty = false;
	}
	fwrite(b.ptr, 1, b.len, p->fp);
	fflush(p->fp);
	buf_release(&b);
}

/* The block changed: redraw now, or at the next tick if it was just
 * drawn (at most 1 / PROGRESS_TICK redraws a second). */
static void
changed(struct progress *p, double now)
{
	if (!drawing(p))
		return;
	if (now - p->last_draw >= PROGRESS_TICK)
		draw(p, now, NULL, true);
	else
		p->dirty = true;
}

/* A line that stays: above the block on a terminal. */
static void
permanent(struct progress *p, double now, const char *line)
{
	if (drawing(p)) {
		bool block = now - p->last_draw >= PROGRESS_TICK;

		draw(p, now, line, block);
		p->dirty = !block;
		return;
	}
	fprintf(p->fp, "%s\n", line);
	fflush(p->fp);
}

void
progress_tick(struct progress *p, double now)
{
	if (drawing(p) && (p->dirty || now - p->last_draw >= 1.0))
		draw(p, now, NULL, true);
}

void
progress_resize(struct progress *p, double now)
{
	if (!drawing(p))
		return;
	read_size(p);
	draw(p, now, NULL, true);
}

void
progress_end(struct progress *p)
{
	struct buf b = BUF_INIT;

	clear_seq(p, &b);
	fwrite(b.ptr, 1, b.len, p->fp);
	fflush(p->fp);
	buf_release(&b);
}

/* ---- the running targets ----------------------------------------------- */

static struct progress_run *
run_of(struct progress *p, size_t job)
{
	size_t i;

	for (i = 0; i < p->nrun; i++)
		if (p->run[i].job == job)
			return &p->run[i];
	return NULL;
}

/* Job runs t since now: listed once, and never more jobs than targets. */
static void
run_add(struct progress *p, size_t job, const struct target *t, double now)
{
	if (run_of(p, job) == NULL && p->nrun < (p->total ? p->total : 1))
		p->run[p->nrun++] = (struct progress_run){
			.job = job, .name = t->name, .start = now
		};
}

static void
run_remove(struct progress *p, size_t job)
{
	struct progress_run *r = run_of(p, job);

	if (r == NULL)
		return;
	free(r->step);
	*r = p->run[--p->nrun];
}

/* ---- events (--log-format json) ----------------------------------------- */

static void
event_started(struct progress *p, const struct target *t, unsigned attempt)
{
	struct json *j = eventlog_begin(p->events, "target_start", t->name);

	json_string(j, "engine", t->engine);
	json_int(j, "attempt", attempt);
	eventlog_end(p->events);
}

static void
event_frame(struct progress *p, const struct target *t,
	    const struct proto_msg *m)
{
	if (m->type == PROTO_STEP_BEGIN || m->type == PROTO_STEP_END)
		eventlog_step(p->events, t->name, &m->u.step,
			      m->type == PROTO_STEP_END);
	else if (m->type == PROTO_WARNING)
		eventlog_message(p->events, "warning", t->name,
				 m->u.text.text);
}

/* What target_end and target_retry say of the attempt. */
static void
event_outcome(struct json *j, const struct outcome *o)
{
	json_string(j, "status", outcome_status_name(o->status));
	json_string(j, "reason", o->reason);
	if (o->exit_code >= 0)
		json_int(j, "exit_code", o->exit_code);
	else
		json_null(j, "exit_code");
	json_double(j, "seconds", o->seconds);
	if (o->started) {
		json_int(j, "applied", o->applied);
		json_int(j, "failed", o->failed);
		json_int(j, "rollbacks", o->rollbacks);
	} else {
		json_null(j, "applied");
		json_null(j, "failed");
		json_null(j, "rollbacks");
	}
	if (o->pending >= 0)
		json_int(j, "pending", o->pending);
	else
		json_null(j, "pending");
}

/* ---- what the coordinator tells ------------------------------------------ */

void
progress_started(struct progress *p, size_t job, const struct target *t,
		 unsigned attempt, double now)
{
	if (p->events)
		event_started(p, t, attempt);
	run_add(p, job, t, now);
	changed(p, now);
}

/* "my-04 failed: Run 0002_idx.sql: statement 2 of 3 ... failed: ..." */
static void
failure_line(struct progress *p, const struct target *t,
	     const struct proto_step *s, double now)
{
	struct buf b = BUF_INIT;
	const char *err = s->error ? s->error : "";

	buf_addf(&b, "%s %sfailed%s: %s %s: %.*s", t->name,
		 progress_color(OUT_FAILED, p->color),
		 progress_color_reset(p->color),
		 s->operation ? s->operation : "?", s->file ? s->file : "?",
		 (int)strcspn(err, "\n"), err);
	permanent(p, now, b.ptr);
	buf_release(&b);
}

void
progress_frame(struct progress *p, size_t job, const struct target *t,
	       const struct proto_msg *m, double now)
{
	struct progress_run *r = run_of(p, job);
	const struct proto_step *s = &m->u.step;

	if (p->events)
		event_frame(p, t, m);
	if (m->type == PROTO_STEP_BEGIN && r != NULL) {
		free(r->step);
		r->step = xasprintf("%s %s", s->operation ? s->operation : "?",
				    s->file ? s->file : "?");
		changed(p, now);
	}
	/* the first failure of a target, now: on a terminal only (a log
	 * gets the target's line when it ends) */
	if (m->type == PROTO_STEP_END && !s->ok && !s->recovery &&
	    drawing(p) && job < p->total && !p->failure_shown[job]) {
		p->failure_shown[job] = true;
		failure_line(p, t, s, now);
	}
}

void
progress_done(struct progress *p, size_t job, const struct target *t,
	      const struct outcome *o, double now)
{
	bool good = outcome_status_info(o->status)->good;
	struct buf line = BUF_INIT;

	run_remove(p, job);
	p->done++;
	if (!good)
		p->failed++;
	progress_unreached(p, t, o);
	if (!talks(p) || (p->live && (good || (job < p->total &&
					       p->failure_shown[job])))) {
		changed(p, now);
		return;
	}
	buf_addf(&line, "[%*zu/%zu] %s %s%s%s %.2fs",
		 p->total >= 1000 ? 5 : 3, p->done, p->total, t->name,
		 progress_color(o->status, p->color),
		 outcome_status_name(o->status), progress_color_reset(p->color),
		 o->seconds);
	if (!good) {
		buf_adds(&line, ": ");
		outcome_first_line(o, 160, &line);
	}
	permanent(p, now, line.ptr);
	buf_release(&line);
}

void
progress_unreached(struct progress *p, const struct target *t,
		   const struct outcome *o)
{
	struct json *j;

	if (p->events == NULL)
		return;
	j = eventlog_begin(p->events, "target_end", t->name);
	event_outcome(j, o);
	json_int(j, "attempts", o->attempts);
	eventlog_end(p->events);
}

void
progress_retry(struct progress *p, size_t job, const struct target *t,
	       const struct outcome *o, unsigned attempt, unsigned attempts,
	       double delay, double now)
{
	struct buf line = BUF_INIT;

	run_remove(p, job);
	if (p->events) {
		struct json *j = eventlog_begin(p->events, "target_retry",
						t->name);

		event_outcome(j, o);
		json_int(j, "attempt", attempt);
		json_int(j, "attempts", attempts);
		json_double(j, "delay", delay);
		eventlog_end(p->events);
	}
	if (!talks(p)) {
		changed(p, now);
		return;
	}
	buf_addf(&line, "[%*zu/%zu] %s %s%s%s (attempt %u of %u, again in "
			"%.2fs): ",
		 p->total >= 1000 ? 5 : 3, p->done, p->total, t->name,
		 progress_color(o->status, p->color),
		 outcome_status_name(o->status), progress_color_reset(p->color),
		 attempt, attempts, delay);
	outcome_first_line(o, 160, &line);
	permanent(p, now, line.ptr);
	buf_release(&line);
}

static void
vnote(struct progress *p, double now, const char *fmt, va_list ap)
{
	struct buf line = BUF_INIT;

	buf_adds(&line, "migratore: ");
	buf_vaddf(&line, fmt, ap);
	if (p->events)
		eventlog_message(p->events, "note", NULL, line.ptr + 11);
	else
		permanent(p, now, line.ptr);
	buf_release(&line);
}

void
progress_note(struct progress *p, double now, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(p, now, fmt, ap);
	va_end(ap);
}

void
progress_info(struct progress *p, double now, const char *fmt, ...)
{
	va_list ap;

	if (p->quiet && p->events == NULL)
		return;
	va_start(ap, fmt);
	vnote(p, now, fmt, ap);
	va_end(ap);
}
