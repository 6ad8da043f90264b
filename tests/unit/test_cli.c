/* cli/cli.c: parsing `compatbox run ...`. */
#include <string.h>

#include "../../cli/cli.h"
#include "suites.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1) /* arrays end in NULL */

static struct cb_run_opts opts;
static struct cb_err err;

static enum cb_cli_result parse(int argc, char **argv)
{
	memset(&opts, 0xa5, sizeof(opts)); /* the parser must reset everything */
	memset(&err, 0, sizeof(err));
	return cb_cli_parse_run(argc, argv, &opts, &err);
}

static void expect_defaults_but_argv(void)
{
	ck_assert_ptr_null(opts.log_path);
	ck_assert_ptr_null(opts.keep_caps);
	ck_assert_ptr_null(opts.trap);
	ck_assert_int_eq(opts.workers, 0);
	ck_assert(!opts.no_sync_wakeup);
}

static void expect_error(int argc, char **argv, const char *msg)
{
	ck_assert_int_eq(parse(argc, argv), CB_CLI_ERROR);
	ck_assert_str_eq(err.msg, msg);
}

START_TEST(test_program_only)
{
	char *argv[] = { "run", "prog", "a", "-b", NULL };
	ck_assert_int_eq(parse(ARGC(argv), argv), CB_CLI_RUN);
	expect_defaults_but_argv();
	ck_assert_ptr_eq(opts.argv, &argv[1]);
	ck_assert_str_eq(opts.argv[0], "prog");
	ck_assert_str_eq(opts.argv[2], "-b");
	ck_assert_ptr_null(opts.argv[3]);
}
END_TEST

START_TEST(test_all_options_separate)
{
	char *argv[] = { "run", "--log", "calls.json", "--keep-caps", "net_admin,sys_time",
			 "--trap", "nanosleep", "--workers", "4", "--no-sync-wakeup",
			 "/bin/true", NULL };
	ck_assert_int_eq(parse(ARGC(argv), argv), CB_CLI_RUN);
	ck_assert_str_eq(opts.log_path, "calls.json");
	ck_assert_str_eq(opts.keep_caps, "net_admin,sys_time");
	ck_assert_str_eq(opts.trap, "nanosleep");
	ck_assert_int_eq(opts.workers, 4);
	ck_assert(opts.no_sync_wakeup);
	ck_assert_ptr_eq(opts.argv, &argv[10]);
	ck_assert_ptr_null(opts.argv[1]);
}
END_TEST

START_TEST(test_all_options_equals)
{
	char *argv[] = { "run", "--log=-", "--keep-caps=CAP_NET_RAW", "--trap=getppid,nanosleep",
			 "--workers=256", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(argv), argv), CB_CLI_RUN);
	ck_assert_str_eq(opts.log_path, "-");
	ck_assert_str_eq(opts.keep_caps, "CAP_NET_RAW");
	ck_assert_str_eq(opts.trap, "getppid,nanosleep");
	ck_assert_int_eq(opts.workers, 256);
	ck_assert(!opts.no_sync_wakeup);
	ck_assert_str_eq(opts.argv[0], "prog");
}
END_TEST

START_TEST(test_value_may_look_like_option)
{
	/* A value is taken as is, even when it starts with '-'. */
	char *argv[] = { "run", "--log", "--help", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(argv), argv), CB_CLI_RUN);
	ck_assert_str_eq(opts.log_path, "--help");
	ck_assert_str_eq(opts.argv[0], "prog");
}
END_TEST

START_TEST(test_equals_value_keeps_equals)
{
	char *argv[] = { "run", "--log=a=b", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(argv), argv), CB_CLI_RUN);
	ck_assert_str_eq(opts.log_path, "a=b");
}
END_TEST

START_TEST(test_later_option_wins)
{
	char *argv[] = { "run", "--log", "one", "--log=two", "--workers", "2", "--workers=3",
			 "prog", NULL };
	ck_assert_int_eq(parse(ARGC(argv), argv), CB_CLI_RUN);
	ck_assert_str_eq(opts.log_path, "two");
	ck_assert_int_eq(opts.workers, 3);
}
END_TEST

START_TEST(test_empty_keep_caps_allowed)
{
	char *argv1[] = { "run", "--keep-caps=", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(argv1), argv1), CB_CLI_RUN);
	ck_assert_str_eq(opts.keep_caps, "");
	char *argv2[] = { "run", "--keep-caps", "", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(argv2), argv2), CB_CLI_RUN);
	ck_assert_str_eq(opts.keep_caps, "");
	ck_assert_str_eq(opts.argv[0], "prog");
}
END_TEST

