/* Writing JSON with escaping and comma tracking. */
#include "config.h"

#include "common/json.h"

#include <sys/time.h>

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "common/banned.h"

void
json_init(struct json *j, struct buf *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
	j->first[0] = true;
}

int
json_utf8_len(const unsigned char *s, size_t avail)
{
	int n, i;

	if (avail == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if ((size_t)n > avail)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) ||
	    (n == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
	    (n == 4 && s[0] == 0xf0 && s[1] < 0x90) ||
	    (n == 4 && s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

void
json_quote(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n;

	if (s == NULL) {
		buf_adds(out, "null");
		return;
	}
	buf_addc(out, '"');
	while (*p) {
		if (*p == '"' || *p == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, (char)*p++);
		} else if (*p == '\n') {
			buf_adds(out, "\\n");
			p++;
		} else if (*p == '\t') {
			buf_adds(out, "\\t");
			p++;
		} else if (*p == '\r') {
			buf_adds(out, "\\r");
			p++;
		} else if (*p < 0x20) {
			buf_addf(out, "\\u%04x", *p++);
		} else if ((n = json_utf8_len(p, SIZE_MAX)) > 0) {
			buf_add(out, p, (size_t)n);
			p += n;
		} else {
			buf_adds(out, "\\ufffd");
			p++;
		}
	}
	buf_addc(out, '"');
}

static void
json_key(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		buf_addc(j->out, ',');
	j->first[j->depth] = false;
	if (j->pretty && j->depth > 0) {
		buf_addc(j->out, '\n');
		buf_addf(j->out, "%*s", j->depth * 2, "");
	}
	if (key) {
		json_quote(j->out, key);
		buf_adds(j->out, j->pretty ? ": " : ":");
	}
}

static void
json_open(struct json *j, const char *key, char c)
{
	json_key(j, key);
	buf_addc(j->out, c);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void
json_close(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (j->pretty && !empty) {
		buf_addc(j->out, '\n');
		buf_addf(j->out, "%*s", j->depth * 2, "");
	}
	buf_addc(j->out, c);
}

void
json_object_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void
json_object_end(struct json *j)
{
	json_close(j, '}');
}

void
json_array_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void
json_array_end(struct json *j)
{
	json_close(j, ']');
}

void
json_string(struct json *j, const char *key, const char *value)
{
	json_key(j, key);
	json_quote(j->out, value);
}

void
json_int(struct json *j, const char *key, int64_t value)
{
	json_key(j, key);
	buf_addf(j->out, "%lld", (long long)value);
}

void
json_double(struct json *j, const char *key, double value)
{
	json_key(j, key);
	buf_addf(j->out, "%.6f", value);
}

void
json_bool(struct json *j, const char *key, bool value)
{
	json_key(j, key);
	buf_adds(j->out, value ? "true" : "false");
}

void
json_null(struct json *j, const char *key)
{
	json_key(j, key);
	buf_adds(j->out, "null");
}

void
json_int_or_null(struct json *j, const char *key, int64_t value, bool known)
{
	if (known)
		json_int(j, key, value);
	else
		json_null(j, key);
}

void
json_utc_time(double t, struct buf *out)
{
	time_t secs = (time_t)t;
	long ms = (long)((t - (double)secs) * 1000.0);
	struct tm tm;
	char s[32];

	gmtime_r(&secs, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_addf(out, "%s.%03ldZ", s, ms < 0 ? 0 : ms > 999 ? 999 : ms);
}

double
json_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

void
json_string_array(struct json *j, const char *key, const char *const *v,
		  size_t n)
{
	size_t i;

	json_array_begin(j, key);
	for (i = 0; i < n; i++)
		json_string(j, NULL, v[i]);
	json_array_end(j);
}
