/* Max pool and global average pool over CNHW planes, shared out among the worker pool
 * (parallel.h). */
#include "extractor/pool.h"

#include "extractor/parallel.h"
#include "extractor/simd.h"

#include <float.h>

int maxpool2d_out_dim(const maxpool2d *p, int in) { return (in + 2 * p->pad - p->k) / p->stride + 1; }

typedef struct {
    const maxpool2d *p;
    const float *in;
    float *out;
    int c, n, h, w, ldo;
} pool_job;

/* first output index whose window tap dx lands at or right of input index 0, and one past the
 * last whose tap lands left of input index `in` (the taps in between need no bounds check) */
static int first_valid(const maxpool2d *p, int dx)
{
    int need = p->pad - dx; /* ox * stride >= need */
    return need <= 0 ? 0 : (need + p->stride - 1) / p->stride;
}

static int end_valid(const maxpool2d *p, int dx, int in, int out)
{
    int last = in - 1 + p->pad - dx; /* ox * stride <= last */
    if (last < 0)
        return 0;
    int e = last / p->stride + 1;
    return e < out ? e : out;
}

/* one output row: the max over the window's input rows of every tap, tap by tap, so that each
 * inner loop is a branch-free strided sweep the vectoriser turns into vector max instructions */
SIMD_CLONES static void maxpool_row(const maxpool2d *p, const float *src, float *dst, int h, int w, int oy, int wo)
{
    for (int ox = 0; ox < wo; ox++)
        dst[ox] = -FLT_MAX;
    int y0 = oy * p->stride - p->pad;
    for (int y = y0 < 0 ? 0 : y0; y < y0 + p->k && y < h; y++) {
        const float *row = src + (size_t)y * (size_t)w;
        for (int dx = 0; dx < p->k; dx++) {
            const float *tap = row + dx - p->pad;
            int e = end_valid(p, dx, w, wo);
            for (int ox = first_valid(p, dx); ox < e; ox++) {
                float v = tap[(size_t)ox * (size_t)p->stride];
                dst[ox] = v > dst[ox] ? v : dst[ox];
            }
        }
    }
}

static void maxpool_planes(void *ctx, long begin, long end)
{
    const pool_job *j = ctx;
    int h = j->h, w = j->w;
    int ho = maxpool2d_out_dim(j->p, h), wo = maxpool2d_out_dim(j->p, w);
    for (long pl = begin; pl < end; pl++) {
        const float *src = j->in + (size_t)pl * (size_t)h * (size_t)w;
        float *dst = j->out + (size_t)pl * (size_t)ho * (size_t)wo;
        for (int oy = 0; oy < ho; oy++)
            maxpool_row(j->p, src, dst + (size_t)oy * (size_t)wo, h, w, oy, wo);
    }
}

void maxpool2d_forward(const maxpool2d *p, const float *in, float *out, int c, int n, int h, int w)
{
    pool_job job = {p, in, out, c, n, h, w, 0};
    parallel_for((long)c * n, maxpool_planes, &job);
}

static void avgpool_channels(void *ctx, long begin, long end)
{
    const pool_job *j = ctx;
    int hw = j->h;
    for (long ch = begin; ch < end; ch++)
        for (int img = 0; img < j->n; img++) {
            const float *src = j->in + ((size_t)ch * (size_t)j->n + (size_t)img) * (size_t)hw;
            float s = 0.0f;
            for (int i = 0; i < hw; i++)
                s += src[i];
            j->out[(size_t)img * (size_t)j->ldo + (size_t)ch] = s / (float)hw;
        }
}

void global_avgpool_forward(const float *in, float *out, int c, int n, int hw, int ldo)
{
    pool_job job = {NULL, in, out, c, n, hw, 1, ldo};
    parallel_for(c, avgpool_channels, &job);
}
