/* The raw-pixel baseline feature: the photo's 224x224 RGB square itself (150,528 values in
 * HWC order), the yardstick the CNN features are compared with.  Stored as dtype 'u8'.
 *
 * Manual: pixel_feature() writes the square's bytes as 0..255 floats (the embedder's common
 * output type); returns 0, or -1 with why filled.  Pure function: safe from any thread. */
#ifndef SOLEMATE_PIXEL_FEATURE_H
#define SOLEMATE_PIXEL_FEATURE_H

#include "extractor/preprocess.h"

#define PIXEL_FEATURE_DIM (PREPROCESS_PIXELS * 3)

int pixel_feature(const image_rgb *img, preprocess_fit fit, float *out, char *why, size_t whylen);

#endif
