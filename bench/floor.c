/*
 * The floor of the fleet benchmarks: the work the databases themselves must
 * do, from one minimal loop in C with no tool around it. Run by hand through
 * bench/run.sh; built there with gcc and pkg-config, not by automake.
 *
 *   floor -e sqlite|postgres|mysql -t TARGETS -m PLAN [-j P] [--check]
 *         [--pipeline migration|target]
 *         [-H host] [-P port] [-u user] [-w password]
 *
 * TARGETS holds one target a line: a SQLite file path, or a database name on
 * the server given by -H/-P/-u/-w. PLAN holds one migration a line, fields
 * separated by tabs: uuid, timestamp, file name, description, then the
 * migration's statements (bench/run.sh writes it next to the migration files
 * it gives migratore and dbmate, from the same generator).
 *
 * Per target, upgrade mode (the default) does what any migration tool must:
 * connect; create the bookkeeping table (migratore's 20 columns and 3
 * indexes, in one transaction); then for each migration BEGIN, its
 * statements, one INSERT of the bookkeeping row with bound values, COMMIT.
 * --check is the floor of a run with nothing pending: connect, read the
 * bookkeeping rows, disconnect.
 *
 * --pipeline is the pipelined floor: the same statements and rows with the
 * fewest round trips the protocols allow (the latency bench's physical
 * limit). PostgreSQL: libpq pipeline mode, the extended protocol, one Sync
 * per pipeline. MariaDB: CLIENT_MULTI_STATEMENTS, one batch of statements
 * separated by ';' per pipeline, its results read one by one; the
 * bookkeeping row goes in as literals escaped by mysql_real_escape_string
 * (a batch cannot carry bound values). "migration": the bookkeeping table
 * (and on PostgreSQL the prepared insert) is one pipeline, then each
 * migration (BEGIN, statements, row, COMMIT) one more: one round trip per
 * migration. "target": everything from the table to the last COMMIT in one
 * pipeline: one round trip per target, which a tool that must see a
 * migration's outcome before it starts the next cannot do.
 *
 * P worker processes (fork) take targets from a shared counter, as a
 * coordinator that starts a target whenever a slot is free would. Durability
 * is left at each engine's defaults, as migratore leaves it: SQLite's
 * journal mode as the file has it (a new file: DELETE) and synchronous=FULL,
 * the servers' own settings.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <mysql.h>
#include <sqlite3.h>

#include "floor.h"

/* The bookkeeping columns' names, in migratore's order (worker/ledger.c). */
static const char *const col_names[NCOLS] = {
	"object_id", "uuid", "timestamp", "name", "description", "result",
	"error", "traceback", "operator", "operation", "start", "end",
	"duration", "start_s", "end_s", "checksum", "statement", "committed",
	"run_id", "host"
};
const char col_types[NCOLS + 1] = "isisttttssiiisssiiss";

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("floor: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		die("out of memory");
	return p;
}

static char **
read_lines(const char *path, int *n)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, **v = NULL;
	size_t cap = 0;
	ssize_t len;

	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	*n = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0)
			continue;
		v = xrealloc(v, sizeof(*v) * (size_t)(*n + 1));
		v[(*n)++] = strdup(line);
	}
	free(line);
	fclose(f);
	return v;
}

static void
read_plan(const char *path, struct opts *o)
{
	char **lines = read_lines(path, &o->nmigs);
	int i;

	o->migs = calloc((size_t)o->nmigs + 1, sizeof(*o->migs));
	for (i = 0; i < o->nmigs; i++) {
		struct migration *m = &o->migs[i];
		char *save = NULL, *f[4], *s;
		int k;

		for (k = 0; k < 4; k++)
			if ((f[k] = strtok_r(k ? NULL : lines[i], "\t", &save)) == NULL)
				die("%s:%d: fewer than 4 fields", path, i + 1);
		m->uuid = f[0];
		m->timestamp = strtoll(f[1], NULL, 10);
		m->name = f[2];
		m->description = f[3];
		while ((s = strtok_r(NULL, "\t", &save)) != NULL) {
			m->stmts = xrealloc(m->stmts, sizeof(char *) * (size_t)(m->nstmts + 1));
			m->stmts[m->nstmts++] = s;
		}
	}
	free(lines); /* the strings stay: the fields point into them */
}

