/* Dispatch of command events to a sink; absent callbacks are skipped. */
#include "config.h"

#include "worker/sink.h"

#include <stdarg.h>
#include <stdlib.h>

#include "common/xmalloc.h"
#include "common/banned.h"

void
sink_banner(struct sink *s, const char *desc)
{
	if (s->ops->banner)
		s->ops->banner(s->ctx, desc);
}

void
sink_step_begin(struct sink *s, const struct migration *m,
		const char *operation, bool recovery)
{
	if (s->ops->step_begin)
		s->ops->step_begin(s->ctx, m, operation, recovery);
}

void
sink_output(struct sink *s, const char *text, size_t len)
{
	if (s->ops->output)
		s->ops->output(s->ctx, text, len);
}

void
sink_step_end(struct sink *s, const struct step_result *r)
{
	if (s->ops->step_end)
		s->ops->step_end(s->ctx, r);
}

void
sink_result(struct sink *s, const char *line)
{
	if (s->ops->result)
		s->ops->result(s->ctx, line);
}

void
sink_resultf(struct sink *s, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	sink_result(s, line);
	free(line);
}

void
sink_warning(struct sink *s, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (s->ops->warning)
		s->ops->warning(s->ctx, msg);
	free(msg);
}

void
sink_finished(struct sink *s, const struct run_summary *sum)
{
	if (s->ops->finished)
		s->ops->finished(s->ctx, sum);
}
