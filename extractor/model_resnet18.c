/* ResNet-18 (torchvision architecture and tensor names): conv1 7x7/2 + BN + ReLU, max pool 3x3/2,
 * four stages of two BasicBlocks (3x3 convs, 1x1/2 downsample on stage entry), global average
 * pool -> 512-d "resnet18" feature, optional fc -> 1000 "logits". BN eps 1e-5, folded at load. */
#include "extractor/model_impl.h"

#include "extractor/conv2d.h"
#include "extractor/linear.h"
#include "extractor/pool.h"
#include "extractor/weights.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BN_EPS 1e-5f
#define FEATURE_DIM 512
#define CLASSES 1000

typedef struct {
    conv2d conv1, conv2, down;
    int has_down;
    int h_in, h_out; /* square spatial size before and after the block */
} basic_block;

struct model_net {
    conv2d stem;
    maxpool2d pool;
    basic_block blocks[8];
    linear fc;
    int has_fc;
    float *big[2];   /* stem output and pooled input: 64 x 112 x 112 per image */
    float *tmp[2];   /* block intermediates and shortcut: 64 x 56 x 56 per image */
    float *scratch;
    float *feat;     /* n x 512 when the caller only wants logits */
};

static void net_free(model_net *net)
{
    if (!net)
        return;
    conv2d_free(&net->stem);
    for (int i = 0; i < 8; i++) {
        conv2d_free(&net->blocks[i].conv1);
        conv2d_free(&net->blocks[i].conv2);
        conv2d_free(&net->blocks[i].down);
    }
    linear_free(&net->fc);
    free(net->big[0]);
    free(net->big[1]);
    free(net->tmp[0]);
    free(net->tmp[1]);
    free(net->scratch);
    free(net->feat);
    free(net);
}