static const char *
col_type(enum engine e, char t)
{
	if (t == 'i')
		return e == ENG_SQLITE ? "INTEGER" : "BIGINT";
	if (t == 't')
		return e == ENG_MY ? "LONGTEXT" : "TEXT";
	return e == ENG_SQLITE ? "TEXT" : "VARCHAR(255)";
}

/* CREATE TABLE and CREATE INDEX statements of the bookkeeping table. */
void
ledger_ddl(enum engine e, char out[4][2048])
{
	static const char *const idx[3] = { "uuid", "timestamp", "result" };
	char q = e == ENG_MY ? '`' : '"';
	size_t n;
	int i;

	n = (size_t)snprintf(out[0], 2048, "CREATE TABLE %cmigratore%c (", q, q);
	for (i = 0; i < NCOLS; i++)
		n += (size_t)snprintf(out[0] + n, 2048 - n, "%s%c%s%c %s%s",
				      i ? ", " : "", q, col_names[i], q,
				      col_type(e, col_types[i]),
				      i == 0 ? " NOT NULL PRIMARY KEY" : "");
	snprintf(out[0] + n, 2048 - n, ")");
	for (i = 0; i < 3; i++)
		snprintf(out[i + 1], 2048,
			 "CREATE INDEX %cmigratore_%s_idx%c ON %cmigratore%c (%c%s%c)",
			 q, idx[i], q, q, q, q, idx[i], q);
}

/* "INSERT INTO migratore (columns...) VALUES (": returns its length. */
size_t
insert_head(enum engine e, char *out, size_t cap)
{
	char q = e == ENG_MY ? '`' : '"';
	size_t n;
	int i;

	n = (size_t)snprintf(out, cap, "INSERT INTO %cmigratore%c (", q, q);
	for (i = 0; i < NCOLS; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%c%s%c", i ? ", " : "",
				      q, col_names[i], q);
	return n + (size_t)snprintf(out + n, cap - n, ") VALUES (");
}

void
insert_sql(enum engine e, char *out, size_t cap)
{
	size_t n = insert_head(e, out, cap);
	int i;

	for (i = 0; i < NCOLS; i++) {
		if (e == ENG_PG)
			n += (size_t)snprintf(out + n, cap - n, "%s$%d", i ? ", " : "", i + 1);
		else
			n += (size_t)snprintf(out + n, cap - n, "%s?", i ? ", " : "");
	}
	snprintf(out + n, cap - n, ")");
}

void
fill_row(struct row *r, const struct migration *m, int64_t id, time_t t0,
	 time_t t1)
{
	struct tm tm;
	int i;

	for (i = 0; i < NCOLS; i++)
		r->v[i] = NULL;
#define SETI(k, x) (snprintf(r->buf[k], 64, "%" PRId64, (int64_t)(x)), r->v[k] = r->buf[k])
	SETI(0, id);
	r->v[1] = m->uuid;
	SETI(2, m->timestamp);
	r->v[3] = m->name;
	r->v[4] = m->description;
	r->v[5] = "success";
	r->v[8] = "bench";
	r->v[9] = "Run";
	SETI(10, t0);
	SETI(11, t1);
	SETI(12, t1 - t0);
	gmtime_r(&t0, &tm);
	strftime(r->buf[13], 64, "%d %b %Y %H:%M:%S", &tm);
	r->v[13] = r->buf[13];
	gmtime_r(&t1, &tm);
	strftime(r->buf[14], 64, "%d %b %Y %H:%M:%S", &tm);
	r->v[14] = r->buf[14];
	r->v[15] = "0000000000000000000000000000000000000000000000000000000000000000";
	r->v[18] = "bench-run";
	r->v[19] = "localhost";
#undef SETI
}

/* ---- SQLite ---- */

