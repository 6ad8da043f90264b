/* The policy language (docs/policy.md): one statement per line.
 *
 *   include "base.policy" | include NAME
 *   default ACTION              ioctl default ACTION        path default ACTION
 *   ACTION [ABIS] SYSCALL, @GROUP, ... [if argN OP VALUE && ...]
 *   ioctl ACTION [ABIS] [REQUEST, ...] [on TARGET]
 *   path ACTION GLOB, ...
 *
 * Every error names FILE:LINE:COL, what was expected and what was found. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "groups.h"
#include "lexer.h"
#include "names.h"
#include "policy.h"
#include "shipped.h"

#define MAX_DEPTH 8
#define MAX_FILE (1 << 20)

/* What every file of one parse shares: how deep the include a default came
 * from is (an outer file's default wins over an included one's). */
struct shared {
	int def_depth[3];
	int files;
};

struct parser {
	struct cb_policy *p;
	struct cb_lex lx;
	struct cb_tok t;
	const char *file; /* owned by p */
	int depth;
	struct shared *sh;
	struct cb_err *err;
};

static void next(struct parser *ps)
{
	ps->t = cb_lex_next(&ps->lx);
}

static const char *describe(const struct cb_tok *t, char *buf, size_t len)
{
	if (t->kind == CB_TK_EOF)
		return "the end of the file";
	if (t->kind == CB_TK_NEWLINE)
		return "the end of the line";
	size_t n = t->len > 40 ? 40 : t->len;
	snprintf(buf, len, "'%.*s%s'", (int)n, t->text, t->len > n ? "..." : "");
	return buf;
}

__attribute__((format(printf, 3, 4)))
static int fail_at(struct parser *ps, const struct cb_tok *t, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cb_fail(ps->err, EINVAL, "%s:%d:%d: %s", ps->file, t->line, t->col, msg);
}

/* "expected WHAT, found X" at the current token. */
static int expected(struct parser *ps, const char *what)
{
	char b[64];
	if (ps->t.kind == CB_TK_ERROR)
		return fail_at(ps, &ps->t, "%s: %s (expected %s)", describe(&ps->t, b, sizeof(b)),
			       ps->t.why, what);
	return fail_at(ps, &ps->t, "expected %s, found %s", what, describe(&ps->t, b, sizeof(b)));
}

static void tok_text(const struct cb_tok *t, char *buf, size_t len)
{
	size_t n = t->len < len - 1 ? t->len : len - 1;
	memcpy(buf, t->text, n);
	buf[n] = 0;
}

static int at_end(const struct parser *ps)
{
	return ps->t.kind == CB_TK_NEWLINE || ps->t.kind == CB_TK_EOF;
}

/* After ',' or '&&' a list may go on on the next line. */
static void skip_newlines(struct parser *ps)
{
	while (ps->t.kind == CB_TK_NEWLINE)
		next(ps);
}

/* ---- actions ---- */

static const struct {
	const char *word;
	enum cb_act_kind kind;
} act_words[] = {
	{ "allow", CB_ACT_ALLOW }, { "deny", CB_ACT_DENY }, { "kill", CB_ACT_KILL_PROCESS },
	{ "trap", CB_ACT_TRAP }, { "log", CB_ACT_LOG }, { "perform", CB_ACT_PERFORM },
	{ "translate", CB_ACT_TRANSLATE },
};
#define ACTIONS "an action (allow, deny [ERRNO], kill [thread|process], trap, log, perform, translate)"

static int is_action(const struct cb_tok *t)
{
	for (size_t i = 0; i < sizeof(act_words) / sizeof(act_words[0]); i++)
		if (cb_tok_is(t, act_words[i].word))
			return 1;
	return 0;
}

static int is_errno_word(const struct cb_tok *t)
{
	if (t->kind != CB_TK_WORD || t->len < 2 || t->text[0] != 'E')
		return 0;
	for (size_t i = 0; i < t->len; i++)
		if (!isupper((unsigned char)t->text[i]) && !isdigit((unsigned char)t->text[i]))
			return 0;
	return 1;
}

