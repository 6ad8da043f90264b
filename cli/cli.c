#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char cb_usage[] =
	"Usage: compatbox run [OPTION]... [--] PROGRAM [ARG]...\n"
	"Run PROGRAM (i386 or x86_64) under seccomp user-notification supervision.\n"
	"\n"
	"  --log FILE         append the audit trail to FILE (- for stderr): one JSON\n"
	"                     record per trapped call (docs/audit.md), and at exit a\n"
	"                     stats record with the counts --stats shows\n"
	"  --log-max-size N   rotate FILE to FILE.1 .. FILE.9 past N bytes (k, M, G)\n"
	"  --stats[=FILE]     at exit, per syscall: how many trapped calls were performed\n"
	"                     or translated in user space, refused, or left to the\n"
	"                     kernel and why; a table on stderr, or JSON into FILE\n"
	"  --policy NAME|FILE what each syscall, ioctl and path gets: a policy file\n"
	"                     (compatbox-policy(5)) or a shipped one: default, audit,\n"
	"                     translate, strict (default: default)\n"
	"  --oci-profile FILE an OCI/Docker seccomp profile (JSON) as the policy\n"
	"  --keep-caps LIST   capabilities the guest keeps, e.g. net_admin,sys_time;\n"
	"                     all others are dropped from every set (default: none)\n"
	"  --passthrough      only log ioctls: the kernel runs every one of them\n"
	"                     (--policy audit)\n"
	"  --translate        perform an i386 guest's known ioctls and syscalls in the\n"
	"                     supervisor as native x86_64 calls, arguments converted\n"
	"                     by the ABI database ('compatbox abi list'; the calls:\n"
	"                     docs/translation.md; --policy translate)\n"
	"  --abi FILE         also translate the ioctls described in FILE.abi (made\n"
	"                     with 'compatbox abi gen'); implies --translate\n"
	"  --trap LIST        also trap these syscalls, e.g. nanosleep,getppid\n"
	"                     (performed by the supervisor where it has a handler,\n"
	"                     otherwise logged and run by the kernel): a 'perform'\n"
	"                     rule after the policy's own\n"
	"  --workers N        worker threads to start (default: one per CPU)\n"
	"  --stop-timeout SEC after a SIGTERM (docker stop), wait SEC seconds for the\n"
	"                     guest to end, then SIGKILL all of it; a second SIGTERM\n"
	"                     kills at once (default: no deadline)\n"
	"  --no-sync-wakeup   do not ask for SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP\n"
	"  -h, --help         show this help\n"
	"  --version          show the version\n"
	"\n"
	"Exit status: the guest's, or 128+N when signal N killed it;\n"
	"125 compatbox failed, 126 PROGRAM not executable, 127 PROGRAM not found.\n";

const char cb_audit_usage[] =
	"Usage: compatbox audit [--out FILE] [--log-max-size N] [OPTION]... [--] PROGRAM [ARG]...\n"
	"Run PROGRAM under the shipped 'audit' policy (every ioctl recorded, the kernel\n"
	"runs them all) and write the audit trail of every process and thread to FILE.\n"
	"\n"
	"  --out FILE         the trail, appended to (default: compatbox-audit.jsonl;\n"
	"                     - for stderr); its records: docs/audit.md\n"
	"  --log-max-size N   rotate FILE to FILE.1 .. FILE.9 past N bytes (k, M, G)\n"
	"  --trap LIST, --keep-caps LIST, --workers N, --abi FILE: as for run\n"
	"\n"
	"Exit status: as for run.\n";

int cb_cli_size(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -EINVAL;
	unsigned shift = 0;
	switch (*end) {
	case 0: break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	default: return -EINVAL;
	}
	if (*end || n > (~0ull >> shift))
		return -EINVAL;
	*out = n << shift;
	return 0;
}

static bool value_opt(const char *arg, const char *name, int *i, int argc, char **argv,
		      const char **out, struct cb_err *err, bool *bad)
{
	size_t n = strlen(name);
	if (strncmp(arg, name, n) != 0)
		return false;
	if (arg[n] == '=') {
		*out = arg + n + 1;
		return true;
	}
	if (arg[n] != 0)
		return false;
	if (*i + 1 >= argc) {
		cb_fail(err, EINVAL, "option '%s' needs a value", name);
		*bad = true;
		return true;
	}
	*out = argv[++*i];
	return true;
}

