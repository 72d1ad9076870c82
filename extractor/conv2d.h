/* 2-D convolution layer of the inference core (float32, batched, groups incl. depthwise,
 * stride, explicit per-side padding for PyTorch symmetric or TensorFlow "SAME" padding), with
 * bias and an optional ReLU/ReLU6 fused into the output pass.
 *
 * Manual: activations use the core's CNHW layout (channel-major, then image, row, column), so a
 * whole batch is one GEMM operand.  conv2d_init() allocates the weight and bias (zeroed bias);
 * the caller fills them (OIHW weight, as PyTorch stores it) and may fold batch norm with
 * conv2d_fold_bn(); conv2d_free() releases them.  conv2d_forward() reads only the layer, so one
 * layer can be shared, but the scratch buffer must belong to the caller and the call alone.
 * The forward functions cannot fail: the caller sizes buffers with conv2d_out_dim() and
 * conv2d_scratch_floats(). */
#ifndef SOLEMATE_CONV2D_H
#define SOLEMATE_CONV2D_H

#include "extractor/activation.h"

#include <stddef.h>

typedef struct {
    int cin, cout, kh, kw, stride, groups;
    int pad_t, pad_l, pad_b, pad_r;
    activation act;
    float *weight; /* cout x (cin/groups) x kh x kw */
    float *bias;   /* cout */
    int winograd;  /* 3x3 stride-1 layer: Winograd F(4,3) weights prepared (conv2d_prepare) */
    float *wino_weight; /* transformed weights, 36 x cout x cin, filled by conv2d_prepare */
} conv2d;

/* Symmetric padding pad on every side (PyTorch). Returns 0, or -1 on invalid parameters. */
int conv2d_init(conv2d *c, int cin, int cout, int k, int stride, int pad, int groups, activation act);
/* TensorFlow "SAME" padding for an input of h x w: total = max((ceil(h/s)-1)*s + k - h, 0),
 * top/left = floor(total/2), the rest bottom/right. */
void conv2d_pad_same(conv2d *c, int h, int w);
/* Folds y = gamma*(x-mean)/sqrt(var+eps)+beta into the weight and bias (arrays of cout). */
void conv2d_fold_bn(conv2d *c, const float *gamma, const float *beta, const float *mean,
                    const float *var, float eps);
/* Call once after the weights are final (builds derived forms such as Winograd weights).
 * Returns 0, or -1 when out of memory. */
int conv2d_prepare(conv2d *c);
void conv2d_free(conv2d *c);

int conv2d_out_dim(int in, int k, int stride, int pad_before, int pad_after);
void conv2d_out_hw(const conv2d *c, int h, int w, int *ho, int *wo);
/* 1 when conv2d_forward runs n images of h x w through Winograd (a Winograd-capable layer with
 * enough tiles), 0 when through the other kernels. */
int conv2d_uses_winograd(const conv2d *c, int n, int h, int w);
/* Scratch floats conv2d_forward needs for n images of h x w.  It depends on the worker pool's
 * thread count (each thread has a slice), so ask after parallel_acquire(). */
size_t conv2d_scratch_floats(const conv2d *c, int n, int h, int w);
/* in: cin x n x h x w (CNHW); out: cout x n x ho x wo. */
void conv2d_forward(const conv2d *c, const float *in, float *out, int n, int h, int w, float *scratch);
/* The same with a residual of out's shape added before the activation: out = act(conv + bias +
 * residual), the join of a ResNet block fused into its second convolution. */
void conv2d_forward_add(const conv2d *c, const float *in, float *out, int n, int h, int w, float *scratch,
                        const float *residual);

#endif
