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
 *                  back), the connection was lost after statements of a
 *                  migration were sent (ERR_LOST), or the target's
 *                  configuration was refused
 *   rolled-back    a migration failed and its recovery Rollback ran
 *                  (SAFE off)
 *   timeout        the target's timeout expired; the worker was terminated
 *   crashed        the worker died of a signal the coordinator did not
 *                  send, or ended without its summary
 *   unreachable    the database could not be reached (no route, no
 *                  server, too many connections, starting up), before
 *                  anything was sent: retriable
 *   refused        the server refused the login: a wrong password, an
 *                  unknown database, a missing privilege (ERR_REFUSED);
 *                  never retried, which could lock the account
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
 * What follows from a status alone (a success or not, retried or not, its
 * colours, JUnit verdict, exit code, ...) is one row of the status table
 * in outcome.c, read through outcome_status_info.
 *
 * A target may take several attempts (--retries, for unreachable and
 * locked, the retriable statuses): outcome_retry keeps what the next attempt must not forget (the
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
#include "common/intern.h"
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
	OUT_REFUSED,
	OUT_LOCKED,
	OUT_INTERRUPTED,
	OUT_NOT_REACHED,
	OUT_NSTATUS
};

/* What a status becomes in a JUnit test case (junit.h). */
enum outcome_junit {
	OUTCOME_JUNIT_PASSED,  /* no child element */
	OUTCOME_JUNIT_FAILURE, /* <failure> */
	OUTCOME_JUNIT_ERROR,   /* <error> */
	OUTCOME_JUNIT_SKIPPED, /* <skipped/> */
	OUTCOME_NJUNIT
};

/* Where the fleet plan of a dry run counts a status (dryplan.h). */
enum outcome_plan {
	OUTCOME_PLAN_CHANGES,     /* "will apply" when it listed migrations,
				   * else "up to date" */
	OUTCOME_PLAN_UP_TO_DATE,
	OUTCOME_PLAN_UNREACHABLE,
	OUTCOME_PLAN_LOCKED,
	OUTCOME_PLAN_OTHER,       /* "out of order" or "other failures" */
};

/*
 * Everything the program decides from a status alone: one row per status
 * in outcome.c, which every report, progress line and rule reads instead
 * of switching on the status (how to add a status is written there).
 */
struct outcome_status_info {
	const char *name;      /* in every report; the HTML class st-<name> */
	bool good;             /* a success: not a problem in progress lines
				* and the HTML filter, not redone by --resume */
	bool failure;          /* counted against failure budgets and a
				* wave's success (config/rollout.h) */
	bool retriable;        /* another attempt may help (--retries) */
	bool reached;          /* false: the run never got to the target (no
				* timeline bar; "N targets not reached") */
	int exit_code;         /* the fleet exit code it asks for; the run's
				* is the highest (0 or 1) */
	const char *ansi;      /* its colour in progress lines and the text
				* report (an SGR sequence) */
	const char *css;       /* the declarations of HTML class st-<name> */
	enum outcome_junit junit;
	enum outcome_plan plan;
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
	int64_t lock_retries;
	char *traceback;
	int64_t error_line;   /* the engine's error position; 0 = none */
	int64_t error_column;
};

/* The tail of a worker's output kept for a report on a dead worker. */
#define OUTCOME_TAIL_MAX 4096

struct outcome {
	/*
	 * One per target, kept for the whole run: 100,000 targets, 100,000
	 * of these. Hence the flags together, no copy of the STARTED banner
	 * (nothing reads it back; that it arrived is what counts), and the
	 * arrays' capacity implied by their count (outcome.c, room_for).
	 */
	/* facts */
	bool started;          /* a worker was forked */
	bool greeted;          /* STARTED arrived: the worker listens for a
				* stop request */
	bool finished;         /* FINISHED arrived */
	bool reaped;
	bool timed_out;        /* the coordinator's timer fired */
	bool interrupted;      /* the run was interrupted while it ran */
	bool own_texts;
	int wait_status;       /* as waitpid gives it */
	int sent_signal;       /* last signal the coordinator sent; 0 none */
	char *setup_error;     /* not started because of this (a log file) */
	struct proto_finished fin; /* its contents (owns fin.error) */
	double timeout;        /* seconds, for the message */
	char *protocol_error;  /* the worker sent a bad frame */
	struct outcome_step *steps;
	size_t nsteps;
	struct strv warnings;
	const char **results;  /* RESULT texts, in order, kept in *texts */
	size_t nresults;
	struct intern *texts;  /* shared by a fleet's outcomes (a dry run's
				* plan lines repeat on every target); NULL
				* until the first text: then one of its own */
	struct buf tail;       /* last OUTCOME_TAIL_MAX bytes of OUTPUT */
	struct buf sql;        /* SQL frames, joined (dry runs with --sql) */
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

/* Add a RESULT text (what a PROTO_RESULT frame does). */
void outcome_add_result(struct outcome *o, const char *text);

/* Record one frame from the worker. */
void outcome_apply(struct outcome *o, const struct proto_msg *m);

/* Derive status, reason, counts and exit code from the facts. */
void outcome_classify(struct outcome *o, enum command_id cmd);

/* Another attempt follows: remember this one in earlier, forget its facts. */
void outcome_retry(struct outcome *o);

/* Add a note to the reason, "reason (note)", now and after any later
 * outcome_classify. */
void outcome_note(struct outcome *o, const char *note);

/* The row of st; a value out of range gets the row of an unknown status
 * (named "unknown": reached, a failure, a JUnit error, exit code 1). */
const struct outcome_status_info *outcome_status_info(enum outcome_status st);
/* "ok", "nothing-to-do", ...: outcome_status_info(st)->name. */
const char *outcome_status_name(enum outcome_status st);
/* The status called name (in a report file), or -1 (NULL, unknown). */
int outcome_status_by_name(const char *name);
/* The row of the status called name, or the unknown status's. */
const struct outcome_status_info *outcome_status_named(const char *name);

/* The first line of the reason, cut to max bytes ("..." included) unless
 * max is 0. */
void outcome_first_line(const struct outcome *o, size_t max,
			struct buf *out);

#endif
