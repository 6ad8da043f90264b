/* Symbolic names a policy may use for numbers: constants in argument
 * conditions, ioctl requests and ioctl families. */
#ifndef CB_NAMES_H
#define CB_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "../abi/arch.h"

/* A constant for argument conditions (O_CREAT, AF_NETLINK, CLONE_NEWUSER,
 * PROT_EXEC, ...): true and *V when known. */
bool cb_const_by_name(const char *name, uint64_t *v);
/* An ioctl request by name, as each ABI's guest passes it: true when known
 * (the names of abi/ioctl_decode.c, a few more, and the layout database). */
bool cb_ioctl_req_by_name(const char *name, uint32_t req[CB_ARCH_COUNT]);
/* A family of requests (tty, drm, v4l, ...) as (request & mask) == value. */
bool cb_ioctl_family(const char *name, uint32_t *mask, uint32_t *value);
/* The families' names, comma-separated, for messages. */
const char *cb_ioctl_family_names(void);

#endif
