/* Unit tests for common/jsonparse: what RFC 8259 accepts parses into the
 * right tree; everything else is refused with the position a person needs
 * to find it. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/json.h"
#include "common/jsonparse.h"

/* Fixed arrays: Criterion runs each case in a fresh process, where the
 * pointers of the parent's string literals would not be valid. */
struct bad_case {
	char in[96];
	size_t len; /* 0: strlen(in) */
	int line, col;
	char msg[64]; /* a part of the message */
};

ParameterizedTestParameters(jsonparse, invalid)
{
	static struct bad_case cases[] = {
		{ "", 0, 1, 1, "empty document" },
		{ "  \n ", 0, 2, 2, "empty document" },
		{ "[1,]", 0, 1, 4, "expected a value, found ']'" },
		{ "{\"a\":1,}", 0, 1, 8, "expected a string" },
		{ "[1 2]", 0, 1, 4, "expected ',' or ']', found '2'" },
		{ "{\"a\" 1}", 0, 1, 6, "expected ':' after the key" },
		{ "{\"a\":1 \"b\":2}", 0, 1, 8, "expected ',' or '}'" },
		{ "{1:2}", 0, 1, 2, "a string (an object's key)" },
		{ "[01]", 0, 1, 2, "leading zero" },
		{ "[-]", 0, 1, 3, "a digit expected" },
		{ "[+1]", 0, 1, 2, "expected a value, found '+'" },
		{ "[.5]", 0, 1, 2, "expected a value" },
		{ "[1.]", 0, 1, 4, "after the decimal point" },
		{ "[1e]", 0, 1, 4, "in the exponent" },
		{ "[1e+]", 0, 1, 5, "in the exponent" },
		{ "[1e999]", 0, 1, 2, "number out of range" },
		{ "[NaN]", 0, 1, 2, "expected a value, found 'N'" },
		{ "[Infinity]", 0, 1, 2, "expected a value" },
		{ "[tru]", 0, 1, 2, "expected a value, found 't'" },
		{ "nul", 0, 1, 1, "expected a value" },
		{ "\"abc", 0, 1, 1, "unterminated string" },
		{ "\"abc\\", 0, 1, 5, "unterminated string" },
		{ "\"a\\x\"", 0, 1, 3, "invalid escape \\'x'" },
		{ "\"\\u12\"", 0, 1, 2, "four hexadecimal digits" },
		{ "\"\\ud800\"", 0, 1, 2, "high surrogate \\ud800 not followed" },
		{ "\"\\ud800\\u0041\"", 0, 1, 2, "not followed by a low" },
		{ "\"\\udc00\"", 0, 1, 2, "lone low surrogate \\udc00" },
		{ "\"a\tb\"", 0, 1, 3, "control character U+0009" },
		{ "\"a\nb\"", 0, 1, 3, "control character U+000A" },
		{ "\"\xff\"", 0, 1, 2, "invalid UTF-8 (byte 0xff)" },
		{ "\"\xc0\xaf\"", 0, 1, 2, "invalid UTF-8" },         /* overlong */
		{ "\"\xed\xa0\x80\"", 0, 1, 2, "invalid UTF-8" },     /* surrogate */
		{ "\"\xe2\x82\"", 0, 1, 2, "invalid UTF-8" },         /* cut */
		{ "\"\xc3\xa9\" x", 0, 1, 5, "expected the end of the document" },
		{ "[1]\n[2]", 0, 2, 1, "the end of the document" },
		{ "[1]\0", 4, 1, 4, "found byte 0x00" },
		{ "{\"a\":1,\"b\":2,\"a\":3}", 0, 1, 14,
		  "duplicate key \"a\" (first at 1:2)" },
		{ "[\n  1,\n  tru\n]", 0, 3, 3, "expected a value" },
		{ "/* no */ 1", 0, 1, 1, "expected a value, found '/'" },
		{ "[1,\n\xc3\xa9]", 0, 2, 1, "expected a value, found byte 0xc3" },
		{ "\xef\xbb\xbf{}", 0, 1, 1, "expected a value" }, /* a BOM */
	};
	return cr_make_param_array(struct bad_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, jsonparse, invalid)
{
	struct json_value *v = NULL;
	struct err e = ERR_INIT;
	size_t len = c->len ? c->len : strlen(c->in);
	int r = json_parse(c->in, len, "doc.json", &v, &e);

	cr_assert_eq(r, ERR_CONFIG, "accepted: %s", c->in);
	cr_assert_null(v);
	cr_expect_str_eq(e.file, "doc.json");
	cr_expect_eq(e.line, c->line, "%s: line %d, want %d (%s)", c->in,
		     e.line, c->line, e.msg);
	cr_expect_eq(e.col, c->col, "%s: col %d, want %d (%s)", c->in, e.col,
		     c->col, e.msg);
	cr_expect(strstr(e.msg, c->msg) != NULL, "%s: message \"%s\"", c->in,
		  e.msg);
}

struct string_case {
	char in[64];
	char out[32];
	size_t out_len;
};

ParameterizedTestParameters(jsonparse, strings)
{
	static struct string_case cases[] = {
		{ "\"plain\"", "plain", 5 },
		{ "\"\"", "", 0 },
		{ "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8 },
		{ "\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6 },
		{ "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4 },
		{ "\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4 },
		{ "\"a\\u0000b\"", "a\0b", 3 },
		{ "\"z\xc3\xab \xf0\x9f\x98\x80\"", "z\xc3\xab \xf0\x9f\x98\x80", 8 },
		{ "\"\x7f\"", "\x7f", 1 },
	};
	return cr_make_param_array(struct string_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct string_case *c, jsonparse, strings)
{
	struct json_value *v = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(json_parse(c->in, strlen(c->in), NULL, &v, &e), 0,
		     "%s: %s", c->in, e.msg);
	cr_assert_eq(v->type, JSON_STRING);
	cr_assert_eq(v->u.string.len, c->out_len);
	cr_assert_eq(memcmp(v->u.string.s, c->out, c->out_len), 0);
	cr_assert_eq(v->u.string.s[c->out_len], '\0');
	json_value_free(v);
}

struct number_case {
	char in[32];
	bool is_int;
	int64_t i;
	double d;
};

ParameterizedTestParameters(jsonparse, numbers)
{
	static struct number_case cases[] = {
		{ "0", true, 0, 0 },
		{ "-0", true, 0, -0.0 },
		{ "42", true, 42, 42 },
		{ "-17", true, -17, -17 },
		{ "9223372036854775807", true, INT64_MAX, 9223372036854775807.0 },
		{ "-9223372036854775808", true, INT64_MIN, -9223372036854775808.0 },
		{ "9223372036854775808", false, 0, 9223372036854775808.0 },
		{ "1.0", true, 1, 1 },
		{ "1e2", true, 100, 100 },
		{ "1.5", false, 0, 1.5 },
		{ "-2.5E-3", false, 0, -0.0025 },
		{ "0.256357", false, 0, 0.256357 },
		{ "1e300", false, 0, 1e300 },
		{ "1e-400", true, 0, 0 }, /* underflows to zero, a whole number */
	};
	return cr_make_param_array(struct number_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct number_case *c, jsonparse, numbers)
{
	struct json_value *v = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(json_parse(c->in, strlen(c->in), NULL, &v, &e), 0,
		     "%s: %s", c->in, e.msg);
	cr_assert_eq(v->type, JSON_NUMBER);
	cr_expect_eq(v->u.number.is_int, c->is_int, "%s", c->in);
	if (c->is_int)
		cr_expect_eq(json_as_int(v, 7), c->i, "%s", c->in);
	else
		cr_expect_eq(json_as_int(v, 7), 7, "%s: not an integer", c->in);
	cr_expect_eq(json_as_double(v, 0), c->d, "%s", c->in);
	cr_expect_str_eq(v->u.number.text, c->in);
	json_value_free(v);
}

static struct json_value *
parse_ok(const char *text)
{
	struct json_value *v = NULL;
	struct err e = ERR_INIT;

	cr_assert_eq(json_parse(text, strlen(text), NULL, &v, &e), 0,
		     "%s: %d:%d: %s", text, e.line, e.col, e.msg);
	return v;
}

Test(jsonparse, tree_and_accessors)
{
	struct json_value *v = parse_ok(
	    " {\"b\": [1, \"two\", null, true],\n  \"a\": {\"x\": false},"
	    " \"\": 3}\n");
	const struct json_value *arr = json_get(v, "b");

	cr_assert_eq(json_count(v), 3);
	/* key order is the document's */
	cr_assert_str_eq(v->u.object.v[0].key, "b");
	cr_assert_str_eq(v->u.object.v[1].key, "a");
	cr_assert_eq(v->u.object.v[1].line, 2);
	cr_assert_eq(v->u.object.v[1].col, 3);
	cr_assert_eq(v->line, 1);
	cr_assert_eq(v->col, 2);
	cr_assert_eq(json_count(arr), 4);
	cr_assert_eq(json_as_int(json_index(arr, 0), -1), 1);
	cr_assert_str_eq(json_as_string(json_index(arr, 1)), "two");
	cr_assert(json_is(json_index(arr, 2), JSON_NULL));
	cr_assert(json_as_bool(json_index(arr, 3), false));
	cr_assert_null(json_index(arr, 4));
	cr_assert_eq(json_as_bool(json_get(json_get(v, "a"), "x"), true), false);
	cr_assert_eq(json_as_int(json_get(v, ""), 0), 3);
	/* wrong types and NULLs give the default, never a crash */
	cr_assert_null(json_get(arr, "b"));
	cr_assert_null(json_index(v, 0));
	cr_assert_null(json_as_string(json_index(arr, 0)));
	cr_assert_eq(json_as_int(json_index(arr, 1), -5), -5);
	cr_assert_eq(json_as_double(NULL, 2.5), 2.5);
	cr_assert_eq(json_as_bool(json_index(arr, 2), true), true);
	cr_assert_null(json_get(NULL, "x"));
	cr_assert_eq(json_count(NULL), 0);
	cr_assert_eq(json_as_int(json_get(json_get(json_index(NULL, 3), "a"),
					  "b"), 9), 9);
	json_value_free(v);
	json_value_free(NULL);
}

static void
nested(struct buf *b, int depth)
{
	int i;

	buf_reset(b);
	for (i = 0; i < depth; i++)
		buf_addc(b, '[');
	for (i = 0; i < depth; i++)
		buf_addc(b, ']');
}

Test(jsonparse, depth_limit)
{
	struct buf b = BUF_INIT;
	struct json_value *v = NULL;
	struct err e = ERR_INIT;

	nested(&b, JSON_PARSE_MAX_DEPTH);
	cr_assert_eq(json_parse(b.ptr, b.len, NULL, &v, &e), 0, "%s", e.msg);
	json_value_free(v);
	v = NULL;
	nested(&b, JSON_PARSE_MAX_DEPTH + 1);
	cr_assert_eq(json_parse(b.ptr, b.len, NULL, &v, &e), ERR_CONFIG);
	cr_assert_null(v);
	cr_assert_eq(e.col, JSON_PARSE_MAX_DEPTH + 1);
	cr_assert(strstr(e.msg, "nested deeper than 64") != NULL, "%s", e.msg);
	/* far deeper input must not exhaust the stack either */
	nested(&b, 100000);
	cr_assert_eq(json_parse(b.ptr, b.len, NULL, &v, &e), ERR_CONFIG);
	buf_release(&b);
}

Test(jsonparse, big_object_duplicate_found)
{
	struct buf b = BUF_INIT;
	struct json_value *v = NULL;
	struct err e = ERR_INIT;
	int i;

	buf_addc(&b, '{');
	for (i = 0; i < 20000; i++)
		buf_addf(&b, "\"k%d\":%d,", i, i);
	buf_adds(&b, "\"k123\":0}");
	cr_assert_eq(json_parse(b.ptr, b.len, NULL, &v, &e), ERR_CONFIG);
	cr_assert(strstr(e.msg, "duplicate key \"k123\"") != NULL, "%s", e.msg);
	buf_release(&b);
}

/* What common/json.c writes, json_value_write writes back byte for byte. */
Test(jsonparse, round_trip_with_the_writer)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct json_value *v;
	struct json j;

	json_init(&j, &a, true);
	json_object_begin(&j, NULL);
	json_string(&j, "schema", "x\"y\\z\n\x01 \xc3\xa9");
	json_int(&j, "n", -12);
	json_double(&j, "seconds", 0.256357);
	json_null(&j, "none");
	json_bool(&j, "t", true);
	json_array_begin(&j, "empty");
	json_array_end(&j);
	json_object_begin(&j, "eo");
	json_object_end(&j);
	json_array_begin(&j, "list");
	json_object_begin(&j, NULL);
	json_string(&j, "k", "v");
	json_object_end(&j);
	json_int(&j, NULL, 3);
	json_array_end(&j);
	json_object_end(&j);
	v = parse_ok(a.ptr);
	json_value_write(&b, v, 0);
	cr_assert_str_eq(b.ptr, a.ptr);
	json_value_free(v);
	buf_release(&a);
	buf_release(&b);
}

Test(jsonparse, write_escapes_nul)
{
	struct json_value *v = parse_ok("[\"a\\u0000b\"]");
	struct buf b = BUF_INIT;

	json_value_write(&b, v, 0);
	cr_assert_str_eq(b.ptr, "[\n  \"a\\u0000b\"\n]");
	json_value_free(v);
	buf_release(&b);
}
