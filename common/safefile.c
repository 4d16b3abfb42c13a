/* Creating files without following links or trusting what is already
 * there, and reading a secret file that must be a regular file; see
 * safefile.h. */
#include "config.h"

#include "common/safefile.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "common/banned.h"

const char *
safefile_kind(mode_t m)
{
	if (S_ISREG(m))
		return "a regular file";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* d/name for a message; a name in "." is shown alone. */
static char *
shown(const struct safedir *d, const char *name)
{
	if (strcmp(d->path, ".") == 0)
		return xstrdup(name);
	return xasprintf("%s%s%s", d->path,
			 d->path[strlen(d->path) - 1] == '/' ? "" : "/", name);
}

/* Refuse st (what: its path) unless it is a regular file of ours. */
static int
refuse(const struct stat *st, const char *what, struct err *e)
{
	if (S_ISLNK(st->st_mode)) {
		errno = ELOOP;
		return err_set(e, ERR_IO, "%s is a symbolic link: refused",
			       what);
	}
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		return err_set(e, ERR_IO,
			       "%s is %s, not a regular file: refused", what,
			       safefile_kind(st->st_mode));
	}
	if (st->st_uid != geteuid()) {
		errno = EPERM;
		return err_set(e, ERR_IO,
			       "%s is owned by uid %ld, not by uid %ld who "
			       "runs this: refused",
			       what, (long)st->st_uid, (long)geteuid());
	}
	return 0;
}

/* ---- directories ------------------------------------------------------ */

/* Why the directory p could not be opened, told as exactly as we can. */
static int
dir_failed(const char *p, int errnum, unsigned flags, struct err *e)
{
	struct stat st;

	if ((errnum == ELOOP || errnum == ENOTDIR) && lstat(p, &st) == 0) {
		if (S_ISLNK(st.st_mode) && (flags & SAFEDIR_NOFOLLOW))
			err_set(e, ERR_IO,
				"%s is a symbolic link: refused (name the "
				"directory it points to)",
				p);
		else
			err_set(e, ERR_IO, "%s is %s, not a directory", p,
				safefile_kind(st.st_mode));
	} else {
		err_set(e, ERR_IO, "cannot open directory %s: %s", p,
			strerror(errnum));
	}
	errno = errnum;
	return ERR_IO;
}

int
safedir_open(struct safedir *d, const char *path, unsigned flags,
	     struct err *e)
{
	char *p = xstrdup(path);
	size_t n = strlen(p);
	int fd;

	/* "dir/" would follow a link named dir: O_NOFOLLOW ignores it then */
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	d->fd = -1;
	d->path = NULL;
	if (n == 0) {
		free(p);
		errno = ENOENT;
		return err_set(e, ERR_IO, "an empty directory name");
	}
	if ((flags & SAFEDIR_CREATE) && mkdir(p, 0700) < 0 && errno != EEXIST) {
		int errnum = errno;

		err_set(e, ERR_IO, "cannot create directory %s: %s", p,
			strerror(errnum));
		free(p);
		errno = errnum;
		return ERR_IO;
	}
	fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
			 ((flags & SAFEDIR_NOFOLLOW) ? O_NOFOLLOW : 0));
	if (fd < 0) {
		dir_failed(p, errno, flags, e);
		free(p);
		return ERR_IO;
	}
	d->fd = fd;
	d->path = p;
	return 0;
}

void
safedir_close(struct safedir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	d->fd = -1;
	d->path = NULL;
}

/* ---- files ------------------------------------------------------------ */

int
safefile_check(const struct safedir *d, const char *name, struct err *e)
{
	struct stat st;
	char *what;
	int r, errnum;

	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno == ENOENT)
		return 0;
	errnum = errno;
	what = shown(d, name);
	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		r = refuse(&st, what, e);
	else
		r = err_set(e, ERR_IO, "cannot look at %s: %s", what,
			    strerror(errnum));
	errnum = errno;
	free(what);
	errno = errnum;
	return r;
}

/* The descriptor fd, just opened as what, must still be a regular file
 * of ours: a name can change between fstatat and open. */
static int
check_opened(int fd, const char *what, struct err *e)
{
	struct stat st;
	int r, errnum;

	if (fstat(fd, &st) < 0)
		r = err_set(e, ERR_IO, "cannot look at %s: %s", what,
			    strerror(errno));
	else
		r = refuse(&st, what, e);
	if (r < 0) {
		errnum = errno;
		close(fd);
		errno = errnum;
	}
	return r;
}

