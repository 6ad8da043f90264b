/* Parsing readelf's text dump of .debug_info into a DIE table.
 *
 * readelf's layout has been stable for many binutils releases:
 *
 *  <1><157>: Abbrev Number: 9 (DW_TAG_structure_type)
 *     <158>   DW_AT_name        : (indirect string, offset: 0xe8): stat64
 *     <15c>   DW_AT_byte_size   : 96
 *
 * Only the attributes that describe layout are kept; everything else (source
 * positions, locations) is skipped, so unknown attributes are harmless. */
#include "dwarf_die.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	enum cb_dw_tag tag;
} tags[] = {
	{ "DW_TAG_base_type", CB_DW_BASE },
	{ "DW_TAG_structure_type", CB_DW_STRUCT },
	{ "DW_TAG_union_type", CB_DW_UNION },
	{ "DW_TAG_member", CB_DW_MEMBER },
	{ "DW_TAG_typedef", CB_DW_TYPEDEF },
	{ "DW_TAG_const_type", CB_DW_QUALIFIER },
	{ "DW_TAG_volatile_type", CB_DW_QUALIFIER },
	{ "DW_TAG_restrict_type", CB_DW_QUALIFIER },
	{ "DW_TAG_atomic_type", CB_DW_QUALIFIER },
	{ "DW_TAG_pointer_type", CB_DW_POINTER },
	{ "DW_TAG_array_type", CB_DW_ARRAY },
	{ "DW_TAG_subrange_type", CB_DW_SUBRANGE },
	{ "DW_TAG_enumeration_type", CB_DW_ENUM },
	{ "DW_TAG_enumerator", CB_DW_ENUMERATOR },
	{ "DW_TAG_variable", CB_DW_VARIABLE },
	{ "DW_TAG_subroutine_type", CB_DW_SUBROUTINE },
	{ "DW_TAG_compile_unit", CB_DW_OTHER },
};

static enum cb_dw_tag tag_of(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strlen(tags[i].name) == n && memcmp(tags[i].name, s, n) == 0)
			return tags[i].tag;
	return CB_DW_OTHER;
}

/* A number as readelf prints it: decimal, 0x-hex or negative. */
static bool parse_int(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	if (*s == '-') {
		*out = strtoll(s, &end, 0);
	} else {
		*out = (int64_t)strtoull(s, &end, 0);
	}
	while (isspace((unsigned char)*end))
		end++;
	return errno == 0 && end != s && *end == 0; /* not "2 byte block: ..." */
}

/* "N byte block: b0 b1 ... (DW_OP_plus_uconst: 8)" as DW_AT_data_member_location
 * in DWARF 2/3, or a constant stored as a block (little-endian: x86). */
static bool parse_block(const char *s, bool want_uconst, int64_t *out)
{
	if (want_uconst) {
		const char *p = strstr(s, "DW_OP_plus_uconst: ");
		if (!p)
			return false;
		p += strlen("DW_OP_plus_uconst: ");
		char *end;
		*out = (int64_t)strtoull(p, &end, 0); /* followed by ")" */
		return end != p;
	}
	char *end;
	unsigned long n = strtoul(s, &end, 10);
	if (end == s || strncmp(end, " byte block:", 12) != 0 || n == 0 || n > 8)
		return false;
	const char *p = end + 12;
	uint64_t v = 0;
	for (unsigned long i = 0; i < n; i++) {
		unsigned long b = strtoul(p, &end, 16);
		if (end == p || b > 0xff)
			return false;
		v |= (uint64_t)b << (8 * i);
		p = end;
	}
	*out = (int64_t)v;
	return true;
}

static bool parse_value(const char *s, bool uconst_block, int64_t *out)
{
	return parse_int(s, out) || parse_block(s, uconst_block, out);
}

