/*
 * generate, touch and squash: the commands that write migration files. A new
 * name is claimed without ever replacing a file (O_EXCL, link(2)), and a file
 * is fsynced together with its directory before it is reported.
 */
#include "config.h"

#include "worker/fileops.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safefile.h"
#include "common/xmalloc.h"
#include "worker/lexer.h"
#include "worker/merge.h"
#include "worker/migfile.h"
#include "worker/migration.h"

#include "common/banned.h"

/* Seconds touch may move on before giving up: no real directory holds that
 * many migrations touched in the same second. */
#define BUMP_MAX 100000

/* ---- generate ----------------------------------------------------------- */

static int
new_uuid(struct buf *out, struct err *e)
{
	unsigned char b[16];
	size_t got = 0, i;
	ssize_t n;
	int fd;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(e, ERR_IO, "cannot open /dev/urandom: %s",
			       strerror(errno));
	while (got < sizeof(b)) {
		n = read(fd, b + got, sizeof(b) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return err_set(e, ERR_IO,
				       "cannot read /dev/urandom: %s",
				       n < 0 ? strerror(errno) : "end of file");
		}
		got += (size_t)n;
	}
	close(fd);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	buf_reset(out);
	for (i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf_addc(out, '-');
		buf_addf(out, "%02x", b[i]);
	}
	return 0;
}

/* A header value is one line: each run of control characters (newlines,
 * tabs) becomes one space, and the ends are trimmed. */
static void
one_line(const char *s, struct buf *out)
{
	bool pending = false;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f) {
			pending = true;
			continue;
		}
		if (pending && out->len > 0)
			buf_addc(out, ' ');
		pending = false;
		buf_addc(out, (char)c);
	}
	buf_rtrim(out);
	while (out->len > 0 && out->ptr[0] == ' ') {
		memmove(out->ptr, out->ptr + 1, out->len);
		out->len--;
	}
}

static void
add_header(struct buf *t, const char *uuid, int64_t ts, const char *desc)
{
	buf_addf(t, "-- migratore: uuid = %s\n", uuid);
	buf_addf(t, "-- migratore: timestamp = %" PRId64 "\n", ts);
	buf_addf(t, "-- migratore: description = %s\n", desc);
}

int
fileops_generate(const char *where, const char *description, time_t now,
		 struct buf *path_out, struct buf *uuid_out, struct err *e)
{
	struct buf uuid = BUF_INIT, desc = BUF_INIT, path = BUF_INIT;
	struct buf text = BUF_INIT;
	int64_t ts = (int64_t)now;
	const char *shown;
	int fd, r;

	if (where == NULL)
		where = ".";
	if ((r = new_uuid(&uuid, e)) < 0)
		goto out;
	if (description != NULL)
		one_line(description, &desc);
	if (desc.len == 0)
		buf_addf(&desc, "migration %s", uuid.ptr);
	if ((fd = migfile_create(where, desc.ptr, &ts, NULL, &path, e)) < 0) {
		r = fd;
		goto out;
	}
	add_header(&text, uuid.ptr, ts, desc.ptr);
	buf_adds(&text,
		 "\n-- migratore: run\n"
		 "-- The statements of the migration, each ended by ';'.\n"
		 "\n-- migratore: rollback\n"
		 "-- The statements that undo it, in reverse order.\n");
	if ((r = migfile_fill(fd, path.ptr, &text, e)) < 0)
		goto out;
	/* the current directory's file is shown as its bare name */
	shown = strcmp(where, ".") == 0 ? path.ptr + 2 : path.ptr;
	buf_reset(path_out);
	buf_adds(path_out, shown);
	buf_reset(uuid_out);
	buf_add(uuid_out, uuid.ptr, uuid.len);
out:
	buf_release(&uuid);
	buf_release(&desc);
	buf_release(&path);
	buf_release(&text);
	return r;
}

/* ---- touch -------------------------------------------------------------- */

/*
 * Where the digits of the header line `migratore: timestamp = N` are. The
 * comment leader may be any an executable's header uses (--, #, //).
 */