START_TEST(test_empty_value_rejected)
{
	char *a1[] = { "run", "--log=", "prog", NULL };
	expect_error(ARGC(a1), a1, "option '--log=' needs a non-empty value");
	char *a2[] = { "run", "--trap", "", "prog", NULL };
	expect_error(ARGC(a2), a2, "option '--trap' needs a non-empty value");
	char *a3[] = { "run", "--log", "", "prog", NULL };
	expect_error(ARGC(a3), a3, "option '--log' needs a non-empty value");
}
END_TEST

START_TEST(test_stop_timeout)
{
	char *none[] = { "run", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(none), none), CB_CLI_RUN);
	ck_assert_int_eq(opts.stop_timeout_ms, -1);
	char *half[] = { "run", "--stop-timeout", "0.5", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(half), half), CB_CLI_RUN);
	ck_assert_int_eq(opts.stop_timeout_ms, 500);
	char *ten[] = { "run", "--stop-timeout=10", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(ten), ten), CB_CLI_RUN);
	ck_assert_int_eq(opts.stop_timeout_ms, 10000);
	char *neg[] = { "run", "--stop-timeout", "-1", "prog", NULL };
	expect_error(ARGC(neg), neg, "--stop-timeout takes seconds from 0 to 86400, not '-1'");
	char *junk[] = { "run", "--stop-timeout", "5s", "prog", NULL };
	expect_error(ARGC(junk), junk, "--stop-timeout takes seconds from 0 to 86400, not '5s'");
	char *nan[] = { "run", "--stop-timeout", "nan", "prog", NULL };
	expect_error(ARGC(nan), nan, "--stop-timeout takes seconds from 0 to 86400, not 'nan'");
}
END_TEST

START_TEST(test_workers_range)
{
	char *ok1[] = { "run", "--workers", "1", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(ok1), ok1), CB_CLI_RUN);
	ck_assert_int_eq(opts.workers, 1);
	char *ok256[] = { "run", "--workers", "256", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(ok256), ok256), CB_CLI_RUN);
	ck_assert_int_eq(opts.workers, 256);

	char *z[] = { "run", "--workers", "0", "prog", NULL };
	expect_error(ARGC(z), z, "--workers takes a number from 1 to 256, not '0'");
	char *big[] = { "run", "--workers", "257", "prog", NULL };
	expect_error(ARGC(big), big, "--workers takes a number from 1 to 256, not '257'");
	char *neg[] = { "run", "--workers=-3", "prog", NULL };
	expect_error(ARGC(neg), neg, "--workers takes a number from 1 to 256, not '-3'");
	char *junk[] = { "run", "--workers", "4x", "prog", NULL };
	expect_error(ARGC(junk), junk, "--workers takes a number from 1 to 256, not '4x'");
	char *empty[] = { "run", "--workers=", "prog", NULL };
	expect_error(ARGC(empty), empty, "--workers takes a number from 1 to 256, not ''");
	char *huge[] = { "run", "--workers", "99999999999999999999999", "prog", NULL };
	expect_error(ARGC(huge), huge,
		     "--workers takes a number from 1 to 256, not '99999999999999999999999'");
}
END_TEST

START_TEST(test_no_sync_wakeup)
{
	char *argv[] = { "run", "--no-sync-wakeup", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(argv), argv), CB_CLI_RUN);
	ck_assert(opts.no_sync_wakeup);
	ck_assert_ptr_null(opts.log_path);
	ck_assert_int_eq(opts.workers, 0);
}
END_TEST

START_TEST(test_help_and_version)
{
	char *h[] = { "run", "-h", NULL };
	ck_assert_int_eq(parse(ARGC(h), h), CB_CLI_HELP);
	char *help[] = { "run", "--log", "x", "--help", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(help), help), CB_CLI_HELP);
	char *v[] = { "run", "--version", NULL };
	ck_assert_int_eq(parse(ARGC(v), v), CB_CLI_VERSION);
	/* The first of them decides. */
	char *vh[] = { "run", "--version", "--help", NULL };
	ck_assert_int_eq(parse(ARGC(vh), vh), CB_CLI_VERSION);
}
END_TEST

START_TEST(test_double_dash)
{
	char *argv[] = { "run", "--log", "x", "--", "--weird-name", "--log", "y", NULL };
	ck_assert_int_eq(parse(ARGC(argv), argv), CB_CLI_RUN);
	ck_assert_str_eq(opts.log_path, "x");
	ck_assert_ptr_eq(opts.argv, &argv[4]);
	ck_assert_str_eq(opts.argv[0], "--weird-name");
	ck_assert_str_eq(opts.argv[1], "--log");
	ck_assert_ptr_null(opts.argv[3]);
}
END_TEST

