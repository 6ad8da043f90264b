/* Syscall names and numbers of both ABIs, generated at build time from
 * libseccomp (abigen/syscall_tables.c), indexed by enum cb_arch. */
#ifndef CB_SYSCALL_TABLES_H
#define CB_SYSCALL_TABLES_H

#include <stdint.h>

#define CB_SYSTAB_MAXNR 1024

/* The name of each number; NULL where there is none. */
extern const char *const cb_systab_name[2][CB_SYSTAB_MAXNR];
/* What a libseccomp rule takes for each number (see the generator). */
extern const int32_t cb_systab_rule_nr[2][CB_SYSTAB_MAXNR];
/* The named numbers ordered by name, then number; cb_systab_count of them. */
extern const uint16_t cb_systab_by_name[2][CB_SYSTAB_MAXNR];
extern const int cb_systab_count[2];

#endif
