#include "shipped.h"

#include <string.h>

const char *cb_shipped_policy(const char *name)
{
	for (const struct cb_shipped *s = cb_shipped; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s->text;
	return NULL;
}
