/*
 * Unit tests for common/err: the one table from error codes to exit
 * codes, and the one rule beyond it (a run stopped by a signal).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <signal.h>

#include "common/err.h"

Test(err, every_code_has_its_exit_code)
{
	const struct {
		int code;
		int exit;
	} cases[] = {
		{ 0, 0 },
		{ ERR_INTERNAL, 1 },
		{ ERR_USAGE, 2 },
		{ ERR_CONFIG, 3 },
		{ ERR_MIGFILE, 3 },
		{ ERR_CONNECT, 4 },
		{ ERR_LOCK, 4 },
		{ ERR_SQL, 1 },
		{ ERR_IO, 1 },
		{ ERR_NOTFOUND, 1 },
		{ ERR_FAILED, 1 },
		{ ERR_STATE, 1 },
		{ ERR_INTERRUPTED, 130 },
		{ ERR_BOOKKEEPING, 4 },
		{ ERR_REFUSED, 4 },
		{ ERR_LOST, 1 },
		{ -99, 1 },
	};
	struct err e = ERR_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(err_exit_code(cases[i].code), cases[i].exit,
			     "%s", err_code_name(cases[i].code));
		e.code = cases[i].code;
		cr_assert_eq(err_exit_status(&e), cases[i].exit);
	}
}

Test(err, an_interrupted_run_exits_128_and_the_signal)
{
	struct err e = ERR_INIT;

	err_set(&e, ERR_INTERRUPTED, "stopped");
	e.signal = SIGTERM;
	cr_assert_eq(err_exit_status(&e), 143);
	e.signal = SIGINT;
	cr_assert_eq(err_exit_status(&e), 130);
	cr_assert_str_eq(err_code_name(ERR_INTERRUPTED), "interrupted");
}
