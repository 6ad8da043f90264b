/* libFuzzer target: the policy parser and compiler on arbitrary text.
 * Every input must parse or fail with a FILE:LINE:COL message; whatever
 * parses must compile. Built with clang -fsanitize=fuzzer,address. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../policy/compile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "FILE:LINE:COL: ..." with numbers for LINE and COL. */
static bool says_where(const char *m)
{
	const char *p = strchr(m, ':');
	for (int field = 0; p && field < 2; field++) {
		const char *d = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == d || *p != ':')
			return false;
	}
	return p && p[1] == ' ';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0; /* a NUL inside ends the text, as for a file the loader refuses */
	struct cb_policy pol;
	struct cb_err err = { "" };
	cb_policy_init(&pol);
	int rc = cb_policy_parse(&pol, "f", text, &err);
	if (rc == -EINVAL && !says_where(err.msg))
		abort(); /* every syntax error names FILE:LINE:COL */
	if (!rc) {
		static struct cb_plan plan;
		if (cb_plan_compile(&plan, &pol, &err) == 0)
			cb_plan_free(&plan);
	}
	cb_policy_free(&pol);
	free(text);
	return 0;
}
