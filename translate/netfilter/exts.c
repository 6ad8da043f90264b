/* Which extensions the supervisor can re-lay out, and their i386 size.
 * The kernel gives an x86_64 caller an extension's data rounded up to 8
 * bytes, an i386 one rounded up to 4: from a native table alone the i386
 * size is ambiguous (4 bytes less or not), so it comes from exts.def. The
 * extensions the kernel converts field by field (a compat_from_user
 * hook: the limit match, whose xt_rateinfo holds an unsigned long; the
 * standard target, handled in layout.c) are refused here. */
#include "exts_headers.h"

#include <string.h>

#include "layout.h"

struct ext {
	const char *name;
	int rev;
	bool target;
	unsigned size;
};

static const struct ext exts[] = {
#define X(name, rev, target, type) { name, rev, target, sizeof(type) },
#include "exts.def"
#undef X
	{ "limit", -1, false, 0 },
};

long cb_xt_ext_size(const uint8_t *h, bool target)
{
	char name[XT_EXTENSION_MAXNAMELEN];
	memcpy(name, h + 2, sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	int rev = h[CB_XT_EXT_HDR - 1];
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (exts[i].target == target && !strcmp(exts[i].name, name) &&
		    (exts[i].rev < 0 || exts[i].rev == rev))
			return exts[i].size;
	return -1;
}
