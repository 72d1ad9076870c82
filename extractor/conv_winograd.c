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
    float *thread; /* per thread (thread_floats): the input's phases, or the output's stage */
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

/* Tiles are transformed LANES at a time (consecutive tiles of a chunk) with GCC vector
 * extensions, in AVX-512, AVX2 and baseline builds (simd.h). */
#define LANES 16
typedef float vf __attribute__((vector_size(LANES * sizeof(float))));
typedef int vi __attribute__((vector_size(LANES * sizeof(int))));

/* The input transform works through a channel a block of tile rows at a time, whose phases
 * (channel_phases) stay in the L1 cache: a whole number of vectors of tiles, at least 64. */
static long block_rows(int tw)
{
    long rows = LANES;
    while (rows % 2 == 0 && (rows / 2) * tw % LANES == 0)
        rows /= 2;
    while (rows * tw < 64)
        rows *= 2;
    return rows;
}

/* Per thread: the phases of one block or the output transform's stage (4 x 4 values of each
 * chunk tile), then the block's padded input rows (6 per tile row).  A row holds whole vectors
 * of tiles plus the next tile's columns; a phase has one vector of slack for the last tile row's
 * lanes. */
static size_t row_floats(int tw) { return (size_t)TILE * (size_t)((tw + LANES - 1) / LANES * LANES + 1); }
static size_t phase_stride(int tw) { return (size_t)block_rows(tw) * (size_t)tw + LANES; }
static size_t thread_floats(size_t tiles, int tw)
{
    size_t phases = PLANES * phase_stride(tw), stage = TILE * TILE * tiles;
    return (phases > stage ? phases : stage) + (size_t)block_rows(tw) * ALPHA * row_floats(tw);
}

/* the transformed input and the products of a chunk, then a slice per thread */
size_t conv_winograd_scratch(const conv2d *c, int n, int h, int w)
{
    int ho, wo;
    conv2d_out_hw(c, h, w, &ho, &wo);
    size_t tiles = (size_t)chunk_rows(c, n, ho, wo) * (size_t)tiles_of(wo);
    return PLANES * (size_t)(c->cin + c->cout) * tiles + (size_t)parallel_threads() * thread_floats(tiles, tiles_of(wo));
}

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

/* tiles in the group at t0 of count tiles: LANES consecutive tiles, across tile rows and images,
 * so the vectors are full whatever the width (ResNet's layers are 14, 7, 4 and 2 tiles wide) */
static int group_count(size_t count, size_t t0) { return count - t0 < LANES ? (int)(count - t0) : LANES; }

/* The two-stage shuffle of both 4-vector (de)interleaves: pairs (x0, x1) and (x2, x3) are each
 * shuffled by first_a and first_b, then the two first_a results by second_a and second_b into
 * out[0], out[1], the two first_b results likewise into out[2], out[3]. */
SIMD_INLINE void shuffle_4x4(const vf x[TILE], vi first_a, vi first_b, vi second_a, vi second_b, vf out[TILE])
{
    vf a01 = __builtin_shuffle(x[0], x[1], first_a), b01 = __builtin_shuffle(x[0], x[1], first_b);
    vf a23 = __builtin_shuffle(x[2], x[3], first_a), b23 = __builtin_shuffle(x[2], x[3], first_b);
    out[0] = __builtin_shuffle(a01, a23, second_a);
    out[1] = __builtin_shuffle(a01, a23, second_b);
    out[2] = __builtin_shuffle(b01, b23, second_a);
    out[3] = __builtin_shuffle(b01, b23, second_b);
}

/* p[s][l] = x[4 l + s] for s < 4, over 4 vectors x (64 values: 16 tiles of 4 columns) */
SIMD_INLINE void deinterleave4(const vf x[TILE], vf p[TILE])
{
    const vi pairs = {0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29};
    const vi even = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
    shuffle_4x4(x, pairs, pairs + 2, even, even + 1, p);
}

/* The 6 phases of one padded input row (row: pw values, zero beyond the image) for the tw tiles
 * of a tile row: phase s, tile tx = row[4 tx + s], stored at dst[s * stride + tx].  Vectors of
 * 16 tiles; the lanes past tw land on the next tile row's slots, which are written after. */
SIMD_INLINE void row_phases(const float *row, int tw, float *dst, size_t stride)
{
    for (int tx = 0; tx < tw; tx += LANES) {
        vf x[TILE], p[TILE], next[TILE], q[TILE];
        for (int k = 0; k < TILE; k++) {
            VLOAD(x[k], row + TILE * tx + k * LANES);
            VLOAD(next[k], row + TILE * tx + TILE + k * LANES);
        }
        deinterleave4(x, p);
        deinterleave4(next, q); /* phases 4 and 5 are phases 0 and 1 of the next tile */
        for (int k = 0; k < TILE; k++)
            VSTORE(dst + (size_t)k * stride + (size_t)tx, p[k]);
        VSTORE(dst + 4 * stride + (size_t)tx, q[0]);
        VSTORE(dst + 5 * stride + (size_t)tx, q[1]);
    }
}

