/*
 * Descriptors a child must not inherit. A forked worker keeps only its
 * standard streams and its pipe; an executable migration only its standard
 * streams (docs/security.md). Everything the program opens is close-on-exec
 * as well; closing the rest after fork also covers a descriptor a library
 * opened without it.
 */
#ifndef MIG_FDUTIL_H
#define MIG_FDUTIL_H

/* Close every descriptor from lowfd up (closefrom, or /proc/self/fd). For
 * a child just forked: it allocates when closefrom is missing. */
void fdutil_close_from(int lowfd);

#endif
