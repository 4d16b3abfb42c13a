/*
 * One database target: lifecycle, the names of configuration keys and
 * sources, and a one-line description that never shows a password.
 */
#include "config.h"

#include "config/target.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "config/engine.h"
#include "common/banned.h"

static const char *const cfg_key_names[CFG_NKEYS] = {
	[CFG_ENGINE] = "engine",
	[CFG_DB_URL] = "db_url",
	[CFG_HOST] = "host",
	[CFG_PORT] = "port",
	[CFG_UNIX_SOCKET] = "unix_socket",
	[CFG_DB] = "db",
	[CFG_SCHEMA] = "schema",
	[CFG_CREATE_SCHEMA] = "create_schema",
	[CFG_USERNAME] = "username",
	[CFG_PASSWORD] = "password",
	[CFG_FS] = "fs",
	[CFG_SAFE] = "safe",
	[CFG_DEBUG] = "debug",
	[CFG_LOCK_TIMEOUT] = "lock_timeout",
	[CFG_DDL_LOCK_TIMEOUT] = "ddl_lock_timeout",
	[CFG_DDL_LOCK_RETRIES] = "ddl_lock_retries",
	[CFG_OPERATOR] = "operator",
	[CFG_STRICT_CHECKSUMS] = "strict_checksums",
	[CFG_STATUS_STRICT] = "status_strict",
	[CFG_INVENTORY] = "inventory",
};

static const char *const cfg_source_names[] = {
	[SRC_UNSET] = "unset",
	[SRC_DEFAULT] = "default",
	[SRC_DOTENV] = ".env",
	[SRC_ENV] = "environment",
	[SRC_URL] = "DB_URL",
	[SRC_FLAG] = "command line",
	[SRC_INVENTORY] = "inventory",
	[SRC_DERIVED] = "derived",
};

struct target *
target_new(void)
{
	struct target *t = xcalloc(1, sizeof(*t));

	t->name = xstrdup("default");
	t->engine = xstrdup(engine_fallback(false)->name);
	t->safe = true;
	t->lock_timeout = 60;
	t->ddl_lock_timeout = TARGET_DDL_LOCK_TIMEOUT;
	t->ddl_lock_retries = TARGET_DDL_LOCK_RETRIES;
	strv_init(&t->params);
	strv_init(&t->tags);
	return t;
}

void
target_free(struct target *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->engine);
	free(t->db_url);
	free(t->host);
	free(t->unix_socket);
	free(t->db);
	free(t->schema);
	free(t->username);
	if (t->password != NULL) {
		/* do not leave the secret lying around in freed memory */
		memset(t->password, 0, strlen(t->password));
		free(t->password);
	}
	free(t->fs);
	free(t->operator_name);
	free(t->inventory);
	free(t->path);
	strv_release(&t->params);
	strv_release(&t->tags);
	free(t);
}

struct target *
target_dup(const struct target *t)
{
	struct target *d = xmalloc(sizeof(*d));

	*d = *t;
	d->name = xstrdup_or_null(t->name);
	d->engine = xstrdup(t->engine);
	d->db_url = xstrdup_or_null(t->db_url);
	d->host = xstrdup_or_null(t->host);
	d->unix_socket = xstrdup_or_null(t->unix_socket);
	d->db = xstrdup_or_null(t->db);
	d->schema = xstrdup_or_null(t->schema);
	d->username = xstrdup_or_null(t->username);
	d->password = xstrdup_or_null(t->password);
	d->fs = xstrdup_or_null(t->fs);
	d->operator_name = xstrdup_or_null(t->operator_name);
	d->inventory = xstrdup_or_null(t->inventory);
	d->path = xstrdup_or_null(t->path);
	strv_init(&d->params);
	strv_copy(&d->params, &t->params);
	strv_init(&d->tags);
	strv_copy(&d->tags, &t->tags);
	return d;
}

const char *
cfg_key_name(enum cfg_key key)
{
	if ((int)key < 0 || key >= CFG_NKEYS)
		return "?";
	return cfg_key_names[key];
}

const char *
cfg_source_name(enum cfg_source src)
{
	if ((int)src < 0 ||
	    (size_t)src >= sizeof(cfg_source_names) / sizeof(cfg_source_names[0]))
		return "?";
	return cfg_source_names[src];
}

/*
 * The engine's defaults are for display only: the drivers (their client
 * libraries) own the real ones.
 */
static void
describe_server(const struct target *t, const struct engine *eng,
		struct buf *out)
{
	const char *host = t->host;
	int port = t->port;

	if (eng != NULL && host == NULL)
		host = eng->default_host;
	if (eng != NULL && port == 0)
		port = eng->default_port;
	if (t->username != NULL)
		buf_adds(out, t->username);
	if (t->password != NULL)
		buf_adds(out, ":****");
	if (t->username != NULL || t->password != NULL)
		buf_addc(out, '@');
	if (t->unix_socket != NULL)
		buf_adds(out, t->unix_socket);
	else if (host != NULL && strchr(host, ':') != NULL)
		buf_addf(out, "[%s]", host); /* IPv6 */
	else if (host != NULL)
		buf_adds(out, host);
	if (t->unix_socket == NULL && port != 0)
		buf_addf(out, ":%d", port);
	if (t->schema != NULL && eng != NULL &&
	    eng->schema == ENGINE_SCHEMA_DATABASE)
		buf_addf(out, "/%s", t->schema);
	else if (t->db != NULL)
		buf_addf(out, "/%s", t->db);
	if (t->schema != NULL && (eng == NULL ||
				  eng->schema != ENGINE_SCHEMA_DATABASE))
		buf_addf(out, " schema %s", t->schema);
}

void
target_describe(const struct target *t, struct buf *out)
{
	const struct engine *eng = engine_of(t->engine);

	buf_adds(out, t->engine);
	buf_addc(out, ' ');
	if (eng != NULL && eng->file)
		buf_adds(out, t->db ? t->db : "(no file)");
	else
		describe_server(t, eng, out);
}

const char *
target_param(const struct target *t, const char *key)
{
	size_t i, klen = strlen(key);

	for (i = 0; i < t->params.n; i++)
		if (strncmp(t->params.v[i], key, klen) == 0 &&
		    t->params.v[i][klen] == '=')
			return t->params.v[i] + klen + 1;
	return NULL;
}
