/* The optional result filters of a query: same or other style category as the query product,
 * and gender (a product found in a men's or women's category), from product_categories.
 *
 * Manual: product_filter_load() reads the categories of every matrix row (free with
 * product_filter_free); product_filter_accept() is a neighbor_rules.accept callback.  A filter
 * with neither same/other nor gender set accepts everything.  Returns 0 or -1 + err. */
#ifndef SOLEMATE_PRODUCT_FILTER_H
#define SOLEMATE_PRODUCT_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "db/catalog.h"
#include "recommender/vector_matrix.h"

typedef enum { FILTER_ANY_CATEGORY = 0, FILTER_SAME_CATEGORY, FILTER_OTHER_CATEGORY } filter_category;

typedef struct {
    long *offsets;      /* row i's categories: cats[offsets[i] .. offsets[i+1]) */
    int64_t *cats;
    int *genders;       /* bit 1 men's, bit 2 women's */
    filter_category category;
    int gender;         /* 0 any, 1 men's, 2 women's */
    long query_row;     /* for same/other category */
} product_filter;

int product_filter_load(product_filter *f, catalog *cat, const vector_matrix *mat, char *err, size_t errlen);
int product_filter_accept(void *filter, long row);
void product_filter_free(product_filter *f);

#endif
