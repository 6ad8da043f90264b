#include "match_ioctl.h"

#include <sys/stat.h>

#include "glob.h"

bool cb_target_holds(const struct cb_fdtarget *t, const struct cb_fdinfo *fd)
{
	switch (t->kind) {
	case CB_T_ANY: return true;
	case CB_T_GLOB: return fd->path && cb_glob_match(t->glob, fd->path);
	case CB_T_SOCKET: return S_ISSOCK(fd->mode);
	case CB_T_PIPE: return S_ISFIFO(fd->mode);
	case CB_T_REGULAR: return S_ISREG(fd->mode);
	case CB_T_DIR: return S_ISDIR(fd->mode);
	case CB_T_CHR:
	case CB_T_BLK:
		if (t->kind == CB_T_CHR ? !S_ISCHR(fd->mode) : !S_ISBLK(fd->mode))
			return false;
		return (t->major < 0 || (unsigned)t->major == fd->major) &&
		       (t->minor < 0 || (unsigned)t->minor == fd->minor);
	}
	return false;
}

bool cb_ioctl_rules_need_fd(const struct cb_policy *pol, enum cb_arch arch)
{
	for (int i = 0; i < pol->ni; i++)
		if ((pol->i[i].abis & (1u << arch)) && pol->i[i].target.kind != CB_T_ANY)
			return true;
	return false;
}

const struct cb_irule *cb_ioctl_match(const struct cb_policy *pol, enum cb_arch arch,
				      uint32_t request, const struct cb_fdinfo *fd, bool *looked)
{
	*looked = false;
	for (int i = 0; i < pol->ni; i++) {
		const struct cb_irule *r = &pol->i[i];
		if (!(r->abis & (1u << arch)))
			continue;
		uint32_t v = r->req.per_abi ? r->req.value_abi[arch] : r->req.value;
		if ((request & r->req.mask) != v)
			continue;
		if (r->target.kind != CB_T_ANY) {
			*looked = true;
			if (!fd || !cb_target_holds(&r->target, fd))
				continue;
		}
		return r;
	}
	return NULL;
}
