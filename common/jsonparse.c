/* A strict RFC 8259 parser into a tree with positions, its accessors, and a
 * writer of the tree that matches common/json.c's pretty output. */
#include "config.h"

#include "common/jsonparse.h"

#include <errno.h>
#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/xmalloc.h"
#include "common/banned.h"

struct parser {
	const char *start;
	const char *p;
	const char *end;
	const char *file;
	struct err *e;
	/* position cache: lines and columns are counted forward from mark */
	const char *mark;
	int mark_line;
	int mark_col;
};

/* Line and column of ptr; columns count UTF-8 characters. */
static void
parser_pos(struct parser *ps, const char *ptr, int *line, int *col)
{
	const char *q;

	if (ptr < ps->mark) { /* only on error paths: start over */
		ps->mark = ps->start;
		ps->mark_line = 1;
		ps->mark_col = 1;
	}
	for (q = ps->mark; q < ptr; q++) {
		if (*q == '\n') {
			ps->mark_line++;
			ps->mark_col = 1;
		} else if (((unsigned char)*q & 0xc0) != 0x80) {
			ps->mark_col++;
		}
	}
	ps->mark = ptr;
	*line = ps->mark_line;
	*col = ps->mark_col;
}

static int
parser_fail(struct parser *ps, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
parser_fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int line, col;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	parser_pos(ps, at, &line, &col);
	return err_set_at(ps->e, ERR_CONFIG, ps->file, line, col, "%s", msg);
}

/* A printable description of the byte at p for messages. */
static const char *
describe(const struct parser *ps, const char *p, char *tmp, size_t size)
{
	unsigned char c;

	if (p >= ps->end)
		return "end of input";
	c = (unsigned char)*p;
	if (c >= 0x21 && c < 0x7f)
		xsnprintf(tmp, size, "'%c'", c);
	else
		xsnprintf(tmp, size, "byte 0x%02x", c);
	return tmp;
}

static int
parser_unexpected(struct parser *ps, const char *want)
{
	char tmp[32];

	return parser_fail(ps, ps->p, "expected %s, found %s", want,
			   describe(ps, ps->p, tmp, sizeof(tmp)));
}

static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static struct json_value *
value_new(struct parser *ps, enum json_type type, const char *at)
{
	struct json_value *v = xcalloc(1, sizeof(*v));

	v->type = type;
	parser_pos(ps, at, &v->line, &v->col);
	return v;
}

static void
utf8_put(struct buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xc0 | (cp >> 6)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xe0 | (cp >> 12)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | (cp >> 18)));
		buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Four hex digits at p (the "XXXX" of \uXXXX), or -1. */
