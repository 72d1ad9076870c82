/* A hash map from a shop's goods number to the crawler's per-run record of that goods, so
 * every goods page is fetched once per run whatever number of outfits and categories name it.
 *
 * Manual: goods_map_get(m, no) returns the record, creating a zeroed one (no copied in) when
 * absent; NULL only when out of memory.  Records stay at the same address until
 * goods_map_free(m, free_fn) hands each one to free_fn and frees it.  One thread. */
#ifndef SOLEMATE_GOODS_MAP_H
#define SOLEMATE_GOODS_MAP_H

#include <stddef.h>

typedef struct {
    void **slots; /* records; each starts with its key (char[]) */
    size_t cap, n, record_size;
} goods_map;

/* record_size >= key_size; the record's first key_size bytes hold the NUL-terminated key. */
void goods_map_init(goods_map *m, size_t record_size);
void *goods_map_get(goods_map *m, const char *key, size_t key_size);
void *goods_map_find(const goods_map *m, const char *key);
void goods_map_free(goods_map *m, void (*free_fn)(void *record));

#endif
