/* CNN feature extractor models (ResNet-18, VGG-16, MobileNet v1 0.75) running on our own
 * float32 inference core over OpenBLAS.
 *
 * Manual: model_load() maps and validates a safetensors weights file (see safetensors.h), checks
 * every tensor against the architecture, folds batch norm and allocates all activation buffers
 * for up to max_batch images; it returns NULL with err filled on any problem.  The model owns
 * the mapping and buffers; model_free() releases them (NULL is fine).
 * Outputs: resnet18 -> "resnet18" 512 [+ "logits" 1000 when fc is present];
 *   vgg16 -> "vgg16" 512 [+ "vgg16-fc7" 4096 + "logits" 1000 when the classifier is present,
 *   torchvision classifier.0/3/6 or timm pre_logits.fc1/fc2 + head.fc names];
 *   mobilenet -> "mobilenet" 768 [+ "logits" 1000].
 * model_forward(): input is n x 3 x 224 x 224 float32 NCHW, already preprocessed; outs[i] receives
 * n x dim_i floats, or is NULL to skip that output (heads nobody asked for are not computed).
 * n must be 1..max_batch.  Returns 0, or -1 with err filled.  One forward at a time per model
 * (not thread-safe per model; separate models are independent); OpenBLAS uses its own threads. */
#ifndef SOLEMATE_MODEL_H
#define SOLEMATE_MODEL_H

#include <stddef.h>

#define MODEL_INPUT_SIZE 224

typedef struct model model;
typedef struct {
    const char *name;
    int dim;
} model_output;

/* arch: "resnet18", "vgg16", "mobilenet". */
model *model_load(const char *arch, const char *weights_path, int max_batch, char *err, size_t errlen);
const char *model_arch(const model *m);
/* lowercase hex SHA-256 of the weights file */
const char *model_weights_sha256(const model *m);
int model_output_count(const model *m);
const model_output *model_output_at(const model *m, int i);
int model_forward(model *m, const float *input, int n, float *const outs[], char *err, size_t errlen);
void model_free(model *m);

#endif
