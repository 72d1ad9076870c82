/* Duplicate collapse, filtering and exact rescoring of a query's candidate neighbours. */
#include "recommender/neighbor_select.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "recommender/vector_blob.h"

/* Relative slack between a float sgemm key and an exact score: far above float rounding of the
 * dot products, far below any difference that matters for ranking. */
#define KEY_MARGIN 1e-4

/* Cosine of two matrix rows from a float dot product and the stored squared norms. */
static double row_cosine(const vector_matrix *mat, long a, long b)
{
    double den = sqrt((double)mat->sqnorm[a] * mat->sqnorm[b]);
    if (den == 0)
        return 0;
    float dot = cblas_sdot((int)mat->dim, vector_matrix_row(mat, a), 1, vector_matrix_row(mat, b), 1);
    return dot / den;
}

/* Cosine between the query and row c from a float dot product (a threshold test only). */
static double row_query_cosine(const vector_matrix *mat, const float *query, double query_sqnorm, long c)
{
    double den = sqrt(query_sqnorm * mat->sqnorm[c]);
    if (den == 0)
        return 0;
    return cblas_sdot((int)mat->dim, query, 1, vector_matrix_row(mat, c), 1) / den;
}

static double angle(double cosine) { return acos(cosine > 1 ? 1 : cosine < -1 ? -1 : cosine); }

/* The hit's key is certainly worse than the exact score s, beyond float rounding. */
static int clearly_worse(const vector_matrix *mat, knn_metric metric, double query_sqnorm,
                         const knn_hit *hit, double s)
{
    if (metric == KNN_COSINE)
        return hit->key < s - KEY_MARGIN;
    double d2 = query_sqnorm - hit->key;
    return d2 - s * s > KEY_MARGIN * (query_sqnorm + mat->sqnorm[hit->index]);
}

int neighbor_select(const vector_matrix *mat, const float *query, long query_index,
                    const char *query_sha, const knn_hit *hits, int m_hits,
                    const neighbor_rules *rules, int want, neighbor *out)
{
    int near = rules->near_duplicate <= 1.0;
    double max_angle = near ? angle(rules->near_duplicate) + 1e-6 : 0;
    double query_sqnorm = vector_sqnorm(query, mat->dim);
    neighbor *cand = malloc((size_t)(m_hits > 0 ? m_hits : 1) * sizeof *cand);
    double *angles = malloc((size_t)(m_hits > 0 ? m_hits : 1) * sizeof *angles);
    if (!cand || !angles) {
        free(cand);
        free(angles);
        return -1;
    }
    /* exact scores for every eligible hit, then greedy collapse in exact order */
    int ncand = 0, seen = 0;
    for (int h = 0; h < m_hits && hits[h].index >= 0; h++) {
        long c = hits[h].index;
        seen++;
        if (c == query_index || (query_sha && query_sha[0] && strcmp(query_sha, mat->sha[c]) == 0))
            continue;
        if (rules->accept && !rules->accept(rules->accept_ctx, c))
            continue;
        const float *row = vector_matrix_row(mat, c);
        cand[ncand].index = c;
        cand[ncand++].score = rules->metric == KNN_COSINE ? vector_cosine(query, row, mat->dim)
                                                          : vector_l2(query, row, mat->dim);
    }
    neighbor_sort(cand, ncand, rules->metric);
    int chosen = 0;
    for (int i = 0; i < ncand && chosen < want; i++) {
        long c = cand[i].index;
        double cq = rules->metric == KNN_COSINE ? cand[i].score : row_query_cosine(mat, query, query_sqnorm, c);
        if (near && cq >= rules->near_duplicate)
            continue;
        double ac = angle(cq);
        int dup = 0;
        for (int a = 0; a < chosen && !dup; a++) {
            long other = out[a].index;
            /* on the sphere angle(a, c) >= |angle(q, a) - angle(q, c)|: most pairs need no dot */
            dup = strcmp(mat->sha[other], mat->sha[c]) == 0 ||
                  (near && fabs(angles[a] - ac) <= max_angle &&
                   row_cosine(mat, other, c) >= rules->near_duplicate);
        }
        if (dup)
            continue;
        angles[chosen] = ac;
        out[chosen++] = cand[i];
    }
    free(cand);
    free(angles);
    /* rows never seen have keys at or below the last hit's: they cannot beat the chosen ones
     * unless that key is within rounding of the worst chosen score, or too few were chosen */
    long others = mat->n - (query_index >= 0 ? 1 : 0);
    if (seen < others && (chosen < want || !clearly_worse(mat, rules->metric, query_sqnorm,
                                                          &hits[seen - 1], out[chosen - 1].score)))
        return NEIGHBOR_NEED_MORE;
    return chosen;
}

/* Matrix rows are in product id order, so the lower index is the lower product id. */
static int higher_first(const void *pa, const void *pb)
{
    const neighbor *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static int lower_first(const void *pa, const void *pb)
{
    const neighbor *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

void neighbor_sort(neighbor *list, int count, knn_metric metric)
{
    qsort(list, (size_t)count, sizeof *list, metric == KNN_COSINE ? higher_first : lower_first);
}
