/*
 * DB_URL parser and redactor; the grammar and every choice it makes are
 * described in dburl.h. Pure string work, no I/O.
 */
#include "config.h"

#include "config/dburl.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "config/engine.h"
#include "common/banned.h"

void
dburl_init(struct dburl *u)
{
	memset(u, 0, sizeof(*u));
	strv_init(&u->params);
}

void
dburl_release(struct dburl *u)
{
	free(u->scheme);
	free(u->engine);
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->unix_socket);
	free(u->db);
	strv_release(&u->params);
	dburl_init(u);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode s[0..n) into a new string. `what` names the part for the
 * message; a secret part is never quoted back.
 */
static int
decode(const char *s, size_t n, const char *what, bool secret, char **out,
       struct err *e)
{
	struct buf b = BUF_INIT;
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			buf_addc(&b, s[i]);
			continue;
		}
		hi = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
		lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			buf_release(&b);
			if (secret)
				return err_set(e, ERR_CONFIG,
					       "%s in %s",
					       hi < 0 || lo < 0
						   ? "bad percent-escape"
						   : "%00 (NUL byte)",
					       what);
			return err_set(e, ERR_CONFIG, "%s in %s '%.*s'",
				       hi < 0 || lo < 0 ? "bad percent-escape"
							: "%00 (NUL byte)",
				       what, (int)n, s);
		}
		buf_addc(&b, (char)(hi * 16 + lo));
		i += 2;
	}
	*out = buf_detach(&b);
	return 0;
}

/* "5432" → 5432; only plain decimal 1-65535. */
static int
parse_port(const char *s, size_t n, int *port, struct err *e)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) || v > 65535)
			break;
		v = v * 10 + (s[i] - '0');
	}
	if (i < n || v < 1 || v > 65535)
		return err_set(e, ERR_CONFIG,
			       "'%.*s' is not a port number (1-65535)",
			       (int)(n > 64 ? 64 : n), s);
	*port = (int)v;
	return 0;
}

