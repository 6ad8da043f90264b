/* Finding the guest program and telling what kind of executable it is. */
#ifndef CB_PROGRAM_H
#define CB_PROGRAM_H

#include <stddef.h>

#include "../common/error.h"

enum cb_exe_kind { CB_EXE_OTHER, CB_EXE_I386, CB_EXE_X86_64, CB_EXE_X32 };

/* Resolve NAME like execvp(3) into OUT. -ENOENT (exit 127) or -EACCES
 * (exit 126) with a reason in ERR. */
int cb_program_resolve(const char *name, char *out, size_t outlen, struct cb_err *err);
/* What the ELF header of PATH says (CB_EXE_OTHER for scripts and the rest). */
enum cb_exe_kind cb_program_kind(const char *path);

#endif
