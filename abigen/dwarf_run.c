/* Running the compiler and readelf for the probes: no shell, so nothing in a
 * header path or $CC is ever interpreted twice. */
#include "dwarf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/cleanup.h"

extern char **environ;

const char *cb_dw_abi_flag(enum cb_arch arch)
{
	return arch == CB_ARCH_I386 ? "-m32" : "-m64";
}

static const char *tool(const char *given, const char *env, const char *dflt)
{
	if (given && *given)
		return given;
	const char *e = getenv(env);
	return e && *e ? e : dflt;
}

const char *cb_dw_cc(const struct cb_dw_tools *tools)
{
	return tool(tools ? tools->cc : NULL, "CC", "cc");
}

const char *cb_dw_readelf(const struct cb_dw_tools *tools)
{
	return tool(tools ? tools->readelf : NULL, "READELF", "readelf");
}

/* The first line of PATH that says "error" (else its first line), for a
 * one-line reason; the whole of it is left for whoever wants more. */
static void first_error(const char *path, char *out, size_t cap)
{
	out[0] = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[400];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!out[0] && line[0])
			snprintf(out, cap, "%s", line);
		if (strstr(line, "error")) {
			snprintf(out, cap, "%s", line);
			break;
		}
	}
	fclose(f);
}

int cb_dw_run(const char *cmd, const char *const *args, const char *out_path,
	      const char *err_path, struct cb_err *err)
{
	enum { MAXARGS = 64 };
	cleanup_free char *words = strdup(cmd);
	if (!words)
		return cb_fail(err, ENOMEM, "out of memory");
	char *argv[MAXARGS + 1];
	int argc = 0;
	for (char *save, *w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		if (argc < MAXARGS)
			argv[argc++] = w;
	if (argc == 0)
		return cb_fail(err, EINVAL, "empty command");
	for (int i = 0; args[i]; i++) {
		if (argc >= MAXARGS)
			return cb_fail(err, E2BIG, "%s: too many arguments", argv[0]);
		argv[argc++] = (char *)args[i];
	}
	argv[argc] = NULL;

	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err_path ? err_path : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return cb_fail(err, rc, "cannot run %s: %s", argv[0], strerror(rc));
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return cb_fail(err, errno, "waiting for %s: %s", argv[0], strerror(errno));
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	char why[512] = "";
	if (err_path)
		first_error(err_path, why, sizeof(why));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !why[0])
		return cb_fail(err, ENOENT, "%s: not found", argv[0]);
	if (WIFSIGNALED(status))
		return cb_fail(err, EIO, "%s killed by signal %d", argv[0], WTERMSIG(status));
	return cb_fail(err, EIO, "%s failed%s%s", argv[0], why[0] ? ": " : "", why);
}

int cb_dw_tmpdir(char *dir, size_t cap, struct cb_err *err)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	int n = snprintf(dir, cap, "%s/compatbox-abi-XXXXXX", base);
	if (n < 0 || (size_t)n >= cap)
		return cb_fail(err, ENAMETOOLONG, "%s: temporary directory name too long", base);
	if (!mkdtemp(dir))
		return cb_fail(err, errno, "%s: cannot make a temporary directory: %s", base,
			       strerror(errno));
	return 0;
}

void cb_dw_tmpdir_remove(const char *dir)
{
	/* Only the probes write there, and only plain files. */
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char p[PATH_MAX];
			if (snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) < (int)sizeof(p))
				unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
}
