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
 * One parse. [pw, pw_end) is every byte of the URL that may be a password,
 * found as dburl_redact finds it (from the first ':' of the userinfo to the
 * LAST '@' of the whole string), wider than the parser's own split: a URL
 * broken by an unencoded '/' or '?' in its password still has that
 * password masked. Every message quotes the URL through quote(), which
 * shows those bytes as "****".
 */
struct parse {
	struct dburl *u;
	const char *pw, *pw_end; /* both NULL: no userinfo password */
	struct buf quoted;       /* scratch for quote() */
	struct err *e;
};

static void
parse_init(struct parse *ps, struct dburl *u, const char *url, struct err *e)
{
	const char *auth = strstr(url, "://"), *at, *colon;

	memset(ps, 0, sizeof(*ps));
	ps->u = u;
	ps->e = e;
	buf_init(&ps->quoted);
	if (auth == NULL)
		return;
	auth += 3;
	at = strrchr(auth, '@');
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon != NULL) {
		ps->pw = colon + 1;
		ps->pw_end = at;
	}
}

/* Does s[0..n) touch the bytes that may be a password? */
static bool
touches_password(const struct parse *ps, const char *s, size_t n)
{
	return ps->pw != NULL && s < ps->pw_end && s + n > ps->pw;
}

/* s[0..n), a piece of the URL, fit for a message: the bytes that may be a
 * password become one "****". Valid until the next call. */
static const char *
quote(struct parse *ps, const char *s, size_t n)
{
	const char *end = s + n, *a, *b;

	buf_reset(&ps->quoted);
	if (!touches_password(ps, s, n)) {
		buf_add(&ps->quoted, s, n);
		return ps->quoted.ptr;
	}
	a = ps->pw > s ? ps->pw : s;
	b = ps->pw_end < end ? ps->pw_end : end;
	buf_add(&ps->quoted, s, (size_t)(a - s));
	buf_adds(&ps->quoted, "****");
	buf_add(&ps->quoted, b, (size_t)(end - b));
	return ps->quoted.ptr;
}

/*
 * Percent-decode s[0..n) into a new string. `what` names the part for the
 * message; a secret part is never quoted back.
 */
static int
decode(struct parse *ps, const char *s, size_t n, const char *what,
       bool secret, char **out)
{
	struct buf b = BUF_INIT;
	const char *why;
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
			why = hi < 0 || lo < 0 ? "bad percent-escape"
					       : "%00 (NUL byte)";
			if (secret)
				return err_set(ps->e, ERR_CONFIG, "%s in %s",
					       why, what);
			return err_set(ps->e, ERR_CONFIG, "%s in %s '%s'", why,
				       what, quote(ps, s, n));
		}
		buf_addc(&b, (char)(hi * 16 + lo));
		i += 2;
	}
	*out = buf_detach(&b);
	return 0;
}

/*
 * "5432" → 5432; only plain decimal 1-65535. A port that is not a number
 * is not quoted: "postgres://admin:secret" is a host and a port, but the
 * port is a password whose "@host" went missing.
 */
static int
parse_port(struct parse *ps, const char *s, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) || v > 65535)
			break;
		v = v * 10 + (s[i] - '0');
	}
	if (i < n && !isdigit((unsigned char)s[i]))
		return err_set(ps->e, ERR_CONFIG,
			       "the port is not a number (1-65535)");
	if (i < n || v < 1 || v > 65535)
		return err_set(ps->e, ERR_CONFIG,
			       "'%s' is not a port number (1-65535)",
			       quote(ps, s, n > 64 ? 64 : n));
	ps->u->port = (int)v;
	return 0;
}

