/*
 * rss: run a command, print its wall time and the peak resident memory of
 * the coordinator (the command's own process) and of its largest worker.
 *
 *   rss OUTFILE command [args...]
 *
 * appends one line to OUTFILE:
 *   wall_s=W coord_kb=C workers_kb=K tree_kb=T status=S
 *   [worker_hwm_kb=H worker_priv_kb=V nworkers=N]
 *
 * How the two peaks are told apart: the kernel's maxrss of a waited-for
 * child (wait4) is max(the child, everything it reaped), which mixes the
 * coordinator with its workers. So the command runs with bench/rsshook.so
 * preloaded; its destructor runs in the exec'd process when it exits
 * normally and writes getrusage(RUSAGE_SELF) (the coordinator alone) and
 * getrusage(RUSAGE_CHILDREN) (the largest child it reaped: a worker) to a
 * file. Forked workers leave with _exit and write nothing; exec'd helpers
 * have another pid and are ignored. When the hook could not report (a
 * statically linked command, death by signal), coord_kb and workers_kb are
 * -1 and only tree_kb, the whole tree's peak, is known.
 *
 * With RSSHOOK_WORKERS set in the environment, the hook also records each
 * forked worker's peak and private memory when it calls _exit (see
 * rsshook.c); the largest of each is reported.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	char hook[PATH_MAX], tmp[] = "/tmp/rsshook.XXXXXX", pidbuf[32];
	char *slash, *pre;
	char wpath[sizeof(tmp) + 16];
	long coord = -1, workers = -1, h, v, hwm = -1, priv = -1, nw = 0;
	struct rusage ru;
	double t0, t1;
	int status, fd;
	pid_t p;
	FILE *f;

	if (argc < 3) {
		fputs("usage: rss OUTFILE command [args...]\n", stderr);
		return 2;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		perror("rss: mkstemp");
		return 2;
	}
	close(fd);
	/* The hook sits next to this program. */
	if (readlink("/proc/self/exe", hook, sizeof(hook) - 16) < 0) {
		perror("rss: /proc/self/exe");
		return 2;
	}
	hook[sizeof(hook) - 16] = '\0';
	slash = strrchr(hook, '/');
	snprintf(slash + 1, 16, "rsshook.so");
	t0 = now();
	p = fork();
	if (p < 0) {
		perror("rss: fork");
		return 2;
	}
	if (p == 0) {
		pre = getenv("LD_PRELOAD");
		if (pre && *pre) {
			char *both;

			if (asprintf(&both, "%s:%s", hook, pre) < 0)
				_exit(127);
			setenv("LD_PRELOAD", both, 1);
		} else
			setenv("LD_PRELOAD", hook, 1);
		snprintf(pidbuf, sizeof(pidbuf), "%ld", (long)getpid());
		setenv("RSSHOOK_PID", pidbuf, 1);
		setenv("RSSHOOK_OUT", tmp, 1);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "rss: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(p, &status, 0, &ru) < 0 && errno == EINTR)
		;
	t1 = now();
	if ((f = fopen(tmp, "r")) != NULL) {
		if (fscanf(f, "%ld %ld", &coord, &workers) != 2)
			coord = workers = -1;
		fclose(f);
	}
	unlink(tmp);
	snprintf(wpath, sizeof(wpath), "%s.workers", tmp);
	if ((f = fopen(wpath, "r")) != NULL) {
		while (fscanf(f, "%ld %ld", &h, &v) == 2) {
			hwm = h > hwm ? h : hwm;
			priv = v > priv ? v : priv;
			nw++;
		}
		fclose(f);
		unlink(wpath);
	}
	if ((f = fopen(argv[1], "a")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	fprintf(f, "wall_s=%.6f coord_kb=%ld workers_kb=%ld tree_kb=%ld status=%d",
		t1 - t0, coord, workers, ru.ru_maxrss,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (nw > 0)
		fprintf(f, " worker_hwm_kb=%ld worker_priv_kb=%ld nworkers=%ld",
			hwm, priv, nw);
	fputc('\n', f);
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
