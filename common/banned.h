/*
 * Functions that overflow buffers or truncate silently. Including this header
 * last in a .c file turns any use of them into a compile error; use struct buf
 * (common/buf.h) or xsnprintf instead.
 */
#ifndef MIG_BANNED_H
#define MIG_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)

#endif
