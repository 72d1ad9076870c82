/* Convolution layer: construction, TensorFlow "SAME" padding, batch-norm folding, output and
 * scratch sizing, and the dispatch of a forward pass to the right kernel plus the bias and
 * activation epilogue. */
#include "extractor/conv2d.h"

#include "extractor/conv_kernels.h"
#include "extractor/gemm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int conv2d_init(conv2d *c, int cin, int cout, int k, int stride, int pad, int groups, activation act)
{
    memset(c, 0, sizeof *c);
    if (cin <= 0 || cout <= 0 || k <= 0 || stride <= 0 || pad < 0 || groups <= 0 || cin % groups ||
        cout % groups)
        return -1;
    c->cin = cin;
    c->cout = cout;
    c->kh = c->kw = k;
    c->stride = stride;
    c->groups = groups;
    c->pad_t = c->pad_l = c->pad_b = c->pad_r = pad;
    c->act = act;
    c->weight = calloc((size_t)cout * (size_t)(cin / groups) * (size_t)k * (size_t)k, sizeof(float));
    c->bias = calloc((size_t)cout, sizeof(float));
    if (!c->weight || !c->bias) {
        conv2d_free(c);
        return -1;
    }
    return 0;
}

static void same_pad(int in, int k, int s, int *before, int *after)
{
    int out = (in + s - 1) / s;
    int total = (out - 1) * s + k - in;
    if (total < 0)
        total = 0;
    *before = total / 2;
    *after = total - total / 2;
}

void conv2d_pad_same(conv2d *c, int h, int w)
{
    same_pad(h, c->kh, c->stride, &c->pad_t, &c->pad_b);
    same_pad(w, c->kw, c->stride, &c->pad_l, &c->pad_r);
}

void conv2d_fold_bn(conv2d *c, const float *gamma, const float *beta, const float *mean,
                    const float *var, float eps)
{
    size_t per_out = (size_t)(c->cin / c->groups) * (size_t)c->kh * (size_t)c->kw;
    for (int o = 0; o < c->cout; o++) {
        double scale = (double)gamma[o] / sqrt((double)var[o] + (double)eps);
        float *w = c->weight + (size_t)o * per_out;
        for (size_t i = 0; i < per_out; i++)
            w[i] = (float)((double)w[i] * scale);
        c->bias[o] = (float)((double)beta[o] + ((double)c->bias[o] - (double)mean[o]) * scale);
    }
}

void conv2d_free(conv2d *c)
{
    free(c->weight);
    free(c->bias);
    free(c->wino_weight);
    c->weight = c->bias = c->wino_weight = NULL;
}

int conv2d_prepare(conv2d *c)
{
    c->winograd = conv_winograd_applies(c);
    return c->winograd ? conv_winograd_prepare(c) : 0;
}

int conv2d_out_dim(int in, int k, int stride, int pad_before, int pad_after)
{
    return (in + pad_before + pad_after - k) / stride + 1;
}

void conv2d_out_hw(const conv2d *c, int h, int w, int *ho, int *wo)
{
    *ho = conv2d_out_dim(h, c->kh, c->stride, c->pad_t, c->pad_b);
    *wo = conv2d_out_dim(w, c->kw, c->stride, c->pad_l, c->pad_r);
}

static int is_depthwise(const conv2d *c) { return c->groups == c->cin && c->groups == c->cout && c->groups > 1; }

static int is_pointwise(const conv2d *c)
{
    return c->kh == 1 && c->kw == 1 && c->stride == 1 && c->groups == 1 && !c->pad_t && !c->pad_l &&
           !c->pad_b && !c->pad_r;
}

int conv2d_uses_winograd(const conv2d *c, int n, int h, int w)
{
    return c->winograd && conv_winograd_pays(c, n, h, w);
}

size_t conv2d_scratch_floats(const conv2d *c, int n, int h, int w)
{
    if (is_pointwise(c))
        return 0;
    if (is_depthwise(c))
        return conv_depthwise_scratch(c, h, w);
    if (conv2d_uses_winograd(c, n, h, w))
        return conv_winograd_scratch(c, n, h, w);
    return conv_im2col_scratch(c, n, h, w);
}

void conv2d_forward_add(const conv2d *c, const float *in, float *out, int n, int h, int w, float *scratch,
                        const float *residual)
{
    int ho, wo;
    conv2d_out_hw(c, h, w, &ho, &wo);
    size_t plane = (size_t)n * (size_t)ho * (size_t)wo;
    if (conv2d_uses_winograd(c, n, h, w)) {
        conv_winograd_forward(c, in, out, n, h, w, scratch, residual);
    } else if (is_depthwise(c)) {
        conv_depthwise_forward(c, in, out, n, h, w, scratch, residual);
    } else if (is_pointwise(c)) {
        gemm_epilogue(c->cout, (int)plane, c->cin, c->weight, in, (int)plane, out, (int)plane, c->bias, residual,
                      c->act);
    } else {
        conv_im2col_forward(c, in, out, n, h, w, scratch, residual);
    }
}

void conv2d_forward(const conv2d *c, const float *in, float *out, int n, int h, int w, float *scratch)
{
    conv2d_forward_add(c, in, out, n, h, w, scratch, NULL);
}
