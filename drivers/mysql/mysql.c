/*
 * MySQL and MariaDB driver on MariaDB Connector/C: connection options, the
 * GET_LOCK migration lock, statements through prepared statements with bound
 * values, and the server's errno, SQLSTATE and message carried intact.
 */
#include "config.h"

#include "drivers/mysql/mysql.h"

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "common/xmalloc.h"
#include "drivers/mysql/mydb.h"
#include "drivers/mysql/myeffect.h"
#include "drivers/mysql/mystmt.h"
#include "common/banned.h"

#define MY_DEFAULT_PORT 3306
#define MY_DEFAULT_CONNECT_TIMEOUT 10
#define MY_DEFAULT_WRITE_TIMEOUT 60
#define MY_LOCK_NAME_MAX 64 /* GET_LOCK's limit on MySQL 5.7 and later */

/*
 * The TLS parameters that are a file, a directory or a list, in the
 * client's own names (mysql --ssl-cert): each goes to its
 * mysql_options option unchanged, and Connector/C turns TLS on when one
 * of the first five is set.
 */
static const struct {
	const char *key;
	enum mysql_option opt;
} my_tls_params[] = {
	{ "ssl_ca", MYSQL_OPT_SSL_CA },
	{ "ssl_capath", MYSQL_OPT_SSL_CAPATH },
	{ "ssl_cert", MYSQL_OPT_SSL_CERT },
	{ "ssl_key", MYSQL_OPT_SSL_KEY },
	{ "ssl_cipher", MYSQL_OPT_SSL_CIPHER },
	{ "ssl_crl", MYSQL_OPT_SSL_CRL },
	{ "ssl_crlpath", MYSQL_OPT_SSL_CRLPATH },
	{ "tls_version", MYSQL_OPT_TLS_VERSION },
};
#define MY_NTLS (sizeof(my_tls_params) / sizeof(my_tls_params[0]))

static const char *const *
my_url_params(void)
{
	static const char *names[4 + MY_NTLS + 1] = {
		"connect_timeout", "read_timeout", "write_timeout", "ssl_mode",
	};
	size_t i;

	for (i = 0; i < MY_NTLS; i++)
		names[4 + i] = my_tls_params[i].key;
	return names;
}

static struct mydb *
my_of(struct db *db)
{
	return (struct mydb *)db;
}

/* A schema target's database is its schema (see mysql.h). */
static const char *
my_db(const struct target *t)
{
	return t->schema ? t->schema : t->db;
}

static void
my_where(const struct target *t, struct buf *out)
{
	if (t->unix_socket)
		buf_adds(out, t->unix_socket);
	else
		buf_addf(out, "%s:%d", t->host ? t->host : "localhost",
			 t->port ? t->port : MY_DEFAULT_PORT);
	buf_addf(out, "/%s", my_db(t) ? my_db(t) : "");
}

/* Errors after which the session is gone, and with it lock and transaction. */
static bool
is_connection_lost(unsigned int no)
{
	return no == CR_SERVER_GONE_ERROR || no == CR_SERVER_LOST ||
	       no == CR_SERVER_LOST_EXTENDED || no == CR_CONNECTION_ERROR ||
	       no == CR_CONN_HOST_ERROR || no == ER_CONNECTION_KILLED ||
	       no == 4031 /* MySQL 8: ER_CLIENT_INTERACTION_TIMEOUT */;
}

static int
my_fail_with(struct mydb *my, unsigned int no, const char *state,
	     const char *msg, struct err *e)
{
	struct buf text = BUF_INIT;
	int code = is_connection_lost(no) ? ERR_CONNECT : ERR_SQL;

	buf_adds(&text, msg && *msg ? msg : "unknown error");
	driver_redact(&text, my->base.target);
	err_clear(e);
	if (code == ERR_CONNECT)
		err_set(e, code, "connection to mysql at %s lost: %s",
			my->where, text.ptr);
	else
		err_set(e, code, "%s", text.ptr);
	e->native = (long)no;
	driver_copy_field(e->sqlstate, sizeof(e->sqlstate), state);
	buf_release(&text);
	return code;
}

int
my_fail(struct mydb *my, struct err *e)
{
	return my_fail_with(my, mysql_errno(my->conn), mysql_sqlstate(my->conn),
			    mysql_error(my->conn), e);
}

