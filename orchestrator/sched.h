/*
 * The order of a fleet run: which target starts next, and when the run
 * stops starting them. The coordinator asks sched_next whenever a place
 * may be free and tells sched_start / sched_end what happened; sched
 * decides, with no I/O and no clock of its own (times are arguments), so
 * every rule is unit-tested without a fork.
 *
 * Rules, in the order they apply:
 *
 *  - Waves (config/rollout.h): targets run wave by wave, in inventory
 *    order within a wave; a wave starts when the previous one is over and
 *    rollout_may_advance says so. Empty waves are skipped.
 *  - Parallelism: at most the wave's jobs (rollout_wave_jobs: its own, or
 *    the run's --jobs), never more than max_jobs (the open-files limit).
 *  - Per-host cap: at most per_host targets of one server at once
 *    (sched_host_key); a target whose server is full is passed over for
 *    the next one of the wave, so one busy server does not hold up others.
 *  - Failure budgets (rollout_may_start): once exceeded, nothing starts.
 *  - Retries: a target that ended with a retriable status (outcome.h:
 *    unreachable, locked), with retries left, waits sched_backoff()
 *    seconds (the coordinator's timer), then becomes ready (sched_ready)
 *    and starts before any new target. It holds no place while it waits.
 *    Its failure counts only once final.
 *  - Halts: an interruption, the deadline, an exceeded budget or a failed
 *    wave stop every start; waiting targets are then given up
 *    (sched_cancel) with their last outcome.
 *
 * A job is an index into the targets given to sched_new (the coordinator's
 * job order, which is inventory order).
 */
#ifndef MIG_SCHED_H
#define MIG_SCHED_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "config/rollout.h"
#include "config/target.h"
#include "orchestrator/outcome.h"

/* Backoff between attempts: base, factor 2, cap (seconds). */
#define SCHED_BACKOFF_BASE 0.5
#define SCHED_BACKOFF_CAP 30.0

enum sched_halt {
	SCHED_GOING = 0,   /* not halted */
	SCHED_INTERRUPTED, /* SIGINT or SIGTERM */
	SCHED_DEADLINE,    /* --deadline passed */
	SCHED_BUDGET,      /* failures exceeded a budget */
	SCHED_WAVE_FAILED, /* a wave without a budget had a failure */
};

struct sched_config {
	const struct rollout *rollout; /* NULL: one wave, no budget */
	size_t jobs;       /* the run's --jobs, at least 1 */
	size_t max_jobs;   /* never more at once (open files); 0 = no cap */
	size_t per_host;   /* 0 = no cap */
	unsigned retries;  /* extra attempts for unreachable and locked */
	double deadline;   /* epoch seconds; 0 = none */
};

/* What the report says of a wave. */
struct sched_wave {
	const char *name;   /* borrowed from the rollout, or ROLLOUT_REST */
	size_t size;        /* its targets */
	size_t jobs;        /* at most this many at once */
	size_t started;     /* targets started at least once */
	size_t done;        /* targets with a final outcome */
	size_t failed;      /* of them, failures (rollout.h's sense) */
	size_t running;     /* workers running now */
	size_t waiting;     /* targets waiting to retry (or ready to) */
	double start, end;  /* first start, last end (epoch); 0 = none */
	bool over;          /* it ended (completely, or cut short) */
};

struct sched;

/*
 * A schedule for the n targets (inventory order). Puts them in waves
 * (rollout_assign) and groups them by server. Never fails.
 */
struct sched *sched_new(const struct sched_config *cfg,
			struct target *const *targets, size_t n);
void sched_free(struct sched *s);

/*
 * The job to start now, if any: a ready retry first, then the first
 * target of the current wave not yet started whose server has room.
 * Changes nothing; sched_start commits.
 */
bool sched_next(struct sched *s, size_t *job);

/* Job i was started (a worker forked, or it failed to start) at now. */
void sched_start(struct sched *s, size_t i, double now);

/*
 * Job i's attempt ended with status st at now. Returns true when it is
 * to be retried: *delay is the wait, drawn with u (uniform in [0, 1)).
 * Otherwise its outcome is final, counted against the budgets, and the
 * run may halt or move to the next wave.
 */
bool sched_end(struct sched *s, size_t i, enum outcome_status st, double now,
	       double u, double *delay);

/* Job i's wait is over: it starts at the next sched_next. */
void sched_ready(struct sched *s, size_t i);

/* Job i will not be retried after all (the run halted): its last status
 * st is final. */
void sched_cancel(struct sched *s, size_t i, enum outcome_status st,
		  double now);

/* Stop starting targets (an interruption, the deadline). The first halt
 * wins; later ones are ignored. */
void sched_halt(struct sched *s, enum sched_halt why);

enum sched_halt sched_halted(const struct sched *s);
/* Why the run halted, for reasons: "deadline passed (...)", "wave
 * 'canary' ended with 1 failed target", ...; "" while going. */
const char *sched_halt_text(const struct sched *s);

size_t sched_nwaves(const struct sched *s);
const struct sched_wave *sched_wave(const struct sched *s, size_t w);
size_t sched_wave_of(const struct sched *s, size_t i);
unsigned sched_attempts(const struct sched *s, size_t i);

/*
 * The wait before retry number retry (1 for the first): with
 * d = min(SCHED_BACKOFF_CAP, SCHED_BACKOFF_BASE * 2^(retry-1)), a
 * uniform draw in [d/2, d) ("equal jitter") given u in [0, 1): waits
 * grow, and coordinators retrying the same server spread out.
 */
double sched_backoff(unsigned retry, double u);

/*
 * The server of t, for --per-host: "host:port" (the host in lower case,
 * port 0 when not given) or the socket path and port; without host,
 * socket or port (a SQLite file, a server on its default local socket)
 * the engine and the database, so that such targets are never grouped.
 */
void sched_host_key(const struct target *t, struct buf *out);

#endif
