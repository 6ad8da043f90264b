/* A string-keyed hash map of fixed-size entries with a cap on their number,
 * and an interning arena for the strings entries keep: the aggregate's
 * memory grows with the distinct things a trail names, never with its
 * length. */
#ifndef CB_REPORT_MAP_H
#define CB_REPORT_MAP_H

#include <stddef.h>
#include <stdint.h>

struct cb_map {
	size_t esize, max;   /* entry size; most entries kept */
	size_t n, cap;       /* entries; slots (a power of two) */
	uint32_t *slots;     /* entry index + 1, 0 empty */
	uint64_t *hashes;    /* per entry */
	char **keys;         /* per entry (may hold NULs; NUL-terminated too) */
	size_t *lens;        /* per entry: its key's length */
	char *entries;       /* n * esize */
	uint64_t overflow;   /* lookups that found the map full */
};

void cb_map_init(struct cb_map *m, size_t esize, size_t max);
void cb_map_free(struct cb_map *m);
/* The entry for KEY (LEN bytes), zero-filled when new; NULL when the map
 * is full (counted in overflow) or out of memory. */
void *cb_map_get(struct cb_map *m, const char *key, size_t len);
/* Entry I (0 <= I < n) and its key. */
void *cb_map_at(const struct cb_map *m, size_t i);
const char *cb_map_key(const struct cb_map *m, size_t i);
/* Sort the entries with CMP; lookups may not follow. */
void cb_map_sort(struct cb_map *m, int (*cmp)(const void *, const void *));

/* An arena of interned strings: the same text is stored once. */
struct cb_strings {
	struct cb_map m;
};
void cb_strings_init(struct cb_strings *s, size_t max);
void cb_strings_free(struct cb_strings *s);
/* The interned copy of S (NULL stays NULL); "?" when the arena is full. */
const char *cb_intern(struct cb_strings *s, const char *str);

#endif
