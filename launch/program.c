#include "program.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check(const char *path, struct cb_err *err, const char *shown)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return cb_fail(err, errno, "%s: %s", shown, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return cb_fail(err, EACCES, "%s: Is a directory", shown);
	if (access(path, X_OK) < 0)
		return cb_fail(err, EACCES, "%s: Permission denied", shown);
	return 0;
}

int cb_program_resolve(const char *name, char *out, size_t outlen, struct cb_err *err)
{
	if (!*name)
		return cb_fail(err, ENOENT, "'': No such file or directory");
	if (strchr(name, '/')) {
		if (strlen(name) >= outlen)
			return cb_fail(err, ENAMETOOLONG, "%s: File name too long", name);
		strcpy(out, name);
		int rc = check(out, err, name);
		return rc == -ENOENT || rc == -ENOTDIR ? -ENOENT : rc ? -EACCES : 0;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int seen_eacces = 0;
	for (const char *p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t dl = end ? (size_t)(end - p) : strlen(p);
		int n = snprintf(out, outlen, "%.*s%s%s", (int)dl, p, dl ? "/" : "./", name);
		if (n > 0 && (size_t)n < outlen) {
			struct cb_err ignore;
			int rc = check(out, &ignore, name);
			if (rc == 0)
				return 0;
			if (rc == -EACCES)
				seen_eacces = 1;
		}
		if (!end)
			break;
		p = end;
	}
	if (seen_eacces)
		return cb_fail(err, EACCES, "%s: Permission denied", name);
	return cb_fail(err, ENOENT, "%s: command not found in PATH", name);
}

enum cb_exe_kind cb_program_kind(const char *path)
{
	unsigned char h[EI_NIDENT + 4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return CB_EXE_OTHER;
	ssize_t n = read(fd, h, sizeof(h));
	close(fd);
	if (n < (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG) != 0)
		return CB_EXE_OTHER;
	/* e_machine follows e_type, both 16-bit little-endian on x86. */
	unsigned machine = h[EI_NIDENT + 2] | h[EI_NIDENT + 3] << 8;
	if (h[EI_CLASS] == ELFCLASS32 && machine == EM_386)
		return CB_EXE_I386;
	if (h[EI_CLASS] == ELFCLASS64 && machine == EM_X86_64)
		return CB_EXE_X86_64;
	if (h[EI_CLASS] == ELFCLASS32 && machine == EM_X86_64)
		return CB_EXE_X32;
	return CB_EXE_OTHER;
}
