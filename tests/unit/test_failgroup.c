/* Unit tests for orchestrator/failgroup: failures grouped by their first
 * error line once the target's own name, database and host are replaced,
 * the engine's DETAIL and HINT, and the exact command that comes next. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "orchestrator/failgroup.h"

#define PG_TB(detail) \
	"migration: 0002_idx.sql\nengine: postgres\nerror: could not " \
	"create unique index\nSQLSTATE: 23505\n" detail "committed: 0 of 2"

static const struct failgroup_item fleet[] = {
	{ .name = "pg-1", .status = "failed",
	  .desc = "postgres mig:****@pg-1.internal:5432/app_1",
	  .text = "statement 2 of 2 (0002_idx.sql:6) failed: could not create "
		  "unique index \"users_email\"\nsecond line",
	  .uuid = "u2", .file = "0002_idx.sql",
	  .traceback = PG_TB("DETAIL: Key (email)=(a@x) is duplicated.\n"
			     "HINT: Remove them.\n") },
	{ .name = "ok-1", .status = "ok", .text = NULL },
	{ .name = "my-1", .status = "failed",
	  .desc = "mysql mig:****@my-1.internal:3306/app_2",
	  .text = "statement 2 of 2 (0002_idx.sql:6) failed: Duplicate entry",
	  .uuid = "u2", .file = "0002_idx.sql", .operation = "Run",
	  .committed = 1, .total = 2 },
	{ .name = "pg-2", .status = "unreachable",
	  .desc = "postgres mig:****@pg-2.internal:5432/app_3",
	  .text = "cannot connect to postgres at pg-2.internal:5432/app_3: "
		  "database \"app_3\" does not exist" },
	{ .name = "pg-10", .status = "failed",
	  .desc = "postgres mig:****@pg-1.internal:5432/app_4",
	  .text = "statement 2 of 2 (0002_idx.sql:6) failed: could not create "
		  "unique index \"users_email\"",
	  .uuid = "u2", .file = "0002_idx.sql",
	  .traceback = PG_TB("DETAIL: Key (email)=(b@x) is duplicated.\n"
			     "HINT: Remove them.\n") },
	{ .name = "sq-1", .status = "unreachable",
	  .desc = "sqlite /srv/db/sq-1.db",
	  .text = "cannot open SQLite database /srv/db/sq-1.db: unable to "
		  "open database file" },
	{ .name = "pg-3", .status = "unreachable",
	  .desc = "postgres mig:****@[::1]:5432/app_5",
	  .text = "cannot connect to postgres at ::1:5432/app_5: database "
		  "\"app_5\" does not exist" },
	{ .name = "my-2", .status = "failed",
	  .desc = "mysql mig:****@my-2.internal:3306/app_6",
	  .text = "statement 2 of 2 (0002_idx.sql:6) failed: Duplicate entry",
	  .uuid = "u2", .file = "0002_idx.sql", .operation = "Run",
	  .committed = 1, .total = 2 },
	{ .name = "rb-1", .status = "rolled-back", .desc = "sqlite rb.db",
	  .text = "statement 2 of 2 (0002_idx.sql:6) failed: Duplicate entry",
	  .uuid = "u2", .file = "0002_idx.sql", .committed = 1,
	  .recovered = true },
	{ .name = "late", .status = "not-reached",
	  .text = "deadline passed (2026-01-01T11:00:00Z)" },
};
#define NFLEET (sizeof(fleet) / sizeof(fleet[0]))

static char *
normalised(const struct failgroup_item *it)
{
	struct buf b = BUF_INIT;

	failgroup_normalise(it, &b);
	return buf_detach(&b);
}

/* Arrays, not pointers: Criterion hands parameters to another process. */
struct norm_case {
	char name[16];
	char desc[64];
	char text[128];
	char want[128];
};

