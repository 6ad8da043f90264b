/* The struct converter; see convert.h for the semantics.
 *
 * Shape of the work: every guest region the call touches (the argument,
 * each followed pointer's target) becomes an object in the arena with two
 * images: the guest's bytes (as read, or zeroes for output-only parts) and
 * the host copy handed to the kernel. Bytes that are the same on both ABIs
 * (buffers, strings, identical records) have one image serving as both.
 * cb_conv_in reads and converts guest -> host; cb_conv_out converts the
 * output parts host -> guest image and writes each image back. Keeping the
 * guest image means input parts — above all the pointers, which the host
 * copy has replaced by supervisor addresses — go back exactly as the guest
 * wrote them. */
#include "convert.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define H CB_CONV_HOST
#define ALIGN 16u
#define PAGE 4096u
#define CHUNK_MIN (64u << 10)

struct cb_conv_chunk {
	struct cb_conv_chunk *next;
	_Alignas(16) unsigned char data[];
};

/* A record instance being converted, and the records around it: len_up /
 * select_up walk `up`. Frames live on the stack while a record is walked;
 * an object whose record may need them after the call (union selectors)
 * keeps an arena copy of the chain (`saved` caches it). */
struct frame {
	struct frame *up;
	const struct cb_record *rec;
	uint8_t *g, *h;
	uint32_t flex_n;   /* elements of the trailing flexible array */
	bool root;         /* the record an object starts with: flex allowed */
	struct frame *saved;
};

/* A length field a pointer (or a flexible array) is counted by. */
struct lenref {
	const struct cb_field *f; /* NULL: no field (len_const) */
	uint8_t *g, *h;           /* the field in the guest and host images */
};

enum obj_shape { OBJ_BYTES, OBJ_RECORD, OBJ_ARRAY };

struct cb_conv_obj {
	struct cb_conv_obj *next;
	uint64_t gaddr;           /* 0: a NULL pointer kept for its length fix-up */
	uint8_t *g, *h;           /* the images; g == h when the bytes are the same */
	enum obj_shape shape;
	const struct cb_record *rec;
	struct frame *up;         /* saved frames around it (records only) */
	uint32_t n;               /* elements (bytes, records, flex elements) */
	uint32_t out_n;           /* ... written back */
	uint32_t gelem, helem;    /* element sizes */
	uint32_t gfix, hfix;      /* OBJ_RECORD: offset of the flex array, or the size */
	uint32_t gmin, hmin;      /* OBJ_RECORD: the record's size */
	enum cb_dir dir;
	bool write;               /* some part goes back to the guest */
	bool same;                /* one image */
	uint8_t *kept;            /* guest bytes never written back (keep), or NULL */
	/* Its length field, when it must be rewritten or re-read after the call. */
	struct lenref len;
	/* a.has_wrote: the field saying how many bytes the kernel wrote. */
	const struct cb_field *wrote;
	const uint8_t *wrote_h;
	bool rescale;             /* len_in_bytes: guest and host units differ */
	uint64_t len_guest;       /* the length as the guest gave it */
	uint64_t len_host;        /* ... as the host is given it */
};

struct walk {
	struct cb_conv *cv;
	struct cb_conv_obj *obj;  /* whose images are walked */
	bool out;                 /* host -> guest */
	int depth;                /* pointer hops of obj from the argument */
};

/* ---- small helpers ---- */

static inline unsigned dir_bits(enum cb_dir d) { return (unsigned)d & 3u; }

static inline bool is_int_kind(enum cb_kind k)
{
	return k == CB_K_SINT || k == CB_K_UINT || k == CB_K_SLONG || k == CB_K_ULONG ||
	       k == CB_K_PTR;
}

static inline bool is_signed_kind(enum cb_kind k) { return k == CB_K_SINT || k == CB_K_SLONG; }

static inline bool valid_int_size(uint32_t s) { return s == 1 || s == 2 || s == 4 || s == 8; }

static const struct cb_record *rec_at(const struct cb_abi_db *db, int i)
{
	return db && i >= 0 && i < db->nrecords ? &db->records[i] : NULL;
}

static uint32_t arch_long(enum cb_arch a) { return a == CB_ARCH_I386 ? 4 : 8; }

