/* Maximal-marginal-relevance re-ranking ("serendipity"): trades a little similarity to the query
 * for variety among the results.
 *
 * Manual: pool holds candidate neighbours best first (already free of duplicates); diversify_mmr()
 * picks k of them one at a time, each time the candidate maximising
 *   lambda * cos(query, c) - (1 - lambda) * max over picked p of cos(c, p)
 * (cosine whatever the ranking metric; ties go to the earlier pool entry) and writes them to out in
 * pick order with their original scores.  lambda = 1 keeps the relevance order.  Returns the
 * number written (min(k, pool_count)); -1 when out of memory.  Reentrant. */
#ifndef SOLEMATE_DIVERSIFY_H
#define SOLEMATE_DIVERSIFY_H

#include "recommender/neighbor_select.h"
#include "recommender/vector_matrix.h"

int diversify_mmr(const vector_matrix *mat, const float *query, const neighbor *pool, int pool_count,
                  double lambda, int k, neighbor *out);

#endif
