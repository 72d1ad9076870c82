/* 3x3 stride-1 convolution by Winograd F(4x4, 3x3): each 6x6 input tile is transformed (B^T d B),
 * the 36 transformed planes are multiplied by the transformed weights (G g G^T) as 36 batched
 * sgemms (cout x cin times cin x tiles), and each result tile is transformed back (A^T m A) to a
 * 4x4 output block with bias, residual and activation fused.  2.25x-4x fewer multiplies than im2col; the
 * transforms run on the worker pool (parallel.h). */
#include "extractor/conv_kernels.h"

#include "extractor/parallel.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#define TILE 4   /* output block */
#define ALPHA 6  /* input tile = TILE + 3 - 1 */
#define PLANES (ALPHA * ALPHA)

/* G (6x3): kernel transform */
static const double G[ALPHA][3] = {
    {1.0 / 4, 0, 0},
    {-1.0 / 6, -1.0 / 6, -1.0 / 6},
    {-1.0 / 6, 1.0 / 6, -1.0 / 6},
    {1.0 / 24, 1.0 / 12, 1.0 / 6},
    {1.0 / 24, -1.0 / 12, 1.0 / 6},
    {0, 0, 1},
};

int conv_winograd_applies(const conv2d *c)
{
    return c->kh == 3 && c->kw == 3 && c->stride == 1 && c->groups == 1 && c->pad_t <= 2 && c->pad_l <= 2 &&
           c->pad_b <= 2 && c->pad_r <= 2;
}

/* Winograd pays only with enough tiles: its transformed weights are 4x the size of the plain
 * ones, and on a few tiles (ResNet's 7x7 and 14x14 layers at batch 1: 4 and 16 tiles) its 36
 * GEMMs are too thin to run near the BLAS's speed, so im2col's one GEMM wins there. */
#define MIN_TILES 32

static int tiles_of(int size) { return (size + TILE - 1) / TILE; }

int conv_winograd_pays(const conv2d *c, int n, int h, int w)
{
    int ho, wo;
    conv2d_out_hw(c, h, w, &ho, &wo);
    return (long)n * tiles_of(ho) * tiles_of(wo) >= MIN_TILES;
}

int conv_winograd_prepare(conv2d *c)
{
    size_t per_plane = (size_t)c->cout * (size_t)c->cin;
    free(c->wino_weight);
    c->wino_weight = malloc(PLANES * per_plane * sizeof(float));
    if (!c->wino_weight)
        return -1;
    for (int o = 0; o < c->cout; o++)
        for (int i = 0; i < c->cin; i++) {
            const float *g = c->weight + ((size_t)o * (size_t)c->cin + (size_t)i) * 9;
            double tmp[ALPHA][3]; /* G g */
            for (int r = 0; r < ALPHA; r++)
                for (int col = 0; col < 3; col++)
                    tmp[r][col] = G[r][0] * g[col] + G[r][1] * g[3 + col] + G[r][2] * g[6 + col];
            for (int r = 0; r < ALPHA; r++)
                for (int s = 0; s < ALPHA; s++) {
                    double u = tmp[r][0] * G[s][0] + tmp[r][1] * G[s][1] + tmp[r][2] * G[s][2];
                    c->wino_weight[(size_t)(r * ALPHA + s) * per_plane + (size_t)o * (size_t)c->cin + (size_t)i] = (float)u;
                }
        }
    return 0;
}

typedef struct {
    const conv2d *c;
    const float *in, *residual; /* residual: NULL or of out's shape, added before the activation */
    float *out;
    float *v, *m; /* transformed input (36 x cin x tiles), products (36 x cout x tiles) */
    int n, h, w, ho, wo, th, tw;
    long r0, r1;  /* tile rows of this chunk; row r is tile row r % th of image r / th */
    size_t tiles; /* (r1 - r0) * tw */
} wino_job;

/* A chunk of tile rows (across images) makes one batch of 36 GEMMs: enough tiles to keep the
 * GEMMs efficient (N >= CHUNK_MIN_TILES), otherwise as few as keep the transformed data near the
 * caches (under CHUNK_FLOATS).  Each GEMM runs on one thread, so they want a wide N: 1024 tiles
 * and 16 MB ran ResNet-18 at batch 8 5-15 % faster than 256 tiles and 4 MB. */
#define CHUNK_MIN_TILES 1024
#define CHUNK_FLOATS ((size_t)1 << 22)

static long chunk_rows(const conv2d *c, int n, int ho, int wo)
{
    long total = (long)n * tiles_of(ho), tw = tiles_of(wo);
    long rows = (long)(CHUNK_FLOATS / (PLANES * (size_t)(c->cin + c->cout) * (size_t)tw));
    long min_rows = (CHUNK_MIN_TILES + tw - 1) / tw;
    if (rows < min_rows)
        rows = min_rows;
    return rows < total ? rows : total;
}

