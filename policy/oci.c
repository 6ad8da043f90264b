/* The OCI runtime-spec's linux.seccomp object (and Docker's profile file,
 * which adds archMap) read into a policy, with the runtimes' meaning:
 *   - the first syscalls[] entry that matches decides (runtime-spec);
 *   - several args in one entry must all hold; several on one index mean
 *     any of them (runc);
 *   - entries whose includes/excludes name capabilities count the ones the
 *     guest keeps (--keep-caps), arches the host's ("amd64"), minKernel
 *     the running kernel;
 *   - a profile that lists x86_64 and not i386 (or no architecture at
 *     all) applies to both tables by name: its authors wrote for the
 *     host's table, and under compatbox an i386 program must get the same
 *     decisions, not SIGSYS; i386 calls x86_64 names differently (mmap2,
 *     fstat64, ...) get their counterpart's unconditional decisions
 *     unless the profile names them (policy/oci_i386.c);
 *   - any other ABI the profile does not list is killed, as the runtimes'
 *     filters kill every architecture they were not given;
 *   - SCMP_ACT_NOTIFY: the supervisor decides (perform); SCMP_ACT_LOG:
 *     recorded by the supervisor; SCMP_ACT_TRACE, with no tracer, ENOSYS.
 * Names resolve per ABI; a name neither ABI has is an error. */
#include "oci.h"

#include <ctype.h>
#include <seccomp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/utsname.h>

#include "../common/cleanup.h"
#include "../common/json_parse.h"
#include "oci_i386.h"

struct oci {
	struct cb_policy *p;
	const char *file; /* owned by p */
	uint64_t caps;
	unsigned abis;
	bool i386_by_name; /* x86_64 listed alone: i386 gets its decisions by name */
	const struct cb_jval *syscalls; /* the profile's entries, for the names they use */
	struct cb_err *err;
};

__attribute__((format(printf, 3, 4)))
static int at(struct oci *o, const struct cb_jval *v, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cb_fail(o->err, EINVAL, "%s:%d:%d: %s", o->file, v->line, v->col, msg);
}

static int want(struct oci *o, const struct cb_jval *v, enum cb_jtype t, const char *what)
{
	if (v->type == t)
		return 0;
	return at(o, v, "%s must be %s, not %s", what, cb_jtype_name(t), cb_jtype_name(v->type));
}

static const struct {
	const char *name;
	enum cb_act_kind kind;
	uint16_t errnum; /* fixed errno (TRACE without a tracer) */
} actions[] = {
	{ "SCMP_ACT_ALLOW", CB_ACT_ALLOW, 0 },
	{ "SCMP_ACT_ERRNO", CB_ACT_DENY, 0 },
	{ "SCMP_ACT_KILL", CB_ACT_KILL_THREAD, 0 },
	{ "SCMP_ACT_KILL_THREAD", CB_ACT_KILL_THREAD, 0 },
	{ "SCMP_ACT_KILL_PROCESS", CB_ACT_KILL_PROCESS, 0 },
	{ "SCMP_ACT_TRAP", CB_ACT_TRAP, 0 },
	{ "SCMP_ACT_TRACE", CB_ACT_DENY, ENOSYS },
	{ "SCMP_ACT_LOG", CB_ACT_LOG, 0 },
	{ "SCMP_ACT_NOTIFY", CB_ACT_PERFORM, 0 },
};

