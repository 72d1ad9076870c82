/* Internal to the models: the table each architecture file (model_resnet18.c, model_vgg16.c,
 * model_mobilenet.c) provides to model.c, and helpers they share.
 *
 * Manual: load() validates weights and allocates everything for max_batch images, reporting
 * failures in err; forward() cannot fail (model.c checks n and the buffers are preallocated);
 * outs[] follows the order of the outputs load() declared. */
#ifndef SOLEMATE_MODEL_IMPL_H
#define SOLEMATE_MODEL_IMPL_H

#include "extractor/model.h"
#include "extractor/safetensors.h"

#define MODEL_MAX_OUTPUTS 3

typedef struct model_net model_net;

typedef struct {
    const char *arch;
    model_net *(*load)(const st_file *st, int max_batch, model_output *outs, int *nout, char *err,
                       size_t errlen);
    void (*forward)(model_net *net, const float *input, int n, float *const outs[]);
    void (*free)(model_net *net);
} model_arch_ops;

extern const model_arch_ops model_resnet18_ops, model_vgg16_ops, model_mobilenet_ops;

/* malloc of count floats; NULL with err filled when out of memory */
float *model_alloc_floats(size_t count, char *err, size_t errlen);
/* n x c x hw (NCHW) -> c x n x hw (CNHW) */
void model_nchw_to_cnhw(const float *in, float *out, int n, int c, int hw);

#endif
