/*
 * What happened to one target of a fleet run. The coordinator records
 * facts as they arrive (frames from the worker, how the process ended,
 * what the coordinator itself did: a timeout, an interruption) and
 * outcome_classify derives the status of SPEC 8.3 from them once the
 * worker is done. Pure: no I/O, so every rule is unit-tested with
 * synthetic frames.
 *
 * Statuses, in the order the report counts them:
 *   ok             the command succeeded and did something (or is a query)
 *   nothing-to-do  it succeeded with nothing pending and nothing applied
 *   failed         a migration failed (SAFE on: its transaction rolled
 *                  back), or the target's configuration was refused
 *   rolled-back    a migration failed and its recovery Rollback ran
 *                  (SAFE off)
 *   timeout        the target's timeout expired; the worker was terminated
 *   crashed        the worker died of a signal the coordinator did not
 *                  send, or ended without its summary
 *   unreachable    the database could not be reached or refused the login
 *   locked         another run held the migration lock past lock_timeout
 *   interrupted    the run was interrupted (SIGINT/SIGTERM) while this
 *                  target was running, and its worker stopped between two
 *                  migrations when asked to, or was terminated (by the
 *                  coordinator, or by the same signal sent to every
 *                  process, as a service manager does)
 *   not-reached    the run stopped starting targets before this one:
 *                  interrupted, the deadline passed, a failure budget
 *                  was exceeded or an earlier wave failed (the reason
 *                  says which)
 *
 * A target may take several attempts (--retries, for unreachable and
 * locked): outcome_retry keeps what the next attempt must not forget (the
 * attempts, the first start, one line per earlier attempt) and clears the
 * rest.
 */
#ifndef MIG_OUTCOME_H
#define MIG_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/proto.h"
#include "common/strv.h"
#include "worker/commands.h"

enum outcome_status {
	OUT_OK,
	OUT_NOTHING_TO_DO,
	OUT_FAILED,
	OUT_ROLLED_BACK,
	OUT_TIMEOUT,
	OUT_CRASHED,
	OUT_UNREACHABLE,
	OUT_LOCKED,
	OUT_INTERRUPTED,
	OUT_NOT_REACHED,
	OUT_NSTATUS
};

/* One operation on one migration, from STEP_BEGIN and STEP_END. */
struct outcome_step {
	char *operation;
	char *uuid;
	char *file;
	bool recovery;
	bool ended;        /* STEP_END arrived; else the worker died in it */
	bool ok;
	int64_t object_id;
	int64_t start;
	double seconds;
	char *error;
	char *statement;
	int64_t statement_no;
	int64_t committed;
	int64_t total;
	char *traceback;
};

/* The tail of a worker's output kept for a report on a dead worker. */
#define OUTCOME_TAIL_MAX 4096

struct outcome {
	/* facts */
	bool started;          /* a worker was forked */
	char *setup_error;     /* not started because of this (a log file) */
	char *banner;          /* STARTED: the target's description */
	bool finished;         /* FINISHED arrived */
	struct proto_finished fin; /* its contents (owns fin.error) */
	bool reaped;
	int wait_status;       /* as waitpid gives it */
	bool timed_out;        /* the coordinator's timer fired */
	double timeout;        /* seconds, for the message */
	bool interrupted;      /* the run was interrupted while it ran */
	int sent_signal;       /* last signal the coordinator sent; 0 none */
	char *protocol_error;  /* the worker sent a bad frame */
	struct outcome_step *steps;
	size_t nsteps;
	size_t capsteps;
	struct strv warnings;
	struct strv results;   /* RESULT texts, in order */
	struct buf tail;       /* last OUTCOME_TAIL_MAX bytes of OUTPUT */
	double seconds;        /* wall time of the worker */
	char *unreached;       /* not started: why (the run's halt) */

	/* across attempts */
	unsigned attempts;     /* workers started for it (0: not reached) */
	double first_start;    /* epoch seconds of the first; 0 = never */
	double last_end;       /* epoch seconds the last one ended */
	struct strv earlier;   /* "unreachable: <reason>" per earlier one */
	char *note;            /* appended to the reason ("not retried: ...") */

	/* derived by outcome_classify */
	enum outcome_status status;
	char *reason;          /* why, for every status but ok/nothing-to-do */
	int exit_code;         /* the worker's, 128+signal when killed; -1 */
	int signal;            /* the signal that ended it, 0 = none */
	int64_t applied, failed, rollbacks;
	int64_t pending;       /* -1 = unknown (the worker died) */
};

void outcome_init(struct outcome *o);
void outcome_release(struct outcome *o);

/* Record one frame from the worker. */
void outcome_apply(struct outcome *o, const struct proto_msg *m);

/* Derive status, reason, counts and exit code from the facts. */
void outcome_classify(struct outcome *o, enum command_id cmd);

/* Another attempt follows: remember this one in earlier, forget its facts. */
void outcome_retry(struct outcome *o);

/* Add a note to the reason, "reason (note)", now and after any later
 * outcome_classify. */
void outcome_note(struct outcome *o, const char *note);

/* "ok", "nothing-to-do", ... */
const char *outcome_status_name(enum outcome_status st);
/* Counts as a success for the exit code (ok, nothing-to-do). */
bool outcome_status_good(enum outcome_status st);

/* The first line of the reason, cut to max bytes ("..." included) unless
 * max is 0. */
void outcome_first_line(const struct outcome *o, size_t max,
			struct buf *out);

#endif
