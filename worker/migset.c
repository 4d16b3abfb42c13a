/*
 * Discovery (SPEC 4.1): read one directory, parse every migration file in
 * it, order them by timestamp and refuse duplicates. See migset.h.
 */
#include "config.h"

#include "worker/migset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "common/banned.h"

struct cand {
	char *name;
	size_t ndigits; /* the leading number is name[0 .. ndigits) */
	bool executable;
};

struct cands {
	struct cand *v;
	size_t n;
	size_t cap;
};

/* Editor and patch leftovers keep the execute bit of what they copy. */
static bool
is_leftover(const char *name)
{
	static const char *const suffixes[] = { "~",    ".bak", ".orig", ".rej",
						".swp", ".tmp", ".old" };
	size_t n = strlen(name), i, k;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		k = strlen(suffixes[i]);
		if (n >= k && strcmp(name + n - k, suffixes[i]) == 0)
			return true;
	}
	return false;
}

/* "a directory", "a FIFO", ...: what st_mode says the entry is. */
static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "of another kind";
}

/*
 * Whether a directory entry is a migration: `<digits>[_slug].sql`, or an
 * executable regular file `<digits>[_slug][.ext]`. Anything else named
 * that way is an error (ERR_MIGFILE).
 */
static int
classify(DIR *d, const struct dirent *de, struct cand *c, bool *take,
	 const char *dir, struct err *e)
{
	const char *name = de->d_name, *rest;
	size_t n = strlen(name);
	struct stat st;
	bool sql, exec;

	*take = false;
	rest = name + strspn(name, "0123456789");
	if (rest == name || (*rest != '\0' && *rest != '_' && *rest != '.') ||
	    is_leftover(name))
		return 0;
	sql = n - (size_t)(rest - name) >= 4 && strcmp(name + n - 4, ".sql") == 0;
	if (!sql || de->d_type != DT_REG) {
		if (fstatat(dirfd(d), name, &st, 0) < 0)
			return err_set(e, ERR_MIGFILE,
				       "migrations directory '%s': %s: %s", dir,
				       name, strerror(errno));
		exec = (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
		/* Named like a migration but not a file (reading a FIFO
		 * would block): say so rather than skip it silently. A
		 * directory is one only with .sql (a directory of helpers
		 * beside executable migrations is no mistake). */
		if (!S_ISREG(st.st_mode) &&
		    (sql || (exec && !S_ISDIR(st.st_mode))))
			return err_set(e, ERR_MIGFILE,
				       "migrations directory '%s': %s is named "
				       "like a migration but is %s, not a "
				       "regular file",
				       dir, name, file_kind(st.st_mode));
		if (!S_ISREG(st.st_mode) || (!sql && !exec))
			return 0;
	}
	c->name = xstrdup(name);
	c->ndigits = (size_t)(rest - name);
	c->executable = !sql;
	*take = true;
	return 0;
}

static int
scan(DIR *d, const char *dir, struct cands *cs, struct err *e)
{
	struct dirent *de;
	struct cand c;
	bool take;
	int r;

	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				return err_set(e, ERR_MIGFILE,
					       "migrations directory '%s': %s",
					       dir, strerror(errno));
			return 0;
		}
		if (de->d_name[0] == '.')
			continue;
		if ((r = classify(d, de, &c, &take, dir, e)) < 0)
			return r;
		if (take) {
			XGROW(cs->v, cs->n + 1, cs->cap);
			cs->v[cs->n++] = c;
		}
	}
}

static int
cand_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cand *)a)->name,
		      ((const struct cand *)b)->name);
}

