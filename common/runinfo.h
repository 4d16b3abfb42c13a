/*
 * Facts about this run that every bookkeeping row carries: the operator's
 * login, a run id, and the host name. Shared by the single-target command
 * and the fleet coordinator so both spell them the same way.
 */
#ifndef MIG_RUNINFO_H
#define MIG_RUNINFO_H

#include <stddef.h>
#include <time.h>

#define RUNINFO_ID_MAX 64
#define RUNINFO_HOST_MAX 256

/* $USER, else the password database, else "unknown"; never NULL. */
const char *runinfo_login(void);
/* "20261127T101500Z-1a2b3c4d": UTC start time and 32 random bits. */
void runinfo_run_id(time_t now, char *out, size_t size);
/* gethostname, or "unknown"; always NUL-terminated. */
void runinfo_host(char *out, size_t size);

#endif