ParameterizedTestParameters(failgroup, normalise)
{
	static struct norm_case cases[] = {
		/* the database and host of a server, every occurrence */
		{ "pg-2", "postgres u:****@pg-2.internal:5432/app_3",
		  "cannot connect to postgres at pg-2.internal:5432/app_3: "
		  "database \"app_3\" does not exist\nmore",
		  "cannot connect to postgres at <host>:5432/<db>: database "
		  "\"<db>\" does not exist" },
		/* the name, not inside a longer word */
		{ "pg-1", "", "pg-1 failed; pg-10 and xpg-1 did not; (pg-1)",
		  "<target> failed; pg-10 and xpg-1 did not; (<target>)" },
		/* SQLite: the file's path, and its last part alone */
		{ "a", "sqlite /srv/db/sq1.db",
		  "cannot open /srv/db/sq1.db (sq1.db)",
		  "cannot open <db> (<db>)" },
		/* an IPv6 host; a Unix socket's database */
		{ "", "postgres u@[::1]:5432/app_2", "at ::1: app_2 gone",
		  "at <host>: <db> gone" },
		{ "", "mysql u:****@/run/mysqld.sock/shop",
		  "Unknown database 'shop'", "Unknown database '<db>'" },
		/* a name of letters only, where it is a word of the
		 * message, stays; quoted, it is the name */
		{ "failed", "postgres h:5432/legacy",
		  "statement failed: database \"legacy\" is not 'failed'",
		  "statement failed: database \"<db>\" is not '<target>'" },
		/* a one-letter value would match everywhere: left alone */
		{ "a", "postgres h/b", "a b: h", "a b: h" },
		/* no text */
		{ "x", "", "", "" },
	};
	return cr_make_param_array(struct norm_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct norm_case *c, failgroup, normalise)
{
	struct failgroup_item it = { .name = c->name, .desc = c->desc,
				     .text = c->text };
	char *got = normalised(&it);

	cr_assert_str_eq(got, c->want);
	free(got);
}

static size_t
members(const struct failgroup *g, char *out, size_t len)
{
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; i < g->n; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%s", i ? " " : "",
				      fleet[g->members[i]].name);
	return g->n;
}

Test(failgroup, groups_by_normalised_line)
{
	struct failgroups g;
	char names[256];

	failgroups_build(&g, fleet, NFLEET);
	cr_assert_eq(g.items, 9, "every target but the ok one");
	cr_assert_eq(g.n, 6);
	/* largest first, then by first position; members in fleet order */
	cr_assert_eq(members(&g.v[0], names, sizeof(names)), 2);
	cr_assert_str_eq(names, "pg-1 pg-10");
	cr_assert_str_eq(g.v[0].line, "statement 2 of 2 (0002_idx.sql:6) "
		       "failed: could not create unique index \"users_email\"");
	cr_assert_eq(g.v[0].action, FAILGROUP_FIX);
	cr_assert_str_eq(g.v[0].detail, "Key (email)=(a@x) is duplicated.");
	cr_assert_str_eq(g.v[0].hint, "Remove them.");
	cr_assert(g.v[0].notes_differ, "pg-10's DETAIL is another");
	members(&g.v[1], names, sizeof(names));
	cr_assert_str_eq(names, "my-1 my-2");
	cr_assert_eq(g.v[1].action, FAILGROUP_COMMITTED);
	cr_assert_eq(g.v[1].committed, 1);
	cr_assert_null(g.v[1].detail);
	cr_assert_not(g.v[1].notes_differ);
	/* unreachable on two servers: one line once normalised */
	members(&g.v[2], names, sizeof(names));
	cr_assert_str_eq(names, "pg-2 pg-3");
	cr_assert_eq(g.v[2].action, FAILGROUP_RESUME);
	/* the same line, rolled back: nothing stayed committed */
	members(&g.v[3], names, sizeof(names));
	cr_assert_str_eq(names, "sq-1");
	members(&g.v[4], names, sizeof(names));
	cr_assert_str_eq(names, "rb-1");
	cr_assert_eq(g.v[4].action, FAILGROUP_FIX);
	cr_assert_str_eq(g.v[5].status, "not-reached");
	cr_assert_eq(g.v[5].action, FAILGROUP_RESUME);
	failgroups_release(&g);
}

