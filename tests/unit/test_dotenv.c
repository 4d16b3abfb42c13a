/* Unit tests for config/dotenv: the .env grammar, quoting and errors. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "config/dotenv.h"

/*
 * Criterion hands parameters to a fresh process in which the parent's
 * pointers mean nothing, so each test gets an index into a file-scope table.
 */
#define NCASES(table) (sizeof(table) / sizeof((table)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

struct ok_case {
	const char *text;
	/* every pair as "KEY=[value]@line\n" */
	const char *want;
};

static const struct ok_case ok_cases[] = {
	{ "", "" },
	{ "\n\n", "" },
	{ "A=1\nB=2\n", "A=[1]@1\nB=[2]@2\n" },
	{ "A=1", "A=[1]@1\n" },
	{ "# comment\n\nA=1\n", "A=[1]@3\n" },
	{ "   # indented comment\nA=1", "A=[1]@2\n" },
	{ "export A=1", "A=[1]@1\n" },
	{ "export\tA=1", "A=[1]@1\n" },
	{ "export=1", "export=[1]@1\n" },
	{ "exported=1", "exported=[1]@1\n" },
	{ "  A  =  spaced value  \n", "A=[spaced value]@1\n" },
	{ "A=x # comment", "A=[x]@1\n" },
	{ "A=x\t# comment", "A=[x]@1\n" },
	{ "A=a#b", "A=[a#b]@1\n" },
	{ "A= #c", "A=[]@1\n" },
	{ "A=#x", "A=[#x]@1\n" },
	{ "A=", "A=[]@1\n" },
	{ "A=a=b", "A=[a=b]@1\n" },
	{ "A='lit $x \\n # y'", "A=[lit $x \\n # y]@1\n" },
	{ "A=\"q \\\"x\\\" \\\\ \\n\\t end\"", "A=[q \"x\" \\ \n\t end]@1\n" },
	{ "A=\"C:\\path\"", "A=[C:\\path]@1\n" },
	{ "A=\"x\" # c", "A=[x]@1\n" },
	{ "A='x'   ", "A=[x]@1\n" },
	{ "A=\"\"", "A=[]@1\n" },
	{ "A=\"has 'single' # inside\"", "A=[has 'single' # inside]@1\n" },
	{ "A='has \"double\"'", "A=[has \"double\"]@1\n" },
	{ "PASSWORD='p@ss w#rd'", "PASSWORD=[p@ss w#rd]@1\n" },
	{ "A=1\r\nB=2\r\n", "A=[1]@1\nB=[2]@2\n" },
	{ "\xEF\xBB\xBF" "A=1", "A=[1]@1\n" },
	{ "A=1\nA=2", "A=[1]@1\nA=[2]@2\n" },
	{ "_X1=y\nlower_case=z", "_X1=[y]@1\nlower_case=[z]@2\n" },
	{ "URL=postgres://u:p@h/db?x=1", "URL=[postgres://u:p@h/db?x=1]@1\n" },
};

static void
render(const struct dotenv *d, struct buf *out)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		buf_addf(out, "%s=[%s]@%d\n", d->pairs[i].key,
			 d->pairs[i].value, d->pairs[i].line);
}

ParameterizedTestParameters(dotenv, parses)
{
	CASE_INDICES(ok_cases);
}

ParameterizedTest(size_t *i, dotenv, parses)
{
	const struct ok_case *c = &ok_cases[*i];
	struct dotenv d = DOTENV_INIT;
	struct err e = ERR_INIT;
	struct buf got = BUF_INIT;
	int rc;

	rc = dotenv_parse(&d, c->text, strlen(c->text), ".env", &e);
	cr_assert_eq(rc, 0, "'%s': %s", c->text, e.msg);
	render(&d, &got);
	cr_assert_str_eq(got.ptr, c->want, "'%s'", c->text);
	buf_release(&got);
	dotenv_release(&d);
}

struct bad_case {
	const char *text;
	size_t len; /* 0 = strlen(text) */
	const char *file;
	const char *want; /* err_text */
};

