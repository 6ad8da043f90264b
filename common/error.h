/* One error convention: functions return 0 or a negative errno; where a user
 * must read why, they also fill a struct cb_err with a one-line reason. */
#ifndef CB_ERROR_H
#define CB_ERROR_H

#include <stdarg.h>
#include <stdio.h>

struct cb_err {
	char msg[512];
};

/* Format a reason into err (if non-NULL) and return -errnum. */
__attribute__((format(printf, 3, 4)))
int cb_fail(struct cb_err *err, int errnum, const char *fmt, ...);

#endif
