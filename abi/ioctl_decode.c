#include "ioctl_decode.h"

#include <asm/ioctl.h>
#include <string.h>

#include "ioctl_names.h"

struct cb_ioctl_fields cb_ioctl_split(uint32_t request)
{
	return (struct cb_ioctl_fields){
		.dir = _IOC_DIR(request),
		.type = _IOC_TYPE(request),
		.nr = _IOC_NR(request),
		.size = _IOC_SIZE(request),
	};
}

const char *cb_ioctl_dir_name(unsigned dir)
{
	static const char *const names[] = { "none", "w", "r", "rw" };
	return names[dir & 3];
}

static const struct cb_ioctl_name *table(enum cb_arch arch, size_t *n)
{
	switch (arch) {
	case CB_ARCH_I386:
		*n = cb_ioctl_names_i386_n;
		return cb_ioctl_names_i386;
	case CB_ARCH_X86_64:
		*n = cb_ioctl_names_x86_64_n;
		return cb_ioctl_names_x86_64;
	default:
		*n = 0;
		return NULL;
	}
}

/* The first entry for REQUEST in ARCH's table (sorted by number). */
static const char *lookup(enum cb_arch arch, uint32_t request)
{
	size_t n;
	const struct cb_ioctl_name *t = table(arch, &n);
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid].req < request)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && t[lo].req == request ? cb_ioctl_name_str(&t[lo]) : NULL;
}

const char *cb_ioctl_name(enum cb_arch arch, uint32_t request)
{
	if (arch != CB_ARCH_UNKNOWN)
		return lookup(arch, request);
	/* No ABI known: only a name both give the number. */
	const char *a = lookup(CB_ARCH_I386, request), *b = lookup(CB_ARCH_X86_64, request);
	return a && b && strcmp(a, b) == 0 ? a : NULL;
}

size_t cb_ioctl_names_count(enum cb_arch arch)
{
	size_t n;
	table(arch, &n);
	return n;
}

int cb_ioctl_other_sizes(enum cb_arch arch, uint32_t request,
			 const struct cb_ioctl_name **out, int max)
{
	size_t n;
	const struct cb_ioctl_name *t = table(arch, &n);
	const uint32_t nosize = ~(uint32_t)(_IOC_SIZEMASK << _IOC_SIZESHIFT);
	int k = 0;
	if (_IOC_DIR(request) == _IOC_NONE && _IOC_SIZE(request) == 0)
		return 0; /* an old-style number: it has no size to differ in */
	for (size_t i = 0; i < n && k < max; i++)
		if ((t[i].req & nosize) == (request & nosize) && t[i].req != request &&
		    _IOC_SIZE(t[i].req) != 0)
			out[k++] = &t[i];
	return k;
}