Test(failgroup, warnings_group_too)
{
	static const struct failgroup_item w[] = {
		{ .name = "a", .desc = "sqlite a.db", .text = "x.sql changed" },
		{ .name = "b", .desc = "sqlite b.db", .text = "x.sql changed" },
		{ .name = "c", .desc = "sqlite c.db", .text = "c.db: odd" },
	};
	struct failgroups g;

	failgroups_build(&g, w, 3);
	cr_assert_eq(g.n, 2);
	cr_assert_eq(g.v[0].n, 2);
	cr_assert_eq(g.v[0].action, FAILGROUP_NONE);
	cr_assert_str_eq(g.v[1].line, "<db>: odd");
	failgroups_release(&g);
	failgroups_build(&g, w, 0);
	cr_assert_eq(g.n, 0);
	failgroups_release(&g);
}

static char *
command(const struct failgroup *g, const struct failgroup_run *run)
{
	struct buf b = BUF_INIT;

	failgroup_command(g, fleet, run, &b);
	return buf_detach(&b);
}

static char *
advice(const struct failgroup *g)
{
	struct buf b = BUF_INIT;

	failgroup_advice(g, &b);
	return buf_detach(&b);
}

Test(failgroup, next_commands)
{
	struct failgroup_run run = { .command = "upgrade",
		.inventory = "fleet.yaml", .unfinished = 9 };
	struct failgroups g;
	char *s;

	failgroups_build(&g, fleet, NFLEET);
	s = command(&g.v[0], &run);
	cr_assert_str_eq(s, "migratore upgrade --inventory fleet.yaml "
			    "--resume REPORT.json --select pg-1,pg-10");
	free(s);
	s = advice(&g.v[0]);
	cr_assert_str_eq(s, "Fix 0002_idx.sql, then run them again:");
	free(s);
	/* committed statements: fix the rest, upgrade resumes after them */
	s = command(&g.v[1], &run);
	cr_assert_str_eq(s, "migratore upgrade --inventory fleet.yaml "
			    "--resume REPORT.json --select my-1,my-2");
	free(s);
	s = advice(&g.v[1]);
	cr_assert_str_eq(s, "1 statement of 0002_idx.sql stayed committed. "
			    "Fix what failed, leaving the first statement as "
			    "it is: the next run resumes at statement 2:");
	free(s);
	s = advice(&g.v[5]);
	cr_assert_str_eq(s, "The run never got to them; run them:");
	free(s);
	/* the group is every unfinished target: --resume says it all; no
	 * inventory known, a report named, rebuild's id carried */
	run = (struct failgroup_run){ .command = "rebuild", .id = "42",
		.report = "run 1.json", .unfinished = 2 };
	s = command(&g.v[2], &run);
	cr_assert_str_eq(s, "migratore rebuild 42 --inventory FILE --resume "
			    "'run 1.json'");
	free(s);
	failgroups_release(&g);
}

/* No report file to resume from (no --report, or --report -): the
 * group's targets are named, even when they are every unfinished one. */
Test(failgroup, without_a_report_the_group_is_selected)
{
	struct failgroup_run run = { .command = "upgrade",
		.inventory = "fleet.yaml", .no_report = true,
		.unfinished = 2 };
	struct failgroups g;
	char *s;

	failgroups_build(&g, fleet, NFLEET);
	s = command(&g.v[1], &run);
	cr_assert_str_eq(s, "migratore upgrade --inventory fleet.yaml "
			    "--select my-1,my-2");
	free(s);
	s = command(&g.v[0], &run);
	cr_assert_str_eq(s, "migratore upgrade --inventory fleet.yaml "
			    "--select pg-1,pg-10");
	free(s);
	failgroups_release(&g);
}

Test(failgroup, hostile_names_are_quoted)
{
	static const struct failgroup_item it[] = {
		{ .name = "it's", .status = "locked", .text = "busy" },
		{ .name = "a*[b]?", .status = "locked", .text = "busy" },
		{ .name = "tag:x", .status = "locked", .text = "busy" },
	};
	struct failgroup_run run = { .command = "upgrade",
		.inventory = "my fleet.yaml", .unfinished = 4 };
	struct failgroups g;
	struct buf b = BUF_INIT;

	failgroups_build(&g, it, 3);
	cr_assert_eq(g.n, 1);
	failgroup_command(&g.v[0], it, &run, &b);
	/* each name matches only itself, and the shell sees one word */
	cr_assert_str_eq(b.ptr, "migratore upgrade --inventory 'my "
			 "fleet.yaml' --resume REPORT.json --select "
			 "'it'\\''s,a\\*\\[b\\]\\?,\\tag:x'");
	buf_release(&b);
	failgroups_release(&g);
}

