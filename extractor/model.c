/* Public model API: picks the architecture, opens the weights file, keeps its SHA-256 and
 * output list, checks forward() arguments and hands the work to the architecture's table. */
#include "extractor/model.h"

#include "extractor/model_impl.h"
#include "extractor/parallel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* beyond this a batch's activations would not fit any sensible memory budget */
#define MODEL_MAX_BATCH 1024

struct model {
    const model_arch_ops *ops;
    st_file *st;
    model_net *net;
    int max_batch;
    int pool; /* holds a parallel_acquire() */
    int nout;
    model_output outs[MODEL_MAX_OUTPUTS];
};

static const model_arch_ops *const archs[] = {&model_resnet18_ops, &model_vgg16_ops, &model_mobilenet_ops};

float *model_alloc_floats(size_t count, char *err, size_t errlen)
{
    float *p = malloc((count ? count : 1) * sizeof(float));
    if (!p)
        snprintf(err, errlen, "out of memory (%zu MB of activations)", count * sizeof(float) >> 20);
    return p;
}

void model_nchw_to_cnhw(const float *in, float *out, int n, int c, int hw)
{
    for (int img = 0; img < n; img++)
        for (int ch = 0; ch < c; ch++)
            memcpy(out + ((size_t)ch * (size_t)n + (size_t)img) * (size_t)hw,
                   in + ((size_t)img * (size_t)c + (size_t)ch) * (size_t)hw, (size_t)hw * sizeof(float));
}

model *model_load(const char *arch, const char *weights_path, int max_batch, char *err, size_t errlen)
{
    const model_arch_ops *ops = NULL;
    for (size_t i = 0; i < sizeof archs / sizeof archs[0]; i++)
        if (arch && strcmp(arch, archs[i]->arch) == 0)
            ops = archs[i];
    if (!ops) {
        snprintf(err, errlen, "unknown model '%s' (resnet18, vgg16, mobilenet)", arch ? arch : "(null)");
        return NULL;
    }
    if (max_batch < 1 || max_batch > MODEL_MAX_BATCH) {
        snprintf(err, errlen, "batch size %d out of range 1..%d", max_batch, MODEL_MAX_BATCH);
        return NULL;
    }
    model *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->ops = ops;
    m->max_batch = max_batch;
    parallel_acquire();
    m->pool = 1;
    char why[512];
    m->st = st_open(weights_path, err, errlen);
    if (!m->st) {
        free(m);
        return NULL;
    }
    m->net = ops->load(m->st, max_batch, m->outs, &m->nout, why, sizeof why);
    if (!m->net) {
        snprintf(err, errlen, "%s: %s weights: %s", weights_path, arch, why);
        model_free(m);
        return NULL;
    }
    return m;
}

const char *model_arch(const model *m) { return m->ops->arch; }
const char *model_weights_sha256(const model *m) { return st_sha256(m->st); }
int model_output_count(const model *m) { return m->nout; }

const model_output *model_output_at(const model *m, int i)
{
    return i >= 0 && i < m->nout ? &m->outs[i] : NULL;
}

int model_forward(model *m, const float *input, int n, float *const outs[], char *err, size_t errlen)
{
    if (n < 1 || n > m->max_batch) {
        snprintf(err, errlen, "batch of %d images outside 1..%d", n, m->max_batch);
        return -1;
    }
    if (!input || !outs) {
        snprintf(err, errlen, "no input or output array");
        return -1;
    }
    m->ops->forward(m->net, input, n, outs);
    return 0;
}

void model_free(model *m)
{
    if (!m)
        return;
    if (m->net)
        m->ops->free(m->net);
    st_close(m->st);
    if (m->pool)
        parallel_release();
    free(m);
}
