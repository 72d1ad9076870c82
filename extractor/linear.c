/* Fully connected layer: y = x W^T + b, the output columns split across the worker pool, each
 * block one single-threaded sgemm followed by its bias/activation epilogue. */
#include "extractor/linear.h"

#include "extractor/parallel.h"

#include <cblas.h>
#include <stdlib.h>

#define COL_BLOCK 64 /* output features per block: a multiple of the sgemm register tiles */

typedef struct {
    const linear *l;
    const float *x;
    float *y;
    int n;
} linear_job;

static void columns_range(void *ctx, long begin, long end)
{
    const linear_job *j = ctx;
    const linear *l = j->l;
    int c0 = (int)(begin * COL_BLOCK), c1 = end * COL_BLOCK < l->out ? (int)(end * COL_BLOCK) : l->out;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, j->n, c1 - c0, l->in, 1.0f, j->x, l->in,
                l->weight + (size_t)c0 * (size_t)l->in, l->in, 0.0f, j->y + c0, l->out);
    for (int i = 0; i < j->n; i++) {
        float *row = j->y + (size_t)i * (size_t)l->out;
        for (int c = c0; c < c1; c++) {
            float v = row[c] + l->bias[c];
            row[c] = l->act == ACT_RELU && v < 0.0f ? 0.0f : v;
        }
    }
}

void linear_forward(const linear *l, const float *x, float *y, int n)
{
    linear_job j = {l, x, y, n};
    parallel_for((l->out + COL_BLOCK - 1) / COL_BLOCK, columns_range, &j);
}

void linear_free(linear *l)
{
    free(l->weight_owned);
    free(l->bias_owned);
    l->weight_owned = l->bias_owned = NULL;
    l->weight = l->bias = NULL;
}