static int action(struct oci *o, const struct cb_jval *v, const struct cb_jval *errno_ret,
		  uint16_t dflt_errno, struct cb_action *a)
{
	int rc = want(o, v, CB_J_STRING, "an action");
	if (rc)
		return rc;
	size_t i;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(actions[i].name, v->s))
			break;
	if (i == sizeof(actions) / sizeof(actions[0]))
		return at(o, v, "unknown action \"%s\" (SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, "
			  "SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_TRACE, "
			  "SCMP_ACT_LOG, SCMP_ACT_NOTIFY)", v->s);
	*a = (struct cb_action){ .kind = (uint8_t)actions[i].kind, .errnum = actions[i].errnum };
	if (a->kind == CB_ACT_DENY && !a->errnum) {
		a->errnum = dflt_errno;
		if (errno_ret) {
			if (errno_ret->type != CB_J_NUMBER || !errno_ret->is_uint || errno_ret->u < 1 ||
			    errno_ret->u > 4095)
				return at(o, errno_ret, "errnoRet is an errno number from 1 to 4095");
			a->errnum = (uint16_t)errno_ret->u;
		}
	}
	return 0;
}

/* ---- architectures ---- */

static int arch_bit(struct oci *o, const struct cb_jval *v, unsigned *abis)
{
	int rc = want(o, v, CB_J_STRING, "an architecture");
	if (rc)
		return rc;
	if (!strcmp(v->s, "SCMP_ARCH_X86_64"))
		*abis |= 1u << CB_ARCH_X86_64;
	else if (!strcmp(v->s, "SCMP_ARCH_X86"))
		*abis |= 1u << CB_ARCH_I386;
	else {
		/* x32 and other hosts' architectures: compatbox kills them
		 * anyway; but they must be architectures libseccomp knows. */
		char lower[32];
		size_t n = strlen(v->s);
		bool ok = n > 10 && n - 10 < sizeof(lower) && !strncmp(v->s, "SCMP_ARCH_", 10);
		for (size_t i = 10; ok && i <= n; i++)
			lower[i - 10] = (char)tolower((unsigned char)v->s[i]);
		if (!ok || seccomp_arch_resolve_name(lower) == 0)
			return at(o, v, "unknown architecture \"%s\" (SCMP_ARCH_X86_64, SCMP_ARCH_X86, "
				  "SCMP_ARCH_X32, SCMP_ARCH_AARCH64, ...)", v->s);
	}
	return 0;
}

static int architectures(struct oci *o, const struct cb_jval *top)
{
	const struct cb_jval *list = cb_jval_get(top, "architectures");
	const struct cb_jval *map = cb_jval_get(top, "archMap");
	o->abis = 0;
	int rc = 0;
	if (list && list->type != CB_J_NULL) {
		if ((rc = want(o, list, CB_J_ARRAY, "architectures")))
			return rc;
		for (int i = 0; !rc && i < list->n; i++)
			rc = arch_bit(o, &list->v[i], &o->abis);
	}
	/* Docker's archMap: the host's entry and its sub-architectures. */
	if (!rc && map && map->type != CB_J_NULL) {
		if ((rc = want(o, map, CB_J_ARRAY, "archMap")))
			return rc;
		for (int i = 0; !rc && i < map->n; i++) {
			const struct cb_jval *e = &map->v[i], *a, *subs;
			if ((rc = want(o, e, CB_J_OBJECT, "an archMap entry")))
				return rc;
			if (!(a = cb_jval_get(e, "architecture")))
				return at(o, e, "an archMap entry needs \"architecture\"");
			if ((rc = want(o, a, CB_J_STRING, "architecture")))
				return rc;
			if (strcmp(a->s, "SCMP_ARCH_X86_64"))
				continue;
			rc = arch_bit(o, a, &o->abis);
			subs = cb_jval_get(e, "subArchitectures");
			if (!rc && subs && (rc = want(o, subs, CB_J_ARRAY, "subArchitectures")) == 0)
				for (int k = 0; !rc && k < subs->n; k++)
					rc = arch_bit(o, &subs->v[k], &o->abis);
		}
	}
	if (!rc && !o->abis)
		o->abis = 1u << CB_ARCH_X86_64; /* none given: the runtime's own only */
	if (!rc && o->abis == 1u << CB_ARCH_X86_64) {
		o->abis |= 1u << CB_ARCH_I386;
		o->i386_by_name = true;
	}
	return rc;
}

