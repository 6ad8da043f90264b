/* Translated i386 syscalls on files and the system: stat, statfs,
 * directories, locks, limits, time. Each row is one call: what its
 * arguments are and which x86_64 call performs it. See docs/translation.md for which
 * calls can be performed on the guest's behalf and which stay in the
 * kernel. */
#include "xsys.h"

#include "dispatch.h"

#define FD { CB_XA_FD }
#define VAL { CB_XA_VALUE }
#define SVAL { CB_XA_SVALUE }
#define OUT_REC(r) { CB_XA_RECORD, CB_DIR_OUT, r }
#define IN_REC(r) { CB_XA_RECORD, CB_DIR_IN, r }
#define STR { CB_XA_STR, CB_DIR_IN }

const struct cb_xsys cb_xsys_files[] = {
	{ "fstat64", "fstat", { FD, OUT_REC("stat64") },
	  .why = "fd call: stat64 (96 bytes, 4-aligned u64) from struct stat (144)" },
	{ "fstatat64", "newfstatat", { FD, STR, OUT_REC("stat64"), SVAL },
	  .why = "path call relative to a guest fd or the guest's cwd" },
	{ NULL },
};
