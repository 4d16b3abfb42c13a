/* The command line of tests/tools/netproxy; see proxyopts.h. */
#include "config.h"

#include "tests/tools/proxyopts.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common/xmalloc.h"

#include "common/banned.h"

void
proxyopts_usage(FILE *to)
{
	fputs(
	    "usage: netproxy [--listen [127.0.0.1:]PORT] [--port-file FILE]\n"
	    "                (--to [127.0.0.1:]PORT | --to-unix PATH | "
	    "--blackhole)\n"
	    "                [--delay MS] [--stats FILE] [--conn N] [--rst]\n"
	    "                [--cut-after-bytes N] [--cut-s2c-after-bytes N]\n"
	    "                [--cut-before MATCH] [--cut-after MATCH]\n"
	    "Listens on 127.0.0.1 and forwards to 127.0.0.1 only; see "
	    "tests/tools/README.md.\n",
	    to);
}

static int
bad(const char *what, const char *arg)
{
	fprintf(stderr, "netproxy: %s: %s\n", what, arg);
	return -1;
}

static int
parse_num(const char *arg, long long max, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || *out < 0 || *out > max)
		return bad("not a number in range", arg);
	return 0;
}

/* [127.0.0.1:]PORT; any other host is refused. */
static int
parse_port(const char *arg, int *port)
{
	const char *colon = strrchr(arg, ':');
	long long v;

	if (colon) {
		if ((size_t)(colon - arg) != strlen("127.0.0.1") ||
		    strncmp(arg, "127.0.0.1", strlen("127.0.0.1")) != 0)
			return bad("only 127.0.0.1 is allowed", arg);
		arg = colon + 1;
	}
	if (parse_num(arg, 65535, &v) < 0)
		return -1;
	*port = (int)v;
	return 0;
}

static int
parse_delay(const char *arg, double *out)
{
	char *end;
	double ms;

	errno = 0;
	ms = strtod(arg, &end);
	if (errno || end == arg || *end || !(ms >= 0 && ms <= 3600e3))
		return bad("not a delay in milliseconds", arg);
	*out = ms / 1000.0;
	return 0;
}

/* One escape of MATCH at p (after the backslash): the byte it stands for,
 * -1 if none; *used is how many characters of p it took. */
static int
unescape(const char *p, size_t *used)
{
	/* to[4] is the terminating NUL: "\\0" stands for it. */
	static const char from[] = "\\nrt0", to[] = "\\\n\r\t";
	const char *hit = *p ? strchr(from, *p) : NULL;
	char hex[3] = {0};

	*used = 1;
	if (hit)
		return (unsigned char)to[hit - from];
	if (*p == 'x' && isxdigit((unsigned char)p[1]) &&
	    isxdigit((unsigned char)p[2])) {
		memcpy(hex, p + 1, 2);
		*used = 3;
		return (int)strtol(hex, NULL, 16);
	}
	return -1;
}

/* MATCH with its escapes resolved: \\ \n \r \t \0 \xHH. */
static int
parse_match(const char *arg, char **out, size_t *len)
{
	char *m = xmalloc(strlen(arg) + 1);
	const char *p;
	size_t n = 0, used;
	int ch;

	for (p = arg; *p; p++) {
		if (*p != '\\') {
			m[n++] = *p;
			continue;
		}
		if ((ch = unescape(p + 1, &used)) < 0) {
			free(m);
			return bad("bad escape in MATCH", arg);
		}
		m[n++] = (char)ch;
		p += used;
	}
	if (n == 0 || n > 256) {
		free(m);
		return bad("MATCH must hold 1 to 256 bytes", arg);
	}
	free(*out);
	*out = m;
	*len = n;
	return 0;
}

static const struct option long_opts[] = {
    {"listen", required_argument, NULL, 'l'},
    {"port-file", required_argument, NULL, 'p'},
    {"to", required_argument, NULL, 't'},
    {"to-unix", required_argument, NULL, 'u'},
    {"blackhole", no_argument, NULL, 'b'},
    {"delay", required_argument, NULL, 'd'},
    {"stats", required_argument, NULL, 's'},
    {"conn", required_argument, NULL, 'n'},
    {"rst", no_argument, NULL, 'r'},
    {"cut-after-bytes", required_argument, NULL, 'A'},
    {"cut-s2c-after-bytes", required_argument, NULL, 'S'},
    {"cut-before", required_argument, NULL, 'B'},
    {"cut-after", required_argument, NULL, 'C'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int
opts_one(struct proxyopts *o, int ch, const char *arg)
{
	long long v;

	switch (ch) {
	case 'l':
		return parse_port(arg, &o->listen_port);
	case 'p':
		o->port_file = arg;
		return 0;
	case 't':
		if (parse_port(arg, &o->to_port) < 0)
			return -1;
		return o->to_port ? 0 : bad("--to wants a port from 1", arg);
	case 'u':
		if (strlen(arg) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return bad("socket path too long", arg);
		o->to_unix = arg;
		return 0;
	case 'b':
		o->blackhole = true;
		return 0;
	case 'd':
		return parse_delay(arg, &o->delay);
	case 's':
		o->stats = arg;
		return 0;
	case 'n':
		if (parse_num(arg, 1000000000, &v) < 0 || v == 0)
			return bad("--conn wants a number from 1", arg);
		o->conn = (unsigned)v;
		return 0;
	case 'r':
		o->rst = true;
		return 0;
	case 'A':
		return parse_num(arg, LLONG_MAX, &o->cut_bytes[C2S]);
	case 'S':
		return parse_num(arg, LLONG_MAX, &o->cut_bytes[S2C]);
	case 'B':
		return parse_match(arg, &o->match[M_BEFORE],
				   &o->match_len[M_BEFORE]);
	case 'C':
		return parse_match(arg, &o->match[M_AFTER],
				   &o->match_len[M_AFTER]);
	}
	return -1;
}

int
proxyopts_parse(struct proxyopts *o, int argc, char **argv)
{
	int ch;

	o->cut_bytes[C2S] = o->cut_bytes[S2C] = -1;
	while ((ch = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (ch == 'h')
			return 1;
		if (ch == '?' || opts_one(o, ch, optarg) < 0)
			return -1;
	}
	if (optind < argc)
		return bad("unexpected argument", argv[optind]);
	if (!o->to_port && !o->to_unix && !o->blackhole) {
		fprintf(stderr, "netproxy: --to, --to-unix or --blackhole is "
				"required\n");
		return -1;
	}
	if (o->blackhole && o->conn && !o->to_port && !o->to_unix) {
		fprintf(stderr, "netproxy: --blackhole with --conn needs --to "
				"or --to-unix for the other connections\n");
		return -1;
	}
	if (o->to_port && o->to_unix) {
		fprintf(stderr, "netproxy: --to and --to-unix exclude each "
				"other\n");
		return -1;
	}
	return 0;
}

void
proxyopts_release(struct proxyopts *o)
{
	free(o->match[M_BEFORE]);
	free(o->match[M_AFTER]);
	o->match[M_BEFORE] = o->match[M_AFTER] = NULL;
}
