#include "cmd_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../policy/compile.h"
#include "../policy/oci.h"
#include "../policy/shipped.h"
#include "../supervisor/dispatch.h"
#include "../translate/xsys.h"

const char cb_policy_usage[] =
	"Usage: compatbox policy check [--oci] FILE|NAME\n"
	"       compatbox policy show [--oci] FILE|NAME\n"
	"       compatbox policy list\n"
	"\n"
	"  check  parse and compile the policy: errors name FILE:LINE:COL; warnings\n"
	"         for rules that never apply or do nothing. Exit 0 when it is usable\n"
	"  show   the seccomp filter in libseccomp's pseudo filter code, and what\n"
	"         the supervisor decides for each syscall the filter sends it\n"
	"  list   the shipped policies (usable by NAME with --policy)\n"
	"  --oci  FILE is an OCI/Docker seccomp profile (JSON), read for a guest\n"
	"         that keeps no capabilities\n"
	"\n"
	"The language: compatbox-policy(5), docs/policy.md.\n";

static int misuse(const char *msg)
{
	fprintf(stderr, "compatbox policy: %s\nTry 'compatbox policy --help'.\n", msg);
	return 2;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double load_ms; /* parse and compile, for check's report (and bench/) */

static int load(struct cb_policy *pol, struct cb_plan *plan, bool oci, const char *what)
{
	struct cb_err err = { "" };
	double t0 = now_ms();
	cb_policy_init(pol);
	int rc = oci ? cb_oci_load(pol, what, 0, &err) : cb_policy_load(pol, what, &err);
	if (!rc)
		rc = cb_plan_compile(plan, pol, &err);
	load_ms = now_ms() - t0;
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
		cb_policy_free(pol);
		return 1;
	}
	return 0;
}

/* A warning the compiler cannot give: policy/ does not know which calls
 * the supervisor has performers for. */
static void performer_warnings(const struct cb_plan *plan)
{
	static struct cb_dispatch d;
	struct cb_trapset scratch;
	struct cb_err err = { "" };
	if (cb_dispatch_build(&d, &err) || cb_xsys_install(&d, &scratch, &err))
		return;
	const struct cb_policy *pol = plan->pol;
	for (int i = 0; i < pol->ns; i++) {
		const struct cb_srule *r = &pol->s[i];
		if (r->act.kind != CB_ACT_PERFORM && r->act.kind != CB_ACT_TRANSLATE)
			continue;
		for (int a = 0; a < CB_ARCH_COUNT; a++) {
			int nr = r->nr[a];
			if (nr < 0 || !(r->abis & (1u << a)) || cb_dispatch_lookup(&d, a, nr) != &cb_handler_passthrough)
				continue;
			if (pol->np && cb_plan_is_path_call(a, nr))
				continue;
			fprintf(stderr, "%s:%d:%d: warning: %s %s on %s: the supervisor has no performer "
				"for it; it is logged and run by the kernel\n", r->loc.file, r->loc.line,
				r->loc.col, cb_act_name(r->act.kind), r->name, cb_arch_name(a));
			break;
		}
	}
}

static int check(bool oci, const char *what)
{
	struct cb_policy pol;
	struct cb_plan plan;
	if (load(&pol, &plan, oci, what))
		return 1;
	for (int i = 0; i < plan.nwarnings; i++)
		fprintf(stderr, "%s\n", plan.warnings[i]);
	performer_warnings(&plan);
	int n = 0;
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		for (int nr = 0; nr < CB_NR_MAX; nr++)
			n += plan.notify.trap[a][nr];
	printf("%s: ok: %d syscall rules, %d ioctl rules, %d path rules; %d filter rules; "
	       "%d syscalls (over both ABIs) reach the supervisor; parsed and compiled in %.1f ms\n",
	       what, pol.ns, pol.ni, pol.np, plan.bpf_rules, n, load_ms);
	cb_plan_free(&plan);
	cb_policy_free(&pol);
	return 0;
}

static void show_action(const char *prefix, const struct cb_action *a, const struct cb_loc *at)
{
	char b[64];
	printf("%s%s", prefix, cb_action_str(a, b, sizeof(b)));
	if (at && at->file)
		printf("  (%s:%d:%d)", at->file, at->line, at->col);
	putchar('\n');
}

static int show(bool oci, const char *what)
{
	struct cb_policy pol;
	struct cb_plan plan;
	if (load(&pol, &plan, oci, what))
		return 1;
	char b[64];
	printf("# policy %s\n# default: %s\n", what, cb_action_str(&pol.def, b, sizeof(b)));
	if (pol.ioctl_def.kind != CB_ACT_NONE)
		printf("# ioctl default: %s\n", cb_action_str(&pol.ioctl_def, b, sizeof(b)));
	if (pol.path_def.kind != CB_ACT_NONE)
		printf("# path default: %s\n", cb_action_str(&pol.path_def, b, sizeof(b)));
	printf("#\n# what the supervisor decides, for the calls the filter sends it:\n");
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		for (int nr = 0; nr < CB_NR_MAX; nr++) {
			const struct cb_sysplan *sp = &plan.sys[a][nr];
			if (!plan.notify.trap[a][nr])
				continue;
			printf("#  %s %s (%d): %s\n", cb_arch_name(a), cb_syscall_name(a, nr), nr,
			       sp->in_bpf ? "the filter picks the rule"
			       : sp->layer == CB_LAYER_PATH ? "path rules, on the resolved path"
			       : sp->layer == CB_LAYER_IOCTL ? "ioctl rules, on the request and the fd"
							     : "the rules in order, on the registers");
			for (int i = 0; i < sp->count; i++) {
				const struct cb_srule *r = plan.rules[sp->first + i];
				printf("#    %s rule", r->ncond ? "conditional" : "unconditional");
				show_action(": ", &r->act, &r->loc);
			}
			show_action("#    otherwise: ", &sp->fallback, NULL);
		}
	for (int i = 0; i < pol.ni; i++) {
		const struct cb_irule *r = &pol.i[i];
		printf("#  ioctl rule: request & 0x%08x == 0x%08x%s, target kind %d: ", r->req.mask,
		       r->req.value, r->req.per_abi ? " (per ABI)" : "", r->target.kind);
		show_action("", &r->act, &r->loc);
	}
	for (int i = 0; i < pol.np; i++) {
		printf("#  path rule %s: ", pol.p[i].glob);
		show_action("", &pol.p[i].act, &pol.p[i].loc);
	}
	fflush(stdout);
	struct cb_err err = { "" };
	int rc = cb_plan_pfc(&plan, STDOUT_FILENO, &err);
	if (rc)
		fprintf(stderr, "compatbox policy: %s\n", err.msg);
	cb_plan_free(&plan);
	cb_policy_free(&pol);
	return rc ? 1 : 0;
}

int cb_cmd_policy(int argc, char **argv)
{
	if (argc < 2)
		return misuse("a subcommand is needed: check, show or list");
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		fputs(cb_policy_usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "list")) {
		for (const struct cb_shipped *s = cb_shipped; s->name; s++)
			printf("%s\n", s->name);
		return 0;
	}
	if (strcmp(cmd, "check") && strcmp(cmd, "show"))
		return misuse("unknown subcommand (check, show or list)");
	int i = 2;
	bool oci = false;
	if (i < argc && !strcmp(argv[i], "--oci")) {
		oci = true;
		i++;
	}
	if (i + 1 != argc)
		return misuse("one policy file or shipped name is needed");
	return !strcmp(cmd, "check") ? check(oci, argv[i]) : show(oci, argv[i]);
}