/* The phases of one input channel for tile rows [r0, r1) of the chunk: phase (r, s) of the
 * block's tile t is the value at row r, column s of its 6x6 input tile, at
 * phases[(6 r + s) * stride + t].  The 6 input rows of every tile row are first copied into rows
 * (zero-padded), all before any is read back, so that no vector load waits on those copies. */
SIMD_INLINE void channel_phases(const wino_job *j, const float *chan, long r0, long r1, float *phases, float *rows)
{
    const conv2d *c = j->c;
    size_t stride = phase_stride(j->tw), hw = (size_t)j->h * (size_t)j->w, pw = row_floats(j->tw);
    memset(rows, 0, (size_t)(r1 - r0) * ALPHA * pw * sizeof(float));
    for (long tr = r0; tr < r1; tr++) {
        int img = (int)(tr / j->th), ty = (int)(tr % j->th);
        for (int r = 0; r < ALPHA; r++) {
            int y = ty * TILE - c->pad_t + r;
            if (y >= 0 && y < j->h)
                memcpy(rows + ((size_t)(tr - r0) * ALPHA + (size_t)r) * pw + c->pad_l,
                       chan + (size_t)img * hw + (size_t)y * (size_t)j->w, (size_t)j->w * sizeof(float));
        }
    }
    for (long tr = r0; tr < r1; tr++)
        for (int r = 0; r < ALPHA; r++)
            row_phases(rows + ((size_t)(tr - r0) * ALPHA + (size_t)r) * pw, j->tw,
                       phases + (size_t)(r * ALPHA) * stride + (size_t)(tr - r0) * (size_t)j->tw, stride);
}

/* B^T d B of the block's tiles [0, count) from their phases, into the chunk's tiles from t_first
 * of channel ci */
SIMD_INLINE void transform_block(const wino_job *j, long ci, const float *phases, size_t t_first, size_t count)
{
    size_t plane_stride = (size_t)j->c->cin * j->tiles, stride = phase_stride(j->tw);
    float *vbase = j->v + (size_t)ci * j->tiles + t_first;
    for (size_t t0 = 0; t0 < count; t0 += LANES) {
        int cnt = group_count(count, t0);
        vf d[ALPHA][ALPHA], tmp[ALPHA][ALPHA];
        for (int r = 0; r < ALPHA; r++)
            for (int s = 0; s < ALPHA; s++)
                VLOAD(d[r][s], phases + (size_t)(r * ALPHA + s) * stride + t0);
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
                    memcpy(dst, &res[r], (size_t)cnt * sizeof(float));
            }
        }
    }
}

/* input transform of channels [begin, end), a block of tile rows at a time: split into phases,
 * then transformed LANES tiles at a time from contiguous vectors */
SIMD_CLONES static void input_transform(const wino_job *j, long begin, long end, float *phases)
{
    float *padded = phases + PLANES * phase_stride(j->tw);
    long rows = block_rows(j->tw);
    for (long ci = begin; ci < end; ci++) {
        const float *chan = j->in + (size_t)ci * (size_t)j->n * (size_t)j->h * (size_t)j->w;
        for (long b0 = j->r0; b0 < j->r1; b0 += rows) {
            long b1 = j->r1 - b0 < rows ? j->r1 : b0 + rows;
            channel_phases(j, chan, b0, b1, phases, padded);
            transform_block(j, ci, phases, (size_t)(b0 - j->r0) * (size_t)j->tw, (size_t)(b1 - b0) * (size_t)j->tw);
        }
    }
}

/* the scratch slice of the thread in slot (parallel_shares) */
static float *thread_scratch(const wino_job *j, int slot)
{
    return j->thread + (size_t)slot * thread_floats(j->tiles, j->tw);
}

/* a thread's share of the input channels, with its scratch for the phases */
static void input_share(void *ctx, int slot, long begin, long end)
{
    input_transform(ctx, begin, end, thread_scratch(ctx, slot));
}

/* out[4 l + s] = a[s][l] across four vectors (out[q] holds tiles 4q .. 4q + 3): one output row
 * of LANES consecutive tiles, laid out as consecutive 4-column blocks */
SIMD_INLINE void interleave4(const vf a[TILE], vf out[TILE])
{
    const vi zip = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23};
    const vi zip_pairs = {0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23};
    shuffle_4x4(a, zip, zip + 8, zip_pairs, zip_pairs + 8, out);
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
            memcpy(&m[k / ALPHA][k % ALPHA], p, (size_t)cnt * sizeof(float));
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
            transform_group(j, co, t0, group_count(j->tiles, t0), stage);
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
    output_transform(ctx, begin, end, thread_scratch(ctx, slot));
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
        j.thread = j.m + PLANES * (size_t)c->cout * j.tiles;
        parallel_shares(c->cin, input_share, &j);
        parallel_for(PLANES, plane_gemms, &j);
        parallel_shares(c->cout, output_share, &j);
    }
}
