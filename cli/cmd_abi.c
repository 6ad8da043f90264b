#include "cmd_abi.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../abi/abifile.h"
#include "../abi/abifile_annot.h"
#include "../abigen/gen.h"
#include "../abi/builtin.h"
#include "../abi/ioctl_decode.h"
#include "../common/cleanup.h"

const char cb_abi_usage[] =
	"Usage: compatbox abi list [--abi FILE] [--stats]\n"
	"       compatbox abi show [--abi FILE] [--json] NAME\n"
	"       compatbox abi syscalls\n"
	"       compatbox abi gen --header FILE --struct NAME... --ioctl NAME[=STRUCT][:DIR]...\n"
	"                         [--annotate STRUCT.FIELD=ANNOTATIONS...]\n"
	"                         [-o FILE.abi]\n"
	"\n"
	"  list   every record and ioctl request compatbox knows, with sizes per ABI\n"
	"  show   a record's layouts side by side (fields marked * differ between\n"
	"         ABIs), or an ioctl's request numbers and argument\n"
	"  syscalls  per i386 syscall: number, name, and what the supervisor\n"
	"         registers for it (translated, performed, or - : the kernel's)\n"
	"  gen    compile FILE for each ABI and write the layouts of the named\n"
	"         structs and requests as a .abi file (stdout without -o); an ioctl\n"
	"         without =STRUCT takes the struct whose sizes its number encodes,\n"
	"         without :DIR the direction its number encodes (a number with\n"
	"         none needs :DIR); every pointer needs an --annotate. A pattern\n"
	"         NAME(PARAM,...) covers every value of its parameters; =buf says\n"
	"         its argument is as many bytes as its size parameter\n"
	"  --abi FILE   read FILE instead of the built-in database\n"
	"  --stats      list: requests per family, and how many differ between ABIs\n"
	"\n"
	"The compiler is $CC (default cc), readelf $READELF (default readelf).\n"
	"See docs/abi.md.\n";

/* Columns in the order people read them: the narrow ABI first. */
static const enum cb_arch cols[] = { CB_ARCH_I386, CB_ARCH_X86_64 };
_Static_assert(sizeof(cols) / sizeof(cols[0]) == CB_ARCH_COUNT, "a column per ABI");

static int misuse(const char *fmt, const char *arg)
{
	fputs("compatbox abi: ", stderr);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'compatbox abi --help'.\n");
	return 2;
}

/* The database to look at: --abi FILE, else the built-in one. */
struct dbsel {
	struct cb_abi_db loaded;
	const struct cb_abi_db *db;
};

static int open_db(struct dbsel *d, const char *path)
{
	d->db = &cb_abi_builtin;
	if (!path)
		return 0;
	struct cb_err err = { "" };
	if (cb_abifile_load(path, &d->loaded, &err) < 0) {
		fprintf(stderr, "compatbox abi: %s\n", err.msg);
		return 1;
	}
	d->db = &d->loaded;
	return 0;
}

static void close_db(struct dbsel *d)
{
	if (d->db == &d->loaded)
		cb_abifile_free(&d->loaded);
}

static int list(const struct cb_abi_db *db)
{
	printf("%-7s %-28s", "", "");
	for (int c = 0; c < CB_ARCH_COUNT; c++)
		printf(" %10s", cb_arch_name(cols[c]));
	printf("\n");
	for (int r = 0; r < db->nrecords; r++) {
		const struct cb_record *rec = &db->records[r];
		printf("%-7s %-28s", rec->is_union ? "union" : "struct", rec->name);
		for (int c = 0; c < CB_ARCH_COUNT; c++)
			printf(" %10u", rec->size[cols[c]]);
		printf("%s%s\n", rec->identical ? "  identical" : "",
		       rec->task_tied ? "  task-tied" : "");
	}
	for (int i = 0; i < db->nioctls; i++) {
		const struct cb_ioctl *io = &db->ioctls[i];
		printf("%-7s %-28s", "ioctl", io->name);
		for (int c = 0; c < CB_ARCH_COUNT; c++)
			printf(" %#10x", io->req[cols[c]]);
		if (io->arg_record >= 0)
			printf("  %s %s", cb_dir_name(io->dir), db->records[io->arg_record].name);
		else if (io->arg_kind != CB_K_PAD)
			printf("  %s %s", cb_dir_name(io->dir), cb_kind_name(io->arg_kind));
		printf("%s%s%s\n", io->task_tied ? "  task-tied" : "",
		       io->written_on_failure ? "  written-on-failure" : "",
		       io->fd_value ? "  fd-value" : "");
	}
	return 0;
}

