/*
 * Rollouts (migratore-inventory(5), ROLLOUT): the order in which a fleet
 * run reaches its targets, and when it stops.
 *
 *     rollout:
 *       max_failures: 3             # the run's budget: a number or "10%"
 *       waves:
 *         - name: canary
 *           select: ["tag:canary"]  # OR of selection expressions
 *           count: 2                # or percent: 10%
 *           jobs: 1
 *           max_failures: 0         # the wave's own budget
 *         - name: eu
 *           select: ["eu-*"]
 *
 * Waves run one after the other. Each takes, from the targets that no
 * earlier wave took, those its select matches (all of them without one),
 * at most `count` of them or `percent` of them rounded up, in inventory
 * order. Targets no wave takes form a last, implicit wave named "rest".
 *
 * Failure budgets (rollout_may_start, rollout_may_advance): once a wave's
 * failures exceed its own max_failures, or the run's failures exceed the
 * run's, no new target starts; running ones finish; the rest are not
 * reached. A wave starts only when the previous one ended within budget;
 * when neither that wave nor the run has a budget, "within budget" means
 * without any failure: by default a rollout stops after its first failing
 * wave, and a run without a rollout section (one wave) runs everything.
 * A canary wave (--canary's, or a wave of the inventory named "canary")
 * is judged by its own budget only: without one, any failure in it stops
 * the rollout after it, whatever the run's budget (docs/fleet.md,
 * Rollouts).
 *
 * This module is pure: parsing checks a YAML tree (config/yamltree.h), the
 * rest computes on targets already loaded. The coordinator applies it.
 */
#ifndef MIG_ROLLOUT_H
#define MIG_ROLLOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "common/strv.h"
#include "config/problems.h"
#include "config/target.h"
#include "config/yamltree.h"

/* The name of the implicit last wave, and of --canary's first one. */
#define ROLLOUT_REST "rest"
#define ROLLOUT_CANARY "canary"

/*
 * How many failures are tolerated: a number of targets, or a percentage
 * (at most two decimals) of the targets it applies to (the run's selected
 * targets, or the wave's).
 */
struct rollout_budget {
	bool set;     /* false: not given */
	bool percent; /* value is a percentage 0-100, else a whole number */
	double value;
};

struct rollout_wave {
	char *name;
	struct strv select; /* config/selection.h, OR'ed; empty = all */
	long count;         /* at most this many; 0 = no limit */
	double percent;     /* this share, rounded up; 0 = no limit */
	int jobs;           /* at most this many at once; 0 = the run's */
	struct rollout_budget max_failures;
	int line, col;      /* where it was written; 0 for --canary */
};

struct rollout {
	struct rollout_wave *v; /* n waves, in order; the rest is implicit */
	size_t n;
	struct rollout_budget max_failures; /* the run's */
};

/* An empty rollout: no waves (everything is "rest"), no budget. */
struct rollout *rollout_new(void);
void rollout_free(struct rollout *r);

/*
 * Parse "3" or "10%" (also "12.5%"; percentages at most 100) into *b,
 * set. Returns 0, or ERR_USAGE with a message that quotes s but names no
 * key or option ("'x' is not a number of targets (such as 3) or a
 * percentage (such as 10%)"), *b untouched. For --max-failures too.
 */
int rollout_budget_parse(const char *s, struct rollout_budget *b,
			 struct err *e);

/*
 * The number of failures b tolerates among n targets: the number itself,
 * or the percentage of n rounded down (10% of 60 is 6, of 5 is 0). -1 when
 * b is not set.
 */
long rollout_budget_limit(const struct rollout_budget *b, size_t n);

/*
 * Check the `rollout` mapping of an inventory (node NULL or YAML null:
 * none, returns NULL). Every problem goes to pr with its position; the
 * result, possibly incomplete then, is still returned for the caller to
 * free. With targets given (all the inventory's), a select expression
 * that matches none of them is a problem too: it is most likely a typo,
 * and a canary wave that quietly takes nothing is no canary.
 */
struct rollout *rollout_parse(const struct ynode *node,
			      struct target *const *targets, size_t n,
			      struct problems *pr);

/*
 * --canary EXPR: a wave "canary" of the targets expr selects, then the
 * implicit rest; no budgets, so a failing canary stops the run after it
 * (lineup.c gives it the budget of the inventory's canary wave, if any).
 * ERR_USAGE for a malformed expression ("--canary: " and
 * selection_check's message).
 */
int rollout_canary(const char *expr, struct rollout **out, struct err *e);

/* The first select expression of r that matches none of targets, or
 * NULL: for --canary, which the loader did not check. */
const char *rollout_unmatched(const struct rollout *r,
			      struct target *const *targets, size_t n);

/*
 * Put each of targets (the run's selected targets, in inventory order)
 * in its wave: wave_of[i] is a wave index, r->n for the implicit rest.
 * *nwaves is r->n, plus one when the rest is not empty; an explicit wave
 * may be empty. r NULL: everything is in wave 0, the rest.
 */
void rollout_assign(const struct rollout *r, struct target *const *targets,
		    size_t n, size_t *wave_of, size_t *nwaves);

/* The wave called name, or NULL. */
const struct rollout_wave *rollout_find_wave(const struct rollout *r,
					     const char *name);

/* The name of wave w ("rest" for r->n, or for any w when r is NULL). */
const char *rollout_wave_name(const struct rollout *r, size_t w);

/* The parallelism of wave w: its jobs, or dflt (the run's --jobs). */
size_t rollout_wave_jobs(const struct rollout *r, size_t w, size_t dflt);

/* What the coordinator counts while it runs wave w. A failure is any
 * outcome but ok, nothing-to-do and not-reached. */
struct rollout_tally {
	size_t selected;    /* targets of the run */
	size_t failed;      /* of them, failed so far */
	size_t wave_size;   /* targets of wave w */
	size_t wave_failed; /* of them, failed so far */
};

/* Whether another target may start now: neither the run's failures nor
 * wave w's exceed their budget. */
bool rollout_may_start(const struct rollout *r, size_t w,
		       const struct rollout_tally *t);

/*
 * Once every started target of wave w has finished: whether the next
 * wave may start. It may when w ended within its budget, or, when neither
 * w nor the run has one, when w had no failure at all. A canary wave
 * without a budget of its own needs no failure at all.
 */
bool rollout_may_advance(const struct rollout *r, size_t w,
			 const struct rollout_tally *t);

#endif
