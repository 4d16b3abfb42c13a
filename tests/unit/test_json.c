/* Unit tests for common/json: escaping and structure. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "common/json.h"

/* Fixed arrays: Criterion runs each case in a fresh process, where the
 * pointers of the parent's string literals would not be valid. */
struct quote_case {
	char in[32];
	char out[48];
};

ParameterizedTestParameters(json, quote)
{
	static struct quote_case cases[] = {
		{ "plain", "\"plain\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "line\nnext\ttab", "\"line\\nnext\\ttab\"" },
		{ "\x01", "\"\\u0001\"" },
		{ "zo\xc3\xab \xe2\x82\xac", "\"zo\xc3\xab \xe2\x82\xac\"" },
		{ "bad \xff byte", "\"bad \\ufffd byte\"" },
		{ "cut \xe2\x82", "\"cut \\ufffd\\ufffd\"" },
	};
	return cr_make_param_array(struct quote_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct quote_case *c, json, quote)
{
	struct buf b = BUF_INIT;

	json_quote(&b, c->in);
	cr_assert_str_eq(b.ptr, c->out);
	buf_release(&b);
}

Test(json, nesting_and_commas)
{
	struct buf b = BUF_INIT;
	struct json j;

	json_init(&j, &b, false);
	json_object_begin(&j, NULL);
	json_string(&j, "a", "x");
	json_array_begin(&j, "list");
	json_int(&j, NULL, 1);
	json_int(&j, NULL, -2);
	json_array_end(&j);
	json_object_begin(&j, "o");
	json_object_end(&j);
	json_null(&j, "n");
	json_bool(&j, "t", true);
	json_string(&j, "s", NULL);
	json_object_end(&j);
	cr_assert_str_eq(b.ptr, "{\"a\":\"x\",\"list\":[1,-2],\"o\":{},"
				"\"n\":null,\"t\":true,\"s\":null}");
	buf_release(&b);
}
