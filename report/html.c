/* --html: one self-contained page (inline CSS and a few lines of script to
 * sort tables; nothing fetched), the same content as the table. */
#include <string.h>

#include "explain.h"
#include "format.h"
#include "output.h"

static void esc(FILE *out, const char *s)
{
	if (!s) {
		fputs("&ndash;", out);
		return;
	}
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
	}
}

static const char style[] =
	"<style>\n"
	":root{--fg:#1d2433;--muted:#5b6474;--line:#dfe3ea;--bg:#f6f7f9;--warn:#fff4d6;--warnline:#e8b931;"
	"--bad:#fde8e8;--badfg:#a61b1b;--ok:#1f7a3f;--accent:#2456a6}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);background:var(--bg)}\n"
	"header{background:#1d2433;color:#fff;padding:18px 28px}\n"
	"header h1{margin:0 0 4px;font-size:20px;font-weight:600}\n"
	"header .sub{color:#b9c2d3;font-size:13px;word-break:break-all}\n"
	"main{padding:20px 28px 40px;max-width:1400px}\n"
	".cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:18px}\n"
	".card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:150px}\n"
	".card .n{font-size:24px;font-weight:600}\n"
	".card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}\n"
	".card.warn{background:var(--warn);border-color:var(--warnline)}\n"
	".card.bad{background:var(--bad);border-color:#e7a3a3}\n"
	"section{background:#fff;border:1px solid var(--line);border-radius:8px;margin:0 0 18px;padding:14px 18px}\n"
	"h2{font-size:16px;margin:0 0 10px}\n"
	"h2 .count{color:var(--muted);font-weight:400;font-size:13px;margin-left:6px}\n"
	"table{border-collapse:collapse;width:100%;font-size:13px}\n"
	"th,td{text-align:left;padding:5px 10px;border-bottom:1px solid var(--line);vertical-align:top}\n"
	"th{background:#eef1f5;font-weight:600;cursor:pointer;user-select:none;white-space:nowrap}\n"
	"th:hover{background:#e2e7ee}\n"
	"th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.mono,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}\n"
	"tr.unknown td{background:var(--warn)}\n"
	"tr.unknown td:first-child{box-shadow:inset 3px 0 0 var(--warnline)}\n"
	".tag{display:inline-block;padding:0 6px;border-radius:9px;font-size:11px;font-weight:600}\n"
	".tag.unk{background:var(--warnline);color:#3a2c00}\n"
	".tag.ref{background:var(--badfg);color:#fff}\n"
	".tag.ok{background:#dff3e6;color:var(--ok)}\n"
	".tag.err{background:#f0f1f4;color:var(--muted)}\n"
	".ioctl{border:1px solid var(--warnline);border-left:4px solid var(--warnline);border-radius:6px;padding:10px 14px;margin:0 0 12px;background:#fffdf5}\n"
	".ioctl h3{margin:0 0 6px;font-size:14px}\n"
	".ioctl dl{display:grid;grid-template-columns:110px 1fr;gap:4px 12px;margin:0}\n"
	".ioctl dt{color:var(--muted);font-weight:600}\n"
	".ioctl dd{margin:0}\n"
	"summary{cursor:pointer;color:var(--accent)}\n"
	"pre{background:#1d2433;color:#e6e9ef;border-radius:6px;padding:10px 12px;overflow-x:auto;font-size:12px;margin:4px 0 0}\n"
	"ul.tree,ul.tree ul{list-style:none;margin:0;padding-left:22px}\n"
	"ul.tree{padding-left:0}\n"
	"ul.tree li{position:relative;padding:3px 0}\n"
	"ul.tree ul li::before{content:'';position:absolute;left:-14px;top:0;height:14px;width:10px;"
	"border-left:1px solid #b5bcc8;border-bottom:1px solid #b5bcc8}\n"
	".pid{font-weight:600;font-family:ui-monospace,Menlo,Consolas,monospace}\n"
	".muted{color:var(--muted)}\n"
	".note{color:var(--muted);font-size:12px;margin:6px 0 0}\n"
	".two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:18px;align-items:start}\n"
	".two section{margin:0}\n"
	"@media (max-width:900px){.two{grid-template-columns:1fr}}\n"
	"</style>\n";