static int action(struct parser *ps, struct cb_action *a)
{
	size_t i;
	for (i = 0; i < sizeof(act_words) / sizeof(act_words[0]); i++)
		if (cb_tok_is(&ps->t, act_words[i].word))
			break;
	if (i == sizeof(act_words) / sizeof(act_words[0]))
		return expected(ps, ACTIONS);
	*a = (struct cb_action){ .kind = act_words[i].kind };
	next(ps);
	if (a->kind == CB_ACT_DENY) {
		a->errnum = EPERM;
		if (is_errno_word(&ps->t)) {
			char name[32];
			tok_text(&ps->t, name, sizeof(name));
			int e = cb_errno_by_name(name);
			if (e < 0)
				return fail_at(ps, &ps->t, "unknown errno name '%s' (names as in errno(3), "
					       "e.g. EPERM, EACCES, ENOSYS)", name);
			a->errnum = (uint16_t)e;
			next(ps);
		}
	} else if (a->kind == CB_ACT_KILL_PROCESS) {
		if (cb_tok_is(&ps->t, "thread")) {
			a->kind = CB_ACT_KILL_THREAD;
			next(ps);
		} else if (cb_tok_is(&ps->t, "process")) {
			next(ps);
		}
	}
	return 0;
}

/* [x86_64], [i386], [i386, x86_64]; without brackets: both. */
static int abis(struct parser *ps, unsigned *out)
{
	*out = CB_ABI_ALL;
	if (!cb_tok_is(&ps->t, "["))
		return 0;
	*out = 0;
	next(ps);
	for (;;) {
		int a;
		if (cb_tok_is(&ps->t, "x86_64"))
			a = CB_ARCH_X86_64;
		else if (cb_tok_is(&ps->t, "i386"))
			a = CB_ARCH_I386;
		else
			return expected(ps, "an ABI (x86_64 or i386)");
		*out |= 1u << a;
		next(ps);
		if (cb_tok_is(&ps->t, "]"))
			break;
		if (!cb_tok_is(&ps->t, ","))
			return expected(ps, "',' or ']'");
		next(ps);
	}
	next(ps);
	return 0;
}

/* ---- syscall rules ---- */

static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	unsigned d[41][41];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			unsigned s = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			unsigned x = d[i - 1][j] + 1, y = d[i][j - 1] + 1;
			d[i][j] = s < x ? (s < y ? s : y) : (x < y ? x : y);
		}
	return d[la][lb];
}

/* The syscall name closest to NAME, for "did you mean". */
static const char *closest_syscall(const char *name)
{
	const char *best = NULL;
	unsigned bd = 3;
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		for (int nr = 0; nr < 1024; nr++) {
			const char *s = cb_syscall_name(a, nr);
			unsigned d = s ? edit_distance(name, s) : 99;
			if (d < bd) {
				bd = d;
				best = s;
			}
		}
	return best;
}

static int add_syscall(struct parser *ps, const struct cb_tok *at, const char *name,
		       struct cb_srule *tmpl, bool from_group)
{
	struct cb_srule r = *tmpl;
	r.from_group = from_group;
	bool any = false, elsewhere = false;
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		int nr = cb_syscall_nr(a, name);
		r.nr[a] = nr >= 0 && nr < 1024 && (r.abis & (1u << a)) ? nr : -1;
		any |= r.nr[a] >= 0;
		elsewhere |= nr >= 0;
	}
	if (!any && from_group)
		return 0; /* a group's call another ABI has (stat64 on x86_64) */
	if (!any && elsewhere)
		return fail_at(ps, at, "syscall '%s' does not exist on the ABI%s named in [...]",
			       name, __builtin_popcount(r.abis) > 1 ? "s" : "");
	if (!any) {
		const char *hint = closest_syscall(name);
		return fail_at(ps, at, "unknown syscall '%s' (not a syscall of x86_64 or i386; names "
			       "as in syscalls(2))%s%s%s", name, hint ? "; did you mean '" : "",
			       hint ? hint : "", hint ? "'?" : "");
	}
	r.name = cb_policy_strdup(ps->p, name);
	if (!r.name || cb_policy_add_srule(ps->p, &r))
		return cb_fail(ps->err, ENOMEM, "out of memory");
	return 0;
}

