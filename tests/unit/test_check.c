/* compatbox check's verdict and lines, from made-up kernel answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/cmd_check.h"
#include "suites.h"

static char *report(const struct cb_check *c, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	*rc = cb_check_report(c, f);
	fclose(f);
	return buf;
}

static void all_yes(struct cb_check *c)
{
	memset(c, 0, sizeof(*c));
	for (int f = 0; f < CB_F_COUNT; f++)
		c->have[f] = CB_HAVE_YES;
}

START_TEST(everything_runs)
{
	struct cb_check c;
	all_yes(&c);
	int rc;
	char *out = report(&c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out, "IA-32 emulation            yes"));
	ck_assert_ptr_nonnull(strstr(out, "compatbox can run here\n"));
	free(out);
}
END_TEST

START_TEST(optional_missing_still_runs)
{
	struct cb_check c;
	all_yes(&c);
	c.have[CB_F_IA32] = CB_HAVE_NO;
	snprintf(c.why[CB_F_IA32], sizeof(c.why[0]), "boot with ia32_emulation=1");
	c.have[CB_F_SYNC_WAKEUP] = CB_HAVE_NO;
	int rc;
	char *out = report(&c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out, "i386 programs do not: boot with ia32_emulation=1\n"));
	ck_assert_ptr_nonnull(strstr(out, "SYNC_WAKE_UP               no"));
	free(out);
}
END_TEST

START_TEST(required_missing_cannot_run)
{
	for (int f = CB_F_USER_NOTIF; f <= CB_F_PIDFD_GETFD; f++) {
		struct cb_check c;
		all_yes(&c);
		c.have[f] = f == CB_F_USER_NOTIF ? CB_HAVE_NO : CB_HAVE_UNKNOWN;
		int rc;
		char *out = report(&c, &rc);
		ck_assert_int_eq(rc, 1);
		ck_assert_ptr_nonnull(strstr(out, "compatbox cannot run here\n"));
		free(out);
	}
}
END_TEST

START_TEST(one_line_per_feature)
{
	struct cb_check c;
	all_yes(&c);
	int rc, lines = 0;
	char *out = report(&c, &rc);
	for (char *p = out; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, CB_F_COUNT + 1);
	free(out);
}
END_TEST

Suite *check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *t = tcase_create("report");
	tcase_add_test(t, everything_runs);
	tcase_add_test(t, optional_missing_still_runs);
	tcase_add_test(t, required_missing_cannot_run);
	tcase_add_test(t, one_line_per_feature);
	suite_add_tcase(s, t);
	return s;
}