static bool
host_char_ok(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

/* host or [ipv6] with optional :port, from hp[0..n). */
static int
parse_hostport(struct dburl *u, const char *hp, size_t n, struct err *e)
{
	const char *colon, *close, *h = hp;
	size_t hlen, i;
	char *host;

	if (n > 0 && hp[0] == '[') {
		close = memchr(hp, ']', n);
		if (close == NULL)
			return err_set(e, ERR_CONFIG,
				       "IPv6 host '%.*s' has no closing ']'",
				       (int)n, hp);
		h = hp + 1;
		hlen = (size_t)(close - h);
		for (i = 0; i < hlen; i++)
			if (!isxdigit((unsigned char)h[i]) && h[i] != ':' &&
			    h[i] != '.')
				break;
		if (hlen == 0 || i < hlen || memchr(h, ':', hlen) == NULL)
			return err_set(e, ERR_CONFIG,
				       "'%.*s' is not an IPv6 address", (int)hlen,
				       h);
		colon = close + 1;
		if (colon < hp + n && *colon != ':')
			return err_set(e, ERR_CONFIG,
				       "unexpected '%c' after the IPv6 host",
				       *colon);
		u->host = xstrndup(h, hlen);
	} else {
		colon = memchr(hp, ':', n);
		hlen = colon ? (size_t)(colon - hp) : n;
		if (hlen > 0) {
			if (decode(hp, hlen, "the host", false, &host, e) < 0)
				return e->code;
			for (i = 0; host[i] != '\0'; i++)
				if (!host_char_ok((unsigned char)host[i]))
					break;
			if (host[i] != '\0') {
				free(host);
				return err_set(e, ERR_CONFIG,
					       "the host contains a space or a "
					       "control character");
			}
			if (host[0] == '/')
				u->unix_socket = host;
			else
				u->host = host;
		}
	}
	if (colon != NULL && colon < hp + n && colon + 1 < hp + n)
		return parse_port(colon + 1, (size_t)(hp + n - colon - 1),
				  &u->port, e);
	return 0;
}

/* [user[:password]@]hostport from a[0..n). */
static int
parse_authority(struct dburl *u, const char *a, size_t n, struct err *e)
{
	const char *at = NULL, *colon;
	size_t i, ulen;

	for (i = 0; i < n; i++)
		if (a[i] == '@')
			at = a + i;
	if (at == NULL)
		return parse_hostport(u, a, n, e);
	colon = memchr(a, ':', (size_t)(at - a));
	ulen = colon ? (size_t)(colon - a) : (size_t)(at - a);
	if (ulen > 0 && decode(a, ulen, "the user name", false, &u->user, e))
		return e->code;
	if (colon != NULL &&
	    decode(colon + 1, (size_t)(at - colon - 1), "the password", true,
		   &u->password, e))
		return e->code;
	return parse_hostport(u, at + 1, (size_t)(a + n - at - 1), e);
}

/* "k=v&k2=v2" from q[0..n) into u->params. */
static int
parse_query(struct dburl *u, const char *q, size_t n, struct err *e)
{
	const char *end = q + n, *seg, *amp, *eq;
	char *key = NULL, *val = NULL;

	for (seg = q; seg < end; seg = amp + 1) {
		amp = memchr(seg, '&', (size_t)(end - seg));
		if (amp == NULL)
			amp = end;
		if (amp == seg)
			continue;
		eq = memchr(seg, '=', (size_t)(amp - seg));
		if (eq == NULL || eq == seg)
			return err_set(e, ERR_CONFIG,
				       "query parameter '%.*s' is not key=value",
				       (int)(amp - seg), seg);
		if (decode(seg, (size_t)(eq - seg), "a query parameter name",
			   false, &key, e))
			return e->code;
		/* a value may be a secret (password=...): never quoted back */
		if (decode(eq + 1, (size_t)(amp - eq - 1),
			   "a query parameter value", true, &val, e)) {
			free(key);
			return e->code;
		}
		if (strchr(key, '=') != NULL) {
			err_set(e, ERR_CONFIG,
				"query parameter name '%s' contains '='", key);
			free(key);
			free(val);
			return e->code;
		}
		strv_pushf(&u->params, "%s=%s", key, val);
		free(key);
		free(val);
	}
	return 0;
}

/*
 * A file engine's scheme:path or scheme:///abs/path; p[0..n) is what
 * follows "scheme:".
 */
static int
parse_file(struct dburl *u, const char *p, size_t n, struct err *e)
{
	const char *slash;

	if (n >= 2 && p[0] == '/' && p[1] == '/') {
		slash = memchr(p + 2, '/', n - 2);
		if (slash == NULL)
			slash = p + n;
		if (slash != p + 2)
			return err_set(e, ERR_CONFIG,
				       "a %s URL has no host ('%.*s'); write "
				       "%s:relative.db or %s:///absolute/path.db",
				       u->scheme, (int)(slash - p - 2), p + 2,
				       u->scheme, u->scheme);
		n -= (size_t)(slash - p);
		p = slash;
	}
	if (n == 0)
		return 0;
	if (p[n - 1] == '/')
		return err_set(e, ERR_CONFIG,
			       "%s path '%.*s' is a directory, not a "
			       "database file",
			       u->scheme, (int)n, p);
	return decode(p, n, "the path", false, &u->db, e);
}

/* //authority[/db] for a server engine; r[0..n) follows "scheme:". */
static int
parse_server(struct dburl *u, const char *r, size_t n, struct err *e)
{
	const char *path;
	size_t alen;

	if (n < 2 || r[0] != '/' || r[1] != '/')
		return err_set(e, ERR_CONFIG,
			       "expected %s://[user[:password]@]host[:port]/db",
			       u->scheme);
	path = memchr(r + 2, '/', n - 2);
	alen = path ? (size_t)(path - r - 2) : n - 2;
	if (parse_authority(u, r + 2, alen, e) < 0)
		return e->code;
	if (path == NULL || path + 1 == r + n)
		return 0;
	path++;
	if (memchr(path, '/', (size_t)(r + n - path)) != NULL)
		return err_set(e, ERR_CONFIG,
			       "the path '/%.*s' must be one database name "
			       "(write '/' inside a name as %%2F)",
			       (int)(r + n - path), path);
	return decode(path, (size_t)(r + n - path), "the database name", false,
		      &u->db, e);
}

static int
parse_scheme(struct dburl *u, const char *url, const char **rest,
	     const struct engine **engine, struct err *e)
{
	struct buf schemes = BUF_INIT;
	size_t i = 0;

	if (isalpha((unsigned char)url[0]))
		while (isalnum((unsigned char)url[i]) || url[i] == '+' ||
		       url[i] == '-' || url[i] == '.')
			i++;
	engine_schemes(&schemes);
	if (i == 0 || url[i] != ':')
		err_set(e, ERR_CONFIG,
			"not a URL (expected scheme://..., with scheme one of "
			"%s)",
			schemes.ptr);
	else if ((*engine = engine_find(url, i)) == NULL)
		err_set(e, ERR_CONFIG, "unknown scheme '%.*s' (expected %s)",
			(int)(i > 40 ? 40 : i), url, schemes.ptr);
	buf_release(&schemes);
	if (i == 0 || url[i] != ':' || *engine == NULL)
		return ERR_CONFIG;
	u->scheme = xstrndup(url, i);
	for (i = 0; u->scheme[i] != '\0'; i++)
		u->scheme[i] = (char)tolower((unsigned char)u->scheme[i]);
	u->engine = xstrdup((*engine)->name);
	*rest = url + i + 1;
	return 0;
}

int
dburl_parse(struct dburl *u, const char *url, struct err *e)
{
	const struct engine *engine = NULL;
	const char *rest = NULL, *q;
	size_t n;
	int rc;

	dburl_release(u);
	if ((rc = parse_scheme(u, url, &rest, &engine, e)) < 0)
		goto out;
	if (strchr(rest, '#') != NULL) {
		rc = err_set(e, ERR_CONFIG,
			     "'#' must be percent-encoded as %%23 (a fragment "
			     "has no meaning here)");
		goto out;
	}
	q = strchr(rest, '?');
	n = q ? (size_t)(q - rest) : strlen(rest);
	if (engine->file)
		rc = parse_file(u, rest, n, e);
	else
		rc = parse_server(u, rest, n, e);
	if (rc == 0 && q != NULL)
		rc = parse_query(u, q + 1, strlen(q + 1), e);
out:
	if (rc < 0)
		dburl_release(u);
	return rc;
}

/* Is the query key k[0..n) "password", percent-encoded or not? */
static bool
is_password_key(const char *k, size_t n)
{
	char want[] = "password";
	size_t i, j = 0;
	int hi, lo, c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)k[i];
		if (c == '%' && i + 2 < n &&
		    (hi = hexval((unsigned char)k[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)k[i + 2])) >= 0) {
			c = hi * 16 + lo;
			i += 2;
		}
		if (j >= sizeof(want) - 1 || tolower(c) != want[j++])
			return false;
	}
	return j == sizeof(want) - 1;
}

