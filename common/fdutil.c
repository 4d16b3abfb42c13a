/* Closing what a child must not inherit; see fdutil.h. */
#include "config.h"

#include "common/fdutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/banned.h"

void
fdutil_close_from(int lowfd)
{
#ifdef HAVE_CLOSEFROM
	closefrom(lowfd);
#else
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	long fd, max;

	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			fd = strtol(de->d_name, NULL, 10);
			if (de->d_name[0] != '.' && fd >= lowfd && fd != dirfd(d))
				close((int)fd);
		}
		closedir(d);
		return;
	}
	max = sysconf(_SC_OPEN_MAX);
	for (fd = lowfd; fd < (max > 0 ? max : 1024); fd++)
		close((int)fd);
#endif
}
