/* A statement in doubt after a run that ended in it; see indoubt.h. */
#include "config.h"

#include "worker/indoubt.h"

#include <stdbool.h>
#include <string.h>

#include "worker/ledger_progress.h"
#include "worker/resume.h"
#include "common/banned.h"

/* At most this much of the statement goes in the message. */
#define SHOWN 160

/* Why the catalogue cannot answer for statement k of l: NULL if it may. */
static const char *
unanswerable(struct db *db, const struct stmt_list *l, int k,
	     const char *marked)
{
	char now[RESUME_SUM_LEN + 1];
	int i;

	resume_sum(l->v[k].sql, now);
	if (strcmp(now, marked) != 0)
		return "it changed in the file since";
	for (i = 0; i < k; i++)
		if (db_session_statement(db, l->v[i].sql))
			return "a statement before it changes the session";
	return NULL;
}

static int
refuse(const struct migration *m, const struct stmt_list *l, int k,
       const char *why, struct err *e)
{
	const char *sql = l->v[k].sql;
	size_t len = strcspn(sql, "\n");

	if (len > SHOWN)
		len = SHOWN;
	return err_set(e, ERR_STATE,
		       "%s (%s): statement %d of %zu (%s:%d) was running when "
		       "the previous run ended, and whether it committed is "
		       "unknown (%s): %.*s%s; nothing was run. Check the database, then say "
		       "what is true: `migratore rebuild %s --from %d` if it "
		       "committed, `migratore rebuild %s --from %d` if it did "
		       "not",
		       m->filename, m->uuid, k + 1, l->n, m->filename,
		       l->v[k].line, why,
		       (int)len, sql, len < strlen(sql) ? " ..." : "",
		       m->uuid, k + 2, m->uuid, k + 1);
}

int
indoubt_resolve(struct db *db, const struct ledger *ledger,
		const struct migration *m, const struct stmt_list *l,
		int *from, struct buf *note, struct err *e)
{
	char marked[RESUME_SUM_LEN + 1];
	const char *why;
	enum db_effect eff = DB_EFFECT_UNKNOWN;
	int k = *from;

	if (k < 0 || (size_t)k >= l->n ||
	    !resume_in_doubt(ledger_progress_sums(ledger, m->uuid), k, marked))
		return 0;
	why = unanswerable(db, l, k, marked);
	if (why == NULL)
		eff = db_stmt_effect(db, l->v[k].sql);
	if (eff == DB_EFFECT_UNKNOWN)
		return refuse(m, l, k,
			      why ? why : "the catalogue cannot show its effect",
			      e);
	if (eff == DB_EFFECT_ABSENT) {
		buf_addf(note, "%s: statement %d (%s:%d) had not committed "
			       "when the previous run ended (not in the "
			       "catalogue): resuming at it",
			 m->filename, k + 1, m->filename, l->v[k].line);
		return 0;
	}
	*from = k + 1;
	buf_addf(note, "%s: statement %d (%s:%d) had committed before the "
		       "previous run ended (found in the catalogue): ",
		 m->filename, k + 1, m->filename, l->v[k].line);
	if ((size_t)*from >= l->n)
		buf_addf(note, "all %zu statements committed: recording it",
			 l->n);
	else
		buf_addf(note, "resuming at statement %d", k + 2);
	return 0;
}
