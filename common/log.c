/* Levelled diagnostics to stderr or a per-target log file. */
#include "config.h"

#include "common/log.h"

#include <stdarg.h>
#include <string.h>

#include "common/banned.h"

static enum log_level log_level = LOG_WARN;
static FILE *log_stream;
static char log_ctx[256];

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

void
log_set_stream(FILE *fp)
{
	log_stream = fp;
}

void
log_set_context(const char *ctx)
{
	snprintf(log_ctx, sizeof(log_ctx), "%s", ctx ? ctx : "");
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error: ", "warning: ", "", "" };
	FILE *fp = log_stream ? log_stream : stderr;

	if (level > log_level)
		return;
	if (log_ctx[0] != '\0')
		fprintf(fp, "migratore: [%s] %s", log_ctx, names[level]);
	else
		fprintf(fp, "migratore: %s", names[level]);
	vfprintf(fp, fmt, ap);
	fputc('\n', fp);
	fflush(fp);
}

#define LOG_FN(name, level)                                                    \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		log_vwrite(level, fmt, ap);                                    \
		va_end(ap);                                                    \
	}

LOG_FN(log_error, LOG_ERROR)
LOG_FN(log_warn, LOG_WARN)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_debug, LOG_DEBUG)