static const struct bad_case bad_cases[] = {
	{ "A=1\nnoequals\n", 0, ".env",
	  ".env:2: line has no '=' (expected KEY=VALUE)" },
	{ "export FOO", 0, ".env",
	  ".env:1: line has no '=' (expected KEY=VALUE)" },
	{ "# c\n\n\nSAFE\n", 0, "/srv/app/.env",
	  "/srv/app/.env:4: line has no '=' (expected KEY=VALUE)" },
	{ "1A=x", 0, ".env",
	  ".env:1: invalid variable name '1A' (use letters, digits and '_', "
	  "not starting with a digit)" },
	{ "A B=x", 0, ".env",
	  ".env:1: invalid variable name 'A B' (use letters, digits and '_', "
	  "not starting with a digit)" },
	{ "=x", 0, ".env",
	  ".env:1: invalid variable name '' (use letters, digits and '_', not "
	  "starting with a digit)" },
	{ "A-B=x", 0, ".env",
	  ".env:1: invalid variable name 'A-B' (use letters, digits and '_', "
	  "not starting with a digit)" },
	{ "A=1\nB='x\n", 0, ".env", ".env:2: unterminated single quote" },
	{ "A=\"x", 0, ".env", ".env:1: unterminated double quote" },
	{ "A=\"x\\\"", 0, ".env", ".env:1: unterminated double quote" },
	{ "A='x\ny'", 0, ".env", ".env:1: unterminated single quote" },
	{ "A='it''s'", 0, ".env",
	  ".env:1: unexpected text after the closing quote" },
	{ "A='x' y", 0, ".env", ".env:1: unexpected text after the closing quote" },
	{ "A=\"x\"y", 0, ".env",
	  ".env:1: unexpected text after the closing quote" },
	{ "A=1\nB=\0x\n", 8, ".env", ".env:2: line contains a NUL byte" },
	/* no file name: messages say ".env" */
	{ "A", 0, NULL, ".env:1: line has no '=' (expected KEY=VALUE)" },
};

ParameterizedTestParameters(dotenv, rejects)
{
	CASE_INDICES(bad_cases);
}

ParameterizedTest(size_t *i, dotenv, rejects)
{
	const struct bad_case *c = &bad_cases[*i];
	struct dotenv d = DOTENV_INIT;
	struct err e = ERR_INIT;
	char text[ERR_TEXT_MAX];
	size_t len = c->len ? c->len : strlen(c->text);

	cr_assert_eq(dotenv_parse(&d, c->text, len, c->file, &e), ERR_CONFIG,
		     "'%s' accepted", c->text);
	err_text(&e, text, sizeof(text));
	cr_assert_str_eq(text, c->want);
	cr_assert_eq(d.n, 0, "pairs left behind after an error");
	dotenv_release(&d);
}

Test(dotenv, get_returns_the_last_definition)
{
	struct dotenv d = DOTENV_INIT;
	struct err e = ERR_INIT;
	const char *text = "A=1\nB=2\nA=3\n";

	cr_assert_eq(dotenv_parse(&d, text, strlen(text), ".env", &e), 0);
	cr_assert_str_eq(dotenv_get(&d, "A")->value, "3");
	cr_assert_eq(dotenv_get(&d, "A")->line, 3);
	cr_assert_str_eq(dotenv_get(&d, "B")->value, "2");
	cr_assert_null(dotenv_get(&d, "C"));
	cr_assert_null(dotenv_get(&d, "a"), "keys are case-sensitive");
	dotenv_release(&d);
	cr_assert_eq(d.n, 0);
	dotenv_release(&d); /* twice is harmless */
}

Test(dotenv, text_need_not_be_nul_terminated)
{
	struct dotenv d = DOTENV_INIT;
	struct err e = ERR_INIT;
	const char text[] = { 'A', '=', '1', '\n', 'B', '=', '2' };

	cr_assert_eq(dotenv_parse(&d, text, sizeof(text), ".env", &e), 0);
	cr_assert_eq(d.n, 2);
	cr_assert_str_eq(d.pairs[1].value, "2");
	dotenv_release(&d);
}