static enum cb_cli_result parse(int argc, char **argv, struct cb_run_opts *o,
				struct cb_err *err, bool audit)
{
	memset(o, 0, sizeof(*o));
	o->audit = audit;
	o->stop_timeout_ms = -1;
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char *v = NULL;
		bool bad = false;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == 0)
			break; /* the program */
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return CB_CLI_HELP;
		if (strcmp(a, "--version") == 0)
			return CB_CLI_VERSION;
		if (strcmp(a, "--passthrough") == 0) {
			o->passthrough = true;
			continue;
		}
		if (strcmp(a, "--translate") == 0) {
			o->translate = true;
			continue;
		}
		if (strcmp(a, "--stats") == 0) {
			o->stats = true;
			continue;
		}
		if (strncmp(a, "--stats=", 8) == 0) {
			/* Only the = form takes a file: "--stats FILE" would read
			 * the guest's program as one. */
			o->stats = true;
			o->stats_path = a + 8;
			if (!*o->stats_path) {
				cb_fail(err, EINVAL, "option '--stats=' needs a file name");
				return CB_CLI_ERROR;
			}
			continue;
		}
		if (strcmp(a, "--no-sync-wakeup") == 0) {
			o->no_sync_wakeup = true;
			continue;
		}
		if (value_opt(a, audit ? "--out" : "--log", &i, argc, argv, &v, err, &bad)) {
			o->log_path = v;
		} else if (value_opt(a, "--log-max-size", &i, argc, argv, &v, err, &bad)) {
			if (!bad && (cb_cli_size(v, &o->log_max_size) || o->log_max_size < 4096)) {
				cb_fail(err, EINVAL, "--log-max-size takes a size of at least 4096 bytes "
					"(e.g. 64k, 10M, 1G), not '%s'", v);
				return CB_CLI_ERROR;
			}
		} else if (value_opt(a, "--keep-caps", &i, argc, argv, &v, err, &bad)) {
			o->keep_caps = v;
		} else if (value_opt(a, "--abi", &i, argc, argv, &v, err, &bad)) {
			if (!bad && o->nabi == (int)(sizeof(o->abi_files) / sizeof(o->abi_files[0]))) {
				cb_fail(err, E2BIG, "at most 8 --abi files");
				return CB_CLI_ERROR;
			}
			if (!bad)
				o->abi_files[o->nabi++] = v;
		} else if (value_opt(a, "--policy", &i, argc, argv, &v, err, &bad)) {
			o->policy = v;
		} else if (value_opt(a, "--oci-profile", &i, argc, argv, &v, err, &bad)) {
			o->oci_profile = v;
		} else if (value_opt(a, "--trap", &i, argc, argv, &v, err, &bad)) {
			o->trap = v;
		} else if (value_opt(a, "--workers", &i, argc, argv, &v, err, &bad)) {
			if (!bad) {
				char *end;
				errno = 0;
				long n = strtol(v, &end, 10);
				if (errno || *end || end == v || n < 1 || n > 256) {
					cb_fail(err, EINVAL, "--workers takes a number from 1 to 256, not '%s'", v);
					return CB_CLI_ERROR;
				}
				o->workers = (int)n;
			}
		} else if (value_opt(a, "--stop-timeout", &i, argc, argv, &v, err, &bad)) {
			if (!bad) {
				char *end;
				errno = 0;
				double sec = strtod(v, &end);
				if (errno || *end || end == v || !(sec >= 0 && sec <= 86400)) {
					cb_fail(err, EINVAL, "--stop-timeout takes seconds from 0 to 86400, "
						"not '%s'", v);
					return CB_CLI_ERROR;
				}
				o->stop_timeout_ms = (int)(sec * 1000);
			}
		} else {
			cb_fail(err, EINVAL, "unknown option '%s'", a);
			return CB_CLI_ERROR;
		}
		if (bad)
			return CB_CLI_ERROR;
		if (v && !*v && strcmp(a, "--keep-caps") && strncmp(a, "--keep-caps=", 12)) {
			cb_fail(err, EINVAL, "option '%s' needs a non-empty value", a);
			return CB_CLI_ERROR;
		}
	}
	if (i >= argc) {
		cb_fail(err, EINVAL, "no program given");
		return CB_CLI_ERROR;
	}
	if (audit) {
		if (o->policy || o->oci_profile || o->passthrough || o->translate) {
			cb_fail(err, EINVAL, "audit runs the 'audit' policy: use 'compatbox run "
				"--log FILE --policy ...' for another one");
			return CB_CLI_ERROR;
		}
		o->policy = "audit";
		if (!o->log_path)
			o->log_path = "compatbox-audit.jsonl";
	}
	if (o->log_max_size && !o->log_path) {
		cb_fail(err, EINVAL, "--log-max-size needs --log FILE");
		return CB_CLI_ERROR;
	}
	o->argv = argv + i;
	return CB_CLI_RUN;
}

enum cb_cli_result cb_cli_parse_run(int argc, char **argv, struct cb_run_opts *o,
				    struct cb_err *err)
{
	return parse(argc, argv, o, err, false);
}

enum cb_cli_result cb_cli_parse_audit(int argc, char **argv, struct cb_run_opts *o,
				      struct cb_err *err)
{
	return parse(argc, argv, o, err, true);
}
