/* The table of feature extractors behind model_registry.h.  ResNet/VGG take torchvision's
 * preprocessing (centre crop by default), MobileNet the Keras one (whole photo squashed), and
 * the raw-pixel baseline is the whole photo squashed to 224x224 RGB, stored as bytes (squash
 * scored best for it in `solemate-recommender eval` on shoe photos: the crop cuts toe and heel). */
#include "extractor/model_registry.h"

#include <string.h>

static const model_info registry[] = {
    {"resnet18", "resnet18", "resnet18.safetensors", "resnet18", NORM_TORCHVISION, FIT_CROP, 512, "f32"},
    {"vgg16", "vgg16", "vgg16.safetensors", "vgg16", NORM_TORCHVISION, FIT_CROP, 512, "f32"},
    {"vgg16-fc7", "vgg16", "vgg16.safetensors", "vgg16-fc7", NORM_TORCHVISION, FIT_CROP, 4096, "f32"},
    {"mobilenet", "mobilenet", "mobilenet_v1_0.75_224.safetensors", "mobilenet", NORM_TF, FIT_SQUASH, 768, "f32"},
    {"pixel", NULL, NULL, NULL, NORM_RGB8, FIT_SQUASH, PREPROCESS_PIXELS * 3, "u8"},
};

const model_info *model_registry_find(const char *name)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (name && strcmp(name, registry[i].name) == 0)
            return &registry[i];
    return NULL;
}

const model_info *model_registry_at(int i)
{
    return i >= 0 && (size_t)i < sizeof registry / sizeof registry[0] ? &registry[i] : NULL;
}

const char *model_registry_names(void) { return "resnet18, vgg16, vgg16-fc7, mobilenet, pixel"; }
