#include "match_path.h"

#include "glob.h"

const struct cb_prule *cb_path_match(const struct cb_policy *pol, const char *path)
{
	for (int i = 0; i < pol->np; i++)
		if (cb_glob_match(pol->p[i].glob, path))
			return &pol->p[i];
	return NULL;
}

struct cb_action cb_path_decide(const struct cb_policy *pol, const char *path,
				const struct cb_prule **rule)
{
	*rule = cb_path_match(pol, path);
	if (*rule)
		return (*rule)->act;
	if (pol->path_def.kind != CB_ACT_NONE)
		return pol->path_def;
	return (struct cb_action){ .kind = CB_ACT_ALLOW };
}
