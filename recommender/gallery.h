/* The static HTML gallery: for each query product its photo and, side by side, its top k for
 * every model x metric with scores, like the figures of the original study; plus the thumbnails.
 *
 * Manual: gallery_write() computes the lists with similar_query() (same rules as the CLI),
 * writes out_dir/index.html and out_dir/thumbs/<sha256>.jpg, and returns 0 or -1 with err.  A
 * photo that cannot be thumbnailed is shown as a text cell, never as a broken image; the page's
 * script marks every <img> after load (data-loaded="yes|no") and counts broken ones on <body
 * data-broken-images>, for browser checks.  *images receives the number of thumbnails written. */
#ifndef SOLEMATE_GALLERY_H
#define SOLEMATE_GALLERY_H

#include <stddef.h>
#include <stdint.h>

#include "db/catalog.h"
#include "recommender/knn.h"
#include "recommender/neighbor_store.h"

typedef struct {
    int k;
    double near_duplicate;
    const knn_metric *metrics;
    int nmetrics;
    const store_model *models;
    int nmodels;
    const char *out_dir;
} gallery_options;

int gallery_write(catalog *cat, const int64_t *queries, int nqueries, const gallery_options *opts, long *images,
                  char *err, size_t errlen);

#endif
