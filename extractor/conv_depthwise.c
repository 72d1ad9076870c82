/* Depthwise convolution (groups == channels), one image plane at a time: the plane is copied
 * into the thread's slice of the scratch with its zero padding around it, so that no tap needs a
 * bounds check.  MobileNet's 3x3 kernels then sum the nine products of three input rows in
 * registers, one branch-free sweep per output row that the compiler vectorises; other kernel
 * sizes add one tap at a time.  The epilogue (bias, residual, activation) runs on each plane
 * while it is in cache.  Planes are shared out among the worker pool (parallel.h). */
#include "extractor/conv_kernels.h"

#include "extractor/activation.h"
#include "extractor/parallel.h"
#include "extractor/simd.h"

#include <string.h>

static int padded_h(const conv2d *c, int h) { return h + c->pad_t + c->pad_b; }
static int padded_w(const conv2d *c, int w) { return w + c->pad_l + c->pad_r; }

size_t conv_depthwise_scratch(const conv2d *c, int h, int w)
{
    return (size_t)parallel_threads() * (size_t)padded_h(c, h) * (size_t)padded_w(c, w);
}

typedef struct {
    const conv2d *c;
    const float *in, *residual;
    float *out, *scratch;
    int n, h, w, ho, wo;
} depthwise_job;

/* output row from 3 padded input rows: input column of ox is ox * s (inlined with a constant s,
 * so that the strided loads vectorise) */
SIMD_INLINE void row3x3(float *restrict orow, const float *restrict r0, const float *restrict r1,
                        const float *restrict r2, const float *wk, int wo, int s)
{
    float w0 = wk[0], w1 = wk[1], w2 = wk[2], w3 = wk[3], w4 = wk[4], w5 = wk[5], w6 = wk[6], w7 = wk[7], w8 = wk[8];
    for (int ox = 0; ox < wo; ox++) {
        int x = ox * s;
        orow[ox] = w0 * r0[x] + w1 * r0[x + 1] + w2 * r0[x + 2] + w3 * r1[x] + w4 * r1[x + 1] + w5 * r1[x + 2] +
                   w6 * r2[x] + w7 * r2[x + 1] + w8 * r2[x + 2];
    }
}

/* output row of any kernel size, tap by tap */
SIMD_INLINE void row_taps(const conv2d *c, float *restrict orow, const float *restrict top, int pw, const float *wk,
                          int wo)
{
    memset(orow, 0, (size_t)wo * sizeof(float));
    for (int ki = 0; ki < c->kh; ki++)
        for (int kj = 0; kj < c->kw; kj++) {
            const float *irow = top + (size_t)ki * (size_t)pw + kj;
            float wv = wk[ki * c->kw + kj];
            for (int ox = 0; ox < wo; ox++)
                orow[ox] += wv * irow[ox * c->stride];
        }
}

/* one padded plane of one channel into o, without the epilogue */
SIMD_CLONES static void plane_forward(const depthwise_job *j, const float *wk, const float *pad, float *o)
{
    const conv2d *c = j->c;
    int s = c->stride, pw = padded_w(c, j->w), wo = j->wo;
    for (int oy = 0; oy < j->ho; oy++) {
        float *orow = o + (size_t)oy * (size_t)wo;
        const float *r0 = pad + (size_t)(oy * s) * (size_t)pw, *r1 = r0 + pw, *r2 = r1 + pw;
        if (c->kh != 3 || c->kw != 3)
            row_taps(c, orow, r0, pw, wk, wo);
        else if (s == 1)
            row3x3(orow, r0, r1, r2, wk, wo, 1);
        else if (s == 2)
            row3x3(orow, r0, r1, r2, wk, wo, 2);
        else
            row3x3(orow, r0, r1, r2, wk, wo, s);
    }
}

/* the plane with its zero border, rows of padded_w floats */
static void pad_plane(const conv2d *c, const float *src, int h, int w, float *dst)
{
    int pw = padded_w(c, w);
    memset(dst, 0, (size_t)c->pad_t * (size_t)pw * sizeof(float));
    for (int y = 0; y < h; y++) {
        float *row = dst + (size_t)(y + c->pad_t) * (size_t)pw;
        memset(row, 0, (size_t)c->pad_l * sizeof(float));
        memcpy(row + c->pad_l, src + (size_t)y * (size_t)w, (size_t)w * sizeof(float));
        memset(row + c->pad_l + w, 0, (size_t)c->pad_r * sizeof(float));
    }
    memset(dst + (size_t)(h + c->pad_t) * (size_t)pw, 0, (size_t)c->pad_b * (size_t)pw * sizeof(float));
}

/* a thread's share of the planes (channel-major: plane p is image p % n of channel p / n), each
 * padded into its scratch slice */
static void planes_share(void *ctx, int slot, long begin, long end)
{
    const depthwise_job *j = ctx;
    const conv2d *c = j->c;
    size_t hw = (size_t)j->h * (size_t)j->w, ohw = (size_t)j->ho * (size_t)j->wo;
    float *pad = j->scratch + (size_t)slot * (size_t)padded_h(c, j->h) * (size_t)padded_w(c, j->w);
    for (long p = begin; p < end; p++) {
        size_t ch = (size_t)(p / j->n);
        float *o = j->out + (size_t)p * ohw;
        pad_plane(c, j->in + (size_t)p * hw, j->h, j->w, pad);
        plane_forward(j, c->weight + ch * (size_t)c->kh * (size_t)c->kw, pad, o);
        activation_block(o, ohw, 1, ohw, c->bias + ch, j->residual ? j->residual + (size_t)p * ohw : NULL, c->act);
    }
}

void conv_depthwise_forward(const conv2d *c, const float *in, float *out, int n, int h, int w, float *scratch,
                            const float *residual)
{
    depthwise_job job = {.c = c, .in = in, .residual = residual, .out = out, .scratch = scratch,
                         .n = n, .h = h, .w = w};
    conv2d_out_hw(c, h, w, &job.ho, &job.wo);
    parallel_shares((long)c->cout * n, planes_share, &job);
}
