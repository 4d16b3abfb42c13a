/* The live progress line (terminal) or one line per target (elsewhere). */
#include "config.h"

#include "orchestrator/progress.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/banned.h"

void
progress_init(struct progress *p, FILE *fp, size_t total, bool live,
	      bool color, bool quiet, double now)
{
	p->fp = fp;
	p->live = live && !quiet;
	p->color = color;
	p->quiet = quiet;
	p->drawn = false;
	p->total = total;
	p->done = 0;
	p->running = 0;
	p->failed = 0;
	p->t0 = now;
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

static void
clock_text(struct buf *b, double secs)
{
	long s = secs < 0 ? 0 : (long)(secs + 0.5);

	if (s >= 3600)
		buf_addf(b, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		buf_addf(b, "%ld:%02ld", s / 60, s % 60);
}

static void
clear_line(struct progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", p->fp);
	p->drawn = false;
}

static void
draw(struct progress *p, double now)
{
	struct buf b = BUF_INIT;
	double elapsed = now - p->t0;

	buf_addf(&b, "\r\033[K[%*zu/%zu] running %zu, failed %zu, elapsed ",
		 p->total >= 1000 ? 5 : 3, p->done, p->total, p->running,
		 p->failed);
	clock_text(&b, elapsed);
	if (p->done > 0 && p->done < p->total) {
		buf_adds(&b, ", ETA ");
		clock_text(&b, elapsed / (double)p->done *
				       (double)(p->total - p->done));
	}
	fputs(b.ptr, p->fp);
	fflush(p->fp);
	p->drawn = true;
	buf_release(&b);
}

void
progress_started(struct progress *p, double now)
{
	p->running++;
	if (p->live)
		draw(p, now);
}

void
progress_done(struct progress *p, const char *name, const struct outcome *o,
	      double now)
{
	bool good = outcome_status_info(o->status)->good;
	struct buf why = BUF_INIT;

	if (o->started && p->running > 0)
		p->running--;
	p->done++;
	if (!good)
		p->failed++;
	if (p->quiet || (p->live && good)) {
		if (p->live)
			draw(p, now);
		return;
	}
	clear_line(p);
	if (!good)
		outcome_first_line(o, 160, &why);
	fprintf(p->fp, "[%*zu/%zu] %s %s%s%s %.2fs%s%s\n",
		p->total >= 1000 ? 5 : 3, p->done, p->total, name,
		progress_color(o->status, p->color),
		outcome_status_name(o->status), progress_color_reset(p->color),
		o->seconds, why.len ? ": " : "", why.ptr);
	buf_release(&why);
	if (p->live)
		draw(p, now);
	else
		fflush(p->fp);
}

void
progress_retry(struct progress *p, const char *name, const struct outcome *o,
	       unsigned attempt, unsigned attempts, double delay, double now)
{
	struct buf why = BUF_INIT;

	if (o->started && p->running > 0)
		p->running--;
	if (p->quiet) {
		if (p->live)
			draw(p, now);
		return;
	}
	clear_line(p);
	outcome_first_line(o, 160, &why);
	fprintf(p->fp, "[%*zu/%zu] %s %s%s%s (attempt %u of %u, again in "
		       "%.2fs): %s\n",
		p->total >= 1000 ? 5 : 3, p->done, p->total, name,
		progress_color(o->status, p->color),
		outcome_status_name(o->status), progress_color_reset(p->color),
		attempt, attempts, delay, why.ptr);
	buf_release(&why);
	if (p->live)
		draw(p, now);
	else
		fflush(p->fp);
}

void
progress_tick(struct progress *p, double now)
{
	if (p->live)
		draw(p, now);
}

static void
vnote(struct progress *p, double now, const char *fmt, va_list ap)
{
	clear_line(p);
	fputs("migratore: ", p->fp);
	vfprintf(p->fp, fmt, ap);
	fputc('\n', p->fp);
	if (p->live)
		draw(p, now);
	fflush(p->fp);
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

	if (p->quiet)
		return;
	va_start(ap, fmt);
	vnote(p, now, fmt, ap);
	va_end(ap);
}

void
progress_end(struct progress *p)
{
	clear_line(p);
	fflush(p->fp);
}