static bool
find_ts_digits(const char *s, size_t len, size_t *off, size_t *n)
{
	static const char *const leaders[] = { "--", "#", "//" };
	size_t i, eol, p, q, l;

	for (i = 0; i < len; i = eol + 1) {
		for (eol = i; eol < len && s[eol] != '\n'; eol++)
			;
		for (l = 0, p = 0; l < 3 && p == 0; l++)
			p = lexer_directive(s + i, eol - i, leaders[l], NULL);
		if (p == 0)
			continue;
		for (p += i; p < eol && (s[p] == ' ' || s[p] == '\t'); p++)
			;
		if (eol - p < 9 || memcmp(s + p, "timestamp", 9) != 0)
			continue;
		for (p += 9; p < eol && (s[p] == ' ' || s[p] == '\t'); p++)
			;
		if (p == eol || s[p++] != '=')
			continue;
		for (; p < eol && (s[p] == ' ' || s[p] == '\t'); p++)
			;
		for (q = p; q < eol && s[q] >= '0' && s[q] <= '9'; q++)
			;
		if (q == p)
			continue;
		*off = p;
		*n = q - p;
		return true;
	}
	return false;
}

static int
not_found(const struct migset *ms, const char *id, struct err *e)
{
	return err_set(e, ERR_NOTFOUND, "migration '%s' not found in %s", id,
		       ms->dir);
}

/* Rewrite the temporary file fd with the text, its timestamp set to ts. */
static int
touch_write(int fd, const struct buf *text, size_t off, size_t n, int64_t ts)
{
	struct buf t = BUF_INIT;
	int r = 0;

	buf_add(&t, text->ptr, off);
	buf_addf(&t, "%" PRId64, ts);
	buf_add(&t, text->ptr + off + n, text->len - off - n);
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		r = -errno;
	else if ((r = migfile_write_all(fd, t.ptr, t.len)) == 0 &&
		 fsync(fd) < 0)
		r = -errno;
	buf_release(&t);
	return r;
}

/*
 * Give the temporary file tmp its final name: <ts><rest of the old name>,
 * at the first second from *ts whose name and timestamp are both free.
 */
static int
touch_link(const char *dir, const char *oldbase, const char *tmp, int fd,
	   const struct buf *text, size_t off, size_t n, int64_t *ts,
	   struct buf *newp, struct err *e)
{
	struct strv ign = STRV_INIT;
	struct buf name = BUF_INIT;
	size_t nd = 0;
	int64_t oldts;
	int r, tries;

	migfile_number(oldbase, &oldts, &nd);
	strv_push(&ign, oldbase);
	for (tries = 0; tries < BUMP_MAX; tries++, (*ts)++) {
		buf_reset(&name);
		buf_addf(&name, "%" PRId64 "%s", *ts, oldbase + nd);
		migfile_join(newp, dir, name.ptr);
		if ((r = migfile_ts_taken(dir, *ts, &ign, NULL, NULL, e)) < 0)
			goto out;
		if (r > 0)
			continue;
		if ((r = touch_write(fd, text, off, n, *ts)) < 0) {
			r = err_set(e, ERR_IO, "cannot write '%s': %s", tmp,
				    strerror(-r));
			goto out;
		}
		if (link(tmp, newp->ptr) < 0) {
			if (errno == EEXIST)
				continue;
			r = err_set(e, ERR_IO, "cannot create '%s': %s",
				    newp->ptr, strerror(errno));
			goto out;
		}
		r = migfile_ts_taken(dir, *ts, &ign, name.ptr, NULL, e);
		if (r == 0)
			goto out;
		unlink(newp->ptr);
		if (r < 0)
			goto out;
	}
	r = err_set(e, ERR_STATE, "no free timestamp in '%s' after %d tries",
		    dir, BUMP_MAX);
out:
	strv_release(&ign);
	buf_release(&name);
	return r;
}

/* The second touch moves m to: now, or past every other migration. */
static int64_t
touch_target(const struct migset *ms, const struct migration *m, time_t now)
{
	int64_t ts = (int64_t)now;
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (ms->v[i] != m && ms->v[i]->timestamp >= ts)
			ts = ms->v[i]->timestamp + 1;
	return ts;
}

/*
 * Write the touched copy beside the old file (a hidden temporary name that
 * discovery ignores: ".NAME.touch.tmp", so that one a killed touch left
 * is replaced, not piled up), give it its final name, then drop the old
 * name. It keeps the old file's mode, execute bits included, but never
 * write permission for group and others nor a set-id bit.
 */
static int
touch_replace(const struct migration *m, const char *dir, mode_t mode,
	      const struct buf *text, size_t off, size_t n, int64_t ts,
	      struct buf *newp, struct err *e)
{
	struct safedir d = SAFEDIR_INIT;
	struct buf tmp = BUF_INIT, name = BUF_INIT;
	int fd = -1, r;

