/* A discovery command's JSON Lines read into YAML-tree mappings; see
 * jsonlines.h. */
#include "config.h"

#include "config/jsonlines.h"

#include <stdlib.h>
#include <string.h>

#include "common/jsonparse.h"
#include "common/xmalloc.h"
#include "common/banned.h"

/* Where every node is said to stand. */
struct at {
	struct ytree *tree;
	int line, col;
};

static struct ynode *convert(const struct at *at,
			     const struct json_value *v);

/* An array's elements, converted: a sequence's *n kids. */
static struct ynode **
convert_array(const struct at *at, const struct json_value *v, size_t *n)
{
	struct ynode **kids;
	size_t i;

	*n = v->u.array.n;
	kids = xcalloc(*n ? *n : 1, sizeof(*kids));
	for (i = 0; i < *n; i++)
		kids[i] = convert(at, v->u.array.v[i]);
	return kids;
}

/* An object's members as a mapping's *n kids: key, value, key, ... */
static struct ynode **
convert_object(const struct at *at, const struct json_value *v, size_t *n)
{
	struct ynode **kids;
	size_t i;

	*n = 2 * v->u.object.n;
	kids = xcalloc(*n ? *n : 1, sizeof(*kids));
	for (i = 0; i < v->u.object.n; i++) {
		const struct json_member *m = &v->u.object.v[i];

		kids[2 * i] = ytree_scalar(at->tree, at->line, at->col, m->key,
					   m->key_len, false);
		kids[2 * i + 1] = convert(at, m->value);
	}
	return kids;
}

static struct ynode *
convert(const struct at *at, const struct json_value *v)
{
	struct ynode **kids = NULL, *n;
	const char *s = NULL;
	size_t nkids = 0;

	switch (v->type) {
	case JSON_STRING:
		return ytree_scalar(at->tree, at->line, at->col, v->u.string.s,
				    v->u.string.len, false);
	case JSON_NUMBER:
		s = v->u.number.text;
		break;
	case JSON_BOOL:
		s = v->u.boolean ? "true" : "false";
		break;
	case JSON_NULL:
		s = "";
		break;
	case JSON_ARRAY:
		kids = convert_array(at, v, &nkids);
		break;
	case JSON_OBJECT:
		kids = convert_object(at, v, &nkids);
		break;
	}
	if (s)
		return ytree_scalar(at->tree, at->line, at->col, s, strlen(s),
				    true);
	n = ytree_collection(at->tree,
			     v->type == JSON_ARRAY ? YNODE_SEQ : YNODE_MAP,
			     at->line, at->col, kids, nkids);
	free(kids);
	return n;
}

static const char *
json_type_name(const struct json_value *v)
{
	switch (v->type) {
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_NUMBER: return "a number";
	case JSON_BOOL: return "a boolean";
	default: return "null";
	}
}

/* One line s[0..n) of number lineno. */
static void
read_line(const struct at *at, const char *s, size_t n, int lineno,
	  struct jsonlines *out)
{
	struct json_value *v = NULL;
	struct err e = ERR_INIT;
	struct jsonline *jl;

	XGROW(out->v, out->n + 1, out->cap);
	jl = &out->v[out->n++];
	memset(jl, 0, sizeof(*jl));
	jl->lineno = lineno;
	jl->text = xstrndup(s, n);
	if (json_parse(s, n, NULL, &v, &e) < 0)
		jl->problem = xasprintf("not JSON (column %d: %s)", e.col,
					e.msg);
	else if (v->type != JSON_OBJECT)
		jl->problem = xasprintf("not a JSON object with the target's "
					"keys, but %s",
					json_type_name(v));
	else
		jl->map = convert(at, v);
	json_value_free(v);
}

void
jsonlines_parse(const char *text, size_t len, int line, int col,
		struct jsonlines *out)
{
	struct at at = { NULL, line, col };
	const char *p = text, *end = text + len, *nl;
	size_t n, blank;
	int lineno = 0;

	if (!out->tree)
		out->tree = ytree_new();
	at.tree = out->tree;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		for (blank = 0; blank < n && (p[blank] == ' ' ||
					       p[blank] == '\t');
		     blank++)
			;
		if (blank < n)
			read_line(&at, p, n, lineno, out);
		p = nl ? nl + 1 : end;
	}
}

void
jsonlines_release(struct jsonlines *jl)
{
	size_t i;

	for (i = 0; i < jl->n; i++) {
		free(jl->v[i].text);
		free(jl->v[i].problem);
	}
	free(jl->v);
	ytree_free(jl->tree);
	memset(jl, 0, sizeof(*jl));
}
