/* Drift: stored checksums against the files as they are; see drift.h. */
#include "config.h"

#include "worker/drift.h"

#include <string.h>

#include "common/banned.h"

const char *
drift_checksum(const struct migration *m, const char *engine)
{
	const struct section *s;

	if (m->executable)
		return m->checksum;
	s = migration_section(m, SEC_RUN, engine);
	return s ? section_checksum(s, engine) : NULL;
}

/* What an earlier version of the tool recorded: the raw bytes. */
static const char *
v1_checksum(const struct migration *m, const char *engine)
{
	const struct section *s;

	if (m->executable)
		return m->checksum;
	s = migration_section(m, SEC_RUN, engine);
	return s ? s->checksum : NULL;
}

bool
drift_matches(const struct migration *m, const char *engine,
	      const char *stored)
{
	const char *now;

	if (stored == NULL || stored[0] == '\0')
		return true;
	if (strncmp(stored, SECTION_SUM_PREFIX, 3) == 0)
		now = drift_checksum(m, engine);
	else
		now = v1_checksum(m, engine);
	return now != NULL && strcmp(stored, now) == 0;
}

void
drift_where(const struct migration *m, const char *engine, struct buf *out)
{
	const struct section *s;

	if (m->executable) {
		buf_adds(out, "the program");
		return;
	}
	s = migration_section(m, SEC_RUN, engine);
	if (s == NULL)
		buf_addf(out, "its run section for %s (there is none now)",
			 engine);
	else if (s->engine != NULL)
		buf_addf(out, "its run section for %s (`run %s`, line %d)",
			 engine, s->engine, s->line);
	else
		buf_addf(out, "its run section for %s (the plain `run`, line "
			      "%d)",
			 engine, s->line);
}

void
drift_warning(const struct migration *m, const char *engine,
	      struct buf *out)
{
	buf_addf(out, "%s (%s) " DRIFT_WARNING_WORDS ": ", m->filename, m->uuid);
	drift_where(m, engine, out);
	buf_adds(out, " differs from what ran; if the change was intended, "
		      "`migratore repair` records it");
}
