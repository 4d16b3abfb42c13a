/*
 * The converted keys of one mapping of target keys (the defaults, an
 * entry, one instance of a range, one discovered target): a layer. Private
 * to config/targetspec.c, which walks and converts layers, and
 * config/targetmerge.c, which merges them into a struct target; nothing
 * else includes it.
 */
#ifndef MIG_TARGETLAYER_H
#define MIG_TARGETLAYER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strv.h"
#include "config/dburl.h"
#include "config/targetspec.h"
#include "config/yamltree.h"

/* The keys, in the order they are converted: name first, because its
 * ranges set the entry's count. */
enum ikey {
	K_NAME,
	K_ENGINE,
	K_URL,
	K_HOST,
	K_PORT,
	K_UNIX_SOCKET,
	K_DB,
	K_SCHEMA,
	K_CREATE_SCHEMA,
	K_USERNAME,
	K_PASSWORD,
	K_PASSWORD_FILE,
	K_FS,
	K_SAFE,
	K_LOCK_TIMEOUT,
	K_DDL_LOCK_TIMEOUT,
	K_DDL_LOCK_RETRIES,
	K_OPERATOR,
	K_STRICT_CHECKSUMS,
	K_PATH,
	K_TAGS,
	K_TIMEOUT,
	K_DISCOVER,
	K_N
};

/* One key's value in one layer (the defaults, or one instance of an
 * entry). */
struct value {
	const struct ynode *node; /* NULL = not given */
	bool null;                /* given as YAML null: unset here */
	bool bad;                 /* given but invalid (problem reported) */
	char *s;                  /* expanded text (password: the secret) */
	long num;                 /* port, lock_timeout, safe */
	double dur;               /* timeout */
	struct strv list;         /* tags */
};

struct layer {
	struct value v[K_N];
	struct dburl url;
	bool url_ok;
};

/* The layers of one target, the most specific first (the entry before
 * the defaults). */
struct layers {
	const struct layer *v[4];
	size_t n;
};

#define PROBLEM(c, node, ...)                                                  \
	problems_add((c)->pr, (node)->line, (node)->col, __VA_ARGS__)

/* p made absolute against dir ("./x" -> "dir/x"); dir NULL leaves it. */
char *targetspec_path(const char *dir, const char *p);

/*
 * One target from its layers (ls->v[0] the most specific), built even
 * when a problem is reported: for each setting the first layer that gives
 * it wins, its key before its url; tags add up, the last layer's first.
 * Problems are worded without the target's name, so that the instances of
 * a range repeat, and are listed, only once. at: where to report.
 */
struct target *targetmerge_build(struct targetspec_ctx *c,
				 const struct layers *ls,
				 const struct ynode *at);

#endif
