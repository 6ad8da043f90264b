/* Differential guest for ip_tables' and ip6_tables' rule sets
 * (iptables-legacy's and ip6tables-legacy's socket options): built -m32, so the table below is in the i386 layout (matches
 * and targets padded to 4 bytes, a 4-byte counters pointer); the kernel's
 * compat code (natively) and the supervisor (under --translate) convert it
 * to the x86_64 one and back. Each case runs as root in a new network
 * namespace (in the supervisor's user namespace: a guest in another one
 * has its socket calls run by the kernel), so the host's own tables are
 * never touched and no packet moves a counter. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <netinet/in.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diffcase.h"

/* ipt_entry and ip6t_entry as i386 lays them out (164 bytes for IPv6,
 * 168 on x86_64); ipt_replace, ipt_getinfo, ipt_get_entries and
 * xt_counters_info are the ip6t ones too. */
struct fam {
	int af, level;
	size_t esize, proto_at, flags_at, toff_at, ctr_at;
};
static const struct fam v4 = { AF_INET, IPPROTO_IP, sizeof(struct ipt_entry),
			       offsetof(struct ipt_entry, ip.proto), 0,
			       offsetof(struct ipt_entry, target_offset),
			       offsetof(struct ipt_entry, counters) };
static const struct fam v6 = { AF_INET6, IPPROTO_IPV6, sizeof(struct ip6t_entry),
			       offsetof(struct ip6t_entry, ipv6.proto),
			       offsetof(struct ip6t_entry, ipv6.flags),
			       offsetof(struct ip6t_entry, target_offset),
			       offsetof(struct ip6t_entry, counters) };
static const struct fam *fam = &v4;

static int sock(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	return socket(fam->af, SOCK_RAW, IPPROTO_RAW);
}

/* 0 when this machine has the family's filter table in a new network
 * namespace. */
static int no_table(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int s = sock();
		struct ipt_getinfo i = { .name = "filter" };
		socklen_t l = sizeof(i);
		_exit(s >= 0 && getsockopt(s, fam->level, IPT_SO_GET_INFO, &i, &l) == 0 ? 0 : 1);
	}
	int st = 1;
	waitpid(pid, &st, 0);
	return st;
}

#define ROOT "needs root (CAP_SYS_ADMIN for a network namespace, CAP_NET_ADMIN for its tables)"

/* NULL when family F's cases can run here, else why not (NO_TABLE: the
 * table is missing). */
static const char *need_family(const struct fam *f, const char *no_table_why)
{
	fam = f;
	if (geteuid() != 0)
		return ROOT;
	return no_table() ? no_table_why : NULL;
}

static const char *need_iptables(void)
{
	return need_family(&v4, "no ip_tables filter table in a new network namespace "
				"(modprobe ip_tables iptable_filter xt_tcpudp)");
}

static const char *need_ip6tables(void)
{
	return need_family(&v6, "no ip6_tables filter table in a new network namespace "
				"(modprobe ip6_tables ip6table_filter xt_tcpudp)");
}

/* ---- a filter table built by hand ---- */

static uint8_t tbl[4096] __attribute__((aligned(8)));
static unsigned tlen, off[16], nent;

static uint16_t *toff(unsigned e) { return (uint16_t *)(tbl + off[e] + fam->toff_at); }

/* A new entry (its index) matching PROTO. */
static unsigned entry(int proto)
{
	off[nent] = tlen;
	memset(tbl + tlen, 0, fam->esize);
	tbl[tlen + fam->proto_at] = (uint8_t)proto;
	if (proto && fam->flags_at)
		tbl[tlen + fam->flags_at] = IP6T_F_PROTO;
	tlen += fam->esize;
	toff(nent)[0] = toff(nent)[1] = (uint16_t)fam->esize;
	return nent++;
}

/* NAME into the name field at AT (ROOM bytes): through the table's bytes,
 * since gcc's -Warray-bounds (at -O2 with the sanitizers) takes a struct
 * pointer made from an offset into the table for a zero-sized object. */
static void put_name(uint8_t *at, const char *name, size_t room)
{
	size_t n = strnlen(name, room - 1);
	memcpy(at, name, n);
	at[n] = 0;
}

/* xt_entry_match and xt_entry_target are one layout: size, name and
 * revision, then the extension's data. */
