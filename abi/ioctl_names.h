/* The ioctl request names of the kernel's uapi headers, per ABI: generated
 * at build time by abigen/ioctl_names.py, sorted by number (for one number,
 * the name to show first). */
#ifndef CB_IOCTL_NAMES_H
#define CB_IOCTL_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* NAME is an offset into cb_ioctl_name_text, not a pointer: the tables
 * then need no load-time relocation (see cb_ioctl_name_str). */
struct cb_ioctl_name {
	uint32_t req;
	uint32_t name;
};

extern const char cb_ioctl_name_text[];

/* The request name of entry E. */
static inline const char *cb_ioctl_name_str(const struct cb_ioctl_name *e)
{
	return cb_ioctl_name_text + e->name;
}

extern const struct cb_ioctl_name cb_ioctl_names_i386[];
extern const size_t cb_ioctl_names_i386_n;
extern const struct cb_ioctl_name cb_ioctl_names_x86_64[];
extern const size_t cb_ioctl_names_x86_64_n;

#endif
