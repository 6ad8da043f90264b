/* The request macros a family's headers define, for `abi list --stats`:
 * the unit's includes are preprocessed with `cc -E -dM` and every macro
 * named by a scan line's prefix whose body is an _IO* request becomes a
 * probe item, so its number on each ABI comes from the compiler like the
 * described requests'. */
#include "gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"

static bool wanted(const char *name, const char *prefixes)
{
	cleanup_free char *copy = strdup(prefixes);
	for (char *save, *p = copy ? strtok_r(copy, " \t", &save) : NULL; p;
	     p = strtok_r(NULL, " \t", &save))
		if (!strncmp(name, p, strlen(p)))
			return true;
	return false;
}

/* "#define NAME(a,b) _IOR(...)" or "#define NAME _IO(...)": the name (with
 * its parameter list) when the body is a request; NULL otherwise. */
static char *request_macro(const char *line)
{
	if (strncmp(line, "#define ", 8) != 0)
		return NULL;
	const char *n = line + 8, *end = n + strcspn(n, " (");
	if (*end == '(')
		end = strchr(end, ')') ? strchr(end, ')') + 1 : end;
	const char *body = end + strspn(end, " ");
	static const char *const forms[] = { "_IO(", "_IOR(", "_IOW(", "_IOWR(", "_IOC(",
					     "_IO ", "_IOR ", "_IOW ", "_IOWR ",
					     /* drm.h's wrappers, which name its base 'd' */
					     "DRM_IO(", "DRM_IOR(", "DRM_IOW(", "DRM_IOWR(" };
	bool req = false;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		req = req || !strncmp(body, forms[i], strlen(forms[i]));
	if (!req)
		return NULL;
	char *name = strndup(n, (size_t)(end - n));
	char base[128];
	if (name && cb_ioctl_pattern_split(name, base, sizeof(base)) < 0) {
		free(name);
		return NULL;
	}
	return name;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* Some macros name a type their header does not define (TIOCGISO7816's
 * struct serial_iso7816, BLKTRACESETUP's): compiled one to a line, those
 * the compiler refuses are dropped. */
static int drop_broken(const struct cb_spec_unit *u, const struct cb_dw_tools *tools,
		       const char *src, const char *diag, char **names, const char **fams, int *n,
		       int *dropped, struct cb_err *err)
{
	FILE *f = fopen(src, "w");
	if (!f)
		return cb_fail(err, EIO, "%s: cannot write", src);
	const char *pre = u->prelude ? u->prelude : "";
	fputs(pre, f);
	int first = count_lines(pre) + 1;
	for (int i = 0; i < *n; i++) {
		char expr[512];
		cb_ioctl_pattern_expr(names[i], -1, 0, expr, sizeof(expr));
		fprintf(f, "unsigned cb__scan_%d = (unsigned)(%s);\n", i, expr);
	}
	if (fclose(f) != 0)
		return cb_fail(err, EIO, "%s: cannot write", src);
	const char *args[] = { "-m64", "-fsyntax-only", "-std=gnu11", "-D_GNU_SOURCE", src, NULL };
	struct cb_err why = { "" };
	if (cb_dw_run(cb_dw_cc(tools), args, NULL, diag, &why) == 0)
		return 0;
	bool *bad = calloc((size_t)*n, sizeof(bool));
	FILE *d = bad ? fopen(diag, "r") : NULL;
	char line[4096];
	size_t sl = strlen(src);
	while (d && fgets(line, sizeof(line), d)) {
		if (strncmp(line, src, sl) != 0 || line[sl] != ':' || !strstr(line, "error"))
			continue;
		int at = atoi(line + sl + 1) - first;
		if (at >= 0 && at < *n)
			bad[at] = true;
	}
	if (d)
		fclose(d);
	int k = 0;
	for (int i = 0; bad && i < *n; i++) {
		if (bad[i]) {
			free(names[i]);
			(*dropped)++;
			continue;
		}
		names[k] = names[i];
		fams[k++] = fams[i];
	}
	free(bad);
	if (!*dropped)
		return cb_fail(err, EINVAL, "the scanned requests do not compile: %s", why.msg);
	*n = k;
	names[k] = NULL;
	return 0;
}

int cb_gen_scan_macros(const struct cb_spec_unit *u, const struct cb_dw_tools *tools,
		       char ***names, const char ***families, int *n, struct cb_err *err)
{
	*names = NULL;
	*families = NULL;
	*n = 0;
	if (!u->nscans)
		return 0;
	char dir[256], src[300], out[300], diag[300];
	int rc = cb_dw_tmpdir(dir, sizeof(dir), err);
	if (rc < 0)
		return rc;
	snprintf(src, sizeof(src), "%s/scan.c", dir);
	snprintf(out, sizeof(out), "%s/scan.macros", dir);
	snprintf(diag, sizeof(diag), "%s/scan.err", dir);
	FILE *f = fopen(src, "w");
	bool wrote = f && fputs(u->prelude ? u->prelude : "", f) >= 0;
	if (f && fclose(f) != 0)
		wrote = false;
	if (!wrote) {
		cb_dw_tmpdir_remove(dir);
		return cb_fail(err, EIO, "%s: cannot write", src);
	}
	const char *args[] = { "-m64", "-E", "-dM", "-std=gnu11", "-D_GNU_SOURCE", src, NULL };
	rc = cb_dw_run(cb_dw_cc(tools), args, out, diag, err);
	f = rc < 0 ? NULL : fopen(out, "r");
	char line[4096];
	int cap = 0;
	while (f && fgets(line, sizeof(line), f)) {
		cleanup_free char *name = request_macro(line);
		for (int s = 0; name && s < u->nscans; s++) {
			if (!wanted(name, u->scans[s].prefixes))
				continue;
			if (*n + 2 > cap) {
				cap = cap ? 2 * cap : 64;
				char **nv = realloc(*names, (size_t)cap * sizeof(char *));
				const char **fv = nv ? realloc(*families, (size_t)cap * sizeof(char *)) : NULL;
				if (nv)
					*names = nv;
				if (!fv) {
					rc = cb_fail(err, ENOMEM, "out of memory");
					break;
				}
				*families = fv;
			}
			(*families)[*n] = u->scans[s].family;
			(*names)[(*n)++] = name;
			(*names)[*n] = NULL;
			name = NULL;
			break;
		}
	}
	if (f)
		fclose(f);
	for (int round = 0; rc == 0 && *n && round < 8; round++) {
		int dropped = 0;
		rc = drop_broken(u, tools, src, diag, *names, *families, n, &dropped, err);
		if (!dropped)
			break;
	}
	cb_dw_tmpdir_remove(dir);
	return rc;
}