_Static_assert(sizeof(struct xt_entry_match) == sizeof(struct xt_entry_target) &&
		       offsetof(struct xt_entry_match, u.user.name) ==
			       offsetof(struct xt_entry_target, u.user.name) &&
		       offsetof(struct xt_entry_match, data) == offsetof(struct xt_entry_target, data),
	       "match and target headers");

/* Extension NAME with N bytes of DATA appended to entry E: a match (which
 * moves the entry's target on) or its target. */
static void ext(unsigned e, bool is_match, const char *name, const void *data, unsigned n)
{
	struct xt_entry_target *t = (void *)(tbl + tlen);
	unsigned sz = XT_ALIGN(sizeof(*t) + n); /* -m32: 4 bytes */
	memset(t, 0, sz);
	t->u.user.target_size = (uint16_t)sz;
	put_name(tbl + tlen + offsetof(struct xt_entry_target, u.user.name), name,
		 sizeof(t->u.user.name));
	memcpy(t->data, data, n);
	tlen += sz;
	if (is_match)
		toff(e)[0] += sz;
	toff(e)[1] += sz;
}

static void match(unsigned e, const char *name, const void *data, unsigned n)
{
	ext(e, true, name, data, n);
}

static void target(unsigned e, const char *name, const void *data, unsigned n)
{
	ext(e, false, name, data, n);
}

static void verdict(unsigned e, int v) { target(e, XT_STANDARD_TARGET, &v, sizeof(v)); }

static void error(unsigned e, const char *name)
{
	char n[XT_FUNCTION_MAXNAMELEN] = { 0 };
	strcpy(n, name);
	target(e, XT_ERROR_TARGET, n, sizeof(n));
}

#define ACCEPT (-NF_ACCEPT - 1)
#define DROP (-NF_DROP - 1)

/* INPUT: tcp dport 22 ACCEPT, jump to mychain, policy ACCEPT; FORWARD
 * DROP; OUTPUT ACCEPT; mychain: udp dport 53 RETURN, RETURN; the end. */
static void build(struct ipt_replace *r)
{
	tlen = nent = 0;
	struct xt_tcp tcp = { .spts = { 0, 65535 }, .dpts = { 22, 22 } };
	struct xt_udp udp = { .spts = { 0, 65535 }, .dpts = { 53, 53 } };
	unsigned e = entry(IPPROTO_TCP);
	match(e, "tcp", &tcp, sizeof(tcp));
	verdict(e, ACCEPT);
	unsigned jump = entry(0);
	verdict(jump, 0); /* set below */
	verdict(entry(0), ACCEPT);
	verdict(entry(0), DROP);
	verdict(entry(0), ACCEPT);
	error(entry(0), "mychain");
	e = entry(IPPROTO_UDP);
	match(e, "udp", &udp, sizeof(udp));
	verdict(e, XT_RETURN);
	verdict(entry(0), XT_RETURN);
	error(entry(0), "ERROR");
	/* The jump's verdict: the byte offset of mychain's first rule. */
	int v = (int)off[6];
	memcpy(tbl + off[jump] + toff(jump)[0] + sizeof(struct xt_entry_target), &v, sizeof(v));
	memset(r, 0, sizeof(*r));
	strcpy(r->name, "filter");
	r->valid_hooks = 1 << NF_INET_LOCAL_IN | 1 << NF_INET_FORWARD | 1 << NF_INET_LOCAL_OUT;
	r->num_entries = nent;
	r->size = tlen;
	r->hook_entry[NF_INET_LOCAL_IN] = off[0];
	r->underflow[NF_INET_LOCAL_IN] = off[2];
	r->hook_entry[NF_INET_FORWARD] = r->underflow[NF_INET_FORWARD] = off[3];
	r->hook_entry[NF_INET_LOCAL_OUT] = r->underflow[NF_INET_LOCAL_OUT] = off[4];
}

static void print_info(const char *what, struct ipt_getinfo *i)
{
	printf("%s: %s hooks %#x entries %u size %u\n", what, i->name, i->valid_hooks,
	       i->num_entries, i->size);
	for (int h = 0; h < NF_INET_NUMHOOKS; h++)
		printf("  hook %d: entry %u underflow %u\n", h, i->hook_entry[h], i->underflow[h]);
}