/* Every syscall of an ABI the profile leaves out is killed, first. */
static int kill_unlisted(struct oci *o, const struct cb_jval *top)
{
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		if (o->abis & (1u << a))
			continue;
		for (int nr = 0; nr < 1024; nr++) {
			const char *name = cb_syscall_name(a, nr);
			if (!name)
				continue;
			struct cb_srule r = { .loc = { o->file, top->line, top->col }, .abis = 1u << a,
					      .name = name, .from_group = true,
					      .act = { .kind = CB_ACT_KILL_PROCESS } };
			for (int b = 0; b < CB_ARCH_COUNT; b++)
				r.nr[b] = b == a ? nr : -1;
			if (cb_policy_add_srule(o->p, &r))
				return cb_fail(o->err, ENOMEM, "out of memory");
		}
	}
	return 0;
}

/* ---- includes / excludes ---- */

static int cap_bit(struct oci *o, const struct cb_jval *v, int *bit)
{
	int rc = want(o, v, CB_J_STRING, "a capability");
	if (rc)
		return rc;
	char name[64];
	size_t n = strlen(v->s);
	if (n >= sizeof(name))
		return at(o, v, "unknown capability \"%s\"", v->s);
	for (size_t i = 0; i <= n; i++)
		name[i] = (char)tolower((unsigned char)v->s[i]);
	cap_value_t c;
	if (cap_from_name(name, &c) != 0 || c < 0 || c > 63)
		return at(o, v, "unknown capability \"%s\" (as in capabilities(7), e.g. CAP_SYS_ADMIN)", v->s);
	*bit = c;
	return 0;
}

/* Kernel release A at least B ("5.8", "4.14.0-foo")? */
static bool kernel_at_least(const char *a, const char *b)
{
	for (int i = 0; i < 3; i++) {
		long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
		if (x != y)
			return x > y;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if (!isdigit((unsigned char)*b))
			return true;
	}
	return true;
}

/* Whether the filter object F (includes or excludes) holds here: any of
 * its caps is kept, the host's arch is among its arches, the kernel is
 * at least minKernel. An empty filter holds for includes (nothing
 * asked), not for excludes. */
static int filter_holds(struct oci *o, const struct cb_jval *f, bool includes, bool *holds)
{
	int rc = want(o, f, CB_J_OBJECT, includes ? "includes" : "excludes");
	if (rc)
		return rc;
	const struct cb_jval *caps = cb_jval_get(f, "caps"), *arches = cb_jval_get(f, "arches"),
			     *min = cb_jval_get(f, "minKernel");
	bool any_cap = false, any_arch = false;
	if (caps && caps->type != CB_J_NULL) {
		if ((rc = want(o, caps, CB_J_ARRAY, "caps")))
			return rc;
		for (int i = 0; i < caps->n; i++) {
			int bit = 0;
			if ((rc = cap_bit(o, &caps->v[i], &bit)))
				return rc;
			any_cap |= (o->caps >> bit) & 1;
		}
	}
	if (arches && arches->type != CB_J_NULL) {
		if ((rc = want(o, arches, CB_J_ARRAY, "arches")))
			return rc;
		for (int i = 0; i < arches->n; i++) {
			if ((rc = want(o, &arches->v[i], CB_J_STRING, "an arch")))
				return rc;
			any_arch |= !strcmp(arches->v[i].s, "amd64");
		}
	}
	bool has_caps = caps && caps->type == CB_J_ARRAY && caps->n;
	bool has_arches = arches && arches->type == CB_J_ARRAY && arches->n;
	if (includes) {
		*holds = (!has_caps || any_cap) && (!has_arches || any_arch);
		if (min && min->type != CB_J_NULL) {
			if ((rc = want(o, min, CB_J_STRING, "minKernel")))
				return rc;
			struct utsname u;
			uname(&u);
			*holds = *holds && kernel_at_least(u.release, min->s);
		}
	} else {
		*holds = (has_caps && any_cap) || (has_arches && any_arch);
	}
	return 0;
}

/* ---- syscalls[] ---- */