/* Mask the value of every password=... parameter after the '?'. */
static void
redact_query(const char *q, struct buf *out)
{
	const char *seg = q, *end, *eq;

	for (;;) {
		end = seg + strcspn(seg, "&#");
		eq = memchr(seg, '=', (size_t)(end - seg));
		if (eq != NULL && is_password_key(seg, (size_t)(eq - seg))) {
			buf_add(out, seg, (size_t)(eq - seg + 1));
			buf_adds(out, "****");
		} else {
			buf_add(out, seg, (size_t)(end - seg));
		}
		if (*end != '&') {
			buf_adds(out, end);
			return;
		}
		buf_addc(out, '&');
		seg = end + 1;
	}
}

void
dburl_redact(const char *url, struct buf *out)
{
	const char *auth, *at, *colon, *q, *p;

	/*
	 * Err on the side of masking too much: the userinfo may hold an
	 * unencoded '/', '?' or '#' (the URL is then invalid, but it is still
	 * a password), so it ends at the last '@' of the whole string.
	 */
	auth = strstr(url, "://");
	if (auth == NULL) {
		q = strchr(url, '?');
		buf_add(out, url, q ? (size_t)(q + 1 - url) : strlen(url));
		if (q != NULL)
			redact_query(q + 1, out);
		return;
	}
	auth += 3;
	at = strrchr(auth, '@');
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon != NULL) {
		buf_add(out, url, (size_t)(colon + 1 - url));
		buf_adds(out, "****");
		p = at;
	} else {
		buf_add(out, url, (size_t)(auth - url));
		p = auth;
	}
	q = strchr(p, '?');
	buf_add(out, p, q ? (size_t)(q + 1 - p) : strlen(p));
	if (q != NULL)
		redact_query(q + 1, out);
}
