/*
 * What bench/floor.c (the floor: options, plan, SQLite and the one statement
 * at a time loops, the workers) shares with bench/pfloor.c (the pipelined
 * floor of --pipeline). Both are one program, built by bench/run.sh.
 */
#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libpq-fe.h>
#include <mysql.h>

enum engine { ENG_SQLITE, ENG_PG, ENG_MY };

struct migration {
	char *uuid, *name, *description;
	int64_t timestamp;
	char **stmts;
	int nstmts;
};

/* --pipeline: how many round trips the statements of a target take. */
enum pipeline { PIPE_NONE, PIPE_MIGRATION, PIPE_TARGET };

struct opts {
	enum engine engine;
	enum pipeline pipeline;
	bool check;
	int jobs;
	const char *host, *port, *user, *password;
	char **targets;
	int ntargets;
	struct migration *migs;
	int nmigs;
};

/* The bookkeeping columns, in migratore's order (worker/ledger.c). */
#define NCOLS 20
/* 'i' 64-bit integer, 't' long text, 's' short string. */
extern const char col_types[NCOLS + 1];

/* The values of one bookkeeping row, as text (NULL for SQL NULL);
 * fill_row sets them, for migration m numbered id, run from t0 to t1. */
struct row {
	char buf[NCOLS][64];
	const char *v[NCOLS];
};

/* Exits 1 with "floor: " and the message on stderr. */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);
void *xrealloc(void *p, size_t n);
/* CREATE TABLE and the 3 CREATE INDEX of the bookkeeping table. */
void ledger_ddl(enum engine e, char out[4][2048]);
/* "INSERT INTO migratore (columns...) VALUES (": returns its length. */
size_t insert_head(enum engine e, char *out, size_t cap);
/* The whole INSERT with placeholders ($n or ?). */
void insert_sql(enum engine e, char *out, size_t cap);
void fill_row(struct row *r, const struct migration *m, int64_t id, time_t t0,
	      time_t t1);

/* bench/pfloor.c: a target's work, connected, as --pipeline says; 0 or -1
 * (said on stderr). */
int pg_pipelined(const struct opts *o, PGconn *c, const char *dbname);
int my_batched(const struct opts *o, MYSQL *c, const char *dbname);

#endif
