/* The rule-set socket options of ip_tables and ip6_tables (REPLACE,
 * ADD_COUNTERS, GET_INFO, GET_ENTRIES) of an i386 guest that came through
 * socketcall: the supervisor has read the block, so it performs them on
 * its copy in the x86_64 layout (layout.c), as the kernel's compat code
 * does for a native i386 caller (ip_tables.c compat_do_replace,
 * compat_get_entries, compat_table_info; x_tables.c xt_copy_counters).
 * Its checks come in the kernel's order; where one fails before the
 * kernel would read the table, the host is asked with a header that
 * fails the same check, so its capability check still comes first. */
#include "netfilter.h"

#include <netinet/in.h> /* before the uapi headers: glibc's in_addr */

#include <errno.h>
#include <limits.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../common/cleanup.h"
#include "../../guest/guest.h"
#include "../io.h"
#include "layout.h"

/* ipt_replace and ip6t_replace, ipt_get_entries and ip6t_get_entries,
 * ipt_getinfo and ip6t_getinfo are the same structures. */
#define C_REPLACE 92u /* compat_ipt_replace: a 4-byte counters pointer */
#define C_GET_ENTRIES 36u
#define C_COUNTERS_INFO 36u
#define TABLE_MAX CB_XT_MAX
#define CTR 16u /* xt_counters: two u64, packed alike */
#define SO_REPLACE 64 /* IPT_SO_SET_REPLACE, IP6T_SO_SET_REPLACE */
#define SO_ADD_COUNTERS 65
#define SO_GET_INFO 64
#define SO_GET_ENTRIES 65

_Static_assert(sizeof(struct ipt_replace) == 96, "ipt_replace");
_Static_assert(offsetof(struct ipt_get_entries, entrytable) == 40, "ipt_get_entries");
_Static_assert(offsetof(struct xt_counters_info, counters) == 40, "xt_counters_info");
_Static_assert(sizeof(struct ipt_getinfo) == 84, "ipt_getinfo");

/* ipt_entry: the same 112 bytes on both; ip6t_entry: 164 bytes on i386,
 * 168 on x86_64 (its counters 8-aligned). */
static const struct cb_xt_family families[] = {
	{ IPPROTO_IP, 88, { 96, 96 }, { 112, 112 } },
	{ IPPROTO_IPV6, 140, { 148, 152 }, { 164, 168 } },
};

static const struct cb_xt_family *family(int level)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i].level == level)
			return &families[i];
	return NULL;
}

/* Whether this kernel converts rule sets for an i386 caller: Debian's
 * 6.12 is built without CONFIG_NETFILTER_XTABLES_COMPAT, and then an i386
 * iptables gets its bytes read as x86_64 ones (EINVAL), which the
 * supervisor reproduces by passing them on as they are. Told by x_tables'
 * compat functions in /proc/kallsyms (names are listed to everyone); known
 * once x_tables is there (always, when a table exists to be asked). */
static int compat_known; /* 0 unknown, 1 converts, -1 does not */

bool cb_xt_kernel_converts(void)
{
	int k = __atomic_load_n(&compat_known, __ATOMIC_RELAXED);
	if (k)
		return k > 0;
	FILE *f = fopen("/proc/kallsyms", "re");
	if (!f)
		return true;
	char line[512];
	bool xt = false, compat = false;
	while (fgets(line, sizeof(line), f) && !compat) {
		char *name = strrchr(line, ' ');
		if (!name)
			continue;
		name++;
		name[strcspn(name, "\t\n")] = 0;
		xt = xt || !strcmp(name, "xt_register_table");
		compat = !strcmp(name, "xt_compat_calc_jump");
	}
	fclose(f);
	if (compat || xt)
		__atomic_store_n(&compat_known, compat ? 1 : -1, __ATOMIC_RELAXED);
	return compat || !xt;
}

static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* The host call, with the guest's credentials (CAP_NET_ADMIN is the
 * guest's). */
