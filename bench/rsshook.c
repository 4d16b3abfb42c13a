/*
 * Preloaded by bench/rss into the command it measures (see bench/rss.c).
 *
 * At normal exit of that one process (pid RSSHOOK_PID) it writes its own
 * peak RSS and the peak of the largest child it reaped to RSSHOOK_OUT.
 *
 * With RSSHOOK_WORKERS set, it also stands in for _exit(), which forked
 * workers call (exit() of the coordinator does not come through here): each
 * worker appends its peak RSS (VmHWM) and its private memory at that moment
 * (Private_Clean + Private_Dirty of /proc/self/smaps_rollup) to
 * RSSHOOK_OUT.workers. A forked worker's RSS counts every page it inherited
 * from the coordinator and still shares with it copy-on-write; the private
 * figure is what the worker costs on its own. Reading smaps_rollup walks
 * the page tables, a fraction of a millisecond: only for memory runs.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((destructor)) static void
rsshook_report(void)
{
	const char *pid = getenv("RSSHOOK_PID"), *out = getenv("RSSHOOK_OUT");
	struct rusage self, kids;
	char line[64];
	int fd, n;

	if (pid == NULL || out == NULL || atol(pid) != (long)getpid())
		return;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	n = snprintf(line, sizeof(line), "%ld %ld\n", self.ru_maxrss, kids.ru_maxrss);
	if ((fd = open(out, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0)
		return;
	if (write(fd, line, (size_t)n) < 0)
		n = 0;
	close(fd);
}

/* Sum of the fields of a /proc file whose names are listed, in kB. */
static long
proc_kb(const char *path, const char *const *names)
{
	char buf[4096], *p;
	long sum = 0;
	ssize_t n;
	int fd, i;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (i = 0; names[i]; i++)
		if ((p = strstr(buf, names[i])) != NULL)
			sum += strtol(p + strlen(names[i]), NULL, 10);
	return sum;
}

void _exit(int status) __attribute__((noreturn));

void
_exit(int status)
{
	static const char *const hwm[] = { "VmHWM:", NULL };
	static const char *const priv[] = { "Private_Clean:", "Private_Dirty:", NULL };
	const char *out = getenv("RSSHOOK_OUT");
	char path[4096], line[64];
	int fd, n;

	if (out && getenv("RSSHOOK_WORKERS")) {
		n = snprintf(line, sizeof(line), "%ld %ld\n",
			     proc_kb("/proc/self/status", hwm),
			     proc_kb("/proc/self/smaps_rollup", priv));
		snprintf(path, sizeof(path), "%s.workers", out);
		if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) >= 0) {
			if (write(fd, line, (size_t)n) < 0)
				n = 0;
			close(fd);
		}
	}
	for (;;)
		syscall(SYS_exit_group, status);
}
