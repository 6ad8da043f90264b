/* Which path rule decides a resolved path: pure, so it is unit-tested. */
#ifndef CB_MATCH_PATH_H
#define CB_MATCH_PATH_H

#include "policy.h"

/* The first of POL's path rules whose glob matches PATH, or NULL. */
const struct cb_prule *cb_path_match(const struct cb_policy *pol, const char *path);
/* What POL says for PATH: the matching rule's action, or the path default
 * (allow when none is written). */
struct cb_action cb_path_decide(const struct cb_policy *pol, const char *path,
				const struct cb_prule **rule);

#endif
