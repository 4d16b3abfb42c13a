/*
 * Every file the program creates goes through here: logs, reports and
 * their temporary files, migration files. A nightly run is often a
 * privileged user writing into a directory others can write to; what it
 * writes must land in a file it created itself, not wherever a planted
 * link or an old file of someone else's points (docs/security.md).
 *
 *  - A directory that receives files is opened once (struct safedir) and
 *    every name is resolved against that descriptor (openat, fstatat,
 *    renameat): renaming the directory or replacing it by a link after
 *    the check changes nothing. With SAFEDIR_NOFOLLOW the directory itself
 *    must not be a symbolic link (its last component; the path above it is
 *    the invoker's).
 *  - A file is created with O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
 *    mode 0600 unless the caller says otherwise (the umask can only take
 *    bits away).
 *  - A name that already exists is looked at without following it: a
 *    symbolic link, anything but a regular file (a FIFO, a directory, a
 *    device) or a file owned by another user is refused, with an error
 *    that names it and says what it is. A regular file of our own is
 *    replaced by a new one (unlinked, then created again with O_EXCL):
 *    whoever held the old file open keeps the old, empty file, and the
 *    mode of the new one is ours, whatever the old one's was. Every
 *    descriptor is checked again with fstat after it is opened.
 *  - An output that must appear whole (a report) is written to a
 *    temporary file ".NAME.tmp" in the same directory and renamed over NAME
 *    when complete (struct safeout). The temporary name is predictable, so
 *    that a run killed before its rename leaves one known file that the
 *    next run removes; the file is flock'ed while written, so a stale one
 *    (its writer is dead, its lock gone) is told from one another live run
 *    is writing (refused). See safeout_open for the races.
 *
 * Reading: safefile_open_read opens an input (a password file) following
 * links, without blocking on a FIFO, and only when it is a regular file.
 *
 * Linux and the BSDs have every call used here. Errors fill struct err
 * (ERR_IO, ERR_STATE for "exists") and name the path; errno is left saying
 * why.
 */
#ifndef MIG_SAFEFILE_H
#define MIG_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/buf.h"
#include "common/err.h"

/* A directory held open; fd -1 when closed. */
struct safedir {
	int fd;
	char *path; /* as given, for messages */
};

#define SAFEDIR_INIT { -1, NULL }

#define SAFEDIR_CREATE 1u   /* mkdir it (mode 0700) when it is missing */
#define SAFEDIR_NOFOLLOW 2u /* refuse it when it is a symbolic link */

/*
 * Open the directory path (trailing slashes ignored, so "logs/" is the
 * same as "logs"). ERR_IO "PATH is a symbolic link: refused" (with
 * SAFEDIR_NOFOLLOW), "PATH is not a directory", or why open failed.
 */
int safedir_open(struct safedir *d, const char *path, unsigned flags,
		 struct err *e);
void safedir_close(struct safedir *d);

/* What to do with a name that is already a regular file of ours. */
enum safefile_how {
	SAFEFILE_NEW,     /* fail whatever is there: ERR_STATE, EEXIST */
	SAFEFILE_REPLACE, /* replace it by a new file */
	SAFEFILE_APPEND,  /* open it for appending (a retry's log) */
};

/*
 * Create (or per how, replace or append to) the file name in d, for
 * writing, with mode (0600 for anything but migration files). Returns the
 * descriptor (O_CLOEXEC) or a negative ERR_*; the message names
 * d->path/name and says why: "is a symbolic link", "is a FIFO", "is owned
 * by uid N", ...
 */
int safefile_create(const struct safedir *d, const char *name,
		    enum safefile_how how, mode_t mode, struct err *e);

/* SAFEFILE_NEW of path's last component in its directory (links in the
 * directory's path followed: a migrations directory may be one). */
int safefile_create_new(const char *path, mode_t mode, struct err *e);

/*
 * Whether name in d may be written over by one of the calls above: absent,
 * or a regular file of ours. Same messages as safefile_create.
 */
int safefile_check(const struct safedir *d, const char *name, struct err *e);

/* An output written whole or not at all. */
struct safeout {
	struct safedir dir;
	char *path; /* as given */
	char *name; /* its last component, in dir */
	char *tmp;  /* ".NAME.tmp", in dir; NULL once renamed */
	int fd;
	dev_t dev; /* the temporary file we created */
	ino_t ino;
};

#define SAFEOUT_INIT { SAFEDIR_INIT, NULL, NULL, NULL, -1, 0, 0 }

/*
 * Check path (it must be absent or a regular file of ours; its directory
 * must not be a symbolic link) and create its temporary file, mode 0600,
 * locked. A ".NAME.tmp" already there: a link, not a regular file or not
 * ours is refused; ours and locked is another run writing the same output
 * (refused: ERR_STATE); ours and unlocked is left by a run that died, and
 * is removed. Races: between that removal and our O_EXCL create another
 * run may create it (we fail: EEXIST); between our create and our flock
 * another run may take it for stale and remove it (the commit notices that
 * the name no longer holds our file and fails rather than rename the other
 * run's half-written file).
 */
int safeout_open(struct safeout *o, const char *path, struct err *e);
/* Append n bytes; 0 or -1 with errno. */
int safeout_write(struct safeout *o, const void *p, size_t n);
/* fsync, rename over the destination, fsync the directory. ERR_IO. */
int safeout_commit(struct safeout *o, struct err *e);
/* Remove the temporary file if it is still ours and there; free. */
void safeout_release(struct safeout *o);

/*
 * Open path for reading, following symbolic links (a Kubernetes secret is
 * a link into ..data/), with O_NONBLOCK so that a FIFO never blocks the
 * open, and only if fstat of the opened descriptor says it is a regular
 * file; reads then block as usual. Returns the descriptor with *st filled,
 * or ERR_IO: "cannot read 'PATH': why", "'PATH' is a FIFO, not a regular
 * file".
 */
int safefile_open_read(const char *path, struct stat *st, struct err *e);

/*
 * The first line of the regular file path, without its line end ("\n",
 * "\r\n" or "\r"), at most max bytes: a longer line is an error, and
 * nothing past the first line end is read (a /dev/zero or a huge file is
 * never loaded). *st is filled as by safefile_open_read. ERR_IO.
 */
int safefile_read_line(const char *path, size_t max, struct buf *out,
		       struct stat *st, struct err *e);

/* "a directory", "a FIFO", ... for a message about a file of mode m. */
const char *safefile_kind(mode_t m);

#endif
