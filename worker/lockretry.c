/* Jittered, bounded pauses between the tries of a migration that timed out
 * waiting for a table's lock. */
#include "config.h"

#include "worker/lockretry.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/banned.h"

void
lockretry_init(struct lockretry *lr, double budget)
{
	lr->budget = budget;
	lr->tries = 0;
	/* each worker its own jitter: the pid differs, the clock may not */
	lr->seed = (unsigned int)getpid() * 2654435761u;
	clock_gettime(CLOCK_MONOTONIC, &lr->t0);
	lr->seed ^= (unsigned int)lr->t0.tv_nsec;
}

double
lockretry_elapsed(const struct lockretry *lr)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - lr->t0.tv_sec) +
	       (double)(now.tv_nsec - lr->t0.tv_nsec) / 1e9;
}

double
lockretry_pause(int n, double u)
{
	double base = LOCKRETRY_FIRST;

	while (n-- > 0 && base < LOCKRETRY_MOST)
		base *= 2;
	if (base > LOCKRETRY_MOST)
		base = LOCKRETRY_MOST;
	return base * (0.5 + u);
}

static void
sleep_for(double seconds)
{
	struct timespec ts, rem;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
}

bool
lockretry_wait(struct lockretry *lr)
{
	double u = (double)rand_r(&lr->seed) / ((double)RAND_MAX + 1.0);
	double pause = lockretry_pause(lr->tries, u);

	if (lr->budget <= 0 || lockretry_elapsed(lr) + pause > lr->budget)
		return false;
	sleep_for(pause);
	lr->tries++;
	return true;
}

static bool
isname(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* Does stmt hold word (case-insensitive) with no name character around? */
static bool
names(const char *stmt, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = stmt; n && (p = strcasestr(p, word)) != NULL; p++)
		if ((p == stmt || !isname(p[-1])) && !isname(p[n]))
			return true;
	return false;
}

/* The name after the first TABLE or ON of stmt (its last part when
 * qualified, quotes dropped), into out; false when there is none. */
static bool
stmt_table(const char *stmt, struct buf *out)
{
	static const char *const before[] = { "table ", "on " };
	const char *p, *end;
	size_t i;

	for (i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		if ((p = strcasestr(stmt, before[i])) == NULL)
			continue;
		p += strlen(before[i]);
		if (strncasecmp(p, "if exists ", 10) == 0)
			p += 10;
		for (end = p; isname(*end) || *end == '.' || *end == '"' ||
			      *end == '`';
		     end++)
			if (*end == '.')
				p = end + 1;
		for (; p < end && (*p == '"' || *p == '`'); p++)
			;
		while (end > p && (end[-1] == '"' || end[-1] == '`'))
			end--;
		if (end > p) {
			buf_add(out, p, (size_t)(end - p));
			return true;
		}
	}
	return false;
}

void
lockretry_explain(const struct db_rows *holders, const char *stmt,
		  struct buf *out)
{
	size_t row = 0, i;
	const char *table, *query;

	for (i = 0; holders && i < holders->nrows; i++) {
		table = db_rows_get(holders, i, 0);
		if (table && stmt && names(stmt, table)) {
			row = i;
			break;
		}
	}
	buf_adds(out, "could not get the lock on ");
	table = holders && holders->nrows ? db_rows_get(holders, row, 0)
					  : NULL;
	if (table)
		buf_adds(out, table);
	else if (!stmt || !stmt_table(stmt, out))
		buf_adds(out, "its table");
	if (!holders || holders->nrows == 0) {
		buf_adds(out, ": no other session holds one now");
		return;
	}
	buf_addf(out, " held by pid %s", db_rows_get(holders, row, 1));
	if ((query = db_rows_get(holders, row, 2)) != NULL) {
		buf_adds(out, " (query ");
		for (i = 0; query[i] && i < 200; i++)
			buf_addc(out, isspace((unsigned char)query[i])
					      ? ' '
					      : query[i]);
		buf_adds(out, query[i] ? "...)" : ")");
	}
}