static int
sq_exec(sqlite3 *h, const char *sql, const char *target)
{
	char *msg = NULL;

	if (sqlite3_exec(h, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	fprintf(stderr, "floor: %s: %s: %s\n", target, sql, msg);
	sqlite3_free(msg);
	return -1;
}

static int
sq_check(sqlite3 *h, const char *target)
{
	sqlite3_stmt *st;
	int rc, n = 0;

	if (sqlite3_prepare_v2(h, "SELECT uuid, operation, result FROM migratore",
			       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "floor: %s: %s\n", target, sqlite3_errmsg(h));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n++;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE && n > 0 ? 0 : -1;
}

static int
sq_target(const struct opts *o, const char *path)
{
	char ddl[4][2048], ins[2048];
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	struct row row;
	int i, j, rc = -1;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		fprintf(stderr, "floor: %s: %s\n", path, sqlite3_errmsg(h));
		goto out;
	}
	sqlite3_busy_timeout(h, 60000);
	if (o->check) {
		rc = sq_check(h, path);
		goto out;
	}
	ledger_ddl(ENG_SQLITE, ddl);
	if (sq_exec(h, "BEGIN IMMEDIATE", path) < 0)
		goto out;
	for (i = 0; i < 4; i++)
		if (sq_exec(h, ddl[i], path) < 0)
			goto out;
	if (sq_exec(h, "COMMIT", path) < 0)
		goto out;
	insert_sql(ENG_SQLITE, ins, sizeof(ins));
	if (sqlite3_prepare_v2(h, ins, -1, &st, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < o->nmigs; i++) {
		const struct migration *m = &o->migs[i];
		time_t t0 = time(NULL);

		if (sq_exec(h, "BEGIN IMMEDIATE", path) < 0)
			goto out;
		for (j = 0; j < m->nstmts; j++)
			if (sq_exec(h, m->stmts[j], path) < 0)
				goto out;
		fill_row(&row, m, i + 1, t0, time(NULL));
		for (j = 0; j < NCOLS; j++) {
			if (row.v[j] == NULL)
				sqlite3_bind_null(st, j + 1);
			else if (col_types[j] == 'i')
				sqlite3_bind_int64(st, j + 1, strtoll(row.v[j], NULL, 10));
			else
				sqlite3_bind_text(st, j + 1, row.v[j], -1, SQLITE_STATIC);
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "floor: %s: insert: %s\n", path, sqlite3_errmsg(h));
			goto out;
		}
		sqlite3_reset(st);
		if (sq_exec(h, "COMMIT", path) < 0)
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close_v2(h);
	return rc;
}

/* ---- PostgreSQL ---- */

static int
pg_exec(PGconn *c, const char *sql, const char *target)
{
	PGresult *res = PQexec(c, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
		 PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "floor: %s: %s: %s", target, sql, PQerrorMessage(c));
	PQclear(res);
	return ok ? 0 : -1;
}

static int
pg_target(const struct opts *o, const char *dbname)
{
	/* A timeout on the login: a bench run never hangs on one target. */
	const char *keys[] = { "host", "port", "user", "password", "dbname",
			       "sslmode", "connect_timeout", NULL };
	const char *vals[] = { o->host, o->port, o->user, o->password, dbname,
			       "disable", "30", NULL };
	char ddl[4][2048], ins[2048];
	struct row row;
	PGconn *c = PQconnectdbParams(keys, vals, 0);
	PGresult *res;
	int i, j, rc = -1;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "floor: %s: %s", dbname, PQerrorMessage(c));
		goto out;
	}
	if (o->check) {
		res = PQexec(c, "SELECT uuid, operation, result FROM migratore");
		rc = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 ? 0 : -1;
		PQclear(res);
		goto out;
	}
	if (o->pipeline != PIPE_NONE) {
		rc = pg_pipelined(o, c, dbname);
		goto out;
	}
	ledger_ddl(ENG_PG, ddl);
	if (pg_exec(c, "BEGIN", dbname) < 0)
		goto out;
	for (i = 0; i < 4; i++)
		if (pg_exec(c, ddl[i], dbname) < 0)
			goto out;
	if (pg_exec(c, "COMMIT", dbname) < 0)
		goto out;
	insert_sql(ENG_PG, ins, sizeof(ins));
	res = PQprepare(c, "ins", ins, NCOLS, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "floor: %s: prepare: %s", dbname, PQerrorMessage(c));
		PQclear(res);
		goto out;
	}
	PQclear(res);
	for (i = 0; i < o->nmigs; i++) {
		const struct migration *m = &o->migs[i];
		time_t t0 = time(NULL);

		if (pg_exec(c, "BEGIN", dbname) < 0)
			goto out;
		for (j = 0; j < m->nstmts; j++)
			if (pg_exec(c, m->stmts[j], dbname) < 0)
				goto out;
		fill_row(&row, m, i + 1, t0, time(NULL));
		res = PQexecPrepared(c, "ins", NCOLS, row.v, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			fprintf(stderr, "floor: %s: insert: %s", dbname, PQerrorMessage(c));
			PQclear(res);
			goto out;
		}
		PQclear(res);
		if (pg_exec(c, "COMMIT", dbname) < 0)
			goto out;
	}
	rc = 0;
out:
	PQfinish(c);
	return rc;
}

