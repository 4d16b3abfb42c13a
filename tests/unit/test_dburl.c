/* Unit tests for config/dburl: every accepted form, every error, redaction. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "config/dburl.h"

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
	const char *url;
	const char *engine;
	const char *user;
	const char *password;
	const char *host;
	const char *unix_socket;
	int port;
	const char *db;
	const char *params; /* joined with '&'; "" = none */
};

static const struct ok_case ok_cases[] = {
	{ "postgres://u:p@h:5433/db", "postgres", "u", "p", "h", NULL, 5433,
	  "db", "" },
	{ "postgresql://h/db", "postgres", NULL, NULL, "h", NULL, 0, "db", "" },
	{ "POSTGRES://h", "postgres", NULL, NULL, "h", NULL, 0, NULL, "" },
	{ "mysql://root@127.0.0.1:3306/app", "mysql", "root", NULL,
	  "127.0.0.1", NULL, 3306, "app", "" },
	{ "mariadb://u:@h/db", "mysql", "u", "", "h", NULL, 0, "db", "" },
	{ "mysql://:pw@h/db", "mysql", NULL, "pw", "h", NULL, 0, "db", "" },
	/* percent-decoding of userinfo, host and path */
	{ "mysql://u%40x:p%2Fw%3Aq%25@h/d%20b", "mysql", "u@x", "p/w:q%", "h",
	  NULL, 0, "d b", "" },
	{ "postgres://h/d%2Fb", "postgres", NULL, NULL, "h", NULL, 0, "d/b",
	  "" },
	{ "postgres://u:a+b@h/db", "postgres", "u", "a+b", "h", NULL, 0, "db",
	  "" },
	/* an unencoded '@' in the password: split at the last '@' */
	{ "mysql://User:P@ss:w@MyHost/x", "mysql", "User", "P@ss:w", "MyHost",
	  NULL, 0, "x", "" },
	{ "postgres://[::1]:5432/db", "postgres", NULL, NULL, "::1", NULL,
	  5432, "db", "" },
	{ "postgres://u@[2001:db8::1]/db", "postgres", "u", NULL,
	  "2001:db8::1", NULL, 0, "db", "" },
	{ "postgres://%2Fvar%2Frun%2Fpostgresql/db", "postgres", NULL, NULL,
	  NULL, "/var/run/postgresql", 0, "db", "" },
	{ "postgres:///onlydb", "postgres", NULL, NULL, NULL, NULL, 0,
	  "onlydb", "" },
	{ "postgres://h:/db", "postgres", NULL, NULL, "h", NULL, 0, "db", "" },
	{ "postgres://h/", "postgres", NULL, NULL, "h", NULL, 0, NULL, "" },
	{ "postgres://", "postgres", NULL, NULL, NULL, NULL, 0, NULL, "" },
	{ "postgres://h:65535", "postgres", NULL, NULL, "h", NULL, 65535, NULL,
	  "" },
	{ "postgres://h/db?sslmode=require&connect_timeout=5", "postgres",
	  NULL, NULL, "h", NULL, 0, "db", "sslmode=require&connect_timeout=5" },
	/* unknown parameters are kept: the driver decides */
	{ "postgres://h/db?bogus=1", "postgres", NULL, NULL, "h", NULL, 0, "db",
	  "bogus=1" },
	{ "postgres://h/db?application_name=a%26b&&x=", "postgres", NULL, NULL,
	  "h", NULL, 0, "db", "application_name=a&b&x=" },
	{ "postgres://h?sslmode=disable", "postgres", NULL, NULL, "h", NULL, 0,
	  NULL, "sslmode=disable" },
	{ "sqlite:///abs/path.db", "sqlite", NULL, NULL, NULL, NULL, 0,
	  "/abs/path.db", "" },
	{ "sqlite:relative.db", "sqlite", NULL, NULL, NULL, NULL, 0,
	  "relative.db", "" },
	{ "sqlite:dir/my%20file.db", "sqlite", NULL, NULL, NULL, NULL, 0,
	  "dir/my file.db", "" },
	{ "sqlite:/abs.db", "sqlite", NULL, NULL, NULL, NULL, 0, "/abs.db", "" },
	{ "SQLite:///tmp/x.db?mode=ro", "sqlite", NULL, NULL, NULL, NULL, 0,
	  "/tmp/x.db", "mode=ro" },
	{ "sqlite:", "sqlite", NULL, NULL, NULL, NULL, 0, NULL, "" },
	{ "sqlite://", "sqlite", NULL, NULL, NULL, NULL, 0, NULL, "" },
};

