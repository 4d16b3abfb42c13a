/*
 * Connecting to PostgreSQL: the keywords and values libpq is given, the
 * checks libpq cannot make, and a failed connection put into words.
 */
#include "config.h"

#include "drivers/pg/pgconn.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "drivers/driver.h"
#include "drivers/pg/pglogin.h"
#include "common/banned.h"

#define PG_DEFAULT_PORT 5432
#define PG_DEFAULT_CONNECT_TIMEOUT "10"
#define PG_DEFAULT_CONNECT_SECONDS 10

/*
 * libpq keywords a DB_URL parameter may not set: the target's own fields
 * (host, port, database, user, password), the encoding every value is
 * bound in, and a replication session, which cannot run a migration.
 */
static const char *const pg_owned_params[] = {
	"host", "port", "dbname", "user", "password", "client_encoding",
	"replication", NULL,
};

static const char *const pg_sslmodes[] = {
	"disable", "allow", "prefer", "require", "verify-ca", "verify-full", NULL,
};

/* Without host or socket libpq picks its default socket directory; say
 * which, or "localhost:5432" would hide where it really looked. */
void
pgconn_where(const struct target *t, PGconn *conn, struct buf *out)
{
	const char *host = t->unix_socket ? t->unix_socket : t->host;

	if (!host && conn && PQhost(conn) && *PQhost(conn))
		host = PQhost(conn);
	buf_addf(out, "%s:%d/%s", host ? host : "localhost",
		 t->port ? t->port : PG_DEFAULT_PORT,
		 t->db ? t->db : (t->username ? t->username : ""));
	if (t->schema)
		buf_addf(out, " schema %s", t->schema);
}

/*
 * libpq says 'connection to server at "h" (addr), port N failed: FATAL:
 * reason' on possibly several lines; our message names the place itself, so
 * keep only the first reason, in lower case like the rest of our messages.
 */
