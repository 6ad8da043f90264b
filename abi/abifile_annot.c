#include "abifile_annot.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

bool cb_parse_u32(const char *s, uint32_t *out)
{
	if (!isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

void cb_annot_src_init(struct cb_annot_src *s, const struct cb_annot *a)
{
	memset(s, 0, sizeof(*s));
	if (a)
		s->a = *a;
	else
		cb_annot_init(&s->a);
	/* Cases come back from their names; the old array is the field's. */
	s->a.cases = NULL;
	s->a.ncases = 0;
}

void cb_annot_src_free(struct cb_annot_src *s)
{
	free(s->target);
	free(s->len);
	free(s->select);
	free(s->mirror);
	free(s->when);
	free(s->else_target);
	free(s->else_len);
	free(s->dir_by);
	free(s->wrote);
	for (int i = 0; i < s->ncases; i++) {
		free(s->case_value[i]);
		free(s->case_member[i]);
	}
	free(s->case_value);
	free(s->case_member);
	memset(s, 0, sizeof(*s));
}

static int set_str(char **dst, const char *val, const char *what, struct cb_err *err)
{
	if (*dst)
		return cb_fail(err, EINVAL, "%s given twice", what);
	if (!*val)
		return cb_fail(err, EINVAL, "%s needs a value", what);
	*dst = strdup(val);
	return *dst ? 0 : cb_fail(err, ENOMEM, "out of memory");
}

static int set_target(struct cb_annot_src *s, enum cb_target t, const char *tok, struct cb_err *err)
{
	if (s->a.target != CB_T_NONE && s->a.target != t)
		return cb_fail(err, EINVAL, "'%s': the field already points elsewhere", tok);
	s->a.target = t;
	return 0;
}

static int add_case(struct cb_annot_src *s, const char *val, struct cb_err *err)
{
	const char *colon = strchr(val, ':');
	if (!colon || colon == val || !colon[1])
		return cb_fail(err, EINVAL, "'case=%s': expected case=VALUE:MEMBER", val);
	char **v = realloc(s->case_value, (size_t)(s->ncases + 1) * sizeof(char *));
	if (v)
		s->case_value = v;
	char **m = v ? realloc(s->case_member, (size_t)(s->ncases + 1) * sizeof(char *)) : NULL;
	if (m)
		s->case_member = m;
	char *cv = m ? strndup(val, (size_t)(colon - val)) : NULL;
	char *cm = cv ? strdup(colon + 1) : NULL;
	if (!cm) {
		free(cv);
		return cb_fail(err, ENOMEM, "out of memory");
	}
	s->case_value[s->ncases] = cv;
	s->case_member[s->ncases++] = cm;
	return 0;
}

static const char *const narrow_names[] = {
	[CB_N_EOVERFLOW] = "eoverflow",
	[CB_N_TRUNCATE] = "truncate",
	[CB_N_RLIM] = "rlim",
};

static const char *const dir_names[] = {
	[CB_DIR_NONE] = "none", [CB_DIR_IN] = "in", [CB_DIR_OUT] = "out", [CB_DIR_INOUT] = "inout",
};

const char *cb_dir_name(enum cb_dir d)
{
	return d >= CB_DIR_NONE && d <= CB_DIR_INOUT ? dir_names[d] : "?";
}

int cb_dir_parse(const char *s)
{
	for (int d = CB_DIR_NONE; d <= CB_DIR_INOUT; d++)
		if (strcmp(s, dir_names[d]) == 0)
			return d;
	return -1;
}

int cb_kind_parse(const char *s)
{
	for (int k = 0; k < CB_K_COUNT; k++)
		if (strcmp(s, cb_kind_name((enum cb_kind)k)) == 0)
			return k;
	return -1;
}

/* After `else`: the other target of a pointer with when=, its length
 * and bound; nothing else. */
static int else_one(struct cb_annot_src *s, char *const *tok, int n, int *i, struct cb_err *err)
{
	const char *t = tok[*i];
	if (strcmp(t, "->record") == 0 || strcmp(t, "->array") == 0) {
		if (*i + 1 >= n)
			return cb_fail(err, EINVAL, "'%s' needs a record name", t);
		if (s->a.else_target != CB_T_NONE)
			return cb_fail(err, EINVAL, "'%s': else already points elsewhere", t);
		s->a.else_target = t[2] == 'r' ? CB_T_RECORD : CB_T_ARRAY;
		return set_str(&s->else_target, tok[++*i], t, err);
	}
	if (strcmp(t, "->buf") == 0) {
		if (s->a.else_target != CB_T_NONE)
			return cb_fail(err, EINVAL, "'%s': else already points elsewhere", t);
		s->a.else_target = CB_T_BUF;
		return 0;
	}
	if (strncmp(t, "len=", 4) == 0)
		return set_str(&s->else_len, t + 4, "else len=", err);
	if (strncmp(t, "max=", 4) == 0)
		return cb_parse_u32(t + 4, &s->a.else_max) ? 0
			: cb_fail(err, EINVAL, "'%s': not a 32-bit number", t);
	return cb_fail(err, EINVAL, "'%s' after else: only ->buf, ->array NAME, ->record NAME, "
		       "len=FIELD and max=N describe the other target", t);
}

/* dir-case=VALUE:DIR */
static int add_dir_case(struct cb_annot_src *s, const char *val, struct cb_err *err)
{
	const char *colon = strchr(val, ':');
	uint32_t v;
	char num[32];
	int d = colon ? cb_dir_parse(colon + 1) : -1;
	if (!colon || (size_t)(colon - val) >= sizeof(num) || d < CB_DIR_IN)
		return cb_fail(err, EINVAL, "'dir-case=%s': expected dir-case=VALUE:in|out|inout", val);
	snprintf(num, sizeof(num), "%.*s", (int)(colon - val), val);
	if (!cb_parse_u32(num, &v))
		return cb_fail(err, EINVAL, "'dir-case=%s': %s is not a 32-bit number", val, num);
	if (s->a.ndirs >= sizeof(s->a.dir_values) / sizeof(s->a.dir_values[0]))
		return cb_fail(err, EINVAL, "'dir-case=%s': at most 4 dir-case=", val);
	s->a.dir_values[s->a.ndirs] = v;
	s->a.dir_dirs[s->a.ndirs++] = (enum cb_dir)d;
	return 0;
}

static int one(struct cb_annot_src *s, char *const *tok, int n, int *i, struct cb_err *err)
{
	const char *t = tok[*i];
	const char *eq = strchr(t, '=');
	const char *val = eq ? eq + 1 : "";
	size_t klen = eq ? (size_t)(eq - t) : strlen(t);
#define KEY(k) (klen == strlen(k) && strncmp(t, k, klen) == 0)
	if (strcmp(t, "else") == 0) {
		if (s->in_else)
			return cb_fail(err, EINVAL, "else given twice");
		s->in_else = true;
		return 0;
	}
	if (s->in_else)
		return else_one(s, tok, n, i, err);
	for (int d = CB_DIR_IN; d <= CB_DIR_INOUT; d++) {
		if (strcmp(t, dir_names[d]) == 0) {
			s->a.dir = (enum cb_dir)d;
			return 0;
		}
	}
	if (strcmp(t, "->record") == 0 || strcmp(t, "->array") == 0) {
		if (*i + 1 >= n)
			return cb_fail(err, EINVAL, "'%s' needs a record name", t);
		int rc = set_target(s, t[2] == 'r' ? CB_T_RECORD : CB_T_ARRAY, t, err);
		return rc < 0 ? rc : set_str(&s->target, tok[++*i], t, err);
	}
	if (strcmp(t, "->buf") == 0)
		return set_target(s, CB_T_BUF, t, err);
	if (strcmp(t, "->str") == 0)
		return set_target(s, CB_T_STR, t, err);
	if (strcmp(t, "->value") == 0)
		return set_target(s, CB_T_VALUE, t, err);
	if (strcmp(t, "->unsupported") == 0)
		return set_target(s, CB_T_UNSUPPORTED, t, err);
	if (KEY("of") && eq)
		return set_str(&s->target, val, "of=", err);
	if (KEY("len") && eq) {
		if (isdigit((unsigned char)*val)) {
			if (!cb_parse_u32(val, &s->a.len_const))
				return cb_fail(err, EINVAL, "'%s': not a 32-bit number", t);
			return 0;
		}
		return set_str(&s->len, val, "len=", err);
	}
	if (KEY("max") && eq)
		return cb_parse_u32(val, &s->a.max) ? 0
			: cb_fail(err, EINVAL, "'%s': not a 32-bit number", t);
	if (strcmp(t, "bytes") == 0) {
		s->a.len_in_bytes = true;
		return 0;
	}
	if (strcmp(t, "len-updated") == 0) {
		s->a.len_updated = true;
		return 0;
	}
	if (strcmp(t, "flex") == 0) {
		s->a.flex = true;
		return 0;
	}
	if (strcmp(t, "fd") == 0) {
		s->a.is_fd = true;
		return 0;
	}
	if (strcmp(t, "keep") == 0) {
		s->a.keep = true;
		return 0;
	}
	if (KEY("mirror") && eq)
		return set_str(&s->mirror, val, "mirror=", err);
	if (KEY("unit") && eq) {
		uint32_t u;
		if (!cb_parse_u32(val, &u) || u < 1 || u > 4096)
			return cb_fail(err, EINVAL, "'%s': unit= takes 1 to 4096 (bytes per element)",
				       t);
		s->a.len_unit = (uint16_t)u;
		return 0;
	}
	if (KEY("when") && eq) {
		const char *colon = strchr(val, ':');
		if (!colon || colon == val || !cb_parse_u32(colon + 1, &s->a.when_value))
			return cb_fail(err, EINVAL, "'%s': expected when=FIELD:VALUE", t);
		if (s->when)
			return cb_fail(err, EINVAL, "when= given twice");
		s->when = strndup(val, (size_t)(colon - val));
		s->a.has_when = true;
		return s->when ? 0 : cb_fail(err, ENOMEM, "out of memory");
	}
	if (KEY("dir-by") && eq)
		return set_str(&s->dir_by, val, "dir-by=", err);
	if (KEY("dir-case") && eq)
		return add_dir_case(s, val, err);
	if (KEY("wrote") && eq)
		return set_str(&s->wrote, val, "wrote=", err);
	if (strcmp(t, "beyond=kernel") == 0) {
		s->a.beyond_kernel = true;
		return 0;
	}
	if (KEY("narrow") && eq) {
		for (int k = 0; k < (int)(sizeof(narrow_names) / sizeof(narrow_names[0])); k++) {
			if (strcmp(val, narrow_names[k]) == 0) {
				s->a.narrow = (enum cb_narrow)k;
				return 0;
			}
		}
		return cb_fail(err, EINVAL, "'%s': narrow= takes eoverflow, truncate or rlim", t);
	}
	if (KEY("select") && eq) {
		if (strcmp(val, "cmd") == 0) {
			if (s->select)
				return cb_fail(err, EINVAL, "select given twice");
			s->a.select_cmd = true;
			return 0;
		}
		if (s->a.select_cmd)
			return cb_fail(err, EINVAL, "select given twice");
		return set_str(&s->select, val, "select=", err);
	}
	if (KEY("case") && eq)
		return add_case(s, val, err);
#undef KEY
	return cb_fail(err, EINVAL, "unknown annotation '%s'", t);
}

int cb_annot_parse(struct cb_annot_src *s, char *const *tok, int n, struct cb_err *err)
{
	for (int i = 0; i < n; i++) {
		int rc = one(s, tok, n, &i, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static bool int_kind(enum cb_kind k)
{
	return k == CB_K_SINT || k == CB_K_UINT || k == CB_K_SLONG || k == CB_K_ULONG;
}

/* NAME among the fields of record R, then of the records enclosing it;
 * *KIND gets the field's kind. */
static bool find_outward(const struct cb_abi_db *db, int r, const char *name, int *field,
			 int *up, enum cb_kind *kind)
{
	char buf[512];
	for (int level = 0; r >= 0; level++) {
		int f = cb_abi_field_index(&db->records[r], name);
		if (f != CB_NO_INDEX) {
			*field = f;
			*up = level;
			*kind = db->records[r].fields[f].kind;
			return true;
		}
		if (!cb_record_parent_name(db->records[r].name, buf, sizeof(buf)))
			return false;
		r = cb_abi_record_index(db, buf);
	}
	return false;
}

static int resolve_cases(const struct cb_annot_src *s, struct cb_abi_db *db, int r,
			 const struct cb_field *f, struct cb_annot *a, struct cb_err *err)
{
	if (s->ncases == 0)
		return 0;
	if (!a->select_cmd && a->select_field == CB_NO_INDEX)
		return cb_fail(err, EINVAL, "case= needs select=");
	const struct cb_record *u = &db->records[f->record];
	struct cb_case *cases = calloc((size_t)s->ncases, sizeof(*cases));
	if (!cases)
		return cb_fail(err, ENOMEM, "out of memory");
	for (int i = 0; i < s->ncases; i++) {
		const char *v = s->case_value[i];
		const struct cb_ioctl *io;
		const char *eq = strchr(v, '=');
		if (eq) {
			cases[i].by_field = true;
			/* case=FIELD=VALUE:MEMBER, checked before the selector. */
			char fname[128];
			enum cb_kind k;
			snprintf(fname, sizeof(fname), "%.*s", (int)(eq - v), v);
			if (!find_outward(db, r, fname, &cases[i].field, &cases[i].up, &k) ||
			    !int_kind(k) || !cb_parse_u32(eq + 1, &cases[i].value)) {
				free(cases);
				return cb_fail(err, EINVAL, "case=%s: expected FIELD=NUMBER, FIELD an "
					       "integer field in %s or around it", v,
					       db->records[r].name);
			}
		} else if (cb_parse_u32(v, &cases[i].value)) {
			/* a number */
		} else if (a->select_cmd && (io = cb_abi_ioctl_by_name(db, v))) {
			/* Compared with the host's number of the guest's request. */
			cases[i].value = io->req[CB_ARCH_X86_64];
		} else {
			free(cases);
			return cb_fail(err, EINVAL, "case=%s: %s", v,
				       a->select_cmd ? "no such ioctl, and not a number"
						     : "not a number");
		}
		cases[i].member = cb_abi_field_index(u, s->case_member[i]);
		if (cases[i].member == CB_NO_INDEX) {
			free(cases);
			return cb_fail(err, EINVAL, "case=%s:%s: %s has no member %s", v,
				       s->case_member[i], u->name, s->case_member[i]);
		}
	}
	a->cases = cases;
	a->ncases = s->ncases;
	return 0;
}

int cb_annot_resolve(const struct cb_annot_src *s, struct cb_abi_db *db, int r, int fi,
		     struct cb_err *err)
{
	struct cb_field *f = cb_db_field(db, r, fi);
	const char *rname = db->records[r].name;
	struct cb_annot a = s->a;
	a.cases = NULL;
	a.ncases = 0;
	bool ptr = f->kind == CB_K_PTR || (f->kind == CB_K_ARRAY && f->elem_kind == CB_K_PTR);
	/* A __u64 that holds an address (u64_to_user_ptr: input_mask,
	 * spi_ioc_transfer, DRM) is as much a pointer. */
	bool u64 = f->kind == CB_K_UINT;
	for (int c = 0; c < CB_ARCH_COUNT; c++)
		u64 = u64 && f->size[c] == 8;
	if (a.target != CB_T_NONE && !ptr && !u64)
		return cb_fail(err, EINVAL, "only a pointer or a __u64 can point (this is %s)",
			       cb_kind_name(f->kind));
	if (u64 && a.target == CB_T_VALUE)
		return cb_fail(err, EINVAL, "->value on an integer says nothing");
	if (s->target) {
		if (a.target != CB_T_RECORD && a.target != CB_T_ARRAY && a.target != CB_T_BUF)
			return cb_fail(err, EINVAL, "of= needs ->buf");
		a.target_record = cb_abi_record_index(db, s->target);
		if (a.target_record == CB_NO_INDEX)
			return cb_fail(err, EINVAL, "no record %s", s->target);
	}
	bool counted = a.target == CB_T_BUF || a.target == CB_T_ARRAY || a.flex;
	if ((s->len || a.len_const) && !counted)
		return cb_fail(err, EINVAL, "len= needs ->buf, ->array or flex");
	if (a.len_in_bytes && a.target != CB_T_ARRAY && !a.flex)
		return cb_fail(err, EINVAL, "bytes needs ->array or flex");
	if (a.flex && f->kind != CB_K_ARRAY)
		return cb_fail(err, EINVAL, "flex on a field that is not an array");
	enum cb_kind k;
	if (a.len_unit > 1 && (a.target != CB_T_BUF || a.len_updated))
		return cb_fail(err, EINVAL, "unit= needs ->buf (and no len-updated)");
	if (s->when && a.target == CB_T_NONE)
		return cb_fail(err, EINVAL, "when= is for a pointer that says where it points");
	if (s->when && !find_outward(db, r, s->when, &a.when_field, &a.when_up, &k))
		return cb_fail(err, EINVAL, "when=%s: no such field in %s or around it", s->when,
			       rname);
	if (s->when && !int_kind(k))
		return cb_fail(err, EINVAL, "when=%s: an integer field, not %s", s->when,
			       cb_kind_name(k));
	if (a.else_target != CB_T_NONE && !s->when)
		return cb_fail(err, EINVAL, "else needs when= (the other target is for when it "
			       "does not hold)");
	if (s->else_target) {
		a.else_record = cb_abi_record_index(db, s->else_target);
		if (a.else_record == CB_NO_INDEX)
			return cb_fail(err, EINVAL, "else: no record %s", s->else_target);
	}
	if (s->else_len && (a.else_target == CB_T_NONE || a.else_target == CB_T_RECORD))
		return cb_fail(err, EINVAL, "else len= needs else ->buf or ->array");
	if (s->else_len && (!find_outward(db, r, s->else_len, &a.else_len_field, &a.else_len_up, &k) ||
			    !int_kind(k)))
		return cb_fail(err, EINVAL, "else len=%s: no such integer field in %s or around it",
			       s->else_len, rname);
	if ((a.else_target == CB_T_BUF || a.else_target == CB_T_ARRAY) && !s->else_len)
		return cb_fail(err, EINVAL, "else ->buf/->array needs len=FIELD");
	if ((s->dir_by != NULL) != (a.ndirs > 0))
		return cb_fail(err, EINVAL, "dir-by= and dir-case= go together");
	if (s->dir_by && a.target == CB_T_NONE)
		return cb_fail(err, EINVAL, "dir-by= is for a pointer that says where it points");
	if (s->dir_by) {
		/* dir-by=FIELD or dir-by=FIELD&MASK */
		char fname[128];
		const char *amp = strchr(s->dir_by, '&');
		snprintf(fname, sizeof(fname), "%.*s", amp ? (int)(amp - s->dir_by) : 127, s->dir_by);
		if (amp && (!cb_parse_u32(amp + 1, &a.dir_mask) || !a.dir_mask))
			return cb_fail(err, EINVAL, "dir-by=%s: expected FIELD&MASK, MASK a nonzero "
				       "number", s->dir_by);
		if (!find_outward(db, r, fname, &a.dir_field, &a.dir_up, &k) || !int_kind(k))
			return cb_fail(err, EINVAL, "dir-by=%s: no such integer field in %s or around "
				       "it", s->dir_by, rname);
	}
	if (s->wrote) {
		a.has_wrote = true;
		a.wrote_field = cb_abi_field_index(&db->records[r], s->wrote);
		if (a.target != CB_T_BUF || a.wrote_field == CB_NO_INDEX ||
		    !int_kind(db->records[r].fields[a.wrote_field].kind))
			return cb_fail(err, EINVAL, "wrote=%s: needs ->buf and an integer sibling "
				       "field %s in %s", s->wrote, s->wrote, rname);
	}
	if (a.beyond_kernel && (a.target != CB_T_BUF || !a.max))
		return cb_fail(err, EINVAL, "beyond=kernel needs ->buf and max=");
	if (s->len && !find_outward(db, r, s->len, &a.len_field, &a.len_up, &k))
		return cb_fail(err, EINVAL, "len=%s: no such field in %s or around it", s->len,
			       rname);
	if (s->len && !int_kind(k))
		return cb_fail(err, EINVAL, "len=%s: a length is an integer field, not %s", s->len,
			       cb_kind_name(k));
	if ((s->select || a.select_cmd || s->ncases) &&
	    (f->kind != CB_K_UNION || f->record == CB_NO_INDEX))
		return cb_fail(err, EINVAL, "select=/case= on a field that is not a union");
	if (s->select && !find_outward(db, r, s->select, &a.select_field, &a.select_up, &k))
		return cb_fail(err, EINVAL, "select=%s: no such field in %s or around it",
			       s->select, rname);
	if (s->select && !int_kind(k))
		return cb_fail(err, EINVAL, "select=%s: a selector is an integer field, not %s",
			       s->select, cb_kind_name(k));
	if (s->mirror) {
		/* A sibling: the kernel copies one of its own fields twice. */
		const struct cb_record *rec = &db->records[r];
		a.mirror = true;
		a.mirror_field = cb_abi_field_index(rec, s->mirror);
		if (a.mirror_field == CB_NO_INDEX || a.mirror_field == fi)
			return cb_fail(err, EINVAL, "mirror=%s: no other field %s in %s", s->mirror,
				       s->mirror, rname);
		if (!int_kind(f->kind) || !int_kind(rec->fields[a.mirror_field].kind))
			return cb_fail(err, EINVAL, "mirror=%s: both fields must be integers",
				       s->mirror);
	}
	if (a.keep && a.mirror)
		return cb_fail(err, EINVAL, "keep and mirror= contradict each other");
	int rc = resolve_cases(s, db, r, f, &a, err);
	if (rc < 0)
		return rc;
	free((void *)f->a.cases);
	f->a = a;
	return 0;
}

/* The field LEN_FIELD of the record UP levels out of R, or NULL. */
static const char *outward_name(const struct cb_abi_db *db, int r, int up, int field)
{
	char buf[512];
	for (; up > 0; up--) {
		if (!cb_record_parent_name(db->records[r].name, buf, sizeof(buf)))
			return NULL;
		r = cb_abi_record_index(db, buf);
		if (r == CB_NO_INDEX)
			return NULL;
	}
	const struct cb_record *rec = &db->records[r];
	return field >= 0 && field < rec->nfields ? rec->fields[field].name : NULL;
}

static const char *ioctl_name_of(const struct cb_abi_db *db, uint32_t req)
{
	for (int i = 0; i < db->nioctls; i++)
		if (db->ioctls[i].req[CB_ARCH_X86_64] == req)
			return db->ioctls[i].name;
	return NULL;
}

void cb_annot_write(const struct cb_abi_db *db, int r, int fi, FILE *out)
{
	const struct cb_field *f = &db->records[r].fields[fi];
	const struct cb_annot *a = &f->a;
	const char *tname = a->target_record >= 0 && a->target_record < db->nrecords
		? db->records[a->target_record].name : NULL;
	if (a->dir != CB_DIR_NONE)
		fprintf(out, " %s", dir_names[a->dir]);
	switch (a->target) {
	case CB_T_NONE: break;
	case CB_T_RECORD: fprintf(out, " ->record %s", tname ? tname : "?"); break;
	case CB_T_ARRAY: fprintf(out, " ->array %s", tname ? tname : "?"); break;
	case CB_T_BUF:
		fputs(" ->buf", out);
		if (tname)
			fprintf(out, " of=%s", tname);
		break;
	case CB_T_STR: fputs(" ->str", out); break;
	case CB_T_VALUE: fputs(" ->value", out); break;
	case CB_T_UNSUPPORTED: fputs(" ->unsupported", out); break;
	}
	const char *len = a->len_field != CB_NO_INDEX ? outward_name(db, r, a->len_up, a->len_field)
						      : NULL;
	if (len)
		fprintf(out, " len=%s", len);
	else if (a->len_const)
		fprintf(out, " len=%u", a->len_const);
	if (a->len_in_bytes)
		fputs(" bytes", out);
	if (a->len_unit > 1)
		fprintf(out, " unit=%u", a->len_unit);
	const char *when = a->has_when ? outward_name(db, r, a->when_up, a->when_field) : NULL;
	if (when)
		fprintf(out, " when=%s:0x%x", when, a->when_value);
	if (a->max)
		fprintf(out, " max=%u", a->max);
	if (a->beyond_kernel)
		fputs(" beyond=kernel", out);
	const struct cb_record *me = &db->records[r];
	if (a->has_wrote && a->wrote_field >= 0 && a->wrote_field < me->nfields)
		fprintf(out, " wrote=%s", me->fields[a->wrote_field].name);
	const char *dby = a->ndirs ? outward_name(db, r, a->dir_up, a->dir_field) : NULL;
	if (dby) {
		fprintf(out, " dir-by=%s", dby);
		if (a->dir_mask)
			fprintf(out, "&0x%x", a->dir_mask);
		for (int i = 0; i < a->ndirs && i < 4; i++)
			fprintf(out, " dir-case=0x%x:%s", a->dir_values[i], cb_dir_name(a->dir_dirs[i]));
	}
	if (a->len_updated)
		fputs(" len-updated", out);
	if (a->flex)
		fputs(" flex", out);
	if (a->is_fd)
		fputs(" fd", out);
	if (a->narrow != CB_N_EOVERFLOW)
		fprintf(out, " narrow=%s", narrow_names[a->narrow]);
	if (a->keep)
		fputs(" keep", out);
	const struct cb_record *self = &db->records[r];
	if (a->mirror && a->mirror_field >= 0 && a->mirror_field < self->nfields)
		fprintf(out, " mirror=%s", self->fields[a->mirror_field].name);
	const char *sel = a->select_field != CB_NO_INDEX
		? outward_name(db, r, a->select_up, a->select_field) : NULL;
	if (a->select_cmd)
		fputs(" select=cmd", out);
	else if (sel)
		fprintf(out, " select=%s", sel);
	const struct cb_record *u = f->record >= 0 && f->record < db->nrecords
		? &db->records[f->record] : NULL;
	for (int i = 0; u && i < a->ncases; i++) {
		const struct cb_case *c = &a->cases[i];
		const char *m = c->member >= 0 && c->member < u->nfields ? u->fields[c->member].name
									 : NULL;
		const char *io = a->select_cmd ? ioctl_name_of(db, c->value) : NULL;
		const char *cf = c->by_field ? outward_name(db, r, c->up, c->field) : NULL;
		if (!m)
			continue;
		if (cf)
			fprintf(out, " case=%s=%u:%s", cf, c->value, m);
		else if (io)
			fprintf(out, " case=%s:%s", io, m);
		else if (a->select_cmd)
			fprintf(out, " case=0x%x:%s", c->value, m);
		else
			fprintf(out, " case=%u:%s", c->value, m);
	}
	/* Last: every token after `else` belongs to it. */
	if (when && a->else_target != CB_T_NONE) {
		const char *en = a->else_record >= 0 && a->else_record < db->nrecords
			? db->records[a->else_record].name : "?";
		fputs(" else", out);
		if (a->else_target == CB_T_BUF)
			fputs(" ->buf", out);
		else
			fprintf(out, " %s %s", a->else_target == CB_T_RECORD ? "->record" : "->array", en);
		const char *el = a->else_len_field != CB_NO_INDEX
			? outward_name(db, r, a->else_len_up, a->else_len_field) : NULL;
		if (el)
			fprintf(out, " len=%s", el);
		if (a->else_max)
			fprintf(out, " max=%u", a->else_max);
	}
}