/* Field I's annotations as text ("" when none); the caller frees. */
static char *annot_text(const struct cb_abi_db *db, int r, int i)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return NULL;
	cb_annot_write(db, r, i, f);
	fclose(f);
	return buf;
}

static bool field_differs(const struct cb_field *f)
{
	for (int a = 1; a < CB_ARCH_COUNT; a++)
		if (f->off[a] != f->off[0] || f->size[a] != f->size[0])
			return true;
	return false;
}

/* "sint", "slong[3]", "struct timespec", "timespec[2]" */
static void kind_text(const struct cb_abi_db *db, const struct cb_field *f, char *buf, size_t cap)
{
	const char *rec = f->record >= 0 ? db->records[f->record].name : NULL;
	if (f->kind == CB_K_ARRAY)
		snprintf(buf, cap, "%s[%u]", rec ? rec : cb_kind_name(f->elem_kind), f->count);
	else if (rec)
		snprintf(buf, cap, "%s %s", cb_kind_name(f->kind), rec);
	else
		snprintf(buf, cap, "%s", cb_kind_name(f->kind));
}

static void show_record(const struct cb_abi_db *db, int r, bool tty)
{
	const struct cb_record *rec = &db->records[r];
	printf("%s %s", rec->is_union ? "union" : "struct", rec->name);
	for (int c = 0; c < CB_ARCH_COUNT; c++)
		printf("%s %s %u bytes, align %u", c ? ";" : ":", cb_arch_name(cols[c]),
		       rec->size[cols[c]], rec->align[cols[c]]);
	printf("\n  %s%s\n\n", rec->identical ? "identical on every ABI: copied as it is"
					      : "differs between ABIs: converted",
	       rec->task_tied ? "; task-tied" : "");
	int nw = 5, kw = 4;
	char kind[160];
	for (int i = 0; i < rec->nfields; i++) {
		const struct cb_field *f = &rec->fields[i];
		kind_text(db, f, kind, sizeof(kind));
		if ((int)strlen(f->name) > nw)
			nw = (int)strlen(f->name);
		if ((int)strlen(kind) > kw)
			kw = (int)strlen(kind);
	}
	/* Two header lines: the ABIs over their offset and size columns. */
	printf("  %-*s %-*s", nw, "", kw, "");
	for (int c = 0; c < CB_ARCH_COUNT; c++)
		printf("  %11s", cb_arch_name(cols[c]));
	printf("\n  %-*s %-*s", nw, "field", kw, "kind");
	for (int c = 0; c < CB_ARCH_COUNT; c++)
		printf("  %5s %5s", "off", "size");
	printf("  annotations\n");
	for (int i = 0; i < rec->nfields; i++) {
		const struct cb_field *f = &rec->fields[i];
		bool differs = field_differs(f);
		kind_text(db, f, kind, sizeof(kind));
		if (differs && tty)
			fputs("\033[1m", stdout);
		printf("%c %-*s %-*s", differs ? '*' : ' ', nw, f->name[0] ? f->name : "(pad)", kw, kind);
		for (int c = 0; c < CB_ARCH_COUNT; c++) {
			enum cb_arch a = cols[c];
			if (f->size[a] == 0)
				printf("  %5s %5s", "-", "-"); /* not on this ABI */
			else
				printf("  %5u %5u", f->off[a], f->size[a]);
		}
		cleanup_free char *an = annot_text(db, r, i);
		if (an && *an)
			printf(" %s", an);
		if (differs && tty)
			fputs("\033[0m", stdout);
		putchar('\n');
	}
}

