/* Decoding ioctl request numbers: the _IOC fields and the names of known requests. */
#ifndef CB_IOCTL_DECODE_H
#define CB_IOCTL_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"

struct cb_ioctl_fields {
	unsigned dir;  /* _IOC_NONE, _IOC_READ, _IOC_WRITE or both */
	unsigned type; /* the "magic" byte */
	unsigned nr;
	unsigned size; /* bytes, as encoded; 0 for old-style requests like TCGETS */
};

/* Split a request into its _IOC fields. Requests are 32 bits: the kernel
 * ignores the upper half, so a decision must too. */
struct cb_ioctl_fields cb_ioctl_split(uint32_t request);
/* "none", "r", "w" or "rw". */
const char *cb_ioctl_dir_name(unsigned dir);
/* Name of REQUEST as seen from ARCH's guest, or NULL when unknown. */
const char *cb_ioctl_name(enum cb_arch arch, uint32_t request);
/* How many names ARCH's generated table holds. */
size_t cb_ioctl_names_count(enum cb_arch arch);
struct cb_ioctl_name;
/* Up to MAX entries of ARCH's table with REQUEST's direction, type and
 * number but another size (a layout that differs between ABIs); returns
 * how many were stored in OUT. */
int cb_ioctl_other_sizes(enum cb_arch arch, uint32_t request,
			 const struct cb_ioctl_name **out, int max);

#endif