static long host(struct cb_xctx *x, bool set, int hfd, const struct cb_xt_family *f, int name,
		 void *v, uint32_t len)
{
	int rc = cb_xsys_as_guest(x);
	if (rc)
		return rc;
	socklen_t l = len;
	long r = set ? syscall(SYS_setsockopt, hfd, f->level, name, v, (socklen_t)len)
		     : syscall(SYS_getsockopt, hfd, f->level, name, v, &l);
	int e = errno;
	cb_xsys_as_self(x);
	return r < 0 ? -e : r;
}

/* The error the kernel reports after its capability check: EINVAL from
 * a length the native code refuses before it reads anything. */
static long einval(struct cb_xctx *x, bool set, int hfd, const struct cb_xt_family *f, int name)
{
	if (set) {
		/* A length short of the size it gives (and that byte, should
		 * the host read on). */
		struct {
			struct ipt_replace r;
			uint8_t more[8];
		} r = { .r = { .num_counters = 1, .size = 1 } };
		return host(x, true, hfd, f, SO_REPLACE, &r, sizeof(r.r));
	}
	return host(x, false, hfd, f, name == SO_GET_INFO ? name : SO_GET_ENTRIES,
		    xio_guard(), 1);
}

/* ---- setsockopt ---- */

static long set_replace(struct cb_xctx *x, int hfd, const struct cb_xt_family *f, uint64_t p,
			uint32_t len)
{
	uint8_t ch[C_REPLACE];
	struct ipt_replace nh;
	int rc = xio_read(x->c, p, ch, sizeof(ch));
	if (rc == -EFAULT)
		return host(x, true, hfd, f, SO_REPLACE, xio_guard(), sizeof(nh));
	if (rc)
		return rc;
	memset(&nh, 0, sizeof(nh));
	memcpy(&nh, ch, offsetof(struct ipt_replace, counters));
	uint32_t gcounters = get32(ch + 88);
	/* The overflow checks of compat_do_replace: the host makes the same
	 * ones on the same numbers. */
	if (nh.num_counters >= INT_MAX / CTR || nh.num_counters == 0)
		return host(x, true, hfd, f, SO_REPLACE, &nh, sizeof(nh));
	if ((uint64_t)len < (uint64_t)nh.size + C_REPLACE)
		return einval(x, true, hfd, f, SO_REPLACE);
	if (nh.size > TABLE_MAX)
		return -ENOMEM;
	cleanup_free uint8_t *in = malloc(nh.size ? nh.size : 1);
	if (!in)
		return -ENOMEM;
	rc = xio_read(x->c, p + C_REPLACE, in, nh.size);
	if (rc == -EFAULT) {
		/* The header readable, the entries not. */
		struct xio_buf b = { 0 };
		rc = xio_buf_make(&b, sizeof(nh) + nh.size, sizeof(nh));
		if (rc)
			return rc;
		memcpy(b.p, &nh, sizeof(nh));
		long r = host(x, true, hfd, f, SO_REPLACE, b.p, (uint32_t)b.len);
		xio_buf_free(&b);
		return r;
	}
	if (rc)
		return rc;
	struct cb_xt_jumps j = { 0 };
	cleanup_free uint8_t *out = NULL;
	size_t osize = 0, nent = 0;
	rc = cb_xt_convert(f, in, nh.size, true, sizeof(nh), &out, &osize, &j, &nent);
	if (!rc && nent != nh.num_entries)
		rc = -EINVAL; /* translate_compat_table counts them */
	if (!rc)
		for (int h = 0; h < NF_INET_NUMHOOKS; h++) {
			nh.hook_entry[h] += (uint32_t)cb_xt_jump_delta(&j, nh.hook_entry[h]);
			nh.underflow[h] += (uint32_t)cb_xt_jump_delta(&j, nh.underflow[h]);
		}
	cb_xt_jumps_free(&j);
	if (rc == -EINVAL)
		return einval(x, true, hfd, f, SO_REPLACE);
	if (rc)
		return rc;
	/* The old table's counters come back here, then to the guest's
	 * buffer (the same 16 bytes each, 4-aligned there). Past the
	 * supervisor's bound they go nowhere, as when the guest's buffer is
	 * bad: the kernel ignores that failure, the table is in place. */
	size_t clen = (size_t)nh.num_counters * CTR;
	cleanup_free uint8_t *ctrs = clen <= TABLE_MAX ? calloc(1, clen) : NULL;
	nh.counters = ctrs ? (void *)ctrs : xio_guard();
	nh.size = (unsigned)osize;
	memcpy(out, &nh, sizeof(nh));
	long r = host(x, true, hfd, f, SO_REPLACE, out, (uint32_t)(sizeof(nh) + osize));
	if (r == 0 && ctrs) {
		rc = cb_guest_write(x->c, gcounters, ctrs, clen);
		if (rc == -ENOENT)
			return rc;
	}
	return r;
}

