/*
 * The worker → coordinator wire protocol of fleet mode: versioned frames on
 * a pipe, one direction only. Both ends are the same binary today, but the
 * protocol is still checked like foreign input: the coordinator validates
 * magic and version before anything else, never trusts a length, and
 * treats a bad frame as the worker's failure, not its own.
 *
 * A frame is a fixed 12-byte header followed by its payload:
 *
 *     u32 magic    PROTO_MAGIC ("MGRF")
 *     u16 version  PROTO_VERSION
 *     u16 type     enum proto_type
 *     u32 length   payload bytes, at most PROTO_MAX_PAYLOAD
 *
 * All integers are big-endian. The payload is the message's fields in a
 * fixed order per type (the tables in proto.c): an integer is 8 bytes
 * (two's complement), a string is a u32 length followed by that many bytes
 * (0xffffffff for a NULL string). A payload must be consumed exactly:
 * trailing or missing bytes are an error. Changing any of this changes
 * PROTO_VERSION.
 *
 * Every string field has a cap; the writer truncates longer text, ending it
 * with "\n[... truncated N bytes]", so that every frame fits in
 * PROTO_MAX_PAYLOAD whatever a migration printed. Writers that must not
 * lose text (output, result lines) split it into several frames first.
 *
 * Message types are grouped in ranges: 100s a worker's life, 200s steps
 * (one migration operation each), 300s text.
 */
#ifndef MIG_PROTO_H
#define MIG_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define PROTO_MAGIC 0x4d475246u /* "MGRF" */
#define PROTO_VERSION 2
#define PROTO_HEADER_SIZE 12
#define PROTO_MAX_PAYLOAD (1024 * 1024)
#define PROTO_NULL_STRING 0xffffffffu

/* Caps of the text fields (bytes, marker included). */
#define PROTO_CAP_NAME 4096        /* uuid, file, operation, banner */
#define PROTO_CAP_ERROR 16384      /* error lines, warnings */
#define PROTO_CAP_STATEMENT 65536
#define PROTO_CAP_TEXT 262144      /* output chunks, result text, traceback */

enum proto_type {
	/* 100s: a worker's life */
	PROTO_STARTED = 100,    /* the worker runs: pid, target description */
	PROTO_FINISHED = 101,   /* the command's summary; always the last */
	/* 200s: steps */
	PROTO_STEP_BEGIN = 200, /* an operation on a migration begins */
	PROTO_STEP_END = 201,   /* ... and ends, with its result */
	/* 300s: text */
	PROTO_OUTPUT = 300,     /* free-form output (an executable's) */
	PROTO_RESULT = 301,     /* the command's result text (list blocks) */
	PROTO_WARNING = 302,    /* a diagnostic that is not a failure */
	PROTO_SQL = 303,        /* dry runs with --sql: the statements a
				   migration would run (worker/sqlplan.h) */
};

struct proto_started {
	int64_t pid;
	char *banner;
};

/* STEP_BEGIN carries the first five fields, STEP_END all of them. */
struct proto_step {
	char *operation;   /* "Run", "Rollback", "Run Partial", "Run Skip" */
	char *uuid;
	char *file;
	char *description;
	bool recovery;     /* a Rollback run because a Run failed */
	bool ok;
	int64_t object_id; /* bookkeeping row; 0 = none */
	int64_t start;     /* epoch seconds */
	double seconds;    /* carried as microseconds */
	char *error;
	char *statement;
	int64_t statement_no;
	int64_t committed; /* -1 = unknown */
	int64_t total;     /* -1 = unknown */
	char *traceback;
};

struct proto_text {
	char *text;
};

struct proto_finished {
	int64_t applied;
	int64_t failed;
	int64_t rollbacks;
	int64_t pending;
	int64_t exit_code;
	int64_t err_code;  /* ERR_* of the error that stopped the command */
	char *error;
	bool stopped;      /* it obeyed a stop request before a migration */
};

/*
 * One decoded message. Strings are owned by the message after
 * proto_decode (release with proto_msg_release); for proto_encode they are
 * borrowed from the caller and may be NULL.
 */
struct proto_msg {
	enum proto_type type;
	union {
		struct proto_started started;
		struct proto_step step;
		struct proto_text text;
		struct proto_finished finished;
	} u;
};

/* Append one frame holding m to out; long strings are truncated. */
void proto_encode(struct buf *out, const struct proto_msg *m);

/*
 * Look at the first avail bytes of a stream. Returns 0 with *size = 0 when
 * they do not yet hold a whole frame, 0 with *size = the frame's length
 * (header included) when they do, or ERR_IO when the header is bad (magic,
 * version, unknown type, length over the maximum), with the reason in e.
 * The header is checked as soon as its bytes are there.
 */
int proto_frame_check(const void *data, size_t avail, size_t *size,
		      struct err *e);

/*
 * Decode the whole frame at data (size bytes, as proto_frame_check said).
 * Returns 0, or ERR_IO when the payload does not match its type (a string
 * running past the end, a boolean other than 0/1, bytes left over); *m is
 * then empty and needs no release.
 */
int proto_decode(const void *data, size_t size, struct proto_msg *m,
		 struct err *e);

void proto_msg_release(struct proto_msg *m);

/*
 * The reader of a stream, as the coordinator reads a worker's pipe: the
 * next whole frame of data[*off..len). Returns 1 with *m decoded (release
 * it) and *off moved past the frame; 0 when the bytes there do not yet
 * hold a whole frame (keep them, read more); ERR_IO for a bad frame
 * (nothing after it can be trusted), *off unchanged.
 */
int proto_next(const void *data, size_t len, size_t *off, struct proto_msg *m,
	       struct err *e);

/* "STEP_END"; "unknown" for a type that is not one. */
const char *proto_type_name(int type);

#endif