static void show_ioctl(const struct cb_abi_db *db, const struct cb_ioctl *io, bool tty)
{
	bool same = true;
	for (int a = 1; a < CB_ARCH_COUNT; a++)
		same = same && io->req[a] == io->req[0];
	printf("ioctl %s%s%s%s\n", io->name, io->task_tied ? " (task-tied: left to the kernel)" : "",
	       io->written_on_failure ? " (written back on failure too)" : "",
	       io->fd_value ? " (the argument is an fd of the caller's)" : "");
	for (int c = 0; c < CB_ARCH_COUNT; c++) {
		struct cb_ioctl_fields f = cb_ioctl_split(io->req[cols[c]]);
		bool bold = !same && tty;
		printf("%s%c %-6s request %#010x  dir %-4s type %#04x nr %3u size %4u%s\n",
		       bold ? "\033[1m" : "", same ? ' ' : '*', cb_arch_name(cols[c]),
		       io->req[cols[c]], cb_ioctl_dir_name(f.dir), f.type, f.nr, f.size,
		       bold ? "\033[0m" : "");
	}
	printf("  argument: ");
	if (io->arg_record >= 0) {
		printf("%s record %s\n\n", cb_dir_name(io->dir), db->records[io->arg_record].name);
		show_record(db, io->arg_record, tty);
	} else if (io->arg_kind != CB_K_PAD) {
		printf("%s %s,", cb_dir_name(io->dir), cb_kind_name(io->arg_kind));
		for (int c = 0; c < CB_ARCH_COUNT; c++)
			printf(" %u bytes on %s%s", io->arg_size[cols[c]], cb_arch_name(cols[c]),
			       c + 1 < CB_ARCH_COUNT ? "," : "\n");
	} else {
		printf("none\n");
	}
}

/* ---- JSON: names are C identifiers, so they need no escaping ---- */

static void json_abis(const char *key, const uint32_t *v, bool hex)
{
	printf("\"%s\":{", key);
	for (int c = 0; c < CB_ARCH_COUNT; c++)
		printf(hex ? "%s\"%s\":\"0x%x\"" : "%s\"%s\":%u", c ? "," : "", cb_arch_name(cols[c]),
		       v[cols[c]]);
	putchar('}');
}

static void json_string(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void json_record(const struct cb_abi_db *db, int r)
{
	const struct cb_record *rec = &db->records[r];
	printf("{\"record\":\"%s\",\"union\":%s,\"identical\":%s,\"task_tied\":%s,", rec->name,
	       rec->is_union ? "true" : "false", rec->identical ? "true" : "false",
	       rec->task_tied ? "true" : "false");
	json_abis("size", rec->size, false);
	putchar(',');
	json_abis("align", rec->align, false);
	printf(",\"fields\":[");
	for (int i = 0; i < rec->nfields; i++) {
		const struct cb_field *f = &rec->fields[i];
		printf("%s{\"name\":", i ? "," : "");
		if (f->name[0])
			printf("\"%s\"", f->name);
		else
			printf("null");
		printf(",\"kind\":\"%s\",", cb_kind_name(f->kind));
		json_abis("off", f->off, false);
		putchar(',');
		json_abis("size", f->size, false);
		printf(",\"differs\":%s", field_differs(f) ? "true" : "false");
		if (f->kind == CB_K_ARRAY)
			printf(",\"elem\":\"%s\",\"count\":%u", cb_kind_name(f->elem_kind), f->count);
		if (f->record >= 0)
			printf(",\"record\":\"%s\"", db->records[f->record].name);
		cleanup_free char *an = annot_text(db, r, i);
		printf(",\"annotations\":");
		json_string(an && an[0] == ' ' ? an + 1 : an ? an : "");
		putchar('}');
	}
	printf("]}\n");
}

static void json_ioctl(const struct cb_abi_db *db, const struct cb_ioctl *io)
{
	printf("{\"ioctl\":\"%s\",", io->name);
	json_abis("req", io->req, true);
	printf(",\"dir\":\"%s\",\"task_tied\":%s,\"written_on_failure\":%s,\"fd_value\":%s,"
	       "\"arg\":", cb_dir_name(io->dir), io->task_tied ? "true" : "false",
	       io->written_on_failure ? "true" : "false", io->fd_value ? "true" : "false");
	if (io->arg_record >= 0) {
		printf("{\"record\":\"%s\"}", db->records[io->arg_record].name);
	} else if (io->arg_kind != CB_K_PAD) {
		printf("{\"kind\":\"%s\",", cb_kind_name(io->arg_kind));
		json_abis("size", io->arg_size, false);
		putchar('}');
	} else {
		printf("null");
	}
	printf("}\n");
}

static int show(const struct cb_abi_db *db, const char *name, bool json)
{
	bool tty = isatty(STDOUT_FILENO);
	int r = cb_abi_record_index(db, name);
	const struct cb_ioctl *io = cb_abi_ioctl_by_name(db, name);
	if (r == CB_NO_INDEX && !io) {
		fprintf(stderr, "compatbox abi: no record or ioctl named '%s'"
				" (see 'compatbox abi list')\n", name);
		return 1;
	}
	if (r != CB_NO_INDEX) {
		if (json)
			json_record(db, r);
		else
			show_record(db, r, tty);
	}
	if (io) {
		if (json)
			json_ioctl(db, io);
		else
			show_ioctl(db, io, tty);
	}
	return 0;
}

/* ---- gen ---- */

struct genopts {
	const char *header, *out;
	const char *structs[64];
	int nstructs;
	const char *ioctls[64];
	int nioctls;
	const char *annots[64];
	int nannots;
};

/* Values follow their option: --struct a b --struct c. */
static int gen_opts(int argc, char **argv, struct genopts *o)
{
	const char **list = NULL;
	int *n = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--struct")) {
			list = o->structs;
			n = &o->nstructs;
		} else if (!strcmp(a, "--ioctl")) {
			list = o->ioctls;
			n = &o->nioctls;
		} else if (!strcmp(a, "--annotate")) {
			list = o->annots;
			n = &o->nannots;
		} else if (!strcmp(a, "--header") || !strcmp(a, "-o")) {
			if (i + 1 >= argc)
				return misuse("%s needs a value", a);
			*(a[1] == 'o' ? &o->out : &o->header) = argv[++i];
			list = NULL;
		} else if (a[0] == '-' || !list) {
			return misuse("gen: unexpected '%s'", a);
		} else if (*n == 64) {
			return misuse("gen: too many names (at most 64 of each): %s", a);
		} else {
			list[(*n)++] = a;
		}
	}
	if (!o->header || (!o->nstructs && !o->nioctls))
		return misuse("%s", "gen needs --header FILE and --struct or --ioctl names");
	return 0;
}

