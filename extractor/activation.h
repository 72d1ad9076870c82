/* Element-wise epilogue of the inference core: per-channel bias, an optional residual (the
 * shortcut of a ResNet block) and ReLU/ReLU6, applied to the rows of a convolution's or fully
 * connected layer's output.
 *
 * Manual: a pure function over caller-owned float arrays; no allocation, no failure.  It runs on
 * the calling thread (safe from any thread on disjoint data): the kernels call it on each block
 * they finish, while it is in cache. */
#ifndef SOLEMATE_ACTIVATION_H
#define SOLEMATE_ACTIVATION_H

#include <stddef.h>

typedef enum { ACT_NONE = 0, ACT_RELU, ACT_RELU6 } activation;

/* Rows of cols values, row r at x + r*ld: x = act(x + bias[r] + residual) where bias (one value
 * per row) and residual (same layout as x) may be NULL. */
void activation_block(float *x, size_t ld, int rows, size_t cols, const float *bias, const float *residual,
                      activation act);

#endif