void
pgconn_reason(const char *raw, const struct target *t, struct buf *out)
{
	const char *p = raw ? raw : "", *f, *nl;

	nl = strchr(p, '\n');
	f = strstr(p, " failed: ");
	if (f && (!nl || f < nl))
		p = f + strlen(" failed: ");
	if (strncmp(p, "FATAL:  ", 8) == 0 || strncmp(p, "ERROR:  ", 8) == 0)
		p += 8;
	/* a login's verbose message (pglogin.h): the SQLSTATE goes apart */
	if (strspn(p, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 5 &&
	    p[5] == ':' && p[6] == ' ')
		p += 7;
	nl = strchr(p, '\n');
	buf_add(out, p, nl ? (size_t)(nl - p) : strlen(p));
	buf_rtrim(out);
	if (out->len > 1 && isupper((unsigned char)out->ptr[0]) &&
	    islower((unsigned char)out->ptr[1]))
		out->ptr[0] = (char)tolower((unsigned char)out->ptr[0]);
	if (out->len == 0)
		buf_adds(out, "unknown error");
	driver_redact(out, t);
}

/*
 * A refusal by the server is ERR_REFUSED, with its SQLSTATE (pglogin.h).
 * libpq checks the values of its parameters itself and says 'invalid
 * gssencmode value: "x"' or 'invalid integer value "x" for connection
 * option "keepalives"', and the server 'invalid value for parameter
 * "statement_timeout": "5x"' of options: a bad configuration, not an
 * unreachable server (with libpq's messages translated, it stays the
 * latter).
 */
int
pgconn_error(const struct target *t, const char *where, PGconn *conn,
		 bool timed_out, struct err *e)
{
	struct buf reason = BUF_INIT;
	char state[6];
	int code;

	if (timed_out)
		buf_adds(&reason, "timeout expired");
	else
		pgconn_reason(conn ? PQerrorMessage(conn) : "out of memory", t,
			  &reason);
	pglogin_sqlstate(timed_out || !conn ? NULL : PQerrorMessage(conn),
			 state);
	code = pglogin_refused(state)		  ? ERR_REFUSED
	       : strncmp(reason.ptr, "invalid ", 8) == 0 ? ERR_CONFIG
							 : ERR_CONNECT;
	err_clear(e);
	if (code == ERR_CONFIG)
		err_set(e, code, "DB_URL: %s", reason.ptr);
	else
		err_set(e, code, "cannot connect to postgres at %s: %s", where,
			reason.ptr);
	driver_copy_field(e->sqlstate, sizeof(e->sqlstate), state);
	buf_release(&reason);
	return code;
}

/* What libpq cannot tell apart from a network failure is checked here. */
int
pgconn_check(const struct target *t, unsigned int *secs, struct err *e)
{
	const char *v;

	v = target_param(t, "sslmode");
	if (v && !strv_list_contains(pg_sslmodes, v))
		return err_set(e, ERR_CONFIG,
			       "invalid sslmode '%s' (expected disable, allow, "
			       "prefer, require, verify-ca or verify-full)",
			       v);
	/* the login is driven here, so this bounds it (pglogin.h) */
	return driver_param_seconds(t, "connect_timeout",
				    PG_DEFAULT_CONNECT_SECONDS, secs, e);
}

/*
 * The DB_URL parameters: every keyword of the libpq this program runs
 * with, but the ones it sets itself. Built once: the list is fixed for
 * the life of the process.
 */
const char *const *
pgconn_url_params(void)
{
	static const char **names;
	static const char *const none[] = { NULL };
	PQconninfoOption *opts, *o;
	size_t n = 0;

	if (names != NULL)
		return names;
	if ((opts = PQconndefaults()) == NULL)
		return none; /* out of memory: every parameter is refused */
	for (o = opts; o->keyword != NULL; o++)
		n++;
	names = xcalloc(n + 1, sizeof(*names));
	n = 0;
	for (o = opts; o->keyword != NULL; o++)
		if (!strv_list_contains(pg_owned_params, o->keyword))
			names[n++] = xstrdup(o->keyword);
	PQconninfoFree(opts);
	return names;
}

static void
kv_add(struct pgconn_params *kv, const char *key, const char *val)
{
	if (!val)
		return;
	kv->keys[kv->n] = key;
	kv->vals[kv->n] = val;
	kv->n++;
}

void
pgconn_params_release(struct pgconn_params *kv)
{
	free(kv->keys);
	free(kv->vals);
	strv_release(&kv->owned);
	buf_release(&kv->options);
}

/* Every DB_URL parameter but options, as libpq keywords. */
static void
pg_user_params(const struct target *t, struct pgconn_params *kv)
{
	const char *p;
	size_t i, keylen;

	for (i = 0; i < t->params.n; i++) {
		p = t->params.v[i];
		keylen = strcspn(p, "=");
		if (p[keylen] != '=' || strncmp(p, "options=", 8) == 0)
			continue;
		strv_push_owned(&kv->owned, xstrndup(p, keylen));
		kv_add(kv, kv->owned.v[kv->owned.n - 1], p + keylen + 1);
	}
}

/*
 * The startup options: "-c search_path=\"t_0042\"" for a schema target
 * (libpq splits options at blanks and takes a backslash as an escape),
 * and read-only transactions for a readonly connection.
 */
static void
pg_options(const struct target *t, bool readonly, struct buf *out)
{
	double ms = t->ddl_lock_timeout * 1000;
	struct buf ident = BUF_INIT;
	const char *p;

	if (t->schema) {
		driver_quote_ident(t->schema, '"', &ident);
		buf_adds(out, "-c search_path=");
		for (p = ident.ptr; *p; p++) {
			if (*p == '\\' || isspace((unsigned char)*p))
				buf_addc(out, '\\');
			buf_addc(out, *p);
		}
	}
	if (readonly)
		buf_addf(out, "%s-c default_transaction_read_only=on",
			 out->len ? " " : "");
	/* DDL_LOCK_TIMEOUT for the session, in the startup packet: no
	 * round trip at all, and it bounds statements outside a
	 * transaction (transaction = off) too. */
	else if (ms > 0)
		buf_addf(out, "%s-c lock_timeout=%.0f", out->len ? " " : "",
			 ms < 1 ? 1 : ms > INT_MAX ? INT_MAX : ms);
	buf_release(&ident);
}

void
pgconn_params_init(struct pgconn_params *kv, const struct target *t,
		   bool readonly)
{
	struct buf options = BUF_INIT;
	const char *v;
	size_t max = t->params.n + 10;

	memset(kv, 0, sizeof(*kv));
	if (t->port > 0)
		xsnprintf(kv->port, sizeof(kv->port), "%d", t->port);
	pg_options(t, readonly, &options);
	strv_init(&kv->owned);
	kv->keys = xcalloc(max, sizeof(*kv->keys));
	kv->vals = xcalloc(max, sizeof(*kv->vals));
	kv_add(kv, "host", t->unix_socket ? t->unix_socket : t->host);
	kv_add(kv, "port", kv->port[0] ? kv->port : NULL);
	kv_add(kv, "dbname", t->db);
	kv_add(kv, "user", t->username);
	kv_add(kv, "password", t->password);
	if (!target_param(t, "connect_timeout"))
		kv_add(kv, "connect_timeout", PG_DEFAULT_CONNECT_TIMEOUT);
	if (!target_param(t, "application_name"))
		kv_add(kv, "application_name", "migratore");
	/* Text is bound byte for byte: both sides must agree it is UTF-8. */
	kv_add(kv, "client_encoding", "UTF8");
	/* options: the user's, then ours (a schema's search_path, a dry
	 * run's read-only, the lock timeout) */
	if ((v = target_param(t, "options")) != NULL)
		buf_adds(&kv->options, v);
	if (options.len)
		buf_addf(&kv->options, "%s%s", kv->options.len ? " " : "",
			 options.ptr);
	kv_add(kv, "options", kv->options.len ? kv->options.ptr : NULL);
	pg_user_params(t, kv);
	buf_release(&options);
}
