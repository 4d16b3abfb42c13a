/*
 * One error vocabulary for the whole program. Fallible functions return 0 or
 * a negative ERR_* code and fill a caller-owned struct err with what a user
 * needs to act: the message, the input position for file errors, and the
 * database's own words (SQLSTATE, native code, detail, hint, position) for
 * engine errors. Fixed buffers: the error path never allocates.
 *
 * The exit code of the program is derived from the code alone, through the
 * single table in err.c (err_exit_code), documented in migratore(1) and,
 * for a fleet run, docs/fleet.md; err_exit_status adds the one rule that
 * needs more than the code: a run stopped by a signal exits 128 + it.
 * main() calls it once; below main, functions speak ERR_* only.
 */
#ifndef MIG_ERR_H
#define MIG_ERR_H

#include <stdbool.h>

enum err_code {
	ERR_OK = 0,
	ERR_INTERNAL = -1, /* a bug or an impossible state */
	ERR_USAGE = -2,    /* bad command line */
	ERR_CONFIG = -3,   /* bad variable, .env, DB_URL or inventory */
	ERR_MIGFILE = -4,  /* bad migration file or directory */
	ERR_CONNECT = -5,  /* could not reach the database, or lost it */
	ERR_LOCK = -6,     /* the migration lock was not obtained in time */
	ERR_SQL = -7,      /* a statement failed */
	ERR_IO = -8,       /* a file or process operation failed */
	ERR_NOTFOUND = -9, /* an id, row or migration does not exist */
	ERR_FAILED = -10,  /* a migration failed and was recorded */
	ERR_STATE = -11,   /* refused: out of order, nothing to do, ... */
	ERR_INTERRUPTED = -12, /* a fleet run stopped by SIGINT or SIGTERM
				  (e->signal) */
	ERR_BOOKKEEPING = -13, /* the bookkeeping tables could not be made
				  (a full disk, no privilege): nothing ran */
	ERR_REFUSED = -14, /* the server refused the login: a wrong password,
			      an unknown database, a missing privilege (not
			      worth retrying, unlike ERR_CONNECT) */
	ERR_LOST = -15,    /* the connection was lost after statements of a
			      migration were sent: never "nothing touched",
			      never retried; migratore_progress says what
			      committed */
};

/* Exit codes of the single-target command (SPEC 6.2). */
enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_CONFIG = 3,
	EXIT_UNREACHABLE = 4,
};

struct err {
	int code;
	char msg[2048];
	/* input position, for ERR_CONFIG and ERR_MIGFILE; line 0 = none */
	char file[512];
	int line;
	int col;
	/* the engine's own error, carried intact */
	char sqlstate[8];
	long native;  /* MySQL errno, SQLite result code; 0 = none */
	char detail[1024];
	char hint[512];
	int position; /* 1-based character offset in the statement; 0 = none */
	int signal;   /* ERR_INTERRUPTED: the signal */
	/* a usage error of the command line: how to get it right, printed
	 * after the message (a static or longer-lived string); NULL = an
	 * error like any other */
	const char *usage;
};

#define ERR_INIT { 0 }

void err_clear(struct err *e);
/* Set code and message; returns code so callers can `return err_set(...)`. */
int err_set(struct err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same with an input position (col 0 = unknown). */
int err_set_at(struct err *e, int code, const char *file, int line, int col,
	       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* ERR_USAGE with the message and how to get it right (e->usage); returns
 * ERR_USAGE. */
int err_usage(struct err *e, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Put "context: " in front of the message; returns e->code. */
int err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool err_is_set(const struct err *e);

/*
 * The full human text: "file:line:col: message" plus, for database errors,
 * "SQLSTATE x", detail and hint on their own lines. Written into out, which
 * must hold at least 4096 bytes (use ERR_TEXT_MAX).
 */
#define ERR_TEXT_MAX 4608
void err_text(const struct err *e, char *out, unsigned long size);

const char *err_code_name(int code);
/* The exit code of the table for code (1 for a code it lacks). */
int err_exit_code(int code);
/* The exit status for e: err_exit_code(e->code), but 128 + e->signal for
 * ERR_INTERRUPTED (130 SIGINT, 143 SIGTERM). */
int err_exit_status(const struct err *e);

#endif