static const struct {
	const char *name;
	enum cb_cmp_op op;
} ops[] = {
	{ "SCMP_CMP_NE", CB_CMP_NE }, { "SCMP_CMP_LT", CB_CMP_LT }, { "SCMP_CMP_LE", CB_CMP_LE },
	{ "SCMP_CMP_EQ", CB_CMP_EQ }, { "SCMP_CMP_GE", CB_CMP_GE }, { "SCMP_CMP_GT", CB_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", CB_CMP_MASKED_EQ },
};

static int uint_of(struct oci *o, const struct cb_jval *v, const char *what, uint64_t *out)
{
	if (!v || v->type != CB_J_NUMBER || !v->is_uint)
		return at(o, v, "%s is a non-negative integer below 2^64", what);
	*out = v->u;
	return 0;
}

static int arg(struct oci *o, const struct cb_jval *a, struct cb_cond *c)
{
	int rc = want(o, a, CB_J_OBJECT, "an args entry");
	if (rc)
		return rc;
	const struct cb_jval *idx = cb_jval_get(a, "index"), *val = cb_jval_get(a, "value"),
			     *two = cb_jval_get(a, "valueTwo"), *op = cb_jval_get(a, "op");
	uint64_t i = 0, v = 0, v2 = 0;
	if (!idx || !val || !op)
		return at(o, a, "an args entry needs index, value and op");
	if ((rc = uint_of(o, idx, "index", &i)) || (rc = uint_of(o, val, "value", &v)))
		return rc;
	if (two && two->type != CB_J_NULL && (rc = uint_of(o, two, "valueTwo", &v2)))
		return rc;
	if (i > 5)
		return at(o, idx, "index is an argument from 0 to 5");
	if ((rc = want(o, op, CB_J_STRING, "op")))
		return rc;
	size_t k;
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (!strcmp(ops[k].name, op->s))
			break;
	if (k == sizeof(ops) / sizeof(ops[0]))
		return at(o, op, "unknown op \"%s\" (SCMP_CMP_EQ, SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, "
			  "SCMP_CMP_GT, SCMP_CMP_GE, SCMP_CMP_MASKED_EQ)", op->s);
	*c = (struct cb_cond){ .arg = (uint8_t)i, .op = (uint8_t)ops[k].op, .value = v };
	if (ops[k].op == CB_CMP_MASKED_EQ) {
		/* libseccomp's order: value is the mask, valueTwo the datum. */
		c->mask = v;
		c->value = v2;
		if (v2 & ~v)
			return at(o, two ? two : a, "valueTwo has bits outside the mask (value): never true");
	}
	return 0;
}

/* Does any entry of the profile name NAME? */
static bool profile_names(const struct oci *o, const char *name)
{
	const struct cb_jval *sys = o->syscalls;
	for (int i = 0; sys && sys->type == CB_J_ARRAY && i < sys->n; i++) {
		const struct cb_jval *e = &sys->v[i];
		if (e->type != CB_J_OBJECT)
			continue;
		const struct cb_jval *one = cb_jval_get(e, "name"), *list = cb_jval_get(e, "names");
		if (one && one->type == CB_J_STRING && !strcmp(one->s, name))
			return true;
		for (int k = 0; list && list->type == CB_J_ARRAY && k < list->n; k++)
			if (list->v[k].type == CB_J_STRING && !strcmp(list->v[k].s, name))
				return true;
	}
	return false;
}

/* An x86_64-only profile's unconditional rule for NAME also decides the
 * i386 calls that do NAME's job under another name, unless the profile
 * names them itself (then its own entry decides). */
static int add_i386_aliases(struct oci *o, const struct cb_srule *r, const char *name)
{
	const char *alias;
	for (int i = 0; (alias = cb_oci_i386_alias(name, i)); i++) {
		int nr = cb_syscall_nr(CB_ARCH_I386, alias);
		if (nr < 0 || nr >= 1024 || profile_names(o, alias))
			continue;
		struct cb_srule a = *r;
		for (int b = 0; b < CB_ARCH_COUNT; b++)
			a.nr[b] = b == CB_ARCH_I386 ? nr : -1;
		a.abis = 1u << CB_ARCH_I386;
		a.name = alias; /* a string constant: outlives the policy */
		a.from_group = true; /* made here: shadowing it is no news */
		if (cb_policy_add_srule(o->p, &a))
			return cb_fail(o->err, ENOMEM, "out of memory");
	}
	return 0;
}

static int add_name(struct oci *o, const struct cb_jval *n, const struct cb_srule *tmpl)
{
	int rc = want(o, n, CB_J_STRING, "a syscall name");
	if (rc)
		return rc;
	struct cb_srule r = *tmpl;
	r.loc.line = n->line;
	r.loc.col = n->col;
	bool any = false, known = false;
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		int nr = cb_syscall_nr(a, n->s);
		known |= nr >= 0 && nr < 1024;
		r.nr[a] = nr >= 0 && nr < 1024 && (o->abis & (1u << a)) ? nr : -1;
		any |= r.nr[a] >= 0;
	}
	if (!known)
		return at(o, n, "unknown syscall \"%s\" (not a syscall of x86_64 or i386; remove it, or "
			  "move it to an entry with \"includes\": {\"arches\": [...]} of its architecture)",
			  n->s);
	if (!any)
		return 0; /* only an ABI the profile leaves out (and kills) has it */
	r.abis = o->abis;
	r.name = cb_policy_strdup(o->p, n->s);
	if (!r.name || cb_policy_add_srule(o->p, &r))
		return cb_fail(o->err, ENOMEM, "out of memory");
	if (o->i386_by_name && r.ncond == 0)
		return add_i386_aliases(o, &r, n->s);
	return 0;
}

