/*
 * DB_URL parsing (SPEC 3). Pure: a string in, a struct dburl out, no I/O.
 *
 * Accepted forms (the scheme is case-insensitive; schemes are the engine
 * names and aliases of config/engine.h, for example):
 *
 *   postgres://[user[:password]@][host][:port][/db][?k=v&...]
 *   postgresql://...                       same as postgres
 *   mysql://...  mariadb://...             engine "mysql"
 *   sqlite:///absolute/path.db[?k=v...]    absolute file path (any file
 *   sqlite:relative/path.db[?k=v...]       engine), or relative to the
 *                                          current directory
 *
 * Choices, written down because URLs are ambiguous:
 * - `sqlite://name.db` (a non-empty authority) is an error, not a relative
 *   path: in URL grammar "name.db" would be a host, and other tools read the
 *   form differently. The message says which form to write instead.
 * - userinfo is split at the LAST '@' of the authority and at the FIRST ':'
 *   of the userinfo, so an unencoded '@' in a password still works; '/',
 *   '?' and '#' in a password must be percent-encoded.
 * - user, password, host, database name or path, and query keys and values
 *   are percent-decoded. A malformed escape ("%4", "%zz") or one that
 *   decodes to NUL ("%00") is an error. '+' is NOT a space.
 * - An IPv6 host is written in brackets, "[::1]"; the brackets are removed.
 * - A host that decodes to an absolute path ("%2Fvar%2Frun%2Fpostgresql")
 *   is a Unix socket (libpq's convention): it lands in unix_socket, host
 *   stays NULL.
 * - An empty user ("://:pw@h") and an empty host ("postgres:///db") are
 *   absent; an empty password after ':' ("u:@h") is present and empty.
 * - The port is decimal, 1-65535; "host:" with no digits means no port.
 * - For a server engine the path is one database name: "/db". A second
 *   unencoded '/' is an error ("%2F" is allowed and decoded).
 * - A fragment ('#') is an error: it is almost always an unencoded '#' in a
 *   password.
 * - Query parameters "k=v" (separated by '&', empty segments skipped) are
 *   kept in order, decoded, as "key=value" strings. A parameter without '='
 *   or with an empty key is an error. Which keys are valid is the driver's
 *   business, not this parser's.
 *
 * Every part that the URL does not contain is NULL (port 0), so the caller
 * can leave a separately given variable in force.
 *
 * Error messages never contain the password, and do not name the variable
 * (the caller does: "DB_URL (from environment): " or "url: "). A message
 * that quotes a piece of the URL shows as "****" every byte that may be a
 * password: from the first ':' after "://" to the last '@' of the whole
 * string, as dburl_redact masks it, so that a URL broken by an unencoded
 * '/', '?' or '@' in its password leaks no piece of it either
 * ("a sqlite URL has no host ('u:****@')"). A port that is not a number is
 * not quoted at all: in "postgres://admin:secret" it is the password of a
 * URL whose "@host" went missing.
 */
#ifndef MIG_DBURL_H
#define MIG_DBURL_H

#include "common/buf.h"
#include "common/err.h"
#include "common/strv.h"

struct dburl {
	char *scheme;      /* as written, lower-cased: "postgresql" */
	char *engine;      /* canonical (config/engine.h): "postgres" */
	char *user;        /* NULL = absent */
	char *password;    /* NULL = absent; "" = explicitly empty */
	char *host;        /* NULL = absent; no brackets for IPv6 */
	char *unix_socket; /* host given as an absolute path, else NULL */
	int port;          /* 0 = absent */
	char *db;          /* database name or SQLite path; NULL = absent */
	struct strv params; /* "key=value", decoded, in URL order */
};

/* A dburl is initialised empty and released (safe on an empty one). */
void dburl_init(struct dburl *u);
void dburl_release(struct dburl *u);

/*
 * Parse url into u (which must be initialised and is released first).
 * Returns 0, or ERR_CONFIG with a message and u released (empty).
 */
int dburl_parse(struct dburl *u, const char *url, struct err *e);

/*
 * Append url to out with every secret replaced by "****": the password of
 * the userinfo and the value of a "password" query parameter. Works on any
 * string, parseable or not, so it is safe for messages about bad URLs.
 */
void dburl_redact(const char *url, struct buf *out);

/*
 * The same in place, keeping the length: every byte of those secrets
 * becomes '*'. For a URL given on the command line once it is parsed, so
 * that /proc/PID/cmdline stops showing its password (as mysql(1) does
 * with -p): until then it is visible to every local user.
 */
void dburl_hide(char *url);

#endif
