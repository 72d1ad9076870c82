/* GEMM + epilogue split across the worker pool (see gemm.h). */
#include "extractor/gemm.h"

#include "extractor/parallel.h"

#include <cblas.h>

/* Wide products are split by columns (each thread reads all of A, which is small next to B);
 * narrow ones (ResNet's 7x7 layers at batch 1: 49 columns) by rows.  Blocks are multiples of
 * the sgemm kernels' register tiles. */
#define COL_BLOCK 64
#define ROW_BLOCK 16
#define MIN_SPLIT_COLS 256

typedef struct {
    int m, n, k, ldb, ldc, by_cols;
    const float *a, *b, *bias, *residual;
    float *c;
    activation act;
} gemm_job;

void gemm_single(int m, int n, int k, const float *a, const float *b, int ldb, float *c, int ldc, const float *bias,
                 const float *residual, activation act)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, ldb, 0.0f, c, ldc);
    activation_block(c, (size_t)ldc, m, (size_t)n, bias, residual, act);
}

static void run_block(const gemm_job *j, int r0, int r1, int c0, int c1)
{
    if (r0 >= r1 || c0 >= c1)
        return;
    size_t off = (size_t)r0 * (size_t)j->ldc + (size_t)c0;
    gemm_single(r1 - r0, c1 - c0, j->k, j->a + (size_t)r0 * (size_t)j->k, j->b + c0, j->ldb, j->c + off, j->ldc,
                j->bias ? j->bias + r0 : NULL, j->residual ? j->residual + off : NULL, j->act);
}

static int min_int(long a, int b) { return a < b ? (int)a : b; }

static void blocks_range(void *ctx, long begin, long end)
{
    const gemm_job *j = ctx;
    if (j->by_cols)
        run_block(j, 0, j->m, min_int(begin * COL_BLOCK, j->n), min_int(end * COL_BLOCK, j->n));
    else
        run_block(j, min_int(begin * ROW_BLOCK, j->m), min_int(end * ROW_BLOCK, j->m), 0, j->n);
}

void gemm_epilogue(int m, int n, int k, const float *a, const float *b, int ldb, float *c, int ldc,
                   const float *bias, const float *residual, activation act)
{
    gemm_job j = {m, n, k, ldb, ldc, n >= MIN_SPLIT_COLS, a, b, bias, residual, c, act};
    long blocks = j.by_cols ? (n + COL_BLOCK - 1) / COL_BLOCK : (m + ROW_BLOCK - 1) / ROW_BLOCK;
    parallel_for(blocks, blocks_range, &j);
}
