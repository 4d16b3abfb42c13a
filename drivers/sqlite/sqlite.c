/*
 * The SQLite driver: a database file opened with libsqlite3, the migration
 * lock as an flock on the database file itself (its inode: every name of
 * the file shares it), and SQLite's own words in every error.
 */
#include "config.h"

#include "drivers/sqlite/sqlite.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/xmalloc.h"
#include "common/banned.h"

/*
 * Choices, with their reasons:
 *
 * - readonly connections never create or change a file. An existing file is
 *   opened SQLITE_OPEN_READONLY. A file that does not exist is not created:
 *   the connection is to a private in-memory database instead, so a dry run
 *   on a fresh path sees an empty ledger and leaves the path absent. Both
 *   refuse writes ("attempt to write a readonly database"), the in-memory one
 *   through PRAGMA query_only. One exception is SQLite's own: reading a
 *   database in WAL mode creates its -wal and -shm files when they are
 *   missing (the database file itself is never touched).
 * - foreign_keys stays at SQLite's default (off). The PRAGMA is a no-op
 *   inside a transaction, so a migration could not switch it off around the
 *   usual create-copy-drop-rename table rebuild, and with it on that DROP
 *   TABLE would fire ON DELETE actions against the rows being kept.
 *   Migrations can check integrity with PRAGMA foreign_key_check.
 * - The journal mode is left as the file has it: never trade durability.
 * - DDL is transactional in SQLite, so a failed migration under SAFE leaves
 *   nothing behind.
 * - The busy timeout is LOCK_TIMEOUT, so a statement waits for a concurrent
 *   writer as long as the migration lock would have.
 */

struct sqlite_db {
	struct db base; /* first: a struct db * points here */
	sqlite3 *h;
	char *path;
	/*
	 * Our own descriptor of the database file, flocked for the migration
	 * lock. Open from the first lock until after sqlite3_close: closing
	 * any descriptor of the file would drop the POSIX locks SQLite holds
	 * on it in this process (see sqlite_lock). -1 before.
	 */
	int filefd;
	int lockfd;     /* the <path>.lock of older versions; -1 none */
	bool locked;
	bool in_memory; /* no file behind it: nothing to lock */
};

/* No DB_URL query parameters: a file path needs no options. */
static const char *const *
sqlite_url_params(void)
{
	static const char *const none[] = { NULL };

	return none;
}

static struct sqlite_db *
sq(struct db *db)
{
	return (struct sqlite_db *)db;
}

/*
 * Fill e from the handle's last error: SQLite's message intact, the extended
 * result code as the native code, the OS error where SQLite had one, and for
 * "database is locked" a hint that says what waited and for how long.
 */
static int
sq_error(struct sqlite_db *s, struct err *e)
{
	int code = sqlite3_extended_errcode(s->h);
	int sys = sqlite3_system_errno(s->h);

	err_set(e, ERR_SQL, "%s", sqlite3_errmsg(s->h));
	e->native = code;
	if ((code & 0xff) == SQLITE_IOERR || (code & 0xff) == SQLITE_FULL ||
	    (code & 0xff) == SQLITE_CANTOPEN) {
		if (sys != 0)
			snprintf(e->detail, sizeof(e->detail), "%s",
				 strerror(sys));
	}
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		snprintf(e->hint, sizeof(e->hint),
			 "another connection kept the database locked for "
			 "longer than the busy timeout (LOCK_TIMEOUT=%d s)",
			 s->base.target ? s->base.target->lock_timeout : 0);
	return ERR_SQL;
}

static int
sq_connect_error(struct sqlite_db *s, const char *path, struct err *e)
{
	const char *msg = s->h ? sqlite3_errmsg(s->h) : "out of memory";
	int sys = s->h ? sqlite3_system_errno(s->h) : 0;

	err_set(e, ERR_CONNECT, "cannot open SQLite database %s: %s%s%s%s",
		path, msg, sys ? " (" : "", sys ? strerror(sys) : "",
		sys ? ")" : "");
	e->native = s->h ? sqlite3_extended_errcode(s->h) : SQLITE_NOMEM;
	return ERR_CONNECT;
}