	buf_addf(&name, ".%s.touch.tmp", m->filename);
	migfile_join(&tmp, dir, name.ptr);
	if ((r = safedir_open(&d, dir, 0, e)) < 0 ||
	    (r = fd = safefile_create(&d, name.ptr, SAFEFILE_REPLACE, 0600,
				      e)) < 0)
		goto out;
	if (fchmod(fd, mode & 0755) < 0)
		r = err_set(e, ERR_IO, "cannot set the mode of '%s': %s",
			    tmp.ptr, strerror(errno));
	else
		r = touch_link(dir, m->filename, tmp.ptr, fd, text, off, n,
			       &ts, newp, e);
	if (r == 0 && unlink(m->path) < 0)
		r = err_set(e, ERR_IO,
			    "created '%s' but cannot remove '%s': %s",
			    newp->ptr, m->path, strerror(errno));
	if (r == 0)
		r = migfile_sync_dir(dir, e);
	close(fd);
	unlinkat(d.fd, name.ptr, 0);
out:
	safedir_close(&d);
	buf_release(&tmp);
	buf_release(&name);
	return r;
}

int
fileops_touch(const struct migset *ms, const char *id, time_t now,
	      struct buf *old_path, struct buf *new_path, struct err *e)
{
	struct buf text = BUF_INIT, newp = BUF_INIT;
	const struct migration *m;
	char *dir = NULL;
	struct stat st;
	size_t off, n;
	int64_t ts, nameds;
	int r;

	if ((m = migset_find(ms, id)) == NULL)
		return not_found(ms, id, e);
	dir = migfile_dirname(m->path);
	if ((r = buf_read_file(&text, m->path)) < 0 || stat(m->path, &st) < 0) {
		r = err_set(e, ERR_IO, "cannot read '%s': %s", m->path,
			    strerror(r < 0 ? -r : errno));
		goto out;
	}
	if (!find_ts_digits(text.ptr, text.len, &off, &n)) {
		r = err_set_at(e, ERR_MIGFILE, m->path, 0, 0,
			       "no 'migratore: timestamp = N' header line");
		goto out;
	}
	if (strtoll(text.ptr + off, NULL, 10) != m->timestamp) {
		r = err_set(e, ERR_STATE, "'%s' changed since it was read",
			    m->path);
		goto out;
	}
	if (!migfile_number(m->filename, &nameds, NULL)) {
		r = err_set_at(e, ERR_MIGFILE, m->path, 0, 0,
			       "the file name does not start with its "
			       "timestamp");
		goto out;
	}
	ts = touch_target(ms, m, now);
	if (ts == m->timestamp) /* already the newest, at this second */
		buf_adds(&newp, m->path);
	else if ((r = touch_replace(m, dir, st.st_mode & 07777, &text, off, n,
				    ts, &newp, e)) < 0)
		goto out;
	buf_reset(old_path);
	buf_adds(old_path, m->path);
	buf_reset(new_path);
	buf_add(new_path, newp.ptr, newp.len);
	r = 0;
out:
	free(dir);
	buf_release(&text);
	buf_release(&newp);
	return r;
}

/* ---- squash ------------------------------------------------------------- */

struct squash {
	const struct migset *ms;
	size_t lo, hi, n;
	struct merge_src *src;      /* the originals, read again */
	struct migration **parsed;  /* owned: src[i].m */
	struct buf *texts;          /* owned: src[i].text */
	struct strv names;          /* base names of the originals */
	struct buf sqdir, desc, body, uuid, path, text;
};

static void
squash_render(struct squash *sq, int64_t ts)
{
	buf_reset(&sq->text);
	add_header(&sq->text, sq->uuid.ptr, ts, sq->desc.ptr);
	buf_add(&sq->text, sq->body.ptr, sq->body.len);
}

/* Refuse before anything is written: executables, a squashed/ that is not
 * a directory, an original whose name is already taken in squashed/. */
static int
squash_preflight(struct squash *sq, struct err *e)
{
	const struct migration *m;
	struct buf dst = BUF_INIT;
	struct stat st;
	size_t i;
	int r = 0;

	migfile_join(&sq->sqdir, sq->ms->dir, "squashed");
	for (i = sq->lo; i <= sq->hi && r == 0; i++) {
		m = sq->ms->v[i];
		if (m->executable)
			r = err_set_at(e, ERR_MIGFILE, m->path, 0, 0,
				       "executable migrations cannot be "
				       "squashed");
	}
	if (r == 0 && stat(sq->sqdir.ptr, &st) == 0 && !S_ISDIR(st.st_mode))
		r = err_set(e, ERR_STATE, "'%s' is not a directory",
			    sq->sqdir.ptr);
	for (i = sq->lo; i <= sq->hi && r == 0; i++) {
		migfile_join(&dst, sq->sqdir.ptr, sq->ms->v[i]->filename);
		if (lstat(dst.ptr, &st) == 0)
			r = err_set(e, ERR_STATE,
				    "'%s' already exists: not overwritten",
				    dst.ptr);
	}
	buf_release(&dst);
	return r;
}

