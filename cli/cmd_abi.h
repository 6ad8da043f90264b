/* `compatbox abi ...`: look at the layout database, or make a .abi file
 * from a vendor header. */
#ifndef CB_CMD_ABI_H
#define CB_CMD_ABI_H

#include <stdio.h>

#include "../abi/layout.h"

/* ARGV[0] is "abi". Returns the exit status: 0, 1 on failure, 2 on misuse. */
int cb_cmd_abi(int argc, char **argv);

extern const char cb_abi_usage[];

/* Requests of DB per family and how many differ between the ABIs, to OUT. */
int cb_abi_stats(const struct cb_abi_db *db, FILE *out);

#endif