static bool
host_char_ok(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

/* [ipv6] from hp[0..n); *colon is left after the ']'. */
static int
parse_ipv6(struct parse *ps, const char *hp, size_t n, const char **colon)
{
	const char *close = memchr(hp, ']', n), *h = hp + 1;
	size_t hlen, i;

	if (close == NULL)
		return err_set(ps->e, ERR_CONFIG,
			       "IPv6 host '%s' has no closing ']'",
			       quote(ps, hp, n));
	hlen = (size_t)(close - h);
	for (i = 0; i < hlen; i++)
		if (!isxdigit((unsigned char)h[i]) && h[i] != ':' &&
		    h[i] != '.')
			break;
	if (hlen == 0 || i < hlen || memchr(h, ':', hlen) == NULL)
		return err_set(ps->e, ERR_CONFIG,
			       "'%s' is not an IPv6 address",
			       quote(ps, h, hlen));
	*colon = close + 1;
	if (*colon < hp + n && **colon != ':')
		return err_set(ps->e, ERR_CONFIG,
			       "unexpected '%s' after the IPv6 host",
			       quote(ps, *colon, 1));
	ps->u->host = xstrndup(h, hlen);
	return 0;
}

/* host or [ipv6] with optional :port, from hp[0..n). */
static int
parse_hostport(struct parse *ps, const char *hp, size_t n)
{
	const char *colon = NULL;
	size_t hlen, i;
	char *host;

	if (n > 0 && hp[0] == '[') {
		if (parse_ipv6(ps, hp, n, &colon) < 0)
			return ps->e->code;
	} else {
		colon = memchr(hp, ':', n);
		hlen = colon ? (size_t)(colon - hp) : n;
		if (hlen > 0) {
			if (decode(ps, hp, hlen, "the host", false, &host) < 0)
				return ps->e->code;
			for (i = 0; host[i] != '\0'; i++)
				if (!host_char_ok((unsigned char)host[i]))
					break;
			if (host[i] != '\0') {
				free(host);
				return err_set(ps->e, ERR_CONFIG,
					       "the host contains a space or a "
					       "control character");
			}
			if (host[0] == '/')
				ps->u->unix_socket = host;
			else
				ps->u->host = host;
		}
	}
	if (colon != NULL && colon < hp + n && colon + 1 < hp + n)
		return parse_port(ps, colon + 1, (size_t)(hp + n - colon - 1));
	return 0;
}

/* [user[:password]@]hostport from a[0..n). */
static int
parse_authority(struct parse *ps, const char *a, size_t n)
{
	const char *at = NULL, *colon;
	size_t i, ulen;

	for (i = 0; i < n; i++)
		if (a[i] == '@')
			at = a + i;
	if (at == NULL)
		return parse_hostport(ps, a, n);
	colon = memchr(a, ':', (size_t)(at - a));
	ulen = colon ? (size_t)(colon - a) : (size_t)(at - a);
	if (ulen > 0 &&
	    decode(ps, a, ulen, "the user name", false, &ps->u->user))
		return ps->e->code;
	if (colon != NULL &&
	    decode(ps, colon + 1, (size_t)(at - colon - 1), "the password",
		   true, &ps->u->password))
		return ps->e->code;
	return parse_hostport(ps, at + 1, (size_t)(a + n - at - 1));
}

/* One "k=v" segment of the query, seg[0..n), into u->params. */
static int
parse_param(struct parse *ps, const char *seg, size_t n)
{
	const char *eq = memchr(seg, '=', n);
	char *key = NULL, *val = NULL;
	int rc = 0;

	if (eq == NULL || eq == seg)
		return err_set(ps->e, ERR_CONFIG,
			       "query parameter '%s' is not key=value",
			       quote(ps, seg, n));
	if (decode(ps, seg, (size_t)(eq - seg), "a query parameter name",
		   false, &key))
		return ps->e->code;
	/* a value may be a secret (password=...): never quoted back */
	if (decode(ps, eq + 1, (size_t)(seg + n - eq - 1),
		   "a query parameter value", true, &val)) {
		rc = ps->e->code;
	} else if (strchr(key, '=') != NULL) {
		rc = err_set(ps->e, ERR_CONFIG,
			     "query parameter name '%s' contains '='",
			     touches_password(ps, seg, (size_t)(eq - seg))
				 ? "****"
				 : key);
	} else {
		strv_pushf(&ps->u->params, "%s=%s", key, val);
	}
	free(key);
	free(val);
	return rc;
}

/* "k=v&k2=v2" from q[0..n) into u->params. */
static int
parse_query(struct parse *ps, const char *q, size_t n)
{
	const char *end = q + n, *seg, *amp;

	for (seg = q; seg < end; seg = amp + 1) {
		amp = memchr(seg, '&', (size_t)(end - seg));
		if (amp == NULL)
			amp = end;
		if (amp != seg && parse_param(ps, seg, (size_t)(amp - seg)) < 0)
			return ps->e->code;
	}
	return 0;
}

/*
 * A file engine's scheme:path or scheme:///abs/path; p[0..n) is what
 * follows "scheme:".
 */
static int
parse_file(struct parse *ps, const char *p, size_t n)
{
	const char *slash, *scheme = ps->u->scheme;

	if (n >= 2 && p[0] == '/' && p[1] == '/') {
		slash = memchr(p + 2, '/', n - 2);
		if (slash == NULL)
			slash = p + n;
		if (slash != p + 2)
			return err_set(ps->e, ERR_CONFIG,
				       "a %s URL has no host ('%s'); write "
				       "%s:relative.db or %s:///absolute/path.db",
				       scheme,
				       quote(ps, p + 2, (size_t)(slash - p - 2)),
				       scheme, scheme);
		n -= (size_t)(slash - p);
		p = slash;
	}
	if (n == 0)
		return 0;
	if (p[n - 1] == '/')
		return err_set(ps->e, ERR_CONFIG,
			       "%s path '%s' is a directory, not a "
			       "database file",
			       scheme, quote(ps, p, n));
	return decode(ps, p, n, "the path", false, &ps->u->db);
}

/* //authority[/db] for a server engine; r[0..n) follows "scheme:". */
static int
parse_server(struct parse *ps, const char *r, size_t n)
{
	const char *path;
	size_t alen;

	if (n < 2 || r[0] != '/' || r[1] != '/')
		return err_set(ps->e, ERR_CONFIG,
			       "expected %s://[user[:password]@]host[:port]/db",
			       ps->u->scheme);
	path = memchr(r + 2, '/', n - 2);
	alen = path ? (size_t)(path - r - 2) : n - 2;
	if (parse_authority(ps, r + 2, alen) < 0)
		return ps->e->code;
	if (path == NULL || path + 1 == r + n)
		return 0;
	path++;
	if (memchr(path, '/', (size_t)(r + n - path)) != NULL)
		return err_set(ps->e, ERR_CONFIG,
			       "the path '/%s' must be one database name "
			       "(write '/' inside a name as %%2F)",
			       quote(ps, path, (size_t)(r + n - path)));
	return decode(ps, path, (size_t)(r + n - path), "the database name",
		      false, &ps->u->db);
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
	struct parse ps;
	size_t n;
	int rc;

	dburl_release(u);
	parse_init(&ps, u, url, e);
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
		rc = parse_file(&ps, rest, n);
	else
		rc = parse_server(&ps, rest, n);
	if (rc == 0 && q != NULL)
		rc = parse_query(&ps, q + 1, strlen(q + 1));
out:
	buf_release(&ps.quoted);
	if (rc < 0)
		dburl_release(u);
	return rc;
}

bool
dburl_secret_key(const char *k, size_t n)
{
	static const char *const secrets[] = { "password", "passphrase" };
	char key[64];
	size_t i, j = 0, len;
	int hi, lo, c;

	for (i = 0; i < n && j < sizeof(key); i++) {
		c = (unsigned char)k[i];
		if (c == '%' && i + 2 < n &&
		    (hi = hexval((unsigned char)k[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)k[i + 2])) >= 0) {
			c = hi * 16 + lo;
			i += 2;
		}
		key[j++] = (char)tolower(c);
	}
	if (i < n)
		return false; /* longer than any key a driver knows */
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		len = strlen(secrets[i]);
		if (j >= len && memcmp(key + j - len, secrets[i], len) == 0)
			return true;
	}
	return false;
}

