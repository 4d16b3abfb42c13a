/* Retries after a lock timeout: the pauses (doubling, capped, jittered),
 * the budget, and the message that names the lock's holder. */
#include "config.h"

#include "worker/lockretry.h"

#include <criterion/criterion.h>

#include "common/buf.h"

Test(lockretry, pauses_double_up_to_the_cap_jittered_half_to_one_and_a_half)
{
	cr_expect_float_eq(lockretry_pause(0, 0.5), 0.5, 1e-9);
	cr_expect_float_eq(lockretry_pause(1, 0.5), 1.0, 1e-9);
	cr_expect_float_eq(lockretry_pause(2, 0.5), 2.0, 1e-9);
	cr_expect_float_eq(lockretry_pause(4, 0.5), 8.0, 1e-9);
	cr_expect_float_eq(lockretry_pause(40, 0.5), 8.0, 1e-9);
	cr_expect_float_eq(lockretry_pause(0, 0.0), 0.25, 1e-9);
	cr_expect_float_eq(lockretry_pause(3, 0.999), 4.0 * 1.499, 1e-9);
}

Test(lockretry, no_budget_no_retry)
{
	struct lockretry lr;

	lockretry_init(&lr, 0);
	cr_expect(!lockretry_wait(&lr));
	cr_expect_eq(lr.tries, 0);
}

Test(lockretry, a_retry_within_the_budget_then_none, .timeout = 10)
{
	struct lockretry lr;

	/* the first pause is under 0.75 s: it fits; after it at least
	 * 0.25 s are gone, and the second is at least 0.5 s: it does not */
	lockretry_init(&lr, 0.75);
	cr_assert(lockretry_wait(&lr));
	cr_expect_eq(lr.tries, 1);
	cr_expect_geq(lockretry_elapsed(&lr), 0.25);
	cr_expect(!lockretry_wait(&lr));
	cr_expect_eq(lr.tries, 1);
}

static char *cells[] = {
	(char *)"audit", (char *)"41", NULL,
	(char *)"orders", (char *)"42", (char *)"LOCK TABLE orders\n  IN SHARE MODE",
};
static const struct db_rows holders = { 2, 3, cells, NULL };

static void
expect_explained(const struct db_rows *rows, const char *stmt,
		 const char *want)
{
	struct buf b = BUF_INIT;

	lockretry_explain(rows, stmt, &b);
	cr_expect_str_eq(b.ptr, want);
	buf_release(&b);
}

Test(lockretry, the_holder_of_the_statements_table_is_named)
{
	expect_explained(&holders, "ALTER TABLE Orders ADD COLUMN x int",
			 "could not get the lock on orders held by pid 42 "
			 "(query LOCK TABLE orders   IN SHARE MODE)");
	/* a table the statement does not name: the longest held */
	expect_explained(&holders, "ALTER TABLE items ADD COLUMN x int",
			 "could not get the lock on audit held by pid 41");
	/* a word inside a name is not the name */
	expect_explained(&holders, "ALTER TABLE orders_old ADD x int",
			 "could not get the lock on audit held by pid 41");
}

Test(lockretry, the_statements_table_when_the_server_cannot_say)
{
	static char *c[] = { NULL, (char *)"7", (char *)"SELECT SLEEP(60)" };
	static const struct db_rows unnamed = { 1, 3, c, NULL };

	expect_explained(&unnamed, "ALTER TABLE `app`.`t1` ADD x int",
			 "could not get the lock on t1 held by pid 7 "
			 "(query SELECT SLEEP(60))");
	expect_explained(&unnamed, "CREATE INDEX i ON \"s\".\"t2\" (x)",
			 "could not get the lock on t2 held by pid 7 "
			 "(query SELECT SLEEP(60))");
	expect_explained(&unnamed, "DROP TABLE IF EXISTS t3",
			 "could not get the lock on t3 held by pid 7 "
			 "(query SELECT SLEEP(60))");
	expect_explained(&unnamed, "VACUUM",
			 "could not get the lock on its table held by pid 7 "
			 "(query SELECT SLEEP(60))");
}

Test(lockretry, nobody_holds_it_any_more)
{
	static const struct db_rows none = { 0, 3, NULL, NULL };

	expect_explained(&none, "ALTER TABLE t ADD x int",
			 "could not get the lock on t: no other session holds "
			 "one now");
	expect_explained(NULL, "ALTER TABLE t ADD x int",
			 "could not get the lock on t: no other session holds "
			 "one now");
}
