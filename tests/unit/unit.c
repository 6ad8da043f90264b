/* Unit tests for compatbox's pure modules, with the check framework.
 * CK_RUN_SUITE=name (as set by meson for each test) runs one suite only. */
#include <stdio.h>
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(json_suite());
	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, ioctl_suite());
	srunner_add_suite(sr, arch_suite());
	srunner_add_suite(sr, trapset_suite());
	srunner_add_suite(sr, caps_suite());
	srunner_add_suite(sr, program_suite());
	srunner_add_suite(sr, filter_suite());
	srunner_add_suite(sr, convert_suite());
	srunner_add_suite(sr, abigen_suite());
	srunner_add_suite(sr, abifile_suite());
	srunner_add_suite(sr, cmd_abi_suite());
	srunner_add_suite(sr, xsys_suite());
	srunner_add_suite(sr, guest_addr_suite());
	srunner_add_suite(sr, check_suite());
	srunner_add_suite(sr, stop_suite());
	srunner_add_suite(sr, oci_state_suite());
	srunner_add_suite(sr, policy_suite());
	srunner_add_suite(sr, json_parse_suite());
	srunner_add_suite(sr, stats_suite());
	srunner_add_suite(sr, audit_suite());
	srunner_add_suite(sr, report_suite());
	srunner_run_all(sr, CK_NORMAL);
	int run = srunner_ntests_run(sr);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (run == 0) {
		/* A misspelt CK_RUN_SUITE/CK_RUN_CASE must not pass silently. */
		fprintf(stderr, "no test ran: check CK_RUN_SUITE / CK_RUN_CASE\n");
		return EXIT_FAILURE;
	}
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