/* A statement of the connection set-up; the caller words the error. */
static int
sq_probe(struct sqlite_db *s, const char *sql)
{
	db_trace(&s->base, sql);
	return sqlite3_exec(s->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Could a file be created at path? (Its directory exists and is writable.) */
static bool
parent_writable(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	bool ok;

	if (slash == NULL)
		return access(".", W_OK | X_OK) == 0;
	dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	ok = access(dir, W_OK | X_OK) == 0;
	free(dir);
	return ok;
}

static int
sq_open(struct sqlite_db *s, bool readonly, int busy_ms, struct err *e)
{
	struct stat st;
	const char *name = s->path;
	int flags;

	if (readonly && stat(s->path, &st) < 0 && errno == ENOENT) {
		/* A dry run must fail where the real run would: the file
		 * can be created only in a directory that exists. */
		if (!parent_writable(s->path))
			return err_set(e, ERR_CONNECT,
				       "cannot open database file %s: its "
				       "directory does not exist or is not "
				       "writable", s->path);
		name = ":memory:";
		s->in_memory = true;
	}
	if (strcmp(s->path, ":memory:") == 0)
		s->in_memory = true;
	if (readonly && !s->in_memory)
		flags = SQLITE_OPEN_READONLY;
	else
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(name, &s->h, flags, NULL) != SQLITE_OK)
		return sq_connect_error(s, s->path, e);
	sqlite3_extended_result_codes(s->h, 1);
	sqlite3_busy_timeout(s->h, busy_ms);
	/*
	 * Read the schema now: a file that is not a database (or is damaged)
	 * is a connection error here rather than a failure of the first
	 * statement of a migration.
	 */
	if (sq_probe(s, "SELECT count(*) FROM sqlite_master") < 0)
		return sq_connect_error(s, s->path, e);
	if (readonly && s->in_memory && sq_probe(s, "PRAGMA query_only = ON") < 0)
		return sq_connect_error(s, s->path, e);
	return 0;
}

static void sqlite_close(struct db *db);

static int
sqlite_connect(const struct target *t, bool readonly, struct db **out,
	       struct err *e)
{
	struct sqlite_db *s;
	int ms;

	*out = NULL;
	if (t->db == NULL || t->db[0] == '\0')
		return err_set(e, ERR_CONFIG,
			       "DB: no SQLite database file given");
	s = xcalloc(1, sizeof(*s));
	s->base.drv = &driver_sqlite;
	s->base.target = t;
	s->base.debug = t->debug;
	s->base.readonly = readonly;
	s->path = xstrdup(t->db);
	s->filefd = -1;
	s->lockfd = -1;
	/*
	 * No schema: nothing a migration does to its session moves an
	 * unqualified name away from "main" (ATTACH adds names after it),
	 * and SQLite qualifies an index by its own name, not its table's.
	 */
	ms = t->lock_timeout > INT_MAX / 1000 ? INT_MAX
					      : t->lock_timeout * 1000;
	if (sq_open(s, readonly, ms > 0 ? ms : 0, e) < 0) {
		sqlite_close(&s->base);
		return ERR_CONNECT;
	}
	*out = &s->base;
	return 0;
}

static void
sqlite_close(struct db *db)
{
	struct sqlite_db *s = sq(db);

	if (s == NULL)
		return;
	/* close_v2 rolls back an open transaction before letting go. */
	sqlite3_close_v2(s->h);
	/* Only now: SQLite has released its own locks on the file. */
	if (s->filefd >= 0)
		close(s->filefd); /* releases the flock */
	if (s->lockfd >= 0)
		close(s->lockfd);
	free(s->path);
	free(s->base.schema);
	free(s);
}

/* One exclusive flock without waiting: 1 ours, 0 held elsewhere, -errno. */
static int
flock_once(int fd)
{
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
	return 1;
}

/* Both locks or neither: the file's, then the sidecar's (if any). */
static int
flock_try(void *arg)
{
	struct sqlite_db *s = arg;
	int rc;

	if ((rc = flock_once(s->filefd)) <= 0 || s->lockfd < 0)
		return rc;
	if ((rc = flock_once(s->lockfd)) <= 0)
		flock(s->filefd, LOCK_UN);
	return rc;
}

/*
 * The sidecar <path>.lock that versions before 1.1 lock (and nothing
 * else): taken too, so that an older migratore spelling the path the same
 * way still waits for us. Readonly: a missing one is not created (a dry
 * run writes nothing) and cannot be held by anybody.
 */
static int
sidecar_open(struct sqlite_db *s, struct err *e)
{
	struct buf path = BUF_INIT;
	int rc = 0;

	buf_addf(&path, "%s.lock", s->path);
	if (s->base.readonly)
		s->lockfd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	else
		s->lockfd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->lockfd < 0 && !(s->base.readonly && errno == ENOENT))
		rc = err_set(e, ERR_LOCK, "cannot open lock file %s: %s",
			     path.ptr, strerror(errno));
	buf_release(&path);
	return rc;
}

