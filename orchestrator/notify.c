/* sd_notify for a fleet run under systemd; see notify.h. */
#include "config.h"

#include "orchestrator/notify.h"

#include <stdlib.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "common/banned.h"

bool
notify_enabled(void)
{
#ifdef HAVE_SYSTEMD
	const char *s = getenv("NOTIFY_SOCKET");

	return s != NULL && *s != '\0';
#else
	return false;
#endif
}

/* state ("READY=1") and a status line, in one datagram. */
static void
send_state(const char *state, const char *status)
{
#ifdef HAVE_SYSTEMD
	if (!notify_enabled())
		return;
	if (state && status)
		sd_notifyf(0, "%s\nSTATUS=%s", state, status);
	else if (status)
		sd_notifyf(0, "STATUS=%s", status);
	else if (state)
		sd_notify(0, state);
#else
	(void)state;
	(void)status;
#endif
}

void
notify_ready(const char *status)
{
	send_state("READY=1", status);
}

void
notify_status(const char *status)
{
	send_state(NULL, status);
}

void
notify_stopping(const char *status)
{
	send_state("STOPPING=1", status);
}

void
notify_progress_text(size_t done, size_t total, size_t running,
		     size_t failed, struct buf *out)
{
	buf_addf(out, "%zu/%zu done, %zu running, %zu failed", done, total,
		 running, failed);
}
