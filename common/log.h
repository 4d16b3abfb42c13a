/*
 * Diagnostics on stderr (or a log file in fleet workers): one line per call,
 * "migratore: [target] message". stdout is never written here: it belongs to
 * the command's result and the report. The level and sink are the only
 * mutable globals of this module.
 */
#ifndef MIG_LOG_H
#define MIG_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Where lines go (default stderr); the stream is not closed by log. */
void log_set_stream(FILE *fp);
/* A prefix such as the target name, shown in brackets; NULL for none. */
void log_set_context(const char *ctx);
/*
 * --log-format json: each line becomes a JSON object, the "log" event of
 * docs/reports.md ({"ts", "event": "log", "run_id", "target": the
 * context or null, "level", "message"}). false: back to text.
 */
void log_set_json(bool on);
bool log_is_json(void);
/* The run id of the JSON lines, once known (copied; NULL: null). */
void log_set_run_id(const char *run_id);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
