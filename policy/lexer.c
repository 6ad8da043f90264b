#include "lexer.h"

#include <ctype.h>
#include <string.h>

void cb_lex_init(struct cb_lex *lx, const char *src)
{
	*lx = (struct cb_lex){ .src = src, .line = 1, .col = 1 };
}

static char peek(const struct cb_lex *lx, size_t ahead)
{
	for (size_t i = 0; i < ahead; i++)
		if (!lx->src[lx->pos + i])
			return 0;
	return lx->src[lx->pos + ahead];
}

static void advance(struct cb_lex *lx, size_t n)
{
	for (size_t i = 0; i < n && lx->src[lx->pos]; i++) {
		if (lx->src[lx->pos] == '\n') {
			lx->line++;
			lx->col = 1;
		} else {
			lx->col++;
		}
		lx->pos++;
	}
}

static int word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '@' || c == '-' || c == '.';
}

static struct cb_tok error_tok(struct cb_tok t, const char *why)
{
	t.kind = CB_TK_ERROR;
	t.why = why;
	return t;
}

/* Digits of BASE; 0 digits or an overflow is an error. */
static struct cb_tok number(struct cb_lex *lx, struct cb_tok t)
{
	size_t start = lx->pos;
	int neg = 0;
	if (peek(lx, 0) == '-') {
		neg = 1;
		advance(lx, 1);
	}
	unsigned base = 10;
	if (peek(lx, 0) == '0' && (peek(lx, 1) == 'x' || peek(lx, 1) == 'X')) {
		base = 16;
		advance(lx, 2);
	} else if (peek(lx, 0) == '0' && (peek(lx, 1) == 'o' || peek(lx, 1) == 'O')) {
		base = 8;
		advance(lx, 2);
	}
	uint64_t v = 0;
	int digits = 0, overflow = 0;
	for (;;) {
		char c = peek(lx, 0);
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			overflow = 1;
		v = v * base + d;
		digits++;
		advance(lx, 1);
	}
	t.text = lx->src + start;
	t.len = lx->pos - start;
	if (!digits)
		return error_tok(t, "a number needs digits");
	if (word_char(peek(lx, 0))) {
		while (word_char(peek(lx, 0)))
			advance(lx, 1);
		t.len = lx->pos - start;
		return error_tok(t, "not a number (decimal, 0x hexadecimal or 0o octal)");
	}
	if (overflow)
		return error_tok(t, "number does not fit in 64 bits");
	t.kind = CB_TK_NUMBER;
	t.num = neg ? (uint64_t)-(int64_t)v : v;
	return t;
}

struct cb_tok cb_lex_next(struct cb_lex *lx)
{
	for (;;) {
		char c = peek(lx, 0);
		if (c == ' ' || c == '\t' || c == '\r') {
			advance(lx, 1);
		} else if (c == '\\' && peek(lx, 1) == '\n') {
			advance(lx, 2); /* a line continued */
		} else if (c == '#') {
			while (peek(lx, 0) && peek(lx, 0) != '\n')
				advance(lx, 1);
		} else {
			break;
		}
	}
	struct cb_tok t = { .text = lx->src + lx->pos, .line = lx->line, .col = lx->col };
	char c = peek(lx, 0);
	if (!c) {
		t.kind = CB_TK_EOF;
		return t;
	}
	if (c == '\n') {
		advance(lx, 1);
		t.kind = CB_TK_NEWLINE;
		t.len = 1;
		return t;
	}
	if (isdigit((unsigned char)c) || (c == '-' && isdigit((unsigned char)peek(lx, 1))))
		return number(lx, t);
	if (word_char(c)) {
		while (word_char(peek(lx, 0)))
			advance(lx, 1);
		t.kind = CB_TK_WORD;
		t.len = (size_t)(lx->src + lx->pos - t.text);
		return t;
	}
	if (c == '/') {
		/* A path glob: up to a blank, a comma or a comment. */
		while (peek(lx, 0) && !strchr(" \t\r\n,#", peek(lx, 0)))
			advance(lx, 1);
		t.kind = CB_TK_PATH;
		t.len = (size_t)(lx->src + lx->pos - t.text);
		return t;
	}
	if (c == '"') {
		advance(lx, 1);
		while (peek(lx, 0) && peek(lx, 0) != '"' && peek(lx, 0) != '\n')
			advance(lx, peek(lx, 0) == '\\' && peek(lx, 1) && peek(lx, 1) != '\n' ? 2 : 1);
		if (peek(lx, 0) != '"') {
			t.len = (size_t)(lx->src + lx->pos - t.text);
			return error_tok(t, "string not closed before the end of the line");
		}
		advance(lx, 1);
		t.kind = CB_TK_STRING;
		t.text++; /* without the quotes */
		t.len = (size_t)(lx->src + lx->pos - t.text) - 1;
		return t;
	}
	if (c == '\'') {
		if (peek(lx, 1) && peek(lx, 1) != '\n' && peek(lx, 2) == '\'') {
			t.kind = CB_TK_CHAR;
			t.num = (unsigned char)peek(lx, 1);
			t.len = 3;
			advance(lx, 3);
			return t;
		}
		t.len = 1;
		advance(lx, 1);
		return error_tok(t, "a character is one letter in single quotes, like 'V'");
	}
	static const char *const ops[] = { "==", "!=", "<=", ">=", "&&", "<", ">", "&", "|",
					   ",", "[", "]", ":" };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i]);
		if (strncmp(lx->src + lx->pos, ops[i], n) == 0) {
			t.kind = CB_TK_OP;
			t.len = n;
			advance(lx, n);
			return t;
		}
	}
	t.len = 1;
	advance(lx, 1);
	return error_tok(t, "unexpected character");
}

int cb_tok_is(const struct cb_tok *t, const char *s)
{
	return (t->kind == CB_TK_WORD || t->kind == CB_TK_OP) && strlen(s) == t->len &&
	       memcmp(t->text, s, t->len) == 0;
}
