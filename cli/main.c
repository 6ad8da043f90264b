/* compatbox: the command-line front end. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_abi.h"
#include "cmd_agent.h"
#include "cmd_check.h"
#include "cmd_policy.h"
#include "cmd_report.h"
#include "../launch/run.h"

#ifndef CB_VERSION
#define CB_VERSION "0"
#endif

static const char top_usage[] =
	"Usage: compatbox COMMAND ...\n"
	"\n"
	"Commands:\n"
	"  run [OPTION]... [--] PROGRAM [ARG]...   run PROGRAM supervised\n"
	"  audit [--out FILE] [--] PROGRAM [ARG]... record what PROGRAM asks of the kernel\n"
	"  abi list|show|gen ...                   the ABI layout database\n"
	"  check                                   what this kernel offers compatbox\n"
	"  agent --socket PATH ...                 supervise containers an OCI runtime sends\n"
	"  policy check|show|list ...              check a policy, show its filter\n"
	"  report [OPTION]... FILE                 what a program asked, from its audit trail\n"
	"\n"
	"Run 'compatbox run --help' for the options of run, 'compatbox abi --help' for abi,\n"
	"'compatbox report --help' for report.\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(top_usage, stderr);
		return 125;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(top_usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("compatbox %s\n", CB_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "agent") == 0)
		return cb_cmd_agent(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return cb_cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "abi") == 0)
		return cb_cmd_abi(argc - 1, argv + 1);
	if (strcmp(argv[1], "policy") == 0)
		return cb_cmd_policy(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return cb_cmd_report(argc - 1, argv + 1);
	bool audit = strcmp(argv[1], "audit") == 0;
	if (strcmp(argv[1], "run") != 0 && !audit) {
		fprintf(stderr, "compatbox: unknown command '%s'\n%s", argv[1], top_usage);
		return 125;
	}
	struct cb_run_opts o;
	struct cb_err err = { "" };
	switch (audit ? cb_cli_parse_audit(argc - 1, argv + 1, &o, &err)
		      : cb_cli_parse_run(argc - 1, argv + 1, &o, &err)) {
	case CB_CLI_HELP:
		fputs(audit ? cb_audit_usage : cb_usage, stdout);
		return 0;
	case CB_CLI_VERSION:
		printf("compatbox %s\n", CB_VERSION);
		return 0;
	case CB_CLI_ERROR:
		fprintf(stderr, "compatbox %s: %s\nTry 'compatbox %s --help'.\n", argv[1], err.msg,
			argv[1]);
		return 125;
	case CB_CLI_RUN:
		break;
	}
	return cb_run(&o);
}
