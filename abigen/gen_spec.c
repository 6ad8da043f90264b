/* Reading a spec: which headers, types and requests a database is made of.
 *
 *   compatbox-spec 1
 *   unit libc
 *   include <sys/uio.h>
 *   c struct linux_dirent { unsigned long d_ino; ... };
 *   record iovec
 *     iov_base ->buf len=iov_len
 *   end
 *   ioctl FIONREAD out type int
 */
#include "gen.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../abi/abifile.h"
#include "../abi/abifile_annot.h"

#define MAX_LINE 8192

/* Append one element to *ARR of *N, zeroed; NULL when out of memory. */
static void *push(void *arr, int *n, size_t size)
{
	void **p = arr;
	char *v = realloc(*p, (size_t)(*n + 1) * size);
	if (!v)
		return NULL;
	*p = v;
	memset(v + (size_t)*n * size, 0, size);
	return v + (size_t)(*n)++ * size;
}

struct cb_spec_unit *cb_spec_add_unit(struct cb_spec *s, const char *name)
{
	char *nm = strdup(name), *pre = strdup("");
	struct cb_spec_unit *u = nm && pre ? push(&s->units, &s->nunits, sizeof(*u)) : NULL;
	if (!u) {
		free(nm);
		free(pre);
		return NULL;
	}
	u->name = nm;
	u->prelude = pre;
	return u;
}

int cb_spec_add_c(struct cb_spec_unit *u, const char *line)
{
	size_t a = strlen(u->prelude), b = strlen(line);
	char *p = realloc(u->prelude, a + b + 2);
	if (!p)
		return -ENOMEM;
	memcpy(p + a, line, b);
	p[a + b] = '\n';
	p[a + b + 1] = 0;
	u->prelude = p;
	return 0;
}

struct cb_spec_record *cb_spec_add_record(struct cb_spec_unit *u, const char *name,
					  const char *ctype)
{
	char *nm = strdup(name), *ct = NULL;
	if (nm)
		ct = ctype ? strdup(ctype) : NULL;
	if (nm && !ctype && asprintf(&ct, "struct %s", name) < 0)
		ct = NULL;
	struct cb_spec_record *r = nm && ct ? push(&u->records, &u->nrecords, sizeof(*r)) : NULL;
	if (!r) {
		free(nm);
		free(ct);
		return NULL;
	}
	r->name = nm;
	r->ctype = ct;
	return r;
}

struct cb_spec_ioctl *cb_spec_add_ioctl(struct cb_spec_unit *u, const char *name)
{
	char *nm = strdup(name);
	struct cb_spec_ioctl *io = nm ? push(&u->ioctls, &u->nioctls, sizeof(*io)) : NULL;
	if (!io) {
		free(nm);
		return NULL;
	}
	io->name = nm;
	char base[128];
	int np = cb_ioctl_pattern_split(name, base, sizeof(base));
	io->nparams = np > 0 ? np : 0;
	return io;
}

