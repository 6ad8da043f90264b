/* Scope-bound cleanup helpers, so error paths need no goto ladders. */
#ifndef CB_CLEANUP_H
#define CB_CLEANUP_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cb_freep(void *p) { free(*(void **)p); }
static inline void cb_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno; /* close must not clobber the errno a caller reports */
		close(*fd);
		errno = saved;
	}
}

#define cleanup_free __attribute__((cleanup(cb_freep)))
#define cleanup_fd __attribute__((cleanup(cb_closep)))

/* Hand ownership out of a cleanup-scoped variable. */
#define steal_fd(pfd) ({ int _fd = *(pfd); *(pfd) = -1; _fd; })
#define steal_ptr(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })

#endif
