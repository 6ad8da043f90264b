/* User-space compat translation: an i386 guest's ioctl whose request the
 * layout database knows is performed by the supervisor as the native
 * x86_64 call, its argument converted by the descriptors both ways. */
#ifndef CB_TRANSLATE_H
#define CB_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "../abi/layout.h"
#include "../supervisor/call.h"
#include "../audit/log.h"

#define CB_MAX_DBS 9 /* up to 8 --abi files, then the built-in database */

struct cb_translator {
	bool enabled;                         /* --translate */
	const struct cb_abi_db *dbs[CB_MAX_DBS]; /* searched in order: --abi files first */
	int ndbs;
};

/* The database entry that translates REQUEST from ARCH's guest, or NULL
 * (not an i386 guest, translation off, unknown or task-tied request). DESC
 * (may be NULL) gets the entry describing it, task-tied ones included. */
const struct cb_ioctl *cb_translate_find(const struct cb_translator *t, enum cb_arch arch,
					 uint32_t request, const struct cb_abi_db **db,
					 const struct cb_ioctl **desc);
/* Perform the guest's ioctl REQUEST through IOC of DB on FD, the supervisor's copy
 * of its fd (the very file an ioctl rule decided on, when one looked), or
 * the -errno taking it failed with; sets the call's verdict and fills LR
 * for the log. The caller takes the copy first, to hand the lead off
 * before a request that may wait. */
void cb_translate_ioctl(struct cb_call *c, const struct cb_abi_db *db, const struct cb_ioctl *ioc,
			uint32_t request, int fd, uint64_t argp, struct cb_log_result *lr);

#endif
