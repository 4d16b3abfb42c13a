/*
 * --log-format json: what happens, as JSON Lines for log shippers (one
 * compact object per line, written and flushed whole, on stderr). Every
 * object has "ts" (UTC, milliseconds), "event", "run_id" and "target"
 * (the fleet target's name; null for a single target); the rest depends
 * on the event and is documented in docs/reports.md ("Events"):
 *
 *   run_start    command, mode ("single" or "fleet"), host, targets,
 *                tool_version
 *   target_start the coordinator started a worker: engine, attempt
 *   step_begin   operation, uuid, file, description, recovery
 *   step_end     the fields of a step of the reports (jsonsink_step)
 *   warning      message
 *   target_end   its status in the fleet report and why
 *   note         the coordinator's news (an interruption, a halt, a wave)
 *   log          a diagnostic of common/log.c: level, message
 *   run_end      exit_code, seconds and the counts
 *
 * A single target gets its events from the event sink below, teed with
 * the text or JSON sink; in fleet mode the coordinator writes them for
 * every target from the frames its workers send (orchestrator/
 * coordinator.c), so there is one stream whatever the number of workers.
 */
#ifndef MIG_EVENTLOG_H
#define MIG_EVENTLOG_H

#include <stdbool.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/proto.h"
#include "worker/sink.h"

struct eventlog {
	FILE *fp;
	const char *run_id;
	struct buf line;
	struct buf ts;
	struct json j;
};

void eventlog_init(struct eventlog *ev, FILE *fp, const char *run_id);
void eventlog_release(struct eventlog *ev);

/*
 * An event of the caller's own: eventlog_begin opens the object with the
 * common fields and returns the writer for the caller's; eventlog_end
 * closes it and writes the line.
 */
struct json *eventlog_begin(struct eventlog *ev, const char *event,
			    const char *target);
void eventlog_end(struct eventlog *ev);

void eventlog_run_start(struct eventlog *ev, const char *command,
			const char *mode, const char *host, size_t targets);
/* STEP_BEGIN's fields, or STEP_END's. */
void eventlog_step(struct eventlog *ev, const char *target,
		   const struct proto_step *s, bool end);
void eventlog_message(struct eventlog *ev, const char *event,
		      const char *target, const char *message);

/*
 * A sink writing the events of a single target: step_begin, step_end,
 * warning and, when the command finishes, run_end (the caller writes
 * run_start). Tee it with the sink that prints the result.
 */
struct eventsink {
	struct eventlog *ev;
	double start;
};

void eventsink_init(struct sink *sink, struct eventsink *es,
		    struct eventlog *ev);

#endif
