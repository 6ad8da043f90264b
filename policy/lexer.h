/* The policy language's tokens, each with the line and column it starts
 * at, so that every parse error can point at what it did not expect. */
#ifndef CB_LEXER_H
#define CB_LEXER_H

#include <stddef.h>
#include <stdint.h>

enum cb_tok_kind {
	CB_TK_EOF,
	CB_TK_NEWLINE,
	CB_TK_WORD,   /* allow, read, TIOCSTI, @module, arg0, x86_64 */
	CB_TK_NUMBER, /* 42, 0x5412, 0o755, -1 */
	CB_TK_STRING, /* "text" (no escapes but \" and \\) */
	CB_TK_CHAR,   /* 'V' */
	CB_TK_PATH,   /* /dev/tty* : starts with '/', runs to a blank */
	CB_TK_OP,     /* == != < <= > >= & && | , [ ] : */
	CB_TK_ERROR,  /* text says what is wrong */
};

struct cb_tok {
	enum cb_tok_kind kind;
	const char *text; /* into the source, not NUL-terminated */
	size_t len;
	int line, col;
	uint64_t num;     /* CB_TK_NUMBER, CB_TK_CHAR */
	const char *why;  /* CB_TK_ERROR */
};

struct cb_lex {
	const char *src;
	size_t pos;
	int line, col;
};

void cb_lex_init(struct cb_lex *lx, const char *src);
/* The next token. A comment runs from '#' to the end of the line. */
struct cb_tok cb_lex_next(struct cb_lex *lx);
/* Whether T is the word or operator S. */
int cb_tok_is(const struct cb_tok *t, const char *s);

#endif
