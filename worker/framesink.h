/*
 * The fleet worker's sink: every event of the command code becomes a frame
 * of the protocol in common/proto.h, written to the coordinator's pipe.
 * Writes block (the worker has nothing better to do than wait for its
 * coordinator) and are retried on EINTR. Once a write fails (the
 * coordinator is gone: EPIPE) the sink stops writing and the command goes
 * on, so that the migration in progress still finishes and is recorded.
 *
 * Text that would not fit in one frame is split: output in chunks, result
 * text at line boundaries, so nothing is lost; only single fields larger
 * than their cap (a huge traceback) are truncated by the encoder.
 */
#ifndef MIG_FRAMESINK_H
#define MIG_FRAMESINK_H

#include <stdbool.h>

#include "common/buf.h"
#include "worker/sink.h"

struct framesink {
	int fd;
	int write_errno; /* first failed write; 0 = none */
	struct buf frame; /* reused for every frame */
};

/* Point sink at fs, writing to fd (which the caller owns and closes). */
void framesink_init(struct sink *sink, struct framesink *fs, int fd);
void framesink_release(struct framesink *fs);

/* The STARTED frame: the worker's pid and the target's description. */
void framesink_started(struct framesink *fs, const char *banner);

/* The FINISHED frame; stopped says the worker obeyed a stop request
 * (the sink's own finished callback sends stopped = false). */
void framesink_finished(struct framesink *fs, const struct run_summary *s,
			bool stopped);

#endif
