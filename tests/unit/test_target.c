/* Unit tests for config/target: lifecycle, names, the safe description. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "config/target.h"

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

Test(target, new_has_usable_defaults)
{
	struct target *t = target_new();
	int k;

	cr_assert_str_eq(t->engine, "sqlite");
	cr_assert_str_eq(t->name, "default");
	cr_assert(t->safe);
	cr_assert_not(t->debug);
	cr_assert_eq(t->lock_timeout, 60);
	cr_assert_null(t->host);
	cr_assert_null(t->password);
	cr_assert_eq(t->port, 0);
	cr_assert_eq(t->params.n, 0);
	for (k = 0; k < CFG_NKEYS; k++)
		cr_assert_eq(t->source[k], SRC_UNSET);
	target_free(t);
	target_free(NULL);
}

Test(target, dup_is_deep)
{
	struct target *t = target_new(), *d;

	t->host = xstrdup("h");
	t->password = xstrdup("secret");
	t->port = 5433;
	t->source[CFG_HOST] = SRC_ENV;
	strv_push(&t->params, "sslmode=require");
	strv_push(&t->tags, "eu");
	d = target_dup(t);
	t->host[0] = 'X';
	t->params.v[0][0] = 'X';
	target_free(t);
	cr_assert_str_eq(d->host, "h");
	cr_assert_str_eq(d->password, "secret");
	cr_assert_eq(d->port, 5433);
	cr_assert_eq(d->source[CFG_HOST], SRC_ENV);
	cr_assert_str_eq(d->params.v[0], "sslmode=require");
	cr_assert_str_eq(d->tags.v[0], "eu");
	cr_assert_str_eq(d->engine, "sqlite");
	target_free(d);
}

Test(target, key_names_are_distinct_lower_case)
{
	int a, b;
	const char *n;

	for (a = 0; a < CFG_NKEYS; a++) {
		n = cfg_key_name((enum cfg_key)a);
		cr_assert_not_null(n);
		cr_assert_neq(strcmp(n, "?"), 0, "key %d has no name", a);
		for (b = 0; n[b] != '\0'; b++)
			cr_assert(n[b] == '_' || (n[b] >= 'a' && n[b] <= 'z'));
		for (b = a + 1; b < CFG_NKEYS; b++)
			cr_assert_neq(strcmp(n, cfg_key_name((enum cfg_key)b)),
				      0);
	}
	cr_assert_str_eq(cfg_key_name(CFG_DB_URL), "db_url");
	cr_assert_str_eq(cfg_key_name(CFG_LOCK_TIMEOUT), "lock_timeout");
	cr_assert_str_eq(cfg_key_name(CFG_NKEYS), "?");
}

Test(target, source_names)
{
	cr_assert_str_eq(cfg_source_name(SRC_ENV), "environment");
	cr_assert_str_eq(cfg_source_name(SRC_DOTENV), ".env");
	cr_assert_str_eq(cfg_source_name(SRC_FLAG), "command line");
	cr_assert_str_eq(cfg_source_name(SRC_URL), "DB_URL");
	cr_assert_str_eq(cfg_source_name(SRC_DEFAULT), "default");
	cr_assert_str_eq(cfg_source_name(SRC_DERIVED), "derived");
	cr_assert_str_eq(cfg_source_name(SRC_INVENTORY), "inventory");
	cr_assert_str_eq(cfg_source_name((enum cfg_source)99), "?");
}

struct describe_case {
	const char *engine;
	const char *user;
	const char *password;
	const char *host;
	int port;
	const char *socket;
	const char *db;
	const char *want;
};

static const struct describe_case describe_cases[] = {
	{ "sqlite", NULL, NULL, NULL, 0, NULL, "/abs/x.db",
	  "sqlite /abs/x.db" },
	{ "sqlite", NULL, NULL, NULL, 0, NULL, NULL, "sqlite (no file)" },
	{ "postgres", "u", "s3cret", "h", 5433, NULL, "db",
	  "postgres u:****@h:5433/db" },
	{ "postgres", "u", NULL, "h", 5433, NULL, "db", "postgres u@h:5433/db" },
	{ "postgres", "u", NULL, NULL, 0, NULL, "db",
	  "postgres u@localhost:5432/db" },
	{ "mysql", "root", NULL, NULL, 0, NULL, "app",
	  "mysql root@localhost:3306/app" },
	{ "mysql", "root", "s3cret", "h", 0, "/tmp/mysql.sock", "app",
	  "mysql root:****@/tmp/mysql.sock/app" },
	{ "postgres", "u", NULL, "::1", 0, NULL, "db",
	  "postgres u@[::1]:5432/db" },
	{ "postgres", NULL, NULL, NULL, 0, NULL, "db",
	  "postgres localhost:5432/db" },
	{ "postgres", NULL, "s3cret", "h", 0, NULL, NULL,
	  "postgres :****@h:5432" },
	{ "mysql", "u", "", "h", 1, NULL, "d", "mysql u:****@h:1/d" },
};

ParameterizedTestParameters(target, describe)
{
	CASE_INDICES(describe_cases);
}

ParameterizedTest(size_t *i, target, describe)
{
	const struct describe_case *c = &describe_cases[*i];
	struct target *t = target_new();
	struct buf out = BUF_INIT;

	free(t->engine);
	t->engine = xstrdup(c->engine);
	t->username = xstrdup_or_null(c->user);
	t->password = xstrdup_or_null(c->password);
	t->host = xstrdup_or_null(c->host);
	t->port = c->port;
	t->unix_socket = xstrdup_or_null(c->socket);
	t->db = xstrdup_or_null(c->db);
	target_describe(t, &out);
	cr_assert_str_eq(out.ptr, c->want);
	cr_assert_null(strstr(out.ptr, "s3cret"));
	buf_release(&out);
	target_free(t);
}

Test(target, param_lookup)
{
	struct target *t = target_new();

	strv_push(&t->params, "sslmode=require");
	strv_push(&t->params, "empty=");
	strv_push(&t->params, "a=b=c");
	cr_assert_str_eq(target_param(t, "sslmode"), "require");
	cr_assert_str_eq(target_param(t, "empty"), "");
	cr_assert_str_eq(target_param(t, "a"), "b=c");
	cr_assert_null(target_param(t, "ssl"));
	cr_assert_null(target_param(t, "missing"));
	target_free(t);
}
