/*
 * The command line of tests/tools/netproxy (its header comment and
 * tests/tools/README.md describe the options). proxyopts_parse fills a
 * struct proxyopts that owns its MATCH strings; proxyopts_release frees
 * them. Every other field points into argv or is a number.
 */
#ifndef MIG_TESTS_PROXYOPTS_H
#define MIG_TESTS_PROXYOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A direction, named by its source; the proxy indexes a connection's two
 * sockets alike: [C2S] is the client's, [S2C] the server's. */
enum side { C2S, S2C };

/* The two MATCH faults, the index of proxyopts.match. */
enum { M_BEFORE, M_AFTER };

struct proxyopts {
	int listen_port; /* 0: an ephemeral port */
	int to_port;     /* 0 with to_unix or blackhole only */
	const char *to_unix, *port_file, *stats;
	double delay;           /* seconds, one way */
	long long cut_bytes[2]; /* per side; -1: off */
	char *match[2];         /* --cut-before, --cut-after; NULL: off */
	size_t match_len[2];
	unsigned conn; /* the faulty connection; 0: every one */
	bool blackhole, rst;
};

/* 0, 1 when --help was asked for, -1 on a usage error (said on stderr). */
int proxyopts_parse(struct proxyopts *o, int argc, char **argv);
void proxyopts_usage(FILE *to);
void proxyopts_release(struct proxyopts *o);

#endif