/*
 * The lock is an flock on the database file itself, so it follows the
 * file and not its name: a symlink, a hard link, a relative or absolute
 * path, a bind mount all reach the same inode and the same lock. flock
 * and SQLite's POSIX (fcntl) locks are independent on Linux (on NFS,
 * where they are not, SQLite itself is not safe). The descriptor is ours
 * and stays open until after sqlite3_close: closing a descriptor of the
 * file while SQLite holds POSIX locks on it would drop them ("How To
 * Corrupt An SQLite Database File", 2.2). A write connection has created
 * the file at connect (O_CREAT here too, in case); a readonly connection
 * to a missing file is in memory and locks nothing. The kernel releases
 * flock when the holder dies, however it dies.
 */
static int
sqlite_lock(struct db *db, int timeout, struct err *e)
{
	struct sqlite_db *s = sq(db);
	int rc;

	if (s->locked || s->in_memory)
		return 0;
	if (s->filefd < 0) {
		s->filefd = db->readonly
				    ? open(s->path, O_RDONLY | O_CLOEXEC)
				    : open(s->path, O_RDWR | O_CREAT | O_CLOEXEC,
					   0644);
		if (s->filefd < 0)
			return err_set(e, ERR_LOCK, "cannot open %s to lock it: %s",
				       s->path, strerror(errno));
	}
	if (s->lockfd < 0 && (rc = sidecar_open(s, e)) < 0)
		return rc;
	rc = driver_poll(timeout, flock_try, s);
	if (rc == 0) {
		s->locked = true;
		return 0;
	}
	if (s->lockfd >= 0)
		close(s->lockfd);
	s->lockfd = -1;
	if (rc == ERR_LOCK)
		return err_set(e, ERR_LOCK,
			       "lock on %s held by another process (waited %d s)",
			       s->path, timeout > 0 ? timeout : 0);
	return err_set(e, ERR_LOCK, "cannot lock %s: %s", s->path,
		       strerror(-rc));
}

static int
sqlite_unlock(struct db *db, struct err *e)
{
	struct sqlite_db *s = sq(db);

	(void)e;
	if (!s->locked)
		return 0;
	/* The file's descriptor is unlocked, not closed (see above); the
	 * sidecar is no database file: closing it drops its flock. */
	flock(s->filefd, LOCK_UN);
	if (s->lockfd >= 0)
		close(s->lockfd);
	s->lockfd = -1;
	s->locked = false;
	return 0;
}

static int
sqlite_begin(struct db *db, struct err *e)
{
	/*
	 * IMMEDIATE takes the write lock now (waiting up to the busy
	 * timeout), so a migration never fails half-way because another
	 * writer got in first. A readonly connection only reads: DEFERRED.
	 */
	return db_exec(db, db->readonly ? "BEGIN" : "BEGIN IMMEDIATE", e);
}

