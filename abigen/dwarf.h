/* Reading struct layouts and constants back from the compiler without running
 * anything it builds: a stub naming the wanted types and request macros is
 * compiled `-g -c` for one ABI, and readelf's text dump of its DWARF is
 * parsed. The compiler is $CC (default "cc"), readelf is $READELF (default
 * "readelf"), so a cross toolchain works; the ABI is selected with -m32/-m64.
 *
 * What comes back is one ABI's view: the records reachable from the stub's
 * types, named and flattened into fields. abi/gen.c merges the views. */
#ifndef CB_DWARF_H
#define CB_DWARF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/error.h"
#include "../abi/layout.h"

/* The files the compiles read, as make-style dependencies (kept escaped as
 * the compiler wrote them), so the build reruns when a header changes. */
struct cb_dw_deps {
	char **v;
	int n;
};

/* Commands to run; NULL fields mean $CC / $READELF, then "cc" / "readelf".
 * A command may carry words ("ccache gcc"); it is split on blanks, no shell. */
struct cb_dw_tools {
	const char *cc;
	const char *readelf;
	struct cb_dw_deps *deps; /* NULL: not collected */
};

/* The flag that selects ARCH's code model: "-m32" or "-m64". */
const char *cb_dw_abi_flag(enum cb_arch arch);

enum cb_probe_what {
	CB_PROBE_RECORD,  /* ctype is a struct or union: build its record */
	CB_PROBE_SCALAR,  /* ctype is a scalar: kind and size */
	CB_PROBE_REQUEST, /* name is a macro: its value as an unsigned int */
};

struct cb_probe_item {
	enum cb_probe_what what;
	const char *name;  /* the record's name, or the request macro: an identifier */
	const char *ctype; /* RECORD, SCALAR: a C type name ("struct stat64", "pid_t");
			    * REQUEST: its C expression when not the name ("EVIOCGABS(0x1u)") */
};

/* One item as one ABI sees it. */
struct cb_probe_value {
	int record;        /* RECORD: index in the view's records */
	enum cb_kind kind; /* SCALAR */
	uint32_t size;     /* SCALAR */
	uint32_t value;    /* REQUEST */
};

/* A field as one ABI lays it out. */
struct cb_dw_field {
	char *name;          /* "_anonN" for an unnamed struct/union member */
	enum cb_kind kind;
	uint32_t off, size;  /* flexible array: size is one element's size */
	enum cb_kind elem_kind; /* CB_K_ARRAY (multi-dimensional ones flattened) */
	uint32_t count;
	int record;          /* STRUCT, UNION, array of them: index in the view */
	bool flex;           /* an array declared [] or [0]: count is 0 */
	bool unnamed;        /* an anonymous struct/union member */
	char *bits;          /* bitfields packed in these bytes (kind RAW): "name:bit:width ..."
			      * relative to off, so layouts can be compared; else NULL */
};

struct cb_dw_record {
	char *name;    /* spec name, tag, typedef, or "parent.field" */
	char *cexpr;   /* a C type naming it; NULL for an unnamed member */
	char *access;  /* a pointer expression its fields are reached through:
			* ((__typeof__(cexpr) *)0), or the enclosing record's */
	bool is_union;
	uint32_t size, align;
	int nfields;
	struct cb_dw_field *fields;
	int parent, parent_field; /* unnamed member: where it sits; else CB_NO_INDEX */
};

/* Records come children first, so a record's nested records precede it. */
struct cb_dw_view {
	struct cb_dw_record *records;
	int nrecords;
	struct cb_probe_value *values; /* one per probe item */
	int nvalues;
	uint32_t long_size; /* sizeof(long), to tell long-sized fields from fixed ones */
};

/* Compile PRELUDE (includes and declarations) plus a stub naming ITEMS for
 * ARCH and read the layouts back. Compiler diagnostics go into err. */
int cb_dw_probe(const struct cb_dw_tools *tools, enum cb_arch arch, const char *prelude,
		const struct cb_probe_item *items, int nitems, struct cb_dw_view *out,
		struct cb_err *err);
void cb_dw_view_free(struct cb_dw_view *v);

/* Running the tools, shared with cb-abigen's check. */
/* Run CMD (split on blanks) followed by ARGS (NULL-terminated); stdout to
 * OUT_PATH (NULL: /dev/null), stderr to a file whose first error line ends
 * up in err when the command fails. */
int cb_dw_run(const char *cmd, const char *const *args, const char *out_path,
	      const char *err_path, struct cb_err *err);
/* The compiler and readelf commands in effect. */
const char *cb_dw_cc(const struct cb_dw_tools *tools);
const char *cb_dw_readelf(const struct cb_dw_tools *tools);
/* Add the prerequisites of the compiler's -MD file DFILE, but SKIP (the
 * generated source). */
int cb_dw_deps_add(struct cb_dw_deps *d, const char *dfile, const char *skip);
/* "TARGET: dep dep ...\n" */
int cb_dw_deps_write(const struct cb_dw_deps *d, const char *target, FILE *f);
void cb_dw_deps_free(struct cb_dw_deps *d);
/* A private directory under $TMPDIR (or /tmp) into DIR; cb_dw_tmpdir_remove
 * deletes it with the files in it. */
int cb_dw_tmpdir(char *dir, size_t cap, struct cb_err *err);
void cb_dw_tmpdir_remove(const char *dir);

#endif
