/* cb-syscall-tables: every syscall name and number of both ABIs as libseccomp
 * knows them, written at build time as C tables (abi/syscall_tables.h), so
 * that a start-up looks them up instead of asking libseccomp, which scans
 * its tables linearly, a few thousand times. Usage: cb-syscall-tables OUT.c */
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXNR 1024

static const uint32_t arches[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86 }; /* enum cb_arch order */
#define NARCH (sizeof(arches) / sizeof(arches[0]))

static char *names[NARCH][MAXNR];

static int by_name(const void *a, const void *b, void *arch)
{
	char **n = names[*(size_t *)arch];
	int x = *(const int *)a, y = *(const int *)b;
	int c = strcmp(n[x], n[y]);
	return c ? c : x - y;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: cb-syscall-tables OUT.c\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "w");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	const struct scmp_version *v = seccomp_version();
	fprintf(f, "/* Generated at build time by cb-syscall-tables from libseccomp %u.%u.%u:\n"
		   " * do not edit (abi/syscall_tables.h says what each table is). */\n"
		   "#include <stdint.h>\n\n",
		v->major, v->minor, v->micro);
	int sorted[NARCH][MAXNR], count[NARCH] = { 0 };
	for (size_t a = 0; a < NARCH; a++)
		for (int nr = 0; nr < MAXNR; nr++)
			if ((names[a][nr] = seccomp_syscall_resolve_num_arch(arches[a], nr)))
				sorted[a][count[a]++] = nr;
	/* Names as offsets into one text, not pointers: a table of pointers
	 * is relocated, and so copied, at every start of the program. */
	static unsigned at[NARCH][MAXNR];
	unsigned len = 0;
	fprintf(f, "const char cb_systab_text[] =\n\t\"\\0\"");
	for (size_t a = 0; a < NARCH; a++)
		for (int nr = 0; nr < MAXNR; nr++)
			if (names[a][nr]) {
				at[a][nr] = ++len;
				len += (unsigned)strlen(names[a][nr]);
				fprintf(f, "\n\t\"%s\\0\"", names[a][nr]);
			}
	fprintf(f, ";\n\n");
	if (len > UINT16_MAX) {
		fprintf(stderr, "cb-syscall-tables: %u bytes of names, more than a uint16_t offset\n", len);
		return 1;
	}
	fprintf(f, "const uint16_t cb_systab_name_at[%zu][%d] = {\n", NARCH, MAXNR);
	for (size_t a = 0; a < NARCH; a++) {
		fprintf(f, "\t{\n");
		for (int nr = 0; nr < MAXNR; nr++)
			if (names[a][nr])
				fprintf(f, "\t\t[%d] = %u,\n", nr, at[a][nr]);
		fprintf(f, "\t},\n");
	}
	fprintf(f, "};\n\n/* The number libseccomp's rules take for each call: the x86_64 one,\n"
		   " * or libseccomp's pseudo-number for a call x86_64 lacks. */\n");
	fprintf(f, "const int32_t cb_systab_rule_nr[%zu][%d] = {\n", NARCH, MAXNR);
	for (size_t a = 0; a < NARCH; a++) {
		fprintf(f, "\t{\n");
		for (int nr = 0; nr < MAXNR; nr++)
			if (names[a][nr])
				fprintf(f, "\t\t[%d] = %d,\n", nr, seccomp_syscall_resolve_name(names[a][nr]));
		fprintf(f, "\t},\n");
	}
	fprintf(f, "};\n\nconst uint16_t cb_systab_by_name[%zu][%d] = {\n", NARCH, MAXNR);
	for (size_t a = 0; a < NARCH; a++) {
		qsort_r(sorted[a], (size_t)count[a], sizeof(int), by_name, &a);
		fprintf(f, "\t{");
		for (int i = 0; i < count[a]; i++)
			fprintf(f, "%s%d,", i % 16 ? " " : "\n\t\t", sorted[a][i]);
		fprintf(f, "\n\t},\n");
	}
	fprintf(f, "};\n\nconst int cb_systab_count[%zu] = {", NARCH);
	for (size_t a = 0; a < NARCH; a++)
		fprintf(f, " %d,", count[a]);
	fprintf(f, " };\n");
	return fclose(f) == 0 ? 0 : 1;
}