/* The spec `gen` compiles: one unit including the header. */
static int gen_spec(const struct genopts *o, struct cb_spec *s, struct cb_err *err)
{
	char path[PATH_MAX];
	if (!realpath(o->header, path))
		return cb_fail(err, errno, "%s: %s", o->header, strerror(errno));
	if (strchr(path, '"') || strchr(path, '\n'))
		return cb_fail(err, EINVAL, "%s: a header path with a quote in it", path);
	char inc[PATH_MAX + 16];
	snprintf(inc, sizeof(inc), "#include \"%s\"", path);
	struct cb_spec_unit *u = cb_spec_add_unit(s, "header");
	if (!u || cb_spec_add_c(u, "#include <sys/ioctl.h>") < 0 || cb_spec_add_c(u, inc) < 0)
		return cb_fail(err, ENOMEM, "out of memory");
	for (int i = 0; i < o->nstructs; i++)
		if (!cb_spec_add_record(u, o->structs[i], NULL))
			return cb_fail(err, ENOMEM, "out of memory");
	for (int i = 0; i < o->nioctls; i++) {
		/* NAME[=STRUCT|=none][:DIR] */
		char name[256], arg[256] = "";
		const char *spec = o->ioctls[i], *colon = strchr(spec, ':');
		size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
		snprintf(name, sizeof(name), "%.*s", (int)len, spec);
		char *eq = strchr(name, '=');
		if (eq) {
			snprintf(arg, sizeof(arg), "%s", eq + 1);
			*eq = 0;
		}
		struct cb_spec_ioctl *io = cb_spec_add_ioctl(u, name);
		if (!io)
			return cb_fail(err, ENOMEM, "out of memory");
		io->dir_auto = true;
		io->arg = CB_ARG_AUTO;
		if (colon) {
			int d = cb_dir_parse(colon + 1);
			if (d < 0)
				return cb_fail(err, EINVAL, "--ioctl %s: '%s' is not in, out, inout or none",
					       spec, colon + 1);
			io->dir = (enum cb_dir)d;
			io->dir_auto = false;
		}
		if (strcmp(arg, "none") == 0) {
			io->arg = CB_ARG_NONE;
		} else if (strcmp(arg, "buf") == 0) {
			io->arg = CB_ARG_BUF; /* a pattern's bytes: EVIOCGNAME(len)=buf */
		} else if (*arg) {
			bool known = false;
			for (int k = 0; k < o->nstructs; k++)
				known = known || !strcmp(o->structs[k], arg);
			if (!known && !cb_spec_add_record(u, arg, NULL))
				return cb_fail(err, ENOMEM, "out of memory");
			io->arg = CB_ARG_RECORD;
			if (!(io->arg_name = strdup(arg)))
				return cb_fail(err, ENOMEM, "out of memory");
		}
	}
	/* STRUCT.FIELD[.FIELD]=ANNOTATIONS */
	for (int i = 0; i < o->nannots; i++) {
		const char *t = o->annots[i], *dot = strchr(t, '.'), *eq = strchr(t, '=');
		if (!dot || !eq || eq < dot)
			return cb_fail(err, EINVAL, "--annotate %s: expected STRUCT.FIELD=ANNOTATIONS", t);
		struct cb_spec_record *r = NULL;
		for (int k = 0; k < u->nrecords && !r; k++)
			if (strlen(u->records[k].name) == (size_t)(dot - t) &&
			    !strncmp(u->records[k].name, t, (size_t)(dot - t)))
				r = &u->records[k];
		if (!r)
			return cb_fail(err, ENOENT, "--annotate %s: no --struct %.*s", t,
				       (int)(dot - t), t);
		char fpath[256];
		snprintf(fpath, sizeof(fpath), "%.*s", (int)(eq - dot - 1), dot + 1);
		if (cb_spec_add_annot(r, fpath, eq + 1) < 0)
			return cb_fail(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int gen(int argc, char **argv)
{
	struct genopts o = { 0 };
	int rc = gen_opts(argc, argv, &o);
	if (rc)
		return rc;
	struct cb_err err = { "" };
	struct cb_spec s = { 0 };
	struct cb_gen g;
	if (gen_spec(&o, &s, &err) < 0 || cb_gen_run(&s, NULL, &g, &err) < 0) {
		fprintf(stderr, "compatbox abi gen: %s\n", err.msg);
		cb_spec_free(&s);
		return 1;
	}
	cb_spec_free(&s);
	char comment[1024];
	const char *base = strrchr(o.header, '/');
	snprintf(comment, sizeof(comment),
		 "Generated by compatbox abi gen from %s; add annotations by hand (docs/abi.md).",
		 base ? base + 1 : o.header);
	if (o.out)
		rc = cb_abifile_save(o.out, &g.db, comment, &err) < 0;
	else
		rc = cb_abifile_write(stdout, &g.db, comment) < 0 || fflush(stdout) != 0;
	if (rc)
		fprintf(stderr, "compatbox abi gen: %s\n", o.out ? err.msg : "write failed");
	cb_gen_free(&g);
	return rc ? 1 : 0;
}

int cb_cmd_abi(int argc, char **argv)
{
	if (argc < 2)
		return misuse("%s", "a subcommand: list, show or gen");
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(cb_abi_usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "gen"))
		return gen(argc - 1, argv + 1);
	if (!strcmp(cmd, "syscalls")) {
		if (argc > 2)
			return misuse("unexpected '%s'", argv[2]);
		struct cb_err err = { "" };
		if (cb_abi_syscalls(stdout, &err)) {
			fprintf(stderr, "compatbox abi syscalls: internal error: %s\n", err.msg);
			return 1;
		}
		return 0;
	}
	if (strcmp(cmd, "list") != 0 && strcmp(cmd, "show") != 0)
		return misuse("unknown subcommand '%s'", cmd);
	const char *file = NULL, *name = NULL;
	bool json = false, stats = false;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--abi") && i + 1 < argc)
			file = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--stats") && cmd[0] == 'l')
			stats = true;
		else if (argv[i][0] != '-' && !name && cmd[0] == 's')
			name = argv[i];
		else
			return misuse("unexpected '%s'", argv[i]);
	}
	if (cmd[0] == 's' && !name)
		return misuse("%s", "show needs a record or ioctl name");
	struct dbsel d;
	int rc = open_db(&d, file);
	if (rc == 0)
		rc = cmd[0] == 's' ? show(d.db, name, json) : stats ? cb_abi_stats(d.db, stdout)
								       : list(d.db);
	close_db(&d);
	return rc;
}
