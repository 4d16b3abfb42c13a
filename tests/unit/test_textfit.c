/* Unit tests for drivers/textfit: what a column cannot hold, and limits. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "common/buf.h"
#include "drivers/textfit.h"

struct fit_case {
	enum textfit_rep rep;
	const char *in;
	const char *out; /* NULL: unchanged */
	size_t replaced;
};

static struct fit_case repertoire_cases[] = {
	/* arrow, CJK, emoji: what the Python tool's latin1 table refuses */
	{ TEXTFIT_CP1252, "a \xe2\x86\x92 b", "a ? b", 1 },
	{ TEXTFIT_CP1252, "\xe6\xbc\xa2\xe5\xad\x97", "??", 2 },
	{ TEXTFIT_CP1252, "x\xf0\x9f\x98\x80y", "x?y", 1 },
	/* Latin-1 and Windows-1252's own characters fit latin1 */
	{ TEXTFIT_CP1252, "caf\xc3\xa9 \xe2\x82\xac \xe2\x80\x9cq\xe2\x80\x9d",
	  NULL, 0 },
	{ TEXTFIT_LATIN1, "caf\xc3\xa9", NULL, 0 },
	{ TEXTFIT_LATIN1, "\xe2\x82\xac", "?", 1 },
	/* utf8mb3 holds the BMP only */
	{ TEXTFIT_BMP, "\xe2\x86\x92\xe6\xbc\xa2", NULL, 0 },
	{ TEXTFIT_BMP, "a\xf0\x9f\x98\x80", "a?", 1 },
	{ TEXTFIT_UNICODE, "a\xf0\x9f\x98\x80", NULL, 0 },
	{ TEXTFIT_ASCII, "caf\xc3\xa9", "caf?", 1 },
	/* bytes that are no UTF-8 (an executable's output) */
	{ TEXTFIT_UNICODE, "a\xff\xfe" "b", "a??b", 2 },
	{ TEXTFIT_UNICODE, "\xc0\xaf", "??", 2 },        /* overlong */
	{ TEXTFIT_UNICODE, "\xed\xa0\x80", "???", 3 },   /* surrogate */
	{ TEXTFIT_UNICODE, "\xe2\x86", "??", 2 },        /* cut short */
	{ TEXTFIT_BYTES, "a\xff" "b", NULL, 0 },
	{ TEXTFIT_CP1252, "quotes ' \" \\ and\nnewlines", NULL, 0 },
};

#define NCASES (sizeof(repertoire_cases) / sizeof(repertoire_cases[0]))

/* Indices, not the cases: a worker process may not share their pointers. */
ParameterizedTestParameters(textfit, repertoires)
{
	static size_t idx[NCASES];
	size_t i;

	for (i = 0; i < NCASES; i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, NCASES);
}

ParameterizedTest(size_t *i, textfit, repertoires)
{
	const struct fit_case *c = &repertoire_cases[*i];
	struct textfit_limit lim = { c->rep, 0, 0 };
	struct buf out = BUF_INIT;
	size_t n = 99;
	unsigned what = textfit(&lim, c->in, &out, &n);

	if (c->out == NULL) {
		cr_assert_eq(what, 0, "changed %s into %s", c->in, out.ptr);
		cr_assert_eq(out.len, 0, "out touched");
	} else {
		cr_assert_eq(what, TEXTFIT_REPLACED);
		cr_assert_str_eq(out.ptr, c->out);
	}
	cr_assert_eq(n, c->replaced);
	buf_release(&out);
}

Test(textfit, a_text_over_the_limit_is_cut_with_a_marker)
{
	struct textfit_limit lim = { TEXTFIT_CP1252, 40, 0 };
	struct buf out = BUF_INIT;
	char in[101];

	memset(in, 'x', 100);
	in[100] = '\0';
	cr_assert_eq(textfit(&lim, in, &out, NULL), TEXTFIT_TRUNCATED);
	cr_assert_eq(out.len, 40);
	cr_assert_str_eq(out.ptr, "xxxxxxxxxxx [... truncated by migratore]");
	buf_release(&out);
}

Test(textfit, a_byte_limit_counts_bytes_in_the_columns_encoding)
{
	/* TEXT: 65,535 bytes; in utf8mb4 an arrow takes 3, in latin1 its
	 * '?' takes 1 */
	struct textfit_limit u8 = { TEXTFIT_UNICODE, 0, 40 };
	struct textfit_limit l1 = { TEXTFIT_CP1252, 0, 40 };
	struct buf out = BUF_INIT;
	char in[3 * 20 + 1];
	int i;

	for (i = 0; i < 20; i++)
		memcpy(in + 3 * i, "\xe2\x86\x92", 3);
	in[60] = '\0';
	cr_assert_eq(textfit(&u8, in, &out, NULL), TEXTFIT_TRUNCATED);
	/* 40 - 29 bytes of marker leave 11: three whole arrows (9 bytes) */
	cr_assert_eq(out.len, 9 + strlen(" [... truncated by migratore]"));
	cr_assert_eq(memcmp(out.ptr, in, 9), 0, "cut inside a character");
	buf_reset(&out);
	cr_assert_eq(textfit(&l1, in, &out, NULL), TEXTFIT_REPLACED);
	cr_assert_eq(out.len, 20);
	buf_release(&out);
}

Test(textfit, a_limit_shorter_than_the_marker_cuts_without_it)
{
	struct textfit_limit lim = { TEXTFIT_UNICODE, 5, 0 };
	struct buf out = BUF_INIT;
	size_t n;

	cr_assert_eq(textfit(&lim, "\xe2\x86\x92\xe2\x86\x92\xe2\x86\x92"
				   "\xe2\x86\x92\xe2\x86\x92\xe2\x86\x92",
			     &out, &n),
		     TEXTFIT_TRUNCATED);
	cr_assert_eq(out.len, 15, "5 characters of 3 bytes");
	cr_assert_eq(n, 0);
	cr_assert_eq(textfit(&lim, "abcde", &out, &n), 0, "exactly the limit");
	buf_release(&out);
}

Test(textfit, replaced_and_cut_together)
{
	struct textfit_limit lim = { TEXTFIT_CP1252, 35, 0 };
	struct buf out = BUF_INIT;
	size_t n;

	cr_assert_eq(textfit(&lim, "\xe2\x86\x92 then a long explanation of what went wrong",
			     &out, &n),
		     TEXTFIT_REPLACED | TEXTFIT_TRUNCATED);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(out.ptr, "? then [... truncated by migratore]");
	buf_release(&out);
}