/* Read and parse an original again: the bytes copied are the bytes
 * checked, and a file changed since discovery is noticed. */
static int
squash_load(struct squash *sq, size_t i, struct err *e)
{
	const struct migration *lm = sq->ms->v[sq->lo + i];
	struct buf *t = &sq->texts[i];
	int r;

	if ((r = buf_read_file(t, lm->path)) < 0)
		return err_set(e, ERR_IO, "cannot read '%s': %s", lm->path,
			       strerror(-r));
	r = migration_parse(lm->path, t->ptr, t->len, false, &sq->parsed[i],
			    e);
	if (r < 0)
		return r;
	if (strcmp(sq->parsed[i]->uuid, lm->uuid) != 0 ||
	    sq->parsed[i]->timestamp != lm->timestamp)
		return err_set(e, ERR_STATE, "'%s' changed since it was read",
			       lm->path);
	sq->src[i].m = sq->parsed[i];
	sq->src[i].text = t->ptr;
	sq->src[i].len = t->len;
	strv_push(&sq->names, lm->filename);
	return 0;
}

/* Build the new file in sq->text and check it against the originals. */
static int
squash_build(struct squash *sq, struct err *e)
{
	struct migration *merged = NULL;
	size_t i;
	int r;

	sq->src = xcalloc(sq->n, sizeof(*sq->src));
	sq->parsed = xcalloc(sq->n, sizeof(*sq->parsed));
	sq->texts = xcalloc(sq->n, sizeof(*sq->texts));
	for (i = 0; i < sq->n; i++)
		buf_init(&sq->texts[i]);
	for (i = 0; i < sq->n; i++)
		if ((r = squash_load(sq, i, e)) < 0)
			return r;
	if ((r = new_uuid(&sq->uuid, e)) < 0)
		return r;
	merge_description(sq->src, sq->n, &sq->desc);
	merge_body(sq->src, sq->n, &sq->body);
	squash_render(sq, sq->ms->v[sq->hi]->timestamp);
	r = migration_parse("squash", sq->text.ptr, sq->text.len, false,
			    &merged, e);
	if (r < 0) {
		err_prefix(e, "the squashed migration would not parse");
		e->code = ERR_INTERNAL;
		return ERR_INTERNAL;
	}
	r = merge_check(sq->src, sq->n, merged, e);
	migration_free(merged);
	return r;
}

/*
 * An output file in the migrations directory must have a name discovery
 * finds: the originals are about to leave it.
 */
