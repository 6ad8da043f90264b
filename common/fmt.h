/* Decimal numbers written without printf, for what is formatted once per
 * trapped call (the audit trail's records). */
#ifndef CB_FMT_H
#define CB_FMT_H

#include <stdint.h>

/* V in decimal ending at END (nothing after it, no NUL); returns where it
 * starts: at most 20 bytes before END. */
static inline char *cb_fmt_udec(char *end, uint64_t v)
{
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

/* As cb_fmt_udec, with a '-' for a negative V: at most 20 bytes. */
static inline char *cb_fmt_dec(char *end, int64_t v)
{
	char *p = cb_fmt_udec(end, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
	if (v < 0)
		*--p = '-';
	return p;
}

#endif
