// SOURCES: config/dotenv.c common/buf.c common/err.c common/strv.c common/xmalloc.c
/*
 * libFuzzer harness for .env text: any bytes must parse to pairs or to an
 * error with a line number, never crash or leak; accepted pairs have valid
 * keys and line numbers in file order.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "config/dotenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
key_ok(const char *k)
{
	size_t i;

	if (k[0] == '\0' || (k[0] >= '0' && k[0] <= '9'))
		return 0;
	for (i = 0; k[i] != '\0'; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= 'a' && k[i] <= 'z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dotenv d = DOTENV_INIT;
	struct err e = ERR_INIT;
	size_t i, lines = 1;
	int prev = 0;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (dotenv_parse(&d, (const char *)data, size, ".env", &e) == 0) {
		for (i = 0; i < d.n; i++) {
			if (!key_ok(d.pairs[i].key) || d.pairs[i].value == NULL)
				abort();
			if (d.pairs[i].line <= prev ||
			    (size_t)d.pairs[i].line > lines)
				abort();
			if (dotenv_get(&d, d.pairs[i].key) == NULL)
				abort();
			prev = d.pairs[i].line;
		}
	} else if (e.code != ERR_CONFIG || e.line < 1 ||
		   (size_t)e.line > lines || d.n != 0) {
		abort();
	}
	dotenv_release(&d);
	return 0;
}
