/* Turning a decoded photo into a network input: the square geometry (--fit crop|pad|squash)
 * and the per-model normalisation (torchvision ImageNet mean/std, TensorFlow [-1, 1]).
 *
 * Manual: preprocess_square() makes the 224x224 RGB square: crop = torchvision's Resize(256)
 * (shorter side 256, antialiased bilinear) + CenterCrop(224) (offsets rounded half to even);
 * pad = whole photo scaled so its longer side is 224, centred on white (toe and heel kept);
 * squash = whole photo resized to 224x224 (TensorFlow/Keras MobileNet).  Resizing is stb's
 * triangle filter, which antialiases when shrinking like PIL's bilinear.  It returns 0, or -1
 * with why filled (out of memory).  preprocess_normalize() writes the 3x224x224 CHW float input.
 * Pure functions on caller buffers: safe from any thread. */
#ifndef SOLEMATE_PREPROCESS_H
#define SOLEMATE_PREPROCESS_H

#include <stddef.h>
#include <stdint.h>

#include "extractor/image_decode.h"

#define PREPROCESS_SIZE 224
#define PREPROCESS_RESIZE 256 /* shorter side before the centre crop */
#define PREPROCESS_PIXELS (PREPROCESS_SIZE * PREPROCESS_SIZE)

typedef enum { FIT_CROP = 0, FIT_PAD, FIT_SQUASH } preprocess_fit;
typedef enum { NORM_TORCHVISION = 0, NORM_TF, NORM_RGB8 } preprocess_norm;

/* "crop" | "pad" | "squash" -> 0, else -1. */
int preprocess_fit_parse(const char *name, preprocess_fit *fit);
const char *preprocess_fit_name(preprocess_fit fit);
/* The name stored in models.preprocessing / features.preprocessing, e.g. "torchvision-crop224",
 * "tf-squash224", "rgb8-crop224". */
void preprocess_name(preprocess_norm norm, preprocess_fit fit, char *out, size_t outlen);

/* The crop window torchvision takes from a w x h photo resized to *rw x *rh. */
void preprocess_crop_window(int w, int h, int *rw, int *rh, int *left, int *top);

int preprocess_square(const image_rgb *img, preprocess_fit fit,
                      uint8_t out[PREPROCESS_PIXELS * 3], char *why, size_t whylen);

/* rgb: 224x224x3 HWC bytes; chw: 3x224x224 floats.  NORM_RGB8 gives the bytes as 0..255. */
void preprocess_normalize(const uint8_t *rgb, preprocess_norm norm, float *chw);

#endif