static int load_conv_bn(const st_file *st, conv2d *c, int cin, int cout, int k, int stride, int pad,
                        activation act, const char *conv_name, const char *bn_name, char *err, size_t errlen)
{
    if (conv2d_init(c, cin, cout, k, stride, pad, 1, act) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (weights_conv(st, c, conv_name, 0, err, errlen) < 0 || weights_bn(st, c, bn_name, BN_EPS, err, errlen) < 0)
        return -1;
    if (conv2d_prepare(c) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int load_block(const st_file *st, basic_block *b, int stage, int idx, int cin, int cout, int stride,
                      int h_in, char *err, size_t errlen)
{
    char cn[64], bn[64];
    b->h_in = h_in;
    b->h_out = (h_in - 1) / stride + 1;
    snprintf(cn, sizeof cn, "layer%d.%d.conv1", stage, idx);
    snprintf(bn, sizeof bn, "layer%d.%d.bn1", stage, idx);
    if (load_conv_bn(st, &b->conv1, cin, cout, 3, stride, 1, ACT_RELU, cn, bn, err, errlen) < 0)
        return -1;
    snprintf(cn, sizeof cn, "layer%d.%d.conv2", stage, idx);
    snprintf(bn, sizeof bn, "layer%d.%d.bn2", stage, idx);
    /* its ReLU comes after the shortcut is added (conv2d_forward_add) */
    if (load_conv_bn(st, &b->conv2, cout, cout, 3, 1, 1, ACT_RELU, cn, bn, err, errlen) < 0)
        return -1;
    b->has_down = stride != 1 || cin != cout;
    if (b->has_down) {
        snprintf(cn, sizeof cn, "layer%d.%d.downsample.0", stage, idx);
        snprintf(bn, sizeof bn, "layer%d.%d.downsample.1", stage, idx);
        if (load_conv_bn(st, &b->down, cin, cout, 1, stride, 0, ACT_NONE, cn, bn, err, errlen) < 0)
            return -1;
    }
    return 0;
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

static model_net *load(const st_file *st, int max_batch, model_output *outs, int *nout, char *err, size_t errlen)
{
    model_net *net = calloc(1, sizeof *net);
    if (!net) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    size_t n = (size_t)max_batch;
    if (load_conv_bn(st, &net->stem, 3, 64, 7, 2, 3, ACT_RELU, "conv1", "bn1", err, errlen) < 0)
        goto fail;
    net->pool = (maxpool2d){3, 2, 1};
    size_t scratch = conv2d_scratch_floats(&net->stem, max_batch, MODEL_INPUT_SIZE, MODEL_INPUT_SIZE);
    int h = maxpool2d_out_dim(&net->pool, 112), cin = 64;
    for (int stage = 1; stage <= 4; stage++) {
        int cout = 64 << (stage - 1);
        for (int idx = 0; idx < 2; idx++) {
            basic_block *b = &net->blocks[(stage - 1) * 2 + idx];
            int stride = stage > 1 && idx == 0 ? 2 : 1;
            if (load_block(st, b, stage, idx, cin, cout, stride, h, err, errlen) < 0)
                goto fail;
            scratch = max_size(scratch, conv2d_scratch_floats(&b->conv1, max_batch, h, h));
            scratch = max_size(scratch, conv2d_scratch_floats(&b->conv2, max_batch, b->h_out, b->h_out));
            if (b->has_down)
                scratch = max_size(scratch, conv2d_scratch_floats(&b->down, max_batch, h, h));
            h = b->h_out;
            cin = cout;
        }
    }
    outs[0] = (model_output){"resnet18", FEATURE_DIM};
    *nout = 1;
    if (st_find(st, "fc.weight") || st_find(st, "fc.bias")) {
        if (weights_linear(st, &net->fc, "fc", FEATURE_DIM, CLASSES, 0, NULL, ACT_NONE, err, errlen) < 0)
            goto fail;
        net->has_fc = 1;
        outs[(*nout)++] = (model_output){"logits", CLASSES};
    }
    size_t big = n * 64 * 112 * 112, tmp = n * 64 * 56 * 56;
    if (!(net->big[0] = model_alloc_floats(big, err, errlen)) || !(net->big[1] = model_alloc_floats(big, err, errlen)) ||
        !(net->tmp[0] = model_alloc_floats(tmp, err, errlen)) || !(net->tmp[1] = model_alloc_floats(tmp, err, errlen)) ||
        !(net->scratch = model_alloc_floats(scratch, err, errlen)) ||
        !(net->feat = model_alloc_floats(n * FEATURE_DIM, err, errlen)))
        goto fail;
    return net;
fail:
    net_free(net);
    return NULL;
}

/* x (cin x n x h x h) -> y; t and s are temporaries. */
static void block_forward(const basic_block *b, const float *x, float *y, float *t, float *s, int n, float *scratch)
{
    const float *shortcut = x;
    if (b->has_down) {
        conv2d_forward(&b->down, x, s, n, b->h_in, b->h_in, scratch);
        shortcut = s;
    }
    conv2d_forward(&b->conv1, x, t, n, b->h_in, b->h_in, scratch);
    conv2d_forward_add(&b->conv2, t, y, n, b->h_out, b->h_out, scratch, shortcut);
}

static void forward(model_net *net, const float *input, int n, float *const outs[])
{
    float *logits = net->has_fc ? outs[1] : NULL;
    if (!outs[0] && !logits)
        return;
    float *a = net->big[0], *b = net->big[1];
    model_nchw_to_cnhw(input, b, n, 3, MODEL_INPUT_SIZE * MODEL_INPUT_SIZE);
    conv2d_forward(&net->stem, b, a, n, MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, net->scratch);
    maxpool2d_forward(&net->pool, a, b, 64, n, 112, 112);
    /* x and y alternate between the two big buffers; the stages never outgrow them */
    float *x = b, *y = a;
    for (int i = 0; i < 8; i++) {
        block_forward(&net->blocks[i], x, y, net->tmp[0], net->tmp[1], n, net->scratch);
        float *sw = x;
        x = y;
        y = sw;
    }
    float *feat = outs[0] ? outs[0] : net->feat;
    global_avgpool_forward(x, feat, FEATURE_DIM, n, 7 * 7, FEATURE_DIM);
    if (logits)
        linear_forward(&net->fc, feat, logits, n);
}

const model_arch_ops model_resnet18_ops = {"resnet18", load, forward, net_free};
