/* MobileNet v1, width 0.75, 224x224 (Keras ImageNet weights, see ../shared/models/README.md):
 * conv1 3x3/2 + BN + ReLU6, 13 blocks of depthwise 3x3 + BN + ReLU6 and pointwise 1x1 + BN +
 * ReLU6, TensorFlow "SAME" padding, BN eps 1e-3 (folded at load), global average pool ->
 * 768-d "mobilenet", optional fc -> 1000 "logits". */
#include "extractor/model_impl.h"

#include "extractor/conv2d.h"
#include "extractor/linear.h"
#include "extractor/pool.h"
#include "extractor/weights.h"

#include <stdio.h>
#include <stdlib.h>

#define BN_EPS 1e-3f
#define BLOCKS 13
#define STEM_CH 24
#define FEATURE_DIM 768
#define CLASSES 1000

static const int block_stride[BLOCKS] = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};
static const int block_channels[BLOCKS] = {48, 96, 96, 192, 192, 384, 384, 384, 384, 384, 384, 768, 768};

struct model_net {
    conv2d stem;
    conv2d dw[BLOCKS], pw[BLOCKS];
    int h_in[BLOCKS]; /* spatial size entering each block */
    linear fc;
    int has_fc;
    float *act[2];    /* ping-pong activations: 48 x 112 x 112 per image */
    float *scratch;
    float *feat;
};

static void net_free(model_net *net)
{
    if (!net)
        return;
    conv2d_free(&net->stem);
    for (int i = 0; i < BLOCKS; i++) {
        conv2d_free(&net->dw[i]);
        conv2d_free(&net->pw[i]);
    }
    linear_free(&net->fc);
    free(net->act[0]);
    free(net->act[1]);
    free(net->scratch);
    free(net->feat);
    free(net);
}

/* conv + BN + ReLU6 with SAME padding for an h x h input */
static int load_layer(const st_file *st, conv2d *c, int cin, int cout, int k, int stride, int groups, int h,
                      const char *name, char *err, size_t errlen)
{
    char bn[64];
    if (conv2d_init(c, cin, cout, k, stride, 0, groups, ACT_RELU6) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    conv2d_pad_same(c, h, h);
    snprintf(bn, sizeof bn, "%s_bn", name);
    if (weights_conv(st, c, name, 0, err, errlen) < 0 || weights_bn(st, c, bn, BN_EPS, err, errlen) < 0)
        return -1;
    if (conv2d_prepare(c) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static model_net *load(const st_file *st, int max_batch, model_output *outs, int *nout, char *err, size_t errlen)
{
    model_net *net = calloc(1, sizeof *net);
    if (!net) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    size_t n = (size_t)max_batch;
    int h = MODEL_INPUT_SIZE, ho, wo;
    if (load_layer(st, &net->stem, 3, STEM_CH, 3, 2, 1, h, "conv1", err, errlen) < 0)
        goto fail;
    size_t scratch = conv2d_scratch_floats(&net->stem, max_batch, h, h), act = 0;
    conv2d_out_hw(&net->stem, h, h, &ho, &wo);
    h = ho;
    int cin = STEM_CH;
    for (int i = 0; i < BLOCKS; i++) {
        char name[32];
        net->h_in[i] = h;
        snprintf(name, sizeof name, "conv_dw_%d", i + 1);
        if (load_layer(st, &net->dw[i], cin, cin, 3, block_stride[i], cin, h, name, err, errlen) < 0)
            goto fail;
        size_t s = conv2d_scratch_floats(&net->dw[i], max_batch, h, h);
        scratch = s > scratch ? s : scratch;
        conv2d_out_hw(&net->dw[i], h, h, &ho, &wo);
        h = ho;
        snprintf(name, sizeof name, "conv_pw_%d", i + 1);
        if (load_layer(st, &net->pw[i], cin, block_channels[i], 1, 1, 1, h, name, err, errlen) < 0)
            goto fail;
        cin = block_channels[i];
        size_t a = (size_t)cin * (size_t)h * (size_t)h;
        act = a > act ? a : act;
    }
    outs[0] = (model_output){"mobilenet", FEATURE_DIM};
    *nout = 1;
    if (st_find(st, "fc.weight") || st_find(st, "fc.bias")) {
        if (weights_linear(st, &net->fc, "fc", FEATURE_DIM, CLASSES, 0, NULL, ACT_NONE, err, errlen) < 0)
            goto fail;
        net->has_fc = 1;
        outs[(*nout)++] = (model_output){"logits", CLASSES};
    }
    act = n * (act > (size_t)3 * MODEL_INPUT_SIZE * MODEL_INPUT_SIZE ? act : (size_t)3 * MODEL_INPUT_SIZE * MODEL_INPUT_SIZE);
    if (!(net->act[0] = model_alloc_floats(act, err, errlen)) || !(net->act[1] = model_alloc_floats(act, err, errlen)) ||
        !(net->scratch = model_alloc_floats(scratch, err, errlen)) ||
        !(net->feat = model_alloc_floats(n * FEATURE_DIM, err, errlen)))
        goto fail;
    return net;
fail:
    net_free(net);
    return NULL;
}

static void forward(model_net *net, const float *input, int n, float *const outs[])
{
    float *logits = net->has_fc ? outs[1] : NULL;
    if (!outs[0] && !logits)
        return;
    float *x = net->act[0], *y = net->act[1];
    model_nchw_to_cnhw(input, x, n, 3, MODEL_INPUT_SIZE * MODEL_INPUT_SIZE);
    conv2d_forward(&net->stem, x, y, n, MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, net->scratch);
    for (int i = 0; i < BLOCKS; i++) {
        int h = net->h_in[i], ho, wo;
        conv2d_forward(&net->dw[i], y, x, n, h, h, net->scratch);
        conv2d_out_hw(&net->dw[i], h, h, &ho, &wo);
        conv2d_forward(&net->pw[i], x, y, n, ho, ho, net->scratch);
    }
    float *feat = outs[0] ? outs[0] : net->feat;
    global_avgpool_forward(y, feat, FEATURE_DIM, n, 7 * 7, FEATURE_DIM);
    if (logits)
        linear_forward(&net->fc, feat, logits, n);
}

const model_arch_ops model_mobilenet_ops = {"mobilenet", load, forward, net_free};
