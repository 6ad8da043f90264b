/* Field annotations as text: the tokens after a field's layout on a .abi
 * line, or after a field path in a spec. Reading is two steps because names
 * may point forward (a record or ioctl defined further down): parse the
 * tokens, then resolve the names once everything is known. */
#ifndef CB_ABIFILE_ANNOT_H
#define CB_ABIFILE_ANNOT_H

#include <stdio.h>

#include "../common/error.h"
#include "layout.h"

struct cb_annot_src {
	struct cb_annot a; /* everything but the indexes names resolve to */
	char *target;      /* ->record NAME, ->array NAME, of=NAME */
	char *len;         /* len=FIELD */
	char *select;      /* select=FIELD */
	char *mirror;      /* mirror=FIELD */
	char *when;        /* when=FIELD:VALUE, the FIELD part */
	bool in_else;      /* after `else`: target, len= and max= are the else part's */
	char *else_target; /* else ->array NAME */
	char *else_len;    /* else ... len=FIELD */
	char *dir_by;      /* dir-by=FIELD */
	char *wrote;       /* wrote=FIELD */
	int ncases;
	char **case_value; /* a number, or an ioctl name with select=cmd */
	char **case_member;
};

/* Start from A (the field's annotation so far; NULL: nothing). */
void cb_annot_src_init(struct cb_annot_src *s, const struct cb_annot *a);
void cb_annot_src_free(struct cb_annot_src *s);

/* Add the annotations in TOK[0..N) to S; err says which token is wrong. */
int cb_annot_parse(struct cb_annot_src *s, char *const *tok, int n, struct cb_err *err);

/* Resolve S's names for field F of record R and store the result as the
 * field's annotation. len=/select= names are looked up among F's siblings,
 * then outward in the records enclosing R ("a.b" encloses "a.b.c"). */
int cb_annot_resolve(const struct cb_annot_src *s, struct cb_abi_db *db, int r, int f,
		     struct cb_err *err);

/* Write field F of record R's annotations, each token preceded by a space. */
void cb_annot_write(const struct cb_abi_db *db, int r, int f, FILE *out);

/* "none", "in", "out", "inout" and back (-1: not a direction). */
const char *cb_dir_name(enum cb_dir d);
int cb_dir_parse(const char *s);
/* A cb_kind_name() back to its kind (-1: not a kind). */
int cb_kind_parse(const char *s);

/* A whole decimal or 0x-hex number that fits 32 bits. */
bool cb_parse_u32(const char *s, uint32_t *out);

#endif
