#include "map.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h ^ h >> 29;
}

void cb_map_init(struct cb_map *m, size_t esize, size_t max)
{
	*m = (struct cb_map){ .esize = esize, .max = max };
}

void cb_map_free(struct cb_map *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->keys[i]);
	free(m->slots);
	free(m->hashes);
	free(m->keys);
	free(m->lens);
	free(m->entries);
	cb_map_init(m, m->esize, m->max);
}

static int grow(struct cb_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	uint32_t *slots = calloc(ncap, sizeof(*slots));
	uint64_t *hashes = realloc(m->hashes, ncap / 2 * sizeof(*hashes));
	char **keys = realloc(m->keys, ncap / 2 * sizeof(*keys));
	size_t *lens = realloc(m->lens, ncap / 2 * sizeof(*lens));
	if (lens)
		m->lens = lens;
	char *entries = realloc(m->entries, ncap / 2 * m->esize);
	if (hashes)
		m->hashes = hashes;
	if (keys)
		m->keys = keys;
	if (entries)
		m->entries = entries;
	if (!slots || !hashes || !keys || !lens || !entries) {
		free(slots);
		return -1;
	}
	for (size_t i = 0; i < m->n; i++) {
		size_t s = m->hashes[i] & (ncap - 1);
		while (slots[s])
			s = (s + 1) & (ncap - 1);
		slots[s] = (uint32_t)i + 1;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = ncap;
	return 0;
}

void *cb_map_get(struct cb_map *m, const char *key, size_t len)
{
	uint64_t h = hash(key, len);
	if (m->cap) {
		for (size_t s = h & (m->cap - 1); m->slots[s]; s = (s + 1) & (m->cap - 1)) {
			size_t i = m->slots[s] - 1;
			if (m->hashes[i] == h && m->lens[i] == len && !memcmp(m->keys[i], key, len))
				return m->entries + i * m->esize;
		}
	}
	if (m->n >= m->max) {
		m->overflow++;
		return NULL;
	}
	/* At most half full: probes stay short. */
	if (m->n + 1 > m->cap / 2 && grow(m))
		return NULL;
	char *k = malloc(len + 1);
	if (!k)
		return NULL;
	memcpy(k, key, len);
	k[len] = 0;
	size_t s = h & (m->cap - 1);
	while (m->slots[s])
		s = (s + 1) & (m->cap - 1);
	size_t i = m->n++;
	m->slots[s] = (uint32_t)i + 1;
	m->hashes[i] = h;
	m->keys[i] = k;
	m->lens[i] = len;
	void *e = m->entries + i * m->esize;
	memset(e, 0, m->esize);
	return e;
}

void *cb_map_at(const struct cb_map *m, size_t i)
{
	return m->entries + i * m->esize;
}

const char *cb_map_key(const struct cb_map *m, size_t i)
{
	return m->keys[i];
}

void cb_map_sort(struct cb_map *m, int (*cmp)(const void *, const void *))
{
	if (m->n)
		qsort(m->entries, m->n, m->esize, cmp);
	/* Keys and slots no longer match the entries: no more lookups. */
	free(m->slots);
	m->slots = NULL;
	m->cap = 0;
	m->max = m->n;
}

void cb_strings_init(struct cb_strings *s, size_t max)
{
	cb_map_init(&s->m, sizeof(const char *), max);
}

void cb_strings_free(struct cb_strings *s)
{
	cb_map_free(&s->m);
}

const char *cb_intern(struct cb_strings *s, const char *str)
{
	if (!str)
		return NULL;
	size_t len = strlen(str);
	const char **e = cb_map_get(&s->m, str, len);
	if (!e)
		return "?";
	if (!*e)
		*e = s->m.keys[((char *)e - s->m.entries) / s->m.esize];
	return *e;
}