static char *
join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (n > 0 && dir[n - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

/* The number a name starts with; -1 when it does not fit in 64 bits. */
static int64_t
name_number(const struct cand *c)
{
	int64_t t = 0;
	size_t i;

	for (i = 0; i < c->ndigits; i++) {
		if (t > (INT64_MAX - (c->name[i] - '0')) / 10)
			return -1;
		t = t * 10 + (c->name[i] - '0');
	}
	return t;
}

/* Read and parse one file; b is a scratch buffer reused across files. */
static int
load_one(const char *dir, int dfd, const struct cand *c, struct buf *b,
	 struct migration **out, struct err *e)
{
	char *path = join(dir, c->name);
	struct migration *m = NULL;
	int fd, r;

	buf_reset(b);
	if ((fd = openat(dfd, c->name, O_RDONLY | O_CLOEXEC)) < 0) {
		r = err_set_at(e, ERR_MIGFILE, path, 0, 0,
			       "cannot read the migration file: %s",
			       strerror(errno));
		goto out;
	}
	r = buf_read_fd(b, fd);
	close(fd);
	if (r < 0) {
		r = err_set_at(e, ERR_MIGFILE, path, 0, 0,
			       "cannot read the migration file: %s",
			       strerror(-r));
		goto out;
	}
	if ((r = migration_parse(path, b->ptr, b->len, c->executable, &m, e)) <
	    0)
		goto out;
	if (name_number(c) != m->timestamp) {
		r = err_set_at(e, ERR_MIGFILE, path, 0, 0,
			       "the file name says timestamp %.*s but the "
			       "header says %" PRId64,
			       (int)c->ndigits, c->name, m->timestamp);
		goto out;
	}
	*out = m;
	m = NULL;
out:
	migration_free(m);
	free(path);
	return r;
}

static int
by_timestamp(const void *a, const void *b)
{
	const struct migration *x = *(struct migration *const *)a;
	const struct migration *y = *(struct migration *const *)b;

	if (x->timestamp != y->timestamp)
		return x->timestamp < y->timestamp ? -1 : 1;
	return strcmp(x->filename, y->filename);
}

static int
by_uuid(const void *a, const void *b)
{
	const struct migration *x = *(struct migration *const *)a;
	const struct migration *y = *(struct migration *const *)b;
	int c = strcasecmp(x->uuid, y->uuid);

	return c != 0 ? c : strcmp(x->filename, y->filename);
}

/* Sorted by timestamp, no two files share one. */
static int
unique_timestamps(const struct migset *ms, struct err *e)
{
	size_t i;

	for (i = 1; i < ms->n; i++)
		if (ms->v[i - 1]->timestamp == ms->v[i]->timestamp)
			return err_set(e, ERR_MIGFILE,
				       "duplicate timestamp %" PRId64
				       " in '%s' and '%s'",
				       ms->v[i]->timestamp, ms->v[i - 1]->path,
				       ms->v[i]->path);
	return 0;
}

/* Sort by timestamp; two files must not share a timestamp or a uuid. */
static int
order(struct migset *ms, struct err *e)
{
	struct migration **u;
	size_t i;
	int r = 0;

	qsort(ms->v, ms->n, sizeof(*ms->v), by_timestamp);
	if ((r = unique_timestamps(ms, e)) < 0)
		return r;
	u = xreallocarray(NULL, ms->n ? ms->n : 1, sizeof(*u));
	memcpy(u, ms->v, ms->n * sizeof(*u));
	qsort(u, ms->n, sizeof(*u), by_uuid);
	for (i = 1; i < ms->n && r == 0; i++)
		if (strcasecmp(u[i - 1]->uuid, u[i]->uuid) == 0)
			r = err_set(e, ERR_MIGFILE,
				    "duplicate uuid %s in '%s' and '%s'",
				    u[i]->uuid, u[i - 1]->path, u[i]->path);
	free(u);
	return r;
}

/* Every candidate read and parsed, in the order of cs. */
static int
load_all(struct migset *ms, const char *dir, int dfd, const struct cands *cs,
	 struct err *e)
{
	struct buf b = BUF_INIT;
	size_t i;
	int r = 0;

	ms->v = xreallocarray(NULL, cs->n ? cs->n : 1, sizeof(*ms->v));
	for (i = 0; i < cs->n && r == 0; i++)
		if ((r = load_one(dir, dfd, &cs->v[i], &b, &ms->v[i], e)) == 0)
			ms->n++;
	buf_release(&b);
	return r;
}

static void
cands_release(struct cands *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		free(cs->v[i].name);
	free(cs->v);
}

int
migset_load(const char *dir, struct migset **out, struct err *e)
{
	struct migset *ms = xcalloc(1, sizeof(*ms));
	struct cands cs = { NULL, 0, 0 };
	DIR *d = NULL;
	int r;

	ms->dir = xstrdup(dir);
	if ((d = opendir(dir)) == NULL) {
		r = err_set(e, ERR_MIGFILE, "migrations directory '%s': %s",
			    dir, strerror(errno));
		goto out;
	}
	if ((r = scan(d, dir, &cs, e)) < 0)
		goto out;
	/* by name, so that the first problem reported does not depend on
	 * the order of the directory */
	if (cs.n > 1)
		qsort(cs.v, cs.n, sizeof(*cs.v), cand_cmp);
	if ((r = load_all(ms, dir, dirfd(d), &cs, e)) < 0 ||
	    (r = order(ms, e)) < 0)
		goto out;
	*out = ms;
	ms = NULL;
out:
	cands_release(&cs);
	if (d != NULL)
		closedir(d);
	migset_free(ms);
	return r;
}

void
migset_free(struct migset *ms)
{
	size_t i;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->n; i++)
		migration_free(ms->v[i]);
	free(ms->v);
	free(ms->dir);
	free(ms);
}

int
migset_check(const struct migset *ms, const char *engine, struct err *e)
{
	size_t i;
	int r;

	for (i = 0; i < ms->n; i++)
		if ((r = migration_check(ms->v[i], engine, e)) < 0)
			return r;
	return 0;
}

struct migration *
migset_find(const struct migset *ms, const char *id)
{
	size_t i, nd = strspn(id, "0123456789");
	int64_t t = 0;

	for (i = 0; i < ms->n; i++)
		if (strcasecmp(ms->v[i]->uuid, id) == 0)
			return ms->v[i];
	if (nd == 0 || id[nd] != '\0')
		return NULL;
	for (i = 0; i < nd; i++) {
		if (t > (INT64_MAX - (id[i] - '0')) / 10)
			return NULL;
		t = t * 10 + (id[i] - '0');
	}
	for (i = 0; i < ms->n; i++)
		if (ms->v[i]->timestamp == t)
			return ms->v[i];
	return NULL;
}

long
migset_index(const struct migset *ms, const struct migration *m)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (ms->v[i] == m)
			return (long)i;
	return -1;
}