static int value(struct parser *ps, uint64_t *v)
{
	*v = 0;
	for (;;) {
		uint64_t one;
		if (ps->t.kind == CB_TK_NUMBER) {
			one = ps->t.num;
		} else if (ps->t.kind == CB_TK_WORD) {
			char name[64];
			uint32_t req[CB_ARCH_COUNT];
			tok_text(&ps->t, name, sizeof(name));
			if (cb_const_by_name(name, &one)) {
				/* found */
			} else if (cb_ioctl_req_by_name(name, req)) {
				if (req[CB_ARCH_X86_64] != req[CB_ARCH_I386])
					return fail_at(ps, &ps->t, "%s has another number on each ABI: "
						       "use an ioctl rule (ioctl allow %s)", name, name);
				one = req[CB_ARCH_X86_64];
			} else {
				return fail_at(ps, &ps->t, "unknown constant '%s' (write a number, or a "
					       "name like O_CREAT, AF_NETLINK, CLONE_NEWUSER, TIOCSTI)",
					       name);
			}
		} else {
			return expected(ps, "a value (a number or a constant such as O_CREAT)");
		}
		*v |= one;
		next(ps);
		if (!cb_tok_is(&ps->t, "|"))
			return 0;
		next(ps);
	}
}

static const struct {
	const char *op;
	enum cb_cmp_op cmp;
} cmp_ops[] = {
	{ "==", CB_CMP_EQ }, { "!=", CB_CMP_NE }, { "<", CB_CMP_LT },
	{ "<=", CB_CMP_LE }, { ">", CB_CMP_GT },  { ">=", CB_CMP_GE },
};

/* argN OP VALUE | argN & MASK == VALUE */
static int condition(struct parser *ps, struct cb_cond *c)
{
	if (ps->t.kind != CB_TK_WORD || ps->t.len != 4 || memcmp(ps->t.text, "arg", 3) ||
	    ps->t.text[3] < '0' || ps->t.text[3] > '5')
		return expected(ps, "an argument, arg0 to arg5");
	*c = (struct cb_cond){ .arg = (uint8_t)(ps->t.text[3] - '0') };
	next(ps);
	if (cb_tok_is(&ps->t, "&")) {
		next(ps);
		int rc = value(ps, &c->mask);
		if (rc)
			return rc;
		if (!cb_tok_is(&ps->t, "=="))
			return expected(ps, "'==' (a masked argument is compared with ==)");
		next(ps);
		c->op = CB_CMP_MASKED_EQ;
		struct cb_tok vt = ps->t;
		rc = value(ps, &c->value);
		if (!rc && (c->value & ~c->mask))
			return fail_at(ps, &vt, "the value has bits outside the mask: never true");
		return rc;
	}
	size_t i;
	for (i = 0; i < sizeof(cmp_ops) / sizeof(cmp_ops[0]); i++)
		if (cb_tok_is(&ps->t, cmp_ops[i].op))
			break;
	if (i == sizeof(cmp_ops) / sizeof(cmp_ops[0]))
		return expected(ps, "a comparison (==, !=, <, <=, >, >= or & MASK ==)");
	c->op = cmp_ops[i].cmp;
	next(ps);
	return value(ps, &c->value);
}

static int syscall_rule(struct parser *ps)
{
	struct cb_srule r = { .loc = { ps->file, ps->t.line, ps->t.col } };
	int rc = action(ps, &r.act);
	if (!rc)
		rc = abis(ps, &r.abis);
	if (rc)
		return rc;
	/* The names first, then the conditions, which apply to each name. */
	struct name { struct cb_tok at; char text[64]; } names[512];
	int n = 0;
	for (;;) {
		if (ps->t.kind != CB_TK_WORD || cb_tok_is(&ps->t, "if"))
			return expected(ps, "a syscall name (as in syscalls(2)) or @group");
		if (n == (int)(sizeof(names) / sizeof(names[0])))
			return fail_at(ps, &ps->t, "more than 512 names in one rule: split it");
		names[n].at = ps->t;
		tok_text(&ps->t, names[n].text, sizeof(names[n].text));
		n++;
		next(ps);
		if (!cb_tok_is(&ps->t, ","))
			break;
		next(ps);
		skip_newlines(ps);
	}
	if (cb_tok_is(&ps->t, "if")) {
		next(ps);
		for (;;) {
			if (r.ncond == CB_MAX_CONDS)
				return fail_at(ps, &ps->t, "at most %d conditions in a rule", CB_MAX_CONDS);
			rc = condition(ps, &r.cond[r.ncond++]);
			if (rc)
				return rc;
			if (!cb_tok_is(&ps->t, "&&"))
				break;
			next(ps);
			skip_newlines(ps);
		}
	}
	for (int i = 0; i < n; i++) {
		r.loc.line = names[i].at.line;
		r.loc.col = names[i].at.col;
		if (names[i].text[0] == '@') {
			const struct cb_group *g = cb_group_find(names[i].text);
			if (!g)
				return fail_at(ps, &names[i].at, "unknown group '%s' (see docs/policy.md "
					       "for the groups, e.g. @basic-io, @module)", names[i].text);
			for (const char *const *s = g->calls; *s; s++)
				if ((rc = add_syscall(ps, &names[i].at, *s, &r, true)))
					return rc;
		} else if ((rc = add_syscall(ps, &names[i].at, names[i].text, &r, false))) {
			return rc;
		}
	}
	return 0;
}

