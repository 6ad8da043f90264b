/* Syscall names and numbers of both ABIs, generated at build time from
 * libseccomp (abigen/syscall_tables.c), indexed by enum cb_arch. */
#ifndef CB_SYSCALL_TABLES_H
#define CB_SYSCALL_TABLES_H

#include <stdint.h>

#define CB_SYSTAB_MAXNR 1024

/* The name of each number: an offset into cb_systab_text, 0 where there is
 * none (the text starts with a NUL); cb_systab_name() says it as a string. */
extern const char cb_systab_text[];
extern const uint16_t cb_systab_name_at[2][CB_SYSTAB_MAXNR];
/* What a libseccomp rule takes for each number (see the generator). */
extern const int32_t cb_systab_rule_nr[2][CB_SYSTAB_MAXNR];
/* The named numbers ordered by name, then number; cb_systab_count of them. */
extern const uint16_t cb_systab_by_name[2][CB_SYSTAB_MAXNR];
extern const int cb_systab_count[2];

/* The name of number NR (0 <= NR < CB_SYSTAB_MAXNR) on ABI ARCH; NULL: none. */
static inline const char *cb_systab_name(int arch, int nr)
{
	uint16_t at = cb_systab_name_at[arch][nr];
	return at ? cb_systab_text + at : NULL;
}

#endif