/* Click a header to sort by that column (numbers as numbers); again to reverse. */
static const char script[] =
	"<script>\n"
	"document.querySelectorAll('table.sortable th').forEach(function(th,i){\n"
	" th.title='sort';th.addEventListener('click',function(){\n"
	"  var tb=th.closest('table').tBodies[0],rows=Array.from(tb.rows),dir=th.dataset.dir==='a'?-1:1;\n"
	"  th.dataset.dir=dir===1?'a':'d';\n"
	"  rows.sort(function(a,b){var x=a.cells[i].dataset.v||a.cells[i].textContent,"
	"y=b.cells[i].dataset.v||b.cells[i].textContent,nx=parseFloat(x),ny=parseFloat(y);\n"
	"   return (isNaN(nx)||isNaN(ny)?x.localeCompare(y):nx-ny)*dir;});\n"
	"  rows.forEach(function(r){tb.appendChild(r);});});});\n"
	"</script>\n";

static void card(FILE *out, const char *cls, unsigned long long n, const char *label)
{
	fprintf(out, "<div class=\"card %s\"><div class=\"n\">%llu</div><div class=\"l\">%s</div></div>\n",
		cls, n, label);
}

static void summary(FILE *out, const struct cb_agg *a, const char *trail)
{
	char when[48];
	cb_fmt_when(when, sizeof(when), a->first_t);
	fputs("<header><h1>compatbox report", out);
	if (a->argv_line) {
		fputs(": ", out);
		esc(out, a->argv_line);
	}
	fputs("</h1><div class=\"sub\">trail ", out);
	esc(out, trail);
	fprintf(out, " &middot; %s &middot; %.3f s", when,
		a->last_t > a->first_t ? (double)(a->last_t - a->first_t) / 1e9 : 0.0);
	if (a->policy) {
		fputs(" &middot; policy ", out);
		esc(out, a->policy);
	}
	if (a->kernel) {
		fputs(" &middot; kernel ", out);
		esc(out, a->kernel);
	}
	if (a->ends)
		fprintf(out, " &middot; exit status %lld", (long long)a->end_status);
	fputs("</div></header>\n<main>\n<div class=\"cards\">\n", out);
	uint64_t refused = 0, unknown = 0;
	for (size_t i = 0; i < a->sys.n; i++)
		refused += ((const struct cb_agg_sys *)cb_map_at(&a->sys, i))->denied;
	for (size_t i = 0; i < a->ioctl.n; i++)
		unknown += cb_agg_ioctl_unknown(cb_map_at(&a->ioctl, i));
	card(out, "", a->calls, "calls recorded");
	card(out, "", a->ioctl.n, "ioctls (device, request)");
	card(out, unknown ? "warn" : "", unknown, "unknown ioctls");
	card(out, refused ? "bad" : "", refused, "calls refused");
	card(out, "", a->proc.n, "processes");
	card(out, a->dropped ? "bad" : "", a->dropped, "entries dropped");
	card(out, a->read.malformed ? "warn" : "", a->read.malformed, "malformed lines");
	fputs("</div>\n", out);
	if (a->read.first_bad_line) {
		fprintf(out, "<p class=\"note\">First malformed line: %llu (",
			(unsigned long long)a->read.first_bad_line);
		esc(out, a->read.first_bad);
		fputs(")</p>\n", out);
	}
	if (a->truncated)
		fprintf(out, "<p class=\"note\">%llu records were too long for the writer to write "
			"(<span class=\"mono\">{\"truncated\":true}</span>).</p>\n",
			(unsigned long long)a->truncated);
	if (a->read.partial_bytes)
		fputs("<p class=\"note\">The last line had no newline (still being written): not read.</p>\n", out);
	if (cb_agg_overflow(a))
		fprintf(out, "<p class=\"note\">%llu records not counted: more than %d distinct keys in a table.</p>\n",
			(unsigned long long)cb_agg_overflow(a), CB_AGG_MAX_KEYS);
}