/* ---- ioctl rules ---- */

static int set_part(struct parser *ps, const struct cb_tok *at, struct cb_reqmatch *m,
		    uint32_t mask, uint32_t v, const char *what)
{
	if (m->mask & mask)
		return fail_at(ps, at, "%s given twice, or with a request name or number", what);
	m->mask |= mask;
	m->value |= v & mask;
	return 0;
}

/* One request: NAME | NUMBER | family F | [type C] [nr N] [dir D] [size N]. */
static int request(struct parser *ps, struct cb_reqmatch *m)
{
	*m = (struct cb_reqmatch){ 0 };
	int parts = 0, rc = 0;
	while (!at_end(ps) && !cb_tok_is(&ps->t, ",") && !cb_tok_is(&ps->t, "on")) {
		struct cb_tok kw = ps->t;
		parts++;
		if (ps->t.kind == CB_TK_NUMBER) {
			if (ps->t.num > 0xffffffffu)
				return fail_at(ps, &ps->t, "an ioctl request is 32 bits (the kernel ignores "
					       "the upper half)");
			rc = set_part(ps, &kw, m, 0xffffffffu, (uint32_t)ps->t.num, "a request");
			next(ps);
		} else if (cb_tok_is(&kw, "type") || cb_tok_is(&kw, "nr") || cb_tok_is(&kw, "size")) {
			next(ps);
			uint64_t v = ps->t.num;
			if (ps->t.kind != CB_TK_NUMBER && !(cb_tok_is(&kw, "type") && ps->t.kind == CB_TK_CHAR))
				return expected(ps, cb_tok_is(&kw, "type") ? "a type letter like 'V' or a number"
									    : "a number");
			uint64_t max = cb_tok_is(&kw, "size") ? 0x3fff : 0xff;
			if (v > max)
				return fail_at(ps, &ps->t, "too large: at most %llu", (unsigned long long)max);
			if (cb_tok_is(&kw, "type"))
				rc = set_part(ps, &kw, m, 0xff00u, (uint32_t)v << 8, "type");
			else if (cb_tok_is(&kw, "nr"))
				rc = set_part(ps, &kw, m, 0xffu, (uint32_t)v, "nr");
			else
				rc = set_part(ps, &kw, m, 0x3fff0000u, (uint32_t)v << 16, "size");
			next(ps);
		} else if (cb_tok_is(&kw, "dir")) {
			next(ps);
			static const char *const dirs[] = { "none", "write", "read", "rw" };
			unsigned d;
			for (d = 0; d < 4; d++)
				if (cb_tok_is(&ps->t, dirs[d]))
					break;
			if (d == 4)
				return expected(ps, "a direction: none, read, write or rw");
			rc = set_part(ps, &kw, m, 0xc0000000u, d << 30, "dir");
			next(ps);
		} else if (cb_tok_is(&kw, "family")) {
			next(ps);
			char name[32];
			uint32_t fm, fv;
			tok_text(&ps->t, name, sizeof(name));
			if (ps->t.kind != CB_TK_WORD || !cb_ioctl_family(name, &fm, &fv))
				return fail_at(ps, &ps->t, "expected a family of requests (%s)",
					       cb_ioctl_family_names());
			rc = set_part(ps, &kw, m, fm, fv, "family");
			next(ps);
		} else if (ps->t.kind == CB_TK_WORD) {
			char name[64];
			uint32_t req[CB_ARCH_COUNT];
			tok_text(&ps->t, name, sizeof(name));
			if (!cb_ioctl_req_by_name(name, req))
				return fail_at(ps, &ps->t, "unknown ioctl request '%s' (write its number, "
					       "or type 'X' [nr N] [dir D] [size N], or family NAME)", name);
			rc = set_part(ps, &kw, m, 0xffffffffu, req[CB_ARCH_X86_64], "a request");
			if (req[CB_ARCH_X86_64] != req[CB_ARCH_I386]) {
				m->per_abi = true;
				memcpy(m->value_abi, req, sizeof(req));
			}
			next(ps);
		} else {
			return expected(ps, "an ioctl request (a name, a number, type, nr, dir, size "
				       "or family), ',' or 'on'");
		}
		if (rc)
			return rc;
	}
	if (!parts)
		return expected(ps, "an ioctl request");
	return 0;
}