static void
assert_str_or_null(const char *got, const char *want, const char *what,
		   const char *url)
{
	if (want == NULL)
		cr_assert_null(got, "%s: %s should be absent, got '%s'", url,
			       what, got);
	else
		cr_assert(got != NULL && strcmp(got, want) == 0,
			  "%s: %s is '%s', want '%s'", url, what,
			  got ? got : "(null)", want);
}

ParameterizedTestParameters(dburl, parses)
{
	CASE_INDICES(ok_cases);
}

ParameterizedTest(size_t *i, dburl, parses)
{
	const struct ok_case *c = &ok_cases[*i];
	struct dburl u;
	struct err e = ERR_INIT;
	struct buf params = BUF_INIT;
	size_t k;

	dburl_init(&u);
	cr_assert_eq(dburl_parse(&u, c->url, &e), 0, "%s: %s", c->url, e.msg);
	assert_str_or_null(u.engine, c->engine, "engine", c->url);
	assert_str_or_null(u.user, c->user, "user", c->url);
	assert_str_or_null(u.password, c->password, "password", c->url);
	assert_str_or_null(u.host, c->host, "host", c->url);
	assert_str_or_null(u.unix_socket, c->unix_socket, "socket", c->url);
	assert_str_or_null(u.db, c->db, "db", c->url);
	cr_assert_eq(u.port, c->port, "%s: port %d", c->url, u.port);
	for (k = 0; k < u.params.n; k++)
		buf_addf(&params, "%s%s", k ? "&" : "", u.params.v[k]);
	cr_assert_str_eq(params.ptr, c->params, "%s", c->url);
	buf_release(&params);
	dburl_release(&u);
	cr_assert_null(u.engine);
}

struct bad_case {
	const char *url;
	const char *msg;    /* the exact message */
	const char *secret; /* must not appear in the message; NULL = none */
};

