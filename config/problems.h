/*
 * Problems found while validating an input file, each with its 1-based
 * line and column, collected rather than returned one at a time so that a
 * user sees all of them at once. Rendered sorted by position (document
 * order; problems found at one position keep the order they were added),
 * one "file:line:col: message" line each.
 *
 * A window groups the problems of one part of a file (one inventory entry
 * that a range turns into thousands of targets): inside it an exact repeat
 * (same position, same text) is dropped, and after `max` problems the rest
 * are only counted, then summarised by problems_window_end.
 */
#ifndef MIG_PROBLEMS_H
#define MIG_PROBLEMS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/strv.h"

struct problem {
	int line, col; /* line 0 = the file as a whole */
	size_t seq;
	char *msg;
};

struct problems {
	struct problem *v;
	size_t n, cap;
	/* the open window, if any */
	bool in_window;
	size_t first, max, dropped;
	/* put before every message while set ("discover: row 3: ") */
	char *prefix;
};

#define PROBLEMS_INIT { NULL, 0, 0, false, 0, 0, 0, NULL }

void problems_init(struct problems *pr);
void problems_release(struct problems *pr);

void problems_add(struct problems *pr, int line, int col, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));

/* Put prefix (copied; NULL: none) before the messages added from now. */
void problems_set_prefix(struct problems *pr, const char *prefix);

void problems_window_begin(struct problems *pr, size_t max);
/* Close the window; if problems were dropped, add "... and N more
 * problems in <what>" after the last one kept. */
void problems_window_end(struct problems *pr, const char *what);

/* Sort, and append one line per problem to out. */
void problems_render(struct problems *pr, const char *file,
		     struct strv *out);

/*
 * A user's text fit for a message: at most 60 bytes, control characters
 * as '?', "..." when cut. Returns b->ptr. Never use it on a secret.
 */
const char *problems_quote(struct buf *b, const char *s);
/* The same for a file path, which is shown whole: the user must see which
 * file was meant (control characters still become '?'). */
const char *problems_quote_path(struct buf *b, const char *s);

#endif