static int target(struct parser *ps, struct cb_fdtarget *t)
{
	*t = (struct cb_fdtarget){ .kind = CB_T_ANY, .major = -1, .minor = -1 };
	if (ps->t.kind == CB_TK_PATH || ps->t.kind == CB_TK_STRING) {
		char g[4096];
		tok_text(&ps->t, g, sizeof(g));
		if (g[0] != '/')
			return fail_at(ps, &ps->t, "a path glob starts with '/'");
		t->kind = CB_T_GLOB;
		t->glob = cb_policy_strdup(ps->p, g);
		if (!t->glob)
			return cb_fail(ps->err, ENOMEM, "out of memory");
		next(ps);
		return 0;
	}
	static const struct { const char *w; enum cb_fdtarget_kind k; } kinds[] = {
		{ "socket", CB_T_SOCKET }, { "pipe", CB_T_PIPE }, { "regular", CB_T_REGULAR },
		{ "dir", CB_T_DIR }, { "char", CB_T_CHR }, { "block", CB_T_BLK }, { "any", CB_T_ANY },
	};
	size_t i;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (cb_tok_is(&ps->t, kinds[i].w))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return expected(ps, "what the fd refers to: a path glob like /dev/tty*, socket, pipe, "
			       "regular, dir, char MAJOR[:MINOR] or block MAJOR[:MINOR]");
	t->kind = kinds[i].k;
	next(ps);
	if ((t->kind == CB_T_CHR || t->kind == CB_T_BLK) && ps->t.kind == CB_TK_NUMBER) {
		if (ps->t.num > 4095)
			return fail_at(ps, &ps->t, "a major device number is at most 4095");
		t->major = (int)ps->t.num;
		next(ps);
		if (cb_tok_is(&ps->t, ":")) {
			next(ps);
			if (ps->t.kind != CB_TK_NUMBER || ps->t.num > 0xfffff)
				return expected(ps, "a minor device number");
			t->minor = (int)ps->t.num;
			next(ps);
		}
	}
	return 0;
}

static int ioctl_rule(struct parser *ps)
{
	struct cb_irule r = { .loc = { ps->file, ps->t.line, ps->t.col } };
	int rc = action(ps, &r.act);
	if (!rc)
		rc = abis(ps, &r.abis);
	if (rc)
		return rc;
	struct { struct cb_reqmatch m; struct cb_tok at; } reqs[256];
	int n = 0;
	if (!at_end(ps) && !cb_tok_is(&ps->t, "on")) {
		for (;;) {
			if (n == (int)(sizeof(reqs) / sizeof(reqs[0])))
				return fail_at(ps, &ps->t, "more than 256 requests in one rule: split it");
			reqs[n].at = ps->t;
			if ((rc = request(ps, &reqs[n].m)))
				return rc;
			n++;
			if (!cb_tok_is(&ps->t, ","))
				break;
			next(ps);
			skip_newlines(ps);
		}
	}
	if (cb_tok_is(&ps->t, "on")) {
		next(ps);
		if ((rc = target(ps, &r.target)))
			return rc;
	}
	if (!n) {
		reqs[0].at = (struct cb_tok){ .line = r.loc.line, .col = r.loc.col };
		reqs[0].m = (struct cb_reqmatch){ 0 };
		n = 1;
	}
	for (int i = 0; i < n; i++) {
		r.req = reqs[i].m;
		r.loc.line = reqs[i].at.line;
		r.loc.col = reqs[i].at.col;
		if (cb_policy_add_irule(ps->p, &r))
			return cb_fail(ps->err, ENOMEM, "out of memory");
	}
	return 0;
}