static long set_counters(struct cb_xctx *x, int hfd, const struct cb_xt_family *f, uint64_t p,
			 uint32_t len)
{
	/* xt_copy_counters: at least one byte past the header, the header,
	 * then the counters exactly as many as it says. */
	uint8_t ch[C_COUNTERS_INFO];
	if (len <= sizeof(ch))
		return einval(x, true, hfd, f, SO_ADD_COUNTERS);
	int rc = xio_read(x->c, p, ch, sizeof(ch));
	if (rc == -EFAULT)
		return host(x, true, hfd, f, SO_ADD_COUNTERS, xio_guard(),
			    sizeof(struct xt_counters_info) + 1);
	if (rc)
		return rc;
	uint32_t num = get32(ch + 32);
	size_t data = len - sizeof(ch);
	if (data != (size_t)num * CTR) {
		/* One byte of counters can never be right. */
		struct xt_counters_info ni = { .num_counters = num };
		memcpy(ni.name, ch, sizeof(ni.name));
		return host(x, true, hfd, f, SO_ADD_COUNTERS, &ni, sizeof(ni) + 1);
	}
	if (data > TABLE_MAX)
		return -ENOMEM;
	size_t nlen = sizeof(struct xt_counters_info) + data;
	cleanup_free uint8_t *n = calloc(1, nlen);
	if (!n)
		return -ENOMEM;
	memcpy(n, ch, 32);
	put32(n + 32, num);
	rc = xio_read(x->c, p + sizeof(ch), n + sizeof(struct xt_counters_info), data);
	if (rc == -EFAULT) {
		struct xio_buf b = { 0 };
		rc = xio_buf_make(&b, nlen, sizeof(struct xt_counters_info));
		if (rc)
			return rc;
		memcpy(b.p, n, sizeof(struct xt_counters_info));
		long r = host(x, true, hfd, f, SO_ADD_COUNTERS, b.p, (uint32_t)nlen);
		xio_buf_free(&b);
		return r;
	}
	if (rc)
		return rc;
	return host(x, true, hfd, f, SO_ADD_COUNTERS, n, (uint32_t)nlen);
}

long cb_xt_setsockopt(struct cb_xctx *x, int hfd, int level, int name, uint64_t p, uint32_t len)
{
	const struct cb_xt_family *f = family(level);
	switch (f ? name : -1) {
	case SO_REPLACE:
		return set_replace(x, hfd, f, p, len);
	case SO_ADD_COUNTERS:
		return set_counters(x, hfd, f, p, len);
	}
	return -ENOPROTOOPT;
}

/* ---- getsockopt ---- */

/* Table NAME as the host has it: its info and its entries (a new
 * allocation of I->size bytes after the 40-byte ipt_get_entries head).
 * The table may change between the two calls: asked again then. */
static long native_table(struct cb_xctx *x, int hfd, const struct cb_xt_family *f, const char *name,
			 struct ipt_getinfo *i, uint8_t **ents)
{
	for (int tries = 0; tries < 16; tries++) {
		memset(i, 0, sizeof(*i));
		memcpy(i->name, name, sizeof(i->name));
		long r = host(x, false, hfd, f, SO_GET_INFO, i, sizeof(*i));
		if (r < 0)
			return r;
		if (i->size > TABLE_MAX)
			return -ENOMEM;
		size_t n = sizeof(struct ipt_get_entries) + i->size;
		uint8_t *g = calloc(1, n);
		if (!g)
			return -ENOMEM;
		memcpy(g, name, sizeof(i->name));
		put32(g + 32, i->size);
		r = host(x, false, hfd, f, SO_GET_ENTRIES, g, (uint32_t)n);
		if (r == -EAGAIN) {
			free(g);
			continue;
		}
		if (r < 0) {
			free(g);
			return r;
		}
		*ents = g;
		return 0;
	}
	return -EAGAIN;
}

