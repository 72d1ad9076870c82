/* MMR re-ranking of a duplicate-free candidate pool (see diversify.h). */
#include "recommender/diversify.h"

#include <math.h>
#include <stdlib.h>

#include "recommender/vector_blob.h"

int diversify_mmr(const vector_matrix *mat, const float *query, const neighbor *pool, int pool_count,
                  double lambda, int k, neighbor *out)
{
    if (k > pool_count)
        k = pool_count;
    if (k <= 0)
        return 0;
    double *relevance = malloc((size_t)pool_count * sizeof *relevance);
    double *redundancy = malloc((size_t)pool_count * sizeof *redundancy);
    char *picked = calloc((size_t)pool_count, 1);
    if (!relevance || !redundancy || !picked) {
        free(relevance);
        free(redundancy);
        free(picked);
        return -1;
    }
    for (int i = 0; i < pool_count; i++) {
        relevance[i] = vector_cosine(query, vector_matrix_row(mat, pool[i].index), mat->dim);
        redundancy[i] = -INFINITY;
    }
    for (int round = 0; round < k; round++) {
        int best = 0;
        double best_value = -INFINITY;
        for (int i = pool_count - 1; i >= 0; i--) {
            double penalty = round == 0 ? 0 : redundancy[i];
            double value = lambda * relevance[i] - (1 - lambda) * penalty;
            if (!picked[i] && value >= best_value) {
                best = i;
                best_value = value;
            }
        }
        picked[best] = 1;
        out[round] = pool[best];
        const float *chosen = vector_matrix_row(mat, pool[best].index);
        for (int i = 0; i < pool_count; i++) {
            if (picked[i])
                continue;
            double sim = vector_cosine(vector_matrix_row(mat, pool[i].index), chosen, mat->dim);
            if (sim > redundancy[i])
                redundancy[i] = sim;
        }
    }
    free(relevance);
    free(redundancy);
    free(picked);
    return k;
}
