// SOURCES: common/buf.c common/err.c common/strv.c common/xmalloc.c config/dburl.c config/engine.c config/duration.c config/target.c config/yamltree.c config/problems.c config/keytable.c common/spelling.c config/expansion.c config/targetspec.c config/inventory.c config/rollout.c config/selection.c common/safefile.c
/*
 * libFuzzer harness for the inventory loader: any bytes must give either
 * an inventory or ERR_CONFIG with at least one problem, never a crash, a
 * leak or undefined behaviour. Relative password files resolve under a
 * directory that does not exist, so the harness reads no real secret.
 * Inputs with a large range are skipped: expanding {1..100000} is correct
 * but slow, and unit tests cover it; the fuzzer's time goes to shapes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/strv.h"
#include "config/inventory.h"

static char *const fuzz_env[] = {
	(char *)"PG_PASSWORD=secret",
	(char *)"REGION=eu",
	(char *)"EMPTY=",
	(char *)"PW_1=one",
	NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether data holds "{A..B}" with B - A over a few hundred. */
static int
has_large_range(const uint8_t *data, size_t size)
{
	size_t i, j;
	long a, b;

	for (i = 0; i < size; i++) {
		if (data[i] != '{')
			continue;
		for (a = 0, j = i + 1; j < size && data[j] >= '0' &&
				       data[j] <= '9' && a < 100000000;
		     j++)
			a = a * 10 + (data[j] - '0');
		if (j + 1 >= size || data[j] != '.' || data[j + 1] != '.')
			continue;
		for (b = 0, j += 2; j < size && data[j] >= '0' &&
				    data[j] <= '9' && b < 100000000;
		     j++)
			b = b * 10 + (data[j] - '0');
		if (b - a > 300)
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inventory *inv = NULL;
	struct strv problems = STRV_INIT;
	struct err e = ERR_INIT;
	int rc;

	if (has_large_range(data, size))
		return 0;
	rc = inventory_load_buffer("fuzz.yaml", (const char *)data, size,
				   fuzz_env, "/nonexistent-fuzz-dir", &inv,
				   &problems, &e);
	if (rc == 0 && (!inv || problems.n != 0))
		abort();
	if (rc != 0 && (inv || problems.n == 0))
		abort();
	inventory_free(inv);
	strv_release(&problems);
	return 0;
}
