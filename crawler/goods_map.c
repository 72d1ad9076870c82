/* Open-addressing hash table (FNV-1a, linear probing, doubling at half full) of records keyed
 * by the string at their start. */
#include "crawler/goods_map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

void goods_map_init(goods_map *m, size_t record_size)
{
    memset(m, 0, sizeof *m);
    m->record_size = record_size;
}

static size_t probe(void **slots, size_t cap, const char *key)
{
    size_t i = (size_t)(hash(key) & (cap - 1));
    while (slots[i] && strcmp((const char *)slots[i], key))
        i = (i + 1) & (cap - 1);
    return i;
}

void *goods_map_find(const goods_map *m, const char *key)
{
    return m->cap ? m->slots[probe(m->slots, m->cap, key)] : NULL;
}

static int grow(goods_map *m)
{
    size_t cap = m->cap ? 2 * m->cap : 1024;
    void **slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i])
            slots[probe(slots, cap, (const char *)m->slots[i])] = m->slots[i];
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

void *goods_map_get(goods_map *m, const char *key, size_t key_size)
{
    if (strlen(key) >= key_size)
        return NULL;
    if ((m->n + 1) * 2 > m->cap && grow(m))
        return NULL;
    size_t i = probe(m->slots, m->cap, key);
    if (!m->slots[i]) {
        char *record = calloc(1, m->record_size);
        if (!record)
            return NULL;
        memcpy(record, key, strlen(key) + 1);
        m->slots[i] = record;
        m->n++;
    }
    return m->slots[i];
}

void goods_map_free(goods_map *m, void (*free_fn)(void *record))
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i]) {
            if (free_fn)
                free_fn(m->slots[i]);
            free(m->slots[i]);
        }
    free(m->slots);
    memset(m, 0, sizeof *m);
}
