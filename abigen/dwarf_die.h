/* The debugging information entries of one compile, as parsed from
 * `readelf --debug-dump=info`; internal to abigen/dwarf_*.c. */
#ifndef CB_DWARF_DIE_H
#define CB_DWARF_DIE_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/error.h"

enum cb_dw_tag {
	CB_DW_OTHER,
	CB_DW_BASE,
	CB_DW_STRUCT,
	CB_DW_UNION,
	CB_DW_MEMBER,
	CB_DW_TYPEDEF,
	CB_DW_QUALIFIER, /* const, volatile, restrict, _Atomic: same layout */
	CB_DW_POINTER,
	CB_DW_ARRAY,
	CB_DW_SUBRANGE,
	CB_DW_ENUM,
	CB_DW_ENUMERATOR,
	CB_DW_VARIABLE,
	CB_DW_SUBROUTINE,
};

/* Which attributes a DIE has. */
enum {
	CB_DA_TYPE = 1 << 0,
	CB_DA_BYTE_SIZE = 1 << 1,
	CB_DA_MEMBER_LOC = 1 << 2,
	CB_DA_BIT_SIZE = 1 << 3,
	CB_DA_DATA_BIT_OFF = 1 << 4,
	CB_DA_BIT_OFF = 1 << 5, /* DWARF 2-4: counted from the storage unit's top bit */
	CB_DA_UPPER = 1 << 6,
	CB_DA_COUNT = 1 << 7,
	CB_DA_CONST = 1 << 8,
	CB_DA_ENCODING = 1 << 9,
	CB_DA_DECLARATION = 1 << 10,
	CB_DA_BOUND_EXPR = 1 << 11, /* a bound that is not a constant (VLA) */
};

struct cb_die {
	uint64_t off;
	int depth;
	enum cb_dw_tag tag;
	unsigned has;
	const char *name; /* NULL when unnamed; points into the dump */
	uint64_t type;    /* DIE offset */
	int64_t byte_size, member_loc, bit_size, data_bit_off, bit_off;
	int64_t upper, count, cval;
	int encoding;
	int parent, first_child, next_sibling; /* indexes, -1 when none */
};

struct cb_dies {
	char *text; /* the dump, which names point into */
	struct cb_die *v;
	int n;
	int ptr_size; /* from the unit header */
};

/* Parse a dump; takes TEXT (malloc'd) whatever the outcome. */
int cb_dies_parse(char *text, struct cb_dies *d, struct cb_err *err);
void cb_dies_free(struct cb_dies *d);
/* Index of the DIE at OFF, or -1. */
int cb_dies_at(const struct cb_dies *d, uint64_t off);
/* Index of the top-level DIE with TAG and NAME (enumerators: at any depth), or -1. */
int cb_dies_named(const struct cb_dies *d, enum cb_dw_tag tag, const char *name);

struct cb_dw_view;
struct cb_probe_item;
/* Pass one: the records, scalars and request values the probe ITEMS name,
 * from the DIEs of the stub (anchors cb__v_I_NAME, enumerators cb__rq_I_NAME).
 * Alignments are left 0: pass two asks the compiler (see dwarf_probe.c). */
int cb_dw_view_build(const struct cb_dies *d, const struct cb_probe_item *items, int nitems,
		     struct cb_dw_view *v, struct cb_err *err);

/* DWARF base type encodings (DW_ATE_*). */
enum {
	CB_ATE_BOOLEAN = 0x02,
	CB_ATE_COMPLEX_FLOAT = 0x03,
	CB_ATE_FLOAT = 0x04,
	CB_ATE_SIGNED = 0x05,
	CB_ATE_SIGNED_CHAR = 0x06,
	CB_ATE_UNSIGNED = 0x07,
	CB_ATE_UNSIGNED_CHAR = 0x08,
	CB_ATE_UTF = 0x10,
};

#endif