/* Open an existing regular file of ours for appending. */
static int
append_to(const struct safedir *d, const char *name, const char *what,
	  struct err *e)
{
	int fd = openat(d->fd, name,
			O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK |
			    O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		int errnum = errno;

		err_set(e, ERR_IO, "cannot open %s: %s", what,
			strerror(errnum));
		errno = errnum;
		return ERR_IO;
	}
	if (check_opened(fd, what, e) < 0)
		return ERR_IO;
	/* a regular file ignores O_NONBLOCK; clear it all the same */
	fcntl(fd, F_SETFL, O_APPEND);
	return fd;
}

/* The name is free, or was removed: create it, never through a link. */
static int
create_new(const struct safedir *d, const char *name, mode_t mode,
	   const char *what, struct err *e)
{
	int fd = openat(d->fd, name,
			O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
			    O_NOCTTY,
			mode);
	int errnum = errno;

	if (fd >= 0)
		return fd;
	err_set(e, errnum == EEXIST ? ERR_STATE : ERR_IO,
		"cannot create %s: %s", what, strerror(errnum));
	errno = errnum;
	return e->code;
}

static int
create_in(const struct safedir *d, const char *name, enum safefile_how how,
	  mode_t mode, const char *what, struct err *e)
{
	struct stat st;
	int r;

	/* O_EXCL: whatever is there, even a dangling link, is "exists" */
	if (how == SAFEFILE_NEW)
		return create_new(d, name, mode, what, e);
	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return create_new(d, name, mode, what, e);
		r = errno;
		err_set(e, ERR_IO, "cannot look at %s: %s", what, strerror(r));
		errno = r;
		return ERR_IO;
	}
	if ((r = refuse(&st, what, e)) < 0)
		return r;
	if (how == SAFEFILE_APPEND)
		return append_to(d, name, what, e);
	/* ours: a new file in its place, so no old descriptor reads ours */
	if (unlinkat(d->fd, name, 0) < 0 && errno != ENOENT) {
		r = errno;
		err_set(e, ERR_IO, "cannot replace %s: %s", what, strerror(r));
		errno = r;
		return ERR_IO;
	}
	return create_new(d, name, mode, what, e);
}

int
safefile_create(const struct safedir *d, const char *name,
		enum safefile_how how, mode_t mode, struct err *e)
{
	char *what = shown(d, name);
	int fd = create_in(d, name, how, mode, what, e), errnum = errno;

	free(what);
	errno = errnum;
	return fd;
}

/* Split path into directory and last component; false if there is no
 * file name ("dir/", ".", ".."). */
static bool
split_path(const char *path, char **dir, char **name)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;

	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return false;
	if (slash == NULL)
		*dir = xstrdup(".");
	else if (slash == path)
		*dir = xstrdup("/");
	else
		*dir = xstrndup(path, (size_t)(slash - path));
	*name = xstrdup(base);
	return true;
}

int
safefile_create_new(const char *path, mode_t mode, struct err *e)
{
	struct safedir d = SAFEDIR_INIT;
	char *dir = NULL, *name = NULL;
	int r, errnum;

	if (!split_path(path, &dir, &name)) {
		errno = EISDIR;
		return err_set(e, ERR_IO, "%s: not a file name", path);
	}
	if ((r = safedir_open(&d, dir, 0, e)) == 0)
		r = safefile_create(&d, name, SAFEFILE_NEW, mode, e);
	errnum = errno;
	safedir_close(&d);
	free(dir);
	free(name);
	errno = errnum;
	return r;
}

/* ---- outputs written whole -------------------------------------------- */

