/* The crawl: for each profile category, list pages -> codimap pages -> goods pages -> the
 * largest product photo, counting distinct shoes in traversal order (fetching ahead
 * concurrently, deciding strictly in order) up to the per-category limit, writing each decided
 * goods in one transaction.
 *
 * Manual: fill crawl_options, call crawl_run(); it returns 0 when the run completed (faults
 * are recorded in the catalog, not errors), CRAWL_UNREACHABLE when not one list page could be
 * fetched, or -1 with err on a catalog error.  stats is filled in every case.  cat may be NULL
 * (dry run: nothing is written, nothing is read).  One thread. */
#ifndef SOLEMATE_CRAWL_H
#define SOLEMATE_CRAWL_H

#include <stdint.h>

#include "crawler/http_fetch.h"
#include "crawler/profile.h"
#include "db/catalog.h"

enum { CRAWL_UNREACHABLE = 1 };

typedef struct {
    const char *category;  /* only this code ("code" or "code:M"), NULL = all */
    int limit;             /* shoes per category, 0 = the profile's */
    fetch_options fetch;
} crawl_options;

typedef struct {
    long categories, outfits, goods_pages, shoes, links, images_new, images_unchanged, faults;
    long requests;
    long long bytes;
    double seconds;
} crawl_stats;

/* 1 when the profile has a category matching spec ("code" or "code:M|F"). */
int crawl_category_known(const site_profile *p, const char *spec);

int crawl_run(const site_profile *p, catalog *cat, int64_t run_id, const crawl_options *o,
              crawl_stats *stats, char *err, size_t errlen);

#endif
