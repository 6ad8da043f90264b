/* The rule-set socket options of ip_tables and ip6_tables for an i386
 * guest, performed on the supervisor's copy in the x86_64 layout
 * (tables.c; the layouts in layout.c, the extensions in exts.c). */
#ifndef CB_XSYS_NETFILTER_H
#define CB_XSYS_NETFILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "../xsys.h"

/* Whether the host kernel converts rule sets for i386 callers
 * (CONFIG_NETFILTER_XTABLES_COMPAT); when not, an i386 table is passed on
 * as it is, as natively. */
bool cb_xt_kernel_converts(void);
/* SOL_IP or SOL_IPV6, option 64 or 65 (REPLACE and ADD_COUNTERS, GET_INFO
 * and GET_ENTRIES of both): setsockopt from the guest's LEN bytes at P on
 * host socket HFD, the call's result or -errno. */
long cb_xt_setsockopt(struct cb_xctx *x, int hfd, int level, int name, uint64_t p, uint32_t len);
/* getsockopt into the guest's GLEN bytes at P: the result (the guest's
 * length stays as it is) or -errno. */
long cb_xt_getsockopt(struct cb_xctx *x, int hfd, int level, int name, uint64_t p, int32_t glen);

#endif
