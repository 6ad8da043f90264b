/* Command-line parsing for `compatbox run`; pure, so it is unit-tested. */
#ifndef CB_CLI_H
#define CB_CLI_H

#include <stdbool.h>

#include "../common/error.h"

struct cb_run_opts {
	const char *log_path;  /* NULL: no log */
	unsigned long long log_max_size; /* --log-max-size: 0, no rotation */
	bool audit;            /* `compatbox audit`: --out names the trail */
	bool stats;            /* --stats: a table of what became of each call at exit */
	const char *stats_path; /* --stats=FILE: as JSON into FILE; NULL: the table on stderr */
	const char *keep_caps; /* NULL: keep none */
	const char *trap;      /* extra syscalls to trap, NULL: none */
	const char *policy;    /* --policy NAME|FILE, NULL: by the shorthands */
	const char *oci_profile; /* --oci-profile FILE: an OCI seccomp profile */
	int workers;           /* 0: one per CPU */
	int stop_timeout_ms;   /* -1: SIGKILL only on a second SIGTERM */
	bool no_sync_wakeup;
	bool passthrough;      /* log trapped ioctls, let the kernel run them all */
	bool translate;        /* perform i386 calls natively through the ABI database */
	const char *abi_files[8]; /* --abi FILE, in order */
	int nabi;
	char **argv;           /* the guest's command line, NULL-terminated */
};

enum cb_cli_result {
	CB_CLI_RUN,     /* opts filled */
	CB_CLI_HELP,    /* print help to stdout, exit 0 */
	CB_CLI_VERSION, /* print version to stdout, exit 0 */
	CB_CLI_ERROR,   /* err says why, exit 125 */
};

/* Parse ARGV (argv[0] is "run"). */
enum cb_cli_result cb_cli_parse_run(int argc, char **argv, struct cb_run_opts *o,
				    struct cb_err *err);
/* Parse ARGV of `compatbox audit [--out FILE] [--log-max-size N] [run
 * options] -- PROGRAM` (argv[0] is "audit"): a run under the audit policy
 * writing its trail to FILE (default compatbox-audit.jsonl). */
enum cb_cli_result cb_cli_parse_audit(int argc, char **argv, struct cb_run_opts *o,
				      struct cb_err *err);
/* "4096", "64k", "10M", "1G" in bytes; -EINVAL when it is none of those. */
int cb_cli_size(const char *s, unsigned long long *out);

extern const char cb_usage[];
extern const char cb_audit_usage[];

#endif
