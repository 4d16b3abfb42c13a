// SOURCES: config/dburl.c config/engine.c common/buf.c common/err.c common/strv.c common/xmalloc.c
/*
 * libFuzzer harness for DB_URL: any bytes must parse to a URL or to an
 * error, never crash or leak; what is accepted keeps the header's promises
 * (canonical engine, port in range, "key=value" params, a redacted URL
 * shows "****" as its password); and a password spliced in after "://"
 * never reaches a message, however the rest breaks the URL.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "config/dburl.h"
#include "config/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_parsed(const struct dburl *u, const char *url)
{
	struct buf red = BUF_INIT;
	const struct engine *eng;
	size_t i;

	eng = u->scheme ? engine_find(u->scheme, strlen(u->scheme)) : NULL;
	if (u->engine == NULL || eng == NULL || strcmp(eng->name, u->engine) != 0)
		abort();
	if (u->port < 0 || u->port > 65535)
		abort();
	if (u->host != NULL && (u->host[0] == '\0' || u->host[0] == '/'))
		abort();
	if (u->unix_socket != NULL && u->unix_socket[0] != '/')
		abort();
	for (i = 0; i < u->params.n; i++) {
		const char *eq = strchr(u->params.v[i], '=');

		if (eq == NULL || eq == u->params.v[i])
			abort();
	}
	/* a redacted URL that still parses has exactly "****" as password */
	dburl_redact(url, &red);
	if (u->password != NULL) {
		struct dburl r;
		struct err e = ERR_INIT;

		dburl_init(&r);
		if (dburl_parse(&r, red.ptr, &e) == 0 &&
		    (r.password == NULL || strcmp(r.password, "****") != 0))
			abort();
		dburl_release(&r);
	}
	buf_release(&red);
}

#define MARK "Qz8aud1tMARK"

/* url with "u:MARK@" after its "://": MARK is then in the userinfo's
 * password, wherever the rest puts the last '@'. */
static void
check_no_password(const char *url)
{
	const char *sep = strstr(url, "://");
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	struct dburl u;

	if (sep == NULL || strchr(url, 'Q') != NULL)
		return;
	buf_add(&b, url, (size_t)(sep + 3 - url));
	buf_adds(&b, "u:" MARK "@");
	buf_adds(&b, sep + 3);
	dburl_init(&u);
	if (dburl_parse(&u, b.ptr, &e) < 0 && strstr(e.msg, "Qz8") != NULL)
		abort();
	dburl_release(&u);
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dburl u;
	struct err e = ERR_INIT;
	struct buf red = BUF_INIT;
	char *url = malloc(size + 1);

	if (url == NULL)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	dburl_init(&u);
	if (dburl_parse(&u, url, &e) == 0) {
		check_parsed(&u, url);
	} else {
		if (e.code != ERR_CONFIG || e.msg[0] == '\0' || u.scheme != NULL)
			abort();
	}
	dburl_release(&u);
	check_no_password(url);
	dburl_redact(url, &red);
	buf_release(&red);
	free(url);
	return 0;
}
