/* struct target to bytes and back, for the fleet's spawner. */
#include "config.h"

#include "config/targetwire.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "common/banned.h"

/* The string fields, in their order on the wire. */
#define STRING_FIELDS(X)                                                       \
	X(name) X(engine) X(db_url) X(host) X(unix_socket) X(db) X(schema)     \
	X(username) X(password) X(fs) X(operator_name) X(inventory) X(path)

void
targetwire_put(struct buf *out, const struct target *t)
{
	size_t k;

#define PUT_STRING(f) wire_put_str(out, t->f);
	STRING_FIELDS(PUT_STRING)
#undef PUT_STRING
	wire_put_u64(out, (uint64_t)(int64_t)t->port);
	wire_put_u64(out, (uint64_t)(int64_t)t->lock_timeout);
	wire_put_u32(out, (uint32_t)t->create_schema | (uint32_t)t->safe << 1 |
				  (uint32_t)t->debug << 2 |
				  (uint32_t)t->strict_checksums << 3 |
				  (uint32_t)t->status_strict << 4);
	wire_put_f64(out, t->ddl_lock_timeout);
	wire_put_f64(out, t->ddl_lock_retries);
	wire_put_f64(out, t->timeout);
	wire_put_strv(out, &t->params);
	wire_put_strv(out, &t->tags);
	wire_put_u32(out, CFG_NKEYS);
	for (k = 0; k < CFG_NKEYS; k++)
		wire_put_u32(out, (uint32_t)t->source[k]);
}

static void
get_sources(struct wire_reader *r, struct target *t)
{
	uint32_t k, v;

	if (wire_get_u32(r) != CFG_NKEYS) {
		r->bad = true;
		return;
	}
	for (k = 0; k < CFG_NKEYS; k++) {
		v = wire_get_u32(r);
		if (v > SRC_DERIVED)
			r->bad = true;
		t->source[k] = (enum cfg_source)v;
	}
}

struct target *
targetwire_get(struct wire_reader *r)
{
	struct target *t = xcalloc(1, sizeof(*t));
	uint32_t flags;

	strv_init(&t->params);
	strv_init(&t->tags);
#define GET_STRING(f) t->f = wire_get_str(r);
	STRING_FIELDS(GET_STRING)
#undef GET_STRING
	t->port = (int)(int64_t)wire_get_u64(r);
	t->lock_timeout = (int)(int64_t)wire_get_u64(r);
	flags = wire_get_u32(r);
	t->create_schema = flags & 1;
	t->safe = flags & 2;
	t->debug = flags & 4;
	t->strict_checksums = flags & 8;
	t->status_strict = flags & 16;
	t->ddl_lock_timeout = wire_get_f64(r);
	t->ddl_lock_retries = wire_get_f64(r);
	t->timeout = wire_get_f64(r);
	wire_get_strv(r, &t->params);
	wire_get_strv(r, &t->tags);
	get_sources(r, t);
	if (r->bad || t->engine == NULL) { /* an engine is never NULL */
		r->bad = true;
		target_free(t);
		return NULL;
	}
	return t;
}

void
targetwire_wipe(struct buf *b)
{
	if (b->ptr != NULL)
		memset(b->ptr, 0, b->len);
	buf_reset(b);
}
