/*
 * --shard K/N: one of N stable slices of a fleet, so that N machines (a
 * Kubernetes indexed Job, a Slurm array, N cron hosts) share one inventory
 * without talking to each other. K counts from 0 to N-1, like Kubernetes'
 * JOB_COMPLETION_INDEX and Slurm's SLURM_ARRAY_TASK_ID.
 *
 * Target t belongs to shard K of N when
 *
 *     fnv1a64(t.name) mod N == K
 *
 * where fnv1a64 is the 64-bit FNV-1a hash of the name's bytes (UTF-8, no
 * terminator): h = 0xcbf29ce484222325; for each byte b:
 * h = (h XOR b) * 0x100000001b3 mod 2^64. It depends on the name alone, not
 * on the inventory's order or size, so a target stays in its shard when
 * others are added or removed, and any tool can compute it (docs/fleet.md
 * has a one-line Python version). The slice is taken after --select and
 * --resume. Pure.
 */
#ifndef MIG_SHARD_H
#define MIG_SHARD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

#define SHARD_MAX 1000000 /* N at most */

struct shard {
	unsigned long k; /* 0 <= k < n */
	unsigned long n; /* 1 <= n <= SHARD_MAX */
};

/* Parse "K/N" (decimal, no sign, no spaces). ERR_USAGE naming --shard. */
int shard_parse(const char *s, struct shard *out, struct err *e);

/* The 64-bit FNV-1a hash of the bytes of s. */
uint64_t shard_hash(const char *s);

/* Is the target named name in shard sh? */
bool shard_has(const struct shard *sh, const char *name);

#endif
