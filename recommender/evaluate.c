/* precision@k and mAP over full rankings computed block by block with sgemm (see evaluate.h). */
#include "recommender/evaluate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVAL_BLOCK_ROWS 256

static int better_first(const void *pa, const void *pb)
{
    const knn_hit *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key > b->key ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

int evaluate_ranking(const vector_matrix *mat, char *const *labels, knn_metric metric, const int *ks, int nks,
                     double *precision, double *map, char *err, size_t errlen)
{
    long n = mat->n, block = n < EVAL_BLOCK_ROWS ? n : EVAL_BLOCK_ROWS;
    memset(precision, 0, (size_t)nks * sizeof *precision);
    *map = 0;
    if (n < 2)
        return 0;
    float *dots = malloc((size_t)block * (size_t)n * sizeof *dots);
    knn_hit *ranking = malloc((size_t)n * sizeof *ranking);
    if (!dots || !ranking) {
        free(dots);
        free(ranking);
        snprintf(err, errlen, "out of memory for %ld x %ld scores", block, n);
        return -1;
    }
    for (long start = 0; start < n; start += block) {
        long rows = n - start < block ? n - start : block;
        knn_block_dots(mat, start, rows, dots);
        for (long r = 0; r < rows; r++) {
            long q = start + r, count = 0;
            for (long j = 0; j < n; j++)
                if (j != q)
                    ranking[count++] = (knn_hit){j, knn_key(metric, dots[r * n + j], mat->sqnorm[j])};
            qsort(ranking, (size_t)count, sizeof *ranking, better_first);
            long hits = 0;
            double ap = 0;
            for (long i = 0; i < count; i++) {
                if (strcmp(labels[ranking[i].index], labels[q]) == 0) {
                    hits++;
                    ap += (double)hits / (double)(i + 1);
                }
                for (int j = 0; j < nks; j++)
                    if (i + 1 == ks[j])
                        precision[j] += (double)hits / ks[j];
            }
            *map += hits ? ap / (double)hits : 0;
        }
    }
    for (int j = 0; j < nks; j++)
        precision[j] /= (double)n;
    *map /= (double)n;
    free(dots);
    free(ranking);
    return 0;
}