/* A temporary file already there: remove it if its writer is dead. */
static int
clear_stale(struct safeout *o, const char *what, struct err *e)
{
	struct stat st;
	int fd, r;

	if (fstatat(o->dir.fd, o->tmp, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if ((r = refuse(&st, what, e)) < 0)
		return err_prefix(e, "remove it by hand");
	fd = openat(o->dir.fd, o->tmp,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return 0; /* gone meanwhile */
	if (check_opened(fd, what, e) < 0)
		return ERR_IO;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		errno = EBUSY;
		return err_set(e, ERR_STATE,
			       "another run is writing %s (%s is locked)",
			       o->path, what);
	}
	/* left by a run that died before its rename */
	unlinkat(o->dir.fd, o->tmp, 0);
	close(fd);
	return 0;
}

static int
claim_tmp(struct safeout *o, struct err *e)
{
	char *what = shown(&o->dir, o->tmp);
	struct stat st;
	int r;

	if ((r = clear_stale(o, what, e)) < 0)
		goto out;
	if ((r = create_new(&o->dir, o->tmp, 0600, what, e)) < 0)
		goto out;
	o->fd = r;
	r = 0;
	if (flock(o->fd, LOCK_EX | LOCK_NB) < 0 || fstat(o->fd, &st) < 0) {
		r = err_set(e, ERR_STATE, "another run is writing %s (%s)",
			    o->path, what);
		close(o->fd);
		o->fd = -1;
		goto out;
	}
	o->dev = st.st_dev;
	o->ino = st.st_ino;
out:
	free(what);
	return r;
}

int
safeout_open(struct safeout *o, const char *path, struct err *e)
{
	char *dir = NULL;
	int r;

	*o = (struct safeout)SAFEOUT_INIT;
	o->path = xstrdup(path);
	if (!split_path(path, &dir, &o->name)) {
		errno = EISDIR;
		r = err_set(e, ERR_IO, "%s: not a file name", path);
		goto out;
	}
	if ((r = safedir_open(&o->dir, dir, SAFEDIR_NOFOLLOW, e)) < 0 ||
	    (r = safefile_check(&o->dir, o->name, e)) < 0)
		goto out;
	o->tmp = xasprintf(".%s.tmp", o->name);
	r = claim_tmp(o, e);
out:
	free(dir);
	if (r < 0)
		safeout_release(o);
	return r;
}

int
safeout_write(struct safeout *o, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = write(o->fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Is the temporary name still our file? */
static bool
tmp_is_ours(const struct safeout *o)
{
	struct stat st;

	return o->tmp != NULL &&
	       fstatat(o->dir.fd, o->tmp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       st.st_dev == o->dev && st.st_ino == o->ino;
}

int
safeout_commit(struct safeout *o, struct err *e)
{
	char *what = shown(&o->dir, o->tmp), *dst = shown(&o->dir, o->name);
	int r = 0;

	if (fsync(o->fd) < 0)
		r = err_set(e, ERR_IO, "writing %s: %s", what, strerror(errno));
	else if (!tmp_is_ours(o))
		r = err_set(e, ERR_IO,
			    "%s was removed or replaced while it was written "
			    "(another run?): %s not written",
			    what, dst);
	else if (renameat(o->dir.fd, o->tmp, o->dir.fd, o->name) < 0)
		r = err_set(e, ERR_IO, "renaming %s to %s: %s", what, dst,
			    strerror(errno));
	if (r == 0) {
		free(o->tmp);
		o->tmp = NULL;
		/* EINVAL: a file system that cannot sync a directory */
		fsync(o->dir.fd);
	} else if (tmp_is_ours(o)) {
		unlinkat(o->dir.fd, o->tmp, 0); /* a failed write leaves none */
	}
	if (close(o->fd) < 0 && r == 0)
		r = err_set(e, ERR_IO, "writing %s: %s", dst, strerror(errno));
	o->fd = -1;
	free(what);
	free(dst);
	return r;
}

void
safeout_release(struct safeout *o)
{
	if (o->fd >= 0) {
		if (tmp_is_ours(o))
			unlinkat(o->dir.fd, o->tmp, 0);
		close(o->fd);
	}
	safedir_close(&o->dir);
	free(o->path);
	free(o->name);
	free(o->tmp);
	*o = (struct safeout)SAFEOUT_INIT;
}

/* ---- reading ---------------------------------------------------------- */

int
safefile_open_read(const char *path, struct stat *st, struct err *e)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	int errnum;

	if (fd < 0) {
		errnum = errno;
		err_set(e, ERR_IO, "cannot read '%s': %s", path,
			strerror(errnum));
		errno = errnum;
		return ERR_IO;
	}
	if (fstat(fd, st) < 0) {
		errnum = errno;
		err_set(e, ERR_IO, "cannot look at '%s': %s", path,
			strerror(errnum));
	} else if (!S_ISREG(st->st_mode)) {
		errnum = EINVAL;
		err_set(e, ERR_IO, "'%s' is %s, not a regular file", path,
			safefile_kind(st->st_mode));
	} else {
		fcntl(fd, F_SETFL, 0); /* reads block again */
		return fd;
	}
	close(fd);
	errno = errnum;
	return ERR_IO;
}

int
safefile_read_line(const char *path, size_t max, struct buf *out,
		   struct stat *st, struct err *e)
{
	size_t start = out->len, eol;
	ssize_t n;
	int fd, r = 0;

	if ((fd = safefile_open_read(path, st, e)) < 0)
		return fd;
	for (;;) {
		buf_grow(out, 512);
		n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = err_set(e, ERR_IO, "cannot read '%s': %s", path,
				    strerror(errno));
			break;
		}
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		eol = strcspn(out->ptr + start, "\r\n");
		if (eol > max) {
			r = err_set(e, ERR_IO,
				    "'%s' has a first line longer than %zu "
				    "bytes",
				    path, max);
			break;
		}
		if (n == 0 || start + eol < out->len) {
			buf_truncate(out, start + eol);
			break;
		}
	}
	close(fd);
	if (r < 0)
		buf_truncate(out, start);
	return r;
}