static int
check_output_name(const struct squash *sq, const char *output, struct err *e)
{
	struct stat a, b;
	int64_t ts;
	char *dir;
	bool same;

	if (stat(output, &a) == 0 && S_ISDIR(a.st_mode))
		return 0;
	if (migfile_number(migfile_basename(output), &ts, NULL))
		return 0;
	dir = migfile_dirname(output);
	same = stat(dir, &a) == 0 && stat(sq->ms->dir, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	free(dir);
	if (same)
		return err_set(e, ERR_USAGE,
			       "'%s' would not be found in %s: name it "
			       "<timestamp>_<slug>.sql",
			       output, sq->ms->dir);
	return 0;
}

/* Put back what move_originals moved; true when all of it went back. */
static bool
undo_moves(const struct squash *sq, struct squash_result *res)
{
	bool ok = true;
	size_t i;

	for (i = res->moved.n; i-- > 0;)
		if (link(res->moved.v[i], sq->ms->v[sq->lo + i]->path) < 0 ||
		    unlink(res->moved.v[i]) < 0)
			ok = false;
	return ok;
}

/*
 * Move the originals into squashed/ with link + unlink, which never
 * replaces a file. On failure put them back and remove the new file if
 * that works; otherwise say exactly what is where.
 */
static int
move_originals(const struct squash *sq, struct squash_result *res,
	       struct err *e)
{
	struct buf dst = BUF_INIT;
	const char *src = NULL;
	size_t i;
	int sys = 0;

	for (i = sq->lo; i <= sq->hi && sys == 0; i++) {
		src = sq->ms->v[i]->path;
		migfile_join(&dst, sq->sqdir.ptr, sq->ms->v[i]->filename);
		if (link(src, dst.ptr) < 0)
			sys = errno;
		else if (unlink(src) < 0) {
			sys = errno;
			unlink(dst.ptr);
		} else
			strv_push(&res->moved, dst.ptr);
	}
	buf_release(&dst);
	if (sys == 0) {
		if (migfile_sync_dir(sq->sqdir.ptr, e) < 0)
			return e->code;
		return migfile_sync_dir(sq->ms->dir, e);
	}
	err_set(e, ERR_IO, "cannot move '%s' into %s: %s", src, sq->sqdir.ptr,
		strerror(sys));
	if (undo_moves(sq, res) && unlink(res->path) == 0) {
		strv_release(&res->moved);
		return err_prefix(e, "nothing changed");
	}
	return err_prefix(e,
			  "'%s' written and %zu of %zu originals moved to %s; "
			  "finish by hand",
			  res->path, res->moved.n, sq->n, sq->sqdir.ptr);
}

/* Write the new file where output says, then move the originals. */
static int
squash_commit(struct squash *sq, const char *output, struct squash_result *res,
	      struct err *e)
{
	int64_t ts = sq->ms->v[sq->hi]->timestamp;
	size_t i;
	int fd, r;

	if ((r = check_output_name(sq, output, e)) < 0)
		return r;
	if (mkdir(sq->sqdir.ptr, 0755) < 0 && errno != EEXIST)
		return err_set(e, ERR_IO, "cannot create '%s': %s",
			       sq->sqdir.ptr, strerror(errno));
	fd = migfile_create(output, sq->desc.ptr, &ts, &sq->names, &sq->path,
			    e);
	if (fd < 0)
		return fd;
	squash_render(sq, ts);
	if ((r = migfile_fill(fd, sq->path.ptr, &sq->text, e)) < 0)
		return r;
	res->path = xstrdup(sq->path.ptr);
	res->uuid = xstrdup(sq->uuid.ptr);
	res->timestamp = ts;
	for (i = 0; i < sq->n; i++)
		strv_pushf(&res->replaced, "%s (%" PRId64 ")",
			   sq->src[i].m->uuid, sq->src[i].m->timestamp);
	return move_originals(sq, res, e);
}

static void
squash_release(struct squash *sq)
{
	size_t i;

	for (i = 0; sq->parsed != NULL && i < sq->n; i++) {
		migration_free(sq->parsed[i]);
		buf_release(&sq->texts[i]);
	}
	free(sq->parsed);
	free(sq->texts);
	free(sq->src);
	strv_release(&sq->names);
	buf_release(&sq->sqdir);
	buf_release(&sq->desc);
	buf_release(&sq->body);
	buf_release(&sq->uuid);
	buf_release(&sq->path);
	buf_release(&sq->text);
}

/*
 * The new file takes the newest original's timestamp, not now: it then
 * sorts exactly where the originals did, before the migrations that came
 * after them, so a fresh database still runs everything in order.
 */
int
fileops_squash(const struct migset *ms, const char *start, const char *end,
	       const char *output, time_t now, struct squash_result *res,
	       struct err *e)
{
	struct squash sq;
	const struct migration *a, *b;
	long ia, ib;
	int r;

	(void)now; /* see above */
	memset(res, 0, sizeof(*res));
	if ((a = migset_find(ms, start)) == NULL)
		return not_found(ms, start, e);
	if ((b = migset_find(ms, end)) == NULL)
		return not_found(ms, end, e);
	ia = migset_index(ms, a);
	ib = migset_index(ms, b);
	if (ia == ib)
		return err_set(e, ERR_USAGE,
			       "nothing to squash: '%s' and '%s' are the same "
			       "migration",
			       start, end);
	memset(&sq, 0, sizeof(sq));
	buf_init(&sq.sqdir);
	buf_init(&sq.desc);
	buf_init(&sq.body);
	buf_init(&sq.uuid);
	buf_init(&sq.path);
	buf_init(&sq.text);
	sq.ms = ms;
	sq.lo = (size_t)(ia < ib ? ia : ib);
	sq.hi = (size_t)(ia < ib ? ib : ia);
	sq.n = sq.hi - sq.lo + 1;
	if ((r = squash_preflight(&sq, e)) == 0 &&
	    (r = squash_build(&sq, e)) == 0)
		r = squash_commit(&sq, output ? output : ms->dir, res, e);
	squash_release(&sq);
	return r;
}

void
squash_result_release(struct squash_result *res)
{
	free(res->path);
	free(res->uuid);
	strv_release(&res->replaced);
	strv_release(&res->moved);
	memset(res, 0, sizeof(*res));
}