int
my_stmt_fail(struct mydb *my, MYSQL_STMT *st, struct err *e)
{
	return my_fail_with(my, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
			    mysql_stmt_error(st), e);
}

/* ---- connecting ---- */

/* The TLS files, then ssl_mode: the subset Connector/C can honour exactly. */
static int
my_ssl_options(MYSQL *conn, const struct target *t, struct err *e)
{
	const char *mode = target_param(t, "ssl_mode"), *v;
	my_bool yes = 1;
	size_t i;

	for (i = 0; i < MY_NTLS; i++)
		if ((v = target_param(t, my_tls_params[i].key)) != NULL)
			mysql_options(conn, my_tls_params[i].opt, v);
	if (!mode || strcasecmp(mode, "disabled") == 0)
		return 0;
	if (strcasecmp(mode, "required") == 0) {
		mysql_options(conn, MYSQL_OPT_SSL_ENFORCE, &yes);
		return 0;
	}
	if (strcasecmp(mode, "verify_identity") == 0) {
		mysql_options(conn, MYSQL_OPT_SSL_ENFORCE, &yes);
		mysql_options(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
		return 0;
	}
	return err_set(e, ERR_CONFIG,
		       "invalid ssl_mode '%s' (expected disabled, required or "
		       "verify_identity)",
		       mode);
}

static int
my_options(MYSQL *conn, const struct target *t, struct err *e)
{
	unsigned int ct, rt, wt, proto = MYSQL_PROTOCOL_SOCKET;
	my_bool no = 0;
	int rc;

	if ((rc = driver_param_seconds(t, "connect_timeout",
				       MY_DEFAULT_CONNECT_TIMEOUT, &ct,
				       e)) < 0 ||
	    (rc = driver_param_seconds(t, "read_timeout", 0, &rt, e)) < 0 ||
	    (rc = driver_param_seconds(t, "write_timeout",
				       MY_DEFAULT_WRITE_TIMEOUT, &wt, e)) < 0)
		return rc;
	if ((rc = my_ssl_options(conn, t, e)) < 0)
		return rc;
	mysql_options(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	if (rt > 0)
		mysql_options(conn, MYSQL_OPT_READ_TIMEOUT, &rt);
	if (wt > 0)
		mysql_options(conn, MYSQL_OPT_WRITE_TIMEOUT, &wt);
	/* A silent reconnect would carry on without the lock. */
	mysql_options(conn, MYSQL_OPT_RECONNECT, &no);
	if (t->unix_socket)
		mysql_options(conn, MYSQL_OPT_PROTOCOL, &proto);
	return 0;
}

void
mysql_lock_name(const char *dbname, struct buf *out)
{
	const char *prefix = "migratore.";
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a: stable everywhere */
	size_t keep, len = strlen(dbname ? dbname : "");
	const char *p;

	if (strlen(prefix) + len <= MY_LOCK_NAME_MAX) {
		buf_addf(out, "%s%s", prefix, dbname ? dbname : "");
		return;
	}
	for (p = dbname; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ULL;
	}
	/* prefix + head of the name + "." + 16 hex digits = 64 bytes; never
	 * cut a UTF-8 character in two */
	keep = MY_LOCK_NAME_MAX - strlen(prefix) - 1 - 16;
	while (keep > 0 && ((unsigned char)dbname[keep] & 0xc0) == 0x80)
		keep--;
	buf_addf(out, "%s%.*s.%016" PRIx64, prefix, (int)keep, dbname, h);
}

/*
 * Session settings every connection starts with. They go with the first
 * statement (my_settle, my_batch): a round trip of their own would cost
 * every run one more.
 */
static void
my_session(struct mydb *my, bool readonly)
{
	double t = my->base.target->ddl_lock_timeout;
	long secs = t > 31536000 ? 31536000 : (long)t;
	size_t n = 0;

	my->session[n++] = "SET autocommit = 1";
	my->session[n++] = readonly ? "SET SESSION TRANSACTION ISOLATION LEVEL "
				      "READ COMMITTED, READ ONLY"
				    : "SET SESSION TRANSACTION ISOLATION LEVEL "
				      "READ COMMITTED";
	if (!readonly && t > 0) {
		/* DDL_LOCK_TIMEOUT: once per session, not per migration;
		 * whole seconds, 1 at least */
		if (secs < t && secs < 31536000)
			secs++;
		snprintf(my->lock_wait, sizeof(my->lock_wait),
			 "SET SESSION lock_wait_timeout = %ld",
			 secs < 1 ? 1 : secs);
		my->session[n++] = my->lock_wait;
	}
	my->session[n] = NULL;
	my->pending = my->session;
}

int
my_settle(struct mydb *my, struct err *e)
{
	const char *const *p = my->pending;
	int rc;

	my->pending = NULL;
	for (; p && *p; p++)
		if ((rc = db_exec(&my->base, *p, e)) < 0)
			return rc;
	return 0;
}

/*
 * A login the server refused: access denied (1044, 1045, 1698), no such
 * database (1049), a missing privilege (1142, 1227), a host not allowed or
 * blocked (1129, 1130), an account locked (MySQL 3118, MariaDB 4151) or
 * whose password must change (1862). Not 1040/1203 (too many
 * connections), 2002/2003/2005 (no server, no host), 2013 (lost while
 * connecting): those may pass.
 */
static bool
my_refused(unsigned int no)
{
	static const unsigned int refused[] = { 1044, 1045, 1049, 1129, 1130,
						1142, 1227, 1698, 1862, 3118,
						4151 };
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (refused[i] == no)
			return true;
	return false;
}

static int
my_connect_error(const struct target *t, const char *where, MYSQL *conn,
		 struct err *e)
{
	struct buf reason = BUF_INIT;
	int code = conn && my_refused(mysql_errno(conn)) ? ERR_REFUSED
						       : ERR_CONNECT;

	buf_adds(&reason, conn ? mysql_error(conn) : "out of memory");
	driver_redact(&reason, t);
	err_clear(e);
	err_set(e, code, "cannot connect to mysql at %s: %s", where,
		reason.ptr);
	if (conn) {
		e->native = (long)mysql_errno(conn);
		driver_copy_field(e->sqlstate, sizeof(e->sqlstate),
			   mysql_sqlstate(conn));
	}
	buf_release(&reason);
	return code;
}

/*
 * Connector/C 3.3 enforces TLS only together with certificate checks: with
 * ssl_mode=required alone it quietly talks plain text to a server without
 * TLS. Whatever the library version, required means required.
 */
static int
my_check_tls(MYSQL *conn, const struct target *t, const char *where,
	     struct err *e)
{
	const char *mode = target_param(t, "ssl_mode");

	if (!mode || strcasecmp(mode, "disabled") == 0 ||
	    mysql_get_ssl_cipher(conn) != NULL)
		return 0;
	err_clear(e);
	return err_set(e, ERR_CONNECT,
		       "cannot connect to mysql at %s: TLS is required "
		       "(ssl_mode=%s) but the connection is not encrypted",
		       where, mode);
}

/* Connector/C leaves its socket inheritable: no exec'd program gets it. */
static void
my_cloexec(MYSQL *conn)
{
#ifdef HAVE_MYSQL_GET_SOCKET
	int fd = (int)mysql_get_socket(conn);

	if (fd >= 0)
		fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
#else
	(void)conn;
#endif
}

/* A new connection to db (NULL: none) into my->conn. */
static int
my_open(struct mydb *my, const struct target *t, const char *db,
	const char *where, struct err *e)
{
	int rc;

	if (!(my->conn = mysql_init(NULL)))
		return my_connect_error(t, where, NULL, e);
	if ((rc = my_options(my->conn, t, e)) < 0)
		return rc;
	if (!mysql_real_connect(my->conn, t->unix_socket ? NULL : t->host,
				t->username, t->password, db,
				(unsigned int)t->port, t->unix_socket,
				CLIENT_MULTI_STATEMENTS))
		return my_connect_error(t, where, my->conn, e);
	my_cloexec(my->conn);
	return 0;
}

/* ER_LOCK_WAIT_TIMEOUT: a table's metadata lock, or a row's. */
static bool
my_lock_timed_out(const struct err *e)
{
	return e->native == ER_LOCK_WAIT_TIMEOUT;
}

/*
 * Who holds a lock: MariaDB's metadata_lock_info plugin says on which
 * table; without it, the sessions with an open transaction, the oldest
 * first, are what the server can tell.
 */
static int
my_lock_holders(struct db *db, struct db_rows **out, struct err *e)
{
	if (db_query(db,
		     "SELECT m.TABLE_NAME, CAST(p.ID AS CHAR), p.INFO"
		     " FROM information_schema.METADATA_LOCK_INFO m"
		     " JOIN information_schema.PROCESSLIST p"
		     " ON p.ID = m.THREAD_ID"
		     " WHERE m.THREAD_ID <> CONNECTION_ID()"
		     " AND m.TABLE_SCHEMA = DATABASE() AND m.TABLE_NAME <> ''"
		     " ORDER BY p.TIME DESC",
		     NULL, 0, out, &(struct err){ 0 }) == 0)
		return 0;
	return db_query(db,
			"SELECT NULL, CAST(t.trx_mysql_thread_id AS CHAR),"
			" COALESCE(p.INFO, t.trx_query)"
			" FROM information_schema.INNODB_TRX t"
			" LEFT JOIN information_schema.PROCESSLIST p"
			" ON p.ID = t.trx_mysql_thread_id"
			" WHERE t.trx_mysql_thread_id <> CONNECTION_ID()"
			" ORDER BY t.trx_started",
			NULL, 0, out, e);
}

static int
my_connect(const struct target *t, bool readonly, struct db **out,
	   struct err *e)
{
	struct mydb *my = xcalloc(1, sizeof(*my));
	struct buf where = BUF_INIT, lock = BUF_INIT;
	int rc;

	*out = NULL;
	my_where(t, &where);
	my->base.drv = &driver_mysql;
	my->base.target = t;
	my->base.debug = t->debug;
	my->base.readonly = readonly;
	rc = my_open(my, t, my_db(t), where.ptr, e);
	/* A schema the target may create: connect to none, create it under
	 * the lock (create_schema). */
	if (rc < 0 && t->schema && t->create_schema &&
	    e->native == ER_BAD_DB_ERROR) {
		mysql_close(my->conn);
		my->base.schema_missing = true;
		rc = my_open(my, t, NULL, where.ptr, e);
	}
	if (rc < 0 || (rc = my_check_tls(my->conn, t, where.ptr, e)) < 0)
		goto out;
	my->where = buf_detach(&where);
	/* The database of the URL is the one selected at connect. */
	if (my_db(t) != NULL && my_db(t)[0] != '\0')
		my->base.schema = xstrdup(my_db(t));
	mysql_lock_name(my_db(t), &lock);
	my->lockname = buf_detach(&lock);
	my_session(my, readonly);
	*out = &my->base;
	my = NULL;
out:
	if (my) {
		mysql_close(my->conn);
		free(my->where);
		free(my->lockname);
		free(my->base.schema);
		free(my);
	}
	buf_release(&where);
	return rc;
}

static void
my_close(struct db *db)
{
	struct mydb *my;

	if (!db)
		return;
	my = my_of(db);
	mysql_close(my->conn);
	free(my->where);
	free(my->lockname);
	free(my->base.schema);
	free(my);
}

/* ---- statements ---- */

static void my_quote_ident(const char *ident, struct buf *out);

/* What sql, which just ran, did to the session (see session_reset). */
void
my_note_session(struct mydb *my, const char *sql)
{
	switch (mystmt_session_kind(sql)) {
	case MYSTMT_USE:
		my->used = true;
		break;
	case MYSTMT_SET:
		/* SET NAMES, CHARACTER SET, character_set_*, collation_*:
		 * the bookkeeping's text must go as utf8mb4 again. */
		if (strcasestr(sql, "names") || strcasestr(sql, "char") ||
		    strcasestr(sql, "collation"))
			my->set = true;
		break;
	case MYSTMT_LOCK:
		my->tables_locked = true;
		break;
	case MYSTMT_UNLOCK:
	case MYSTMT_BEGIN:
		my->tables_locked = false;
		break;
	case MYSTMT_OTHER:
		break;
	}
}

/* One statement as written. Result sets (a SELECT or a CALL in a migration)
 * are read and dropped so the connection is ready for the next command. */
static int
my_exec(struct db *db, const char *sql, struct err *e)
{
	struct mydb *my = my_of(db);
	MYSQL_RES *res;
	int more, rc;

	if (my->pending && (rc = my_settle(my, e)) < 0)
		return rc;
	if (mysql_real_query(my->conn, sql, strlen(sql)))
		return my_fail(my, e);
	my_note_session(my, sql);
	do {
		res = mysql_store_result(my->conn);
		if (res)
			mysql_free_result(res);
		else if (mysql_field_count(my->conn) > 0)
			return my_fail(my, e);
		more = mysql_next_result(my->conn);
		if (more > 0)
			return my_fail(my, e);
	} while (more == 0);
	return 0;
}

static int
my_begin(struct db *db, struct err *e)
{
	int rc;

	/* Off until commit or rollback: after an implicit commit the next
	 * statements must still wait for commit (see mysql.h). */
	if ((rc = db_exec(db, "SET autocommit = 0", e)) < 0)
		return rc;
	return db_exec(db, "START TRANSACTION", e);
}

/* The transaction ends first: switching autocommit back on would commit. */
static int
my_end(struct db *db, const char *how, struct err *e)
{
	int rc;

	if ((rc = db_exec(db, how, e)) < 0)
		return rc;
	return db_exec(db, "SET autocommit = 1", e);
}

static int
my_commit(struct db *db, struct err *e)
{
	return my_end(db, "COMMIT", e);
}

static int
my_rollback(struct db *db, struct err *e)
{
	return my_end(db, "ROLLBACK", e);
}

/* ---- the migration lock ---- */

/* GET_LOCK without waiting: see driver.lock_sql. */
static const char *
my_lock_sql(struct db *db, struct db_param *p, size_t *np)
{
	p[0] = DBP_TEXTV(my_of(db)->lockname);
	p[1] = DBP_INTV(0);
	*np = 2;
	return "SELECT GET_LOCK(?, ?)";
}

/* GET_LOCK waits on the server side, so no polling here. */
static int
my_lock(struct db *db, int timeout, struct err *e)
{
	struct mydb *my = my_of(db);
	struct db_param p[2] = { DBP_TEXTV(my->lockname),
				 DBP_INTV(timeout > 0 ? timeout : 0) };
	char *got, *holder = NULL;
	int rc;

	rc = driver_query_one(&my->base, "SELECT GET_LOCK(?, ?)", p, 2, &got,
			      e);
	if (rc < 0)
		return rc;
	if (got && strcmp(got, "1") == 0) {
		free(got);
		return 0;
	}
	if (!got) {
		/* NULL: an error such as running out of memory on the server */
		return err_set(e, ERR_LOCK, "GET_LOCK('%s') failed on mysql "
					    "database %s",
			       my->lockname, my->where);
	}
	free(got);
	driver_query_one(&my->base, "SELECT IS_USED_LOCK(?)", p, 1, &holder, e);
	err_clear(e);
	err_set(e, ERR_LOCK,
		"lock '%s' on mysql database %s is held by another session "
		"(%s%s%swaited %d s)",
		my->lockname, my->where, holder ? "connection id " : "",
		holder ? holder : "", holder ? ", " : "", timeout);
	free(holder);
	return ERR_LOCK;
}

static int
my_unlock(struct db *db, struct err *e)
{
	struct mydb *my = my_of(db);
	struct db_param p = DBP_TEXTV(my->lockname);
	char *ok;
	int rc;

	rc = driver_query_one(&my->base, "SELECT RELEASE_LOCK(?)", &p, 1, &ok,
			      e);
	if (rc < 0)
		return rc;
	if (!ok || strcmp(ok, "1") != 0)
		rc = err_set(e, ERR_LOCK,
			     "lock '%s' on mysql database %s was not held by "
			     "this session",
			     my->lockname, my->where);
	free(ok);
	return rc;
}

/* MySQL's latin1 is Windows-1252; utf8 is utf8mb3 (no 4-byte character). */
static enum textfit_rep
my_rep(const char *charset)
{
	if (strcasecmp(charset, "utf8mb4") == 0)
		return TEXTFIT_UNICODE;
	if (strcasecmp(charset, "utf8") == 0 ||
	    strcasecmp(charset, "utf8mb3") == 0)
		return TEXTFIT_BMP;
	if (strcasecmp(charset, "latin1") == 0)
		return TEXTFIT_CP1252;
	if (strcasecmp(charset, "binary") == 0)
		return TEXTFIT_BYTES;
	return TEXTFIT_ASCII;
}

static const char my_columns_sql[] =
    "SELECT column_name, character_set_name, character_maximum_length,"
    " character_octet_length FROM information_schema.columns"
    " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position";

/*
 * Put back what the migration changed of what the bookkeeping and the
 * next migration rely on: no LOCK TABLES (UNLOCK TABLES commits like
 * LOCK TABLES did), the database of the URL, utf8mb4. Other session
 * variables (sql_mode, ...) stay as the migration set them, as in the
 * Python tool: MySQL has no RESET, and COM_RESET_CONNECTION would drop
 * GET_LOCK, the migration lock.
 */
static int
my_session_reset(struct db *db, struct err *e)
{
	struct mydb *my = my_of(db);
	struct buf sql = BUF_INIT;
	int rc = 0;

	if (my->tables_locked && (rc = db_exec(db, "UNLOCK TABLES", e)) < 0)
		goto out;
	if (my->used && db->schema != NULL) {
		buf_adds(&sql, "USE ");
		my_quote_ident(db->schema, &sql);
		if ((rc = db_exec(db, sql.ptr, e)) < 0)
			goto out;
	}
	my->used = false;
	if (my->set) {
		db_trace(db, "SET NAMES utf8mb4");
		if (mysql_set_character_set(my->conn, "utf8mb4")) {
			rc = my_fail(my, e);
			goto out;
		}
		my->set = false;
	}
out:
	buf_release(&sql);
	return rc;
}

/* connect found the schema missing and opened no database: make it. */
static int
my_create_schema(struct db *db, struct err *e)
{
	struct buf sql = BUF_INIT;
	int rc;

	buf_adds(&sql, "CREATE DATABASE IF NOT EXISTS ");
	my_quote_ident(db->schema, &sql);
	if ((rc = db_exec(db, sql.ptr, e)) == 0) {
		buf_reset(&sql);
		buf_adds(&sql, "USE ");
		my_quote_ident(db->schema, &sql);
		rc = db_exec(db, sql.ptr, e);
		my_of(db)->used = false; /* the database of connect, now */
	}
	buf_release(&sql);
	return rc;
}

static bool
my_tables_locked(const struct db *db)
{
	return ((const struct mydb *)db)->tables_locked;
}

static void
my_quote_ident(const char *ident, struct buf *out)
{
	driver_quote_ident(ident, '`', out);
}

/* As the server spells it: "10.11.19-MariaDB-0+deb12u1" says which one. */
static int
my_server_version(struct db *db, struct buf *out, struct err *e)
{
	const char *v = mysql_get_server_info(my_of(db)->conn);

	if (!v)
		return my_fail(my_of(db), e);
	buf_adds(out, v);
	return 0;
}

/* mysql_init would do it in every worker; it is not thread-safe either. */
static void
my_init(void)
{
	mysql_library_init(0, NULL, NULL);
}

const struct driver driver_mysql = {
	.name = "mysql",
	.url_params = my_url_params,
	.transactional_ddl = false,
	.type_int64 = "BIGINT",
	.type_text = "LONGTEXT",
	.type_string = "VARCHAR(255)",
	/* Whatever the server's default: a bookkeeping row holds any text.
	 * A binary collation compares uuids byte for byte, as elsewhere. */
	.table_options = " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	.connect = my_connect,
	.close = my_close,
	.lock = my_lock,
	.unlock = my_unlock,
	.lock_sql = my_lock_sql,
	.begin = my_begin,
	.commit = my_commit,
	.rollback = my_rollback,
	.exec = my_exec,
	.query = my_query,
	.columns = driver_describe,
	.columns_sql = my_columns_sql,
	.columns_rep = my_rep,
	.quote_ident = my_quote_ident,
	.server_version = my_server_version,
	.commits_implicitly = mystmt_commits_implicitly,
	.transactional = mystmt_transactional,
	.session_reset = my_session_reset,
	.tables_locked = my_tables_locked,
	.session_statement = mystmt_session_statement,
	.batch = my_batch,
	.create_schema = my_create_schema,
	.lock_timed_out = my_lock_timed_out,
	.lock_holders = my_lock_holders,
	.effect_known = myeffect_known,
	.stmt_effect = myeffect_query,
	.init = my_init,
};
