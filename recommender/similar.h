/* One query against a loaded model: the k nearest different shoes for a catalog product (by its
 * matrix row) or for any vector (a new photo's feature), with duplicate collapse, an optional
 * filter and optional MMR diversification; and the all-pairs build of every product's list.
 *
 * Manual: the matrix must be normalised (vector_matrix_normalize) for cosine and as stored for
 * l2.  similar_query() writes up to opts->k neighbours to out (room for k) and returns how many,
 * or -1 with err (out of memory).  similar_all() computes every row's list with the blocked
 * all-pairs search; *rows (caller frees) gets product id, rank, neighbour id, score.  Reentrant. */
#ifndef SOLEMATE_SIMILAR_H
#define SOLEMATE_SIMILAR_H

#include <stddef.h>

#include "recommender/neighbor_select.h"
#include "recommender/neighbor_store.h"

typedef struct {
    neighbor_rules rules;  /* metric, near-duplicate threshold, filter */
    int k;
    double diverse;        /* MMR lambda in [0, 1]; < 0: plain ranking */
} similar_options;

/* query: a vector in the stored scale (normalised here for cosine); query_index: its row or -1;
 * query_sha: the query photo's digest or NULL. */
int similar_query(const vector_matrix *mat, const float *query, long query_index,
                  const char *query_sha, const similar_options *opts, neighbor *out, char *err,
                  size_t errlen);

int similar_all(const vector_matrix *mat, const similar_options *opts, store_neighbor **rows,
                long *count, char *err, size_t errlen);

#endif