static long
hex4(const struct parser *ps, const char *p)
{
	long v = 0;
	int i;

	if (ps->end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* A \u escape at ps->p (on the backslash), with its surrogate pair. */
static int
parse_unicode_escape(struct parser *ps, struct buf *b)
{
	const char *esc = ps->p;
	long hi = hex4(ps, esc + 2), lo;

	if (hi < 0)
		return parser_fail(ps, esc, "invalid \\u escape: four "
				   "hexadecimal digits expected");
	ps->p = esc + 6;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return parser_fail(ps, esc, "lone low surrogate \\u%04lx", hi);
	if (hi < 0xd800 || hi > 0xdbff) {
		utf8_put(b, (unsigned long)hi);
		return 0;
	}
	if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
	    (lo = hex4(ps, ps->p + 2)) < 0xdc00 || lo > 0xdfff)
		return parser_fail(ps, esc, "high surrogate \\u%04lx not "
				   "followed by a low surrogate", hi);
	ps->p += 6;
	utf8_put(b, 0x10000 + (((unsigned long)hi - 0xd800) << 10) +
			    ((unsigned long)lo - 0xdc00));
	return 0;
}

static int
parse_escape(struct parser *ps, struct buf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	char tmp[32];

	if (ps->p + 1 >= ps->end)
		return parser_fail(ps, ps->p, "unterminated string");
	if (ps->p[1] == 'u')
		return parse_unicode_escape(ps, b);
	hit = ps->p[1] ? strchr(from, ps->p[1]) : NULL;
	if (hit == NULL)
		return parser_fail(ps, ps->p, "invalid escape \\%s",
				   describe(ps, ps->p + 1, tmp, sizeof(tmp)));
	buf_addc(b, to[hit - from]);
	ps->p += 2;
	return 0;
}

/* A string at ps->p (on the quote), unescaped into b. */
static int
parse_string_into(struct parser *ps, struct buf *b)
{
	const char *open = ps->p;
	int n, r;

	ps->p++;
	for (;;) {
		unsigned char c;

		if (ps->p >= ps->end)
			return parser_fail(ps, open, "unterminated string");
		c = (unsigned char)*ps->p;
		if (c == '"')
			break;
		if (c == '\\') {
			if ((r = parse_escape(ps, b)) < 0)
				return r;
			continue;
		}
		if (c < 0x20)
			return parser_fail(ps, ps->p, "control character "
					   "U+%04X in a string (escape it)", c);
		n = json_utf8_len((const unsigned char *)ps->p,
			       (size_t)(ps->end - ps->p));
		if (n == 0)
			return parser_fail(ps, ps->p, "invalid UTF-8 "
					   "(byte 0x%02x)", c);
		buf_add(b, ps->p, (size_t)n);
		ps->p += n;
	}
	ps->p++;
	return 0;
}

static int
parse_string(struct parser *ps, struct json_value **out)
{
	struct buf b = BUF_INIT;
	const char *at = ps->p;
	struct json_value *v;
	int r;

	if ((r = parse_string_into(ps, &b)) < 0) {
		buf_release(&b);
		return r;
	}
	v = value_new(ps, JSON_STRING, at);
	v->u.string.len = b.len;
	v->u.string.s = buf_detach(&b);
	*out = v;
	return 0;
}

static const char *
digits(const struct parser *ps, const char *p)
{
	while (p < ps->end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

/* The integer literal [s, e) as int64, when it fits. */
static bool
int_literal(const char *s, const char *e, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;

	for (s += neg; s < e; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* Scan the grammar of a number; ps->p is left after it. */
static int
scan_number(struct parser *ps, bool *is_integer)
{
	const char *p = ps->p, *q;

	*is_integer = true;
	if (*p == '-')
		p++;
	if (p >= ps->end || *p < '0' || *p > '9')
		return parser_fail(ps, p, "a digit expected in a number");
	if (*p == '0' && p + 1 < ps->end && p[1] >= '0' && p[1] <= '9')
		return parser_fail(ps, p, "leading zero in a number");
	p = digits(ps, p);
	if (p < ps->end && *p == '.') {
		*is_integer = false;
		if ((q = digits(ps, p + 1)) == p + 1)
			return parser_fail(ps, p + 1, "a digit expected after "
					   "the decimal point");
		p = q;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		*is_integer = false;
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if ((q = digits(ps, p)) == p)
			return parser_fail(ps, p, "a digit expected in the "
					   "exponent");
		p = q;
	}
	ps->p = p;
	return 0;
}

static int
parse_number(struct parser *ps, struct json_value **out)
{
	const char *at = ps->p;
	struct json_value *v;
	bool integer;
	char *text;
	double d;
	int r;

	if ((r = scan_number(ps, &integer)) < 0)
		return r;
	text = xstrndup(at, (size_t)(ps->p - at));
	errno = 0;
	d = strtod(text, NULL); /* the grammar was checked: all of it is used */
	if (d > DBL_MAX || d < -DBL_MAX) { /* strtod's HUGE_VAL */
		free(text);
		return parser_fail(ps, at, "number out of range");
	}
	v = value_new(ps, JSON_NUMBER, at);
	v->u.number.d = d;
	v->u.number.text = text;
	if (integer && int_literal(at, ps->p, &v->u.number.i))
		v->u.number.is_int = true;
	else if (!integer && d > -9007199254740992.0 &&
		 d < 9007199254740992.0 && (double)(int64_t)d == d) {
		v->u.number.is_int = true;
		v->u.number.i = (int64_t)d;
	}
	*out = v;
	return 0;
}

static int
parse_literal(struct parser *ps, struct json_value **out)
{
	static const struct {
		const char *word;
		enum json_type type;
		bool b;
	} words[] = {
		{ "true", JSON_BOOL, true },
		{ "false", JSON_BOOL, false },
		{ "null", JSON_NULL, false },
	};
	size_t i, n;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i].word);
		if ((size_t)(ps->end - ps->p) >= n &&
		    memcmp(ps->p, words[i].word, n) == 0) {
			*out = value_new(ps, words[i].type, ps->p);
			(*out)->u.boolean = words[i].b;
			ps->p += n;
			return 0;
		}
	}
	return parser_unexpected(ps, "a value");
}

static int parse_value(struct parser *ps, int depth, struct json_value **out);

static int
parse_array(struct parser *ps, int depth, struct json_value *arr)
{
	size_t cap = 0;
	int r;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		struct json_value *item = NULL;

		if ((r = parse_value(ps, depth, &item)) < 0) {
			json_value_free(item);
			return r;
		}
		if (arr->u.array.n == cap) {
			cap = cap ? 2 * cap : 4;
			arr->u.array.v = xreallocarray(arr->u.array.v, cap,
						       sizeof(*arr->u.array.v));
		}
		arr->u.array.v[arr->u.array.n++] = item;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ']')
			break;
		if (ps->p >= ps->end || *ps->p != ',')
			return parser_unexpected(ps, "',' or ']'");
		ps->p++;
	}
	ps->p++;
	return 0;
}