/* The string in "(indirect string, offset: 0x38): stat64" or plain "int". */
static const char *string_value(char *s)
{
	if (*s == '(') {
		char *p = strstr(s, "): ");
		if (p)
			s = p + 3;
	}
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

static void attribute(struct cb_die *d, const char *attr, char *val)
{
	int64_t v;
	if (strcmp(attr, "DW_AT_name") == 0) {
		d->name = string_value(val);
	} else if (strcmp(attr, "DW_AT_type") == 0) {
		/* "<0x2c>": readelf prints references as section offsets. */
		char *end;
		uint64_t u = strtoull(val + 1, &end, 16);
		if (val[0] == '<' && end != val + 1 && *end == '>') {
			d->type = u;
			d->has |= CB_DA_TYPE;
		}
	} else if (strcmp(attr, "DW_AT_byte_size") == 0) {
		if (parse_int(val, &v)) {
			d->byte_size = v;
			d->has |= CB_DA_BYTE_SIZE;
		}
	} else if (strcmp(attr, "DW_AT_data_member_location") == 0) {
		if (parse_value(val, true, &v)) {
			d->member_loc = v;
			d->has |= CB_DA_MEMBER_LOC;
		}
	} else if (strcmp(attr, "DW_AT_bit_size") == 0) {
		if (parse_int(val, &v)) {
			d->bit_size = v;
			d->has |= CB_DA_BIT_SIZE;
		}
	} else if (strcmp(attr, "DW_AT_data_bit_offset") == 0) {
		if (parse_int(val, &v)) {
			d->data_bit_off = v;
			d->has |= CB_DA_DATA_BIT_OFF;
		}
	} else if (strcmp(attr, "DW_AT_bit_offset") == 0) {
		if (parse_int(val, &v)) {
			d->bit_off = v;
			d->has |= CB_DA_BIT_OFF;
		}
	} else if (strcmp(attr, "DW_AT_upper_bound") == 0) {
		if (parse_value(val, false, &v)) {
			d->upper = v;
			d->has |= CB_DA_UPPER;
		} else {
			d->has |= CB_DA_BOUND_EXPR;
		}
	} else if (strcmp(attr, "DW_AT_count") == 0) {
		if (parse_value(val, false, &v)) {
			d->count = v;
			d->has |= CB_DA_COUNT;
		} else {
			d->has |= CB_DA_BOUND_EXPR;
		}
	} else if (strcmp(attr, "DW_AT_const_value") == 0) {
		if (parse_value(val, false, &v)) {
			d->cval = v;
			d->has |= CB_DA_CONST;
		}
	} else if (strcmp(attr, "DW_AT_encoding") == 0) {
		char *end; /* "5	(signed)" */
		long e = strtol(val, &end, 0);
		if (end != val) {
			d->encoding = (int)e;
			d->has |= CB_DA_ENCODING;
		}
	} else if (strcmp(attr, "DW_AT_declaration") == 0) {
		d->has |= CB_DA_DECLARATION;
	}
}

static int grow(struct cb_dies *d, int *cap, struct cb_err *err)
{
	if (d->n < *cap)
		return 0;
	int ncap = *cap ? *cap * 2 : 256;
	struct cb_die *v = realloc(d->v, (size_t)ncap * sizeof(*v));
	if (!v)
		return cb_fail(err, ENOMEM, "out of memory reading DWARF");
	d->v = v;
	*cap = ncap;
	return 0;
}

/* " <1><157>: Abbrev Number: 9 (DW_TAG_structure_type)" */
static bool die_head(const char *s, int *depth, uint64_t *off, unsigned *abbrev,
		     const char **tag, size_t *taglen)
{
	int used = 0;
	if (sscanf(s, " <%d><%" SCNx64 ">: Abbrev Number: %u%n", depth, off, abbrev, &used) != 3)
		return false;
	const char *t = strstr(s + used, "(DW_TAG_");
	*tag = NULL;
	*taglen = 0;
	if (t) {
		t++;
		const char *e = strchr(t, ')');
		*tag = t;
		*taglen = e ? (size_t)(e - t) : strlen(t);
	}
	return true;
}

/* "    <158>   DW_AT_name        : value" */
static bool attr_line(char *s, char **attr, char **val)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '<')
		return false;
	s = strchr(s, '>');
	if (!s)
		return false;
	s++;
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "DW_AT_", 6) != 0)
		return false;
	*attr = s;
	while (*s && (isalnum((unsigned char)*s) || *s == '_'))
		s++;
	char *colon = strchr(s, ':');
	if (!colon)
		return false;
	*s = 0;
	s = colon + 1;
	while (*s == ' ' || *s == '\t')
		s++;
	*val = s;
	return true;
}

static void link_tree(struct cb_dies *d)
{
	/* DIEs come in pre-order: last[k] is the latest DIE at depth k under
	 * the current parent, reset whenever a shallower DIE starts a new one. */
	enum { MAXDEPTH = 64 };
	int last[MAXDEPTH];
	for (int i = 0; i < MAXDEPTH; i++)
		last[i] = -1;
	for (int i = 0; i < d->n; i++) {
		struct cb_die *e = &d->v[i];
		int dep = e->depth;
		if (dep < 0 || dep >= MAXDEPTH)
			continue; /* deeper than any type we read: left unlinked */
		e->parent = dep > 0 ? last[dep - 1] : -1;
		if (last[dep] >= 0)
			d->v[last[dep]].next_sibling = i;
		else if (e->parent >= 0)
			d->v[e->parent].first_child = i;
		last[dep] = i;
		for (int k = dep + 1; k < MAXDEPTH; k++)
			last[k] = -1;
	}
}

int cb_dies_parse(char *text, struct cb_dies *d, struct cb_err *err)
{
	memset(d, 0, sizeof(*d));
	d->text = text;
	int cap = 0;
	struct cb_die *cur = NULL;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		int depth, ps;
		uint64_t off;
		unsigned abbrev;
		const char *tag;
		size_t taglen;
		char *attr, *val;
		if (sscanf(line, " Pointer Size: %d", &ps) == 1) {
			d->ptr_size = ps;
		} else if (die_head(line, &depth, &off, &abbrev, &tag, &taglen)) {
			cur = NULL;
			if (abbrev == 0)
				continue; /* end of a sibling chain */
			int rc = grow(d, &cap, err);
			if (rc < 0) {
				cb_dies_free(d);
				return rc;
			}
			cur = &d->v[d->n++];
			memset(cur, 0, sizeof(*cur));
			cur->off = off;
			cur->depth = depth;
			cur->tag = tag ? tag_of(tag, taglen) : CB_DW_OTHER;
			cur->parent = cur->first_child = cur->next_sibling = -1;
		} else if (cur && attr_line(line, &attr, &val)) {
			attribute(cur, attr, val);
		}
	}
	if (d->n == 0) {
		cb_dies_free(d);
		return cb_fail(err, EINVAL, "no DWARF in the compiled probe (compiled with -g?)");
	}
	link_tree(d);
	return 0;
}

void cb_dies_free(struct cb_dies *d)
{
	free(d->text);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

int cb_dies_at(const struct cb_dies *d, uint64_t off)
{
	int lo = 0, hi = d->n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (d->v[mid].off == off)
			return mid;
		if (d->v[mid].off < off)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

int cb_dies_named(const struct cb_dies *d, enum cb_dw_tag tag, const char *name)
{
	for (int i = 0; i < d->n; i++) {
		const struct cb_die *e = &d->v[i];
		if (e->tag == tag && e->name && strcmp(e->name, name) == 0 &&
		    (e->depth == 1 || tag == CB_DW_ENUMERATOR))
			return i;
	}
	return -1;
}
