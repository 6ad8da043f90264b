#include "cmd_agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../agent/agent.h"

static const char agent_usage[] =
	"Usage: compatbox agent --socket PATH [OPTION]...\n"
	"Receive seccomp notify fds from an OCI runtime (runc, crun: the container's\n"
	"linux.seccomp.listenerPath is PATH) and supervise every container sent.\n"
	"Calls compatbox has no handler for fail with EPERM; they never run unexamined.\n"
	"\n"
	"  --socket PATH   the unix socket to listen on (replaced if it exists)\n"
	"  --log FILE      append one JSON line per trapped call to FILE (- for stderr)\n"
	"  --workers N     at most N worker threads per container (default 16)\n"
	"  --policy FILE|NAME  the policy deciding every container's trapped calls\n"
	"                  (compatbox-policy(5); default: compatbox's handlers, and EPERM\n"
	"                  for calls it has none for)\n"
	"  --policy-dir DIR  a container whose listenerMetadata is NAME gets\n"
	"                  DIR/NAME.policy (read once); one with no such file is refused\n"
	"  -h, --help      show this help\n"
	"\n"
	"SIGTERM or SIGINT stops the agent; the containers it supervised then fail\n"
	"their trapped calls (the kernel answers ENOSYS with no listener).\n";

int cb_cmd_agent(int argc, char **argv)
{
	const char *sock_path = NULL, *log_path = NULL, *policy = NULL, *policy_dir = NULL;
	int workers = 16;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(agent_usage, stdout);
			return 0;
		}
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v || (strcmp(a, "--socket") && strcmp(a, "--log") && strcmp(a, "--workers") &&
			   strcmp(a, "--policy") && strcmp(a, "--policy-dir"))) {
			fprintf(stderr, "compatbox agent: %s '%s'\nTry 'compatbox agent --help'.\n",
				v ? "unknown option" : "option needs a value or is unknown", a);
			return 125;
		}
		i++;
		if (!strcmp(a, "--socket"))
			sock_path = v;
		else if (!strcmp(a, "--log"))
			log_path = v;
		else if (!strcmp(a, "--policy"))
			policy = v;
		else if (!strcmp(a, "--policy-dir"))
			policy_dir = v;
		else {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || end == v || n < 1 || n > 256) {
				fprintf(stderr, "compatbox agent: --workers takes 1 to 256, not '%s'\n", v);
				return 125;
			}
			workers = (int)n;
		}
	}
	if (!sock_path) {
		fprintf(stderr, "compatbox agent: --socket PATH is required\n");
		return 125;
	}
	struct cb_agent_opts o = { sock_path, log_path, workers, policy, policy_dir };
	return cb_agent_run(&o);
}