static int
member_cmp(const void *a, const void *b)
{
	const struct json_member *x = *(const struct json_member *const *)a;
	const struct json_member *y = *(const struct json_member *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return x < y ? -1 : x > y; /* equal keys: document order */
}

/* Sorting finds duplicates in n log n, where a scan per key would not. */
static int
check_duplicates(struct parser *ps, const struct json_value *obj)
{
	const struct json_member **idx;
	size_t i, n = obj->u.object.n;
	int r = 0;

	if (n < 2)
		return 0;
	idx = xreallocarray(NULL, n, sizeof(*idx));
	for (i = 0; i < n; i++)
		idx[i] = &obj->u.object.v[i];
	qsort(idx, n, sizeof(*idx), member_cmp);
	for (i = 1; i < n && r == 0; i++)
		if (idx[i]->key_len == idx[i - 1]->key_len &&
		    memcmp(idx[i]->key, idx[i - 1]->key, idx[i]->key_len) == 0)
			r = err_set_at(ps->e, ERR_CONFIG, ps->file,
				       idx[i]->line, idx[i]->col,
				       "duplicate key \"%s\" (first at %d:%d)",
				       idx[i]->key, idx[i - 1]->line,
				       idx[i - 1]->col);
	free(idx);
	return r;
}

static int
parse_member(struct parser *ps, int depth, struct json_member *m)
{
	struct buf key = BUF_INIT;
	int r;

	if (ps->p >= ps->end || *ps->p != '"')
		return parser_unexpected(ps, "a string (an object's key)");
	parser_pos(ps, ps->p, &m->line, &m->col);
	if ((r = parse_string_into(ps, &key)) < 0) {
		buf_release(&key);
		return r;
	}
	m->key_len = key.len;
	m->key = buf_detach(&key);
	skip_ws(ps);
	if (ps->p >= ps->end || *ps->p != ':')
		return parser_unexpected(ps, "':' after the key");
	ps->p++;
	return parse_value(ps, depth, &m->value);
}

static int
parse_object(struct parser *ps, int depth, struct json_value *obj)
{
	size_t cap = 0;
	int r;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return 0;
	}
	for (;;) {
		struct json_member *m;

		if (obj->u.object.n == cap) {
			cap = cap ? 2 * cap : 8;
			obj->u.object.v = xreallocarray(
			    obj->u.object.v, cap, sizeof(*obj->u.object.v));
		}
		m = &obj->u.object.v[obj->u.object.n++];
		memset(m, 0, sizeof(*m));
		if ((r = parse_member(ps, depth, m)) < 0)
			return r;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == '}')
			break;
		if (ps->p >= ps->end || *ps->p != ',')
			return parser_unexpected(ps, "',' or '}'");
		ps->p++;
		skip_ws(ps);
	}
	ps->p++;
	return check_duplicates(ps, obj);
}

/* Any value, after leading whitespace; a container owns what it parsed
 * so far even when it fails, and is handed to *out either way. */
static int
parse_value(struct parser *ps, int depth, struct json_value **out)
{
	struct json_value *v;
	int r;

	skip_ws(ps);
	if (ps->p >= ps->end)
		return parser_unexpected(ps, "a value");
	switch (*ps->p) {
	case '"':
		return parse_string(ps, out);
	case '[':
	case '{':
		if (depth >= JSON_PARSE_MAX_DEPTH)
			return parser_fail(ps, ps->p, "nested deeper than %d",
					   JSON_PARSE_MAX_DEPTH);
		v = value_new(ps, *ps->p == '[' ? JSON_ARRAY : JSON_OBJECT,
			      ps->p);
		*out = v;
		if (v->type == JSON_ARRAY)
			r = parse_array(ps, depth + 1, v);
		else
			r = parse_object(ps, depth + 1, v);
		return r;
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps, out);
		return parse_literal(ps, out);
	}
}

int
json_parse(const char *text, size_t len, const char *file,
	   struct json_value **out, struct err *e)
{
	struct parser ps = { 0 };
	struct json_value *v = NULL;
	int r;

	ps.start = ps.p = ps.mark = text;
	ps.end = text + len;
	ps.file = file ? file : "<input>";
	ps.e = e;
	ps.mark_line = ps.mark_col = 1;
	skip_ws(&ps);
	if (ps.p >= ps.end)
		return parser_fail(&ps, ps.p, "empty document: a JSON value "
				   "expected");
	if ((r = parse_value(&ps, 0, &v)) < 0) {
		json_value_free(v);
		return r;
	}
	skip_ws(&ps);
	if (ps.p < ps.end) {
		json_value_free(v);
		return parser_unexpected(&ps, "the end of the document");
	}
	*out = v;
	return 0;
}

