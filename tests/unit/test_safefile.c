/* Unit tests for common/safefile: files created without following links,
 * mode 0600 whatever the umask, close-on-exec; what is refused and what is
 * replaced; atomic outputs and their temporary files; bounded reads. */
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

#include <criterion/criterion.h>

#include "common/xmalloc.h"

static char dir[64];
static struct safedir d = SAFEDIR_INIT;

static void
setup(void)
{
	struct err e = ERR_INIT;

	snprintf(dir, sizeof(dir), "/tmp/test_safefile.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(safedir_open(&d, dir, 0, &e), 0, "%s", e.msg);
	umask(0); /* the modes below are the program's, not the umask's */
}

static void
teardown(void)
{
	char cmd[128];

	safedir_close(&d);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(safefile, .init = setup, .fini = teardown, .timeout = 20);

static char *
at(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
put(const char *name, const char *text, mode_t mode)
{
	char *p = at(name);
	FILE *f = fopen(p, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(p, mode), 0);
	free(p);
}

static char *
slurp(const char *name)
{
	struct buf b = BUF_INIT;
	char *p = at(name);

	cr_assert_eq(buf_read_file(&b, p), 0, "%s", p);
	free(p);
	return buf_detach(&b);
}

static struct stat
lstat_of(const char *name)
{
	struct stat st;
	char *p = at(name);

	cr_assert_eq(lstat(p, &st), 0, "%s", p);
	free(p);
	return st;
}

/* The message must be "DIR/name <says>". */
static void
assert_refused(const struct err *e, const char *name, const char *says)
{
	char *want = xasprintf("%s/%s %s", dir, name, says);

	cr_assert_str_eq(e->msg, want);
	free(want);
}

Test(safefile, new_file_is_0600_and_close_on_exec)
{
	struct err e = ERR_INIT;
	int fd = safefile_create(&d, "a", SAFEFILE_NEW, 0600, &e);

	cr_assert_geq(fd, 0, "%s", e.msg);
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	cr_assert_eq(lstat_of("a").st_mode & 07777, 0600, "umask 0: still 0600");
	fd = safefile_create(&d, "a", SAFEFILE_NEW, 0600, &e);
	cr_assert_eq(fd, ERR_STATE, "an existing name is never reused");
	cr_assert_eq(errno, EEXIST);
}

Test(safefile, a_link_is_refused_and_left_alone)
{
	struct err e = ERR_INIT;
	char *victim = at("victim"), *link = at("link");

	put("victim", "VICTIM", 0600);
	cr_assert_eq(symlink(victim, link), 0);
	cr_assert_eq(safefile_create(&d, "link", SAFEFILE_REPLACE, 0600, &e),
		     ERR_IO);
	assert_refused(&e, "link", "is a symbolic link: refused");
	cr_assert_eq(safefile_create(&d, "link", SAFEFILE_APPEND, 0600, &e),
		     ERR_IO);
	cr_assert_eq(safefile_check(&d, "link", &e), ERR_IO);
	cr_assert(S_ISLNK(lstat_of("link").st_mode));
	cr_assert_str_eq(slurp("victim"), "VICTIM");
	/* O_EXCL: even a dangling link is "exists" for a new file */
	cr_assert_eq(unlink(victim), 0);
	cr_assert_eq(safefile_create(&d, "link", SAFEFILE_NEW, 0600, &e),
		     ERR_STATE);
	cr_assert_eq(access(victim, F_OK), -1, "nothing created through it");
	free(victim);
	free(link);
}

Test(safefile, not_a_regular_file_is_refused)
{
	struct err e = ERR_INIT;
	char *fifo = at("fifo"), *sub = at("sub");

	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert_eq(mkdir(sub, 0700), 0);
	cr_assert_eq(safefile_create(&d, "fifo", SAFEFILE_REPLACE, 0600, &e),
		     ERR_IO, "no reader: a FIFO would block an open");
	assert_refused(&e, "fifo", "is a FIFO, not a regular file: refused");
	cr_assert_eq(safefile_create(&d, "sub", SAFEFILE_APPEND, 0600, &e),
		     ERR_IO);
	assert_refused(&e, "sub",
		       "is a directory, not a regular file: refused");
	cr_assert(S_ISFIFO(lstat_of("fifo").st_mode));
	free(fifo);
	free(sub);
}

Test(safefile, someone_elses_file_is_refused)
{
	struct err e = ERR_INIT;
	char *p = at("theirs"), *want;

	if (geteuid() != 0)
		cr_skip_test("needs root to give a file away");
	put("theirs", "THEIRS", 0666);
	cr_assert_eq(chown(p, 65534, 65534), 0);
	cr_assert_eq(safefile_create(&d, "theirs", SAFEFILE_REPLACE, 0600, &e),
		     ERR_IO);
	want = xasprintf("is owned by uid 65534, not by uid 0 who runs this: "
			 "refused");
	assert_refused(&e, "theirs", want);
	cr_assert_str_eq(slurp("theirs"), "THEIRS");
	free(want);
	free(p);
}

/* An old file of ours: a new inode, so no old descriptor sees the new. */
Test(safefile, replace_makes_a_new_0600_file)
{
	struct err e = ERR_INIT;
	char *p = at("log");
	struct stat before, after;
	char got[16] = "";
	int old, fd;

	put("log", "OLD", 0666);
	before = lstat_of("log");
	cr_assert_geq(old = open(p, O_RDONLY), 0);
	fd = safefile_create(&d, "log", SAFEFILE_REPLACE, 0600, &e);
	cr_assert_geq(fd, 0, "%s", e.msg);
	cr_assert_eq(write(fd, "NEW", 3), 3);
	close(fd);
	after = lstat_of("log");
	cr_assert_neq(after.st_ino, before.st_ino);
	cr_assert_eq(after.st_mode & 07777, 0600);
	cr_assert_eq(read(old, got, sizeof(got) - 1), 3);
	cr_assert_str_eq(got, "OLD", "the old reader keeps the old file");
	cr_assert_str_eq(slurp("log"), "NEW");
	close(old);
	free(p);
}

Test(safefile, append_keeps_what_is_there)
{
	struct err e = ERR_INIT;
	int fd;

	put("log", "one\n", 0600);
	fd = safefile_create(&d, "log", SAFEFILE_APPEND, 0600, &e);
	cr_assert_geq(fd, 0, "%s", e.msg);
	cr_assert_eq(write(fd, "two\n", 4), 4);
	close(fd);
	cr_assert_str_eq(slurp("log"), "one\ntwo\n");
}

Test(safefile, a_directory_link_is_refused_with_nofollow)
{
	struct safedir l = SAFEDIR_INIT;
	struct err e = ERR_INIT;
	char *link = at("dl"), *slash = at("dl/"), *real = at("real");

	cr_assert_eq(mkdir(real, 0700), 0);
	cr_assert_eq(symlink(real, link), 0);
	cr_assert_eq(safedir_open(&l, link, SAFEDIR_NOFOLLOW, &e), ERR_IO);
	cr_assert(strstr(e.msg, "is a symbolic link: refused"), "%s", e.msg);
	cr_assert_eq(safedir_open(&l, slash, SAFEDIR_NOFOLLOW, &e), ERR_IO,
		     "a trailing slash does not make it followed");
	cr_assert_eq(safedir_open(&l, link, 0, &e), 0, "followed when asked");
	safedir_close(&l);
	free(link);
	free(slash);
	free(real);
}

Test(safefile, create_makes_the_directory_0700)
{
	struct safedir l = SAFEDIR_INIT;
	struct err e = ERR_INIT;
	char *p = at("logs");

	cr_assert_eq(safedir_open(&l, p, SAFEDIR_CREATE | SAFEDIR_NOFOLLOW,
				  &e),
		     0, "%s", e.msg);
	cr_assert_eq(lstat_of("logs").st_mode & 07777, 0700);
	safedir_close(&l);
	free(p);
}

/* ---- safeout ------------------------------------------------------------ */

Test(safefile, output_appears_whole_at_commit)
{
	struct safeout o = SAFEOUT_INIT;
	struct err e = ERR_INIT;
	char *p = at("r.json"), *tmp = at(".r.json.tmp");

	cr_assert_eq(safeout_open(&o, p, &e), 0, "%s", e.msg);
	cr_assert_eq(access(p, F_OK), -1, "nothing at the path yet");
	cr_assert_eq(access(tmp, F_OK), 0, "the temporary file is there");
	cr_assert_eq(safeout_write(&o, "{}\n", 3), 0);
	cr_assert_eq(safeout_commit(&o, &e), 0, "%s", e.msg);
	safeout_release(&o);
	cr_assert_str_eq(slurp("r.json"), "{}\n");
	cr_assert_eq(lstat_of("r.json").st_mode & 07777, 0600);
	cr_assert_eq(access(tmp, F_OK), -1, "no temporary file left");
	free(p);
	free(tmp);
}

Test(safefile, output_released_uncommitted_leaves_nothing)
{
	struct safeout o = SAFEOUT_INIT;
	struct err e = ERR_INIT;
	char *p = at("r.json"), *tmp = at(".r.json.tmp");

	put("r.json", "OLD", 0600);
	cr_assert_eq(safeout_open(&o, p, &e), 0, "%s", e.msg);
	cr_assert_eq(safeout_write(&o, "half", 4), 0);
	safeout_release(&o);
	cr_assert_eq(access(tmp, F_OK), -1);
	cr_assert_str_eq(slurp("r.json"), "OLD");
	free(p);
	free(tmp);
}

Test(safefile, stale_temporary_removed_live_one_refused)
{
	struct safeout o = SAFEOUT_INIT;
	struct err e = ERR_INIT;
	char *p = at("r.json"), *tmp = at(".r.json.tmp"), *want;
	int holder;

	put(".r.json.tmp", "left by a killed run", 0600);
	cr_assert_eq(safeout_open(&o, p, &e), 0, "%s", e.msg);
	safeout_release(&o);
	cr_assert_eq(access(tmp, F_OK), -1, "the stale one is gone");
	put(".r.json.tmp", "being written", 0600);
	cr_assert_geq(holder = open(tmp, O_RDONLY), 0);
	cr_assert_eq(flock(holder, LOCK_EX), 0);
	cr_assert_eq(safeout_open(&o, p, &e), ERR_STATE);
	want = xasprintf("another run is writing %s (%s is locked)", p, tmp);
	cr_assert_str_eq(e.msg, want);
	cr_assert_str_eq(slurp(".r.json.tmp"), "being written");
	close(holder);
	free(want);
	free(p);
	free(tmp);
}

/* Another run took our temporary file for stale and replaced it: ours is
 * not renamed over the destination, and theirs is not either. */
Test(safefile, commit_refuses_a_replaced_temporary)
{
	struct safeout o = SAFEOUT_INIT;
	struct err e = ERR_INIT;
	char *p = at("r.json"), *tmp = at(".r.json.tmp");

	cr_assert_eq(safeout_open(&o, p, &e), 0, "%s", e.msg);
	cr_assert_eq(unlink(tmp), 0);
	put(".r.json.tmp", "theirs", 0600);
	cr_assert_eq(safeout_commit(&o, &e), ERR_IO);
	cr_assert(strstr(e.msg, "was removed or replaced"), "%s", e.msg);
	safeout_release(&o);
	cr_assert_eq(access(p, F_OK), -1);
	cr_assert_str_eq(slurp(".r.json.tmp"), "theirs", "theirs is left");
	free(p);
	free(tmp);
}

/* A commit that fails (a directory appeared where the output goes)
 * leaves no temporary file behind. */
Test(safefile, failed_commit_leaves_nothing)
{
	struct safeout o = SAFEOUT_INIT;
	struct err e = ERR_INIT;
	char *p = at("r.json"), *tmp = at(".r.json.tmp");

	cr_assert_eq(safeout_open(&o, p, &e), 0, "%s", e.msg);
	cr_assert_eq(mkdir(p, 0700), 0);
	cr_assert_eq(safeout_commit(&o, &e), ERR_IO);
	cr_assert(strstr(e.msg, "renaming"), "%s", e.msg);
	safeout_release(&o);
	cr_assert_eq(access(tmp, F_OK), -1);
	free(p);
	free(tmp);
}

Test(safefile, output_over_a_link_is_refused)
{
	struct safeout o = SAFEOUT_INIT;
	struct err e = ERR_INIT;
	char *p = at("r.json"), *victim = at("victim");

	put("victim", "VICTIM", 0600);
	cr_assert_eq(symlink(victim, p), 0);
	cr_assert_eq(safeout_open(&o, p, &e), ERR_IO);
	assert_refused(&e, "r.json", "is a symbolic link: refused");
	safeout_release(&o);
	cr_assert_str_eq(slurp("victim"), "VICTIM");
	free(p);
	free(victim);
}

/* ---- reading ------------------------------------------------------------ */

Test(safefile, read_line_bounded_regular_only)
{
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	struct stat st;
	char *p = at("pw"), *fifo = at("fifo");

	put("pw", "s3cret\r\nrest\n", 0600);
	cr_assert_eq(safefile_read_line(p, 16, &b, &st, &e), 0, "%s", e.msg);
	cr_assert_str_eq(b.ptr, "s3cret");
	buf_reset(&b);
	put("pw", "0123456789abcdefX", 0600);
	cr_assert_eq(safefile_read_line(p, 16, &b, &st, &e), ERR_IO);
	cr_assert(strstr(e.msg, "has a first line longer than 16 bytes"),
		  "%s", e.msg);
	cr_assert_eq(b.len, 0, "nothing kept on failure");
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert_eq(safefile_read_line(fifo, 16, &b, &st, &e), ERR_IO,
		     "a FIFO without a writer does not block");
	cr_assert(strstr(e.msg, "is a FIFO, not a regular file"), "%s", e.msg);
	cr_assert_eq(safefile_read_line("/dev/zero", 16, &b, &st, &e),
		     ERR_IO);
	cr_assert(strstr(e.msg, "is a character device"), "%s", e.msg);
	buf_release(&b);
	free(p);
	free(fifo);
}
