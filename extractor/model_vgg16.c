/* VGG-16 (torchvision "features" indices): 13 3x3 convs + ReLU in five stages each closed by a
 * 2x2 max pool, global average pool of the 7x7x512 result -> 512-d "vgg16"; when the classifier
 * is present (torchvision classifier.0/3/6, or timm pre_logits.fc1/fc2 + head.fc, told apart by
 * name and checked by shape) fc6 + ReLU, fc7 + ReLU -> 4096-d "vgg16-fc7", fc8 -> "logits". */
#include "extractor/model_impl.h"

#include "extractor/conv2d.h"
#include "extractor/linear.h"
#include "extractor/pool.h"
#include "extractor/weights.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONVS 13
#define FEATURE_DIM 512
#define POOLED 7
#define FC_DIM 4096
#define CLASSES 1000

/* output channels of each conv and its index in torchvision's features Sequential */
static const int conv_channels[CONVS] = {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};
static const int conv_index[CONVS] = {0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28};
/* a max pool follows these convs */
static const int pool_after[CONVS] = {0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1};

struct model_net {
    conv2d conv[CONVS];
    maxpool2d pool;
    int has_classifier;
    linear fc6, fc7, fc8;
    float *act[2];    /* ping-pong activations: 64 x 224 x 224 per image */
    float *scratch;
    float *flat;      /* n x 25088: the 7x7x512 map per image, flattened as torch does */
    float *fc6_out, *fc7_out;
};

static void net_free(model_net *net)
{
    if (!net)
        return;
    for (int i = 0; i < CONVS; i++)
        conv2d_free(&net->conv[i]);
    linear_free(&net->fc6);
    linear_free(&net->fc7);
    linear_free(&net->fc8);
    free(net->act[0]);
    free(net->act[1]);
    free(net->scratch);
    free(net->flat);
    free(net->fc6_out);
    free(net->fc7_out);
    free(net);
}

static int load_classifier(const st_file *st, model_net *net, char *err, size_t errlen)
{
    static const int64_t fc6_conv[4] = {FC_DIM, FEATURE_DIM, POOLED, POOLED}, fc7_conv[4] = {FC_DIM, FC_DIM, 1, 1};
    const int in6 = FEATURE_DIM * POOLED * POOLED;
    if (st_find(st, "pre_logits.fc1.weight"))
        return weights_linear(st, &net->fc6, "pre_logits.fc1", in6, FC_DIM, 4, fc6_conv, ACT_RELU, err, errlen) < 0 ||
                       weights_linear(st, &net->fc7, "pre_logits.fc2", FC_DIM, FC_DIM, 4, fc7_conv, ACT_RELU, err,
                                      errlen) < 0 ||
                       weights_linear(st, &net->fc8, "head.fc", FC_DIM, CLASSES, 0, NULL, ACT_NONE, err, errlen) < 0
                   ? -1
                   : 0;
    return weights_linear(st, &net->fc6, "classifier.0", in6, FC_DIM, 0, NULL, ACT_RELU, err, errlen) < 0 ||
                   weights_linear(st, &net->fc7, "classifier.3", FC_DIM, FC_DIM, 0, NULL, ACT_RELU, err, errlen) < 0 ||
                   weights_linear(st, &net->fc8, "classifier.6", FC_DIM, CLASSES, 0, NULL, ACT_NONE, err, errlen) < 0
               ? -1
               : 0;
}

