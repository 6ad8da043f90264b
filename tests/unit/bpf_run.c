/* A small classic-BPF interpreter (the subset seccomp allows), so unit
 * tests can ask a filter what it decides for a call. */
#include "bpf_run.h"

#include <check.h>
#include <stdbool.h>
#include <string.h>

uint32_t cb_test_bpf_run(const struct sock_fprog *p, const struct seccomp_data *dp)
{
	struct seccomp_data d = *dp;
	uint32_t mem[BPF_MEMWORDS] = { 0 };
	uint32_t a = 0, x = 0;
	for (unsigned pc = 0; pc < p->len; pc++) {
		const struct sock_filter *f = &p->filter[pc];
		uint32_t k = f->k;
		uint32_t src = BPF_SRC(f->code) == BPF_X ? x : k;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
				ck_assert_msg(k % 4 == 0 && k + 4 <= sizeof(d), "bad load at %u", pc);
				memcpy(&a, (const char *)&d + k, 4);
			} else if (f->code == (BPF_LD | BPF_IMM)) {
				a = k;
			} else if (f->code == (BPF_LD | BPF_MEM)) {
				ck_assert_uint_lt(k, BPF_MEMWORDS);
				a = mem[k];
			} else if (f->code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = sizeof(d);
			} else {
				ck_abort_msg("unsupported BPF_LD 0x%x at %u", f->code, pc);
			}
			break;
		case BPF_LDX:
			if (f->code == (BPF_LDX | BPF_IMM))
				x = k;
			else if (f->code == (BPF_LDX | BPF_MEM) && k < BPF_MEMWORDS)
				x = mem[k];
			else if (f->code == (BPF_LDX | BPF_W | BPF_LEN))
				x = sizeof(d);
			else
				ck_abort_msg("unsupported BPF_LDX 0x%x at %u", f->code, pc);
			break;
		case BPF_ST:
			ck_assert_uint_lt(k, BPF_MEMWORDS);
			mem[k] = a;
			break;
		case BPF_STX:
			ck_assert_uint_lt(k, BPF_MEMWORDS);
			mem[k] = x;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_MUL: a *= src; break;
			case BPF_DIV: ck_assert_uint_ne(src, 0); a /= src; break;
			case BPF_MOD: ck_assert_uint_ne(src, 0); a %= src; break;
			case BPF_AND: a &= src; break;
			case BPF_OR: a |= src; break;
			case BPF_XOR: a ^= src; break;
			case BPF_LSH: a = src < 32 ? a << src : 0; break;
			case BPF_RSH: a = src < 32 ? a >> src : 0; break;
			case BPF_NEG: a = -a; break;
			default: ck_abort_msg("unsupported BPF_ALU 0x%x at %u", f->code, pc);
			}
			break;
		case BPF_JMP: {
			bool t;
			switch (BPF_OP(f->code)) {
			case BPF_JA: pc += k; continue;
			case BPF_JEQ: t = a == src; break;
			case BPF_JGT: t = a > src; break;
			case BPF_JGE: t = a >= src; break;
			case BPF_JSET: t = (a & src) != 0; break;
			default: ck_abort_msg("unsupported BPF_JMP 0x%x at %u", f->code, pc); t = false;
			}
			pc += t ? f->jt : f->jf;
			break;
		}
		case BPF_RET:
			if (BPF_RVAL(f->code) == BPF_K)
				return k;
			if (BPF_RVAL(f->code) == BPF_A)
				return a;
			ck_abort_msg("unsupported BPF_RET 0x%x at %u", f->code, pc);
			break;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	ck_abort_msg("fell off the end of the filter (arch 0x%x nr %d)", d.arch, d.nr);
	return 0;
}

