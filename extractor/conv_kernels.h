/* Internal to the convolution layer: the kernels conv2d_forward() dispatches to (im2col +
 * sgemm, direct 1x1 sgemm, depthwise loops, Winograd F(4,3)) and their scratch needs.
 *
 * Manual: same layout and contracts as conv2d_forward_add() in conv2d.h; every kernel writes the
 * finished output (bias, residual, activation). */
#ifndef SOLEMATE_CONV_KERNELS_H
#define SOLEMATE_CONV_KERNELS_H

#include "extractor/conv2d.h"

size_t conv_im2col_scratch(const conv2d *c, int n, int h, int w);
void conv_im2col_forward(const conv2d *c, const float *in, float *out, int n, int h, int w, float *scratch,
                         const float *residual);

/* Winograd F(4,3): 3x3, stride 1, groups 1, padding at most 2 per side */
int conv_winograd_applies(const conv2d *c);
/* 1 when n images of h x w give enough tiles for Winograd to beat im2col */
int conv_winograd_pays(const conv2d *c, int n, int h, int w);
/* builds c->wino_weight from c->weight; -1 when out of memory */
int conv_winograd_prepare(conv2d *c);
size_t conv_winograd_scratch(const conv2d *c, int n, int h, int w);
void conv_winograd_forward(const conv2d *c, const float *in, float *out, int n, int h, int w, float *scratch,
                           const float *residual);

size_t conv_depthwise_scratch(const conv2d *c, int h, int w);
void conv_depthwise_forward(const conv2d *c, const float *in, float *out, int n, int h, int w, float *scratch,
                            const float *residual);

#endif