static const struct bad_case bad_cases[] = {
	{ "foo://h/db",
	  "unknown scheme 'foo' (expected sqlite, postgres, "
	  "postgresql, mysql, mariadb)",
	  NULL },
	{ "http://u:secret@h/db",
	  "unknown scheme 'http' (expected sqlite, postgres, "
	  "postgresql, mysql, mariadb)",
	  "secret" },
	{ "just-a-name",
	  "not a URL (expected scheme://..., with scheme one of sqlite, "
	  "postgres, postgresql, mysql, mariadb)",
	  NULL },
	{ "",
	  "not a URL (expected scheme://..., with scheme one of sqlite, "
	  "postgres, postgresql, mysql, mariadb)",
	  NULL },
	{ "postgres://h:abc/db", "the port is not a number (1-65535)", NULL },
	{ "postgres://h:0/db", "'0' is not a port number (1-65535)", NULL },
	{ "postgres://h:70000/db", "'70000' is not a port number (1-65535)",
	  NULL },
	{ "postgres://h:-1/db", "the port is not a number (1-65535)", NULL },
	{ "postgres://h/a/b",
	  "the path '/a/b' must be one database name (write '/' inside a name "
	  "as %2F)",
	  NULL },
	{ "postgres://u:p%zzsecret@h/db", "bad percent-escape in the password",
	  "secret" },
	{ "postgres://u:secret%4@h/db", "bad percent-escape in the password",
	  "secret" },
	{ "postgres://u:sec%00ret@h/db", "%00 (NUL byte) in the password",
	  "sec" },
	{ "postgres://h/d%00b", "%00 (NUL byte) in the database name 'd%00b'",
	  NULL },
	{ "postgres://u%g1@h/db", "bad percent-escape in the user name 'u%g1'",
	  NULL },
	{ "sqlite:x%2", "bad percent-escape in the path 'x%2'", NULL },
	{ "postgres://u:p#secret@h/db",
	  "'#' must be percent-encoded as %23 (a fragment has no meaning here)",
	  "secret" },
	{ "postgres:h/db", "expected postgres://[user[:password]@]host[:port]/db",
	  NULL },
	{ "mariadb:/x", "expected mariadb://[user[:password]@]host[:port]/db",
	  NULL },
	{ "postgres://[::1/db", "IPv6 host '[::1' has no closing ']'", NULL },
	{ "postgres://[zz]/db", "'zz' is not an IPv6 address", NULL },
	{ "postgres://[]/db", "'' is not an IPv6 address", NULL },
	{ "postgres://[::1]x/db", "unexpected 'x' after the IPv6 host", NULL },
	{ "postgres://h%20x/db",
	  "the host contains a space or a control character", NULL },
	{ "sqlite://relative.db",
	  "a sqlite URL has no host ('relative.db'); write sqlite:relative.db "
	  "or sqlite:///absolute/path.db",
	  NULL },
	/* a message quotes a part of the URL, never what may be a password */
	{ "sqlite://u:secret@h/x.db",
	  "a sqlite URL has no host ('u:****@h'); write sqlite:relative.db "
	  "or sqlite:///absolute/path.db",
	  "secret" },
	{ "sqlite://u:S3cr3tX@/srv/app.db",
	  "a sqlite URL has no host ('u:****@'); write sqlite:relative.db "
	  "or sqlite:///absolute/path.db",
	  "S3cr3tX" },
	{ "SQLite://admin:TopSecret99@/x.db",
	  "a sqlite URL has no host ('admin:****@'); write "
	  "sqlite:relative.db or sqlite:///absolute/path.db",
	  "TopSecret99" },
	/* an unencoded '/' or '?' in a password ends the authority early: the
	 * pieces quoted by the messages that follow are still masked */
	{ "postgres://u:Pw1/Xy9@h/db", "the port is not a number (1-65535)",
	  "Pw1" },
	{ "postgres://u:99999/Xy9@h/db", "'****' is not a port number (1-65535)",
	  "99999" },
	{ "postgres://u:9/Xy9@h/db",
	  "the path '/****@h/db' must be one database name (write '/' inside "
	  "a name as %2F)",
	  "Xy9" },
	{ "postgres://u:5?Zw8@h/db",
	  "query parameter '****@h/db' is not key=value", "Zw8" },
	{ "postgres://u:5?x=1&a%3DQv4=2@h/db",
	  "query parameter name '****' contains '='", "Qv4" },
	{ "mysql://u:7/Kx%zz/q@h/db",
	  "the path '/****@h/db' must be one database name (write '/' inside "
	  "a name as %2F)",
	  "Kx" },
	{ "mysql://u:77/Kx%zz@h",
	  "bad percent-escape in the database name '****@h'", "Kx" },
	/* no '@': "u:x" is a host and a port, but a port that is not a
	 * number may be a password whose "@host" went missing */
	{ "postgres://admin:Hq7secret", "the port is not a number (1-65535)",
	  "Hq7" },
	{ "sqlite://u:Mm3@h/", "a sqlite URL has no host ('u:****@h'); write "
	  "sqlite:relative.db or sqlite:///absolute/path.db", "Mm3" },
	/* the user name is not a secret: it is shown */
	{ "postgres://alice:Pw1/x@h/db", "the port is not a number (1-65535)",
	  "Pw1" },
	{ "sqlite:///", "sqlite path '/' is a directory, not a database file",
	  NULL },
	{ "sqlite:dir/", "sqlite path 'dir/' is a directory, not a database file",
	  NULL },
	{ "postgres://h/db?sslmode", "query parameter 'sslmode' is not key=value",
	  NULL },
	{ "postgres://h/db?=x", "query parameter '=x' is not key=value", NULL },
	{ "postgres://h/db?password=se%zzcret",
	  "bad percent-escape in a query parameter value", "cret" },
	{ "postgres://h/db?a%3Db=1", "query parameter name 'a=b' contains '='",
	  NULL },
};