/* The table as an i386 caller sees it: COUT (a new allocation, after
 * HEAD bytes), its size, and hooks moved in I. */
static long compat_table(struct cb_xctx *x, int hfd, const struct cb_xt_family *f, const char *name,
			 struct ipt_getinfo *i, uint8_t **cout, size_t *csize)
{
	cleanup_free uint8_t *g = NULL;
	long r = native_table(x, hfd, f, name, i, &g);
	if (r)
		return r;
	struct cb_xt_jumps j = { 0 };
	size_t nent = 0;
	int rc = cb_xt_convert(f, g + sizeof(struct ipt_get_entries), i->size, false, 0, cout, csize,
			       &j, &nent);
	if (!rc)
		for (int h = 0; h < NF_INET_NUMHOOKS; h++) {
			/* compat_calc_entry: only the hooks set move. */
			if (i->hook_entry[h])
				i->hook_entry[h] -= (uint32_t)cb_xt_jump_delta(&j, i->hook_entry[h]);
			if (i->underflow[h])
				i->underflow[h] -= (uint32_t)cb_xt_jump_delta(&j, i->underflow[h]);
		}
	cb_xt_jumps_free(&j);
	/* A malformed native table cannot be: the host made it. */
	return rc == -EINVAL ? -EOPNOTSUPP : rc;
}

static long get_info(struct cb_xctx *x, int hfd, const struct cb_xt_family *f, uint64_t p,
		     int32_t glen)
{
	struct ipt_getinfo i;
	if (glen != (int32_t)sizeof(i))
		return einval(x, false, hfd, f, SO_GET_INFO);
	int rc = xio_read(x->c, p, i.name, sizeof(i.name));
	if (rc == -EFAULT)
		return host(x, false, hfd, f, SO_GET_INFO, xio_guard(), sizeof(i));
	if (rc)
		return rc;
	char name[XT_TABLE_MAXNAMELEN];
	memcpy(name, i.name, sizeof(name));
	name[sizeof(name) - 1] = 0;
	cleanup_free uint8_t *c = NULL;
	size_t csize = 0;
	long r = compat_table(x, hfd, f, name, &i, &c, &csize);
	if (r)
		return r;
	i.size = (unsigned)csize;
	return cb_guest_write(x->c, p, &i, sizeof(i));
}

static long get_entries(struct cb_xctx *x, int hfd, const struct cb_xt_family *f, uint64_t p,
			int32_t glen)
{
	uint8_t gh[C_GET_ENTRIES];
	if (glen < (int32_t)sizeof(gh))
		return einval(x, false, hfd, f, SO_GET_ENTRIES);
	int rc = xio_read(x->c, p, gh, sizeof(gh));
	if (rc == -EFAULT)
		return host(x, false, hfd, f, SO_GET_ENTRIES, xio_guard(),
			    sizeof(struct ipt_get_entries));
	if (rc)
		return rc;
	uint32_t want = get32(gh + 32);
	if ((uint64_t)(uint32_t)glen != (uint64_t)want + sizeof(gh))
		return einval(x, false, hfd, f, SO_GET_ENTRIES);
	char name[XT_TABLE_MAXNAMELEN];
	memcpy(name, gh, sizeof(name));
	name[sizeof(name) - 1] = 0;
	struct ipt_getinfo i;
	cleanup_free uint8_t *c = NULL;
	size_t csize = 0;
	long r = compat_table(x, hfd, f, name, &i, &c, &csize);
	if (r)
		return r;
	if (csize != want) /* compat_get_entries: the table changed */
		return -EAGAIN;
	return cb_guest_write(x->c, p + sizeof(gh), c, csize);
}

long cb_xt_getsockopt(struct cb_xctx *x, int hfd, int level, int name, uint64_t p, int32_t glen)
{
	const struct cb_xt_family *f = family(level);
	switch (f ? name : -1) {
	case SO_GET_INFO:
		return get_info(x, hfd, f, p, glen);
	case SO_GET_ENTRIES:
		return get_entries(x, hfd, f, p, glen);
	}
	return -ENOPROTOOPT;
}