/* A migration changed after it was applied (worker/drift.h): repair. */
Test(failgroup, drift_warnings_come_with_repair)
{
	static const struct failgroup_item w[] = {
		{ .name = "a", .desc = "sqlite a.db",
		  .text = "0001_x.sql (u1) was changed after it was applied: "
			  "its run section for sqlite (the plain `run`, line "
			  "4) differs from what ran" },
		{ .name = "b", .desc = "sqlite b.db",
		  .text = "0001_x.sql (u1) was changed after it was applied: "
			  "its run section for sqlite (the plain `run`, line "
			  "4) differs from what ran" },
		{ .name = "c", .desc = "sqlite c.db", .text = "c.db: odd" },
	};
	struct failgroup_run run = { .command = "upgrade",
				     .inventory = "fleet.yaml" };
	struct failgroups g;
	struct buf b = BUF_INIT;

	failgroups_build(&g, w, 3);
	cr_assert_eq(g.n, 2);
	cr_assert_eq(g.v[0].action, FAILGROUP_REPAIR);
	cr_assert_eq(g.v[1].action, FAILGROUP_NONE);
	failgroup_advice(&g.v[0], &b);
	cr_expect_str_eq(b.ptr, "If the change was intended, record the file "
				"as it is now:");
	buf_reset(&b);
	failgroup_command(&g.v[0], w, &run, &b);
	cr_expect_str_eq(b.ptr, "migratore repair --inventory fleet.yaml "
				"--select a,b");
	buf_reset(&b);
	failgroup_command(&g.v[1], w, &run, &b);
	cr_expect_str_eq(b.ptr, "");
	buf_release(&b);
	failgroups_release(&g);
}

/* What stayed committed of a run section: upgrade resumes after it, so
 * the advice says how many and where; a group per count. A Rollback
 * that failed after a commit is no such case: fixing it is the user's. */
Test(failgroup, committed_statements_resume)
{
	static const struct failgroup_item it[] = {
		{ .name = "a", .status = "failed", .text = "statement 3 failed",
		  .uuid = "u", .file = "x.sql", .operation = "Run",
		  .committed = 2, .total = 4 },
		{ .name = "b", .status = "failed", .text = "statement 3 failed",
		  .uuid = "u", .file = "x.sql", .operation = "Run Partial",
		  .committed = 2, .total = 4 },
		{ .name = "c", .status = "failed", .text = "statement 3 failed",
		  .uuid = "u", .file = "x.sql", .operation = "Run",
		  .committed = 1, .total = 4 },
		{ .name = "d", .status = "failed", .text = "row not written",
		  .uuid = "u", .file = "x.sql", .operation = "Run",
		  .committed = 4, .total = 4 },
		{ .name = "e", .status = "failed", .text = "statement 3 failed",
		  .uuid = "u", .file = "x.sql", .operation = "Rollback",
		  .committed = 1, .total = 2 },
	};
	struct failgroups g;
	char *s;

	failgroups_build(&g, it, 5);
	cr_assert_eq(g.n, 4);
	cr_assert_eq(g.v[0].n, 2, "a and b: the same count");
	cr_assert_eq(g.v[0].action, FAILGROUP_COMMITTED);
	s = advice(&g.v[0]);
	cr_assert_str_eq(s, "2 statements of x.sql stayed committed. Fix what "
			    "failed, leaving the first 2 as they are: the next "
			    "run resumes at statement 3:");
	free(s);
	cr_assert_eq(g.v[1].committed, 1, "c: another count, another group");
	s = advice(&g.v[2]);
	cr_assert_str_eq(s, "4 statements of x.sql stayed committed. Leaving "
			    "them as they are, run them again: the next run "
			    "records it:");
	free(s);
	cr_assert_eq(g.v[3].action, FAILGROUP_FIX, "a Rollback's commits");
	failgroups_release(&g);
}