START_TEST(test_double_dash_then_double_dash)
{
	char *argv[] = { "run", "--", "--", NULL };
	ck_assert_int_eq(parse(ARGC(argv), argv), CB_CLI_RUN);
	ck_assert_str_eq(opts.argv[0], "--");
}
END_TEST

START_TEST(test_single_dash_is_program)
{
	char *argv[] = { "run", "-", "x", NULL };
	ck_assert_int_eq(parse(ARGC(argv), argv), CB_CLI_RUN);
	ck_assert_ptr_eq(opts.argv, &argv[1]);
}
END_TEST

START_TEST(test_args_after_program_not_options)
{
	char *argv[] = { "run", "--workers", "2", "prog", "--log", "x", "--bogus", "--help", NULL };
	ck_assert_int_eq(parse(ARGC(argv), argv), CB_CLI_RUN);
	ck_assert_ptr_null(opts.log_path);
	ck_assert_int_eq(opts.workers, 2);
	ck_assert_ptr_eq(opts.argv, &argv[3]);
	ck_assert_str_eq(opts.argv[1], "--log");
	ck_assert_str_eq(opts.argv[4], "--help");
	ck_assert_ptr_null(opts.argv[5]);
}
END_TEST

START_TEST(test_unknown_option)
{
	char *a1[] = { "run", "--bogus", "prog", NULL };
	expect_error(ARGC(a1), a1, "unknown option '--bogus'");
	char *a2[] = { "run", "-x", "prog", NULL };
	expect_error(ARGC(a2), a2, "unknown option '-x'");
	/* An option name is matched whole, not as a prefix. */
	char *a3[] = { "run", "--logfile", "f", "prog", NULL };
	expect_error(ARGC(a3), a3, "unknown option '--logfile'");
	char *a4[] = { "run", "--work=3", "prog", NULL };
	expect_error(ARGC(a4), a4, "unknown option '--work=3'");
	char *a5[] = { "run", "--no-sync-wakeup=1", "prog", NULL };
	expect_error(ARGC(a5), a5, "unknown option '--no-sync-wakeup=1'");
}
END_TEST

START_TEST(test_missing_value)
{
	char *a1[] = { "run", "--log", NULL };
	expect_error(ARGC(a1), a1, "option '--log' needs a value");
	char *a2[] = { "run", "--workers", NULL };
	expect_error(ARGC(a2), a2, "option '--workers' needs a value");
	char *a3[] = { "run", "--no-sync-wakeup", "--keep-caps", NULL };
	expect_error(ARGC(a3), a3, "option '--keep-caps' needs a value");
	char *a4[] = { "run", "--trap", NULL };
	expect_error(ARGC(a4), a4, "option '--trap' needs a value");
}
END_TEST

START_TEST(test_no_program)
{
	char *a1[] = { "run", NULL };
	expect_error(ARGC(a1), a1, "no program given");
	char *a2[] = { "run", "--log", "x", NULL };
	expect_error(ARGC(a2), a2, "no program given");
	char *a3[] = { "run", "--", NULL };
	expect_error(ARGC(a3), a3, "no program given");
}
END_TEST

START_TEST(test_stats)
{
	char *plain[] = { "run", "--stats", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(plain), plain), CB_CLI_RUN);
	ck_assert(opts.stats);
	ck_assert_ptr_null(opts.stats_path);
	ck_assert_str_eq(opts.argv[0], "prog");
	char *file[] = { "run", "--stats=s.json", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(file), file), CB_CLI_RUN);
	ck_assert(opts.stats);
	ck_assert_str_eq(opts.stats_path, "s.json");
	/* Only the = form takes a file: the next word is the program. */
	char *sep[] = { "run", "--stats", "s.json", NULL };
	ck_assert_int_eq(parse(ARGC(sep), sep), CB_CLI_RUN);
	ck_assert_ptr_null(opts.stats_path);
	ck_assert_str_eq(opts.argv[0], "s.json");
	char *none[] = { "run", "prog", NULL };
	ck_assert_int_eq(parse(ARGC(none), none), CB_CLI_RUN);
	ck_assert(!opts.stats);
	ck_assert_ptr_null(opts.stats_path);
	char *empty[] = { "run", "--stats=", "prog", NULL };
	expect_error(ARGC(empty), empty, "option '--stats=' needs a file name");
}
END_TEST