/* ---- MySQL / MariaDB ---- */

static int
my_exec(MYSQL *c, const char *sql, const char *target)
{
	MYSQL_RES *res;

	if (mysql_real_query(c, sql, strlen(sql)) != 0) {
		fprintf(stderr, "floor: %s: %s: %s\n", target, sql, mysql_error(c));
		return -1;
	}
	if ((res = mysql_store_result(c)) != NULL)
		mysql_free_result(res);
	return 0;
}

static int
my_insert(MYSQL_STMT *st, const struct row *row)
{
	MYSQL_BIND b[NCOLS];
	long long ints[NCOLS];
	unsigned long lens[NCOLS];
	my_bool nulls[NCOLS];
	int j;

	memset(b, 0, sizeof(b));
	for (j = 0; j < NCOLS; j++) {
		nulls[j] = row->v[j] == NULL;
		b[j].is_null = &nulls[j];
		if (col_types[j] == 'i') {
			ints[j] = row->v[j] ? strtoll(row->v[j], NULL, 10) : 0;
			b[j].buffer_type = MYSQL_TYPE_LONGLONG;
			b[j].buffer = &ints[j];
		} else {
			lens[j] = row->v[j] ? strlen(row->v[j]) : 0;
			b[j].buffer_type = MYSQL_TYPE_STRING;
			b[j].buffer = (void *)(row->v[j] ? row->v[j] : "");
			b[j].buffer_length = lens[j];
			b[j].length = &lens[j];
		}
	}
	if (mysql_stmt_bind_param(st, b) != 0 || mysql_stmt_execute(st) != 0)
		return -1;
	return 0;
}

static int
my_target(const struct opts *o, const char *dbname)
{
	char ddl[4][2048], ins[2048];
	struct row row;
	MYSQL *c = mysql_init(NULL);
	MYSQL_STMT *st = NULL;
	MYSQL_RES *res;
	unsigned int secs = 30;
	int i, j, rc = -1;

	mysql_options(c, MYSQL_OPT_CONNECT_TIMEOUT, &secs);
	if (!mysql_real_connect(c, o->host, o->user, o->password, dbname,
				(unsigned)atoi(o->port ? o->port : "3306"), NULL,
				o->pipeline ? CLIENT_MULTI_STATEMENTS : 0)) {
		fprintf(stderr, "floor: %s: %s\n", dbname, mysql_error(c));
		goto out;
	}
	if (o->check) {
		if (mysql_query(c, "SELECT uuid, operation, result FROM migratore") == 0 &&
		    (res = mysql_store_result(c)) != NULL) {
			rc = mysql_num_rows(res) > 0 ? 0 : -1;
			mysql_free_result(res);
		}
		goto out;
	}
	if (o->pipeline != PIPE_NONE) {
		rc = my_batched(o, c, dbname);
		goto out;
	}
	/* DDL commits implicitly on MySQL: one statement, one commit, as for
	 * every tool. */
	ledger_ddl(ENG_MY, ddl);
	for (i = 0; i < 4; i++)
		if (my_exec(c, ddl[i], dbname) < 0)
			goto out;
	insert_sql(ENG_MY, ins, sizeof(ins));
	st = mysql_stmt_init(c);
	if (mysql_stmt_prepare(st, ins, strlen(ins)) != 0) {
		fprintf(stderr, "floor: %s: prepare: %s\n", dbname, mysql_stmt_error(st));
		goto out;
	}
	for (i = 0; i < o->nmigs; i++) {
		const struct migration *m = &o->migs[i];
		time_t t0 = time(NULL);

		if (my_exec(c, "BEGIN", dbname) < 0)
			goto out;
		for (j = 0; j < m->nstmts; j++)
			if (my_exec(c, m->stmts[j], dbname) < 0)
				goto out;
		fill_row(&row, m, i + 1, t0, time(NULL));
		if (my_insert(st, &row) < 0) {
			fprintf(stderr, "floor: %s: insert: %s\n", dbname, mysql_stmt_error(st));
			goto out;
		}
		if (my_exec(c, "COMMIT", dbname) < 0)
			goto out;
	}
	rc = 0;
out:
	if (st)
		mysql_stmt_close(st);
	mysql_close(c);
	return rc;
}

