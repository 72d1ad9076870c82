/* Max pool and global average pool over CNHW planes, shared out among the worker pool
 * (parallel.h). */
#include "extractor/pool.h"

#include "extractor/parallel.h"

#include <float.h>

int maxpool2d_out_dim(const maxpool2d *p, int in) { return (in + 2 * p->pad - p->k) / p->stride + 1; }

typedef struct {
    const maxpool2d *p;
    const float *in;
    float *out;
    int c, n, h, w, ldo;
} pool_job;

static void maxpool_planes(void *ctx, long begin, long end)
{
    const pool_job *j = ctx;
    const maxpool2d *p = j->p;
    const float *in = j->in;
    float *out = j->out;
    int h = j->h, w = j->w;
    int ho = maxpool2d_out_dim(p, h), wo = maxpool2d_out_dim(p, w);
    for (long pl = begin; pl < end; pl++) {
        const float *src = in + (size_t)pl * (size_t)h * (size_t)w;
        float *dst = out + (size_t)pl * (size_t)ho * (size_t)wo;
        for (int oy = 0; oy < ho; oy++) {
            int y0 = oy * p->stride - p->pad;
            for (int ox = 0; ox < wo; ox++) {
                int x0 = ox * p->stride - p->pad;
                float m = -FLT_MAX;
                for (int y = y0 < 0 ? 0 : y0; y < y0 + p->k && y < h; y++)
                    for (int x = x0 < 0 ? 0 : x0; x < x0 + p->k && x < w; x++) {
                        float v = src[(size_t)y * (size_t)w + (size_t)x];
                        m = v > m ? v : m;
                    }
                dst[(size_t)oy * (size_t)wo + (size_t)ox] = m;
            }
        }
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
