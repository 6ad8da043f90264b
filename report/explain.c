#include "explain.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *cb_explain_dir(unsigned dir)
{
	static const char *const names[] = { "none", "write", "read", "rw" };
	return names[dir & 3];
}

bool cb_explain_is_ptr(const struct cb_agg_ioctl *e, unsigned offset)
{
	unsigned w = offset / 4;
	return offset < CB_AGG_PTR_WORDS && (e->ptr_words[w / 64] >> (w % 64) & 1);
}

/* The names a sketch uses: the request's own, else one made of type and nr. */
static void sketch_names(const struct cb_agg_ioctl *e, char *req, size_t rn, char *st, size_t sn)
{
	if (e->name) {
		snprintf(req, rn, "%s", e->name);
	} else {
		snprintf(req, rn, "VENDOR_%02X%02X", e->type, e->nr);
	}
	size_t i = 0;
	for (const char *p = req; *p && i + 1 < sn; p++)
		st[i++] = (char)tolower((unsigned char)*p);
	st[i] = 0;
}

static size_t appendf(char *buf, size_t cap, size_t o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static size_t appendf(char *buf, size_t cap, size_t o, const char *fmt, ...)
{
	if (o >= cap)
		return o;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + o, cap - o, fmt, ap);
	va_end(ap);
	return n < 0 ? o : o + (size_t)n;
}

/* N plain 4-byte words from byte AT: one field, or an array of them. */
static size_t words(char *text, size_t cap, size_t o, unsigned at, unsigned n)
{
	if (n == 1)
		return appendf(text, cap, o, "\t__u32 w%u;\n", at);
	if (n > 1)
		return appendf(text, cap, o, "\t__u32 w%u[%u];\n", at, n);
	return o;
}

/* A header a person would hand to `abi gen`: the argument as words, the
 * pointer words as pointers (which then need annotations). */
static void sketch(const struct cb_agg_ioctl *e, cb_explain_fn fn, void *ctx)
{
	char req[64], st[64], text[4096];
	sketch_names(e, req, sizeof(req), st, sizeof(st));
	bool wide = e->arch && !strcmp(e->arch, "x86_64");
	static const char *const iomacro[] = { "_IO", "_IOW", "_IOR", "_IOWR" };
	static const char *const dirword[] = { "", "in", "out", "inout" };
	size_t o = 0;
	if (e->size > 4096 || !isgraph((int)e->type)) {
		o = appendf(text, sizeof(text), o, "the type byte or the size (%u bytes) is implausible for an _IOC\n"
			    "request: likely a bogus number, or a driver's private encoding; nothing to start from", e->size);
		fn(ctx, "abi gen", text);
		return;
	}
	if (!e->size) {
		o = appendf(text, sizeof(text), o,
			    "the number carries no size (an old-style request): the argument's layout\n"
			    "is not in it. If it takes a pointer, give the struct and a direction:\n"
			    "  compatbox abi gen --header vendor.h --struct STRUCT --ioctl %s=STRUCT:inout", req);
		fn(ctx, "abi gen", text);
		return;
	}
	o = appendf(text, sizeof(text), o, "/* vendor.h: request 0x%08x as the trail saw it (%s) */\n"
		    "#include <linux/ioctl.h>\n#include <linux/types.h>\n\nstruct %s {\n",
		    e->req, e->arch ? e->arch : "?", st);
	char annot[1024];
	size_t ao = 0;
	annot[0] = 0;
	unsigned off = 0, run = 0; /* run: plain words pending since off - 4 * run */
	while (off + 4 <= e->size) {
		bool ptr = cb_explain_is_ptr(e, off) && (!wide || off % 8 == 0);
		if (!ptr) {
			run++;
			off += 4;
			continue;
		}
		o = words(text, sizeof(text), o, off - 4 * run, run);
		run = 0;
		o = appendf(text, sizeof(text), o, "\tvoid *p%u;  /* held a guest address */\n", off);
		ao = appendf(annot, sizeof(annot), ao, " \\\n      --annotate '%s.p%u=%s ->buf len=LEN max=4096'",
			     st, off, dirword[e->dir & 3][0] ? dirword[e->dir & 3] : "inout");
		off += wide ? 8 : 4;
	}
	o = words(text, sizeof(text), o, off - 4 * run, run);
	if (off < e->size)
		o = appendf(text, sizeof(text), o, "\t__u8 tail[%u];\n", e->size - off);
	o = appendf(text, sizeof(text), o, "};\n#define %s %s('%c', %u, struct %s)\n\n", req,
		    iomacro[e->dir & 3], isprint((int)e->type) && e->type != '\'' && e->type != '\\'
		    ? (char)e->type : '?', e->nr, st);
	o = appendf(text, sizeof(text), o, "compatbox abi gen --header vendor.h --struct %s --ioctl %s%s -o vendor.abi",
		    st, req, annot);
	if (annot[0])
		o = appendf(text, sizeof(text), o, "\n(LEN: the field that holds the buffer's length, or a number)");
	(void)o;
	fn(ctx, "abi gen", text);
}