static void td(FILE *out, const char *cls, const char *s)
{
	fprintf(out, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	esc(out, s);
	fputs("</td>", out);
}

static void td_num(FILE *out, unsigned long long n)
{
	fprintf(out, "<td class=\"num\">%llu</td>", n);
}

static void syscalls(FILE *out, const struct cb_agg *a)
{
	fprintf(out, "<section><h2>Syscalls<span class=\"count\">%zu</span></h2>\n"
		"<table class=\"sortable\"><thead><tr><th>syscall</th><th>ABI</th><th class=\"num\">calls</th>"
		"<th class=\"num\">refused</th></tr></thead><tbody>\n", a->sys.n);
	for (size_t i = 0; i < a->sys.n; i++) {
		const struct cb_agg_sys *s = cb_map_at(&a->sys, i);
		fputs("<tr>", out);
		td(out, "mono", s->name);
		td(out, NULL, s->arch);
		td_num(out, s->n);
		td_num(out, s->denied);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

static void result_cell(FILE *out, const struct cb_agg_ioctl *e)
{
	char res[64];
	cb_fmt_result(res, sizeof(res), e);
	const char *cls = e->denied ? "ref" : e->failed || !e->seen ? "err" : "ok";
	fprintf(out, "<td><span class=\"tag %s\">", cls);
	esc(out, res);
	fputs("</span></td>", out);
}

static void ioctls(FILE *out, const struct cb_agg *a)
{
	fprintf(out, "<section><h2>ioctls by device and request<span class=\"count\">%zu</span></h2>\n"
		"<table class=\"sortable\"><thead><tr><th>device</th><th>ABI</th><th>request</th><th>name</th>"
		"<th>dir</th><th class=\"num\">size</th><th class=\"num\">calls</th><th>first seen</th>"
		"<th>result</th></tr></thead><tbody>\n", a->ioctl.n);
	for (size_t i = 0; i < a->ioctl.n; i++) {
		const struct cb_agg_ioctl *e = cb_map_at(&a->ioctl, i);
		bool unk = cb_agg_ioctl_unknown(e);
		char dev[600], req[16], first[24];
		cb_fmt_device(dev, sizeof(dev), e);
		snprintf(req, sizeof(req), "0x%x", e->req);
		cb_fmt_clock(first, sizeof(first), e->first_t);
		fprintf(out, "<tr%s>", unk ? " class=\"unknown\"" : "");
		td(out, "mono", dev);
		td(out, NULL, e->arch);
		fprintf(out, "<td class=\"mono\" data-v=\"%u\">%s</td>", e->req, req);
		if (unk) {
			fputs("<td><span class=\"tag unk\">unknown</span> ", out);
			if (e->name)
				esc(out, e->name);
			fputs("</td>", out);
		} else {
			td(out, "mono", e->name);
		}
		td(out, NULL, cb_explain_dir(e->dir));
		td_num(out, e->size);
		td_num(out, e->n);
		td(out, "mono", first);
		result_cell(out, e);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

static void explain_item(void *ctx, const char *label, const char *text)
{
	FILE *out = ctx;
	fputs("<dt>", out);
	esc(out, label);
	fputs("</dt><dd>", out);
	/* The sketch is long: folded, so that the cards stay a screen's glance. */
	bool code = !strcmp(label, "abi gen") && strchr(text, '\n') && strstr(text, "compatbox abi gen");
	fputs(code ? "<details><summary>a header and the <span class=\"mono\">compatbox abi gen</span> "
		     "command to start a descriptor from</summary><pre>" : "", out);
	esc(out, text);
	fputs(code ? "</pre></details>" : "", out);
	fputs("</dd>\n", out);
}

static void unknown(FILE *out, const struct cb_agg *a)
{
	size_t n = 0;
	for (size_t i = 0; i < a->ioctl.n; i++)
		n += cb_agg_ioctl_unknown(cb_map_at(&a->ioctl, i));
	fprintf(out, "<section><h2>Unknown ioctls: what the trail says of them<span class=\"count\">%zu</span></h2>\n", n);
	if (!n)
		fputs("<p class=\"muted\">None: every request the program made has a descriptor.</p>\n", out);
	for (size_t i = 0; i < a->ioctl.n; i++) {
		const struct cb_agg_ioctl *e = cb_map_at(&a->ioctl, i);
		if (!cb_agg_ioctl_unknown(e))
			continue;
		char dev[600], first[24];
		cb_fmt_device(dev, sizeof(dev), e);
		cb_fmt_clock(first, sizeof(first), e->first_t);
		fprintf(out, "<div class=\"ioctl\"><h3><span class=\"mono\">0x%08x</span> ", e->req);
		if (e->name) {
			esc(out, e->name);
			fputc(' ', out);
		}
		fputs("<span class=\"muted\">on</span> <span class=\"mono\">", out);
		esc(out, dev);
		fputs("</span> <span class=\"muted\">&middot; ", out);
		esc(out, e->arch);
		fprintf(out, " &middot; %llu call%s &middot; first %s</span></h3>\n<dl>\n",
			(unsigned long long)e->n, e->n == 1 ? "" : "s", first);
		cb_explain_ioctl(e, explain_item, out);
		fputs("</dl></div>\n", out);
	}
	fputs("</section>\n", out);
}

static void refused(FILE *out, const struct cb_agg *a)
{
	fprintf(out, "<section><h2>Refused calls<span class=\"count\">%zu</span></h2>\n", a->denied.n);
	if (!a->denied.n) {
		fputs("<p class=\"muted\">None: the policy refused nothing.</p></section>\n", out);
		return;
	}
	fputs("<table class=\"sortable\"><thead><tr><th>syscall</th><th>ABI</th><th>what</th><th>rule</th>"
	      "<th>errno</th><th class=\"num\">calls</th><th>first seen</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < a->denied.n; i++) {
		const struct cb_agg_denied *d = cb_map_at(&a->denied, i);
		char first[24];
		cb_fmt_clock(first, sizeof(first), d->first_t);
		fputs("<tr>", out);
		td(out, "mono", d->sys);
		td(out, NULL, d->arch);
		td(out, "mono", d->what);
		td(out, "mono", d->rule);
		td(out, "mono", d->err);
		td_num(out, d->n);
		td(out, "mono", first);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

struct tree_out {
	FILE *out;
	int depth; /* of the last item written; -1 before the first */
};

static void tree_item(void *ctx, const struct cb_agg_proc *p, int depth)
{
	struct tree_out *t = ctx;
	if (depth > t->depth) {
		for (int d = t->depth; d < depth; d++)
			fputs(d < 0 ? "<ul class=\"tree\">\n" : "<ul>\n", t->out);
	} else {
		fputs("</li>\n", t->out);
		for (int d = t->depth; d > depth; d--)
			fputs("</ul></li>\n", t->out);
	}
	t->depth = depth;
	char first[24];
	cb_fmt_clock(first, sizeof(first), p->first_t);
	fprintf(t->out, "<li><span class=\"pid\">%lld</span> ", (long long)p->pid);
	esc(t->out, p->comm ? p->comm : "?");
	fputs(" <span class=\"mono muted\">", t->out);
	esc(t->out, p->exe ? p->exe : "");
	fprintf(t->out, "</span> <span class=\"muted\">&middot; %llu thread%s &middot; %llu call%s &middot; from %s",
		(unsigned long long)p->threads, p->threads == 1 ? "" : "s",
		(unsigned long long)p->calls, p->calls == 1 ? "" : "s", first);
	if (p->ppid >= 0 && depth == 0)
		fprintf(t->out, " &middot; parent %lld", (long long)p->ppid);
	if (p->execs)
		fprintf(t->out, " &middot; %llu execve", (unsigned long long)p->execs);
	fputs("</span>", t->out);
}

static void processes(FILE *out, const struct cb_agg *a)
{
	fprintf(out, "<section><h2>Processes<span class=\"count\">%zu</span></h2>\n", a->proc.n);
	struct tree_out t = { out, -1 };
	cb_fmt_tree(a, tree_item, &t);
	if (t.depth >= 0) {
		fputs("</li>\n", out);
		for (int d = t.depth; d > 0; d--)
			fputs("</ul></li>\n", out);
		fputs("</ul>\n", out);
	} else {
		fputs("<p class=\"muted\">No process records.</p>\n", out);
	}
	fputs("</section>\n", out);
}

void cb_report_html(FILE *out, const struct cb_agg *a, const char *trail)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>compatbox report: ", out);
	esc(out, a->argv_line ? a->argv_line : trail);
	fputs("</title>\n", out);
	fputs(style, out);
	fputs("</head><body>\n", out);
	summary(out, a, trail);
	unknown(out, a);
	ioctls(out, a);
	refused(out, a);
	fputs("<div class=\"two\">\n", out);
	syscalls(out, a);
	processes(out, a);
	fputs("</div>\n", out);
	fputs("<p class=\"note\">Written by compatbox report. Click a column header to sort.</p>\n</main>\n", out);
	fputs(script, out);
	fputs("</body></html>\n", out);
}
