/* The layout database compatbox is built with: generated at build time from
 * abigen/spec/builtin.spec by cb-abigen (build/abigen/builtin_abi.c), checked
 * against the real headers by the abi-check target. */
#ifndef CB_GEN_BUILTIN_H
#define CB_GEN_BUILTIN_H

#include "layout.h"

extern const struct cb_abi_db cb_abi_builtin;

#endif
