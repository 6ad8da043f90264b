/* The unit-test suites, one per module; unit.c runs them all. */
#ifndef CB_UNIT_SUITES_H
#define CB_UNIT_SUITES_H

#include <check.h>

Suite *json_suite(void);
Suite *cli_suite(void);
Suite *ioctl_suite(void);
Suite *arch_suite(void);
Suite *trapset_suite(void);
Suite *caps_suite(void);
Suite *program_suite(void);
Suite *filter_suite(void);
Suite *convert_suite(void);
Suite *abigen_suite(void);
Suite *abifile_suite(void);
Suite *cmd_abi_suite(void);
Suite *xsys_suite(void);
Suite *guest_addr_suite(void);
Suite *check_suite(void);
Suite *stop_suite(void);
Suite *oci_state_suite(void);
Suite *policy_suite(void);
Suite *json_parse_suite(void);
Suite *stats_suite(void);
Suite *audit_suite(void);
Suite *report_suite(void);

#endif