void cb_explain_ioctl(const struct cb_agg_ioctl *e, cb_explain_fn fn, void *ctx)
{
	char text[512];
	static const char *const flow[] = {
		"no argument is copied (or the driver takes it its own way)",
		"the program passes the driver",
		"the driver returns to the program",
		"the program passes the driver, which writes back",
	};
	if (e->size)
		snprintf(text, sizeof(text), "%s, %u bytes: %s %u bytes", cb_explain_dir(e->dir), e->size,
			 flow[e->dir & 3], e->size);
	else
		snprintf(text, sizeof(text), "%s, no size in the number (an old-style request: "
			 "its argument is whatever the driver reads)", cb_explain_dir(e->dir));
	fn(ctx, "request", text);

	size_t o = 0;
	int words = 0;
	text[0] = 0;
	for (unsigned off = 0; off < CB_AGG_PTR_WORDS; off += 4) {
		if (!cb_explain_is_ptr(e, off))
			continue;
		o = appendf(text, sizeof(text), o, "%s%u", words++ ? ", " : "at offset ", off);
	}
	if (e->ptr_words_beyond)
		o = appendf(text, sizeof(text), o, "%s%u and beyond", words++ ? ", " : "at offset ", CB_AGG_PTR_WORDS);
	if (words)
		appendf(text, sizeof(text), o, ": held addresses in the program's own mappings, likely "
			"embedded pointers (the kernel follows them: a descriptor must say where they point)");
	else
		snprintf(text, sizeof(text), "none of the payload's words pointed into the program's memory");
	fn(ctx, "pointers", text);

	o = 0;
	text[0] = 0;
	text[0] = 0;
	for (int i = 0; i < CB_AGG_OTHER_SIZES && e->other_size[i]; i++)
		o = appendf(text, sizeof(text), o, "%s%s", i ? ", " : "same direction, type and number, "
			    "another size: ", e->other_size[i]);
	if (o)
		o = appendf(text, sizeof(text), o, ": a 32/64-bit layout mismatch (the program was built "
			    "against the other ABI's layout)");
	if (e->other_abi)
		o = appendf(text, sizeof(text), o, "%sthis very number is %s on the other ABI",
			    o ? "; " : "", e->other_abi);
	if (!o)
		snprintf(text, sizeof(text), "no known request has this type and number with another size");
	fn(ctx, "32/64", text);

	if (e->native_enotty == 1 && e->arch && !strcmp(e->arch, "i386"))
		snprintf(text, sizeof(text), "yes: the driver answered ENOTTY itself: it has no compat_ioctl "
			 "handler for this request, so an i386 program needs a descriptor (compatbox then "
			 "converts the argument and makes the 64-bit call)");
	else if (e->native_enotty == 1)
		snprintf(text, sizeof(text), "yes: the driver answered ENOTTY itself: it does not implement "
			 "this request");
	else if (e->native_enotty == 0)
		snprintf(text, sizeof(text), "no: the driver's native handler did not answer ENOTTY%s%s%s",
			 e->failed ? " (calls failed with " : "", e->failed && e->first_err ? e->first_err : "",
			 e->failed ? ")" : "");
	else
		snprintf(text, sizeof(text), "not known%s", e->enotty ? ": some calls returned ENOTTY"
			 : !e->seen ? ": the kernel ran the calls, their results were not seen" : "");
	fn(ctx, "ENOTTY", text);
	sketch(e, fn, ctx);
}
