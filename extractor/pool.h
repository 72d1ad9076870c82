/* Pooling ops of the inference core: max pool (PyTorch semantics, padding never wins) and
 * global average pool, on CNHW activations.
 *
 * Manual: pure functions over caller-owned buffers; no allocation, no failure. */
#ifndef SOLEMATE_POOL_H
#define SOLEMATE_POOL_H

#include <stddef.h>

typedef struct {
    int k, stride, pad;
} maxpool2d;

int maxpool2d_out_dim(const maxpool2d *p, int in);
/* in: c x n x h x w; out: c x n x ho x wo. */
void maxpool2d_forward(const maxpool2d *p, const float *in, float *out, int c, int n, int h, int w);
/* in: c x n x hw (CNHW); out: n x c, row-major, with a row stride of ldo floats. */
void global_avgpool_forward(const float *in, float *out, int c, int n, int hw, int ldo);

#endif
