/* A rule set from one ABI's layout to the other's, as the kernel's compat
 * code does it (x_tables.c xt_compat_*, ip_tables.c and ip6_tables.c
 * compat_*). An entry's header differs at most by where its counters are;
 * each match's and target's data is padded to 4 bytes on i386 and to 8 on
 * x86_64. So entries grow or shrink, and every byte offset into the table
 * (hook entries, underflows, jump verdicts) moves by the growth of the
 * entries before it. */
#include "layout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define C_ALIGN(n) (((n) + 3u) & ~3u) /* COMPAT_XT_ALIGN */
#define N_ALIGN(n) (((n) + 7u) & ~7u) /* XT_ALIGN */
#define HDR CB_XT_EXT_HDR
#define CTR 16u /* xt_counters */
/* An entry is at most 65535 bytes (u16 offsets), an extension at least 32. */
#define EXT_MAX (65536 / HDR + 2)

static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

int32_t cb_xt_jump_delta(const struct cb_xt_jumps *j, uint32_t v)
{
	size_t lo = 0, hi = j->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (j->off[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? j->sum[lo - 1] : 0;
}

void cb_xt_jumps_free(struct cb_xt_jumps *j)
{
	free(j->off);
	free(j->sum);
	*j = (struct cb_xt_jumps){ 0 };
}

/* The entry at OFF of the SIZE-byte table T, checked as the kernel's
 * check_compat_entry_size_and_hooks and xt_check_entry_offsets check it:
 * where its extensions start (EXT, the target last), how many (*NE). */
static int shape(const struct cb_xt_family *f, int abi, const uint8_t *t, size_t size, size_t off,
		 uint32_t *ext, size_t *ne)
{
	unsigned esz = f->size[abi], align = abi ? 8 : 4;
	if (off % align || off + esz >= size)
		return -EINVAL;
	const uint8_t *e = t + off;
	uint16_t toff = get16(e + f->toff), noff = get16(e + f->toff + 2);
	if (off + noff > size || noff < esz + HDR || toff < esz || toff + HDR > noff)
		return -EINVAL;
	size_t n = 0;
	for (size_t pos = esz; pos < toff; n++) {
		uint16_t ms = get16(e + pos);
		if (n + 1 >= EXT_MAX || ms < HDR || ms % align || pos + ms > toff)
			return -EINVAL;
		ext[n] = (uint32_t)pos;
		pos += ms;
	}
	uint16_t ts = get16(e + toff);
	if (ts < HDR || toff + ts > noff)
		return -EINVAL;
	ext[n++] = toff;
	*ne = n;
	return 0;
}

/* The data size in the other layout of the extension at H whose data has
 * DS bytes in this one. */
static long other_size(const uint8_t *h, bool target, size_t ds, bool to_native)
{
	long sz = cb_xt_ext_size(h, target);
	if (sz == 0)
		return -EOPNOTSUPP;
	if (to_native) /* XT_ALIGN(matchsize) from COMPAT_XT_ALIGN(matchsize) */
		return N_ALIGN(ds);
	if (sz < 0 || N_ALIGN((size_t)sz) != ds)
		return -EOPNOTSUPP;
	return C_ALIGN((size_t)sz);
}

/* One pass over IN: measures (OUT NULL: fills J) or writes OUT. */
static int pass(const struct cb_xt_family *f, const uint8_t *in, size_t size, bool to_native,
		uint8_t *out, size_t *outsize, struct cb_xt_jumps *j, size_t *nent)
{
	int from = to_native ? 0 : 1, to = !from;
	size_t o = 0, n = 0;
	int32_t grow = 0;
	uint32_t *ext = malloc(EXT_MAX * sizeof(*ext));
	int rc = ext ? 0 : -ENOMEM;
	for (size_t off = 0; !rc && off < size; n++) {
		size_t ne;
		if ((rc = shape(f, from, in, size, off, ext, &ne)) != 0)
			break;
		const uint8_t *e = in + off;
		uint16_t toff = get16(e + f->toff), noff = get16(e + f->toff + 2);
		size_t eo = o, ntoff = 0;
		if (out) {
			/* The header up to the counters, then the counters. */
			memcpy(out + o, e, f->ctr[from]);
			memcpy(out + o + f->ctr[to], e + f->ctr[from], CTR);
		}
		o += f->size[to];
		for (size_t k = 0; !rc && k < ne; k++) {
			bool target = k == ne - 1;
			const uint8_t *h = e + ext[k];
			size_t ds = get16(h) - HDR;
			long nd = other_size(h, target, ds, to_native);
			if (nd < 0) {
				rc = (int)nd;
				break;
			}
			if (target)
				ntoff = o - eo;
			if (out) {
				memcpy(out + o, h, HDR);
				put16(out + o, (uint16_t)(HDR + nd));
				memcpy(out + o + HDR, h + HDR, ds < (size_t)nd ? ds : (size_t)nd);
				if (target && !h[2] && nd >= 4) {
					/* compat_standard_{from,to}_user: a positive
					 * verdict is a jump, a byte offset into the
					 * table. */
					int32_t v;
					memcpy(&v, h + HDR, 4);
					if (v > 0)
						v += to_native ? cb_xt_jump_delta(j, (uint32_t)v)
							       : -cb_xt_jump_delta(j, (uint32_t)v);
					memcpy(out + o + HDR, &v, 4);
				}
			}
			o += HDR + (size_t)nd;
		}
		if (rc)
			break;
		/* Bytes after the target, up to next_offset, stay as they are. */
		size_t tend = toff + get16(e + toff), tail = noff - tend;
		if (out)
			memcpy(out + o, e + tend, tail);
		o += tail;
		if (o - eo > 0xffff) {
			rc = -EINVAL;
			break;
		}
		if (out) {
			put16(out + eo + f->toff, (uint16_t)ntoff);
			put16(out + eo + f->toff + 2, (uint16_t)(o - eo));
		} else {
			if (n >= j->cap) {
				rc = -EINVAL;
				break;
			}
			grow += (int32_t)(o - eo) - (int32_t)noff;
			j->off[n] = (uint32_t)off;
			j->sum[n] = to_native ? grow : -grow;
		}
		off += noff;
		if (o > CB_XT_MAX)
			rc = -ENOMEM;
	}
	free(ext);
	*outsize = o;
	*nent = n;
	return rc;
}

int cb_xt_convert(const struct cb_xt_family *f, const uint8_t *in, size_t size, bool to_native,
		  size_t head, uint8_t **out, size_t *outsize, struct cb_xt_jumps *j, size_t *nent)
{
	/* Entries are at least a header and a target apart. */
	size_t cap = j->cap = size / (f->size[0] + HDR) + 1;
	j->off = calloc(cap, sizeof(*j->off));
	j->sum = calloc(cap, sizeof(*j->sum));
	if (!j->off || !j->sum)
		return -ENOMEM;
	int rc = pass(f, in, size, to_native, NULL, outsize, j, nent);
	if (rc)
		return rc;
	j->n = *nent;
	*out = calloc(1, head + *outsize + 1);
	if (!*out)
		return -ENOMEM;
	size_t n2;
	return pass(f, in, size, to_native, *out + head, outsize, j, &n2);
}
