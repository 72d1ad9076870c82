/* The raw-pixel baseline behind pixel_feature.h: the preprocessed square, byte for byte. */
#include "extractor/pixel_feature.h"

#include <stdio.h>
#include <stdlib.h>

int pixel_feature(const image_rgb *img, preprocess_fit fit, float *out, char *why, size_t whylen)
{
    uint8_t *square = malloc(PIXEL_FEATURE_DIM);
    if (!square) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    int rc = preprocess_square(img, fit, square, why, whylen);
    for (int i = 0; rc == 0 && i < PIXEL_FEATURE_DIM; i++)
        out[i] = square[i];
    free(square);
    return rc;
}
