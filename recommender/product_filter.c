/* Category and gender filters over the rows of a vector matrix (see product_filter.h). */
#include "recommender/product_filter.h"

#include <stdlib.h>

#include "recommender/neighbor_store.h"

int product_filter_load(product_filter *f, catalog *cat, const vector_matrix *mat, char *err, size_t errlen)
{
    return store_categories(cat, mat, &f->offsets, &f->cats, &f->genders, err, errlen);
}

static int shares_category(const product_filter *f, long a, long b)
{
    for (long i = f->offsets[a]; i < f->offsets[a + 1]; i++)
        for (long j = f->offsets[b]; j < f->offsets[b + 1]; j++)
            if (f->cats[i] == f->cats[j])
                return 1;
    return 0;
}

int product_filter_accept(void *filter, long row)
{
    const product_filter *f = filter;
    if (f->gender && !(f->genders[row] & f->gender))
        return 0;
    if (f->category == FILTER_ANY_CATEGORY || f->query_row < 0)
        return 1;
    return shares_category(f, f->query_row, row) == (f->category == FILTER_SAME_CATEGORY);
}

void product_filter_free(product_filter *f)
{
    free(f->offsets);
    free(f->cats);
    free(f->genders);
    f->offsets = NULL;
    f->cats = NULL;
    f->genders = NULL;
}