/* Mask the value of every secret parameter after the '?'. */
static void
redact_query(const char *q, struct buf *out)
{
	const char *seg = q, *end, *eq;

	for (;;) {
		end = seg + strcspn(seg, "&#");
		eq = memchr(seg, '=', (size_t)(end - seg));
		if (eq != NULL && dburl_secret_key(seg, (size_t)(eq - seg))) {
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

/* s as it is up to its query, whose values are masked. */
static void
add_query_redacted(const char *s, struct buf *out)
{
	const char *q = strchr(s, '?');

	buf_add(out, s, q ? (size_t)(q + 1 - s) : strlen(s));
	if (q != NULL)
		redact_query(q + 1, out);
}

void
dburl_redact(const char *url, struct buf *out)
{
	const char *auth, *at, *colon, *p;

	/*
	 * Err on the side of masking too much: the userinfo may hold an
	 * unencoded '/', '?' or '#' (the URL is then invalid, but it is still
	 * a password), so it ends at the last '@' of the whole string.
	 */
	auth = strstr(url, "://");
	if (auth == NULL) {
		add_query_redacted(url, out);
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
	add_query_redacted(p, out);
}

void
dburl_hide(char *url)
{
	char *auth = strstr(url, "://"), *p = url, *at, *colon, *q, *seg, *end;
	char *eq;

	/* the same bytes as dburl_redact masks */
	if (auth != NULL) {
		p = auth += 3;
		at = strrchr(auth, '@');
		colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon != NULL) {
			memset(colon + 1, '*', (size_t)(at - colon - 1));
			p = at;
		}
	}
	q = strchr(p, '?');
	for (seg = q ? q + 1 : NULL; seg != NULL;
	     seg = *end == '&' ? end + 1 : NULL) {
		end = seg + strcspn(seg, "&#");
		eq = memchr(seg, '=', (size_t)(end - seg));
		if (eq != NULL && dburl_secret_key(seg, (size_t)(eq - seg)))
			memset(eq + 1, '*', (size_t)(end - eq - 1));
	}
}
