/* Inference-core ops against naive reference loops: every convolution path (im2col + sgemm with
 * groups, stride and asymmetric padding; direct 1x1; depthwise; Winograd F(4,3) on sizes that
 * leave partial tiles), TF "SAME" padding, batch-norm folding, ReLU6, max pool with padding,
 * global average pool, fully connected; every convolution path also with a residual added
 * before the activation (the fused ResNet join). */
#include "extractor/blas_kernel.h"
#include "extractor/activation.h"
#include "extractor/conv2d.h"
#include "extractor/linear.h"
#include "extractor/parallel.h"
#include "extractor/pool.h"
#include "tests/harness.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

static unsigned rng = 1;

static float frand(void)
{
    rng = rng * 1103515245u + 12345u;
    return (float)((rng >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static float *rand_array(size_t n)
{
    float *a = malloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = frand();
    return a;
}

/* naive convolution on CNHW data, same semantics as conv2d_forward_add (residual may be NULL) */
static void ref_conv(const conv2d *c, const float *in, const float *residual, float *out, int n, int h, int w)
{
    int ho, wo, cin_g = c->cin / c->groups, cout_g = c->cout / c->groups;
    conv2d_out_hw(c, h, w, &ho, &wo);
    for (int o = 0; o < c->cout; o++)
        for (int img = 0; img < n; img++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++) {
                    double s = c->bias[o];
                    int g = o / cout_g;
                    for (int ci = 0; ci < cin_g; ci++)
                        for (int ki = 0; ki < c->kh; ki++)
                            for (int kj = 0; kj < c->kw; kj++) {
                                int y = oy * c->stride - c->pad_t + ki, x = ox * c->stride - c->pad_l + kj;
                                if (y < 0 || y >= h || x < 0 || x >= w)
                                    continue;
                                float v = in[(((size_t)(g * cin_g + ci) * (size_t)n + (size_t)img) * (size_t)h + (size_t)y) * (size_t)w + (size_t)x];
                                s += (double)v * c->weight[(((size_t)o * (size_t)cin_g + (size_t)ci) * (size_t)c->kh + (size_t)ki) * (size_t)c->kw + (size_t)kj];
                            }
                    size_t at = (((size_t)o * (size_t)n + (size_t)img) * (size_t)ho + (size_t)oy) * (size_t)wo + (size_t)ox;
                    if (residual)
                        s += residual[at];
                    if (c->act != ACT_NONE && s < 0)
                        s = 0;
                    if (c->act == ACT_RELU6 && s > 6)
                        s = 6;
                    out[at] = (float)s;
                }
}

static double max_rel_diff(const float *a, const float *b, size_t n)
{
    double md = 0, mr = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (isnan(d) || d > md)
            md = d;
        if (fabs((double)b[i]) > mr)
            mr = fabs((double)b[i]);
    }
    return mr > 0 ? md / mr : md;
}

/* Runs conv2d_forward and the reference on random data, without and with a residual; returns 1
 * when they agree and the kernel the name promises ran. */
static int conv_case(conv2d *c, int n, int h, int w, const char *what)
{
    size_t wn = (size_t)c->cout * (size_t)(c->cin / c->groups) * (size_t)c->kh * (size_t)c->kw;
    for (size_t i = 0; i < wn; i++)
        c->weight[i] = frand();
    for (int i = 0; i < c->cout; i++)
        c->bias[i] = frand();
    if (conv2d_prepare(c) < 0)
        return 0;
    int ho, wo;
    conv2d_out_hw(c, h, w, &ho, &wo);
    size_t in_n = (size_t)c->cin * (size_t)n * (size_t)h * (size_t)w, out_n = (size_t)c->cout * (size_t)n * (size_t)ho * (size_t)wo;
    float *in = rand_array(in_n), *out = malloc(out_n * sizeof(float)), *want = malloc(out_n * sizeof(float));
    float *residual = rand_array(out_n);
    float *scratch = malloc((conv2d_scratch_floats(c, n, h, w) + 1) * sizeof(float));
    conv2d_forward(c, in, out, n, h, w, scratch);
    ref_conv(c, in, NULL, want, n, h, w);
    double r = max_rel_diff(out, want, out_n);
    conv2d_forward_add(c, in, out, n, h, w, scratch, residual);
    ref_conv(c, in, residual, want, n, h, w);
    double r_add = max_rel_diff(out, want, out_n);
    int winograd = conv2d_uses_winograd(c, n, h, w);
    printf("# %s: %dx%d -> %dx%d, %s, max rel diff %.2g, with residual %.2g\n", what, h, w, ho, wo,
           winograd ? "winograd" : "direct/im2col", r, r_add);
    free(in);
    free(residual);
    free(out);
    free(want);
    free(scratch);
    conv2d_free(c);
    return r < 1e-5 && r_add < 1e-5 && winograd == (strncmp(what, "winograd", 8) == 0);
}

static void test_conv_im2col_groups_stride_padding(void)
{
    conv2d c;
    CHECK(conv2d_init(&c, 4, 6, 3, 2, 1, 2, ACT_RELU) == 0);
    CHECK(conv_case(&c, 3, 11, 9, "grouped 3x3/2"));
    CHECK(conv2d_init(&c, 3, 5, 7, 2, 3, 1, ACT_NONE) == 0);
    CHECK(conv_case(&c, 2, 20, 17, "7x7/2 stem-like"));
    /* 3840 columns: shared out in blocks of 1728, which start and end inside images and rows */
    CHECK(conv2d_init(&c, 3, 5, 7, 2, 3, 1, ACT_RELU) == 0);
    CHECK(conv_case(&c, 4, 64, 60, "7x7/2 stem-like in column blocks"));
    CHECK(conv2d_init(&c, 3, 4, 3, 2, 0, 1, ACT_RELU6) == 0);
    c.pad_b = c.pad_r = 1; /* TF SAME on an even input */
    CHECK(conv_case(&c, 2, 8, 10, "3x3/2 asymmetric pad"));
    CHECK(conv2d_init(&c, 5, 7, 1, 2, 0, 1, ACT_NONE) == 0);
    CHECK(conv_case(&c, 2, 9, 9, "1x1/2 downsample"));
    CHECK(conv2d_init(&c, 8, 16, 3, 1, 1, 1, ACT_RELU) == 0);
    c.pad_t = 3; /* padding beyond Winograd's range: im2col */
    CHECK(conv_case(&c, 1, 6, 6, "3x3/1 pad 3 top"));
    CHECK(conv2d_init(&c, 3, 4, 3, 1, 1, 2, ACT_NONE) < 0); /* 3 channels do not split in 2 groups */
}

static void test_conv_pointwise(void)
{
    conv2d c;
    /* 105 columns: the GEMM is split by rows; 1156: by column blocks with a partial last one */
    CHECK(conv2d_init(&c, 12, 40, 1, 1, 0, 1, ACT_RELU6) == 0);
    CHECK(conv_case(&c, 3, 7, 5, "1x1 pointwise"));
    CHECK(conv2d_init(&c, 12, 10, 1, 1, 0, 1, ACT_RELU) == 0);
    CHECK(conv_case(&c, 4, 17, 17, "1x1 pointwise wide"));
}

static void test_conv_depthwise(void)
{
    conv2d c;
    CHECK(conv2d_init(&c, 6, 6, 3, 1, 0, 6, ACT_RELU6) == 0);
    conv2d_pad_same(&c, 9, 7);
    CHECK(c.pad_t == 1 && c.pad_b == 1 && c.pad_l == 1 && c.pad_r == 1);
    CHECK(conv_case(&c, 2, 9, 7, "depthwise 3x3/1 SAME"));
    CHECK(conv2d_init(&c, 5, 5, 3, 2, 0, 5, ACT_RELU6) == 0);
    conv2d_pad_same(&c, 10, 12);
    CHECK(c.pad_t == 0 && c.pad_b == 1 && c.pad_l == 0 && c.pad_r == 1);
    CHECK(conv_case(&c, 3, 10, 12, "depthwise 3x3/2 SAME even"));
    CHECK(conv2d_init(&c, 4, 4, 3, 2, 0, 4, ACT_NONE) == 0);
    conv2d_pad_same(&c, 11, 11);
    CHECK(c.pad_t == 1 && c.pad_b == 1);
    CHECK(conv_case(&c, 2, 11, 11, "depthwise 3x3/2 SAME odd"));
    /* rows wide enough for the vectorised inner sweep, and a 5x5 kernel (bounds-checked path) */
    CHECK(conv2d_init(&c, 3, 3, 3, 1, 1, 3, ACT_RELU6) == 0);
    CHECK(conv_case(&c, 2, 29, 45, "depthwise 3x3/1 wide"));
    CHECK(conv2d_init(&c, 3, 3, 3, 2, 0, 3, ACT_RELU) == 0);
    conv2d_pad_same(&c, 40, 38);
    CHECK(conv_case(&c, 2, 40, 38, "depthwise 3x3/2 wide"));
    CHECK(conv2d_init(&c, 2, 2, 5, 1, 2, 2, ACT_NONE) == 0);
    CHECK(conv_case(&c, 2, 12, 13, "depthwise 5x5/1"));
}

static void test_conv_winograd(void)
{
    /* h, w, padding, batch: partial tiles (13, 6), more than one LANES group of tiles (70 -> 18
     * tiles), padding 0..2; batches large enough for conv2d to choose Winograd (>= 32 tiles);
     * 16 x 16 at batch 5: 20 tile rows, more than one block of them (16) with a partial last */
    static const int sizes[][4] = {{13, 13, 1, 2}, {6, 70, 1, 3}, {8, 8, 0, 8}, {9, 10, 2, 4}, {1, 1, 1, 32},
                                   {16, 16, 1, 5}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        conv2d c;
        CHECK(conv2d_init(&c, 7, 9, 3, 1, sizes[i][2], 1, ACT_RELU) == 0);
        CHECK(conv_case(&c, sizes[i][3], sizes[i][0], sizes[i][1], "winograd 3x3/1"));
    }
    /* a Winograd-capable layer on too few tiles (ResNet's 7x7 at batch 1) goes through im2col */
    conv2d c;
    CHECK(conv2d_init(&c, 7, 9, 3, 1, 1, 1, ACT_RELU) == 0);
    CHECK(conv_case(&c, 1, 7, 7, "3x3/1 on 4 tiles"));
}

static void test_fold_bn(void)
{
    conv2d c;
    CHECK(conv2d_init(&c, 1, 2, 1, 1, 0, 1, ACT_NONE) == 0);
    c.weight[0] = 2;
    c.weight[1] = -1;
    c.bias[1] = 1;
    float gamma[2] = {3, 1}, beta[2] = {0.5f, 0}, mean[2] = {1, 2}, var[2] = {3.999f, 0.999f};
    conv2d_fold_bn(&c, gamma, beta, mean, var, 1e-3f);
    /* channel 0: 3 * (2x - 1) / 2 + 0.5 = 3x - 1; channel 1: (1 - x - 2) / 1 = -x - 1 */
    CHECK(fabsf(c.weight[0] - 3) < 1e-6f && fabsf(c.bias[0] + 1) < 1e-6f);
    CHECK(fabsf(c.weight[1] + 1) < 1e-6f && fabsf(c.bias[1] + 1) < 1e-6f);
    conv2d_free(&c);
}

/* naive max pool over one plane: every window tap bounds-checked, padding never counted */
static float ref_maxpool_at(const maxpool2d *p, const float *src, int h, int w, int oy, int ox)
{
    float m = -FLT_MAX;
    for (int y = oy * p->stride - p->pad; y < oy * p->stride - p->pad + p->k; y++)
        for (int x = ox * p->stride - p->pad; x < ox * p->stride - p->pad + p->k; x++)
            if (y >= 0 && y < h && x >= 0 && x < w && src[y * w + x] > m)
                m = src[y * w + x];
    return m;
}

/* ResNet's 3x3/2 pad 1 and VGG's 2x2/2 on odd and even sizes, several planes at once; values
 * all negative so that a padded zero would win if it were counted */
static int maxpool_case(maxpool2d p, int planes, int h, int w)
{
    int ho = maxpool2d_out_dim(&p, h), wo = maxpool2d_out_dim(&p, w), bad = 0;
    float *in = rand_array((size_t)planes * (size_t)(h * w)), *out = malloc((size_t)planes * (size_t)(ho * wo) * sizeof *out);
    for (size_t i = 0; i < (size_t)planes * (size_t)(h * w); i++)
        in[i] = in[i] - 2.0f;
    maxpool2d_forward(&p, in, out, planes, 1, h, w);
    for (int pl = 0; pl < planes; pl++)
        for (int oy = 0; oy < ho; oy++)
            for (int ox = 0; ox < wo; ox++)
                bad += out[(pl * ho + oy) * wo + ox] != ref_maxpool_at(&p, in + pl * h * w, h, w, oy, ox);
    free(in);
    free(out);
    return bad == 0;
}

static void test_pools(void)
{
    /* 1 channel, 1 image, 4x4 of -16..-1: padding must never win the max */
    float in[16], out[4], avg[1];
    for (int i = 0; i < 16; i++)
        in[i] = (float)(i - 16);
    maxpool2d p = {3, 2, 1};
    CHECK(maxpool2d_out_dim(&p, 4) == 2);
    maxpool2d_forward(&p, in, out, 1, 1, 4, 4);
    CHECK(out[0] == -11 && out[1] == -9 && out[2] == -3 && out[3] == -1);
    CHECK(maxpool_case((maxpool2d){3, 2, 1}, 5, 17, 23));
    CHECK(maxpool_case((maxpool2d){3, 2, 1}, 3, 112, 112));
    CHECK(maxpool_case((maxpool2d){2, 2, 0}, 4, 14, 15));
    CHECK(maxpool_case((maxpool2d){3, 1, 1}, 2, 9, 8));
    global_avgpool_forward(in, avg, 1, 1, 16, 1);
    CHECK(fabsf(avg[0] + 8.5f) < 1e-6f);
    /* CNHW 2 channels x 2 images x 2 values -> n x c */
    float in2[8] = {1, 3, 10, 20, -1, -3, 5, 7}, out2[4];
    global_avgpool_forward(in2, out2, 2, 2, 2, 2);
    CHECK(out2[0] == 2 && out2[1] == -2 && out2[2] == 15 && out2[3] == 6);
}

static void test_linear_and_activations(void)
{
    float w[6] = {1, 2, 3, -1, -2, -3}, b[2] = {0.5f, 1}, x[6] = {1, 1, 1, 2, 0, 1}, y[4];
    linear l = {.in = 3, .out = 2, .act = ACT_RELU, .weight = w, .bias = b};
    linear_forward(&l, x, y, 2);
    CHECK(y[0] == 6.5f && y[1] == 0 && y[2] == 5.5f && y[3] == 0);
    float r[4] = {-1, 3, 7, 0.5f};
    activation_block(r, 2, 2, 2, b, NULL, ACT_RELU6);
    CHECK(r[0] == 0 && r[1] == 3.5f && r[2] == 6 && r[3] == 1.5f);
    float a[4] = {1, -2, 3, -4}, s[4] = {-2, 1, 1, 2};
    activation_block(a, 2, 2, 2, b, s, ACT_RELU);
    CHECK(a[0] == 0 && a[1] == 0 && a[2] == 5 && a[3] == 0);
    /* a fully connected layer wider than one column block (64), batch 3, against a naive loop */
    enum { IN = 37, OUT = 150, N = 3 };
    float *lw = rand_array((size_t)IN * OUT), *lb = rand_array(OUT), *lx = rand_array((size_t)N * IN);
    float ly[N * OUT], want[N * OUT];
    linear wide = {.in = IN, .out = OUT, .act = ACT_RELU, .weight = lw, .bias = lb};
    linear_forward(&wide, lx, ly, N);
    for (int i = 0; i < N; i++)
        for (int o = 0; o < OUT; o++) {
            double v = lb[o];
            for (int k = 0; k < IN; k++)
                v += (double)lx[i * IN + k] * lw[o * IN + k];
            want[i * OUT + o] = v > 0 ? (float)v : 0.0f;
        }
    CHECK(max_rel_diff(ly, want, N * OUT) < 1e-5);
    free(lw);
    free(lb);
    free(lx);
}

int main(int argc, char **argv)
{
    (void)argc;
    blas_kernel_ensure(argv); /* the kernel the programs use, so that is the one proven right */
    printf("# OpenBLAS kernel %s\n", blas_kernel_name());
    parallel_acquire();
    RUN(test_conv_im2col_groups_stride_padding);
    RUN(test_conv_pointwise);
    RUN(test_conv_depthwise);
    RUN(test_conv_winograd);
    RUN(test_fold_bn);
    RUN(test_pools);
    RUN(test_linear_and_activations);
    parallel_release();
    return harness_done();
}