static int
sqlite_commit(struct db *db, struct err *e)
{
	return db_exec(db, "COMMIT", e);
}

static int
sqlite_rollback(struct db *db, struct err *e)
{
	struct sqlite_db *s = sq(db);

	/* SQLite rolls back by itself after SQLITE_FULL, IOERR, BUSY or
	 * NOMEM; a second ROLLBACK would then fail for nothing. */
	if (sqlite3_get_autocommit(s->h))
		return 0;
	return db_exec(db, "ROLLBACK", e);
}

#if SQLITE_VERSION_NUMBER >= 3038000
/* Characters (not bytes) before byte offset off, 1-based: PG's convention. */
static int
char_position(const char *sql, int off)
{
	int i, n = 0;

	for (i = 0; i < off && sql[i] != '\0'; i++)
		if (((unsigned char)sql[i] & 0xC0) != 0x80)
			n++;
	return n + 1;
}
#endif

/* Where the error is, when SQLite knows, relative to the whole text. */
static void
sq_error_position(struct sqlite_db *s, const char *sql, const char *stmt,
		  struct err *e)
{
#if SQLITE_VERSION_NUMBER >= 3038000
	int off = sqlite3_error_offset(s->h);

	if (off >= 0)
		e->position = char_position(sql, (int)(stmt - sql) + off);
#else
	(void)s;
	(void)sql;
	(void)stmt;
	(void)e;
#endif
}

/*
 * A statement of a migration as written. The lexer hands over one
 * statement, but prepare-and-step in a loop also copes with a trailing
 * comment or a text holding several statements; rows are discarded.
 */
static int
sqlite_exec(struct db *db, const char *sql, struct err *e)
{
	struct sqlite_db *s = sq(db);
	const char *p = sql, *tail;
	sqlite3_stmt *st;
	int rc;

	while (*p != '\0') {
		st = NULL;
		if (sqlite3_prepare_v2(s->h, p, -1, &st, &tail) != SQLITE_OK) {
			sq_error(s, e);
			sq_error_position(s, sql, p, e);
			return ERR_SQL;
		}
		if (st == NULL) /* only whitespace or comments left */
			break;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			sq_error(s, e);
			sqlite3_finalize(st);
			return ERR_SQL;
		}
		sqlite3_finalize(st);
		p = tail;
	}
	return 0;
}

static int
sq_bind(struct sqlite_db *s, sqlite3_stmt *st, const char *sql,
	const struct db_param *params, size_t nparams, struct err *e)
{
	size_t i, n = (size_t)sqlite3_bind_parameter_count(st);
	int rc;

	if (n != nparams)
		return driver_count_mismatch(n, nparams, sql, e);
	for (i = 0; i < nparams; i++) {
		const struct db_param *p = &params[i];
		int col = (int)i + 1;

		if (p->type == DBP_INT)
			rc = sqlite3_bind_int64(st, col, p->i);
		else if (p->type == DBP_TEXT && p->s != NULL)
			/* explicit length: bytes go in exactly as given */
			rc = sqlite3_bind_text64(st, col, p->s, strlen(p->s),
						 SQLITE_TRANSIENT, SQLITE_UTF8);
		else
			rc = sqlite3_bind_null(st, col);
		if (rc != SQLITE_OK)
			return sq_error(s, e);
	}
	return 0;
}

/* Append the current row to rows, every cell as text or NULL. */
static void
sq_fetch_row(sqlite3_stmt *st, struct db_rows *rows, size_t *cap)
{
	size_t c, base = rows->nrows * rows->ncols;

	XGROW(rows->cells, base + rows->ncols, *cap);
	for (c = 0; c < rows->ncols; c++) {
		const unsigned char *txt;
		int len;
		char *cell = NULL;

		if (sqlite3_column_type(st, (int)c) != SQLITE_NULL) {
			txt = sqlite3_column_text(st, (int)c);
			len = sqlite3_column_bytes(st, (int)c);
			cell = xmalloc((size_t)len + 1);
			memcpy(cell, txt ? (const char *)txt : "", (size_t)len);
			cell[len] = '\0';
		}
		rows->cells[base + c] = cell;
	}
	rows->nrows++;
}