static int get_info(int s, const char *name, struct ipt_getinfo *i)
{
	memset(i, 0, sizeof(*i));
	strcpy(i->name, name);
	socklen_t l = sizeof(*i);
	int r = getsockopt(s, fam->level, IPT_SO_GET_INFO, i, &l);
	res("GET_INFO", r);
	printf("  length %u\n", l);
	if (r == 0)
		print_info(name, i);
	return r;
}

static void get_entries(int s, const struct ipt_getinfo *i)
{
	size_t n = sizeof(struct ipt_get_entries) + i->size;
	struct ipt_get_entries *g = calloc(1, n + 16);
	strcpy(g->name, i->name);
	g->size = i->size;
	socklen_t l = (socklen_t)n;
	int r = getsockopt(s, fam->level, IPT_SO_GET_ENTRIES, g, &l);
	res("GET_ENTRIES", r);
	printf("  length %u\n", l);
	if (r == 0) {
		/* Entry by entry: offsets, where it is reached from, counters
		 * and its extensions, then every byte. */
		for (unsigned o = 0; o + fam->esize <= i->size;) {
			uint8_t *e = (uint8_t *)g->entrytable + o;
			uint16_t t[2];
			uint32_t comefrom;
			struct xt_counters c;
			memcpy(t, e + fam->toff_at, sizeof(t));
			memcpy(&comefrom, e + fam->toff_at + 4, sizeof(comefrom));
			memcpy(&c, e + fam->ctr_at, sizeof(c));
			printf("  @%u proto %u target %u next %u comefrom %#x counters %llu %llu\n", o,
			       e[fam->proto_at], t[0], t[1], comefrom, (unsigned long long)c.pcnt,
			       (unsigned long long)c.bcnt);
			if (!t[1])
				break;
			o += t[1];
		}
		dump("  entries", g->entrytable, i->size);
	}
	/* A size that is not the table's: EAGAIN; a length that does not
	 * match the size: EINVAL. */
	g->size = i->size + 4;
	l = (socklen_t)(n + 4);
	res("GET_ENTRIES with another size", getsockopt(s, fam->level, IPT_SO_GET_ENTRIES, g, &l));
	g->size = i->size;
	l = (socklen_t)(n + 4);
	res("GET_ENTRIES with a longer length", getsockopt(s, fam->level, IPT_SO_GET_ENTRIES, g, &l));
	free(g);
}

static void table(void)
{
	int s = sock();
	res("socket", s);
	struct ipt_getinfo i;
	if (get_info(s, "filter", &i))
		return;
	get_entries(s, &i);
	unsigned old = i.num_entries;

	/* REPLACE: the old table's counters come back in the guest's
	 * buffer. */
	struct ipt_replace *r = calloc(1, sizeof(*r) + sizeof(tbl));
	build(r);
	memcpy(r->entries, tbl, tlen);
	struct xt_counters *ctr = calloc(old + 1, sizeof(*ctr));
	memset(ctr, 0xaa, (old + 1) * sizeof(*ctr));
	r->num_counters = old;
	r->counters = ctr;
	res("SET_REPLACE", setsockopt(s, fam->level, IPT_SO_SET_REPLACE, r, sizeof(*r) + tlen));
	dump("  old counters", ctr, (old + 1) * sizeof(*ctr));
	if (get_info(s, "filter", &i))
		return;
	get_entries(s, &i);

	/* ADD_COUNTERS: i386 has the array at offset 36. */
	size_t cn = sizeof(struct xt_counters_info) + nent * sizeof(struct xt_counters);
	struct xt_counters_info *ci = calloc(1, cn);
	strcpy(ci->name, "filter");
	ci->num_counters = nent;
	for (unsigned k = 0; k < nent; k++)
		ci->counters[k] = (struct xt_counters){ k + 1, 1000 * (k + 1) };
	res("SET_ADD_COUNTERS", setsockopt(s, fam->level, IPT_SO_SET_ADD_COUNTERS, ci, cn));
	res("SET_ADD_COUNTERS short", setsockopt(s, fam->level, IPT_SO_SET_ADD_COUNTERS, ci, cn - 4));
	get_entries(s, &i);

	/* A second REPLACE hands back the counters just added. */
	build(r);
	memcpy(r->entries, tbl, tlen);
	free(ctr);
	ctr = calloc(nent, sizeof(*ctr));
	r->num_counters = nent;
	r->counters = ctr;
	res("SET_REPLACE again", setsockopt(s, fam->level, IPT_SO_SET_REPLACE, r, sizeof(*r) + tlen));
	dump("  old counters", ctr, nent * sizeof(*ctr));
	free(ctr);
	free(ci);
	free(r);
}