ParameterizedTestParameters(dburl, rejects)
{
	CASE_INDICES(bad_cases);
}

ParameterizedTest(size_t *i, dburl, rejects)
{
	const struct bad_case *c = &bad_cases[*i];
	struct dburl u;
	struct err e = ERR_INIT;

	dburl_init(&u);
	cr_assert_eq(dburl_parse(&u, c->url, &e), ERR_CONFIG, "%s accepted",
		     c->url);
	cr_assert_eq(e.code, ERR_CONFIG);
	cr_assert_str_eq(e.msg, c->msg, "%s", c->url);
	if (c->secret != NULL)
		cr_assert_null(strstr(e.msg, c->secret), "%s: leaks in '%s'",
			       c->url, e.msg);
	/* a failed parse leaves nothing behind */
	cr_assert_null(u.scheme);
	cr_assert_null(u.host);
	cr_assert_eq(u.params.n, 0);
	dburl_release(&u);
}

/*
 * Whatever the shape of a bad URL, its message holds neither the password
 * nor a piece of it: each password is tried in templates that break the
 * URL before, inside and after the userinfo, raw and percent-encoded.
 */
Test(dburl, no_message_holds_the_password)
{
	static const char *const passwords[] = {
		"Zq9-aud1t-SECRET", "Zq9/aud1t/SECRET", "Zq9?aud1t=SECRET",
		"Zq9%2Faud1t%3FSECRET", "Zq9@aud1t:SECRET", "Zq9[aud1t]SECRET",
		"Zq9 aud1t%zzSECRET",
	};
	static const char *const templates[] = {
		"sqlite://u:%s@/srv/app.db", "sqlite://u:%s@h/x.db",
		"sqlite://u:%s@/dir/", "postgres://u:%s@h:port/db",
		"postgres://u:%s@h/a/b", "postgres://u:%s@h/db?novalue",
		"postgres://u:%s@h/db?a%3Db=1", "mysql://u:%s@[::1/db",
		"mysql://u:%s@[zz]/db", "mysql://u:%s@h%20x/db",
		"mysql://u:%s@h/d%zz", "mariadb://u:%s@h:99999",
		"postgres://u:%s@h/db?password=%zz", "http://u:%s@h/db",
		"postgres://u:%s", "postgres://u:%s@",
	};
	struct err e = ERR_INIT;
	struct buf url = BUF_INIT;
	struct dburl u;
	size_t i, j;

	dburl_init(&u);
	for (i = 0; i < sizeof(passwords) / sizeof(passwords[0]); i++) {
		for (j = 0; j < sizeof(templates) / sizeof(templates[0]); j++) {
			const char *at = strstr(templates[j], "%s");

			buf_reset(&url);
			buf_add(&url, templates[j], (size_t)(at - templates[j]));
			buf_adds(&url, passwords[i]);
			buf_adds(&url, at + 2);
			err_clear(&e);
			if (dburl_parse(&u, url.ptr, &e) == 0)
				continue;
			cr_assert_null(strstr(e.msg, "aud1t"),
				       "%s: leaks in '%s'", url.ptr, e.msg);
			cr_assert_null(strstr(e.msg, "SECRET"),
				       "%s: leaks in '%s'", url.ptr, e.msg);
			cr_assert_null(strstr(e.msg, "Zq9"),
				       "%s: leaks in '%s'", url.ptr, e.msg);
		}
	}
	dburl_release(&u);
	buf_release(&url);
}

Test(dburl, reparse_releases_previous)
{
	struct dburl u;
	struct err e = ERR_INIT;

	dburl_init(&u);
	cr_assert_eq(dburl_parse(&u, "postgres://u:p@h/db?a=1", &e), 0);
	cr_assert_eq(dburl_parse(&u, "mysql://h2", &e), 0);
	cr_assert_str_eq(u.engine, "mysql");
	cr_assert_null(u.user);
	cr_assert_null(u.db);
	cr_assert_eq(u.params.n, 0);
	dburl_release(&u);
}

