/* The headers a compile read, from the compiler's -MD output, merged over
 * all the compiles of a run into one make-style rule for the build tool. */
#include "dwarf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"

static int add(struct cb_dw_deps *d, const char *dep)
{
	for (int i = 0; i < d->n; i++)
		if (strcmp(d->v[i], dep) == 0)
			return 0;
	char **v = realloc(d->v, (size_t)(d->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->v = v;
	if (!(v[d->n] = strdup(dep)))
		return -ENOMEM;
	d->n++;
	return 0;
}

int cb_dw_deps_add(struct cb_dw_deps *d, const char *dfile, const char *skip)
{
	FILE *f = fopen(dfile, "r");
	if (!f)
		return -errno;
	cleanup_free char *text = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&text, &cap, 0, f);
	fclose(f);
	if (n <= 0)
		return n < 0 ? -EIO : 0;
	/* "target: a b \\\n c": past the first ": ", words split on blanks and
	 * on backslash-newline; "\ " (an escaped blank) stays in its word. */
	char *p = strstr(text, ": ");
	if (!p)
		return -EINVAL;
	p += 2;
	char word[4096];
	size_t w = 0;
	for (;; p++) {
		bool end = *p == 0 || *p == ' ' || *p == '\t' || *p == '\n' ||
			   (p[0] == '\\' && p[1] == '\n');
		if (!end) {
			if (p[0] == '\\' && p[1] && w + 2 < sizeof(word))
				word[w++] = *p++;
			if (w + 1 < sizeof(word))
				word[w++] = *p;
			continue;
		}
		word[w] = 0;
		if (w && strcmp(word, skip) != 0) {
			int rc = add(d, word);
			if (rc < 0)
				return rc;
		}
		w = 0;
		if (*p == 0)
			return 0;
		if (*p == '\\')
			p++;
	}
}

int cb_dw_deps_write(const struct cb_dw_deps *d, const char *target, FILE *f)
{
	fprintf(f, "%s:", target);
	for (int i = 0; i < d->n; i++)
		fprintf(f, " \\\n %s", d->v[i]);
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

void cb_dw_deps_free(struct cb_dw_deps *d)
{
	for (int i = 0; i < d->n; i++)
		free(d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}
