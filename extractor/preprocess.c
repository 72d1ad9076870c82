/* Preprocessing behind preprocess.h: the three square geometries on stb_image_resize and the
 * two normalisations, written to reproduce torchvision's and Keras' pipelines. */
#include "extractor/preprocess.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb_image_resize.h>

static const char *const fit_names[] = {"crop", "pad", "squash"};
static const char *const norm_names[] = {"torchvision", "tf", "rgb8"};

int preprocess_fit_parse(const char *name, preprocess_fit *fit)
{
    for (int i = 0; i < 3; i++)
        if (name && strcmp(name, fit_names[i]) == 0) {
            *fit = (preprocess_fit)i;
            return 0;
        }
    return -1;
}

const char *preprocess_fit_name(preprocess_fit fit) { return fit_names[fit]; }

void preprocess_name(preprocess_norm norm, preprocess_fit fit, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s-%s%d", norm_names[norm], fit_names[fit], PREPROCESS_SIZE);
}

/* Python's round() of d/2 for d >= 0: halves go to the even neighbour. */
static int half_round_even(int d)
{
    int q = d / 2;
    return d % 2 == 0 || q % 2 == 0 ? q : q + 1;
}

void preprocess_crop_window(int w, int h, int *rw, int *rh, int *left, int *top)
{
    /* torchvision Resize(256): shorter side 256, longer side int(256 * long / short) */
    if (w <= h) {
        *rw = PREPROCESS_RESIZE;
        *rh = (int)((long)PREPROCESS_RESIZE * h / w);
    } else {
        *rh = PREPROCESS_RESIZE;
        *rw = (int)((long)PREPROCESS_RESIZE * w / h);
    }
    *left = half_round_even(*rw - PREPROCESS_SIZE);
    *top = half_round_even(*rh - PREPROCESS_SIZE);
}

/* Resizes the region [s0,s1]x[t0,t1] (fractions of the photo) to ow x oh at out with stride. */
static int resize(const image_rgb *img, uint8_t *out, int ow, int oh, int stride, float s0,
                  float t0, float s1, float t1)
{
    return stbir_resize_region(img->rgb, img->width, img->height, img->width * 3, out, ow, oh,
                               stride, STBIR_TYPE_UINT8, 3, STBIR_ALPHA_CHANNEL_NONE, 0,
                               STBIR_EDGE_CLAMP, STBIR_EDGE_CLAMP, STBIR_FILTER_TRIANGLE,
                               STBIR_FILTER_TRIANGLE, STBIR_COLORSPACE_LINEAR, NULL, s0, t0, s1, t1);
}

int preprocess_square(const image_rgb *img, preprocess_fit fit,
                      uint8_t out[PREPROCESS_PIXELS * 3], char *why, size_t whylen)
{
    const int S = PREPROCESS_SIZE;
    int ok;
    if (fit == FIT_CROP) {
        /* only the crop window of the resized photo is computed, so a very long, thin photo
         * never needs its whole 256-pixel-high resized copy */
        int rw, rh, left, top;
        preprocess_crop_window(img->width, img->height, &rw, &rh, &left, &top);
        ok = resize(img, out, S, S, S * 3, (float)left / rw, (float)top / rh,
                    (float)(left + S) / rw, (float)(top + S) / rh);
    } else if (fit == FIT_SQUASH) {
        ok = resize(img, out, S, S, S * 3, 0, 0, 1, 1);
    } else {
        int w = img->width, h = img->height, pw, ph;
        if (w >= h) {
            pw = S;
            ph = (int)(((long)h * S + w / 2) / w);
        } else {
            ph = S;
            pw = (int)(((long)w * S + h / 2) / h);
        }
        pw = pw < 1 ? 1 : pw;
        ph = ph < 1 ? 1 : ph;
        memset(out, 255, (size_t)PREPROCESS_PIXELS * 3);
        int x0 = (S - pw) / 2, y0 = (S - ph) / 2;
        ok = resize(img, out + ((size_t)y0 * S + (size_t)x0) * 3, pw, ph, S * 3, 0, 0, 1, 1);
    }
    if (!ok) {
        snprintf(why, whylen, "resizing %dx%d to %s %d: out of memory", img->width, img->height,
                 fit_names[fit], S);
        return -1;
    }
    return 0;
}

void preprocess_normalize(const uint8_t *rgb, preprocess_norm norm, float *chw)
{
    static const float mean[3] = {0.485f, 0.456f, 0.406f}, stdev[3] = {0.229f, 0.224f, 0.225f};
    for (int c = 0; c < 3; c++) {
        float *plane = chw + (size_t)c * PREPROCESS_PIXELS;
        for (int i = 0; i < PREPROCESS_PIXELS; i++) {
            float p = rgb[(size_t)i * 3 + (size_t)c];
            /* the same float32 operations as ToTensor() + Normalize() and Keras' scaling */
            if (norm == NORM_TORCHVISION)
                plane[i] = (p / 255.0f - mean[c]) / stdev[c];
            else if (norm == NORM_TF)
                plane[i] = p / 127.5f - 1.0f;
            else
                plane[i] = p;
        }
    }
}
