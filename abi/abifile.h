/* .abi files: a layout database as text, written by the generator and meant
 * to be read and edited by people (the format is in docs/abi.md).
 *
 *   compatbox-abi 1
 *   abis i386 x86_64
 *   record iovec struct size 8 16 align 4 8
 *   field iov_base ptr off 0 0 size 4 8 ->buf len=iov_len
 *   field iov_len ulong off 4 8 size 4 8
 *   end
 *   ioctl FIONREAD req 0x541b 0x541b arg sint size 4 4 dir out
 */
#ifndef CB_ABIFILE_H
#define CB_ABIFILE_H

#include <stdio.h>

#include "../common/error.h"
#include "layout.h"

/* Read PATH into OUT (malloc'd; release with cb_abifile_free). Errors are
 * "PATH:LINE: what is wrong". */
int cb_abifile_load(const char *path, struct cb_abi_db *out, struct cb_err *err);
/* The same from TEXT; NAME stands for the file in messages. */
int cb_abifile_parse(const char *name, const char *text, struct cb_abi_db *out,
		     struct cb_err *err);
/* Free a database from cb_abifile_load or the generator. */
void cb_abifile_free(struct cb_abi_db *db);

/* Write DB; COMMENT (may be NULL, may hold newlines) goes first as # lines. */
int cb_abifile_write(FILE *f, const struct cb_abi_db *db, const char *comment);
int cb_abifile_save(const char *path, const struct cb_abi_db *db, const char *comment,
		    struct cb_err *err);

/* The longest line the reader takes. */
#define CB_ABIFILE_MAX_LINE 4096

#endif