void cb_spec_free(struct cb_spec *s)
{
	for (int i = 0; i < s->nunits; i++) {
		struct cb_spec_unit *u = &s->units[i];
		for (int j = 0; j < u->nrecords; j++) {
			struct cb_spec_record *r = &u->records[j];
			for (int k = 0; k < r->nannots; k++) {
				free(r->annots[k].path);
				free(r->annots[k].text);
			}
			free(r->annots);
			free(r->name);
			free(r->ctype);
		}
		for (int j = 0; j < u->nscans; j++) {
			free(u->scans[j].family);
			free(u->scans[j].prefixes);
		}
		free(u->scans);
		for (int j = 0; j < u->nioctls; j++) {
			free(u->ioctls[j].name);
			free(u->ioctls[j].arg_name);
		}
		free(u->records);
		free(u->ioctls);
		free(u->name);
		free(u->prelude);
	}
	free(s->units);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

struct sp {
	const char *path;
	int line;
	struct cb_spec *s;
	struct cb_spec_unit *unit;
	struct cb_spec_record *rec; /* inside record ... end */
	struct cb_err *err;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct sp *p, const char *fmt, ...)
{
	char msg[sizeof(p->err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cb_fail(p->err, EINVAL, "%s:%d: %s", p->path, p->line, msg);
}

static int oom(struct sp *p)
{
	return cb_fail(p->err, ENOMEM, "%s:%d: out of memory", p->path, p->line);
}

static bool ident(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	while (*++s)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool record_known(const struct cb_spec *s, const char *name)
{
	for (int i = 0; i < s->nunits; i++)
		for (int j = 0; j < s->units[i].nrecords; j++)
			if (strcmp(s->units[i].records[j].name, name) == 0)
				return true;
	return false;
}

static bool ioctl_known(const struct cb_spec *s, const char *name)
{
	for (int i = 0; i < s->nunits; i++)
		for (int j = 0; j < s->units[i].nioctls; j++)
			if (strcmp(s->units[i].ioctls[j].name, name) == 0)
				return true;
	return false;
}

/* The rest of LINE after its first N words, trimmed. */
static char *rest(char *line, int n)
{
	char *s = line;
	for (int i = 0; i < n; i++) {
		s += strspn(s, " \t");
		s += strcspn(s, " \t");
	}
	s += strspn(s, " \t");
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		s[--len] = 0;
	return s;
}

static int record_line(struct sp *p, char **tok, int n, char *raw)
{
	if (n < 2 || !ident(tok[1]))
		return fail(p, "expected 'record NAME [task-tied] [= C TYPE]'");
	if (record_known(p->s, tok[1]))
		return fail(p, "record %s given twice", tok[1]);
	bool tied = false;
	int i = 2;
	if (i < n && strcmp(tok[i], "task-tied") == 0) {
		tied = true;
		i++;
	}
	const char *ctype = NULL;
	if (i < n) {
		if (strcmp(tok[i], "=") != 0 || i + 1 >= n)
			return fail(p, "unexpected '%s' (expected '= C TYPE')", tok[i]);
		ctype = rest(raw, i + 1);
	}
	p->rec = cb_spec_add_record(p->unit, tok[1], ctype);
	if (!p->rec)
		return oom(p);
	p->rec->task_tied = tied;
	p->rec->line = p->line;
	return 0;
}

int cb_spec_add_annot(struct cb_spec_record *r, const char *path, const char *text)
{
	struct cb_spec_annot *a = push(&r->annots, &r->nannots, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->path = strdup(path);
	a->text = strdup(text);
	return a->path && a->text ? 0 : -ENOMEM;
}

static int annot_line(struct sp *p, char **tok, int n, char *raw)
{
	if (n < 2)
		return fail(p, "expected 'FIELD ANNOTATION...' or 'end'");
	struct cb_spec_record *r = p->rec;
	for (int i = 0; i < r->nannots; i++)
		if (strcmp(r->annots[i].path, tok[0]) == 0)
			return fail(p, "%s.%s annotated twice (line %d)", r->name, tok[0],
				    r->annots[i].line);
	/* Check the tokens now, for an error at the right line. */
	struct cb_annot_src src;
	cb_annot_src_init(&src, NULL);
	struct cb_err why;
	int rc = cb_annot_parse(&src, tok + 1, n - 1, &why);
	cb_annot_src_free(&src);
	if (rc < 0)
		return fail(p, "%s.%s: %s", r->name, tok[0], why.msg);
	struct cb_spec_annot *a = push(&r->annots, &r->nannots, sizeof(*a));
	if (!a)
		return oom(p);
	a->path = strdup(tok[0]);
	a->text = strdup(rest(raw, 1));
	a->line = p->line;
	return a->path && a->text ? 0 : oom(p);
}

/* ioctl NAME[(P,...)] DIR [task-tied] [written-on-failure] [fd-value]
 *       (record R | array R | buf | type C TYPE | none | auto) */
static int ioctl_line(struct sp *p, char **tok, int n, char *raw)
{
	char base[128];
	int np = n >= 4 ? cb_ioctl_pattern_split(tok[1], base, sizeof(base)) : -1;
	if (np < 0)
		return fail(p, "expected 'ioctl NAME[(PARAM,...)] DIR [task-tied] "
			    "record R|array R|buf|type T|none|auto'");
	if (ioctl_known(p->s, tok[1]))
		return fail(p, "ioctl %s given twice", tok[1]);
	struct cb_spec_ioctl *io = cb_spec_add_ioctl(p->unit, tok[1]);
	if (!io)
		return oom(p);
	io->line = p->line;
	io->nparams = np;
	int d = cb_dir_parse(tok[2]);
	if (strcmp(tok[2], "auto") == 0)
		io->dir_auto = true;
	else if (d >= 0)
		io->dir = (enum cb_dir)d;
	else
		return fail(p, "'%s': a direction is none, in, out, inout or auto", tok[2]);
	int i = 3;
	for (; i < n; i++) {
		if (strcmp(tok[i], "task-tied") == 0)
			io->task_tied = true;
		else if (strcmp(tok[i], "written-on-failure") == 0)
			io->written_on_failure = true;
		else if (strcmp(tok[i], "fd-value") == 0)
			io->fd_value = true;
		else
			break;
	}
	if (i >= n)
		return fail(p, "%s: no argument (record R, array R, buf, type T, none or auto)",
			    tok[1]);
	if (strcmp(tok[i], "buf") == 0 || strcmp(tok[i], "array") == 0) {
		if (np == 0)
			return fail(p, "%s: '%s' is sized by the request: only a pattern "
				    "NAME(len) has that size as a parameter", tok[1], tok[i]);
		io->arg = tok[i][0] == 'b' ? CB_ARG_BUF : CB_ARG_ARRAY;
		if (io->arg == CB_ARG_BUF)
			return i + 1 == n ? 0 : fail(p, "unexpected '%s'", tok[i + 1]);
		if (i + 2 != n || !ident(tok[i + 1]))
			return fail(p, "'array' takes one record name");
		io->arg_name = strdup(tok[i + 1]);
		return io->arg_name ? 0 : oom(p);
	}
	if (strcmp(tok[i], "none") == 0 || strcmp(tok[i], "auto") == 0) {
		io->arg = tok[i][0] == 'n' ? CB_ARG_NONE : CB_ARG_AUTO;
		return i + 1 == n ? 0 : fail(p, "unexpected '%s'", tok[i + 1]);
	}
	if (i + 1 >= n || (strcmp(tok[i], "record") != 0 && strcmp(tok[i], "type") != 0))
		return fail(p, "'%s': expected record NAME, array NAME, buf, type C-TYPE, none or "
			    "auto", tok[i]);
	io->arg = tok[i][0] == 'r' ? CB_ARG_RECORD : CB_ARG_TYPE;
	if (io->arg == CB_ARG_RECORD && (i + 2 != n || !ident(tok[i + 1])))
		return fail(p, "'record' takes one record name");
	io->arg_name = strdup(io->arg == CB_ARG_RECORD ? tok[i + 1] : rest(raw, i + 1));
	return io->arg_name ? 0 : oom(p);
}

static int line(struct sp *p, char *s)
{
	/* The C of a `c` line is kept whole, '#' included. */
	char raw[MAX_LINE + 1];
	snprintf(raw, sizeof(raw), "%s", s);
	const char *first = s + strspn(s, " \t");
	/* Inside a record a line names a field, and a field may be called c
	 * (snd_pcm_sync_ptr's). */
	if (!p->rec && first[0] == 'c' && (first[1] == ' ' || first[1] == '\t' || first[1] == 0)) {
		if (!p->unit)
			return fail(p, "C before the first 'unit'");
		return cb_spec_add_c(p->unit, first[1] ? first + 2 : "") < 0 ? oom(p) : 0;
	}
	char *hash = strchr(s, '#');
	if (hash)
		*hash = 0;
	hash = strchr(raw, '#');
	if (hash)
		*hash = 0;
	char *tok[64];
	int n = 0;
	for (char *save, *t = strtok_r(s, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (n == 64)
			return fail(p, "more than 64 words on a line");
		tok[n++] = t;
	}
	if (n == 0)
		return 0;
	if (!p->s->path) {
		if (n != 2 || strcmp(tok[0], "compatbox-spec") != 0 || strcmp(tok[1], "1") != 0)
			return fail(p, "not a compatbox spec (expected 'compatbox-spec 1' first)");
		p->s->path = strdup(p->path);
		return p->s->path ? 0 : oom(p);
	}
	if (p->rec) {
		if (strcmp(tok[0], "end") == 0) {
			p->rec = NULL;
			return n == 1 ? 0 : fail(p, "'end' takes nothing");
		}
		return annot_line(p, tok, n, raw);
	}
	if (strcmp(tok[0], "unit") == 0) {
		if (n != 2 || !ident(tok[1]))
			return fail(p, "expected 'unit NAME'");
		for (int i = 0; i < p->s->nunits; i++)
			if (strcmp(p->s->units[i].name, tok[1]) == 0)
				return fail(p, "unit %s given twice", tok[1]);
		p->unit = cb_spec_add_unit(p->s, tok[1]);
		if (!p->unit)
			return oom(p);
		p->unit->line = p->line;
		return 0;
	}
	if (!p->unit)
		return fail(p, "'%s' before the first 'unit'", tok[0]);
	if (strcmp(tok[0], "include") == 0) {
		size_t len = n == 2 ? strlen(tok[1]) : 0;
		if (len < 3 || !((tok[1][0] == '<' && tok[1][len - 1] == '>') ||
				 (tok[1][0] == '"' && tok[1][len - 1] == '"')))
			return fail(p, "expected 'include <HEADER>' or 'include \"HEADER\"'");
		char inc[MAX_LINE + 16];
		snprintf(inc, sizeof(inc), "#include %s", tok[1]);
		return cb_spec_add_c(p->unit, inc) < 0 ? oom(p) : 0;
	}
	if (strcmp(tok[0], "record") == 0)
		return record_line(p, tok, n, raw);
	if (strcmp(tok[0], "ioctl") == 0)
		return ioctl_line(p, tok, n, raw);
	if (strcmp(tok[0], "scan") == 0) {
		if (!p->unit || p->rec || n < 3)
			return fail(p, "expected 'scan FAMILY PREFIX...' in a unit, outside records");
		struct cb_spec_unit *u = p->unit;
		struct cb_spec_scan *v = realloc(u->scans, (size_t)(u->nscans + 1) * sizeof(*v));
		if (!v)
			return oom(p);
		u->scans = v;
		struct cb_spec_scan *sc = &v[u->nscans++];
		sc->family = strdup(tok[1]);
		sc->prefixes = strdup(rest(raw, 2));
		sc->line = p->line;
		return sc->family && sc->prefixes ? 0 : oom(p);
	}
	return fail(p, "unknown line '%s' (expected unit, include, c, record, ioctl or scan)", tok[0]);
}

int cb_spec_parse(const char *path, const char *text, struct cb_spec *s, struct cb_err *err)
{
	memset(s, 0, sizeof(*s));
	struct sp p = { .path = path, .s = s, .err = err };
	char buf[MAX_LINE + 1];
	int rc = 0;
	for (const char *t = text; rc == 0 && *t;) {
		size_t len = strcspn(t, "\n");
		p.line++;
		if (len > MAX_LINE) {
			rc = fail(&p, "line longer than %d characters", MAX_LINE);
			break;
		}
		memcpy(buf, t, len);
		buf[len] = 0;
		t += len + (t[len] == '\n');
		rc = line(&p, buf);
	}
	if (rc == 0 && p.rec)
		rc = fail(&p, "record %s has no 'end'", p.rec->name);
	if (rc == 0 && !s->path)
		rc = cb_fail(err, EINVAL, "%s: empty: not a compatbox spec", path);
	if (rc < 0)
		cb_spec_free(s);
	return rc;
}

int cb_spec_load(const char *path, struct cb_spec *s, struct cb_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return cb_fail(err, errno, "%s: %s", path, strerror(errno));
	cleanup_free char *text = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&text, &cap, 0, f); /* the whole file: specs hold no NUL */
	bool bad = ferror(f);
	fclose(f);
	if (bad)
		return cb_fail(err, EIO, "%s: read error", path);
	return cb_spec_parse(path, n > 0 ? text : "", s, err);
}
