#include "glob.h"

#include <string.h>

/* [...] at *G against C; advances *G past the class. A class without its
 * ']' is taken literally, as fnmatch does. */
static bool class_match(const char **g, char c, bool *ok)
{
	const char *p = *g + 1;
	bool neg = *p == '!' || *p == '^';
	if (neg)
		p++;
	bool hit = false;
	const char *start = p;
	while (*p && (*p != ']' || p == start)) {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hit |= (unsigned char)c >= (unsigned char)p[0] && (unsigned char)c <= (unsigned char)p[2];
			p += 3;
		} else {
			hit |= *p == c;
			p++;
		}
	}
	if (*p != ']') {
		*ok = false;
		return false;
	}
	*ok = true;
	*g = p + 1;
	return hit != neg;
}

bool cb_glob_match(const char *g, const char *s)
{
	/* Iterative with one back-track point per star kind; '**' may span
	 * '/', '*' may not. Depth is bounded by the glob's stars. */
	while (*g) {
		if (g[0] == '*' && g[1] == '*') {
			g += 2;
			if (*g == '/' && cb_glob_match(g + 1, s))
				return true; /* a double star and its slash: no component at all */
			for (const char *t = s;; t++) {
				if (cb_glob_match(g, t))
					return true;
				if (!*t)
					return false;
			}
		}
		if (*g == '*') {
			g++;
			for (const char *t = s;; t++) {
				if (cb_glob_match(g, t))
					return true;
				if (!*t || *t == '/')
					return false;
			}
		}
		if (!*s)
			return false;
		if (*g == '?') {
			if (*s == '/')
				return false;
			g++;
			s++;
			continue;
		}
		if (*g == '[') {
			bool ok;
			const char *before = g;
			bool hit = class_match(&g, *s, &ok);
			if (ok) {
				if (!hit || *s == '/')
					return false;
				s++;
				continue;
			}
			g = before; /* literal '[' */
		}
		if (*g == '\\' && g[1])
			g++;
		if (*g != *s)
			return false;
		g++;
		s++;
	}
	return !*s;
}
