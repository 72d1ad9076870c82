/* 3x3 stride-1 convolution by Winograd F(4x4, 3x3): each 6x6 input tile is transformed (B^T d B),
 * the 36 transformed planes are multiplied by the transformed weights (G g G^T) as 36 batched
 * sgemms (cout x cin times cin x tiles), and each result tile is transformed back (A^T m A) to a
 * 4x4 output block with bias, residual and activation fused.  2.25x-4x fewer multiplies than
 * im2col; the transforms run on the worker pool (parallel.h). */
#include "extractor/conv_kernels.h"

#include "extractor/parallel.h"
#include "extractor/simd.h"

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
    float *strips; /* per thread: (r1 - r0) padded strips, or the output transform's stage */
    int n, h, w, ho, wo, th, tw;
    long r0, r1;  /* tile rows of this chunk; row r is tile row r % th of image r / th */
    size_t tiles; /* (r1 - r0) * tw; chunk tile t is column t % tw of row r0 + t / tw */
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

/* one input channel's tile rows of a chunk, padded: 6 rows of 4 tw + 2 columns per tile row; the
 * output transform reuses a thread's strips as its stage (4 rows of 4 tw per tile row: fewer) */
static size_t strip_floats(int tw) { return (size_t)ALPHA * (size_t)(tw * TILE + 2); }

/* the transformed input and the products of a chunk, then a padded-strip slice per thread */
size_t conv_winograd_scratch(const conv2d *c, int n, int h, int w)
{
    int ho, wo;
    conv2d_out_hw(c, h, w, &ho, &wo);
    size_t rows = (size_t)chunk_rows(c, n, ho, wo), tw = (size_t)tiles_of(wo);
    return PLANES * (size_t)(c->cin + c->cout) * rows * tw + (size_t)parallel_threads() * rows * strip_floats((int)tw);
}

/* Tiles are transformed LANES at a time (consecutive tiles of a chunk) with GCC vector
 * extensions, in AVX-512, AVX2 and baseline builds (simd.h). */
#define LANES 16
typedef float vf __attribute__((vector_size(LANES * sizeof(float))));
typedef int vi __attribute__((vector_size(LANES * sizeof(int))));

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

/* tiles in a group: LANES consecutive tiles of the chunk, across tile rows and images, so the
 * vectors are full whatever the width (ResNet's layers are 14, 7, 4 and 2 tiles wide) */
static int group_count(const wino_job *j, size_t t0) { return j->tiles - t0 < LANES ? (int)(j->tiles - t0) : LANES; }

/* input transform of channels [begin, end): the chunk's tile rows of one channel are padded into
 * strips (6 rows each), then every group of tiles is transformed from them */
