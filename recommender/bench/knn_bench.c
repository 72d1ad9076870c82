/* Benchmark of the recommender's neighbour search (make bench): all-pairs top-10 for 1140 x 512
 * (the catalog's size), for 100k x 512 beside the raw sgemm of the same shapes in the same run,
 * and one `similar` query against 100k vectors.  Prints one line per figure, medians.
 * Env: BENCH_ROWS (query rows of the 100k case, default 4096; 100000 = the whole all-pairs). */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "extractor/blas_kernel.h"
#include "recommender/knn.h"
#include "recommender/similar.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, compare_double);
    return t[n / 2];
}

static void fill(vector_matrix *m, long n, long dim)
{
    unsigned long long s = 12345;
    float *row = malloc((size_t)dim * sizeof *row);
    vector_matrix_init(m, n, dim);
    for (long i = 0; i < n; i++) {
        for (long d = 0; d < dim; d++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            row[d] = (float)((double)(s >> 11) / 9007199254740992.0 - 0.5);
        }
        char sha[CATALOG_SHA256_HEX];
        snprintf(sha, sizeof sha, "%064lx", (unsigned long)i);
        vector_matrix_add(m, i + 1, sha, row);
    }
    free(row);
    vector_matrix_normalize(m);
}

/* The same blocks as knn_rows, sgemm only. */
static void raw_sgemm(const vector_matrix *m, long rows_total, long block, float *dots)
{
    for (long start = 0; start < rows_total; start += block) {
        long rows = rows_total - start < block ? rows_total - start : block;
        knn_block_dots(m, start, rows, dots);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    blas_kernel_ensure(argv);
    char err[256];
    const long dim = 512;
    /* 1. the catalog's size */
    vector_matrix small;
    fill(&small, 1140, dim);
    knn_hit *hits = malloc(1140 * 10 * sizeof *hits);
    double t[21];
    for (int i = 0; i < 21; i++) {
        double s = now();
        knn_all_pairs(&small, KNN_COSINE, 10, 0, hits, err, sizeof err);
        t[i] = now() - s;
    }
    printf("recommender: all-pairs top-10, 1140 x 512 cosine: %.2f ms (median of 21; goal < 20 ms)\n",
           1e3 * median(t, 21));
    for (int i = 0; i < 21; i++) {
        double s = now();
        knn_all_pairs(&small, KNN_L2, 10, 0, hits, err, sizeof err);
        t[i] = now() - s;
    }
    printf("recommender: all-pairs top-10, 1140 x 512 l2: %.2f ms\n", 1e3 * median(t, 21));
    similar_options o = {.rules = {.metric = KNN_COSINE, .near_duplicate = 0.995}, .k = 9, .diverse = -1};
    store_neighbor *rows = NULL;
    long count = 0;
    for (int i = 0; i < 5; i++) {
        double s = now();
        similar_all(&small, &o, &rows, &count, err, sizeof err);
        t[i] = now() - s;
        free(rows);
    }
    printf("recommender: build lists (top-9 + duplicate collapse + exact rescoring), 1140 x 512: %.2f ms\n",
           1e3 * median(t, 5));
    free(hits);
    vector_matrix_free(&small);

    /* 2. 100k vectors: our search vs the raw sgemm of the same blocks */
    const long n = 100000;
    const char *env = getenv("BENCH_ROWS");
    long query_rows = env ? atol(env) : 4096;
    if (query_rows < 1 || query_rows > n)
        query_rows = n;
    vector_matrix big;
    fill(&big, n, dim);
    long block = 16L * 1024 * 1024 / n;
    float *dots = malloc((size_t)block * n * sizeof *dots);
    hits = malloc((size_t)query_rows * 10 * sizeof *hits);
    double raw[3], ours[3];
    for (int i = 0; i < 3; i++) {
        double s = now();
        raw_sgemm(&big, query_rows, block, dots);
        raw[i] = now() - s;
        s = now();
        knn_rows(&big, KNN_COSINE, 10, 0, query_rows, block, hits, err, sizeof err);
        ours[i] = now() - s;
    }
    double r = median(raw, 3), k = median(ours, 3);
    double flops = 2.0 * query_rows * n * dim;
    printf("recommender: top-10 of %ld query rows x 100000 x 512: %.3f s vs raw sgemm %.3f s (%.2fx; goal <= 1.3x), "
           "sgemm %.0f GFLOP/s; whole all-pairs extrapolated %.0f s\n",
           query_rows, k, r, k / r, flops / r / 1e9, k * n / query_rows);
    free(dots);
    free(hits);
    /* 3. one similar query against 100k vectors */
    neighbor out[9];
    for (int i = 0; i < 21; i++) {
        double s = now();
        similar_query(&big, vector_matrix_row(&big, i * 97), i * 97, big.sha[i * 97], &o, out, err, sizeof err);
        t[i] = now() - s;
    }
    printf("recommender: one similar query (top-9) against 100000 x 512: %.2f ms\n", 1e3 * median(t, 21));
    vector_matrix_free(&big);
    return 0;
}
