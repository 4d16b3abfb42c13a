/* Ranges ({001..128}) and environment references (${VAR}) in inventory
 * strings; see expansion.h. */
#include "config.h"

#include "config/expansion.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/banned.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* Whether p..q (exclusive) is one or more decimal digits. */
static bool
digits(const char *p, const char *q)
{
	return q > p && strspn(p, "0123456789") >= (size_t)(q - p);
}

/* The closing brace of p, if p opens something that looks like a range:
 * up to 64 bytes without braces or blanks, with "..", then "}". *dots is
 * the first "..". Bounded, so a line of braces stays linear. */
static const char *
range_close(const char *p, const char **dots)
{
	const char *q;

	*dots = NULL;
	for (q = p + 1; *q && q - p <= 64 && *q != '}' && *q != '{' &&
			!isspace((unsigned char)*q);
	     q++)
		if (!*dots && q[0] == '.' && q[1] == '.')
			*dots = q;
	return *q == '}' && *dots && *dots + 2 <= q ? q : NULL;
}

int
expansion_range_next(const char *s, size_t *pos, struct expansion_range *r,
		     const char **why)
{
	const char *p, *q, *dots;
	long long a, b;

	for (p = strchr(s + *pos, '{'); p; p = strchr(p + 1, '{')) {
		if ((p > s && p[-1] == '$') || !(q = range_close(p, &dots)))
			continue;
		r->at = (size_t)(p - s);
		r->len = (size_t)(q - p) + 1;
		*pos = r->at + r->len;
		if (!digits(p + 1, dots) || !digits(dots + 2, q)) {
			*why = "start and end must be decimal numbers";
			return -1;
		}
		if (dots - p - 1 > 18 || q - dots - 2 > 18) {
			*why = "the numbers are too large";
			return -1;
		}
		a = strtoll(p + 1, NULL, 10);
		b = strtoll(dots + 2, NULL, 10);
		if (b < a) {
			*why = "the end is before the start";
			return -1;
		}
		if (b - a >= EXPANSION_MAX_RANGE) {
			*why = "more than " STR(EXPANSION_MAX_RANGE) " values";
			return -1;
		}
		r->start = a;
		r->count = b - a + 1;
		r->width = (int)(dots - p - 1);
		return 1;
	}
	return 0;
}

bool
expansion_ranges(const char *s, long long idx, struct buf *out)
{
	struct expansion_range r;
	const char *why;
	size_t pos = 0, copied = 0;
	int rc;

	while ((rc = expansion_range_next(s, &pos, &r, &why)) > 0) {
		buf_add(out, s + copied, r.at - copied);
		buf_addf(out, "%0*lld", r.width,
			 r.start + (idx < r.count ? idx : 0));
		copied = r.at + r.len;
	}
	buf_adds(out, s + copied);
	return rc == 0;
}

static const char *
env_get(char *const *envp, const char *name, size_t len)
{
	size_t i;

	for (i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=')
			return envp[i] + len + 1;
	return NULL;
}

/* One reference at p ("${..."); returns the text after it, or NULL. */
static const char *
env_ref(const char *p, char *const *envp, struct buf *out, struct buf *why)
{
	const char *name = p + 2, *close, *val;
	size_t n = 0;

	if (isalpha((unsigned char)*name) || *name == '_')
		while (isalnum((unsigned char)name[n]) || name[n] == '_')
			n++;
	close = strchr(name + n, '}');
	if (n == 0 || !close ||
	    (close != name + n && strncmp(name + n, ":-", 2) != 0)) {
		buf_adds(why, "malformed ${...} reference: write ${NAME} or "
			      "${NAME:-default}");
		return NULL;
	}
	val = env_get(envp, name, n);
	if (close != name + n && (!val || !*val)) {
		buf_add(out, name + n + 2, (size_t)(close - name - n - 2));
	} else if (val) {
		buf_adds(out, val);
	} else {
		buf_addf(why, "${%.*s} is not set", (int)n, name);
		return NULL;
	}
	return close + 1;
}

bool
expansion_env(const char *s, char *const *envp, struct buf *out,
	      struct buf *why)
{
	const char *p;

	while ((p = strchr(s, '$')) != NULL) {
		buf_add(out, s, (size_t)(p - s));
		if (p[1] == '$') {
			buf_addc(out, '$');
			s = p + 2;
		} else if (p[1] == '{') {
			if (!(s = env_ref(p, envp, out, why)))
				return false;
		} else {
			buf_adds(why, "'$' must start ${VAR} or ${VAR:-default}; "
				      "write '$$' for a '$'");
			return false;
		}
	}
	buf_adds(out, s);
	return true;
}

void
expansion_env_names(const char *s, struct strv *names)
{
	const char *p, *name;
	size_t n;

	for (p = strchr(s, '$'); p != NULL; p = strchr(p, '$')) {
		if (p[1] == '$') {
			p += 2;
			continue;
		}
		p++;
		if (*p != '{')
			continue;
		name = ++p;
		n = 0;
		if (isalpha((unsigned char)*name) || *name == '_')
			while (isalnum((unsigned char)name[n]) || name[n] == '_')
				n++;
		if (n == 0 || (name[n] != '}' && strncmp(name + n, ":-", 2)))
			continue;
		if (names->n == 0 ||
		    strncmp(names->v[names->n - 1], name, n) != 0 ||
		    names->v[names->n - 1][n] != '\0')
			strv_pushf(names, "%.*s", (int)n, name);
		p = name + n;
	}
}
