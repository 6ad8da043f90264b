#include "cmd_report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../report/aggregate.h"
#include "../report/output.h"

const char cb_report_usage[] =
	"NAME\n"
	"       compatbox report - what a program asked of the kernel, from its audit trail\n"
	"\n"
	"SYNOPSIS\n"
	"       compatbox report [--json | --html OUT.html | --suggest-policy] FILE\n"
	"\n"
	"DESCRIPTION\n"
	"       Reads FILE, an audit trail (JSON lines, docs/audit.md: written by\n"
	"       'compatbox audit', or by 'compatbox run --log'), '-' for standard\n"
	"       input, and prints on standard output:\n"
	"\n"
	"       a summary (program, policy, time, records, calls refused, entries the\n"
	"       writer dropped, malformed lines); the calls per syscall; the ioctls per\n"
	"       device and request with counts, first-seen time and result; each\n"
	"       unknown ioctl (no descriptor) explained: direction and size from the\n"
	"       number, payload words that held guest addresses (likely embedded\n"
	"       pointers), the same number with another size (a 32/64-bit layout\n"
	"       mismatch), whether the driver answered ENOTTY itself, and a header\n"
	"       and 'compatbox abi gen' command to start a descriptor from; the\n"
	"       refused calls with the rule that refused them; the process tree.\n"
	"\n"
	"       A malformed line is counted and reported, never fatal; a last line\n"
	"       without its newline (still being written) is ignored. Records are\n"
	"       aggregated as they are read: memory does not grow with the trail.\n"
	"\n"
	"OPTIONS\n"
	"       --json            the aggregate as one JSON object, for programs\n"
	"       --html OUT.html   also write a single self-contained page (no external\n"
	"                         resources) with the same content, sortable tables and\n"
	"                         the process tree\n"
	"       --suggest-policy  print an allow-list policy (compatbox-policy(5)) of\n"
	"                         what was observed instead: the syscalls (when the\n"
	"                         trail recorded syscalls other than ioctl) and the\n"
	"                         ioctls by request and fd target, everything else\n"
	"                         denied. Check it with 'compatbox policy check'.\n"
	"       -h, --help        show this help\n"
	"\n"
	"EXIT STATUS\n"
	"       0 the report was written (malformed lines included), 1 FILE cannot be\n"
	"       read or OUT.html written, 2 misuse.\n"
	"\n"
	"EXAMPLE\n"
	"       compatbox audit --out app.trail -- ./app\n"
	"       compatbox report --html app.html app.trail\n"
	"       compatbox report --suggest-policy app.trail > app.policy\n"
	"       compatbox run --policy app.policy -- ./app\n"
	"\n"
	"SEE ALSO\n"
	"       docs/report.md, docs/audit.md, compatbox-policy(5)\n";

static int misuse(const char *fmt, const char *what)
{
	fputs("compatbox report: ", stderr);
	fprintf(stderr, fmt, what);
	fputs("\nTry 'compatbox report --help'.\n", stderr);
	return 2;
}

static void close_file(FILE **f)
{
	if (*f)
		fclose(*f);
}

int cb_cmd_report(int argc, char **argv)
{
	const char *file = NULL, *html = NULL;
	bool json = false, suggest = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(cb_report_usage, stdout);
			return 0;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--suggest-policy")) {
			suggest = true;
		} else if (!strcmp(a, "--html") || !strncmp(a, "--html=", 7)) {
			if (a[6] == '=')
				html = a + 7;
			else if (i + 1 < argc)
				html = argv[++i];
			else
				return misuse("%s needs a file name", a);
		} else if (a[0] == '-' && a[1]) {
			return misuse("unknown option '%s'", a);
		} else if (file) {
			return misuse("one trail at a time ('%s' is a second)", a);
		} else {
			file = a;
		}
	}
	if (!file)
		return misuse("%s", "which trail? (compatbox report FILE)");
	if (json + suggest > 1)
		return misuse("%s", "--json and --suggest-policy are two different outputs: pick one");

	cleanup_fd int fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : dup(0);
	if (fd < 0) {
		fprintf(stderr, "compatbox report: cannot open '%s': %s\n", file, strerror(errno));
		return 1;
	}
	struct cb_agg a;
	struct cb_err err = { "" };
	cb_agg_init(&a);
	int rc = cb_trail_read_fd(fd, cb_agg_add, &a, &a.read, &err);
	cb_trail_release();
	if (rc) {
		fprintf(stderr, "compatbox report: %s: %s\n", file, err.msg);
		cb_agg_free(&a);
		return 1;
	}
	cb_agg_finish(&a);
	if (html) {
		__attribute__((cleanup(close_file))) FILE *f = fopen(html, "we");
		if (!f) {
			fprintf(stderr, "compatbox report: cannot write '%s': %s\n", html, strerror(errno));
			cb_agg_free(&a);
			return 1;
		}
		cb_report_html(f, &a, file);
		if (fflush(f) || ferror(f)) {
			fprintf(stderr, "compatbox report: cannot write '%s': %s\n", html, strerror(errno));
			cb_agg_free(&a);
			return 1;
		}
	}
	if (suggest)
		cb_report_policy(stdout, &a, file);
	else if (json)
		cb_report_json(stdout, &a, file);
	else if (!html)
		cb_report_table(stdout, &a, file);
	if (a.read.malformed)
		fprintf(stderr, "compatbox report: %s: %llu malformed lines not read (first: line %llu, %s)\n",
			file, (unsigned long long)a.read.malformed,
			(unsigned long long)a.read.first_bad_line, a.read.first_bad);
	cb_agg_free(&a);
	return fflush(stdout) ? 1 : 0;
}