void
json_value_free(struct json_value *v)
{
	size_t i;

	if (v == NULL)
		return;
	switch (v->type) {
	case JSON_NUMBER:
		free(v->u.number.text);
		break;
	case JSON_STRING:
		free(v->u.string.s);
		break;
	case JSON_ARRAY:
		for (i = 0; i < v->u.array.n; i++)
			json_value_free(v->u.array.v[i]);
		free(v->u.array.v);
		break;
	case JSON_OBJECT:
		for (i = 0; i < v->u.object.n; i++) {
			free(v->u.object.v[i].key);
			json_value_free(v->u.object.v[i].value);
		}
		free(v->u.object.v);
		break;
	default:
		break;
	}
	free(v);
}

const struct json_value *
json_get(const struct json_value *obj, const char *key)
{
	size_t i, n;

	if (obj == NULL || obj->type != JSON_OBJECT || key == NULL)
		return NULL;
	n = strlen(key);
	for (i = 0; i < obj->u.object.n; i++)
		if (obj->u.object.v[i].key_len == n &&
		    memcmp(obj->u.object.v[i].key, key, n) == 0)
			return obj->u.object.v[i].value;
	return NULL;
}

const struct json_value *
json_index(const struct json_value *arr, size_t i)
{
	if (arr == NULL || arr->type != JSON_ARRAY || i >= arr->u.array.n)
		return NULL;
	return arr->u.array.v[i];
}

size_t
json_count(const struct json_value *v)
{
	if (v == NULL)
		return 0;
	if (v->type == JSON_ARRAY)
		return v->u.array.n;
	if (v->type == JSON_OBJECT)
		return v->u.object.n;
	return 0;
}

bool
json_is(const struct json_value *v, enum json_type type)
{
	return v != NULL && v->type == type;
}

const char *
json_as_string(const struct json_value *v)
{
	return json_is(v, JSON_STRING) ? v->u.string.s : NULL;
}

int64_t
json_as_int(const struct json_value *v, int64_t dflt)
{
	if (!json_is(v, JSON_NUMBER) || !v->u.number.is_int)
		return dflt;
	return v->u.number.i;
}

double
json_as_double(const struct json_value *v, double dflt)
{
	return json_is(v, JSON_NUMBER) ? v->u.number.d : dflt;
}

bool
json_as_bool(const struct json_value *v, bool dflt)
{
	return json_is(v, JSON_BOOL) ? v->u.boolean : dflt;
}

/* Strings of the tree are valid UTF-8 but may hold NULs: escape by
 * length, which common/json.c's json_quote cannot. */
static void
write_string(struct buf *out, const char *s, size_t len)
{
	size_t i;

	buf_addc(out, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, (char)c);
		} else if (c == '\n') {
			buf_adds(out, "\\n");
		} else if (c == '\t') {
			buf_adds(out, "\\t");
		} else if (c == '\r') {
			buf_adds(out, "\\r");
		} else if (c < 0x20) {
			buf_addf(out, "\\u%04x", c);
		} else {
			buf_addc(out, (char)c);
		}
	}
	buf_addc(out, '"');
}

static void
write_indent(struct buf *out, int depth)
{
	buf_addc(out, '\n');
	buf_addf(out, "%*s", depth * 2, "");
}

static void
write_container(struct buf *out, const struct json_value *v, int depth)
{
	bool obj = v->type == JSON_OBJECT;
	size_t i, n = json_count(v);

	buf_addc(out, obj ? '{' : '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(out, ',');
		write_indent(out, depth + 1);
		if (obj) {
			write_string(out, v->u.object.v[i].key,
				     v->u.object.v[i].key_len);
			buf_adds(out, ": ");
			json_value_write(out, v->u.object.v[i].value,
					 depth + 1);
		} else {
			json_value_write(out, v->u.array.v[i], depth + 1);
		}
	}
	if (n > 0)
		write_indent(out, depth);
	buf_addc(out, obj ? '}' : ']');
}

void
json_value_write(struct buf *out, const struct json_value *v, int depth)
{
	if (v == NULL) {
		buf_adds(out, "null");
		return;
	}
	switch (v->type) {
	case JSON_NULL:
		buf_adds(out, "null");
		break;
	case JSON_BOOL:
		buf_adds(out, v->u.boolean ? "true" : "false");
		break;
	case JSON_NUMBER:
		buf_adds(out, v->u.number.text);
		break;
	case JSON_STRING:
		write_string(out, v->u.string.s, v->u.string.len);
		break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		write_container(out, v, depth);
		break;
	}
}
