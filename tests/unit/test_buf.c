/* Unit tests for common/buf: the invariants of the growable buffer. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "common/buf.h"
#include "common/strv.h"

Test(buf, starts_empty_and_nul_terminated)
{
	struct buf b = BUF_INIT;

	cr_assert_not_null(b.ptr);
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.ptr, "");
	buf_release(&b);
}

Test(buf, grows_and_formats)
{
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < 1000; i++)
		buf_addf(&b, "%d,", i);
	cr_assert_eq(b.len, strlen(b.ptr));
	cr_assert(strncmp(b.ptr, "0,1,2,", 6) == 0);
	cr_assert(buf_ends_with(&b, "999,"));
	buf_release(&b);
}

Test(buf, detach_hands_over_ownership)
{
	struct buf b = BUF_INIT;
	char *s;

	buf_adds(&b, "hello  \n");
	buf_rtrim(&b);
	s = buf_detach(&b);
	cr_assert_str_eq(s, "hello");
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.ptr, "");
	free(s);
}

Test(buf, keeps_embedded_nul)
{
	struct buf b = BUF_INIT;

	buf_add(&b, "a\0b", 3);
	cr_assert_eq(b.len, 3);
	cr_assert_eq(b.ptr[3], '\0');
	buf_release(&b);
}

Test(strv, push_and_contains)
{
	struct strv sv = STRV_INIT;

	strv_push(&sv, "a");
	strv_pushf(&sv, "%s-%d", "b", 2);
	cr_assert_eq(sv.n, 2);
	cr_assert_null(sv.v[2]);
	cr_assert(strv_contains(&sv, "b-2"));
	cr_assert_not(strv_contains(&sv, "c"));
	strv_release(&sv);
}

Test(strv, list_contains)
{
	static const char *const list[] = { "disable", "require", NULL };
	static const char *const empty[] = { NULL };

	cr_assert(strv_list_contains(list, "disable"));
	cr_assert(strv_list_contains(list, "require"));
	cr_assert_not(strv_list_contains(list, "Require"), "case matters");
	cr_assert_not(strv_list_contains(list, "req"));
	cr_assert_not(strv_list_contains(list, ""));
	cr_assert_not(strv_list_contains(empty, "disable"));
}
