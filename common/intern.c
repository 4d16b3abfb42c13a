/* Strings kept once each; see intern.h. */
#include "config.h"

#include "common/intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "common/banned.h"

void
intern_init(struct intern *in)
{
	memset(in, 0, sizeof(*in));
}

void
intern_release(struct intern *in)
{
	size_t i;

	for (i = 0; i < in->cap; i++)
		free(in->slot[i]);
	free(in->slot);
	intern_init(in);
}

/* FNV-1a, 64 bits. */
static uint64_t
hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot holding s, or the free slot where it belongs. */
static char **
find(const struct intern *in, const char *s)
{
	size_t i = (size_t)hash(s) & (in->cap - 1);

	while (in->slot[i] && strcmp(in->slot[i], s) != 0)
		i = (i + 1) & (in->cap - 1);
	return &in->slot[i];
}

/* Twice the slots, every string rehashed; a set at most half full keeps
 * probe runs short. */
static void
grow(struct intern *in)
{
	struct intern bigger = { NULL, in->n, in->cap ? in->cap * 2 : 16 };
	size_t i;

	bigger.slot = xcalloc(bigger.cap, sizeof(*bigger.slot));
	for (i = 0; i < in->cap; i++)
		if (in->slot[i])
			*find(&bigger, in->slot[i]) = in->slot[i];
	free(in->slot);
	*in = bigger;
}

const char *
intern_get(struct intern *in, const char *s)
{
	char **p;

	if (in->cap == 0 || (in->n + 1) * 2 > in->cap)
		grow(in);
	p = find(in, s);
	if (*p == NULL) {
		*p = xstrdup(s);
		in->n++;
	}
	return *p;
}