/* ---- path rules ---- */

static int path_rule(struct parser *ps)
{
	struct cb_prule r = { .loc = { ps->file, ps->t.line, ps->t.col } };
	int rc = action(ps, &r.act);
	if (rc)
		return rc;
	if (r.act.kind == CB_ACT_TRAP || r.act.kind == CB_ACT_TRANSLATE)
		return fail_at(ps, &(struct cb_tok){ .line = r.loc.line, .col = r.loc.col },
			       "a path rule allows, denies, kills or logs (allowed path calls are "
			       "performed by the supervisor anyway)");
	for (;;) {
		if (ps->t.kind != CB_TK_PATH && ps->t.kind != CB_TK_STRING)
			return expected(ps, "an absolute path or glob, like /etc/shadow or /home/*/.ssh/**");
		char g[4096];
		tok_text(&ps->t, g, sizeof(g));
		if (g[0] != '/')
			return fail_at(ps, &ps->t, "a path glob starts with '/'");
		r.loc.line = ps->t.line;
		r.loc.col = ps->t.col;
		r.glob = cb_policy_strdup(ps->p, g);
		if (!r.glob || cb_policy_add_prule(ps->p, &r))
			return cb_fail(ps->err, ENOMEM, "out of memory");
		next(ps);
		if (!cb_tok_is(&ps->t, ","))
			return 0;
		next(ps);
		skip_newlines(ps);
	}
}

/* ---- defaults, includes, statements ---- */

static int set_default(struct parser *ps, int which, const struct cb_tok *at)
{
	struct cb_action a;
	int rc = action(ps, &a);
	if (rc)
		return rc;
	struct cb_action *slot[] = { &ps->p->def, &ps->p->ioctl_def, &ps->p->path_def };
	struct cb_loc *loc[] = { &ps->p->def_loc, &ps->p->ioctl_def_loc, &ps->p->path_def_loc };
	int *d = &ps->sh->def_depth[which];
	if (*d == ps->depth + 1)
		return fail_at(ps, at, "a second default here; the first is at %s:%d:%d",
			       loc[which]->file, loc[which]->line, loc[which]->col);
	if (*d && *d < ps->depth + 1)
		return 0; /* an including file's default wins */
	if (which == 2 && (a.kind == CB_ACT_TRAP || a.kind == CB_ACT_TRANSLATE))
		return fail_at(ps, at, "path default: allow, deny, kill or log");
	*d = ps->depth + 1;
	*slot[which] = a;
	*loc[which] = (struct cb_loc){ ps->file, at->line, at->col };
	return 0;
}

static int parse_text(struct cb_policy *p, const char *file, const char *text, int depth,
		      struct shared *sh, struct cb_err *err);

/* Read FILE whole; -errno. */
static int read_file(const char *path, char **out)
{
	/* O_NONBLOCK: a FIFO must not hang the parse; only regular files. */
	cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf)
			return -ENOMEM;
		if (len + 1 >= cap) {
			if (cap >= MAX_FILE) {
				free(buf);
				return -EFBIG;
			}
			char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				return -ENOMEM;
			}
			buf = b;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	if (strlen(buf) != len) {
		free(buf);
		return -EILSEQ; /* a NUL byte: not a text file */
	}
	*out = buf;
	return 0;
}

