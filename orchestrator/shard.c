/* --shard K/N: a stable slice of the fleet by the hash of target names. */
#include "config.h"

#include "orchestrator/shard.h"

#include <string.h>

#include "common/banned.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

uint64_t
shard_hash(const char *s)
{
	uint64_t h = FNV_OFFSET;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= FNV_PRIME;
	}
	return h;
}

/* A decimal number of at most 7 digits (SHARD_MAX has 7); end at *end. */
static bool
number(const char *s, const char **end, unsigned long *out)
{
	size_t n = strspn(s, "0123456789");
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 7)
		return false;
	for (i = 0; i < n; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	*end = s + n;
	*out = v;
	return true;
}

int
shard_parse(const char *s, struct shard *out, struct err *e)
{
	const char *p;
	unsigned long k, n;

	if (!number(s, &p, &k) || *p != '/' || !number(p + 1, &p, &n) ||
	    *p != '\0')
		return err_set(e, ERR_USAGE,
			       "--shard '%s': write K/N, shard K (from 0) of N, "
			       "such as 0/4",
			       s);
	if (n < 1 || n > SHARD_MAX)
		return err_set(e, ERR_USAGE,
			       "--shard '%s': N must be 1 to %d", s, SHARD_MAX);
	if (k >= n)
		return err_set(e, ERR_USAGE,
			       "--shard '%s': K counts from 0, so it must be "
			       "less than N (%lu/%lu is the last shard)",
			       s, n - 1, n);
	out->k = k;
	out->n = n;
	return 0;
}

bool
shard_has(const struct shard *sh, const char *name)
{
	return shard_hash(name) % sh->n == sh->k;
}