static int entry(struct oci *o, const struct cb_jval *e)
{
	int rc = want(o, e, CB_J_OBJECT, "a syscalls entry");
	if (rc)
		return rc;
	const struct cb_jval *names = cb_jval_get(e, "names"), *name = cb_jval_get(e, "name"),
			     *act = cb_jval_get(e, "action"), *args = cb_jval_get(e, "args"),
			     *inc = cb_jval_get(e, "includes"), *exc = cb_jval_get(e, "excludes");
	if (!act)
		return at(o, e, "a syscalls entry needs \"action\"");
	if (!names && !name)
		return at(o, e, "a syscalls entry needs \"names\"");
	bool holds = true, excluded = false;
	if (inc && (rc = filter_holds(o, inc, true, &holds)))
		return rc;
	if (exc && (rc = filter_holds(o, exc, false, &excluded)))
		return rc;
	struct cb_srule r = { .loc = { o->file, e->line, e->col } };
	if ((rc = action(o, act, cb_jval_get(e, "errnoRet"), EPERM, &r.act)))
		return rc;
	/* Conditions: all at once, or one rule each when an index repeats. */
	struct cb_cond conds[16];
	int nc = 0;
	unsigned seen = 0;
	bool any_of = false;
	if (args && args->type != CB_J_NULL) {
		if ((rc = want(o, args, CB_J_ARRAY, "args")))
			return rc;
		if (args->n > 16)
			return at(o, args, "at most 16 args in an entry");
		for (int i = 0; i < args->n; i++) {
			if ((rc = arg(o, &args->v[i], &conds[nc])))
				return rc;
			any_of |= (seen >> conds[nc].arg) & 1;
			seen |= 1u << conds[nc].arg;
			nc++;
		}
		if (!any_of && nc > CB_MAX_CONDS)
			return at(o, args, "at most %d args in one entry", CB_MAX_CONDS);
	}
	const struct cb_jval *list = names;
	struct cb_jval single;
	if (!list) {
		single = (struct cb_jval){ .type = CB_J_ARRAY, .v = (struct cb_jval *)name, .n = 1,
					   .line = name->line, .col = name->col };
		list = &single;
	}
	if ((rc = want(o, list, CB_J_ARRAY, "names")))
		return rc;
	if (!holds || excluded)
		return 0; /* checked, not in force here */
	for (int k = 0; k < (any_of ? nc : 1); k++) {
		struct cb_srule one = r;
		if (any_of) {
			one.ncond = 1;
			one.cond[0] = conds[k];
		} else {
			one.ncond = nc;
			memcpy(one.cond, conds, sizeof(one.cond[0]) * (size_t)nc);
		}
		for (int i = 0; i < list->n; i++)
			if ((rc = add_name(o, &list->v[i], &one)))
				return rc;
	}
	return 0;
}

