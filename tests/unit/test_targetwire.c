/* Unit tests for config/targetwire and common/wire: every field of a
 * target survives the trip to the spawner; a short message is refused. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "common/buf.h"
#include "common/wire.h"
#include "common/xmalloc.h"
#include "config/target.h"
#include "config/targetwire.h"

/* A target with every field set to a value no default has. */
static struct target *
full_target(void)
{
	struct target *t = target_new();
	int k;

	free(t->name);
	t->name = xstrdup("eu/001");
	free(t->engine);
	t->engine = xstrdup("postgres");
	t->db_url = xstrdup("postgres://u:s3cret@h:5433/d?sslmode=disable");
	t->host = xstrdup("db.example");
	t->port = 5433;
	t->unix_socket = xstrdup("/run/pg");
	t->db = xstrdup("shop");
	t->schema = xstrdup("t_0042");
	t->create_schema = true;
	t->username = xstrdup("migrator");
	t->password = xstrdup("s3cret \xc3\xa9");
	t->fs = xstrdup("/srv/fs");
	t->safe = false;
	t->debug = true;
	t->lock_timeout = 7;
	t->ddl_lock_timeout = 2.5;
	t->ddl_lock_retries = 0.25;
	t->operator_name = xstrdup("alice");
	t->strict_checksums = true;
	t->status_strict = true;
	t->inventory = xstrdup("fleet.yaml");
	strv_push(&t->params, "sslmode=disable");
	strv_push(&t->params, "connect_timeout=3");
	t->path = xstrdup("migrations/eu");
	strv_push(&t->tags, "eu");
	strv_push(&t->tags, "");
	t->timeout = 30.5;
	for (k = 0; k < CFG_NKEYS; k++)
		t->source[k] = (enum cfg_source)(k % (SRC_DERIVED + 1));
	return t;
}

static void
assert_strv_eq(const struct strv *a, const struct strv *b)
{
	size_t i;

	cr_assert_eq(a->n, b->n);
	for (i = 0; i < a->n; i++)
		cr_assert_str_eq(a->v[i], b->v[i]);
}

static void
assert_target_eq(const struct target *a, const struct target *b)
{
	int k;

#define STR_EQ(f)                                                              \
	cr_assert(a->f == NULL ? b->f == NULL                                  \
			       : b->f != NULL && strcmp(a->f, b->f) == 0,      \
		  #f)
	STR_EQ(name);
	STR_EQ(engine);
	STR_EQ(db_url);
	STR_EQ(host);
	STR_EQ(unix_socket);
	STR_EQ(db);
	STR_EQ(schema);
	STR_EQ(username);
	STR_EQ(password);
	STR_EQ(fs);
	STR_EQ(operator_name);
	STR_EQ(inventory);
	STR_EQ(path);
#undef STR_EQ
	cr_assert_eq(a->port, b->port);
	cr_assert_eq(a->lock_timeout, b->lock_timeout);
	cr_assert_eq(a->create_schema, b->create_schema);
	cr_assert_eq(a->safe, b->safe);
	cr_assert_eq(a->debug, b->debug);
	cr_assert_eq(a->strict_checksums, b->strict_checksums);
	cr_assert_eq(a->status_strict, b->status_strict);
	cr_assert_eq(a->ddl_lock_timeout, b->ddl_lock_timeout);
	cr_assert_eq(a->ddl_lock_retries, b->ddl_lock_retries);
	cr_assert_eq(a->timeout, b->timeout);
	assert_strv_eq(&a->params, &b->params);
	assert_strv_eq(&a->tags, &b->tags);
	for (k = 0; k < CFG_NKEYS; k++)
		cr_assert_eq(a->source[k], b->source[k], "source of %s",
			     cfg_key_name(k));
}

/* Encode, decode, and check that nothing is left over. */
static struct target *
round_trip(const struct target *t)
{
	struct buf b = BUF_INIT;
	struct wire_reader r;
	struct target *back;

	targetwire_put(&b, t);
	wire_reader_init(&r, b.ptr, b.len);
	back = targetwire_get(&r);
	cr_assert(wire_done(&r));
	buf_release(&b);
	return back;
}

Test(targetwire, every_field_survives)
{
	struct target *t = full_target(), *back = round_trip(t);

	cr_assert_not_null(back);
	assert_target_eq(t, back);
	target_free(t);
	target_free(back);
}

Test(targetwire, null_strings_stay_null_and_empty_ones_empty)
{
	struct target *t = target_new(), *back;

	t->schema = xstrdup("");
	back = round_trip(t);
	cr_assert_not_null(back);
	cr_assert_null(back->password);
	cr_assert_null(back->db_url);
	cr_assert_null(back->path);
	cr_assert_str_eq(back->schema, "");
	cr_assert_eq(back->tags.n, 0);
	assert_target_eq(t, back);
	target_free(t);
	target_free(back);
}

Test(targetwire, two_targets_in_one_message)
{
	struct target *a = full_target(), *b = target_new(), *x, *y;
	struct buf buf = BUF_INIT;
	struct wire_reader r;

	targetwire_put(&buf, a);
	targetwire_put(&buf, b);
	wire_reader_init(&r, buf.ptr, buf.len);
	x = targetwire_get(&r);
	y = targetwire_get(&r);
	cr_assert(wire_done(&r));
	assert_target_eq(a, x);
	assert_target_eq(b, y);
	target_free(a);
	target_free(b);
	target_free(x);
	target_free(y);
	buf_release(&buf);
}

Test(targetwire, every_short_message_is_refused)
{
	struct target *t = full_target();
	struct buf b = BUF_INIT;
	struct wire_reader r;
	size_t len;

	targetwire_put(&b, t);
	for (len = 0; len < b.len; len++) {
		wire_reader_init(&r, b.ptr, len);
		cr_assert_null(targetwire_get(&r), "%zu of %zu bytes", len,
			       b.len);
		cr_assert(r.bad);
	}
	target_free(t);
	buf_release(&b);
}

Test(targetwire, a_nul_inside_a_string_is_refused)
{
	struct buf b = BUF_INIT;
	struct wire_reader r;

	wire_put_u32(&b, 3);
	buf_add(&b, "a\0b", 3);
	wire_reader_init(&r, b.ptr, b.len);
	cr_assert_null(wire_get_str(&r));
	cr_assert(r.bad);
	buf_release(&b);
}

Test(targetwire, an_unknown_source_is_refused)
{
	struct target *t = target_new();
	struct buf b = BUF_INIT;
	struct wire_reader r;
	uint32_t bad = SRC_DERIVED + 1;

	targetwire_put(&b, t);
	/* the last key's source is the message's last four bytes */
	memcpy(b.ptr + b.len - sizeof(bad), &bad, sizeof(bad));
	wire_reader_init(&r, b.ptr, b.len);
	cr_assert_null(targetwire_get(&r));
	target_free(t);
	buf_release(&b);
}

Test(targetwire, wipe_clears_the_password)
{
	struct target *t = full_target();
	struct buf b = BUF_INIT;
	char *copy;
	size_t len;

	targetwire_put(&b, t);
	len = b.len;
	cr_assert_not_null(memmem(b.ptr, b.len, "s3cret", 6));
	copy = b.ptr;
	targetwire_wipe(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_null(memmem(copy, len, "s3cret", 6));
	target_free(t);
	buf_release(&b);
}