static void table_case(void)
{
	fam = &v4;
	table();
}

static void table6_case(void)
{
	fam = &v6;
	table();
}

/* What the kernel refuses, in its order. */
static void errors_case(void)
{
	fam = &v4;
	int s = sock();
	res("socket", s);
	struct ipt_getinfo i = { .name = "nosuch" };
	socklen_t l = sizeof(i);
	res("GET_INFO of no table", getsockopt(s, fam->level, IPT_SO_GET_INFO, &i, &l));
	l = sizeof(i) - 1;
	res("GET_INFO short", getsockopt(s, fam->level, IPT_SO_GET_INFO, &i, &l));
	l = sizeof(i);
	res("GET_INFO bad buffer", getsockopt(s, fam->level, IPT_SO_GET_INFO, BAD_PTR, &l));
	struct ipt_get_entries g = { .name = "filter" };
	l = sizeof(g) - 1;
	res("GET_ENTRIES short", getsockopt(s, fam->level, IPT_SO_GET_ENTRIES, &g, &l));

	struct ipt_replace *r = calloc(1, sizeof(*r) + sizeof(tbl));
	build(r);
	memcpy(r->entries, tbl, tlen);
	r->num_counters = 0;
	res("SET_REPLACE no counters", setsockopt(s, fam->level, IPT_SO_SET_REPLACE, r, sizeof(*r) + tlen));
	r->num_counters = 4;
	res("SET_REPLACE short", setsockopt(s, fam->level, IPT_SO_SET_REPLACE, r, sizeof(*r) + tlen - 1));
	res("SET_REPLACE bad buffer", setsockopt(s, fam->level, IPT_SO_SET_REPLACE, BAD_PTR, sizeof(*r) + tlen));
	r->num_entries++;
	res("SET_REPLACE wrong count", setsockopt(s, fam->level, IPT_SO_SET_REPLACE, r, sizeof(*r) + tlen));
	r->num_entries--;
	/* A match's size past the target. */
	struct xt_entry_match *m = (void *)((uint8_t *)r->entries + fam->esize);
	m->u.user.match_size = 200;
	res("SET_REPLACE bad match size", setsockopt(s, fam->level, IPT_SO_SET_REPLACE, r, sizeof(*r) + tlen));
	build(r);
	memcpy(r->entries, tbl, tlen);
	r->num_counters = 4;
	strcpy(m->u.user.name, "nosuchmatch");
	res("SET_REPLACE unknown match", setsockopt(s, fam->level, IPT_SO_SET_REPLACE, r, sizeof(*r) + tlen));
	/* The old counters cannot be handed back: the kernel says nothing,
	 * the new table is in place. */
	build(r);
	memcpy(r->entries, tbl, tlen);
	r->num_counters = 4;
	r->counters = BAD_PTR;
	res("SET_REPLACE bad counters", setsockopt(s, fam->level, IPT_SO_SET_REPLACE, r, sizeof(*r) + tlen));
	struct ipt_getinfo now;
	get_info(s, "filter", &now);
	res("SET_ADD_COUNTERS bad buffer", setsockopt(s, fam->level, IPT_SO_SET_ADD_COUNTERS, BAD_PTR, 40));

	struct xt_get_revision rev = { .name = "tcp" };
	l = sizeof(rev);
	res("GET_REVISION_MATCH tcp", getsockopt(s, fam->level, IPT_SO_GET_REVISION_MATCH, &rev, &l));
	strcpy(rev.name, "ERROR");
	res("GET_REVISION_TARGET ERROR", getsockopt(s, fam->level, IPT_SO_GET_REVISION_TARGET, &rev, &l));
	free(r);
}

static const struct diff_case cases[] = {
	{ "table", table_case, "translated=socketcall:setsockopt,socketcall:getsockopt --keep-caps=sys_admin,net_admin,net_raw", need_iptables },
	{ "table6", table6_case, "translated=socketcall:setsockopt,socketcall:getsockopt --keep-caps=sys_admin,net_admin,net_raw", need_ip6tables },
	{ "errors", errors_case, "translated=socketcall:setsockopt,socketcall:getsockopt --keep-caps=sys_admin,net_admin,net_raw", need_iptables },
};

DIFF_MAIN(cases)
