/* The feature extractors the catalog knows by name: which network and output each one is, the
 * weights file it needs in MODELS_DIR, its preprocessing, dimension and element type.
 *
 * Manual: model_registry_find("mobilenet") returns the entry or NULL; model_registry_at(i)
 * walks all of them (NULL after the last).  Entries are static constants: thread-safe. */
#ifndef SOLEMATE_MODEL_REGISTRY_H
#define SOLEMATE_MODEL_REGISTRY_H

#include "extractor/preprocess.h"

typedef struct {
    const char *name;         /* catalog name: models.name, features.model */
    const char *arch;         /* model_load() architecture; NULL for the pixel baseline */
    const char *weights_file; /* file name in MODELS_DIR; NULL for pixel */
    const char *output;       /* the model_output name giving this feature */
    preprocess_norm norm;
    preprocess_fit default_fit;
    int dim;
    const char *dtype;        /* "f32" or "u8" */
} model_info;

const model_info *model_registry_find(const char *name);
const model_info *model_registry_at(int i);
/* "resnet18, vgg16, vgg16-fc7, mobilenet, pixel" for messages */
const char *model_registry_names(void);

#endif