static int include(struct parser *ps)
{
	struct cb_tok at = ps->t;
	if (ps->t.kind != CB_TK_STRING && ps->t.kind != CB_TK_WORD && ps->t.kind != CB_TK_PATH)
		return expected(ps, "a file in quotes, or the name of a shipped policy");
	char name[4096];
	tok_text(&ps->t, name, sizeof(name));
	next(ps);
	if (ps->depth + 1 >= MAX_DEPTH)
		return fail_at(ps, &at, "includes nested deeper than %d (does a file include itself?)",
			       MAX_DEPTH);
	/* Relative to the including file's directory. */
	char path[8200];
	const char *slash = strrchr(ps->file, '/');
	size_t dirlen = slash ? (size_t)(slash - ps->file) : 0;
	if (name[0] == '/' || !slash)
		snprintf(path, sizeof(path), "%s", name);
	else if (dirlen < 4096)
		snprintf(path, sizeof(path), "%.*s/%s", (int)dirlen, ps->file, name);
	else
		return fail_at(ps, &at, "the including file's name is too long");
	cleanup_free char *text = NULL;
	int rc = read_file(path, &text);
	const char *src = text;
	const char *shown = path;
	if (rc == -ENOENT && !strchr(name, '/') && (src = cb_shipped_policy(name))) {
		rc = 0;
		shown = name;
	}
	if (rc)
		return fail_at(ps, &at, "cannot include '%s': %s%s", path,
			       rc == -EILSEQ ? "it contains a NUL byte"
			       : rc == -EINVAL ? "not a regular file" : strerror(-rc),
			       rc == -ENOENT ? " (a file relative to this one, or a shipped policy: "
					       CB_SHIPPED_NAMES ")" : "");
	const char *f = cb_policy_strdup(ps->p, shown);
	if (!f)
		return cb_fail(ps->err, ENOMEM, "out of memory");
	return parse_text(ps->p, f, src, ps->depth + 1, ps->sh, ps->err);
}

static int statement(struct parser *ps)
{
	struct cb_tok at = ps->t;
	if (cb_tok_is(&at, "include")) {
		next(ps);
		return include(ps);
	}
	if (cb_tok_is(&at, "default")) {
		next(ps);
		return set_default(ps, 0, &at);
	}
	if (cb_tok_is(&at, "ioctl") || cb_tok_is(&at, "path")) {
		bool io = cb_tok_is(&at, "ioctl");
		next(ps);
		if (cb_tok_is(&ps->t, "default")) {
			struct cb_tok d = ps->t;
			next(ps);
			return set_default(ps, io ? 1 : 2, &d);
		}
		if (!is_action(&ps->t))
			return expected(ps, io ? "'default' or an action, as in 'ioctl deny TIOCSTI'"
					       : "'default' or an action, as in 'path deny /etc/shadow'");
		return io ? ioctl_rule(ps) : path_rule(ps);
	}
	if (is_action(&at))
		return syscall_rule(ps);
	return expected(ps, "a statement: " ACTIONS " followed by syscalls, 'ioctl', 'path', "
			    "'default' or 'include'");
}

static int parse_text(struct cb_policy *p, const char *file, const char *text, int depth,
		      struct shared *sh, struct cb_err *err)
{
	struct parser ps = { .p = p, .file = file, .depth = depth, .sh = sh, .err = err };
	cb_lex_init(&ps.lx, text);
	next(&ps);
	for (;;) {
		skip_newlines(&ps);
		if (ps.t.kind == CB_TK_EOF)
			return 0;
		int rc = statement(&ps);
		if (rc)
			return rc;
		if (!at_end(&ps))
			return expected(&ps, "the end of the line (one statement per line; "
					      "lists are separated by ',')");
	}
}

int cb_policy_parse(struct cb_policy *p, const char *file, const char *text, struct cb_err *err)
{
	struct shared sh = { { 0 }, 0 };
	const char *f = cb_policy_strdup(p, file);
	if (!f)
		return cb_fail(err, ENOMEM, "out of memory");
	return parse_text(p, f, text, 0, &sh, err);
}

int cb_policy_load(struct cb_policy *p, const char *path_or_name, struct cb_err *err)
{
	cleanup_free char *text = NULL;
	int rc = read_file(path_or_name, &text);
	/* A bare name that is no file here (or a directory: the source tree
	 * has an audit/ folder) is a shipped policy's. */
	if ((rc == -ENOENT || rc == -EISDIR) && !strchr(path_or_name, '/')) {
		const char *s = cb_shipped_policy(path_or_name);
		if (s)
			return cb_policy_parse(p, path_or_name, s, err);
		return cb_fail(err, ENOENT, "no policy file '%s' and no shipped policy of that name "
			       "(shipped: " CB_SHIPPED_NAMES ")", path_or_name);
	}
	if (rc)
		return cb_fail(err, rc, "cannot read policy '%s': %s", path_or_name,
			       rc == -EILSEQ ? "it contains a NUL byte"
			       : rc == -EINVAL ? "not a regular file" : strerror(-rc));
	return cb_policy_parse(p, path_or_name, text, err);
}
