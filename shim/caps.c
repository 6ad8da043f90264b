#include "caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "../common/cleanup.h"

int cb_caps_parse(const char *list, struct cb_capset *keep, struct cb_err *err)
{
	keep->bits = 0;
	cleanup_free char *copy = strdup(list);
	if (!copy)
		return cb_fail(err, ENOMEM, "out of memory");
	char *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char name[64];
		size_t n = strlen(tok);
		if (n == 0 || n + 5 > sizeof(name))
			return cb_fail(err, EINVAL, "bad capability name '%s'", tok);
		/* libcap knows names as "cap_xxx" in lower case. */
		size_t o = 0;
		if (strncasecmp(tok, "cap_", 4) != 0) {
			memcpy(name, "cap_", 4);
			o = 4;
		}
		bool word = true;
		for (size_t i = 0; i <= n; i++) {
			name[o + i] = (char)tolower((unsigned char)tok[i]);
			if (i < n && !isalnum((unsigned char)tok[i]) && tok[i] != '_')
				word = false;
		}
		cap_value_t v;
		/* cap_from_name() ignores whatever follows a name and a space,
		 * '+' or '=' ("net_admin sys_time"): allow names only. */
		if (!word || cap_from_name(name, &v) != 0 || v < 0 || v > 63)
			return cb_fail(err, EINVAL,
				       "unknown capability '%s' (see capabilities(7), e.g. net_admin)", tok);
		keep->bits |= 1ULL << v;
	}
	return 0;
}

static bool kept(const struct cb_capset *keep, cap_value_t c)
{
	return (keep->bits >> c) & 1;
}

int cb_caps_drop_all_but(const struct cb_capset *keep)
{
	int last = (int)cap_max_bits() - 1;

	/* The bounding set can only shrink while CAP_SETPCAP is effective, so
	 * it goes first. Without CAP_SETPCAP it cannot shrink at all; with
	 * no_new_privs set nothing can be gained from it by exec either. */
	if (CAP_IS_SUPPORTED(CAP_SETPCAP)) {
		int have = prctl(PR_CAPBSET_READ, CAP_SETPCAP);
		cap_t cur = cap_get_proc();
		cap_flag_value_t eff = CAP_CLEAR;
		if (cur)
			cap_get_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE, &eff);
		cap_free(cur);
		if (have == 1 && eff == CAP_SET) {
			for (int c = 0; c <= last; c++)
				if (!kept(keep, c) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
					return -errno;
		}
	}

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;

	cap_t now = cap_get_proc();
	if (!now)
		return -errno;
	cap_t want = cap_init();
	if (!want) {
		cap_free(now);
		return -ENOMEM;
	}
	for (int c = 0; c <= last; c++) {
		if (!kept(keep, c))
			continue;
		cap_flag_value_t p = CAP_CLEAR;
		cap_get_flag(now, c, CAP_PERMITTED, &p);
		if (p != CAP_SET)
			continue; /* cannot keep what we do not have */
		cap_value_t v = c;
		cap_set_flag(want, CAP_PERMITTED, 1, &v, CAP_SET);
		cap_set_flag(want, CAP_EFFECTIVE, 1, &v, CAP_SET);
		cap_set_flag(want, CAP_INHERITABLE, 1, &v, CAP_SET);
	}
	int rc = cap_set_proc(want) < 0 ? -errno : 0;
	cap_free(now);
	cap_free(want);
	if (rc)
		return rc;

	/* Ambient keeps the kept set across exec of a non-root program. */
	for (int c = 0; c <= last; c++)
		if (kept(keep, c) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 &&
		    errno != EPERM && errno != EINVAL)
			return -errno;
	return 0;
}
