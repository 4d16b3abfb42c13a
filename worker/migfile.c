/*
 * Claiming new migration file names without overwriting anything, and
 * writing them durably. The rules are in migfile.h.
 */
#include "config.h"

#include "worker/migfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safefile.h"
#include "common/xmalloc.h"

#include "common/banned.h"

#define SLUG_MAX 50
/* Seconds a name may move on before giving up: no real directory holds that
 * many migrations claimed in the same second. */
#define BUMP_MAX 100000

const char *
migfile_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

char *
migfile_dirname(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return xstrdup(".");
	if (s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

void
migfile_join(struct buf *out, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	buf_reset(out);
	buf_addf(out, "%s%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" : "/",
		 name);
}

bool
migfile_number(const char *name, int64_t *ts, size_t *ndigits)
{
	int64_t v = 0;
	size_t i;

	for (i = 0; name[i] >= '0' && name[i] <= '9'; i++) {
		if (v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (name[i] - '0');
	}
	if (i == 0 || (name[i] != '\0' && name[i] != '_' && name[i] != '.'))
		return false;
	*ts = v;
	if (ndigits != NULL)
		*ndigits = i;
	return true;
}

int
migfile_ts_taken(const char *dir, int64_t ts, const struct strv *ignore,
		 const char *self, struct buf *who, struct err *e)
{
	struct dirent *de;
	int64_t n;
	DIR *d;
	int r = 0;

	if ((d = opendir(dir)) == NULL)
		return err_set(e, ERR_IO, "cannot read directory '%s': %s", dir,
			       strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (!migfile_number(de->d_name, &n, NULL) || n != ts)
			continue;
		if ((self != NULL && strcmp(de->d_name, self) == 0) ||
		    (ignore != NULL && strv_contains(ignore, de->d_name)))
			continue;
		if (who != NULL) {
			buf_reset(who);
			buf_adds(who, de->d_name);
		}
		r = 1;
		break;
	}
	closedir(d);
	return r;
}

int
migfile_write_all(int fd, const char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* EINVAL: the file system cannot sync a directory; nothing more to do. */
int
migfile_sync_dir(const char *dir, struct err *e)
{
	int fd, r = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = -errno;
	else if (fsync(fd) < 0 && errno != EINVAL)
		r = -errno;
	if (fd >= 0)
		close(fd);
	if (r < 0)
		return err_set(e, ERR_IO, "cannot sync directory '%s': %s",
			       dir, strerror(-r));
	return 0;
}

int
migfile_fill(int fd, const char *path, const struct buf *text, struct err *e)
{
	char *dir;
	int r = migfile_write_all(fd, text->ptr, text->len);

	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		unlink(path);
		return err_set(e, ERR_IO, "cannot write '%s': %s", path,
			       strerror(-r));
	}
	dir = migfile_dirname(path);
	r = migfile_sync_dir(dir, e);
	free(dir);
	return r;
}

/*
 * Create <dir>/<ts>[_<slug>].sql with O_EXCL, moving on a second while the
 * name or the timestamp is taken. Returns the open fd; *ts is the second
 * claimed. The second scan catches a writer that took the same second under
 * another slug between our scan and our open.
 */
static int
claim_in_dir(const char *dir, const char *slug, int64_t *ts,
	     const struct strv *ignore, struct buf *path, struct err *e)
{
	struct safedir d = SAFEDIR_INIT;
	struct buf name = BUF_INIT;
	int fd, r, tries;

	if ((r = safedir_open(&d, dir, 0, e)) < 0)
		return r;
	for (tries = 0; tries < BUMP_MAX; tries++, (*ts)++) {
		buf_reset(&name);
		buf_addf(&name, "%" PRId64 "%s%s.sql", *ts, *slug ? "_" : "",
			 slug);
		migfile_join(path, dir, name.ptr);
		if ((r = migfile_ts_taken(dir, *ts, ignore, NULL, NULL, e)) < 0)
			goto out;
		if (r > 0)
			continue;
		fd = safefile_create(&d, name.ptr, SAFEFILE_NEW, 0644, e);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0) {
			r = fd;
			goto out;
		}
		r = migfile_ts_taken(dir, *ts, ignore, name.ptr, NULL, e);
		if (r == 0) {
			r = fd;
			goto out;
		}
		close(fd);
		unlink(path->ptr);
		if (r < 0)
			goto out;
	}
	r = err_set(e, ERR_STATE, "no free timestamp in '%s' after %d tries",
		    dir, BUMP_MAX);
out:
	safedir_close(&d);
	buf_release(&name);
	return r;
}

/*
 * Create the file path itself with O_EXCL. A name with a leading number
 * fixes the timestamp (discovery requires the two to agree), and that
 * timestamp must be free in the file's directory; other names keep *ts.
 */
static int
claim_file(const char *path, int64_t *ts, const struct strv *ignore,
	   struct err *e)
{
	struct buf who = BUF_INIT;
	char *dir = migfile_dirname(path);
	size_t len = strlen(path);
	struct stat st;
	int r;

	if (lstat(path, &st) == 0) {
		r = err_set(e, ERR_STATE,
			    "'%s' already exists: not overwritten", path);
		goto out;
	}
	if (len < 5 || strcmp(path + len - 4, ".sql") != 0) {
		r = err_set(e, ERR_USAGE,
			    "'%s' is neither a directory nor a path ending "
			    "in .sql",
			    path);
		goto out;
	}
	if (migfile_number(migfile_basename(path), ts, NULL) &&
	    (r = migfile_ts_taken(dir, *ts, ignore, NULL, &who, e)) != 0) {
		if (r > 0)
			r = err_set(e, ERR_STATE,
				    "timestamp %" PRId64 " of '%s' is already "
				    "used by '%s' in '%s'",
				    *ts, path, who.ptr, dir);
		goto out;
	}
	r = safefile_create_new(path, 0644, e);
out:
	buf_release(&who);
	free(dir);
	return r;
}

int
migfile_create(const char *where, const char *desc, int64_t *ts,
	       const struct strv *ignore, struct buf *path, struct err *e)
{
	struct buf slug = BUF_INIT;
	struct stat st;
	const unsigned char *s;
	int r;

	if (stat(where, &st) == 0 && S_ISDIR(st.st_mode)) {
		for (s = (const unsigned char *)desc;
		     *s != '\0' && slug.len < SLUG_MAX; s++) {
			if ((*s >= 'a' && *s <= 'z') ||
			    (*s >= '0' && *s <= '9'))
				buf_addc(&slug, (char)*s);
			else if (*s >= 'A' && *s <= 'Z')
				buf_addc(&slug, (char)(*s - 'A' + 'a'));
			else if (slug.len > 0 && slug.ptr[slug.len - 1] != '_')
				buf_addc(&slug, '_');
		}
		while (slug.len > 0 && slug.ptr[slug.len - 1] == '_')
			buf_truncate(&slug, slug.len - 1);
		r = claim_in_dir(where, slug.ptr, ts, ignore, path, e);
	} else {
		buf_reset(path);
		buf_adds(path, where);
		r = claim_file(where, ts, ignore, e);
	}
	buf_release(&slug);
	return r;
}
