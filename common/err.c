/* Error records and the one table from error codes to exit codes. */
#include "config.h"

#include "common/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/banned.h"

static const struct {
	int code;
	const char *name;
	int exit_code;
} err_table[] = {
	{ ERR_OK, "ok", EXIT_OK },
	{ ERR_INTERNAL, "internal error", EXIT_FAILED },
	{ ERR_USAGE, "usage error", EXIT_USAGE },
	{ ERR_CONFIG, "configuration error", EXIT_CONFIG },
	{ ERR_MIGFILE, "migration file error", EXIT_CONFIG },
	{ ERR_CONNECT, "connection failed", EXIT_UNREACHABLE },
	{ ERR_LOCK, "lock not obtained", EXIT_UNREACHABLE },
	{ ERR_SQL, "statement failed", EXIT_FAILED },
	{ ERR_IO, "i/o error", EXIT_FAILED },
	{ ERR_NOTFOUND, "not found", EXIT_FAILED },
	{ ERR_FAILED, "migration failed", EXIT_FAILED },
	{ ERR_STATE, "refused", EXIT_FAILED },
	{ ERR_INTERRUPTED, "interrupted", 128 + 2 }, /* + SIGINT, see below */
	/* Like an unreachable database: the database refused before anything
	 * ran, and the cure is on its side (room, a privilege), not in the
	 * configuration or the files (3). */
	{ ERR_BOOKKEEPING, "bookkeeping unavailable", EXIT_UNREACHABLE },
	/* Nothing was touched either: 4 like an unreachable database; the
	 * message says which it was (drivers/driver.c). */
	{ ERR_REFUSED, "login refused", EXIT_UNREACHABLE },
	/* Statements were sent: not 4, whose promise is "nothing was
	 * touched"; a failure like a failed migration. */
	{ ERR_LOST, "connection lost", EXIT_FAILED },
};

void
err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

static void
err_vset(struct err *e, int code, const char *fmt, va_list ap)
{
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int
err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int
err_set_at(struct err *e, int code, const char *file, int line, int col,
	   const char *fmt, ...)
{
	va_list ap;

	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->line = line;
	e->col = col;
	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int
err_usage(struct err *e, const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, ERR_USAGE, fmt, ap);
	va_end(ap);
	e->usage = usage;
	return ERR_USAGE;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
	char head[1024];
	size_t hlen, mlen;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	hlen = strlen(head);
	if (hlen + 2 >= sizeof(e->msg))
		return e->code;
	mlen = strlen(e->msg);
	if (hlen + 2 + mlen >= sizeof(e->msg))
		mlen = sizeof(e->msg) - hlen - 3;
	memmove(e->msg + hlen + 2, e->msg, mlen);
	memcpy(e->msg, head, hlen);
	e->msg[hlen] = ':';
	e->msg[hlen + 1] = ' ';
	e->msg[hlen + 2 + mlen] = '\0';
	return e->code;
}

bool
err_is_set(const struct err *e)
{
	return e->code != 0;
}

void
err_text(const struct err *e, char *out, unsigned long size)
{
	size_t n = 0;

	out[0] = '\0';
#define ADD(...)                                                               \
	do {                                                                   \
		if (n < size)                                                  \
			n += (size_t)snprintf(out + n, size - n, __VA_ARGS__); \
	} while (0)
	if (e->file[0] != '\0' && e->line > 0 && e->col > 0)
		ADD("%s:%d:%d: ", e->file, e->line, e->col);
	else if (e->file[0] != '\0' && e->line > 0)
		ADD("%s:%d: ", e->file, e->line);
	else if (e->file[0] != '\0')
		ADD("%s: ", e->file);
	ADD("%s", e->msg);
	if (e->sqlstate[0] != '\0')
		ADD("\nSQLSTATE: %s", e->sqlstate);
	if (e->detail[0] != '\0')
		ADD("\nDETAIL: %s", e->detail);
	if (e->hint[0] != '\0')
		ADD("\nHINT: %s", e->hint);
#undef ADD
}

const char *
err_code_name(int code)
{
	size_t i;

	for (i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == code)
			return err_table[i].name;
	return "unknown error";
}

int
err_exit_code(int code)
{
	size_t i;

	for (i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == code)
			return err_table[i].exit_code;
	return EXIT_FAILED;
}

int
err_exit_status(const struct err *e)
{
	if (e->code == ERR_INTERRUPTED && e->signal > 0)
		return 128 + e->signal;
	return err_exit_code(e->code);
}
