/*
 * Unit tests of driver_redact, the one guard on library text against a
 * password: masked where it stands as a whole token, never inside a word,
 * in one bounded pass whatever the password (every length from 1 to 8, and
 * passwords of stars, percent signs, backslashes, quotes and '@').
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "config/target.h"
#include "drivers/driver.h"

/* Each with %s where the password goes, and whether it stands there as a
 * token (conninfo, URL, quoted, alone, between spaces) or inside a word. */
static const struct place {
	const char *fmt;
	bool token;
} places[] = {
	{ "password=%s host=db", true },
	{ "postgres://app:%s@db/app", true },
	{ "?sslmode=disable&password=%s&x=1", true },
	{ "'%s'", true },
	{ "\"%s\"", true },
	{ "`%s`", true },
	{ "%s", true },
	{ "using %s", true },
	{ "%s\tand\nmore", true },
	{ "x%s", false },
	{ "%sx", false },
	{ "x%sx", false },
	{ "%s.%s", false },
	{ "%s-1", false },
	{ "/x/no%ssock", false },
	{ "(%s)", false },
};

static struct target *
with_password(const char *pw)
{
	struct target *t = target_new();

	t->password = xstrdup_or_null(pw);
	t->username = xstrdup("app");
	t->db = xstrdup("app");
	t->host = xstrdup("db");
	return t;
}

/* fmt with every %s replaced by value (a password may hold a '%'). */
static void
put(struct buf *out, const char *fmt, const char *value)
{
	buf_reset(out);
	for (; *fmt; fmt++) {
		if (fmt[0] == '%' && fmt[1] == 's') {
			buf_adds(out, value);
			fmt++;
		} else {
			buf_addc(out, *fmt);
		}
	}
}

static char *
redacted(const struct target *t, const char *text)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, text);
	driver_redact(&b, t);
	cr_assert_leq(b.len, 4 * strlen(text) + 4, "grew: %s", b.ptr);
	cr_assert_eq(strlen(b.ptr), b.len);
	return buf_detach(&b);
}

/* Every place: masked as a token, left whole inside a word. */
static void
check_places(const char *pw, bool maskable)
{
	struct target *t = with_password(pw);
	struct buf in = BUF_INIT, want = BUF_INIT;
	size_t i;
	char *got;

	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		put(&in, places[i].fmt, pw);
		put(&want, places[i].fmt,
		    maskable && places[i].token ? "****" : pw);
		got = redacted(t, in.ptr);
		cr_assert_str_eq(got, want.ptr, "password '%s' in '%s'", pw,
				 in.ptr);
		free(got);
	}
	buf_release(&in);
	buf_release(&want);
	target_free(t);
}

struct length_case {
	int len;
};

