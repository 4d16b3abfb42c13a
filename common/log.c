/* Levelled diagnostics to stderr or a per-target log file. */
#include "config.h"

#include "common/log.h"

#include <stdarg.h>
#include <string.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/banned.h"

static enum log_level log_level = LOG_WARN;
static FILE *log_stream;
static char log_ctx[256];
static bool log_json_on;
static char log_run_id[64]; /* "" = none */

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

void
log_set_json(bool on)
{
	log_json_on = on;
}

bool
log_is_json(void)
{
	return log_json_on;
}

void
log_set_run_id(const char *run_id)
{
	snprintf(log_run_id, sizeof(log_run_id), "%s", run_id ? run_id : "");
}

/* One object, one write: lines of several processes never mix. */
static void
log_json(FILE *fp, enum log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error", "warning", "info",
					     "debug" };
	struct buf line = BUF_INIT, text = BUF_INIT;

	buf_vaddf(&text, fmt, ap);
	buf_adds(&line, "{\"ts\":\"");
	json_utc_time(json_now(), &line);
	buf_adds(&line, "\",\"event\":\"log\",\"run_id\":");
	json_quote(&line, log_run_id[0] ? log_run_id : NULL);
	buf_adds(&line, ",\"target\":");
	json_quote(&line, log_ctx[0] ? log_ctx : NULL);
	buf_addf(&line, ",\"level\":\"%s\",\"message\":", names[level]);
	json_quote(&line, text.ptr);
	buf_adds(&line, "}\n");
	fwrite(line.ptr, 1, line.len, fp);
	fflush(fp);
	buf_release(&line);
	buf_release(&text);
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error: ", "warning: ", "", "" };
	FILE *fp = log_stream ? log_stream : stderr;

	if (level > log_level)
		return;
	if (log_json_on) {
		log_json(fp, level, fmt, ap);
		return;
	}
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
