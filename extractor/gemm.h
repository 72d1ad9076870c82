/* The inference core's matrix product with its epilogue: C = act(A B + bias + residual), the
 * shape of every convolution GEMM (A: cout x K weights, B: K x pixels columns, bias per row).
 *
 * Manual: row-major; A is m x k with leading dimension k, B is k x n (ldb), C and the optional
 * residual are m x n (ldc); bias (m values) may be NULL.  The product is split across the
 * worker pool (parallel.h) by column or row blocks, each block one single-threaded OpenBLAS
 * sgemm followed at once by its epilogue, while its output is still in cache.  Cannot fail. */
#ifndef SOLEMATE_GEMM_H
#define SOLEMATE_GEMM_H

#include "extractor/activation.h"

void gemm_epilogue(int m, int n, int k, const float *a, const float *b, int ldb, float *c, int ldc,
                   const float *bias, const float *residual, activation act);
/* The same on the calling thread alone (for work already shared out among the pool). */
void gemm_single(int m, int n, int k, const float *a, const float *b, int ldb, float *c, int ldc, const float *bias,
                 const float *residual, activation act);

#endif
