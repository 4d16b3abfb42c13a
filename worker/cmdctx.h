/*
 * One command's state against one target, shared by the command table
 * (commands.c) and the checks that run before a command writes
 * (cmdcheck.c); nothing outside worker/commands*.c and cmdcheck.c
 * includes it.
 */
#ifndef MIG_WORKER_CMDCTX_H
#define MIG_WORKER_CMDCTX_H

#include <stdbool.h>

#include "common/err.h"
#include "config/target.h"
#include "drivers/driver.h"
#include "worker/commands.h"
#include "worker/ledger.h"
#include "worker/migset.h"
#include "worker/plan.h"
#include "worker/runner.h"
#include "worker/sink.h"
#include "worker/status.h"

struct cmdctx {
	const struct target *t;
	const struct migset *ms;
	const struct cmd_opts *o;
	struct sink *sink;
	struct db *db;
	struct ledger ledger;
	struct plan plan;
	struct run_summary sum;
	struct runner runner;
	struct status status; /* status: shown until the sink finished */
	struct err e;
	bool locked;
};

/* The i-th migration of the command's set. */
static inline const struct migration *
cmdctx_mig(const struct cmdctx *c, size_t i)
{
	return c->ms->v[i];
}

#endif
