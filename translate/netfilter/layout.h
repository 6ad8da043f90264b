/* x_tables' two layouts of a rule set (layout.c) and the extensions whose
 * i386 size is known (exts.c). */
#ifndef CB_XT_LAYOUT_H
#define CB_XT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CB_XT_EXT_HDR 32u /* xt_entry_match / xt_entry_target, both ABIs */
#define CB_XT_MAX (64u << 20) /* rule-set bytes the supervisor moves at most */

/* One family's entry header (ipt_entry, ip6t_entry): the same fields on
 * both ABIs up to the counters, which x86_64 aligns to 8. */
struct cb_xt_family {
	int level;          /* SOL_IP, SOL_IPV6 */
	unsigned toff;      /* where target_offset is (next_offset follows) */
	unsigned ctr[2];    /* where the counters are: i386, x86_64 */
	unsigned size[2];   /* the header's size: i386, x86_64 */
};

/* Each entry's offset in the table it was read from, and how much the
 * entries up to it grow in the other layout (i386 -> x86_64: positive). */
struct cb_xt_jumps {
	uint32_t *off;
	int32_t *sum;
	size_t n, cap;
};

/* xt_compat_calc_jump: the growth of the entries that start before V. */
int32_t cb_xt_jump_delta(const struct cb_xt_jumps *j, uint32_t v);
void cb_xt_jumps_free(struct cb_xt_jumps *j);

/* Converts the SIZE-byte table IN (TO_NATIVE: i386 -> x86_64) into a new
 * allocation *OUT of HEAD zero bytes then the table (*OUTSIZE bytes), its
 * jump verdicts moved; J receives the entries' offsets in IN, *NENT their
 * count. -EINVAL for a table the kernel's compat code refuses on its
 * shape (it checks the converted one again), -EOPNOTSUPP for an
 * extension this cannot convert, -ENOMEM past CB_XT_MAX. */
int cb_xt_convert(const struct cb_xt_family *f, const uint8_t *in, size_t size, bool to_native,
		  size_t head, uint8_t **out, size_t *outsize, struct cb_xt_jumps *j, size_t *nent);

/* The i386 size of the data of the extension whose 32-byte header is H
 * (the kernel's matchsize or targetsize): 0 when refused (the kernel
 * converts it field by field), -1 when not known. */
long cb_xt_ext_size(const uint8_t *h, bool target);

#endif