int cb_oci_parse(struct cb_policy *p, const char *file, const char *text, size_t len,
		 uint64_t caps, struct cb_err *err)
{
	struct oci o = { .p = p, .caps = caps, .err = err };
	if (!(o.file = cb_policy_strdup(p, file)))
		return cb_fail(err, ENOMEM, "out of memory");
	struct cb_jval *top = NULL;
	int rc = cb_json_parse(text, len, &top, err);
	if (rc) {
		/* "LINE:COL: why" from the reader, said of the file. */
		char inner[sizeof(err->msg)];
		int line = 0, col = 0, skip = 0;
		snprintf(inner, sizeof(inner), "%s", err->msg);
		if (sscanf(inner, "%d:%d: %n", &line, &col, &skip) == 2 && skip > 0)
			return cb_fail(err, rc, "%s:%d:%d: not valid JSON: %s", file, line, col, inner + skip);
		return cb_fail(err, rc, "%s: %s", file, inner);
	}
	/* A whole OCI config.json: its linux.seccomp object. */
	const struct cb_jval *prof = top;
	const struct cb_jval *linux_ = cb_jval_get(top, "linux");
	if (linux_ && cb_jval_get(linux_, "seccomp"))
		prof = cb_jval_get(linux_, "seccomp");
	const struct cb_jval *dflt, *sys;
	if ((rc = want(&o, prof, CB_J_OBJECT, "a seccomp profile")))
		goto out;
	if (!(dflt = cb_jval_get(prof, "defaultAction"))) {
		rc = at(&o, prof, "a seccomp profile needs \"defaultAction\"");
		goto out;
	}
	if ((rc = action(&o, dflt, cb_jval_get(prof, "defaultErrnoRet"), EPERM, &p->def)))
		goto out;
	p->def_loc = (struct cb_loc){ o.file, dflt->line, dflt->col };
	if ((rc = architectures(&o, prof)) || (rc = kill_unlisted(&o, prof)))
		goto out;
	sys = o.syscalls = cb_jval_get(prof, "syscalls");
	if (sys && sys->type != CB_J_NULL) {
		if ((rc = want(&o, sys, CB_J_ARRAY, "syscalls")))
			goto out;
		for (int i = 0; !rc && i < sys->n; i++)
			rc = entry(&o, &sys->v[i]);
	}
out:
	cb_jval_free(top);
	return rc;
}

int cb_oci_load(struct cb_policy *p, const char *path, uint64_t caps, struct cb_err *err)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return cb_fail(err, errno, "cannot read OCI profile '%s': %s", path, strerror(errno));
	cleanup_free char *buf = NULL;
	size_t cap = 0, len = 0;
	for (;;) {
		if (len == cap) {
			if (cap >= (16u << 20)) {
				fclose(f);
				return cb_fail(err, EFBIG, "OCI profile '%s' is larger than 16 MiB", path);
			}
			char *b = realloc(buf, cap = cap ? cap * 2 : 65536);
			if (!b) {
				fclose(f);
				return cb_fail(err, ENOMEM, "out of memory");
			}
			buf = b;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad)
		return cb_fail(err, EIO, "cannot read OCI profile '%s'", path);
	return cb_oci_parse(p, path, buf ? buf : "", len, caps, err);
}
