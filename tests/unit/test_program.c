/* launch/program.c: finding the guest program and its ELF kind. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../launch/program.h"
#include "suites.h"

static char tmp[256];
static char oldcwd[PATH_MAX];
static char *oldpath;
static char out[PATH_MAX];
static struct cb_err err;

/* tmp/a/plain (0644), tmp/a/tool/ (a directory), tmp/b/plain and
 * tmp/b/only_b (0755). */
static void make_file(const char *rel, const void *data, size_t len, mode_t mode)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0); /* whatever the umask */
	close(fd);
}

static void make_dir(const char *rel)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

static const char *at(const char *rel)
{
	static char p[4][PATH_MAX];
	static int n;
	char *r = p[n++ % 4];
	snprintf(r, PATH_MAX, "%s/%s", tmp, rel);
	return r;
}

static void setup(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(tmp, sizeof(tmp), "%s/cb-unit-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	ck_assert_ptr_nonnull(getcwd(oldcwd, sizeof(oldcwd)));
	const char *p = getenv("PATH");
	oldpath = p ? strdup(p) : NULL;
	make_dir("a");
	make_dir("a/tool");
	make_dir("b");
	make_file("a/plain", "data\n", 5, 0644);
	make_file("b/plain", "#!/bin/sh\n", 10, 0755);
	make_file("b/only_b", "#!/bin/sh\n", 10, 0755);
	memset(&err, 0, sizeof(err));
	memset(out, 0, sizeof(out));
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void teardown(void)
{
	if (oldpath)
		setenv("PATH", oldpath, 1);
	else
		unsetenv("PATH");
	free(oldpath);
	oldpath = NULL;
	(void)!chdir(oldcwd);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- cb_program_resolve with a slash: no PATH search --- */

START_TEST(test_absolute_ok)
{
	ck_assert_int_eq(cb_program_resolve(at("b/only_b"), out, sizeof(out), &err), 0);
	ck_assert_str_eq(out, at("b/only_b"));
}
END_TEST

START_TEST(test_absolute_missing)
{
	char want[PATH_MAX + 64];
	ck_assert_int_eq(cb_program_resolve(at("b/missing"), out, sizeof(out), &err), -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", at("b/missing"));
	ck_assert_str_eq(err.msg, want);
	/* A file used as a directory is "not found" too, as for execvp. */
	ck_assert_int_eq(cb_program_resolve(at("b/only_b/x"), out, sizeof(out), &err), -ENOENT);
}
END_TEST

START_TEST(test_absolute_directory)
{
	char want[PATH_MAX + 64];
	ck_assert_int_eq(cb_program_resolve(at("a/tool"), out, sizeof(out), &err), -EACCES);
	snprintf(want, sizeof(want), "%s: Is a directory", at("a/tool"));
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_absolute_not_executable)
{
	char want[PATH_MAX + 64];
	ck_assert_int_eq(cb_program_resolve(at("a/plain"), out, sizeof(out), &err), -EACCES);
	snprintf(want, sizeof(want), "%s: Permission denied", at("a/plain"));
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_relative_with_slash)
{
	ck_assert_int_eq(chdir(tmp), 0);
	setenv("PATH", "/nonexistent", 1);
	ck_assert_int_eq(cb_program_resolve("b/only_b", out, sizeof(out), &err), 0);
	ck_assert_str_eq(out, "b/only_b");
	ck_assert_int_eq(cb_program_resolve("./b/plain", out, sizeof(out), &err), 0);
	ck_assert_str_eq(out, "./b/plain");
	ck_assert_int_eq(cb_program_resolve("./a/plain", out, sizeof(out), &err), -EACCES);
}
END_TEST

START_TEST(test_name_too_long)
{
	char small[8];
	ck_assert_int_eq(cb_program_resolve("/bin/sh-but-longer", small, sizeof(small), &err),
			 -ENAMETOOLONG);
	ck_assert_str_eq(err.msg, "/bin/sh-but-longer: File name too long");
}
END_TEST

START_TEST(test_empty_name)
{
	ck_assert_int_eq(cb_program_resolve("", out, sizeof(out), &err), -ENOENT);
	ck_assert_str_eq(err.msg, "'': No such file or directory");
}
END_TEST

/* --- PATH search --- */

START_TEST(test_path_search)
{
	setenv("PATH", at("b"), 1);
	ck_assert_int_eq(cb_program_resolve("only_b", out, sizeof(out), &err), 0);
	ck_assert_str_eq(out, at("b/only_b"));
}
END_TEST

START_TEST(test_path_skips_non_executable)
{
	char path[2 * PATH_MAX + 2];
	snprintf(path, sizeof(path), "%s:%s", at("a"), at("b"));
	setenv("PATH", path, 1);
	ck_assert_int_eq(cb_program_resolve("plain", out, sizeof(out), &err), 0);
	ck_assert_str_eq(out, at("b/plain"));
}
END_TEST

START_TEST(test_path_order)
{
	char path[2 * PATH_MAX + 2];
	make_file("a/both", "#!/bin/sh\n", 10, 0755);
	make_file("b/both", "#!/bin/sh\n", 10, 0755);
	snprintf(path, sizeof(path), "%s:%s", at("b"), at("a"));
	setenv("PATH", path, 1);
	ck_assert_int_eq(cb_program_resolve("both", out, sizeof(out), &err), 0);
	ck_assert_str_eq(out, at("b/both"));
	snprintf(path, sizeof(path), "%s:%s", at("a"), at("b"));
	setenv("PATH", path, 1);
	ck_assert_int_eq(cb_program_resolve("both", out, sizeof(out), &err), 0);
	ck_assert_str_eq(out, at("a/both"));
}
END_TEST

START_TEST(test_path_only_non_executable)
{
	setenv("PATH", at("a"), 1);
	ck_assert_int_eq(cb_program_resolve("plain", out, sizeof(out), &err), -EACCES);
	ck_assert_str_eq(err.msg, "plain: Permission denied");
}
END_TEST

START_TEST(test_path_directory)
{
	setenv("PATH", at("a"), 1);
	ck_assert_int_eq(cb_program_resolve("tool", out, sizeof(out), &err), -EACCES);
	ck_assert_str_eq(err.msg, "tool: Permission denied");
}
END_TEST

START_TEST(test_path_not_found)
{
	char path[2 * PATH_MAX + 2];
	snprintf(path, sizeof(path), "%s:%s:/nonexistent", at("a"), at("b"));
	setenv("PATH", path, 1);
	ck_assert_int_eq(cb_program_resolve("nothere", out, sizeof(out), &err), -ENOENT);
	ck_assert_str_eq(err.msg, "nothere: command not found in PATH");
}
END_TEST

START_TEST(test_path_empty_element_is_cwd)
{
	ck_assert_int_eq(chdir(at("b")), 0);
	char path[PATH_MAX + 2];
	snprintf(path, sizeof(path), "%s:", at("a"));
	setenv("PATH", path, 1);
	ck_assert_int_eq(cb_program_resolve("only_b", out, sizeof(out), &err), 0);
	ck_assert_str_eq(out, "./only_b");
	setenv("PATH", "", 1);
	ck_assert_int_eq(cb_program_resolve("plain", out, sizeof(out), &err), 0);
	ck_assert_str_eq(out, "./plain");
	snprintf(path, sizeof(path), ":%s", at("a"));
	setenv("PATH", path, 1);
	ck_assert_int_eq(cb_program_resolve("plain", out, sizeof(out), &err), 0);
	ck_assert_str_eq(out, "./plain");
}
END_TEST

START_TEST(test_path_unset_uses_default)
{
	unsetenv("PATH");
	ck_assert_int_eq(cb_program_resolve("sh", out, sizeof(out), &err), 0);
	ck_assert(strcmp(out, "/usr/local/bin/sh") == 0 || strcmp(out, "/usr/bin/sh") == 0 ||
		  strcmp(out, "/bin/sh") == 0);
}
END_TEST

START_TEST(test_path_candidate_too_long)
{
	char small[16]; /* too small for tmp/b/only_b */
	setenv("PATH", at("b"), 1);
	ck_assert_int_eq(cb_program_resolve("only_b", small, sizeof(small), &err), -ENOENT);
	ck_assert_str_eq(err.msg, "only_b: command not found in PATH");
}
END_TEST

/* --- cb_program_kind --- */

/* An ELF identification and header start: enough for the kind. */
static void make_elf(const char *rel, unsigned char cls, uint16_t machine, size_t len)
{
	unsigned char h[64] = { 0 };
	memcpy(h, ELFMAG, SELFMAG);
	h[EI_CLASS] = cls;
	h[EI_DATA] = ELFDATA2LSB;
	h[EI_VERSION] = EV_CURRENT;
	h[16] = ET_EXEC;
	h[18] = machine & 0xff;
	h[19] = machine >> 8;
	ck_assert_uint_le(len, sizeof(h));
	make_file(rel, h, len, 0755);
}

START_TEST(test_kind_i386)
{
	make_elf("i386", ELFCLASS32, EM_386, 52);
	ck_assert_int_eq(cb_program_kind(at("i386")), CB_EXE_I386);
}
END_TEST

START_TEST(test_kind_x86_64)
{
	make_elf("x86_64", ELFCLASS64, EM_X86_64, 64);
	ck_assert_int_eq(cb_program_kind(at("x86_64")), CB_EXE_X86_64);
}
END_TEST

START_TEST(test_kind_x32)
{
	make_elf("x32", ELFCLASS32, EM_X86_64, 52);
	ck_assert_int_eq(cb_program_kind(at("x32")), CB_EXE_X32);
}
END_TEST

START_TEST(test_kind_other_machines)
{
	make_elf("aarch64", ELFCLASS64, EM_AARCH64, 64);
	ck_assert_int_eq(cb_program_kind(at("aarch64")), CB_EXE_OTHER);
	make_elf("arm", ELFCLASS32, EM_ARM, 52);
	ck_assert_int_eq(cb_program_kind(at("arm")), CB_EXE_OTHER);
	make_elf("i386-64", ELFCLASS64, EM_386, 64);
	ck_assert_int_eq(cb_program_kind(at("i386-64")), CB_EXE_OTHER);
	make_elf("noclass", ELFCLASSNONE, EM_X86_64, 64);
	ck_assert_int_eq(cb_program_kind(at("noclass")), CB_EXE_OTHER);
}
END_TEST

START_TEST(test_kind_script)
{
	static const char script[] = "#!/bin/sh\necho hello from a script\n";
	make_file("script", script, sizeof(script) - 1, 0755);
	ck_assert_int_eq(cb_program_kind(at("script")), CB_EXE_OTHER);
}
END_TEST

START_TEST(test_kind_short_and_odd_files)
{
	/* Exactly the 20 bytes the check needs is enough... */
	make_elf("just20", ELFCLASS32, EM_386, EI_NIDENT + 4);
	ck_assert_int_eq(cb_program_kind(at("just20")), CB_EXE_I386);
	/* ...one less is not. */
	make_elf("just19", ELFCLASS32, EM_386, EI_NIDENT + 3);
	ck_assert_int_eq(cb_program_kind(at("just19")), CB_EXE_OTHER);
	make_file("empty", "", 0, 0755);
	ck_assert_int_eq(cb_program_kind(at("empty")), CB_EXE_OTHER);
	ck_assert_int_eq(cb_program_kind(at("missing")), CB_EXE_OTHER);
	ck_assert_int_eq(cb_program_kind(at("a")), CB_EXE_OTHER); /* a directory */
	/* Bad magic with an otherwise x86_64 header. */
	unsigned char h[64] = { 0x7f, 'E', 'L', 'G', ELFCLASS64, ELFDATA2LSB, EV_CURRENT };
	h[18] = EM_X86_64;
	make_file("badmagic", h, sizeof(h), 0755);
	ck_assert_int_eq(cb_program_kind(at("badmagic")), CB_EXE_OTHER);
}
END_TEST

START_TEST(test_kind_of_this_test)
{
	ck_assert_int_eq(cb_program_kind("/proc/self/exe"), CB_EXE_X86_64);
}
END_TEST

Suite *program_suite(void)
{
	Suite *s = suite_create("program");
	TCase *tc = tcase_create("resolve");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_absolute_ok);
	tcase_add_test(tc, test_absolute_missing);
	tcase_add_test(tc, test_absolute_directory);
	tcase_add_test(tc, test_absolute_not_executable);
	tcase_add_test(tc, test_relative_with_slash);
	tcase_add_test(tc, test_name_too_long);
	tcase_add_test(tc, test_empty_name);
	tcase_add_test(tc, test_path_search);
	tcase_add_test(tc, test_path_skips_non_executable);
	tcase_add_test(tc, test_path_order);
	tcase_add_test(tc, test_path_only_non_executable);
	tcase_add_test(tc, test_path_directory);
	tcase_add_test(tc, test_path_not_found);
	tcase_add_test(tc, test_path_empty_element_is_cwd);
	tcase_add_test(tc, test_path_unset_uses_default);
	tcase_add_test(tc, test_path_candidate_too_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("kind");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_kind_i386);
	tcase_add_test(tc, test_kind_x86_64);
	tcase_add_test(tc, test_kind_x32);
	tcase_add_test(tc, test_kind_other_machines);
	tcase_add_test(tc, test_kind_script);
	tcase_add_test(tc, test_kind_short_and_odd_files);
	tcase_add_test(tc, test_kind_of_this_test);
	suite_add_tcase(s, tc);
	return s;
}
