/* The ABI database generator. A spec lists the types and ioctl requests
 * compatbox must know, the groups of headers ("units") they are compiled in,
 * and what no header says (annotations). Each unit is compiled once per ABI
 * (abigen/dwarf.h) and the views are merged into one cb_abi_db: fields matched
 * by name, gaps made explicit as pad fields, annotations resolved.
 * The spec format is in docs/abi.md. */
#ifndef CB_GEN_H
#define CB_GEN_H

#include <stdio.h>

#include "../common/error.h"
#include "dwarf.h"
#include "../abi/layout.h"

/* ---- the spec (abigen/gen_spec.c) ---- */

enum cb_spec_arg {
	CB_ARG_NONE,   /* the argument is not a pointer to anything */
	CB_ARG_RECORD, /* arg_name: a record of the database */
	CB_ARG_TYPE,   /* arg_name: a scalar C type ("int", "pid_t") */
	CB_ARG_AUTO,   /* the record whose size the request encodes */
	CB_ARG_BUF,    /* bytes, as many as the request's size parameter says */
	CB_ARG_ARRAY,  /* arg_name: records, as many bytes of them as the size says */
};

struct cb_spec_annot {
	char *path; /* "field", or "field.field" into nested records */
	char *text; /* annotation tokens, as on a .abi field line */
	int line;
};

struct cb_spec_record {
	char *name;
	char *ctype; /* "struct NAME" unless given */
	bool task_tied;
	struct cb_spec_annot *annots;
	int nannots;
	int line;
};

struct cb_spec_ioctl {
	char *name;     /* the request macro, or a pattern "EVIOCGBIT(ev,len)" */
	int nparams;    /* a pattern's parameters; 0 for a plain macro */
	enum cb_spec_arg arg;
	char *arg_name;
	enum cb_dir dir;
	bool dir_auto;  /* from the request's _IOC direction bits */
	bool task_tied;
	bool written_on_failure;
	bool fd_value;
	int line;
};

/* scan FAMILY PREFIX...: every request macro of the unit's headers whose
 * name starts with a PREFIX, counted for FAMILY. */
struct cb_spec_scan {
	char *family;
	char *prefixes; /* blank-separated */
	int line;
};

struct cb_spec_unit {
	char *name;
	struct cb_spec_scan *scans;
	int nscans;
	char *prelude; /* C: #includes and declarations, compiled before the probe */
	struct cb_spec_record *records;
	int nrecords;
	struct cb_spec_ioctl *ioctls;
	int nioctls;
	int line;
};

struct cb_spec {
	char *path;
	struct cb_spec_unit *units;
	int nunits;
};

int cb_spec_load(const char *path, struct cb_spec *s, struct cb_err *err);
/* TEXT as if read from PATH (for messages). */
int cb_spec_parse(const char *path, const char *text, struct cb_spec *s, struct cb_err *err);
void cb_spec_free(struct cb_spec *s);

/* Building a spec in code (`compatbox abi gen`); NULL when out of memory. */
struct cb_spec_unit *cb_spec_add_unit(struct cb_spec *s, const char *name);
int cb_spec_add_c(struct cb_spec_unit *u, const char *line); /* one line of C */
struct cb_spec_record *cb_spec_add_record(struct cb_spec_unit *u, const char *name,
					  const char *ctype);
struct cb_spec_ioctl *cb_spec_add_ioctl(struct cb_spec_unit *u, const char *name);
/* Annotate field PATH of R with TEXT (tokens as on a .abi field line). */
int cb_spec_add_annot(struct cb_spec_record *r, const char *path, const char *text);

/* ---- the generator (abigen/gen.c, abigen/gen_merge.c) ---- */

/* Per field, what the build-time check may assert. */
enum {
	CB_GF_GAP = 1 << 0,     /* a pad for a gap: no C member */
	CB_GF_BITS = 1 << 1,    /* bitfields: no offsetof */
	CB_GF_UNNAMED = 1 << 2, /* an anonymous member: checked through its fields */
	CB_GF_FLEX = 1 << 3,    /* a flexible array: no sizeof */
	CB_GF_PRESENT = 1 << 4, /* shifted by the cb_arch: a C member on that ABI */
};

/* Where a record came from. */
struct cb_gen_rec {
	int unit;       /* the unit it was first compiled in */
	char *cexpr;    /* a C type naming it; NULL for an unnamed member */
	int parent;     /* an unnamed member: the record and field it sits in */
	int parent_field;
	unsigned *fflags; /* per field, CB_GF_* */
};

struct cb_gen_ioc {
	int unit;
	char *arg_ctype; /* CB_ARG_TYPE */
};

struct cb_gen {
	struct cb_abi_db db; /* malloc'd; db.known too */
	struct cb_gen_rec *rec; /* parallel to db.records */
	struct cb_gen_ioc *ioc; /* parallel to db.ioctls */
};

int cb_gen_run(const struct cb_spec *s, const struct cb_dw_tools *tools, struct cb_gen *g,
	       struct cb_err *err);
void cb_gen_free(struct cb_gen *g);

/* The kind of a scalar seen as KIND[a] of SIZE[a] bytes on the ABIs in
 * PRESENT (views give each ABI's long width); -1 when they cannot be
 * reconciled, CB_K_PAD when no ABI has it. */
int cb_gen_scalar_kind(const struct cb_dw_view *views, const enum cb_kind *kind,
		       const uint32_t *size, const bool *present);
/* The request macros a unit's scan lines ask for: NAMES[i] (malloc'd,
 * NULL-terminated array of malloc'd names, a pattern as NAME(p,...)) and
 * FAMILIES[i] (pointers into the spec), from `cc -E -dM` of the unit
 * (abigen/gen_scan.c). */
int cb_gen_scan_macros(const struct cb_spec_unit *u, const struct cb_dw_tools *tools,
		       char ***names, const char ***families, int *n, struct cb_err *err);
/* Merge one unit's per-ABI views into G (abigen/gen_merge.c). */
int cb_gen_merge_unit(struct cb_gen *g, int unit, const struct cb_dw_view *views,
		      struct cb_err *err);

/* ---- output for the build (abigen/gen_emit.c) ---- */

/* C source defining `const struct cb_abi_db NAME` as constant tables. */
int cb_gen_emit_tables(const struct cb_gen *g, const char *name, const char *source, FILE *f);
/* C source of _Static_asserts: every size, alignment, offset and request
 * number against the real headers, a section per unit and ABI, selected
 * with -DCB_ABI_UNIT=N -DCB_ABI_<ABI>. The first line says how many units. */
int cb_gen_emit_check(const struct cb_gen *g, const struct cb_spec *s, FILE *f);
/* Compile every section of a check file with -fsyntax-only; a failing
 * compiler's diagnostics are copied to DIAG (may be NULL). */
int cb_gen_run_check(const char *path, const struct cb_dw_tools *tools, FILE *diag,
		     struct cb_err *err);

#endif
