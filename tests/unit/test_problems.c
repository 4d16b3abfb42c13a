/* Positioned problems: document order, windows that drop repeats and cap
 * what a range entry can add, quoting of user text. */
#include "config.h"

#include "config/problems.h"

#include <criterion/criterion.h>

Test(problems, rendered_in_document_order)
{
	struct problems pr = PROBLEMS_INIT;
	struct strv out = STRV_INIT;

	problems_add(&pr, 9, 3, "third");
	problems_add(&pr, 2, 7, "second");
	problems_add(&pr, 2, 1, "first");
	problems_add(&pr, 9, 3, "fourth, same place, added later");
	problems_add(&pr, 0, 0, "the file");
	problems_render(&pr, "f.yaml", &out);
	cr_assert_eq(out.n, 5);
	cr_assert_str_eq(out.v[0], "f.yaml: the file");
	cr_assert_str_eq(out.v[1], "f.yaml:2:1: first");
	cr_assert_str_eq(out.v[2], "f.yaml:2:7: second");
	cr_assert_str_eq(out.v[3], "f.yaml:9:3: third");
	cr_assert_str_eq(out.v[4], "f.yaml:9:3: fourth, same place, added later");
	strv_release(&out);
	problems_release(&pr);
}

Test(problems, window_drops_repeats_and_caps)
{
	struct problems pr = PROBLEMS_INIT;
	struct strv out = STRV_INIT;
	int i;

	problems_add(&pr, 1, 1, "before");
	problems_add(&pr, 1, 1, "before"); /* outside a window: kept */
	problems_window_begin(&pr, 3);
	for (i = 0; i < 100; i++)
		problems_add(&pr, 5, 9, "same for every instance");
	for (i = 0; i < 10; i++)
		problems_add(&pr, 6, 2, "value %d", i);
	problems_window_end(&pr, "this entry");
	problems_add(&pr, 7, 1, "after");
	problems_render(&pr, "f", &out);
	cr_assert_eq(out.n, 7);
	cr_assert_str_eq(out.v[2], "f:5:9: same for every instance");
	cr_assert_str_eq(out.v[3], "f:6:2: value 0");
	cr_assert_str_eq(out.v[4], "f:6:2: value 1");
	cr_assert_str_eq(out.v[5], "f:6:2: ... and 8 more problems in this "
				   "entry");
	cr_assert_str_eq(out.v[6], "f:7:1: after");
	strv_release(&out);
	problems_release(&pr);
}

Test(problems, quote_cuts_and_hides_control_characters)
{
	struct buf b = BUF_INIT;

	cr_assert_str_eq(problems_quote(&b, "a\tb\x1b[31m"), "a?b?[31m");
	cr_assert_str_eq(problems_quote(&b, "0123456789012345678901234567890123"
					    "45678901234567890123456789XYZ"),
			 "012345678901234567890123456789012345678901234567890"
			 "123456789...");
	buf_release(&b);
}
