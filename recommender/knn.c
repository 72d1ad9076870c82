/* Blocked all-pairs nearest neighbours: one sgemm per block of query rows against the whole
 * matrix, then a bounded min-heap per row keeps the m closest; single-query search by sgemv. */
#include "recommender/knn.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KNN_BLOCK_FLOATS (16L * 1024 * 1024) /* about 64 MB of scores per block */

const char *knn_metric_name(knn_metric metric) { return metric == KNN_L2 ? "l2" : "cosine"; }

int knn_metric_parse(const char *name)
{
    if (name && strcmp(name, "cosine") == 0)
        return KNN_COSINE;
    if (name && strcmp(name, "l2") == 0)
        return KNN_L2;
    return -1;
}

double knn_score(knn_metric metric, float key, float query_sqnorm)
{
    if (metric == KNN_COSINE)
        return key;
    double d2 = (double)query_sqnorm - (double)key;
    return d2 > 0 ? sqrt(d2) : 0;
}

/* a is a worse hit than b: lower key, or the same key and a higher index. */
static int worse(const knn_hit *a, const knn_hit *b)
{
    return a->key < b->key || (a->key == b->key && a->index > b->index);
}

static void sift_down(knn_hit *heap, int size, int at)
{
    for (;;) {
        int worst = at, left = 2 * at + 1, right = left + 1;
        if (left < size && worse(&heap[left], &heap[worst]))
            worst = left;
        if (right < size && worse(&heap[right], &heap[worst]))
            worst = right;
        if (worst == at)
            return;
        knn_hit t = heap[at];
        heap[at] = heap[worst];
        heap[worst] = t;
        at = worst;
    }
}

static void sift_up(knn_hit *heap, int at)
{
    while (at > 0) {
        int parent = (at - 1) / 2;
        if (!worse(&heap[at], &heap[parent]))
            return;
        knn_hit t = heap[at];
        heap[at] = heap[parent];
        heap[parent] = t;
        at = parent;
    }
}

static int best_first(const void *a, const void *b)
{
    const knn_hit *x = a, *y = b;
    return worse(x, y) ? 1 : worse(y, x) ? -1 : 0;
}

/* Keeps the m best of one row of dot products.  Columns are visited in increasing index, so an
 * equal key never displaces the heap's worst (which has a lower index): ties favour low ids. */
static void select_row(const float *dots, const float *sqnorm, long n, knn_metric metric, long self,
                       int m, knn_hit *out)
{
    int size = 0;
    float threshold = -INFINITY;
    for (long j = 0; j < n; j++) {
        float key = knn_key(metric, dots[j], sqnorm[j]);
        if (size == m && !(key > threshold))
            continue;
        if (j == self)
            continue;
        if (size < m) {
            out[size] = (knn_hit){j, key};
            sift_up(out, size++);
        } else {
            out[0] = (knn_hit){j, key};
            sift_down(out, size, 0);
        }
        if (size == m)
            threshold = out[0].key;
    }
    qsort(out, (size_t)size, sizeof *out, best_first);
    for (int i = size; i < m; i++)
        out[i] = (knn_hit){-1, -INFINITY};
}

void knn_block_dots(const vector_matrix *mat, long start, long rows, float *dots)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)mat->n, (int)mat->dim, 1.0f,
                mat->data + start * mat->dim, (int)mat->dim, mat->data, (int)mat->dim, 0.0f, dots, (int)mat->n);
}

float knn_key(knn_metric metric, float dot, float sqnorm)
{
    return metric == KNN_COSINE ? dot : 2.0f * dot - sqnorm;
}

int knn_rows(const vector_matrix *mat, knn_metric metric, int m_hits, long first, long count, long block_rows,
             knn_hit *out, char *err, size_t errlen)
{
    long n = mat->n;
    if (n == 0 || count <= 0)
        return 0;
    if (block_rows <= 0)
        block_rows = KNN_BLOCK_FLOATS / n;
    if (block_rows < 1)
        block_rows = 1;
    if (block_rows > count)
        block_rows = count;
    float *dots = malloc((size_t)block_rows * (size_t)n * sizeof *dots);
    if (!dots) {
        snprintf(err, errlen, "out of memory for a %ld x %ld block of scores", block_rows, n);
        return -1;
    }
    for (long start = first; start < first + count; start += block_rows) {
        long rows = first + count - start < block_rows ? first + count - start : block_rows;
        knn_block_dots(mat, start, rows, dots);
        for (long r = 0; r < rows; r++)
            select_row(dots + r * n, mat->sqnorm, n, metric, start + r, m_hits,
                       out + (start - first + r) * m_hits);
    }
    free(dots);
    return 0;
}

int knn_all_pairs(const vector_matrix *mat, knn_metric metric, int m_hits, long block_rows,
                  knn_hit *out, char *err, size_t errlen)
{
    return knn_rows(mat, metric, m_hits, 0, mat->n, block_rows, out, err, errlen);
}

int knn_query(const vector_matrix *mat, knn_metric metric, const float *q, long exclude, int m_hits,
              knn_hit *out, char *err, size_t errlen)
{
    long n = mat->n;
    float *dots = malloc((size_t)(n > 0 ? n : 1) * sizeof *dots);
    if (!dots) {
        snprintf(err, errlen, "out of memory for %ld scores", n);
        return -1;
    }
    if (n > 0)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)mat->dim, 1.0f, mat->data,
                    (int)mat->dim, q, 1, 0.0f, dots, 1);
    select_row(dots, mat->sqnorm, n, metric, exclude, m_hits, out);
    free(dots);
    return 0;
}