static model_net *load(const st_file *st, int max_batch, model_output *outs, int *nout, char *err, size_t errlen)
{
    model_net *net = calloc(1, sizeof *net);
    if (!net) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    size_t n = (size_t)max_batch, scratch = 0;
    int cin = 3, h = MODEL_INPUT_SIZE;
    for (int i = 0; i < CONVS; i++) {
        char name[32];
        snprintf(name, sizeof name, "features.%d", conv_index[i]);
        if (conv2d_init(&net->conv[i], cin, conv_channels[i], 3, 1, 1, 1, ACT_RELU) < 0) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        if (weights_conv(st, &net->conv[i], name, 1, err, errlen) < 0)
            goto fail;
        if (conv2d_prepare(&net->conv[i]) < 0) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        size_t s = conv2d_scratch_floats(&net->conv[i], max_batch, h, h);
        scratch = s > scratch ? s : scratch;
        cin = conv_channels[i];
        if (pool_after[i])
            h /= 2;
    }
    net->pool = (maxpool2d){2, 2, 0};
    outs[0] = (model_output){"vgg16", FEATURE_DIM};
    *nout = 1;
    int has_tv = st_find(st, "classifier.0.weight") || st_find(st, "classifier.6.weight");
    int has_timm = st_find(st, "pre_logits.fc1.weight") || st_find(st, "head.fc.weight");
    if (has_tv || has_timm) {
        if (load_classifier(st, net, err, errlen) != 0)
            goto fail;
        net->has_classifier = 1;
        outs[(*nout)++] = (model_output){"vgg16-fc7", FC_DIM};
        outs[(*nout)++] = (model_output){"logits", CLASSES};
        if (!(net->flat = model_alloc_floats(n * FEATURE_DIM * POOLED * POOLED, err, errlen)) ||
            !(net->fc6_out = model_alloc_floats(n * FC_DIM, err, errlen)) ||
            !(net->fc7_out = model_alloc_floats(n * FC_DIM, err, errlen)))
            goto fail;
    }
    size_t act = n * 64 * MODEL_INPUT_SIZE * MODEL_INPUT_SIZE;
    if (!(net->act[0] = model_alloc_floats(act, err, errlen)) || !(net->act[1] = model_alloc_floats(act, err, errlen)) ||
        !(net->scratch = model_alloc_floats(scratch, err, errlen)))
        goto fail;
    return net;
fail:
    net_free(net);
    return NULL;
}

/* 512 x n x 49 (CNHW) -> n x 25088 (each image's 512x7x7 map, C-major like torch.flatten) */
static void flatten_cnhw(const float *in, float *out, int n)
{
    const size_t hw = POOLED * POOLED;
    for (int img = 0; img < n; img++)
        for (int ch = 0; ch < FEATURE_DIM; ch++)
            memcpy(out + ((size_t)img * FEATURE_DIM + (size_t)ch) * hw, in + ((size_t)ch * (size_t)n + (size_t)img) * hw,
                   hw * sizeof(float));
}

static void forward(model_net *net, const float *input, int n, float *const outs[])
{
    float *fc7 = net->has_classifier ? outs[1] : NULL, *logits = net->has_classifier ? outs[2] : NULL;
    int head = fc7 || logits;
    if (!outs[0] && !head)
        return;
    float *x = net->act[0], *y = net->act[1];
    model_nchw_to_cnhw(input, x, n, 3, MODEL_INPUT_SIZE * MODEL_INPUT_SIZE);
    int h = MODEL_INPUT_SIZE;
    for (int i = 0; i < CONVS; i++) {
        conv2d_forward(&net->conv[i], x, y, n, h, h, net->scratch);
        float *sw = x;
        x = y;
        y = sw;
        if (pool_after[i]) {
            maxpool2d_forward(&net->pool, x, y, net->conv[i].cout, n, h, h);
            h /= 2;
            sw = x;
            x = y;
            y = sw;
        }
    }
    if (outs[0])
        global_avgpool_forward(x, outs[0], FEATURE_DIM, n, POOLED * POOLED, FEATURE_DIM);
    if (!head)
        return;
    flatten_cnhw(x, net->flat, n);
    linear_forward(&net->fc6, net->flat, net->fc6_out, n);
    float *f7 = fc7 ? fc7 : net->fc7_out;
    linear_forward(&net->fc7, net->fc6_out, f7, n);
    if (logits)
        linear_forward(&net->fc8, f7, logits, n);
}

const model_arch_ops model_vgg16_ops = {"vgg16", load, forward, net_free};
