/* cli/cmd_abi.c: `compatbox abi list|show|gen`. Each test runs in
 * its own process (check forks), so stdout is redirected to a file. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../abi/abifile.h"
#include "../../abi/builtin.h"
#include "../../cli/cmd_abi.h"
#include "suites.h"

static char *run(int *status, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	char path[] = "/tmp/compatbox-cmd-abi-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	*status = cb_cmd_abi(argc, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	off_t n = lseek(fd, 0, SEEK_END);
	char *out = calloc(1, (size_t)n + 1);
	ck_assert_int_eq(pread(fd, out, (size_t)n, 0), n);
	close(fd);
	unlink(path);
	return out;
}

#define RUN(st, ...) run(st, (char *[]){ "abi", __VA_ARGS__, NULL })

START_TEST(test_show_record)
{
	int st;
	char *out = RUN(&st, "show", "stat64");
	ck_assert_int_eq(st, 0);
	ck_assert_ptr_nonnull(strstr(out, "struct stat64: i386 96 bytes, align 4; x86_64 144 bytes, align 8\n"));
	/* Same offset and size on both: no marker; different: a '*'. */
	ck_assert_ptr_nonnull(strstr(out, "\n  st_dev "));
	const char *ino = strstr(out, "\n* st_ino ");
	ck_assert_ptr_nonnull(ino);
	ck_assert_ptr_nonnull(strstr(out, "\n* st_atim          struct timespec"));
	/* Not a tty: no escape sequences. */
	ck_assert_ptr_null(strchr(out, '\033'));
	free(out);
}
END_TEST

START_TEST(test_show_ioctl_and_json)
{
	int st;
	char *out = RUN(&st, "show", "FS_IOC_GETFLAGS");
	ck_assert_int_eq(st, 0);
	ck_assert_ptr_nonnull(strstr(out, "* i386   request 0x80046601"));
	ck_assert_ptr_nonnull(strstr(out, "* x86_64 request 0x80086601"));
	free(out);
	out = RUN(&st, "show", "--json", "epoll_event");
	ck_assert_int_eq(st, 0);
	ck_assert_ptr_nonnull(strstr(out, "{\"record\":\"epoll_event\",\"union\":false,\"identical\":true,"));
	ck_assert_ptr_nonnull(strstr(out, "\"size\":{\"i386\":12,\"x86_64\":12}"));
	free(out);
	out = RUN(&st, "show", "--json", "TCGETS");
	ck_assert_ptr_nonnull(strstr(out, "\"req\":{\"i386\":\"0x5401\",\"x86_64\":\"0x5401\"},\"dir\":\"out\""));
	ck_assert_ptr_nonnull(strstr(out, "\"arg\":{\"record\":\"termios\"}"));
	ck_assert_ptr_nonnull(strstr(out, "\"written_on_failure\":false"));
	free(out);
	out = RUN(&st, "show", "DRM_IOCTL_GET_CAP");
	ck_assert_ptr_nonnull(strstr(out, "(written back on failure too)"));
	free(out);
}
END_TEST

/* Per family: sockios' requests all differ (struct ifreq holds a pointer);
 * the total is every request of the database. */
START_TEST(test_list_stats)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cb_abi_stats(&cb_abi_builtin, f), 0);
	fclose(f);
	ck_assert_msg(strstr(buf, "\nsockios           32      32      17            0              0          0\n"),
		      "%s", buf);
	/* V4L2's requests all come from the scan of videodev2.h, and each of
	 * those whose number differs is described. */
	ck_assert_msg(strstr(buf, "\nv4l2              82      18       1           82             18         18\n"),
		      "%s", buf);
	/* Every renumbered request of the scanned headers is described; the
	 * DRI1 ones, SET_UNIQUE and GETFB2 are left to the kernel. */
	ck_assert_msg(strstr(buf, "\ndrm               42      35      23          105             32         32\n"),
		      "%s", buf);
	ck_assert_msg(strstr(buf, "96 have another number on i386, 96 of those are described\n"),
		      "%s", buf);
	char want[128];
	snprintf(want, sizeof(want), "\n%d requests described, ", cb_abi_builtin.nioctls);
	ck_assert_msg(strstr(buf, want), "%s", buf);
	free(buf);
}
END_TEST

