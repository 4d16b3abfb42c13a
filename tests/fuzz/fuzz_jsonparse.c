// SOURCES: common/jsonparse.c common/json.c common/buf.c common/err.c common/intern.c common/strv.c common/xmalloc.c orchestrator/reportdoc.c orchestrator/outcome.c orchestrator/junit.c orchestrator/html.c orchestrator/htmlassets.c orchestrator/htmltable.c orchestrator/failgroup.c orchestrator/timeline.c
/*
 * libFuzzer harness for the JSON reader and what reads reports: any bytes
 * parse to a tree or to an error with a position inside the input, never
 * crash or leak; an accepted document written back parses to the same
 * text again (json_value_write is a fixed point after one round); and a
 * document accepted as a fleet report renders as JUnit and HTML and
 * merges with itself.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/jsonparse.h"
#include "common/strv.h"
#include "orchestrator/html.h"
#include "orchestrator/junit.h"
#include "orchestrator/reportdoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An error must point inside the input: line 1.., column 1.. */
static void
check_error(const struct err *e, const uint8_t *data, size_t size)
{
	size_t lines = 1, i;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (e->code != ERR_CONFIG || e->line < 1 || (size_t)e->line > lines ||
	    e->col < 1 || e->msg[0] == '\0')
		abort();
}

static void
round_trip(const struct json_value *v)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct json_value *w = NULL;
	struct err e = ERR_INIT;

	json_value_write(&a, v, 0);
	if (json_parse(a.ptr, a.len, "written", &w, &e) != 0)
		abort(); /* what we write must be JSON */
	json_value_write(&b, w, 0);
	if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0)
		abort();
	json_value_free(w);
	buf_release(&a);
	buf_release(&b);
}

static void
as_report(const uint8_t *data, size_t size)
{
	struct reportdoc *d = NULL, *docs[2];
	struct strv names = STRV_INIT;
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	int code = -1;

	if (reportdoc_parse((const char *)data, size, "fuzz", &d, &e) != 0)
		return;
	junit_render(d->root, &out);
	buf_reset(&out);
	html_render(d->root, &out);
	buf_reset(&out);
	reportdoc_unfinished(d, &names);
	docs[0] = docs[1] = d;
	if (reportdoc_merge(docs, 2, &out, &code, &names, &e) != 0 ||
	    (code != 0 && code != 1))
		abort();
	strv_release(&names);
	buf_release(&out);
	reportdoc_free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_value *v = NULL;
	struct err e = ERR_INIT;

	if (json_parse((const char *)data, size, "fuzz", &v, &e) != 0) {
		check_error(&e, data, size);
		return 0;
	}
	round_trip(v);
	json_value_free(v);
	as_report(data, size);
	return 0;
}
