/* General convolution as im2col + sgemm, batched: the columns of all images sit side by side
 * (N = images x output pixels).  Each worker thread takes a contiguous share of the columns and
 * goes through it a block at a time: it gathers the block's im2col columns into its own slice of
 * the scratch (about 1 MB, so they stay in its cache), multiplies (gemm.h, single-threaded) and
 * applies the epilogue straight into the CNHW output.  A product too narrow to share by columns
 * (ResNet's 7x7 layers at batch 1) is built whole and split by rows instead. */
#include "extractor/conv_kernels.h"

#include "extractor/gemm.h"
#include "extractor/parallel.h"
#include "extractor/simd.h"

#include <string.h>

#define BLOCK_FLOATS ((size_t)1 << 18) /* 1 MB of im2col columns per block */
#define BLOCK_MIN 256                  /* columns: narrower blocks make thin, slow GEMMs */
#define BLOCK_MAX 4096

static size_t col_rows(const conv2d *c) { return (size_t)(c->cin / c->groups) * (size_t)c->kh * (size_t)c->kw; }

static size_t block_cols(const conv2d *c)
{
    size_t b = BLOCK_FLOATS / col_rows(c) / 64 * 64;
    return b < BLOCK_MIN ? BLOCK_MIN : b > BLOCK_MAX ? BLOCK_MAX : b;
}

/* 1 when the columns are shared out in blocks; 0 when the product is built whole */
static int by_blocks(const conv2d *c, size_t columns) { return columns >= 2 * block_cols(c); }

size_t conv_im2col_scratch(const conv2d *c, int n, int h, int w)
{
    int ho, wo;
    conv2d_out_hw(c, h, w, &ho, &wo);
    size_t columns = (size_t)n * (size_t)ho * (size_t)wo;
    if (by_blocks(c, columns))
        return (size_t)parallel_threads() * col_rows(c) * block_cols(c);
    return col_rows(c) * columns;
}

typedef struct {
    const conv2d *c;
    const float *in; /* the group's first input channel */
    const float *residual;
    float *out, *scratch;
    int n, h, w, ho, wo, group;
    size_t columns;
} im2col_job;

/* Row r (input channel, kernel tap) of the im2col matrix over columns [c0, c0 + cnt) into dst. */
SIMD_CLONES static void im2col_row(const im2col_job *j, size_t r, size_t c0, size_t cnt, float *dst)
{
    const conv2d *c = j->c;
    int taps = c->kh * c->kw, ki = (int)(r % (size_t)taps) / c->kw, kj = (int)(r % (size_t)c->kw);
    size_t hw = (size_t)j->h * (size_t)j->w, ohw = (size_t)j->ho * (size_t)j->wo;
    const float *chan = j->in + r / (size_t)taps * (size_t)j->n * hw;
    int x0 = kj - c->pad_l, s = c->stride;
    /* valid output columns of a row: 0 <= ox * s + x0 < w */
    int lo = x0 >= 0 ? 0 : (-x0 + s - 1) / s, hi = x0 > j->w - 1 ? 0 : (j->w - 1 - x0) / s + 1;
    if (hi > j->wo)
        hi = j->wo;
    for (size_t p = c0, end = c0 + cnt; p < end;) {
        size_t img = p / ohw, pix = p % ohw;
        int oy = (int)(pix / (size_t)j->wo), ox0 = (int)(pix % (size_t)j->wo);
        int ox1 = end - p < (size_t)(j->wo - ox0) ? ox0 + (int)(end - p) : j->wo; /* this output row's part */
        int y = oy * s - c->pad_t + ki;
        if (y < 0 || y >= j->h) {
            memset(dst, 0, (size_t)(ox1 - ox0) * sizeof(float));
        } else {
            const float *row = chan + img * hw + (size_t)y * (size_t)j->w;
            int a = ox0 > lo ? ox0 : lo, b = ox1 < hi ? ox1 : hi;
            if (b < a)
                b = a = ox0;
            memset(dst, 0, (size_t)(a - ox0) * sizeof(float));
            if (s == 1)
                memcpy(dst + (a - ox0), row + a + x0, (size_t)(b - a) * sizeof(float));
            else
                for (int ox = a; ox < b; ox++)
                    dst[ox - ox0] = row[ox * s + x0];
            memset(dst + (b - ox0), 0, (size_t)(ox1 - b) * sizeof(float));
        }
        dst += ox1 - ox0;
        p += (size_t)(ox1 - ox0);
    }
}

/* builds the columns [c0, c0 + cnt) and multiplies them into the output */
static void columns_block(const im2col_job *j, size_t c0, size_t cnt, float *cols)
{
    const conv2d *c = j->c;
    size_t k = col_rows(c), cout_g = (size_t)(c->cout / c->groups), off = (size_t)j->group * cout_g * j->columns + c0;
    for (size_t r = 0; r < k; r++)
        im2col_row(j, r, c0, cnt, cols + r * cnt);
    gemm_single(c->cout / c->groups, (int)cnt, (int)k, c->weight + (size_t)j->group * cout_g * k, cols, (int)cnt,
                j->out + off, (int)j->columns, c->bias + (size_t)j->group * cout_g, j->residual ? j->residual + off : NULL,
                c->act);
}

/* a thread's share of the columns, block by block in its scratch slice */
static void columns_share(void *ctx, int slot, long begin, long end)
{
    const im2col_job *j = ctx;
    size_t block = block_cols(j->c), c1 = (size_t)end;
    float *cols = j->scratch + (size_t)slot * col_rows(j->c) * block;
    for (size_t c0 = (size_t)begin; c0 < c1; c0 += block)
        columns_block(j, c0, c1 - c0 < block ? c1 - c0 : block, cols);
}

/* whole-matrix path: rows [begin, end) of the im2col matrix */
static void rows_range(void *ctx, long begin, long end)
{
    const im2col_job *j = ctx;
    for (long r = begin; r < end; r++)
        im2col_row(j, (size_t)r, 0, j->columns, j->scratch + (size_t)r * j->columns);
}

void conv_im2col_forward(const conv2d *c, const float *in, float *out, int n, int h, int w, float *scratch,
                         const float *residual)
{
    im2col_job j = {.c = c, .residual = residual, .out = out, .scratch = scratch, .n = n, .h = h, .w = w};
    conv2d_out_hw(c, h, w, &j.ho, &j.wo);
    j.columns = (size_t)n * (size_t)j.ho * (size_t)j.wo;
    int cin_g = c->cin / c->groups, cout_g = c->cout / c->groups, k = (int)col_rows(c);
    for (j.group = 0; j.group < c->groups; j.group++) {
        j.in = in + (size_t)j.group * (size_t)cin_g * (size_t)n * (size_t)h * (size_t)w;
        if (by_blocks(c, j.columns)) {
            parallel_shares((long)j.columns, columns_share, &j);
            continue;
        }
        size_t off = (size_t)j.group * (size_t)cout_g * j.columns;
        parallel_for(k, rows_range, &j);
        gemm_epilogue(cout_g, (int)j.columns, k, c->weight + (size_t)j.group * (size_t)cout_g * (size_t)k, scratch,
                      (int)j.columns, out + off, (int)j.columns, c->bias + (size_t)j.group * (size_t)cout_g,
                      residual ? residual + off : NULL, c->act);
    }
}