START_TEST(test_list_and_errors)
{
	int st;
	char *out = RUN(&st, "list");
	ck_assert_int_eq(st, 0);
	ck_assert_ptr_nonnull(strstr(out, "\nstruct  stat64 "));
	ck_assert_ptr_nonnull(strstr(out, "\nioctl   TIOCGPGRP "));
	ck_assert_ptr_nonnull(strstr(out, "task-tied\n"));
	free(out);
	free(RUN(&st, "show", "no_such_thing"));
	ck_assert_int_eq(st, 1);
	free(RUN(&st, "frob"));
	ck_assert_int_eq(st, 2);
	free(RUN(&st, "show"));
	ck_assert_int_eq(st, 2);
	free(RUN(&st, "list", "--abi", "/nonexistent.abi"));
	ck_assert_int_eq(st, 1);
}
END_TEST

/* The worked example of docs/abi.md. */
static const char mydev_h[] =
	"#include <linux/types.h>\n"
	"#include <linux/ioctl.h>\n"
	"struct mydev_info { __u32 a; __u64 b; long c; };\n"
	"#define MYDEV_GET _IOR('M', 1, struct mydev_info)\n";

START_TEST(test_gen_vendor_header)
{
	char dir[] = "/tmp/compatbox-mydev-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char h[64], abi[64];
	snprintf(h, sizeof(h), "%s/mydev.h", dir);
	snprintf(abi, sizeof(abi), "%s/mydev.abi", dir);
	FILE *f = fopen(h, "w");
	fputs(mydev_h, f);
	fclose(f);
	int st;
	free(RUN(&st, "gen", "--header", h, "--struct", "mydev_info", "--ioctl", "MYDEV_GET", "-o", abi));
	ck_assert_int_eq(st, 0);

	struct cb_abi_db db;
	struct cb_err err = { "" };
	ck_assert_msg(cb_abifile_load(abi, &db, &err) == 0, "%s", err.msg);
	const struct cb_record *r = cb_abi_record(&db, "mydev_info");
	ck_assert_uint_eq(r->size[CB_ARCH_I386], 16);
	ck_assert_uint_eq(r->size[CB_ARCH_X86_64], 24);
	const struct cb_field *b = &r->fields[cb_abi_field_index(r, "b")];
	ck_assert_uint_eq(b->off[CB_ARCH_I386], 4);
	ck_assert_uint_eq(b->off[CB_ARCH_X86_64], 8);
	ck_assert_int_eq(r->fields[cb_abi_field_index(r, "c")].kind, CB_K_SLONG);
	const struct cb_ioctl *io = cb_abi_ioctl_by_name(&db, "MYDEV_GET");
	ck_assert_uint_eq(io->req[CB_ARCH_I386], 0x80104d01u);
	ck_assert_uint_eq(io->req[CB_ARCH_X86_64], 0x80184d01u);
	ck_assert_int_eq(io->arg_record, cb_abi_record_index(&db, "mydev_info"));
	ck_assert_int_eq(io->dir, CB_DIR_OUT);
	cb_abifile_free(&db);

	char *out = RUN(&st, "show", "--abi", abi, "mydev_info");
	ck_assert_int_eq(st, 0);
	ck_assert_ptr_nonnull(strstr(out, "struct mydev_info: i386 16 bytes, align 4; x86_64 24 bytes, align 8"));
	free(out);

	/* A request without a matching struct is refused, naming the sizes. */
	f = fopen(h, "a");
	fputs("#define MYDEV_SET _IOW('M', 2, int)\n", f);
	fclose(f);
	free(RUN(&st, "gen", "--header", h, "--struct", "mydev_info", "--ioctl", "MYDEV_SET"));
	ck_assert_int_eq(st, 1);
	free(RUN(&st, "gen", "--struct", "mydev_info"));
	ck_assert_int_eq(st, 2);
	unlink(h);
	unlink(abi);
	rmdir(dir);
}
END_TEST

Suite *cmd_abi_suite(void)
{
	Suite *s = suite_create("cmd_abi");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_show_record);
	tcase_add_test(tc, test_show_ioctl_and_json);
	tcase_add_test(tc, test_list_and_errors);
	tcase_add_test(tc, test_list_stats);
	tcase_add_test(tc, test_gen_vendor_header);
	suite_add_tcase(s, tc);
	return s;
}
