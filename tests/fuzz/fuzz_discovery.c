// SOURCES: common/buf.c common/err.c common/strv.c common/xmalloc.c config/dburl.c config/engine.c config/duration.c config/target.c config/yamltree.c config/problems.c config/keytable.c config/expansion.c config/targetspec.c config/targetmerge.c config/discovery.c config/template.c config/jsonlines.c common/jsonparse.c common/json.c common/sha256.c config/inventory.c config/rollout.c config/selection.c common/safefile.c common/spelling.c
/*
 * libFuzzer harness for discovered targets: any bytes, as a command's JSON
 * lines, as a query's rows (tab-separated columns, one row a line) and as
 * a template, must give targets or problems, never a crash, a leak or
 * undefined behaviour.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/strv.h"
#include "common/xmalloc.h"
#include "config/inventory.h"
#include "config/template.h"

static char *const fuzz_env[] = { (char *)"REGION=eu", NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const char *p;
	size_t n;
};

/* Rows of two columns: a line each, its first tab between the two. */
static void
rows(const struct input *in, struct discovery_result *out)
{
	const char *p = in->p, *end = p + in->n, *nl, *tab;
	size_t cap = 0;

	strv_push(&out->columns, "a");
	strv_push(&out->columns, "b");
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		tab = memchr(p, '\t', (size_t)(nl - p));
		XGROW(out->cells, (out->nrows + 1) * 2, cap);
		out->cells[out->nrows * 2] =
		    xstrndup(p, (size_t)((tab ? tab : nl) - p));
		out->cells[out->nrows * 2 + 1] =
		    tab ? xstrndup(tab + 1, (size_t)(nl - tab - 1)) : NULL;
		out->nrows++;
		p = nl + 1;
	}
}

static int
fake(void *arg, const struct discovery_request *rq,
     struct discovery_result *out, struct err *e)
{
	const struct input *in = arg;

	(void)e;
	if (rq->kind == DISCOVERY_COMMAND)
		buf_add(&out->output, in->p, in->n);
	else
		rows(in, out);
	return 0;
}

static void
load(const char *yaml, struct input *in)
{
	struct discoverer ops = { fake, in };
	struct strv problems = STRV_INIT;
	struct inventory *inv = NULL;
	struct err e = ERR_INIT;

	inventory_load_buffer_discovering("fuzz.yaml", yaml, strlen(yaml),
					  fuzz_env, "/nonexistent", &ops, &inv,
					  &problems, &e);
	inventory_free(inv);
	strv_release(&problems);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { (const char *)data, size };
	struct buf why = BUF_INIT;
	struct template *t = NULL;
	char *s;

	load("version: 1\ndefaults: {engine: postgres, tags: [f]}\n"
	     "targets:\n  - discover: {command: [x]}\n    tags: [c]\n",
	     &in);
	load("version: 1\ndefaults: {engine: mysql}\ntargets:\n"
	     "  - name: \"n-{a}\"\n    schema: \"{1}\"\n    tags: [\"{0}\"]\n"
	     "    discover: {query: q}\n",
	     &in);
	s = xstrndup((const char *)data, size);
	if (template_compile(s, fuzz_env, &t, &why) == 0) {
		static const char *const cols[] = { "a", "b" };
		static const char *const row[] = { "x", "y" };

		if (template_bind(t, cols, 2, &why) == 0)
			template_fill(t, row, &why, &why);
	}
	template_free(t);
	buf_release(&why);
	free(s);
	return 0;
}