static const char *
sq_column_name(void *st, size_t i)
{
	return sqlite3_column_name(st, (int)i);
}

static int
sqlite_query(struct db *db, const char *sql, const struct db_param *params,
	     size_t nparams, struct db_rows **out, struct err *e)
{
	struct sqlite_db *s = sq(db);
	struct db_rows *rows = NULL;
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (sqlite3_prepare_v2(s->h, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = sq_error(s, e);
		sq_error_position(s, sql, sql, e);
		goto out;
	}
	if (st == NULL) {
		rc = err_set(e, ERR_INTERNAL, "query without a statement");
		goto out;
	}
	rc = sq_bind(s, st, sql, params, nparams, e);
	if (rc < 0)
		goto out;
	rows = xcalloc(1, sizeof(*rows));
	rows->ncols = (size_t)sqlite3_column_count(st);
	db_rows_set_names(rows, sq_column_name, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (out != NULL)
			sq_fetch_row(st, rows, &cap);
	if (rc != SQLITE_DONE) {
		rc = sq_error(s, e);
		goto out;
	}
	rc = 0;
	if (out != NULL) {
		*out = rows;
		rows = NULL;
	}
out:
	db_rows_free(rows);
	sqlite3_finalize(st);
	return rc;
}

/* SQLite stores text as it is given: no character set, no length. */
static enum textfit_rep
sqlite_rep(const char *charset)
{
	(void)charset;
	return TEXTFIT_BYTES;
}

/* Bound, not spliced: no quoting to get wrong. ?1 is the schema. */
static const char sqlite_columns_sql[] =
    "SELECT name, NULL, NULL, NULL FROM pragma_table_info(?2, ?1) "
    "ORDER BY cid";

static void
sqlite_quote_ident(const char *ident, struct buf *out)
{
	driver_quote_ident(ident, '"', out);
}

static int
sqlite_server_version(struct db *db, struct buf *out, struct err *e)
{
	(void)db;
	(void)e;
	buf_adds(out, sqlite3_libversion());
	return 0;
}

/*
 * Can stmt run in a transaction and commit nothing there on its own
 * (driver.h, transactional)? Not VACUUM, ATTACH or DETACH (refused in
 * one), not the transaction's own control, not a PRAGMA (some are no-ops
 * in a transaction: foreign_keys, journal_mode = wal).
 */
static bool
sqlite_transactional(const char *stmt)
{
	static const char *const never[] = {
		"VACUUM", "ATTACH", "DETACH", "BEGIN", "COMMIT", "END",
		"ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA", NULL,
	};
	const char *p = driver_skip_blanks(stmt);
	size_t i, n;

	for (n = 0; isalpha((unsigned char)p[n]); n++)
		;
	if (n == 0)
		return false;
	for (i = 0; never[i]; i++)
		if (strlen(never[i]) == n && strncasecmp(p, never[i], n) == 0)
			return false;
	return true;
}

static void
sqlite_init(void)
{
	sqlite3_initialize();
}

const struct driver driver_sqlite = {
	.name = "sqlite",
	.url_params = sqlite_url_params,
	.transactional_ddl = true,
	.type_int64 = "INTEGER",
	.type_text = "TEXT",
	.type_string = "TEXT",
	.table_options = "",
	.connect = sqlite_connect,
	.close = sqlite_close,
	.lock = sqlite_lock,
	.unlock = sqlite_unlock,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.exec = sqlite_exec,
	.query = sqlite_query,
	.columns = driver_describe,
	.columns_sql = sqlite_columns_sql,
	.columns_rep = sqlite_rep,
	.quote_ident = sqlite_quote_ident,
	.server_version = sqlite_server_version,
	.commits_implicitly = driver_never_commits,
	.transactional = sqlite_transactional,
	.init = sqlite_init,
};
