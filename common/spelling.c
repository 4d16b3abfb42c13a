/* The closest known word to a mistyped one; see spelling.h. */
#include "config.h"

#include "common/spelling.h"

#include <stdint.h>
#include <string.h>

#include "common/banned.h"

/* Longer words are not compared: the table below stays on the stack. */
#define SPELLING_MAX 32
/* Closer than this many edits, or it is not a typo. */
#define SPELLING_NEAR 3

static size_t
min2(size_t a, size_t b)
{
	return a < b ? a : b;
}

size_t
spelling_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, m;
	size_t d[SPELLING_MAX][SPELLING_MAX];

	if (la >= SPELLING_MAX || lb >= SPELLING_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			m = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			m = min2(m, d[i - 1][j] + 1);
			m = min2(m, d[i][j - 1] + 1);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1])
				m = min2(m, d[i - 2][j - 2] + 1);
			d[i][j] = m;
		}
	}
	return d[la][lb];
}

void
spelling_init(struct spelling *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->distance = SPELLING_NEAR;
}

void
spelling_offer(struct spelling *s, const char *candidate)
{
	size_t d = spelling_distance(s->word, candidate);

	if (d < s->distance && d < strlen(candidate)) {
		s->best = candidate;
		s->distance = d;
	}
}