size_t conv_winograd_scratch(const conv2d *c, int n, int h, int w)
{
    int ho, wo;
    conv2d_out_hw(c, h, w, &ho, &wo);
    return PLANES * (size_t)(c->cin + c->cout) * (size_t)chunk_rows(c, n, ho, wo) * (size_t)tiles_of(wo);
}

/* Tiles are transformed LANES at a time (consecutive tiles of one tile row) with GCC vector
 * extensions; target_clones builds AVX-512, AVX2 and baseline versions of the hot loops. */
#define LANES 16
typedef float vf __attribute__((vector_size(LANES * sizeof(float))));
typedef int vi __attribute__((vector_size(LANES * sizeof(int))));
#define HOT __attribute__((target_clones("avx512f", "avx2", "default")))

/* unaligned vector load and store (memcpy compiles to one move) */
#define VLOAD(v, p) memcpy(&(v), (p), sizeof(vf))
#define VSTORE(p, v) memcpy((p), &(v), sizeof(vf))

/* out = B^T x over 6 vectors */
static inline void bt6(const vf *x, vf *out)
{
    out[0] = 4 * x[0] - 5 * x[2] + x[4];
    out[1] = -4 * x[1] - 4 * x[2] + x[3] + x[4];
    out[2] = 4 * x[1] - 4 * x[2] - x[3] + x[4];
    out[3] = -2 * x[1] - x[2] + 2 * x[3] + x[4];
    out[4] = 2 * x[1] - x[2] - 2 * x[3] + x[4];
    out[5] = 4 * x[1] - 5 * x[3] + x[5];
}

/* out = A^T x over 6 vectors */
static inline void at6(const vf *x, vf *out)
{
    out[0] = x[0] + x[1] + x[2] + x[3] + x[4];
    out[1] = x[1] - x[2] + 2 * (x[3] - x[4]);
    out[2] = x[1] + x[2] + 4 * (x[3] + x[4]);
    out[3] = x[1] - x[2] + 8 * (x[3] - x[4]) + x[5];
}

/* Copies the 6 input rows of tile row ty into rows (6 x pw, zero-padded on every side). */
static void pad_rows(const wino_job *j, const float *src, int ty, float *rows, int pw)
{
    const conv2d *c = j->c;
    memset(rows, 0, (size_t)ALPHA * (size_t)pw * sizeof(float));
    for (int r = 0; r < ALPHA; r++) {
        int y = ty * TILE - c->pad_t + r;
        if (y >= 0 && y < j->h)
            memcpy(rows + (size_t)r * (size_t)pw + c->pad_l, src + (size_t)y * (size_t)j->w, (size_t)j->w * sizeof(float));
    }
}

/* input transform of channels [begin, end) */
HOT static void input_transform(void *ctx, long begin, long end)
{
    const wino_job *j = ctx;
    const conv2d *c = j->c;
    size_t hw = (size_t)j->h * (size_t)j->w, plane_stride = (size_t)c->cin * j->tiles;
    /* padded rows wide enough for a full last group of LANES tiles */
    int groups = (j->tw + LANES - 1) / LANES, pw = groups * LANES * TILE + 2;
    float *rows = malloc((size_t)ALPHA * (size_t)pw * sizeof(float));
    if (!rows)
        abort();
    for (long ci = begin; ci < end; ci++) {
        float *vbase = j->v + (size_t)ci * j->tiles;
        for (long row = j->r0; row < j->r1; row++) {
            int img = (int)(row / j->th), ty = (int)(row % j->th);
            const float *src = j->in + ((size_t)ci * (size_t)j->n + (size_t)img) * hw;
            pad_rows(j, src, ty, rows, pw);
            for (int g = 0; g < groups; g++) {
                int tx0 = g * LANES, cnt = j->tw - tx0 < LANES ? j->tw - tx0 : LANES;
                size_t t0 = (size_t)(row - j->r0) * (size_t)j->tw + (size_t)tx0;
                vf d[ALPHA][ALPHA], tmp[ALPHA][ALPHA];
                for (int r = 0; r < ALPHA; r++)
                    for (int s = 0; s < ALPHA; s++) {
                        const float *p = rows + (size_t)r * (size_t)pw + (size_t)tx0 * TILE + (size_t)s;
                        for (int l = 0; l < LANES; l++)
                            d[r][s][l] = p[l * TILE];
                    }
                for (int r = 0; r < ALPHA; r++)
                    bt6(d[r], tmp[r]); /* tmp[r][s] = (d B)[r][s] */
                for (int s = 0; s < ALPHA; s++) {
                    vf col[ALPHA], res[ALPHA];
                    for (int r = 0; r < ALPHA; r++)
                        col[r] = tmp[r][s];
                    bt6(col, res);
                    for (int r = 0; r < ALPHA; r++) {
                        float *dst = vbase + (size_t)(r * ALPHA + s) * plane_stride + t0;
                        if (cnt == LANES)
                            VSTORE(dst, res[r]);
                        else
                            for (int l = 0; l < cnt; l++)
                                dst[l] = res[r][l];
                    }
                }
            }
        }
    }
    free(rows);
}

