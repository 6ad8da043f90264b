/* The sizes of the x_tables extensions translate/netfilter/exts.def names,
 * one a line. Built for i386 and for x86_64: the supervisor takes them as
 * the i386 sizes, so both builds must print the same. */
#include "../../translate/netfilter/exts_headers.h"

#include <stdio.h>

int main(void)
{
#define X(name, rev, target, type) printf("%s %d %d %zu\n", name, rev, target, sizeof(type));
#include "../../translate/netfilter/exts.def"
	return 0;
}