static inline uint64_t load(const uint8_t *p, uint32_t size, bool sign)
{
	switch (size) {
	case 1: { uint8_t v = *p; return sign ? (uint64_t)(int64_t)(int8_t)v : v; }
	case 2: { uint16_t v; memcpy(&v, p, 2); return sign ? (uint64_t)(int64_t)(int16_t)v : v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return sign ? (uint64_t)(int64_t)(int32_t)v : v; }
	default: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
}

static inline void store(uint8_t *p, uint32_t size, uint64_t v)
{
	switch (size) {
	case 1: *p = (uint8_t)v; break;
	case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
	default: memcpy(p, &v, 8); break;
	}
}

static inline uint64_t all_ones(uint32_t size)
{
	return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
}

/* Does V (sign- or zero-extended) fit SIZE bytes? */
static bool fits(uint64_t v, uint32_t size, bool sign)
{
	if (size >= 8)
		return true;
	if (!sign)
		return v <= all_ones(size);
	int64_t s = (int64_t)v, lim = INT64_C(1) << (8 * size - 1);
	return s >= -lim && s < lim;
}

/* One integer from SRC (SS bytes) to DST (DS bytes), the general case. */
static int int_conv_slow(const uint8_t *src, uint32_t ss, uint8_t *dst, uint32_t ds, bool sign,
			 enum cb_narrow nar)
{
	if (!valid_int_size(ss) || !valid_int_size(ds))
		return -EINVAL;
	uint64_t v = load(src, ss, sign);
	if (ds < ss) {
		if (nar == CB_N_RLIM) {
			/* Everything from the narrow infinity up is infinite. */
			if (v >= all_ones(ds))
				v = all_ones(ds);
		} else if (nar != CB_N_TRUNCATE && !fits(v, ds, sign)) {
			return -EOVERFLOW;
		}
	} else if (nar == CB_N_RLIM && (v & all_ones(ss)) == all_ones(ss)) {
		v = UINT64_MAX;
	}
	store(dst, ds, v);
	return 0;
}

/* The heart of it. Inline for the cases that are nearly all: the same size
 * (a copy), and an i386 long widened to 64 bits or narrowed back. */
static inline int int_conv(const uint8_t *src, uint32_t ss, uint8_t *dst, uint32_t ds, bool sign,
			   enum cb_narrow nar)
{
	if (ss == 4 && ds == 8 && nar != CB_N_RLIM) {
		uint32_t v;
		memcpy(&v, src, 4);
		uint64_t x = sign ? (uint64_t)(int64_t)(int32_t)v : v;
		memcpy(dst, &x, 8);
		return 0;
	}
	if (ss == 8 && ds == 4 && nar == CB_N_EOVERFLOW) {
		uint64_t v;
		memcpy(&v, src, 8);
		if (sign ? (int64_t)v != (int32_t)v : v > UINT32_MAX)
			return -EOVERFLOW;
		uint32_t x = (uint32_t)v;
		memcpy(dst, &x, 4);
		return 0;
	}
	if (ss == ds && valid_int_size(ss)) {
		store(dst, ds, load(src, ss, false));
		return 0;
	}
	return int_conv_slow(src, ss, dst, ds, sign, nar);
}

/* ---- the arena ---- */

/* A fresh chunk of at least NEED bytes; the tail of the old one is
 * abandoned, which is why limit counts bytes handed out, not malloc'd. */
static __attribute__((noinline)) int arena_chunk(struct cb_conv *cv, size_t need)
{
	size_t csize = need > CHUNK_MIN ? need : CHUNK_MIN;
	struct cb_conv_chunk *c = malloc(sizeof(*c) + csize);
	if (!c)
		return -ENOMEM;
	c->next = cv->chunks;
	cv->chunks = c;
	cv->cur = c->data;
	cv->end = c->data + csize;
	return 0;
}

/* N bytes, 16-aligned, zeroed when ZERO. Inline: it runs for every copy. */
static inline int arena_get(struct cb_conv *cv, size_t n, bool zero, void **out)
{
	size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (need == 0)
		need = ALIGN; /* a distinct, valid address even for nothing */
	if (n > cv->limit || need > cv->limit - cv->used)
		return -E2BIG;
	if ((size_t)(cv->end - cv->cur) < need) {
		int r = arena_chunk(cv, need);
		if (r < 0)
			return r;
	}
	void *p = cv->cur;
	cv->last = cv->cur;
	cv->cur += need;
	cv->used += need;
	if (zero)
		memset(p, 0, n);
	*out = p;
	return 0;
}

/* Give back the end of the last allocation P (OLD bytes), keeping NEW. */
static void arena_shrink(struct cb_conv *cv, void *p, size_t old, size_t new)
{
	size_t o = (old + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	size_t n = (new + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n == 0)
		n = ALIGN;
	if ((unsigned char *)p != cv->last || n >= o)
		return;
	cv->cur -= o - n;
	cv->used -= o - n;
}

/* Make the allocation P of OLD bytes NEW bytes long (zero-filled after
 * OLD): in place when it is the last one and its chunk has room. */
static int arena_grow(struct cb_conv *cv, void **p, size_t old, size_t new)
{
	size_t o = (old + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	size_t n = (new + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (o == 0)
		o = ALIGN;
	if (new <= old)
		return 0;
	if (new > cv->limit || n - o > cv->limit - cv->used)
		return -E2BIG;
	if ((unsigned char *)*p == cv->last && (size_t)(cv->end - (unsigned char *)*p) >= n) {
		cv->cur = (unsigned char *)*p + n;
		cv->used += n - o;
		memset((unsigned char *)*p + old, 0, new - old);
		return 0;
	}
	void *q = NULL;
	int r = arena_get(cv, new, false, &q);
	if (r < 0)
		return r;
	memcpy(q, *p, old);
	memset((unsigned char *)q + old, 0, new - old);
	*p = q;
	return 0;
}

/* ---- guest memory ---- */

static int range_ok(const struct cb_conv *cv, uint64_t addr, size_t len)
{
	uint64_t last;
	return !__builtin_add_overflow(addr, (uint64_t)len - 1, &last) && last <= cv->addr_last;
}

/* LEN guest bytes at ADDR read with the memory's READ or READ_BACK. */
static int gread_with(struct cb_conv *cv, int (*rd)(void *, uint64_t, void *, size_t),
		      uint64_t addr, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (!range_ok(cv, addr, len))
		return -EFAULT;
	int r = rd(cv->mem->ctx, addr, buf, len);
	return r == 0 ? 0 : r < 0 ? r : -EFAULT;
}

static int gread(struct cb_conv *cv, uint64_t addr, void *buf, size_t len)
{
	return gread_with(cv, cv->mem->read, addr, buf, len);
}

/* gread for bytes that go straight back to the guest in the next gwrite. */
static int gread_back(struct cb_conv *cv, uint64_t addr, void *buf, size_t len)
{
	return gread_with(cv, cv->mem->read_back ? cv->mem->read_back : cv->mem->read, addr, buf,
			  len);
}

static int gwrite(struct cb_conv *cv, uint64_t addr, const void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (!range_ok(cv, addr, len))
		return -EFAULT;
	int r = cv->mem->write(cv->mem->ctx, addr, buf, len);
	return r == 0 ? 0 : r < 0 ? r : -EFAULT;
}

/* ---- descriptor queries ---- */

/* Size of one element of array field F on ARCH; 0 when it cannot be told. */
static uint32_t elem_size(const struct cb_abi_db *db, const struct cb_field *f, enum cb_arch a)
{
	if (f->count > 0)
		return f->size[a] / f->count;
	if (f->size[a] > 0)
		return f->size[a]; /* a flexible array described by one element */
	switch (f->elem_kind) {
	case CB_K_SLONG: case CB_K_ULONG: case CB_K_PTR:
		return arch_long(a);
	case CB_K_STRUCT: case CB_K_UNION: {
		const struct cb_record *r = rec_at(db, f->record);
		return r ? r->size[a] : 0;
	}
	default:
		return 0;
	}
}

static bool has_record(const struct cb_field *f)
{
	return f->kind == CB_K_STRUCT || f->kind == CB_K_UNION ||
	       (f->kind == CB_K_ARRAY &&
		(f->elem_kind == CB_K_STRUCT || f->elem_kind == CB_K_UNION));
}

/* Work done by one call, in fields and elements visited. Descriptors
 * (an .abi file) may nest records that each hold many others: without a
 * bound, converting 8 bytes could take forever. Past CB_CONV_MAX_STEPS
 * the call fails with -E2BIG, like a copy the arena cannot hold. */
static inline bool over_budget(struct cb_conv *cv, uint32_t n)
{
	cv->steps += n;
	return cv->steps > CB_CONV_MAX_STEPS;
}

/* Does a record walked with DIR have a part in direction BIT? (Pointers do
 * not count: their a.dir is their target's.) Over budget: yes (the walk
 * that follows fails). */
static bool rec_has_dir(struct cb_conv *cv, const struct cb_record *r, enum cb_dir dir,
			unsigned bit, int nest)
{
	if (dir_bits(dir) & bit)
		return true;
	if (nest > CB_CONV_MAX_NEST)
		return false;
	for (int i = 0; i < r->nfields; i++) {
		const struct cb_field *f = &r->fields[i];
		if (over_budget(cv, 1))
			return true;
		if (f->kind == CB_K_PTR)
			continue;
		enum cb_dir d = f->a.dir != CB_DIR_NONE ? f->a.dir : dir;
		if (dir_bits(d) & bit)
			return true;
		const struct cb_record *sub = has_record(f) ? rec_at(cv->db, f->record) : NULL;
		if (sub && rec_has_dir(cv, sub, d, bit, nest + 1))
			return true;
	}
	return false;
}

/* An fd field anywhere inside (not behind pointers)? Identical records with
 * one cannot take the plain copy: the fd must be listed. Over budget: yes
 * (no plain copy; the walk that follows fails). */
static bool rec_has_fd(struct cb_conv *cv, const struct cb_record *r, int nest)
{
	if (nest > CB_CONV_MAX_NEST)
		return false;
	for (int i = 0; i < r->nfields; i++) {
		const struct cb_field *f = &r->fields[i];
		if (over_budget(cv, 1) || f->a.is_fd)
			return true;
		const struct cb_record *sub = has_record(f) ? rec_at(cv->db, f->record) : NULL;
		if (sub && rec_has_fd(cv, sub, nest + 1))
			return true;
	}
	return false;
}

static bool plain_copy(struct cb_conv *cv, const struct cb_record *r)
{
	return r->identical && r->size[CB_ARCH_I386] == r->size[CB_ARCH_X86_64] &&
	       !rec_has_fd(cv, r, 0);
}

/* The integer field IDX of the record UP levels out of F. */
static int find_field(const struct frame *f, int up, int idx, enum cb_arch g, struct lenref *out)
{
	for (; up > 0 && f; up--)
		f = f->up;
	if (!f || idx < 0 || idx >= f->rec->nfields)
		return -EINVAL;
	const struct cb_field *x = &f->rec->fields[idx];
	if (!is_int_kind(x->kind) || !valid_int_size(x->size[g]) || !valid_int_size(x->size[H]))
		return -EINVAL;
	out->f = x;
	out->g = f->g + x->off[g];
	out->h = f->h ? f->h + x->off[H] : NULL;
	return 0;
}

/* A guest-given length: negative or above MAX is -EINVAL. */
static int guest_len(const struct lenref *l, enum cb_arch g, uint32_t max, uint64_t *out)
{
	bool sign = is_signed_kind(l->f->kind);
	uint64_t v = load(l->g, l->f->size[g], sign);
	if (sign && (int64_t)v < 0)
		return -EINVAL;
	if (max && v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* ---- objects ---- */

#define OBJ_SIZE ((sizeof(struct cb_conv_obj) + ALIGN - 1) & ~(size_t)(ALIGN - 1))

/* A new object at the end of the list, with EXTRA bytes (not zeroed) right
 * after it for its host image: one allocation instead of two. */
static int obj_new(struct cb_conv *cv, enum obj_shape shape, uint64_t gaddr, enum cb_dir dir,
		   size_t extra, struct cb_conv_obj **out)
{
	struct cb_conv_obj *o = NULL;
	if (extra > cv->limit)
		return -E2BIG;
	int r = arena_get(cv, OBJ_SIZE + extra, false, (void **)&o);
	if (r < 0)
		return r;
	/* Field by field: zeroing the whole struct compiles to `rep stos`,
	 * whose start-up cost was a tenth of the benchmark's round. */
	o->next = NULL;
	o->gaddr = gaddr;
	o->h = extra ? (uint8_t *)o + OBJ_SIZE : NULL;
	o->g = o->h;
	o->shape = shape;
	o->rec = NULL;
	o->up = NULL;
	o->n = o->out_n = 0;
	o->gelem = o->helem = 1;
	o->gfix = o->hfix = o->gmin = o->hmin = 0;
	o->dir = dir;
	o->write = o->same = o->rescale = false;
	o->kept = NULL;
	o->len.f = NULL;
	o->len.g = o->len.h = NULL;
	o->wrote = NULL;
	o->len_guest = o->len_host = 0;
	*cv->tail = o;
	cv->tail = &o->next;
	*out = o;
	return 0;
}

/* Copy the frame chain F into the arena, once. */
static int save_frames(struct cb_conv *cv, struct frame *f, struct frame **out)
{
	if (!f) {
		*out = NULL;
		return 0;
	}
	if (!f->saved) {
		struct frame *up = NULL, *c = NULL;
		int r = save_frames(cv, f->up, &up);
		if (r == 0)
			r = arena_get(cv, sizeof(*c), false, (void **)&c);
		if (r < 0)
			return r;
		*c = *f;
		c->up = up;
		c->saved = c;
		f->saved = c;
	}
	*out = f->saved;
	return 0;
}

/* Guest bytes of an object of N elements. */
static size_t obj_gsize(const struct cb_conv_obj *o, uint32_t n)
{
	if (o->shape != OBJ_RECORD)
		return (size_t)n * o->gelem;
	size_t s = o->gfix + (size_t)n * o->gelem;
	return s > o->gmin ? s : o->gmin;
}

static int walk_record(struct walk *w, struct frame *f, enum cb_dir dir, int nest);

/* ---- following pointers ---- */

static int obj_bytes(struct cb_conv *cv, uint64_t gaddr, uint64_t len, enum cb_dir dir,
		     struct cb_conv_obj **out)
{
	struct cb_conv_obj *o = NULL;
	bool rd = dir_bits(dir) & CB_DIR_IN;
	/* A zero-length buffer still gets an address: NULL may mean something
	 * else to the kernel. */
	int r = obj_new(cv, OBJ_BYTES, gaddr, dir, gaddr ? (len ? len : 1) : 0, &o);
	if (r < 0)
		return r;
	o->n = o->out_n = (uint32_t)len;
	o->same = true;
	o->write = dir_bits(dir) & CB_DIR_OUT;
	if (gaddr) {
		/* Output only: zeroes, so nothing of the supervisor's leaks back. */
		if (!rd)
			memset(o->h, 0, len);
		else if ((r = gread(cv, gaddr, o->h, len)) < 0)
			return r;
	}
	*out = o;
	return 0;
}

static int obj_str(struct cb_conv *cv, uint64_t gaddr, uint32_t max, struct cb_conv_obj **out)
{
	struct cb_conv_obj *o = NULL;
	uint8_t *buf = NULL;
	if (max == 0)
		max = CB_CONV_STR_MAX;
	int r = obj_new(cv, OBJ_BYTES, gaddr, CB_DIR_IN, 0, &o);
	if (r == 0)
		r = arena_get(cv, max, false, (void **)&buf);
	if (r < 0)
		return r;
	/* Page by page: a short string just before an unmapped page is fine. */
	for (uint32_t got = 0; got < max;) {
		uint32_t chunk = PAGE - (uint32_t)((gaddr + got) & (PAGE - 1));
		if (chunk > max - got)
			chunk = max - got;
		r = gread(cv, gaddr + got, buf + got, chunk);
		if (r < 0)
			return r;
		uint8_t *nul = memchr(buf + got, 0, chunk);
		if (nul) {
			uint32_t len = (uint32_t)(nul - buf) + 1;
			arena_shrink(cv, buf, max, len);
			o->g = o->h = buf;
			o->n = o->out_n = len;
			o->same = true;
			*out = o;
			return 0;
		}
		got += chunk;
	}
	return -ENAMETOOLONG;
}

/* The flexible array at the end of REC, if any. */
static const struct cb_field *flex_field(const struct cb_record *rec)
{
	if (rec->nfields == 0 || rec->is_union)
		return NULL;
	const struct cb_field *f = &rec->fields[rec->nfields - 1];
	return f->kind == CB_K_ARRAY && f->a.flex ? f : NULL;
}

/* The element count of a flexible array, from the guest's bytes. */
static int flex_count(struct cb_conv *cv, struct frame *f, const struct cb_field *ff,
		      struct lenref *len, uint32_t *n)
{
	enum cb_arch g = cv->guest;
	uint64_t v = ff->a.len_const;
	len->f = NULL;
	if (ff->a.len_field != CB_NO_INDEX) {
		int r = find_field(f, ff->a.len_up, ff->a.len_field, g, len);
		if (r == 0)
			r = guest_len(len, g, ff->a.max, &v);
		if (r < 0)
			return r;
	}
	uint32_t ge = elem_size(cv->db, ff, g);
	if (ge == 0 || elem_size(cv->db, ff, H) == 0)
		return -EINVAL;
	if (ff->a.len_in_bytes)
		v /= ge;
	if (v > cv->limit / ge)
		return -E2BIG;
	*n = (uint32_t)v;
	return 0;
}

/* Read the guest image of a record object and size its flex array. */
static int read_record_obj(struct cb_conv *cv, struct cb_conv_obj *o, struct frame *up,
			   const struct cb_field *ff, bool rd)
{
	size_t gsz = obj_gsize(o, o->n);
	int r = arena_get(cv, gsz, !rd, (void **)&o->g);
	if (r == 0 && rd)
		r = gread(cv, o->gaddr, o->g, gsz);
	if (r < 0 || !ff)
		return r;
	/* The count is in the fixed part (or further out): then read the rest. */
	struct frame tmp = { .up = up, .rec = o->rec, .g = o->g };
	r = flex_count(cv, &tmp, ff, &o->len, &o->n);
	if (r < 0)
		return r;
	size_t full = obj_gsize(o, o->n);
	if (full > gsz) {
		r = arena_grow(cv, (void **)&o->g, gsz, full);
		if (r == 0 && rd)
			r = gread(cv, o->gaddr + gsz, o->g + gsz, full - gsz);
	}
	return r;
}

/* Geometry of a record object: N records, or one with its flex array. */
static int obj_shape(struct cb_conv *cv, struct cb_conv_obj *o, const struct cb_record *rec,
		     const struct cb_field *ff, bool array, uint32_t n)
{
	enum cb_arch g = cv->guest;
	o->rec = rec;
	if (array) {
		o->n = n;
		o->gelem = rec->size[g];
		o->helem = rec->size[H];
		if (flex_field(rec) || o->gelem == 0 || o->helem == 0)
			return -EINVAL; /* elements of no or differing sizes */
		if (n > cv->limit / o->gelem || n > cv->limit / o->helem)
			return -E2BIG;
		return 0;
	}
	o->gmin = rec->size[g];
	o->hmin = rec->size[H];
	if (ff) {
		o->gfix = ff->off[g];
		o->hfix = ff->off[H];
		o->gelem = elem_size(cv->db, ff, g);
		o->helem = elem_size(cv->db, ff, H);
	} else {
		o->gfix = o->gmin;
		o->hfix = o->hmin;
	}
	return 0;
}

/* After the walk: a flex array's length field, when it must be rewritten
 * (it counts bytes) or re-read after the call. */
static int flex_length(struct cb_conv *cv, struct cb_conv_obj *o, struct frame *up,
		       const struct cb_field *ff)
{
	enum cb_arch g = cv->guest;
	struct frame self = { .up = up, .rec = o->rec, .g = o->g, .h = o->h };
	int r = find_field(&self, ff->a.len_up, ff->a.len_field, g, &o->len);
	if (r < 0)
		return r;
	o->rescale = ff->a.len_in_bytes && o->gelem != o->helem;
	o->len_guest = load(o->len.g, o->len.f->size[g], is_signed_kind(o->len.f->kind));
	o->len_host = o->rescale ? (uint64_t)o->n * o->helem : o->len_guest;
	if (!o->rescale && !o->len.f->a.len_updated)
		o->len.f = NULL;
	return 0;
}

/* A record object at GADDR (not 0): one record (with its flexible array)
 * or N of them. UP: the frames around the pointer that led here. */
static int obj_records(struct walk *w, struct frame *up, const struct cb_record *rec,
		       uint64_t gaddr, bool array, uint32_t n, enum cb_dir dir,
		       struct cb_conv_obj **out)
{
	struct cb_conv *cv = w->cv;
	const struct cb_field *ff = array ? NULL : flex_field(rec);
	struct cb_conv_obj *o = NULL;
	int r = obj_new(cv, array ? OBJ_ARRAY : OBJ_RECORD, gaddr, dir, 0, &o);
	if (r == 0)
		r = obj_shape(cv, o, rec, ff, array, n);
	if (r < 0)
		return r;
	*out = o;

	bool rd = rec_has_dir(cv, rec, dir, CB_DIR_IN, 0);
	o->write = rec_has_dir(cv, rec, dir, CB_DIR_OUT, 0);
	if (cv->steps > CB_CONV_MAX_STEPS) {
		if (!cv->fail_field && !cv->fail_record)
			cv->fail_record = rec->name;
		return -E2BIG;
	}
	if (!ff && plain_copy(cv, rec)) {
		size_t sz = obj_gsize(o, o->n);
		o->same = true;
		o->out_n = o->n;
		r = arena_get(cv, sz, !rd, (void **)&o->h);
		if (r == 0 && rd)
			r = gread(cv, gaddr, o->h, sz);
		o->g = o->h;
		return r;
	}
	r = read_record_obj(cv, o, up, ff, rd);
	if (r < 0)
		return r;
	o->out_n = o->n;
	size_t hsz = array ? (size_t)o->n * o->helem : o->hfix + (size_t)o->n * o->helem;
	if (hsz < o->hmin)
		hsz = o->hmin;
	r = arena_get(cv, hsz, true, (void **)&o->h);
	/* Written back later: union selectors may look at the frames around. */
	if (r == 0 && o->write && up)
		r = save_frames(cv, up, &o->up);
	if (r < 0)
		return r;

	struct frame *around = o->up ? o->up : up;
	struct walk sub = { .cv = cv, .obj = o, .out = false, .depth = w->depth };
	uint32_t count = array ? o->n : 1;
	for (uint32_t i = 0; i < count; i++) {
		struct frame f = {
			.up = around, .rec = rec, .root = !array,
			.g = o->g + (size_t)i * (array ? o->gelem : 0),
			.h = o->h + (size_t)i * (array ? o->helem : 0),
			.flex_n = array ? 0 : o->n,
		};
		r = walk_record(&sub, &f, dir, 0);
		if (r < 0)
			return r;
	}
	return ff && o->len.f ? flex_length(cv, o, around, ff) : 0;
}

/* The length a pointer's target is given, in guest units. */
struct ptr_len {
	struct lenref ref;    /* its field, if any */
	uint64_t v;           /* the length as given */
	uint64_t n;           /* elements (bytes for BUF) */
	uint64_t host;        /* the value the host field gets */
	bool rescale;
};

static int pointer_length(struct cb_conv *cv, struct frame *f, const struct cb_annot *a,
			  const struct cb_record *trec, struct ptr_len *pl)
{
	enum cb_arch g = cv->guest;
	pl->v = a->len_const;
	if ((a->target == CB_T_BUF || a->target == CB_T_ARRAY) && a->len_field != CB_NO_INDEX) {
		int r = find_field(f, a->len_up, a->len_field, g, &pl->ref);
		if (r == 0)
			r = guest_len(&pl->ref, g, a->max, &pl->v);
		if (r < 0)
			return r;
	}
	pl->n = pl->v;
	pl->host = pl->v;
	if (a->target == CB_T_ARRAY && a->len_in_bytes) {
		if (trec->size[g] == 0)
			return -EINVAL;
		pl->n = pl->v / trec->size[g];
		pl->rescale = trec->size[g] != trec->size[H];
		if (pl->rescale) {
			/* A huge guest length must not wrap the host field. */
			const struct cb_field *lf = pl->ref.f;
			if (__builtin_mul_overflow(pl->n, (uint64_t)trec->size[H], &pl->host) ||
			    (lf && !fits(pl->host, lf->size[H], is_signed_kind(lf->kind))))
				return -EINVAL;
		}
	}
	return 0;
}

/* Keep a length field on the object for the fix-ups around the call. */
static void keep_length(struct cb_conv_obj *o, const struct ptr_len *pl)
{
	if (!pl->ref.f || !(pl->rescale || pl->ref.f->a.len_updated))
		return;
	o->len = pl->ref;
	o->rescale = pl->rescale;
	o->len_guest = pl->v;
	o->len_host = pl->host;
}

/* A pointer to bytes, the commonest kind (iovecs), on a shorter path than
 * follow's: no records, no units. */
static int follow_buf(struct walk *w, struct frame *f, const struct cb_annot *a, uint64_t gp,
		      uint8_t *hslot, enum cb_dir tdir)
{
	struct cb_conv *cv = w->cv;
	struct lenref ref = { .f = NULL };
	uint64_t len = a->len_const;
	struct cb_conv_obj *o = NULL;
	int r = 0;
	if (a->len_field != CB_NO_INDEX) {
		r = find_field(f, a->len_up, a->len_field, cv->guest, &ref);
		if (r == 0)
			r = guest_len(&ref, cv->guest, a->beyond_kernel ? 0 : a->max, &len);
		if (r < 0)
			return r;
		if (a->beyond_kernel && len > a->max) {
			/* The kernel refuses the length before it looks at the
			 * pointer: NULL, never the guest's value, and no copy. */
			store(hslot, 8, 0);
			return 0;
		}
	}
	if (a->len_unit > 1) {
		len *= a->len_unit; /* at most 2^32 * 8: no overflow */
		ref.f = NULL;       /* a count, not bytes: nothing to update */
	}
	bool updated = ref.f && ref.f->a.len_updated;
	if (gp) {
		if (w->depth >= CB_CONV_MAX_DEPTH)
			return -ELOOP;
		r = obj_bytes(cv, gp, len, tdir, &o);
	} else if (updated) {
		r = obj_new(cv, OBJ_BYTES, 0, tdir, 0, &o); /* for the length fix-up */
	}
	if (r < 0)
		return r;
	store(hslot, 8, gp ? (uint64_t)(uintptr_t)o->h : 0);
	if (a->has_wrote && gp) {
		struct lenref wr;
		if ((r = find_field(f, 0, a->wrote_field, cv->guest, &wr)) < 0)
			return r;
		o->wrote = wr.f;
		o->wrote_h = wr.h;
	}
	if (updated) {
		o->len = ref;
		o->len_guest = o->len_host = len;
	}
	return 0;
}

/* A pointer field to follow: GP is the guest's value, HSLOT the host field. */
static int follow(struct walk *w, struct frame *f, const struct cb_field *fld, uint64_t gp,
		  uint8_t *hslot, uint32_t hs, enum cb_dir eff)
{
	struct cb_conv *cv = w->cv;
	const struct cb_annot *a = &fld->a;
	enum cb_dir tdir = a->dir != CB_DIR_NONE ? a->dir : eff;
	const struct cb_record *trec = NULL;
	struct ptr_len pl = { 0 };
	struct cb_conv_obj *o = NULL;
	int r;

	if (hs != 8)
		return -EINVAL;
	if (a->target == CB_T_NONE || a->target == CB_T_UNSUPPORTED) {
		/* Never the guest's value: NULL, or the call is refused. */
		store(hslot, 8, 0);
		return !gp ? 0 : a->target == CB_T_NONE ? -EINVAL : -EOPNOTSUPP;
	}
	if (a->ndirs && gp) {
		/* Which way the data goes is a sibling's value; with any other
		 * value the kernel moves none: NULL, never the guest's value. */
		struct lenref sel;
		r = find_field(f, a->dir_up, a->dir_field, cv->guest, &sel);
		if (r < 0)
			return r;
		uint32_t v = (uint32_t)load(sel.g, sel.f->size[cv->guest], false);
		if (a->dir_mask)
			v &= a->dir_mask;
		int k = 0;
		while (k < a->ndirs && k < 4 && a->dir_values[k] != v)
			k++;
		if (k == a->ndirs || k == 4) {
			store(hslot, 8, 0);
			return 0;
		}
		tdir = a->dir_dirs[k];
	}
	struct cb_annot other;
	if (a->has_when && gp) {
		/* Followed only when its selector says the kernel reads it;
		 * otherwise NULL, never the guest's value, or the other target
		 * the selector then means. */
		struct lenref sel;
		r = find_field(f, a->when_up, a->when_field, cv->guest, &sel);
		if (r < 0)
			return r;
		if ((uint32_t)load(sel.g, sel.f->size[cv->guest], false) != a->when_value) {
			if (a->else_target == CB_T_NONE) {
				store(hslot, 8, 0);
				return 0;
			}
			other = *a;
			other.target = a->else_target;
			other.target_record = a->else_record;
			other.len_field = a->else_len_field;
			other.len_up = a->else_len_up;
			other.max = a->else_max;
			other.len_const = 0;
			other.len_unit = 0;
			other.len_in_bytes = false;
			other.has_wrote = other.beyond_kernel = false;
			a = &other;
		}
	}
	if (a->target == CB_T_BUF)
		return follow_buf(w, f, a, gp, hslot, tdir);
	if (a->target == CB_T_RECORD || a->target == CB_T_ARRAY) {
		trec = rec_at(cv->db, a->target_record);
		if (!trec)
			return -EINVAL;
	}
	r = pointer_length(cv, f, a, trec, &pl);
	if (r < 0)
		return r;
	if (!gp) {
		/* Nothing to copy; the length may still need its fix-ups (a
		 * NULL buffer asking how much it would take). */
		store(hslot, 8, 0);
		if (!pl.ref.f || !(pl.rescale || pl.ref.f->a.len_updated))
			return 0;
		r = obj_new(cv, OBJ_BYTES, 0, tdir, 0, &o);
		if (r < 0)
			return r;
		o->gelem = trec ? trec->size[cv->guest] : 1;
		o->helem = trec ? trec->size[H] : 1;
		keep_length(o, &pl);
		return 0;
	}
	if (w->depth >= CB_CONV_MAX_DEPTH)
		return -ELOOP;
	struct walk child = { .cv = cv, .depth = w->depth + 1 };
	switch (a->target) {
	case CB_T_BUF:
		r = obj_bytes(cv, gp, pl.n, tdir, &o);
		break;
	case CB_T_STR:
		r = dir_bits(tdir) & CB_DIR_OUT ? -EINVAL : obj_str(cv, gp, a->max, &o);
		break;
	case CB_T_RECORD:
		r = obj_records(&child, f, trec, gp, false, 1, tdir, &o);
		break;
	case CB_T_ARRAY:
		r = pl.n > UINT32_MAX ? -E2BIG
				      : obj_records(&child, f, trec, gp, true, (uint32_t)pl.n, tdir, &o);
		break;
	default:
		r = -EINVAL;
	}
	if (r < 0)
		return r;
	store(hslot, 8, (uint64_t)(uintptr_t)o->h);
	keep_length(o, &pl);
	return 0;
}

/* ---- the walk: one element of a field, in either direction ---- */

static int union_elem(struct walk *w, struct frame *f, const struct cb_field *fld, uint8_t *g,
		      uint8_t *h, enum cb_dir eff, int nest);

static int add_fd(struct walk *w, const struct cb_field *fld, uint8_t *g, uint8_t *h,
		  enum cb_dir eff)
{
	struct cb_conv *cv = w->cv;
	struct cb_conv_fd *fd = NULL;
	int r = arena_get(cv, sizeof(*fd), true, (void **)&fd);
	if (r < 0)
		return r;
	uint32_t gs = fld->kind == CB_K_ARRAY ? elem_size(cv->db, fld, cv->guest) : fld->size[cv->guest];
	fd->host = h;
	fd->size = fld->kind == CB_K_ARRAY ? elem_size(cv->db, fld, H) : fld->size[H];
	fd->dir = eff;
	fd->gaddr = w->obj->gaddr + (uint64_t)(g - w->obj->g);
	fd->guest = (dir_bits(eff) & CB_DIR_IN) ? (int64_t)load(g, gs, true) : 0;
	fd->name = fld->name[0] ? fld->name : NULL;
	*cv->fd_tail = fd;
	cv->fd_tail = &fd->next;
	return 0;
}

static int walk_elem(struct walk *w, struct frame *f, const struct cb_field *fld,
		     enum cb_kind kind, uint8_t *g, uint8_t *h, uint32_t gs, uint32_t hs,
		     enum cb_dir eff, int nest)
{
	struct cb_conv *cv = w->cv;
	bool out_part = dir_bits(eff) & CB_DIR_OUT;
	switch (kind) {
	case CB_K_UINT:
		if (fld->a.target != CB_T_NONE && fld->kind == CB_K_UINT) {
			/* A __u64 holding an address: followed as a pointer, so
			 * the host gets the supervisor's copy, never the value. */
			if (w->out || !(dir_bits(eff) & CB_DIR_IN))
				return 0;
			if (gs != 8 || hs != 8)
				return -EINVAL;
			return follow(w, f, fld, load(g, gs, false), h, hs, eff);
		}
		/* fall through */
	case CB_K_SINT: case CB_K_SLONG: case CB_K_ULONG: {
		bool sign = is_signed_kind(kind);
		if (w->out)
			return out_part ? int_conv(h, hs, g, gs, sign, fld->a.narrow) : 0;
		int r = int_conv(g, gs, h, hs, sign, fld->a.narrow);
		return r == 0 && fld->a.is_fd ? add_fd(w, fld, g, h, eff) : r;
	}
	case CB_K_PTR:
		if (fld->a.target == CB_T_VALUE && fld->a.keep && !w->out) {
			/* A cookie the kernel only hands back, and keep hands the
			 * guest its own bytes back: the host needs none of it. */
			memset(h, 0, hs);
			return 0;
		}
		if (fld->a.target == CB_T_VALUE) /* declared a value (a cookie), not an address */
			return w->out ? (out_part ? int_conv(h, hs, g, gs, false, fld->a.narrow) : 0)
				      : int_conv(g, gs, h, hs, false, fld->a.narrow);
		/* Followed pointers go back as the guest's own values; in output
		 * parts they are not addresses the guest gave. */
		if (w->out || !(dir_bits(eff) & CB_DIR_IN))
			return 0;
		if (!valid_int_size(gs))
			return -EINVAL;
		return follow(w, f, fld, load(g, gs, false), h, hs, eff);
	case CB_K_PAD:
		if (w->out && out_part)
			memset(g, 0, gs);
		return 0;
	case CB_K_RAW:
		if (gs != hs)
			return -EINVAL;
		if (!w->out)
			memcpy(h, g, gs);
		else if (out_part)
			memcpy(g, h, gs);
		return 0;
	case CB_K_STRUCT: {
		const struct cb_record *rec = rec_at(cv->db, fld->record);
		if (!rec || rec->is_union)
			return -EINVAL;
		struct frame sub = { .up = f, .rec = rec, .g = g, .h = h };
		return walk_record(w, &sub, eff, nest + 1);
	}
	case CB_K_UNION:
		return union_elem(w, f, fld, g, h, eff, nest);
	default:
		return -EINVAL;
	}
}

/* Fixed or flexible array field FLD. */
static int walk_array(struct walk *w, struct frame *f, const struct cb_field *fld, uint8_t *g,
		      uint8_t *h, enum cb_dir eff, int nest)
{
	struct cb_conv *cv = w->cv;
	enum cb_arch ga = cv->guest;
	uint32_t ge = elem_size(cv->db, fld, ga), he = elem_size(cv->db, fld, H);
	uint32_t n = fld->count;
	if (fld->a.flex) {
		/* Only the record's last field was sized (flex_field). */
		if (!f->root || fld != flex_field(f->rec))
			return -EINVAL; /* nobody sized it */
		n = f->flex_n;
	}
	if (n == 0)
		return 0;
	if (ge == 0 || he == 0)
		return -EINVAL;
	/* Integers of the same size on both sides convert to themselves: one
	 * copy for the lot. */
	enum cb_kind k = fld->elem_kind;
	bool flat = ge == he && !fld->a.is_fd &&
		    (k == CB_K_SINT || k == CB_K_UINT || k == CB_K_SLONG || k == CB_K_ULONG ||
		     k == CB_K_RAW || (k == CB_K_PTR && fld->a.target == CB_T_VALUE));
	if (!flat && (k == CB_K_STRUCT || k == CB_K_UNION)) {
		const struct cb_record *rec = rec_at(cv->db, fld->record);
		flat = rec && k == CB_K_STRUCT && plain_copy(cv, rec);
	}
	if (flat) {
		if (!w->out)
			memcpy(h, g, (size_t)n * ge);
		else if (dir_bits(eff) & CB_DIR_OUT)
			memcpy(g, h, (size_t)n * ge);
		return 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (over_budget(cv, 1))
			return -E2BIG;
		int r = walk_elem(w, f, fld, k, g + (size_t)i * ge, h + (size_t)i * he, ge, he, eff,
				  nest);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Remember the first field that failed, for cb_conv_where. */
static void note_failure(struct cb_conv *cv, const struct cb_record *rec,
			 const struct cb_field *fld)
{
	if (!cv->fail_field) {
		cv->fail_record = rec->name;
		cv->fail_field = fld->name[0] ? fld->name : NULL;
	}
}

/* A field one ABI lacks (the generator gives it size 0 there: i386
 * stat64's __st_ino, x86_64 stat's __unused) carries nothing across; like
 * padding, it is zeroed where the guest has it and it is output. */
static inline bool absent_field(const struct walk *w, const struct frame *f,
				const struct cb_field *fld, enum cb_dir dir)
{
	enum cb_arch ga = w->cv->guest;
	if ((fld->size[ga] != 0 && fld->size[H] != 0) || fld->a.flex)
		return false;
	enum cb_dir eff = fld->kind != CB_K_PTR && fld->a.dir != CB_DIR_NONE ? fld->a.dir : dir;
	if (w->out && (dir_bits(eff) & CB_DIR_OUT))
		memset(f->g + fld->off[ga], 0, fld->size[ga]);
	return true;
}

/* keep and mirror fields on the way out (both are usually fields the host
 * lacks, so this comes before absent_field). keep: the guest's bytes stay
 * as they were, so they are marked never to be written; the image of an
 * output-only record holds zeroes there, not the guest's bytes. mirror:
 * the host value of the sibling it names, truncated to this field. */
static int out_special(struct walk *w, const struct frame *f, const struct cb_field *fld,
		       enum cb_dir dir)
{
	struct cb_conv *cv = w->cv;
	enum cb_arch ga = cv->guest;
	enum cb_dir eff = fld->kind != CB_K_PTR && fld->a.dir != CB_DIR_NONE ? fld->a.dir : dir;
	uint32_t gs = fld->size[ga];
	uint8_t *g = f->g + fld->off[ga];
	if (!(dir_bits(eff) & CB_DIR_OUT) || gs == 0)
		return 0;
	if (fld->a.keep) {
		struct cb_conv_obj *o = w->obj;
		if (!o->kept) {
			int r = arena_get(cv, obj_gsize(o, o->n), true, (void **)&o->kept);
			if (r < 0)
				return r;
		}
		memset(o->kept + (g - o->g), 1, gs);
		return 0;
	}
	int m = fld->a.mirror_field;
	if (m < 0 || m >= f->rec->nfields || !valid_int_size(gs))
		return -EINVAL;
	const struct cb_field *src = &f->rec->fields[m];
	uint32_t hs = src->size[H];
	uint64_t v = valid_int_size(hs) ? load(f->h + src->off[H], hs, is_signed_kind(src->kind)) : 0;
	store(g, gs, v);
	return 0;
}

#define KEPT_MERGE_MAX 512 /* a record this small goes back in one write */

/* Write object O's guest image but for the bytes marked kept (padding the
 * kernel leaves alone). A small record with more than one run of bytes to
 * write is read back and written whole, the kept bytes as the guest has
 * them: two guest accesses instead of one per run (a guest changing those
 * bytes meanwhile races itself, as it would the kernel's field-by-field
 * stores). Otherwise each run is one write. */
static int write_kept(struct cb_conv *cv, const struct cb_conv_obj *o, size_t len)
{
	size_t lo = len, hi = 0, runs = 0;
	for (size_t i = 0; i < len; i++) {
		if (o->kept[i])
			continue;
		runs += i == 0 || o->kept[i - 1];
		lo = i < lo ? i : lo;
		hi = i + 1;
	}
	if (runs >= 2 && hi - lo <= KEPT_MERGE_MAX) {
		unsigned char buf[KEPT_MERGE_MAX];
		int r = gread_back(cv, o->gaddr + lo, buf, hi - lo);
		if (r < 0)
			return r;
		for (size_t i = lo; i < hi; i++)
			if (!o->kept[i])
				buf[i - lo] = o->g[i];
		return gwrite(cv, o->gaddr + lo, buf, hi - lo);
	}
	for (size_t i = 0; i < len;) {
		if (o->kept[i]) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && !o->kept[j])
			j++;
		int r = gwrite(cv, o->gaddr + i, o->g + i, j - i);
		if (r < 0)
			return r;
		i = j;
	}
	return 0;
}

static int walk_field(struct walk *w, struct frame *f, const struct cb_field *fld,
		      enum cb_dir dir, int nest)
{
	enum cb_arch ga = w->cv->guest;
	if (w->out && (fld->a.keep || fld->a.mirror))
		return out_special(w, f, fld, dir);
	if (absent_field(w, f, fld, dir))
		return 0;
	/* A pointer's a.dir is its target's; the value itself goes with DIR. */
	enum cb_dir eff = fld->kind != CB_K_PTR && fld->a.dir != CB_DIR_NONE ? fld->a.dir : dir;
	uint8_t *g = f->g + fld->off[ga], *h = f->h + fld->off[H];
	int r;
	if (fld->kind == CB_K_ARRAY)
		r = walk_array(w, f, fld, g, h, eff, nest);
	else
		r = walk_elem(w, f, fld, fld->kind, g, h, fld->size[ga], fld->size[H], eff, nest);
	if (r < 0)
		note_failure(w->cv, f->rec, fld);
	return r;
}

/* A plain integer field (most of them), without the general walk's calls. */
static inline int walk_int(const struct walk *w, const struct frame *f,
			   const struct cb_field *fld, enum cb_dir dir)
{
	enum cb_arch ga = w->cv->guest;
	bool sign = is_signed_kind(fld->kind);
	uint8_t *g = f->g + fld->off[ga], *h = f->h + fld->off[H];
	enum cb_dir eff = fld->a.dir != CB_DIR_NONE ? fld->a.dir : dir;
	/* A field the kernel only writes is not passed in: the host's copy
	 * keeps the arena's zeroes, as a compat handler's zeroed struct does
	 * (drm_wait_vblank's reply.tval_usec). */
	if (!w->out)
		return fld->a.dir != CB_DIR_NONE && !(dir_bits(fld->a.dir) & CB_DIR_IN)
			       ? 0
			       : int_conv(g, fld->size[ga], h, fld->size[H], sign, fld->a.narrow);
	if (!(dir_bits(eff) & CB_DIR_OUT))
		return 0;
	return int_conv(h, fld->size[H], g, fld->size[ga], sign, fld->a.narrow);
}

static int walk_record(struct walk *w, struct frame *f, enum cb_dir dir, int nest)
{
	const struct cb_record *rec = f->rec;
	if (nest > CB_CONV_MAX_NEST)
		return -EINVAL;
	if (!f->root && plain_copy(w->cv, rec)) {
		if (!w->out) {
			memcpy(f->h, f->g, rec->size[H]);
			return 0;
		}
		if (dir_bits(dir) & CB_DIR_OUT) {
			memcpy(f->g, f->h, rec->size[H]);
			return 0;
		}
		/* An input record: some of its fields may still be output. */
	}
	/* Plain integers, pointers and padding — nearly every field — are
	 * handled here; the rest goes through walk_field. */
	for (int i = 0; i < rec->nfields; i++) {
		const struct cb_field *fld = &rec->fields[i];
		enum cb_kind k = fld->kind;
		int r;
		if (over_budget(w->cv, 1)) {
			note_failure(w->cv, rec, fld);
			return -E2BIG;
		}
		if (w->out && (fld->a.keep || fld->a.mirror)) {
			if ((r = out_special(w, f, fld, dir)) < 0)
				return r;
			continue;
		}
		if (absent_field(w, f, fld, dir))
			continue;
		if ((k == CB_K_SINT || k == CB_K_UINT || k == CB_K_SLONG || k == CB_K_ULONG) &&
		    !fld->a.is_fd && fld->a.target == CB_T_NONE) {
			r = walk_int(w, f, fld, dir);
		} else if (k == CB_K_PTR && fld->a.target != CB_T_VALUE) {
			if (w->out || !(dir_bits(dir) & CB_DIR_IN))
				continue; /* see walk_elem */
			enum cb_arch ga = w->cv->guest;
			uint32_t gs = fld->size[ga];
			r = valid_int_size(gs) ? follow(w, f, fld, load(f->g + fld->off[ga], gs, false),
							f->h + fld->off[H], fld->size[H], dir)
					       : -EINVAL;
		} else if (k == CB_K_PAD) {
			enum cb_dir eff = fld->a.dir != CB_DIR_NONE ? fld->a.dir : dir;
			if (w->out && (dir_bits(eff) & CB_DIR_OUT))
				memset(f->g + fld->off[w->cv->guest], 0, fld->size[w->cv->guest]);
			continue;
		} else {
			r = walk_field(w, f, fld, dir, nest);
			if (r < 0)
				return r;
			continue;
		}
		if (r < 0) {
			note_failure(w->cv, rec, fld);
			return r;
		}
	}
	return 0;
}

/* The live member of union field FLD: 0 and *M, or -ENOENT when nothing
 * selects one. The selector is read from the side being converted from. */
static int select_member(struct walk *w, struct frame *f, const struct cb_field *fld,
			 const struct cb_record *u, int *m)
{
	struct cb_conv *cv = w->cv;
	const struct cb_annot *a = &fld->a;
	uint32_t key;
	if (a->ncases <= 0 || !a->cases)
		return -ENOENT;
	/* Cases on another field first: they override the selector. */
	for (int i = 0; i < a->ncases; i++) {
		const struct cb_case *c = &a->cases[i];
		if (!c->by_field)
			continue;
		struct lenref o;
		int r = find_field(f, c->up, c->field, cv->guest, &o);
		if (r < 0)
			return r;
		bool sign = is_signed_kind(o.f->kind);
		uint32_t v = w->out ? (uint32_t)load(o.h, o.f->size[H], sign)
				    : (uint32_t)load(o.g, o.f->size[cv->guest], sign);
		if (v != c->value)
			continue;
		if (c->member < 0 || c->member >= u->nfields)
			return -EINVAL;
		*m = c->member;
		return 0;
	}
	if (a->select_cmd) {
		if (!cv->host_cmd_known) {
			/* Cases hold host numbers; translate the guest's once. */
			const struct cb_ioctl *io =
				cv->db ? cb_abi_ioctl_by_req(cv->db, cv->guest, cv->cmd) : NULL;
			cv->host_cmd = io ? cb_abi_ioctl_host_req(io, cv->cmd, 0) : cv->cmd;
			cv->host_cmd_known = true;
		}
		key = cv->host_cmd;
	} else {
		struct lenref sel;
		int r = find_field(f, a->select_up, a->select_field, cv->guest, &sel);
		if (r < 0)
			return r;
		bool sign = is_signed_kind(sel.f->kind);
		key = w->out ? (uint32_t)load(sel.h, sel.f->size[H], sign)
			     : (uint32_t)load(sel.g, sel.f->size[cv->guest], sign);
	}
	for (int i = 0; i < a->ncases; i++) {
		if (!a->cases[i].by_field && a->cases[i].value == key) {
			if (a->cases[i].member < 0 || a->cases[i].member >= u->nfields)
				return -EINVAL;
			*m = a->cases[i].member;
			return 0;
		}
	}
	return -ENOENT;
}

static int union_elem(struct walk *w, struct frame *f, const struct cb_field *fld, uint8_t *g,
		      uint8_t *h, enum cb_dir eff, int nest)
{
	struct cb_conv *cv = w->cv;
	const struct cb_record *u = rec_at(cv->db, fld->record);
	if (!u || !u->is_union || nest + 1 > CB_CONV_MAX_NEST)
		return -EINVAL;
	if (plain_copy(cv, u)) {
		if (!w->out)
			memcpy(h, g, u->size[H]);
		else if (dir_bits(eff) & CB_DIR_OUT)
			memcpy(g, h, u->size[H]);
		return 0;
	}
	int m, r = select_member(w, f, fld, u, &m);
	if (r == -ENOENT)
		return -EINVAL; /* which bytes mean what is unknown */
	if (r < 0)
		return r;
	struct frame uf = { .up = f, .rec = u, .g = g, .h = h };
	return walk_field(w, &uf, &u->fields[m], eff, nest + 1);
}

/* ---- the API ---- */

int cb_conv_init(struct cb_conv *cv, const struct cb_abi_db *db, enum cb_arch guest,
		 uint32_t cmd, const struct cb_guest_mem *mem, size_t limit)
{
	if (guest < 0 || guest >= CB_ARCH_COUNT || !mem || !mem->read || !mem->write ||
	    limit > CB_CONV_LIMIT_MAX)
		return -EINVAL;
	/* Field by field: the inline arena is left as it is. */
	cv->db = db;
	cv->mem = mem;
	cv->guest = guest;
	cv->cmd = cmd;
	cv->host_cmd = 0;
	cv->host_cmd_known = false;
	cv->done = false;
	cv->error = 0;
	cv->addr_last = guest == CB_ARCH_I386 ? UINT32_MAX : UINT64_MAX;
	cv->limit = limit ? limit : CB_CONV_LIMIT_DEFAULT;
	cv->used = 0;
	cv->cur = cv->inline_buf;
	cv->end = cv->inline_buf + sizeof(cv->inline_buf);
	cv->last = NULL;
	cv->chunks = NULL;
	cv->objs = NULL;
	cv->tail = &cv->objs;
	cv->fds = NULL;
	cv->fd_tail = &cv->fds;
	cv->fail_record = cv->fail_field = NULL;
	cv->steps = 0;
	return 0;
}

/* Length fields of the objects from FIRST on get their host values. Done
 * once the whole argument is converted: the field may come after the
 * pointer, and converting it would overwrite the value. */
static void fix_host_lengths(struct cb_conv_obj *first)
{
	for (struct cb_conv_obj *o = first; o; o = o->next)
		if (o->len.f && o->rescale && o->len.h)
			store(o->len.h, o->len.f->size[H], o->len_host);
}

static int fail(struct cb_conv *cv, int r)
{
	if (r < 0 && !cv->error)
		cv->error = r;
	return r;
}

/* A call that failed repeats its first error; one already converted back
 * takes nothing more. 0 when CV can still be used. */
static int unusable(const struct cb_conv *cv)
{
	if (cv->error)
		return cv->error;
	return cv->done ? -EINVAL : 0;
}

static int conv_in(struct cb_conv *cv, int record, uint64_t gaddr, bool array, uint32_t n,
		   enum cb_dir dir, void **host)
{
	int bad = unusable(cv);
	if (bad)
		return bad;
	const struct cb_record *rec = rec_at(cv->db, record);
	if (!rec || !host)
		return fail(cv, -EINVAL);
	if (dir == CB_DIR_NONE)
		dir = CB_DIR_IN;
	*host = NULL;
	if (!gaddr)
		return 0;
	struct cb_conv_obj **first = cv->tail;
	struct walk w = { .cv = cv, .depth = 0 };
	struct cb_conv_obj *o;
	int r = obj_records(&w, NULL, rec, gaddr, array, n, dir, &o);
	if (r < 0)
		return fail(cv, r);
	fix_host_lengths(*first);
	*host = o->h;
	return 0;
}

int cb_conv_in(struct cb_conv *cv, int record, uint64_t gaddr, enum cb_dir dir, void **host)
{
	return conv_in(cv, record, gaddr, false, 1, dir, host);
}

int cb_conv_in_array(struct cb_conv *cv, int record, uint64_t gaddr, uint32_t count,
		     enum cb_dir dir, void **host)
{
	return conv_in(cv, record, gaddr, true, count, dir, host);
}

int cb_conv_in_buf(struct cb_conv *cv, uint64_t gaddr, uint64_t len, enum cb_dir dir,
		   void **host)
{
	int bad = unusable(cv);
	if (bad)
		return bad;
	if (!host)
		return -EINVAL;
	*host = NULL;
	if (!gaddr)
		return 0;
	struct cb_conv_obj *o;
	int r = obj_bytes(cv, gaddr, len, dir == CB_DIR_NONE ? CB_DIR_IN : dir, &o);
	if (r < 0)
		return fail(cv, r);
	*host = o->h;
	return 0;
}

int cb_conv_in_str(struct cb_conv *cv, uint64_t gaddr, uint32_t max, const char **host)
{
	int bad = unusable(cv);
	if (bad)
		return bad;
	if (!host)
		return -EINVAL;
	*host = NULL;
	if (!gaddr)
		return 0;
	struct cb_conv_obj *o;
	int r = obj_str(cv, gaddr, max, &o);
	if (r < 0)
		return fail(cv, r);
	*host = (const char *)o->h;
	return 0;
}

/* After the call: how many elements go back, and the guest's length. */
static uint64_t settle_length(struct cb_conv_obj *o)
{
	const struct cb_field *lf = o->len.f;
	if (!lf->a.len_updated)
		return o->len_guest; /* the kernel left it: as the guest gave it */
	bool sign = is_signed_kind(lf->kind);
	uint64_t v = load(o->len.h, lf->size[H], sign);
	if (sign && (int64_t)v < 0) {
		o->out_n = 0; /* not a length: hand it back as it is, copy nothing */
		return v;
	}
	uint64_t count = o->rescale ? v / o->helem : v;
	o->out_n = count < o->n ? (uint32_t)count : o->n;
	return o->rescale ? count * o->gelem : v;
}

static int write_length(struct cb_conv *cv, struct cb_conv_obj *o, uint64_t glen)
{
	const struct cb_field *lf = o->len.f;
	uint8_t tmp[8];
	store(tmp, 8, glen);
	return int_conv(tmp, 8, o->len.g, lf->size[cv->guest], is_signed_kind(lf->kind),
			lf->a.narrow);
}

static int obj_out(struct cb_conv *cv, struct cb_conv_obj *o)
{
	if (o->same || !o->rec)
		return 0;
	struct walk w = { .cv = cv, .obj = o, .out = true };
	bool array = o->shape == OBJ_ARRAY;
	uint32_t count = array ? o->out_n : 1;
	for (uint32_t i = 0; i < count; i++) {
		struct frame f = {
			.up = o->up, .rec = o->rec, .root = !array,
			.g = o->g + (size_t)i * (array ? o->gelem : 0),
			.h = o->h + (size_t)i * (array ? o->helem : 0),
			.flex_n = array ? 0 : o->out_n,
		};
		int r = walk_record(&w, &f, o->dir, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

int cb_conv_out(struct cb_conv *cv)
{
	int bad = unusable(cv);
	if (bad)
		return bad;
	cv->done = true;
	struct cb_conv_obj *o;
	int r;
	/* Host -> guest images, all before anything is written, so a value
	 * that does not fit leaves the guest untouched. Per object: its element
	 * count (what the kernel used), its conversion, then its length field
	 * in guest units over what the generic conversion put there. That
	 * field is in this object or one before it in the list (an object is
	 * listed before anything its pointers lead to), so it is converted by
	 * then. */
	for (o = cv->objs; o; o = o->next) {
		if (o->len.f)
			o->len_guest = settle_length(o);
		if (o->wrote && o->wrote_h) {
			/* Only what the kernel says it wrote goes back. */
			bool sign = is_signed_kind(o->wrote->kind);
			uint64_t v = load(o->wrote_h, o->wrote->size[H], sign);
			if (sign && (int64_t)v < 0)
				v = 0;
			if (v < o->out_n)
				o->out_n = (uint32_t)v;
		}
		if (o->write && o->gaddr && (r = obj_out(cv, o)) < 0)
			return fail(cv, r);
		if (o->len.f && (r = write_length(cv, o, o->len_guest)) < 0)
			return fail(cv, r);
	}
	/* Bytes whose count a field says (wrote=) go back first: the kernel
	 * copies them before the record holding the count (SG_IO's sense,
	 * then the header), so a fault there leaves the record as it was. */
	for (int pass = 0; pass < 2; pass++) {
		for (o = cv->objs; o; o = o->next) {
			if (!o->write || !o->gaddr || (o->wrote != NULL) != (pass == 0))
				continue;
			size_t len = obj_gsize(o, o->out_n);
			r = o->kept ? write_kept(cv, o, len) : gwrite(cv, o->gaddr, o->g, len);
			if (r < 0)
				return fail(cv, r);
		}
	}
	return 0;
}

int cb_conv_out_trim(struct cb_conv *cv, const void *host, uint64_t n)
{
	int bad = unusable(cv);
	if (bad)
		return bad;
	for (struct cb_conv_obj *o = cv->objs; o; o = o->next) {
		if (o->h != host || !o->gaddr)
			continue;
		if (o->shape == OBJ_RECORD || o->len.f)
			return -EINVAL; /* one record, or counted by a field: not ours to cut */
		if (n < o->out_n)
			o->out_n = (uint32_t)n;
		return 0;
	}
	return -EINVAL;
}

void cb_conv_free(struct cb_conv *cv)
{
	struct cb_conv_chunk *c = cv->chunks;
	while (c) {
		struct cb_conv_chunk *next = c->next;
		free(c);
		c = next;
	}
	cv->chunks = NULL;
	cv->objs = NULL;
	cv->tail = &cv->objs;
	cv->fds = NULL;
	cv->fd_tail = &cv->fds;
	cv->cur = cv->end = cv->last = NULL;
	cv->used = 0;
}

const struct cb_conv_fd *cb_conv_fds(const struct cb_conv *cv) { return cv->fds; }

int64_t cb_conv_fd_get(const struct cb_conv_fd *fd)
{
	return (int64_t)load(fd->host, fd->size, true);
}

void cb_conv_fd_set(const struct cb_conv_fd *fd, int64_t value)
{
	store(fd->host, fd->size, (uint64_t)value);
}

int cb_conv_scratch(struct cb_conv *cv, size_t len, void **out)
{
	*out = NULL;
	return arena_get(cv, len, true, out);
}

size_t cb_conv_used(const struct cb_conv *cv) { return cv->used; }

void cb_conv_where(const struct cb_conv *cv, const char **record, const char **field)
{
	if (record)
		*record = cv->fail_record;
	if (field)
		*field = cv->fail_field;
}

/* ---- control messages ---- */

/* cmsghdr per ABI: cmsg_len is a size_t, so the header and the alignment
 * of everything in the buffer follow the long size. */
#define CMSG_G_HDR 12u /* i386: u32 len, int level, int type */
#define CMSG_H_HDR 16u /* x86_64: u64 len, int level, int type */
#define SOL_SOCKET_ 1
#define SCM_RIGHTS_ 1
#define SO_TIMESTAMP_OLD_ 29
#define SO_TIMESTAMPNS_OLD_ 35
#define SO_TIMESTAMPING_OLD_ 37

static size_t align_up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

size_t cb_conv_cmsg_host_space(enum cb_arch guest, size_t glen)
{
	if (guest != CB_ARCH_I386)
		return glen;
	/* 16 + align8(p') <= 2 * (12 + p) for every payload p, the doubled
	 * timestamps (p' = 2p) included. */
	return glen > SIZE_MAX / 2 ? SIZE_MAX : 2 * glen;
}

int cb_conv_cmsg_to_host(enum cb_arch guest, const void *g, size_t glen, void *h, size_t hcap,
			 size_t *hlen)
{
	const uint8_t *gp = g;
	uint8_t *hp = h;
	size_t go = 0, ho = 0;

	*hlen = 0;
	if (guest != CB_ARCH_I386) {
		if (glen > hcap)
			return -ENOBUFS;
		memcpy(h, g, glen);
		*hlen = glen;
		return 0;
	}
	if (glen == 0)
		return 0;
	/* As the kernel's compat sendmsg: every header must be whole and lie
	 * within the buffer. Its cmsg_compat_nxthdr goes on while one byte is
	 * left, so trailing bytes too short for a header are -EINVAL too. */
	while (go < glen) {
		if (glen - go < CMSG_G_HDR)
			return -EINVAL;
		uint32_t len;
		memcpy(&len, gp + go, 4);
		if (len < CMSG_G_HDR || len > glen - go)
			return -EINVAL;
		size_t plen = len - CMSG_G_HDR;
		uint64_t hl = CMSG_H_HDR + plen;
		size_t space = align_up(hl, 8);
		if (space > hcap - ho)
			return -ENOBUFS;
		memset(hp + ho, 0, space);
		memcpy(hp + ho, &hl, 8);
		memcpy(hp + ho + 8, gp + go + 4, 8); /* level, type */
		memcpy(hp + ho + CMSG_H_HDR, gp + go + CMSG_G_HDR, plen);
		ho += space;
		go += align_up(len, 4);
	}
	if (ho == 0)
		return -EINVAL; /* a control buffer without one message */
	*hlen = ho;
	return 0;
}

/* The guest's payload size for a host payload: timestamps of the old
 * SOL_SOCKET kinds hold a 64-bit time_t on the host, a 32-bit one here. */
static bool old_timestamp(int32_t level, int32_t type)
{
	return level == SOL_SOCKET_ &&
	       (type == SO_TIMESTAMP_OLD_ || type == SO_TIMESTAMPNS_OLD_ ||
		type == SO_TIMESTAMPING_OLD_);
}

/* Pairs of s64 become pairs of s32 (tv_sec keeps its low bits, as the
 * kernel's compat put_cmsg does). Returns the guest payload size. */
static size_t narrow_timestamps(const uint8_t *src, size_t plen, uint8_t *dst)
{
	size_t n = plen / 8;
	for (size_t i = 0; i < n; i++) {
		int64_t v;
		memcpy(&v, src + 8 * i, 8);
		int32_t x = (int32_t)v;
		memcpy(dst + 4 * i, &x, 4);
	}
	return n * 4;
}

int cb_conv_cmsg_to_guest(enum cb_arch guest, const void *h, size_t hlen, void *g, size_t gcap,
			  size_t *glen, bool *ctrunc, size_t *hused)
{
	const uint8_t *hp = h;
	uint8_t *gp = g;
	size_t ho = 0, go = 0;

	*ctrunc = false;
	if (guest != CB_ARCH_I386) {
		size_t n = hlen < gcap ? hlen : gcap;
		memcpy(g, h, n);
		*glen = n;
		*ctrunc = n < hlen;
		if (hused)
			*hused = n;
		return 0;
	}
	while (ho + CMSG_H_HDR <= hlen) {
		uint64_t len;
		int32_t level, type;
		memcpy(&len, hp + ho, 8);
		memcpy(&level, hp + ho + 8, 4);
		memcpy(&type, hp + ho + 12, 4);
		if (len < CMSG_H_HDR || len > hlen - ho)
			return -EINVAL;
		size_t plen = len - CMSG_H_HDR;
		const uint8_t *payload = hp + ho + CMSG_H_HDR;
		size_t next = ho + align_up(len, 8);
		if (next > hlen)
			next = hlen;

		size_t room = gcap - go;
		if (gcap < go || room < CMSG_G_HDR) {
			*ctrunc = true;
			break;
		}
		uint8_t tmp[48];
		size_t gplen = plen;
		const uint8_t *gpay = payload;
		if (old_timestamp(level, type) && plen <= 2 * sizeof(tmp)) {
			gplen = narrow_timestamps(payload, plen, tmp);
			gpay = tmp;
		}
		size_t take = gplen;
		if (CMSG_G_HDR + take > room) {
			*ctrunc = true;
			take = room - CMSG_G_HDR;
			if (level == SOL_SOCKET_ && type == SCM_RIGHTS_) {
				take -= take % 4; /* whole fds only */
				/* Not one fd fits: the kernel's scm_detach_fds_compat
				 * writes no header at all. */
				if (take == 0) {
					ho = (size_t)(payload - hp);
					break;
				}
			}
		}
		uint32_t glen32 = (uint32_t)(CMSG_G_HDR + take);
		memcpy(gp + go, &glen32, 4);
		memcpy(gp + go + 4, &level, 4);
		memcpy(gp + go + 8, &type, 4);
		memcpy(gp + go + CMSG_G_HDR, gpay, take);
		size_t space = align_up(glen32, 4);
		if (space > room)
			space = room;
		memset(gp + go + glen32, 0, space - glen32);
		go += space;
		if (take < gplen) {
			/* Fds past the ones delivered stay with the caller. */
			ho = level == SOL_SOCKET_ && type == SCM_RIGHTS_
				     ? (size_t)(payload - hp) + take
				     : next;
			break;
		}
		ho = next;
	}
	*glen = go;
	if (hused)
		*hused = ho;
	return 0;
}
