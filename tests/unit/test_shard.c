/* Unit tests for orchestrator/shard: --shard K/N and its hash, which other
 * tools must be able to reproduce (docs/fleet.md). */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "orchestrator/shard.h"

#define NCASES(t) (sizeof(t) / sizeof((t)[0]))
#define CASE_INDICES(table)                                                    \
	do {                                                                   \
		static size_t idx_[NCASES(table)];                             \
		size_t i_;                                                     \
		for (i_ = 0; i_ < NCASES(table); i_++)                         \
			idx_[i_] = i_;                                         \
		return cr_make_param_array(size_t, idx_, NCASES(table));       \
	} while (0)

/* Published FNV-1a 64 vectors, and names checked with the Python line of
 * docs/fleet.md. */
static const struct {
	const char *s;
	unsigned long long h;
} hashes[] = {
	{ "", 0xcbf29ce484222325ull },
	{ "a", 0xaf63dc4c8601ec8cull },
	{ "foobar", 0x85944171f73967e8ull },
	{ "eu-001", 0x1042912531bacda5ull },
	{ "us-042", 0xe94e87522d136846ull },
};

ParameterizedTestParameters(shard, hash) { CASE_INDICES(hashes); }

ParameterizedTest(size_t *i, shard, hash)
{
	cr_assert_eq(shard_hash(hashes[*i].s), hashes[*i].h,
		     "fnv1a64('%s') = %llx, want %llx", hashes[*i].s,
		     (unsigned long long)shard_hash(hashes[*i].s),
		     hashes[*i].h);
}

static const struct {
	const char *s;
	int rc;
	unsigned long k, n;
	const char *msg; /* part of the error */
} parses[] = {
	{ "0/1", 0, 0, 1, NULL },
	{ "0/4", 0, 0, 4, NULL },
	{ "3/4", 0, 3, 4, NULL },
	{ "999999/1000000", 0, 999999, 1000000, NULL },
	{ "4/4", ERR_USAGE, 0, 0, "3/4 is the last shard" },
	{ "1/0", ERR_USAGE, 0, 0, "N must be 1" },
	{ "0/1000001", ERR_USAGE, 0, 0, "N must be 1" },
	{ "1/", ERR_USAGE, 0, 0, "write K/N" },
	{ "/3", ERR_USAGE, 0, 0, "write K/N" },
	{ "-1/3", ERR_USAGE, 0, 0, "write K/N" },
	{ "1 /3", ERR_USAGE, 0, 0, "write K/N" },
	{ "1/3x", ERR_USAGE, 0, 0, "write K/N" },
	{ "2", ERR_USAGE, 0, 0, "write K/N" },
	{ "", ERR_USAGE, 0, 0, "write K/N" },
};

ParameterizedTestParameters(shard, parse) { CASE_INDICES(parses); }

ParameterizedTest(size_t *i, shard, parse)
{
	struct shard sh = { 7, 7 };
	struct err e = ERR_INIT;
	int rc = shard_parse(parses[*i].s, &sh, &e);

	cr_assert_eq(rc, parses[*i].rc, "'%s': %d (%s)", parses[*i].s, rc,
		     e.msg);
	if (rc == 0) {
		cr_assert_eq(sh.k, parses[*i].k);
		cr_assert_eq(sh.n, parses[*i].n);
	} else {
		cr_assert(strstr(e.msg, parses[*i].msg), "'%s': %s",
			  parses[*i].s, e.msg);
		cr_assert(strstr(e.msg, "--shard"), "%s", e.msg);
		cr_assert_eq(sh.k, 7, "untouched on error");
	}
}

/* Every target is in exactly one shard, and the shards are about even. */
Test(shard, partition)
{
	struct shard sh[3] = { { 0, 3 }, { 1, 3 }, { 2, 3 } };
	size_t count[3] = { 0 }, i, k, in;
	char name[32];

	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "tenant-%05zu", i);
		for (k = in = 0; k < 3; k++)
			if (shard_has(&sh[k], name)) {
				count[k]++;
				in++;
			}
		cr_assert_eq(in, 1, "%s is in %zu shards", name, in);
	}
	for (k = 0; k < 3; k++)
		cr_assert(count[k] > 850 && count[k] < 1150,
			  "shard %zu/3 has %zu of 3000", k, count[k]);
}

/* The same rule as the Python one-liner of the docs: hash mod N. */
Test(shard, known_slices)
{
	struct shard s1 = { 1, 3 }, s2 = { 2, 3 }, s0 = { 0, 4 };

	cr_assert(shard_has(&s1, "t-1"));
	cr_assert(shard_has(&s1, "t-2"));
	cr_assert(shard_has(&s2, "t-3"));
	cr_assert(shard_has(&s0, "foobar"));
	cr_assert(!shard_has(&s0, "t-1"));
}