SIMD_CLONES static void input_transform(const wino_job *j, long begin, long end, float *strips)
{
    const conv2d *c = j->c;
    size_t hw = (size_t)j->h * (size_t)j->w, plane_stride = (size_t)c->cin * j->tiles;
    int pw = j->tw * TILE + 2; /* a tile reads columns 4 tx .. 4 tx + 5 */
    size_t strip = strip_floats(j->tw);
    for (long ci = begin; ci < end; ci++) {
        for (long row = j->r0; row < j->r1; row++) {
            int img = (int)(row / j->th), ty = (int)(row % j->th);
            pad_rows(j, j->in + ((size_t)ci * (size_t)j->n + (size_t)img) * hw, ty, strips + (size_t)(row - j->r0) * strip, pw);
        }
        float *vbase = j->v + (size_t)ci * j->tiles;
        for (size_t t0 = 0; t0 < j->tiles; t0 += LANES) {
            int cnt = group_count(j, t0);
            const float *src[LANES];
            for (int l = 0; l < LANES; l++) {
                size_t t = t0 + (size_t)(l < cnt ? l : cnt - 1);
                src[l] = strips + t / (size_t)j->tw * strip + t % (size_t)j->tw * TILE;
            }
            vf d[ALPHA][ALPHA], tmp[ALPHA][ALPHA];
            for (int r = 0; r < ALPHA; r++)
                for (int s = 0; s < ALPHA; s++)
                    for (int l = 0; l < LANES; l++)
                        d[r][s][l] = src[l][(size_t)r * (size_t)pw + (size_t)s];
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

/* the strips of the thread in slot (parallel_shares) */
static float *thread_strips(const wino_job *j, int slot)
{
    return j->strips + (size_t)slot * (size_t)(j->r1 - j->r0) * strip_floats(j->tw);
}

/* a thread's share of the input channels, with its slice of the strips */
static void input_share(void *ctx, int slot, long begin, long end)
{
    input_transform(ctx, begin, end, thread_strips(ctx, slot));
}

/* out[4 l + s] = a[s][l] across four vectors (out[q] holds tiles 4q .. 4q + 3): one output row
 * of LANES consecutive tiles, laid out as consecutive 4-column blocks */
SIMD_INLINE void interleave4(const vf a[TILE], vf out[TILE])
{
    const vi lo = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23};
    const vi hi = lo + 8;
    const vi even = {0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23};
    const vi odd = even + 8;
    vf lo01 = __builtin_shuffle(a[0], a[1], lo), hi01 = __builtin_shuffle(a[0], a[1], hi);
    vf lo23 = __builtin_shuffle(a[2], a[3], lo), hi23 = __builtin_shuffle(a[2], a[3], hi);
    out[0] = __builtin_shuffle(lo01, lo23, even);
    out[1] = __builtin_shuffle(lo01, lo23, odd);
    out[2] = __builtin_shuffle(hi01, hi23, even);
    out[3] = __builtin_shuffle(hi01, hi23, odd);
}

/* A^T m A of the group of tiles at t0 (cnt of them) of output channel co, plus its bias, into
 * stage: row r of the 4x4 blocks of every chunk tile at stage + r * 4 tiles, tile t at column 4 t */
SIMD_INLINE void transform_group(const wino_job *j, long co, size_t t0, int cnt, float *stage)
{
    size_t plane_stride = (size_t)j->c->cout * j->tiles;
    const float *mbase = j->m + (size_t)co * j->tiles + t0;
    const vf zero = {0};
    vf m[ALPHA][ALPHA], tmp[TILE][ALPHA];
    for (int k = 0; k < PLANES; k++) {
        const float *p = mbase + (size_t)k * plane_stride;
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
    vf bias = zero + j->c->bias[co];
    for (int r = 0; r < TILE; r++) {
        vf o[TILE], row[TILE];
        at6(tmp[r], o);
        for (int s = 0; s < TILE; s++)
            o[s] += bias;
        interleave4(o, row);
        float *dst = stage + (size_t)r * TILE * j->tiles + TILE * t0;
        if (cnt == LANES)
            for (int q = 0; q < TILE; q++)
                VSTORE(dst + q * LANES, row[q]);
        else
            memcpy(dst, row, (size_t)cnt * TILE * sizeof(float));
    }
}

/* output transform + bias + residual + activation of output channels [begin, end): the tiles of
 * a channel are transformed into the thread's stage, then copied out a tile row at a time (4
 * contiguous image rows) and finished with the residual and the activation while in cache */
SIMD_CLONES static void output_transform(const wino_job *j, long begin, long end, float *stage)
{
    size_t wo = (size_t)j->wo, chan = (size_t)j->n * (size_t)j->ho * wo; /* one channel, all images */
    for (long co = begin; co < end; co++) {
        for (size_t t0 = 0; t0 < j->tiles; t0 += LANES)
            transform_group(j, co, t0, group_count(j, t0), stage);
        for (long row = j->r0; row < j->r1; row++) {
            int img = (int)(row / j->th), y = (int)(row % j->th) * TILE, rows = j->ho - y < TILE ? j->ho - y : TILE;
            size_t at = (size_t)co * chan + ((size_t)img * (size_t)j->ho + (size_t)y) * wo;
            const float *src = stage + (size_t)(row - j->r0) * (size_t)j->tw * TILE;
            for (int r = 0; r < rows; r++)
                memcpy(j->out + at + (size_t)r * wo, src + (size_t)r * TILE * j->tiles, wo * sizeof(float));
            activation_block(j->out + at, wo, rows, wo, NULL, j->residual ? j->residual + at : NULL, j->c->act);
        }
    }
}

/* a thread's share of the output channels, with its slice of the scratch as the stage */
static void output_share(void *ctx, int slot, long begin, long end)
{
    output_transform(ctx, begin, end, thread_strips(ctx, slot));
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
        j.strips = j.m + PLANES * (size_t)c->cout * j.tiles;
        parallel_shares(c->cin, input_share, &j);
        parallel_for(PLANES, plane_gemms, &j);
        parallel_shares(c->cout, output_share, &j);
    }
}
