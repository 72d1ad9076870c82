/* What the crawler reads from the shop's three page types, driven entirely by the profile's
 * selectors: list pages (codimap ids, paging), codimap detail pages (goods slots in document
 * order) and goods pages (category facts for the shoe rules, product image, name).
 *
 * Manual: each extract_*() parses bytes (any HTML, however broken) and fills caller-owned
 * structures; arrays are malloc'ed and freed by the caller with free().  They return 0, or -1
 * with err filled when the bytes are no HTML document at all.  Missing fields are empty
 * strings, never errors: the crawl decides what a missing field means.  Thread-safe (no shared
 * state) as long as each thread uses its own buffers. */
#ifndef SOLEMATE_EXTRACT_H
#define SOLEMATE_EXTRACT_H

#include <stddef.h>

#include "crawler/profile.h"
#include "crawler/url_normalize.h"

#define EXTRACT_ID_MAX 32
#define EXTRACT_TEXT_MAX 256

typedef struct {
    char id[EXTRACT_ID_MAX];
    char title[EXTRACT_TEXT_MAX];
} list_item;

typedef struct {
    list_item *items;
    size_t n;
    long total_pages; /* -1 when the page does not say */
} list_page;

typedef struct {
    char goods_no[EXTRACT_ID_MAX];
} detail_slot;

typedef struct {
    char title[EXTRACT_TEXT_MAX];
    detail_slot *slots; /* document order; slots without a goods number are left out */
    size_t n;
} detail_page;

typedef struct {
    char code[16];                  /* item category code from the links ("" if none) */
    char name[EXTRACT_TEXT_MAX];    /* first category link text */
    char sub_name[EXTRACT_TEXT_MAX];
    char state_path[EXTRACT_TEXT_MAX]; /* state JSON category path */
    char state_kind[64];
    char title[EXTRACT_TEXT_MAX];   /* product name */
    char brand[EXTRACT_TEXT_MAX];
    char image[URL_MAX];            /* the product photo, resolved and canonical ("" if none) */
} goods_page;

int extract_list(const site_profile *p, const char *html, size_t len, const char *url,
                 list_page *out, char *err, size_t errlen);
int extract_detail(const site_profile *p, const char *html, size_t len, const char *url,
                   detail_page *out, char *err, size_t errlen);
int extract_goods(const site_profile *p, const char *html, size_t len, const char *url,
                  goods_page *out, char *err, size_t errlen);

#endif