ParameterizedTestParameters(redact, every_length_from_1_to_8)
{
	static struct length_case cases[] = {
		{ 1 }, { 2 }, { 3 }, { 4 }, { 5 }, { 6 }, { 7 }, { 8 },
	};

	return cr_make_param_array(struct length_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct length_case *c, redact, every_length_from_1_to_8,
		  .timeout = 5)
{
	char pw[9];

	/* prefixes of a word that library messages use */
	snprintf(pw, sizeof(pw), "%.*s", c->len, "expiredX");
	check_places(pw, true);
}

/* Arrays, not pointers: Criterion hands parameters to another process. */
struct odd_case {
	char pw[16];
	bool maskable; /* false: only delimiters, no word to mask */
};

ParameterizedTestParameters(redact, odd_passwords)
{
	static struct odd_case cases[] = {
		{ "*", true },	    { "**", true },	{ "***", true },
		{ "****", true },   { "*****", true },	{ "%", true },
		{ "%s", true },	    { "%n%s%d", true }, { "\\", true },
		{ "\\\\x", true },  { "p'w", true },	{ "p\"w", true },
		{ "'pw'", true },   { "p@ss", true },	{ "@pw", true },
		{ "a b", true },    { "a:b=c", true },	{ "'", false },
		{ "\"", false },    { "`", false },	{ "@", false },
		{ ":", false },	    { "=", false },	{ " ", false },
		{ "'@'", false },
	};

	return cr_make_param_array(struct odd_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct odd_case *c, redact, odd_passwords, .timeout = 5)
{
	check_places(c->pw, c->maskable);
}

/* What the old substring masking did to these, and what it must not. */
Test(redact, library_messages_keep_their_words, .timeout = 5)
{
	static const struct {
		const char *pw, *text;
	} cases[] = {
		{ "p", "timeout expired" },
		{ "o", "Can't connect to local server through socket "
		       "'/x/nosock' (2)" },
		{ "*", "Can't connect to local server through socket "
		       "'/x/no*sock' (2)" },
		{ "**", "a ***b and *** c" },
		{ "S3", "password authentication failed for user \"S3cr\"" },
		{ "YES", "Access denied for user 'app'@'db' (using "
			 "password: YESS)" },
	};
	struct target *t;
	size_t i;
	char *got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = with_password(cases[i].pw);
		got = redacted(t, cases[i].text);
		cr_assert_str_eq(got, cases[i].text);
		free(got);
		target_free(t);
	}
}

Test(redact, a_token_among_words_is_masked_however_often, .timeout = 5)
{
	struct target *t = with_password("s3cr3t");
	char *got;

	got = redacted(t, "password=s3cr3t x s3cr3ts s3cr3t\ns3cr3t");
	cr_assert_str_eq(got, "password=**** x s3cr3ts ****\n****");
	free(got);
	target_free(t);
}

Test(redact, a_password_that_is_the_user_database_or_host_is_left)
{
	static const char *const names[] = { "app", "db" };
	struct target *t;
	char *got;
	size_t i;

	for (i = 0; i < 2; i++) {
		t = with_password(names[i]);
		got = redacted(t, "Access denied for user 'app'@'db'");
		cr_assert_str_eq(got, "Access denied for user 'app'@'db'");
		free(got);
		target_free(t);
	}
}

Test(redact, no_password_changes_nothing)
{
	struct target *t = with_password(NULL);
	char *got;

	got = redacted(t, "password= host=db");
	cr_assert_str_eq(got, "password= host=db");
	free(got);
	free(t->password);
	t->password = xstrdup("");
	got = redacted(t, "");
	cr_assert_str_eq(got, "");
	free(got);
	target_free(t);
}

/* The loop that never ended: masks that contain the password, at scale. */
Test(redact, work_and_growth_are_bounded, .timeout = 5)
{
	struct buf in = BUF_INIT, want = BUF_INIT;
	struct target *t = with_password("*");
	char *got;
	size_t i;

	for (i = 0; i < 50000; i++) {
		buf_adds(&in, "* ");
		buf_adds(&want, "**** ");
	}
	got = redacted(t, in.ptr);
	cr_assert_str_eq(got, want.ptr);
	free(got);
	buf_reset(&in);
	for (i = 0; i < 100000; i++)
		buf_addc(&in, '*');
	got = redacted(t, in.ptr);
	cr_assert_str_eq(got, in.ptr, "one word of stars is not the password");
	free(got);
	buf_release(&in);
	buf_release(&want);
	target_free(t);
}

/* A secret DB_URL parameter (sslpassword) is masked like the password. */
Test(redact, secret_parameters_are_masked_too)
{
	struct target *t = with_password("pw1");
	char *got;

	strv_push(&t->params, "sslpassword=keypass");
	strv_push(&t->params, "sslmode=require");
	got = redacted(t, "could not decrypt key with 'keypass' as pw1 and "
			  "sslmode require");
	cr_assert_str_eq(got, "could not decrypt key with '****' as **** and "
			      "sslmode require");
	free(got);
	target_free(t);
}
