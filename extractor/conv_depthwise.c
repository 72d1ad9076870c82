/* Depthwise convolution (groups == channels) as plain C loops: for each output row, every kernel
 * tap is one multiply-add sweep over the columns it can reach (borders clipped, so no padded
 * copy), which the compiler vectorises; image planes are shared out among the worker pool (parallel.h). */
#include "extractor/conv_kernels.h"

#include "extractor/parallel.h"
#include "extractor/simd.h"

#include <string.h>

static void tap_row_s1(float *restrict orow, const float *restrict irow, int x0, int lo, int hi, float wv)
{
    for (int ox = lo; ox < hi; ox++)
        orow[ox] += wv * irow[ox + x0];
}

static void tap_row_strided(float *restrict orow, const float *restrict irow, int x0, int lo, int hi, int s,
                            float wv)
{
    for (int ox = lo; ox < hi; ox++)
        orow[ox] += wv * irow[ox * s + x0];
}

/* one image plane of one channel */
SIMD_CLONES static void plane_forward(const conv2d *c, const float *wk, const float *src, float *o, int h, int w, int ho, int wo)
{
    int s = c->stride;
    memset(o, 0, (size_t)ho * (size_t)wo * sizeof(float));
    for (int oy = 0; oy < ho; oy++) {
        float *orow = o + (size_t)oy * (size_t)wo;
        for (int ki = 0; ki < c->kh; ki++) {
            int y = oy * s - c->pad_t + ki;
            if (y < 0 || y >= h)
                continue;
            for (int kj = 0; kj < c->kw; kj++) {
                /* input column x = ox*s + x0 must lie in [0, w) */
                int x0 = kj - c->pad_l;
                int lo = x0 >= 0 ? 0 : (-x0 + s - 1) / s;
                int hi = (w - 1 - x0) / s + 1;
                if (w - 1 - x0 < 0)
                    continue;
                if (hi > wo)
                    hi = wo;
                const float *irow = src + (size_t)y * (size_t)w;
                float wv = wk[ki * c->kw + kj];
                if (s == 1)
                    tap_row_s1(orow, irow, x0, lo, hi, wv);
                else
                    tap_row_strided(orow, irow, x0, lo, hi, s, wv);
            }
        }
    }
}

typedef struct {
    const conv2d *c;
    const float *in;
    float *out;
    int n, h, w, ho, wo;
} depthwise_job;

static void planes_range(void *ctx, long begin, long end)
{
    const depthwise_job *j = ctx;
    size_t hw = (size_t)j->h * (size_t)j->w, ohw = (size_t)j->ho * (size_t)j->wo;
    for (long p = begin; p < end; p++) {
        size_t ch = (size_t)(p / j->n);
        plane_forward(j->c, j->c->weight + ch * (size_t)j->c->kh * (size_t)j->c->kw, j->in + (size_t)p * hw,
                      j->out + (size_t)p * ohw, j->h, j->w, j->ho, j->wo);
    }
}

void conv_depthwise_forward(const conv2d *c, const float *in, float *out, int n, int h, int w)
{
    depthwise_job job = {c, in, out, n, h, w, 0, 0};
    conv2d_out_hw(c, h, w, &job.ho, &job.wo);
    parallel_for((long)c->cout * n, planes_range, &job);
}
