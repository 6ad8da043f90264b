#include "proctree.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Depth-first over /proc/PID/task/TID/children, killing on the way down so
 * that a parent stops forking before its children are looked at. */
static void kill_tree(pid_t pid, int depth)
{
	char dir[64];
	if (depth > 4096)
		return;
	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[320];
		snprintf(path, sizeof(path), "/proc/%d/task/%s/children", pid, e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		int child;
		while (fscanf(f, "%d", &child) == 1) {
			kill(child, SIGKILL);
			kill_tree(child, depth + 1);
		}
		fclose(f);
	}
	closedir(d);
}

void cb_kill_descendants(void)
{
	for (;;) {
		kill_tree(getpid(), 0);
		int reaped = 0;
		pid_t r;
		while ((r = waitpid(-1, NULL, WNOHANG | __WALL)) > 0)
			reaped++;
		if (r < 0 && errno == ECHILD)
			return;
		if (!reaped) {
			/* Killed children still exiting; orphans on their way to us. */
			struct timespec ms = { 0, 1000000 };
			nanosleep(&ms, NULL);
		}
	}
}