/* Every name of config/engine.h is a scheme, in any case; the engine is
 * canonical and the scheme is kept as written, lower-cased. */
Test(dburl, scheme_engine)
{
	static const char *const urls[][3] = {
		{ "postgresql://h/db", "postgres", "postgresql" },
		{ "MariaDB://h/db", "mysql", "mariadb" },
		{ "SQLite:x.db", "sqlite", "sqlite" },
	};
	struct err e = ERR_INIT;
	struct dburl u;
	size_t i;

	dburl_init(&u);
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		cr_assert_eq(dburl_parse(&u, urls[i][0], &e), 0, "%s", e.msg);
		cr_assert_str_eq(u.engine, urls[i][1]);
		cr_assert_str_eq(u.scheme, urls[i][2]);
	}
	cr_assert_eq(dburl_parse(&u, "oracle://h/db", &e), ERR_CONFIG);
	dburl_release(&u);
}

struct redact_case {
	const char *url;
	const char *want;
};

static const struct redact_case redact_cases[] = {
	{ "postgres://u:secret@h/db", "postgres://u:****@h/db" },
	{ "postgres://u@h/db", "postgres://u@h/db" },
	{ "postgres://h:5432/db", "postgres://h:5432/db" },
	{ "mysql://u:p@ss@h/db", "mysql://u:****@h/db" },
	{ "mysql://u:p/s?s#w@h/db", "mysql://u:****@h/db" },
	{ "mysql://u:@h/db", "mysql://u:****@h/db" },
	{ "postgres://h/db?password=secret&sslmode=require",
	  "postgres://h/db?password=****&sslmode=require" },
	{ "postgres://h/db?sslmode=require&PassWord=secret",
	  "postgres://h/db?sslmode=require&PassWord=****" },
	{ "postgres://h/db?pass%77ord=secret", "postgres://h/db?pass%77ord=****" },
	{ "postgres://u:a@h/db?password=b", "postgres://u:****@h/db?password=****" },
	{ "postgres://h/db?passwords=x", "postgres://h/db?passwords=x" },
	{ "sqlite:x.db", "sqlite:x.db" },
	{ "sqlite:x.db?password=y", "sqlite:x.db?password=****" },
	{ "garbage", "garbage" },
	{ "", "" },
};

ParameterizedTestParameters(dburl, redacts)
{
	CASE_INDICES(redact_cases);
}

ParameterizedTest(size_t *i, dburl, redacts)
{
	const struct redact_case *c = &redact_cases[*i];
	struct buf out = BUF_INIT;

	buf_adds(&out, ">");
	dburl_redact(c->url, &out);
	cr_assert_str_eq(out.ptr + 1, c->want, "%s", c->url);
	buf_release(&out);
}

/* In place, for argv: the same bytes as dburl_redact masks, length kept. */
Test(dburl, hides_in_place)
{
	static const char *const cases[][2] = {
		{ "postgres://u:secret@h/db", "postgres://u:******@h/db" },
		{ "mysql://u:p@ss@h/db", "mysql://u:****@h/db" },
		{ "mysql://u:p/s?s#w@h/db", "mysql://u:*******@h/db" },
		{ "postgres://h/db?password=secret&sslmode=require",
		  "postgres://h/db?password=******&sslmode=require" },
		{ "postgres://u:a@h/db?pass%77ord=bc",
		  "postgres://u:*@h/db?pass%77ord=**" },
		{ "postgres://u@h/db", "postgres://u@h/db" },
		{ "sqlite:x.db?password=y", "sqlite:x.db?password=*" },
		{ "garbage", "garbage" },
	};
	char url[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(url, sizeof(url), "%s", cases[i][0]);
		dburl_hide(url);
		cr_assert_str_eq(url, cases[i][1], "%s", cases[i][0]);
	}
}
