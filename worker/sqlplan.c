/* dry_upgrade --sql: a target's statements, bookkeeping as comments. */
#include "config.h"

#include "worker/sqlplan.h"

#include <string.h>

#include "worker/ledger.h"
#include "worker/lexer.h"
#include "common/banned.h"

/* The bookkeeping columns whose value is known only when the row is
 * written: shown as <column>. */
static const char *const at_run_time[] = {
	"object_id", "start", "end", "duration", "start_s", "end_s", "run_id",
	NULL
};

void
sqlplan_header(const char *command, const char *engine, size_t n,
	       bool creates_table, struct buf *out)
{
	buf_addf(out, "-- migratore %s --sql: %zu migration%s on %s, the "
		      "statements as its client splits them\n",
		 command, n, n == 1 ? "" : "s", engine);
	buf_adds(out, "-- what migratore writes itself is shown in comments; "
		      "<column>: known when it runs\n");
	if (creates_table)
		buf_addf(out, "-- first, migratore creates its bookkeeping "
			      "table %s\n",
			 LEDGER_TABLE);
}

/* Every line of text as a comment. */
static void
commented(const char *text, struct buf *out)
{
	const char *nl;

	for (; *text; text = *nl ? nl + 1 : nl) {
		nl = text + strcspn(text, "\n");
		buf_addf(out, "-- %.*s\n", (int)(nl - text), text);
	}
}

static int
dialect_of(const char *engine)
{
	int d;

	for (d = 0; d < DIALECT_N; d++)
		if (strcmp(lexer_dialect_engine((enum dialect)d), engine) == 0)
			return d;
	return -1;
}

/*
 * Does the engine's client have a DELIMITER command? The mysql client
 * does, and ends a statement at every ';' outside quotes and comments,
 * routine bodies included (where migratore's lexer is more lenient); the
 * others read bodies as the lexer does. Asked of the lexer, which takes
 * the command in that dialect only.
 */
static bool
has_delimiter_command(const char *engine)
{
	static const char probe[] = "DELIMITER //\nSELECT 1//\n";
	struct stmt_list l = STMT_LIST_INIT;
	struct err e = ERR_INIT;
	int d = dialect_of(engine);
	bool yes;

	yes = d >= 0 && lexer_split(probe, sizeof(probe) - 1, (enum dialect)d,
				    "", 1, &l, &e) == 0;
	stmt_list_release(&l);
	return yes;
}

/* A delimiter the statement does not hold. */
static const char *
delimiter_for(const char *sql)
{
	static const char *const candidates[] = { "//", "$$", ";;", "@@" };
	size_t i;

	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (strstr(sql, candidates[i]) == NULL)
			return candidates[i];
	return "//;//";
}

/* sql and its delimiter, so that the engine's client reads it back. */
static void
statement(const char *sql, const char *engine, struct buf *out)
{
	const char *last = strrchr(sql, '\n');
	const char *d;

	if (strchr(sql, ';') != NULL && has_delimiter_command(engine)) {
		d = delimiter_for(sql);
		buf_addf(out, "DELIMITER %s\n%s\n%s\nDELIMITER ;\n", d, sql, d);
		return;
	}
	last = last ? last + 1 : sql;
	/* a trailing comment would swallow the ';' */
	if (strstr(last, "--") || strchr(last, '#'))
		buf_addf(out, "%s\n;\n", sql);
	else
		buf_addf(out, "%s;\n", sql);
}

/* The statements from..n-1 of s; where the engine commits implicitly
 * inside the transaction, migratore records how far it got. */
static void
statements(struct db *db, const struct target *t, const struct section *s,
	   int from, bool transactional, struct buf *out)
{
	const struct stmt_list *l = section_stmts(s, t->engine);
	size_t i;

	for (i = (size_t)from; i < l->n; i++) {
		statement(l->v[i].sql, t->engine, out);
		if (!transactional || i + 1 == l->n ||
		    !db_commits_implicitly(db, l->v[i].sql))
			continue;
		buf_addf(out, "-- the engine commits here: migratore records "
			      "that %zu of %zu statements are done\n",
			 i + 1, l->n);
	}
}

static void
bookkeeping(struct db *db, const struct target *t, const char *host,
	    const struct migration *m, const struct section *s,
	    enum section_kind kind, const char *how, struct buf *out)
{
	struct ledger_row row;
	struct buf text = BUF_INIT;

	memset(&row, 0, sizeof(row));
	row.uuid = m->uuid;
	row.timestamp = m->timestamp;
	row.name = m->filename;
	row.description = m->description;
	row.result = (char *)"success";
	row.operator_name = t->operator_name;
	row.operation = (char *)section_operation(kind);
	row.checksum = s ? (char *)section_checksum(s, t->engine)
			 : (char *)m->checksum;
	row.committed = -1;
	row.host = (char *)host;
	ledger_insert_text(db, &row, at_run_time, &text);
	buf_adds(&text, ";");
	buf_addf(out, "-- migratore records it%s:\n", how);
	commented(text.ptr, out);
	buf_release(&text);
}

static void
cleanup(const struct target *t, const struct migration *m, struct buf *out)
{
	const struct section *s = migration_section(m, SEC_CLEANUP, t->engine);
	const struct stmt_list *l;
	size_t i;

	if (s == NULL || (l = section_stmts(s, t->engine))->n == 0)
		return;
	buf_adds(out, "-- then its cleanup section:\n");
	for (i = 0; i < l->n; i++)
		statement(l->v[i].sql, t->engine, out);
}

void
sqlplan_migration(struct db *db, const struct target *t, const char *host,
		  const struct migration *m, enum section_kind kind, int from,
		  struct buf *out)
{
	const struct section *s = migration_section(m, kind, t->engine);
	bool txn = !m->transaction_off;

	buf_addf(out, "\n-- %s (%s)%s%s\n", m->filename, m->uuid,
		 m->description[0] ? ": " : "", m->description);
	if (m->executable) {
		buf_addf(out, "-- a program: migratore runs `%s %s` with the "
			      "connection in its environment\n",
			 m->filename, section_kind_name(kind));
		bookkeeping(db, t, host, m, NULL, kind, "", out);
		return;
	}
	if (from > 0)
		buf_addf(out, "-- resuming after the %d statement%s an "
			      "interrupted run committed\n",
			 from, from == 1 ? "" : "s");
	if (!txn)
		buf_adds(out, "-- transaction = off: each statement commits on "
			      "its own, and migratore records how many did\n");
	if (txn)
		buf_adds(out, "BEGIN;\n");
	if (s != NULL)
		statements(db, t, s, kind == SEC_RUN ? from : 0, txn, out);
	bookkeeping(db, t, host, m, s, kind,
		    txn ? ", in the same transaction" : "", out);
	if (txn)
		buf_adds(out, "COMMIT;\n");
	if (kind == SEC_RUN && !t->safe &&
	    migration_section(m, SEC_ROLLBACK, t->engine) != NULL)
		buf_adds(out, "-- should it fail, SAFE is off: migratore runs "
			      "its rollback section and records a Rollback\n");
	cleanup(t, m, out);
}
