/* General convolution as im2col + sgemm, batched: the columns of several images sit side by
 * side so one GEMM per group covers them (N = images x output pixels), and the result lands
 * directly in the CNHW output with its epilogue (gemm.h).  The column rows are filled by the
 * worker pool (parallel.h). */
#include "extractor/conv_kernels.h"

#include "extractor/gemm.h"
#include "extractor/parallel.h"

#include <string.h>

static size_t col_rows(const conv2d *c) { return (size_t)(c->cin / c->groups) * (size_t)c->kh * (size_t)c->kw; }

/* images per GEMM: as many as fit under the scratch cap, at least one */
static int chunk_images(const conv2d *c, int n, int ho, int wo)
{
    size_t per_image = col_rows(c) * (size_t)ho * (size_t)wo;
    size_t fit = per_image ? CONV_SCRATCH_CAP / per_image : (size_t)n;
    if (fit < 1)
        fit = 1;
    return fit < (size_t)n ? (int)fit : n;
}

size_t conv_im2col_scratch(const conv2d *c, int n, int h, int w)
{
    int ho, wo;
    conv2d_out_hw(c, h, w, &ho, &wo);
    return col_rows(c) * (size_t)chunk_images(c, n, ho, wo) * (size_t)ho * (size_t)wo;
}

/* One im2col row: kernel tap (ki, kj) of one input channel over images [i0, i0+cnt). */
static void im2col_row(const conv2d *c, const float *chan, int i0, int cnt, int h, int w,
                       int ho, int wo, int ki, int kj, float *dst)
{
    size_t hw = (size_t)h * (size_t)w;
    for (int img = 0; img < cnt; img++) {
        const float *src = chan + (size_t)(i0 + img) * hw;
        for (int oy = 0; oy < ho; oy++, dst += wo) {
            int y = oy * c->stride - c->pad_t + ki;
            if (y < 0 || y >= h) {
                memset(dst, 0, (size_t)wo * sizeof(float));
                continue;
            }
            const float *row = src + (size_t)y * (size_t)w;
            int x0 = -c->pad_l + kj;
            if (c->stride == 1) {
                /* valid output columns: 0 <= ox + x0 < w */
                int lo = x0 < 0 ? -x0 : 0;
                int hi = w - x0 < wo ? w - x0 : wo;
                if (hi < lo)
                    hi = lo;
                memset(dst, 0, (size_t)lo * sizeof(float));
                memcpy(dst + lo, row + lo + x0, (size_t)(hi - lo) * sizeof(float));
                memset(dst + hi, 0, (size_t)(wo - hi) * sizeof(float));
            } else {
                for (int ox = 0; ox < wo; ox++) {
                    int x = ox * c->stride + x0;
                    dst[ox] = x >= 0 && x < w ? row[x] : 0.0f;
                }
            }
        }
    }
}

typedef struct {
    const conv2d *c;
    const float *in; /* the group's first input channel */
    int n, i0, cnt, h, w, ho, wo;
    float *cols_out;
    size_t cols;
} im2col_job;

static void im2col_rows(void *ctx, long begin, long end)
{
    const im2col_job *j = ctx;
    int taps = j->c->kh * j->c->kw;
    size_t hw = (size_t)j->h * (size_t)j->w;
    for (long r = begin; r < end; r++) {
        const float *chan = j->in + (size_t)(r / taps) * (size_t)j->n * hw;
        im2col_row(j->c, chan, j->i0, j->cnt, j->h, j->w, j->ho, j->wo, (int)(r % taps) / j->c->kw,
                   (int)(r % j->c->kw), j->cols_out + (size_t)r * j->cols);
    }
}

void conv_im2col_forward(const conv2d *c, const float *in, float *out, int n, int h, int w, float *scratch,
                         const float *residual)
{
    int ho, wo;
    conv2d_out_hw(c, h, w, &ho, &wo);
    int cin_g = c->cin / c->groups, cout_g = c->cout / c->groups;
    int k = (int)col_rows(c);
    size_t hw = (size_t)h * (size_t)w, ohw = (size_t)ho * (size_t)wo;
    size_t ldc = (size_t)n * ohw;
    int chunk = chunk_images(c, n, ho, wo);
    for (int i0 = 0; i0 < n; i0 += chunk) {
        int cnt = n - i0 < chunk ? n - i0 : chunk;
        size_t cols = (size_t)cnt * ohw;
        for (int g = 0; g < c->groups; g++) {
            im2col_job job = {c, in + (size_t)g * (size_t)cin_g * (size_t)n * hw, n, i0, cnt, h, w, ho, wo, scratch, cols};
            parallel_for(k, im2col_rows, &job);
            const float *wg = c->weight + (size_t)g * (size_t)cout_g * (size_t)k;
            size_t og = (size_t)g * (size_t)cout_g * ldc + (size_t)i0 * ohw;
            gemm_epilogue(cout_g, (int)cols, k, wg, scratch, (int)cols, out + og, (int)ldc,
                          c->bias + (size_t)g * (size_t)cout_g, residual ? residual + og : NULL, c->act);
        }
    }
}
