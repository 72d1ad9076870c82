/* All SQL of the crawler: categories, outfits, products, links, HTTP validators.  Every write
 * is an upsert that leaves an unchanged row untouched, so an unchanged re-crawl writes nothing.
 *
 * Manual: the caller owns transactions (catalog_begin/commit around one item); each function
 * returns 0, or -1 with err filled.  Ids come back through out parameters.  One thread. */
#ifndef SOLEMATE_CRAWL_STORE_H
#define SOLEMATE_CRAWL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "db/catalog.h"

int store_category(catalog *cat, const char *code, char gender, const char *name, int64_t *id,
                   char *err, size_t errlen);

int store_outfit(catalog *cat, const char *source, const char *shop_id, const char *title,
                 const char *url, int64_t *id, char *err, size_t errlen);

typedef struct {
    const char *source, *shop_id, *name, *brand, *url;
    const char *kind;          /* shoe | other | unknown | gone */
    const char *shop_category; /* NULL when unknown */
    const char *image_sha256;  /* NULL keeps the stored photo */
    const char *image_url;
} product_row;

int store_product(catalog *cat, const product_row *p, int64_t *id, char *err, size_t errlen);

/* Puts product at rank in category: other products holding that rank lose their link. */
int store_link(catalog *cat, int64_t product_id, int64_t category_id, int64_t outfit_id,
               int rank, char *err, size_t errlen);

/* Removes the category's links ranked above last_rank (a finished category). */
int store_trim_links(catalog *cat, int64_t category_id, int last_rank, char *err,
                     size_t errlen);

typedef struct {
    char etag[256], last_modified[128];
    char image_sha256[CATALOG_SHA256_HEX];
    int found;
    int has_body; /* a page body is stored */
} cache_entry;

/* Validators of url (found = 0 when the URL was never stored). */
int cache_lookup(catalog *cat, const char *url, cache_entry *out, char *err, size_t errlen);

/* Records a 200 photo for url (validators and the digest of the image row holding it; a
 * body kept for it before is dropped). */
int cache_store(catalog *cat, const char *url, const char *etag, const char *last_modified,
                int status, const char *image_sha256, char *err, size_t errlen);

/* Records a 200 response kept as its body: an HTML page, or a photo not yet decided (re-read
 * when a later crawl gets 304). */
int cache_store_page(catalog *cat, const char *url, const char *etag, const char *last_modified,
                     const char *body, size_t len, char *err, size_t errlen);

/* The stored body of url (malloc'ed, NUL-terminated; *body = NULL when none). */
int cache_page_body(catalog *cat, const char *url, char **body, size_t *len, char *err,
                    size_t errlen);

#endif
