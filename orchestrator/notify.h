/*
 * Telling the service manager how a fleet run goes, through sd_notify
 * (systemd's Type=notify; contrib/systemd/migratore-fleet.service):
 *
 *   READY=1      once the inventory and the migrations are loaded and
 *                checked and workers may start (a run that stops before,
 *                exit 2 or 3, never becomes ready: the unit fails to
 *                start), with a first STATUS=;
 *   STATUS=...   "12/60 done, 3 running, 1 failed" every NOTIFY_INTERVAL
 *                seconds while workers run (systemctl status shows it),
 *                and once more when they are all done, "finished: 60/60
 *                done, 0 running, 3 failed" ("interrupted by SIGTERM:
 *                ..."); failed counts every target that did not end ok or
 *                nothing-to-do;
 *   STOPPING=1   when SIGTERM (or SIGINT) stops the run: no target starts
 *                any more, the running ones finish their migration.
 *
 * Only with libsystemd (configure --with-systemd, the default when it is
 * found) and only when $NOTIFY_SOCKET is set, i.e. under a service manager;
 * otherwise every call does nothing. A message that cannot be sent is
 * ignored: the run matters more than its status line.
 */
#ifndef MIG_NOTIFY_H
#define MIG_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

#define NOTIFY_INTERVAL 2.0

/* Built with libsystemd and $NOTIFY_SOCKET set. */
bool notify_enabled(void);

void notify_ready(const char *status);
void notify_status(const char *status);
void notify_stopping(const char *status);

/* "12/60 done, 3 running, 1 failed" */
void notify_progress_text(size_t done, size_t total, size_t running,
			  size_t failed, struct buf *out);

#endif