START_TEST(test_usage_lists_every_option)
{
	static const char *const names[] = { "--log FILE", "--keep-caps LIST", "--trap LIST",
					     "--workers N", "--no-sync-wakeup", "-h, --help",
					     "--version", "--stats[=FILE]", "Usage: compatbox run" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(strstr(cb_usage, names[i]), "usage lacks '%s'", names[i]);
}
END_TEST

START_TEST(test_audit_defaults)
{
	char *argv[] = { "audit", "--", "prog", NULL };
	memset(&opts, 0xa5, sizeof(opts));
	ck_assert_int_eq(cb_cli_parse_audit(ARGC(argv), argv, &opts, &err), CB_CLI_RUN);
	ck_assert(opts.audit);
	ck_assert_str_eq(opts.policy, "audit");
	ck_assert_str_eq(opts.log_path, "compatbox-audit.jsonl");
	ck_assert_uint_eq(opts.log_max_size, 0);
	ck_assert_str_eq(opts.argv[0], "prog");
}
END_TEST

START_TEST(test_audit_out_and_size)
{
	char *argv[] = { "audit", "--out", "t.jsonl", "--log-max-size=10M", "prog", NULL };
	ck_assert_int_eq(cb_cli_parse_audit(ARGC(argv), argv, &opts, &err), CB_CLI_RUN);
	ck_assert_str_eq(opts.log_path, "t.jsonl");
	ck_assert_uint_eq(opts.log_max_size, 10ull << 20);
	/* --log is run's; audit says --out. */
	char *bad[] = { "audit", "--log", "t.jsonl", "prog", NULL };
	ck_assert_int_eq(cb_cli_parse_audit(ARGC(bad), bad, &opts, &err), CB_CLI_ERROR);
	/* Another policy is run's business. */
	char *pol[] = { "audit", "--policy", "strict", "prog", NULL };
	ck_assert_int_eq(cb_cli_parse_audit(ARGC(pol), pol, &opts, &err), CB_CLI_ERROR);
	ck_assert(strstr(err.msg, "audit policy") || strstr(err.msg, "'audit' policy"));
}
END_TEST

START_TEST(test_log_max_size)
{
	unsigned long long n;
	ck_assert_int_eq(cb_cli_size("4096", &n), 0);
	ck_assert_uint_eq(n, 4096);
	ck_assert_int_eq(cb_cli_size("64k", &n), 0);
	ck_assert_uint_eq(n, 65536);
	ck_assert_int_eq(cb_cli_size("1G", &n), 0);
	ck_assert_uint_eq(n, 1ull << 30);
	ck_assert_int_lt(cb_cli_size("", &n), 0);
	ck_assert_int_lt(cb_cli_size("-1", &n), 0);
	ck_assert_int_lt(cb_cli_size("10X", &n), 0);
	ck_assert_int_lt(cb_cli_size("99999999999999999999G", &n), 0);
	/* Below 4096, and without a trail to rotate, refused. */
	char *small[] = { "run", "--log", "f", "--log-max-size", "100", "prog", NULL };
	expect_error(ARGC(small), small, "--log-max-size takes a size of at least 4096 bytes "
		     "(e.g. 64k, 10M, 1G), not '100'");
	char *nolog[] = { "run", "--log-max-size", "1M", "prog", NULL };
	expect_error(ARGC(nolog), nolog, "--log-max-size needs --log FILE");
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("accept");
	tcase_add_test(tc, test_program_only);
	tcase_add_test(tc, test_all_options_separate);
	tcase_add_test(tc, test_all_options_equals);
	tcase_add_test(tc, test_value_may_look_like_option);
	tcase_add_test(tc, test_equals_value_keeps_equals);
	tcase_add_test(tc, test_later_option_wins);
	tcase_add_test(tc, test_empty_keep_caps_allowed);
	tcase_add_test(tc, test_no_sync_wakeup);
	tcase_add_test(tc, test_help_and_version);
	tcase_add_test(tc, test_double_dash);
	tcase_add_test(tc, test_double_dash_then_double_dash);
	tcase_add_test(tc, test_single_dash_is_program);
	tcase_add_test(tc, test_args_after_program_not_options);
	tcase_add_test(tc, test_usage_lists_every_option);
	tcase_add_test(tc, test_stats);
	suite_add_tcase(s, tc);

	tc = tcase_create("reject");
	tcase_add_test(tc, test_empty_value_rejected);
	tcase_add_test(tc, test_workers_range);
	tcase_add_test(tc, test_unknown_option);
	tcase_add_test(tc, test_missing_value);
	tcase_add_test(tc, test_no_program);
	tcase_add_test(tc, test_audit_defaults);
	tcase_add_test(tc, test_audit_out_and_size);
	tcase_add_test(tc, test_log_max_size);
	tcase_add_test(tc, test_stop_timeout);
	suite_add_tcase(s, tc);
	return s;
}
