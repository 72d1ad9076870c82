/* Single queries and the all-pairs build on top of knn (candidates), neighbor_select (duplicate
 * collapse, filter, exact scores) and diversify (MMR). */
#include "recommender/similar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recommender/diversify.h"

#define MMR_POOL_MIN 50 /* candidates MMR chooses from, at least, when diversifying */

/* How many knn hits to ask for when want neighbours must survive duplicate collapse. */
static int first_request(int want, long others)
{
    long m = 2L * want + 16;
    return (int)(m < others ? m : others);
}

int similar_query(const vector_matrix *mat, const float *query, long query_index,
                  const char *query_sha, const similar_options *opts, neighbor *out, char *err,
                  size_t errlen)
{
    long others = mat->n - (query_index >= 0 ? 1 : 0);
    int want = opts->k;
    if (opts->diverse >= 0 && want < 5 * opts->k)
        want = 5 * opts->k < MMR_POOL_MIN ? MMR_POOL_MIN : 5 * opts->k;
    if (others <= 0 || opts->k <= 0)
        return 0;
    float *q = malloc((size_t)mat->dim * sizeof *q);
    neighbor *chosen = malloc((size_t)want * sizeof *chosen);
    knn_hit *hits = NULL;
    int result = -1;
    if (!q || !chosen) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    memcpy(q, query, (size_t)mat->dim * sizeof *q);
    if (mat->normalized && query_index < 0)
        vector_normalize(q, mat->dim);
    int m = first_request(want, others), count;
    for (;;) {
        knn_hit *grown = realloc(hits, (size_t)m * sizeof *grown);
        if (!grown) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        hits = grown;
        if (knn_query(mat, opts->rules.metric, q, query_index, m, hits, err, errlen))
            goto done;
        count = neighbor_select(mat, q, query_index, query_sha, hits, m, &opts->rules, want, chosen);
        if (count != NEIGHBOR_NEED_MORE)
            break;
        m = 2L * m < others ? 2 * m : (int)others;
    }
    if (count < 0) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (opts->diverse >= 0) {
        result = diversify_mmr(mat, q, chosen, count, opts->diverse, opts->k, out);
        if (result < 0)
            snprintf(err, errlen, "out of memory");
    } else {
        result = count < opts->k ? count : opts->k;
        memcpy(out, chosen, (size_t)result * sizeof *out);
    }
done:
    free(q);
    free(chosen);
    free(hits);
    return result;
}

int similar_all(const vector_matrix *mat, const similar_options *opts, store_neighbor **rows,
                long *count, char *err, size_t errlen)
{
    *rows = NULL;
    *count = 0;
    int k = opts->k, m = first_request(k, mat->n - 1);
    if (m <= 0 || k <= 0)
        return 0;
    knn_hit *hits = malloc((size_t)mat->n * (size_t)m * sizeof *hits);
    neighbor *chosen = malloc((size_t)k * sizeof *chosen);
    *rows = malloc((size_t)mat->n * (size_t)k * sizeof **rows);
    int rc = -1;
    if (!hits || !chosen || !*rows) {
        snprintf(err, errlen, "out of memory for %ld x %d neighbours", mat->n, m);
        goto done;
    }
    if (knn_all_pairs(mat, opts->rules.metric, m, 0, hits, err, errlen))
        goto done;
    similar_options plain = *opts;
    plain.diverse = -1;
    for (long i = 0; i < mat->n; i++) {
        const float *row = vector_matrix_row(mat, i);
        int got = neighbor_select(mat, row, i, mat->sha[i], hits + i * m, m, &opts->rules, k, chosen);
        if (got == NEIGHBOR_NEED_MORE)
            got = similar_query(mat, row, i, mat->sha[i], &plain, chosen, err, errlen);
        else if (got < 0)
            snprintf(err, errlen, "out of memory");
        if (got < 0)
            goto done;
        for (int r = 0; r < got; r++)
            (*rows)[(*count)++] = (store_neighbor){mat->ids[i], r + 1, mat->ids[chosen[r].index],
                                                   chosen[r].score};
    }
    rc = 0;
done:
    free(hits);
    free(chosen);
    if (rc) {
        free(*rows);
        *rows = NULL;
        *count = 0;
    }
    return rc;
}
