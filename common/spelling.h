/*
 * "Did you mean": the closest of a set of known words to a word that is
 * none of them, when it is close enough to be a typo of it. One measure for
 * every such hint (unknown inventory keys, commands, options, report
 * subcommands), so that they all forgive the same slips.
 *
 * The measure is the optimal string alignment distance: an insertion, a
 * deletion, a substitution or a swap of two neighbours each count one
 * ("upgarde" is one edit from "upgrade"). A candidate is offered when it is
 * fewer than 3 edits away and fewer edits than its own length (so "x" is
 * not a typo of "db"); the first of equally close candidates wins.
 *
 *     struct spelling s;
 *     spelling_init(&s, typed);
 *     for (each known word w) spelling_offer(&s, w);
 *     if (s.best) ... "did you mean '%s'?", s.best
 */
#ifndef MIG_SPELLING_H
#define MIG_SPELLING_H

#include <stddef.h>

struct spelling {
	const char *word;  /* as typed; borrowed */
	const char *best;  /* the closest candidate so far, or NULL */
	size_t distance;   /* its distance */
};

void spelling_init(struct spelling *s, const char *word);
/* Consider candidate (borrowed: it must outlive s.best's use). */
void spelling_offer(struct spelling *s, const char *candidate);

/* The distance between a and b; SIZE_MAX when either is 32 bytes or
 * longer (words that long are not compared). */
size_t spelling_distance(const char *a, const char *b);

#endif