/* output transform + bias + activation of output channels [begin, end) */
HOT static void output_transform(void *ctx, long begin, long end)
{
    const wino_job *j = ctx;
    const conv2d *c = j->c;
    size_t ohw = (size_t)j->ho * (size_t)j->wo, plane_stride = (size_t)c->cout * j->tiles;
    int groups = (j->tw + LANES - 1) / LANES;
    const vf zero = {0}, six = zero + 6.0f;
    for (long co = begin; co < end; co++) {
        const float *mbase = j->m + (size_t)co * j->tiles;
        vf bias = zero + c->bias[co];
        for (long row = j->r0; row < j->r1; row++) {
            int img = (int)(row / j->th), ty = (int)(row % j->th);
            size_t plane = ((size_t)co * (size_t)j->n + (size_t)img) * ohw;
            float *dst = j->out + plane;
            const float *resid = j->residual ? j->residual + plane : NULL;
            for (int g = 0; g < groups; g++) {
                    int tx0 = g * LANES, cnt = j->tw - tx0 < LANES ? j->tw - tx0 : LANES;
                    size_t t0 = (size_t)(row - j->r0) * (size_t)j->tw + (size_t)tx0;
                    vf m[ALPHA][ALPHA], tmp[TILE][ALPHA];
                    for (int k = 0; k < PLANES; k++) {
                        const float *p = mbase + (size_t)k * plane_stride + t0;
                        if (cnt == LANES)
                            VLOAD(m[k / ALPHA][k % ALPHA], p);
                        else {
                            m[k / ALPHA][k % ALPHA] = zero;
                            for (int l = 0; l < cnt; l++)
                                m[k / ALPHA][k % ALPHA][l] = p[l];
                        }
                    }
                    for (int s = 0; s < ALPHA; s++) {
                        vf col[ALPHA], res[TILE];
                        for (int r = 0; r < ALPHA; r++)
                            col[r] = m[r][s];
                        at6(col, res);
                        for (int r = 0; r < TILE; r++)
                            tmp[r][s] = res[r];
                    }
                    for (int r = 0; r < TILE; r++) {
                        int y = ty * TILE + r;
                        if (y >= j->ho)
                            break;
                        vf res[TILE];
                        at6(tmp[r], res);
                        size_t orow = (size_t)y * (size_t)j->wo;
                        for (int s = 0; s < TILE; s++) {
                            res[s] += bias;
                            if (resid)
                                for (int l = 0; l < cnt; l++) {
                                    int x = (tx0 + l) * TILE + s;
                                    res[s][l] += x < j->wo ? resid[orow + (size_t)x] : 0.0f;
                                }
                            if (c->act != ACT_NONE)
                                res[s] = (vf)((vi)res[s] & (res[s] > zero));
                            if (c->act == ACT_RELU6) {
                                vi below = res[s] < six;
                                res[s] = (vf)(((vi)res[s] & below) | ((vi)six & ~below));
                            }
                        }
                        for (int l = 0; l < cnt; l++)
                            for (int s = 0; s < TILE; s++) {
                                int x = (tx0 + l) * TILE + s;
                                if (x < j->wo)
                                    dst[orow + (size_t)x] = res[s][l];
                            }
                    }
                }
        }
    }
}

/* the GEMMs of transformed planes [begin, end): m[k] = U[k] (cout x cin) * v[k] (cin x tiles),
 * each on one thread (the pool runs OpenBLAS single-threaded, parallel.h) */
static void plane_gemms(void *ctx, long begin, long end)
{
    const wino_job *j = ctx;
    const conv2d *c = j->c;
    size_t a_stride = (size_t)c->cout * (size_t)c->cin;
    for (long k = begin; k < end; k++)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, c->cout, (int)j->tiles, c->cin, 1.0f,
                    c->wino_weight + (size_t)k * a_stride, c->cin, j->v + (size_t)k * (size_t)c->cin * j->tiles,
                    (int)j->tiles, 0.0f, j->m + (size_t)k * (size_t)c->cout * j->tiles, (int)j->tiles);
}

void conv_winograd_forward(const conv2d *c, const float *in, float *out, int n, int h, int w, float *scratch,
                           const float *residual)
{
    wino_job j = {.c = c, .in = in, .residual = residual, .out = out, .n = n, .h = h, .w = w};
    conv2d_out_hw(c, h, w, &j.ho, &j.wo);
    j.th = tiles_of(j.ho);
    j.tw = tiles_of(j.wo);
    long chunk = chunk_rows(c, n, j.ho, j.wo), total = (long)n * j.th;
    for (j.r0 = 0; j.r0 < total; j.r0 += chunk) {
        j.r1 = total - j.r0 < chunk ? total : j.r0 + chunk;
        j.tiles = (size_t)(j.r1 - j.r0) * (size_t)j.tw;
        j.v = scratch;
        j.m = scratch + PLANES * (size_t)c->cin * j.tiles;
        parallel_for(c->cin, input_transform, &j);
        parallel_for(PLANES, plane_gemms, &j);
        parallel_for(c->cout, output_transform, &j);
    }
}