/* ---- workers ---- */

static int
run_target(const struct opts *o, const char *target)
{
	switch (o->engine) {
	case ENG_SQLITE:
		return sq_target(o, target);
	case ENG_PG:
		return pg_target(o, target);
	default:
		return my_target(o, target);
	}
}

/* A worker takes the next target until none is left; exits 1 if any failed. */
static int
worker(const struct opts *o, int *next)
{
	int i, failed = 0;

	if (o->engine == ENG_MY)
		mysql_thread_init();
	while ((i = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED)) < o->ntargets)
		if (run_target(o, o->targets[i]) < 0)
			failed = 1;
	return failed;
}

static void
usage(void)
{
	fputs("usage: floor -e sqlite|postgres|mysql -t TARGETS -m PLAN [-j P] "
	      "[--check] [--pipeline migration|target] [-H host] [-P port] "
	      "[-u user] [-w password]\n", stderr);
	exit(2);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "pipeline", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char *targets = NULL, *plan = NULL;
	int ch;

	memset(o, 0, sizeof(*o));
	o->jobs = 1;
	while ((ch = getopt_long(argc, argv, "e:t:m:j:H:P:u:w:", lopts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			if (!strcmp(optarg, "sqlite"))
				o->engine = ENG_SQLITE;
			else if (!strcmp(optarg, "postgres"))
				o->engine = ENG_PG;
			else if (!strcmp(optarg, "mysql"))
				o->engine = ENG_MY;
			else
				usage();
			break;
		case 't': targets = optarg; break;
		case 'm': plan = optarg; break;
		case 'j': o->jobs = atoi(optarg); break;
		case 'H': o->host = optarg; break;
		case 'P': o->port = optarg; break;
		case 'u': o->user = optarg; break;
		case 'w': o->password = optarg; break;
		case 'c': o->check = true; break;
		case 'p':
			if (!strcmp(optarg, "migration"))
				o->pipeline = PIPE_MIGRATION;
			else if (!strcmp(optarg, "target"))
				o->pipeline = PIPE_TARGET;
			else
				usage();
			break;
		default: usage();
		}
	}
	if (targets == NULL || (plan == NULL && !o->check) || o->jobs < 1 ||
	    (o->pipeline != PIPE_NONE && o->engine == ENG_SQLITE))
		usage();
	o->targets = read_lines(targets, &o->ntargets);
	if (plan)
		read_plan(plan, o);
}

int
main(int argc, char **argv)
{
	struct opts o;
	int *next, i, status, failed = 0;

	parse_args(argc, argv, &o);
	if (o.engine == ENG_MY && mysql_library_init(0, NULL, NULL) != 0)
		die("mysql_library_init failed");
	next = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (next == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	*next = 0;
	fflush(NULL);
	for (i = 0; i < o.jobs; i++) {
		pid_t p = fork();

		if (p < 0)
			die("fork: %s", strerror(errno));
		if (p == 0)
			_exit(worker(&o, next));
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed = 1;
	return failed;
}
