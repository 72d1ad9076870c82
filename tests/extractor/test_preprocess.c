/* Preprocessing against torchvision: the normalisation reproduces ../shared/models/reference
 * *.input.f32 from *.crop224.rgb8, decode + Resize(256) + CenterCrop(224) of dog.jpg and
 * eagle.jpg stays within a documented tolerance of the PIL references (measured errors are
 * printed), and the crop/pad/squash geometries put the photo where they promise. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/image_decode.h"
#include "extractor/preprocess.h"
#include "tests/harness.h"

/* Tolerances, in 0..255 levels of the 224x224x3 crop.  stb_image's JPEG decoder (IDCT, chroma
 * upsampling) and stb's float triangle filter differ from libjpeg-turbo + PIL's fixed-point
 * bilinear; measured: max 2 levels, mean 0.18 (dog) / 0.21 (eagle), i.e. 0.035 in network
 * input units.  The bounds leave room for another libjpeg/stb build, not for a wrong geometry
 * (a one-pixel shift of the crop gives a mean error of several levels). */
#define CROP_MAX_LEVELS 4
#define CROP_MEAN_LEVELS 0.5

static void *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc(n > 0 ? (size_t)n : 1);
    *len = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    return buf;
}

static void *reference(const char *name, size_t expect)
{
    char path[1024];
    const char *dir = getenv("MODELS_DIR");
    snprintf(path, sizeof path, "%s/reference/%s", dir ? dir : "../shared/models", name);
    size_t len = 0;
    void *buf = read_all(path, &len);
    CHECKF(buf && len == expect, "%s: missing or %zu bytes", path, len);
    if (buf && len != expect) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void test_normalize_matches_reference_exactly(void)
{
    const char *names[] = {"dog", "eagle"};
    for (int k = 0; k < 2; k++) {
        char n1[64], n2[64];
        snprintf(n1, sizeof n1, "%s.crop224.rgb8", names[k]);
        snprintf(n2, sizeof n2, "%s.input.f32", names[k]);
        uint8_t *rgb = reference(n1, PREPROCESS_PIXELS * 3);
        float *want = reference(n2, PREPROCESS_PIXELS * 3 * sizeof(float));
        float *got = malloc(PREPROCESS_PIXELS * 3 * sizeof(float));
        if (rgb && want && got) {
            preprocess_normalize(rgb, NORM_TORCHVISION, got);
            double max = 0;
            for (int i = 0; i < PREPROCESS_PIXELS * 3; i++)
                max = fmax(max, fabs((double)got[i] - want[i]));
            printf("# %s: normalisation max |error| %.3g\n", names[k], max);
            CHECKF(max <= 1e-6, "%s normalisation off by %g", names[k], max);
        }
        free(rgb);
        free(want);
        free(got);
    }
}

static void test_crop_window_like_torchvision(void)
{
    int rw, rh, left, top;
    preprocess_crop_window(768, 576, &rw, &rh, &left, &top);
    CHECKF(rw == 341 && rh == 256 && left == 58 && top == 16, "dog: %dx%d at %d,%d", rw, rh, left, top);
    preprocess_crop_window(773, 512, &rw, &rh, &left, &top);
    CHECKF(rw == 386 && rh == 256 && left == 81 && top == 16, "eagle: %dx%d at %d,%d", rw, rh, left, top);
    preprocess_crop_window(102, 136, &rw, &rh, &left, &top); /* portrait: 256x341 */
    CHECKF(rw == 256 && rh == 341 && left == 16 && top == 58, "portrait: %dx%d at %d,%d", rw, rh, left, top);
    preprocess_crop_window(300, 300, &rw, &rh, &left, &top);
    CHECK(rw == 256 && rh == 256 && left == 16 && top == 16);
    preprocess_crop_window(136, 102, &rw, &rh, &left, &top); /* 341.33 -> 341, 58.5 -> 58 */
    CHECKF(rw == 341 && left == 58, "shoe photo: %d at %d", rw, left);
    preprocess_crop_window(235, 100, &rw, &rh, &left, &top); /* 601.6 -> 601, 188.5 -> 188 */
    CHECKF(rw == 601 && left == 188, "601 wide: crop at %d", left);
    preprocess_crop_window(231, 100, &rw, &rh, &left, &top); /* 591.36 -> 591, 183.5 -> 184 */
    CHECKF(rw == 591 && left == 184, "591 wide: crop at %d", left);
}

static void test_crop_close_to_pil(void)
{
    const char *names[] = {"dog", "eagle"};
    for (int k = 0; k < 2; k++) {
        char path[256], ref[64];
        snprintf(path, sizeof path, "/usr/share/darknet/data/%s.jpg", names[k]);
        snprintf(ref, sizeof ref, "%s.crop224.rgb8", names[k]);
        size_t len = 0;
        void *bytes = read_all(path, &len);
        CHECKF(bytes != NULL, "cannot read %s (Debian darknet, make deps)", path);
        uint8_t *want = reference(ref, PREPROCESS_PIXELS * 3);
        float *want_f = NULL, *got_f = malloc(PREPROCESS_PIXELS * 3 * sizeof(float));
        snprintf(ref, sizeof ref, "%s.input.f32", names[k]);
        want_f = reference(ref, PREPROCESS_PIXELS * 3 * sizeof(float));
        image_rgb img = {0};
        const char *kind = NULL;
        char why[256];
        static uint8_t got[PREPROCESS_PIXELS * 3];
        if (bytes && want && want_f && got_f &&
            image_decode(bytes, len, IMAGE_MAX_SIDE, IMAGE_MAX_PIXELS, &img, &kind, why, sizeof why) == 0 &&
            preprocess_square(&img, FIT_CROP, got, why, sizeof why) == 0) {
            int max = 0;
            double sum = 0, max_f = 0;
            for (int i = 0; i < PREPROCESS_PIXELS * 3; i++) {
                int d = abs((int)got[i] - (int)want[i]);
                max = d > max ? d : max;
                sum += d;
            }
            preprocess_normalize(got, NORM_TORCHVISION, got_f);
            for (int i = 0; i < PREPROCESS_PIXELS * 3; i++)
                max_f = fmax(max_f, fabs((double)got_f[i] - want_f[i]));
            double mean = sum / (PREPROCESS_PIXELS * 3);
            printf("# %s: crop224 vs PIL: max |error| %d levels, mean %.3f levels; "
                   "network input max |error| %.4f\n", names[k], max, mean, max_f);
            CHECKF(max <= CROP_MAX_LEVELS, "%s: max error %d levels", names[k], max);
            CHECKF(mean <= CROP_MEAN_LEVELS, "%s: mean error %.3f levels", names[k], mean);
        } else {
            CHECKF(0, "%s: decode or preprocess failed", names[k]);
        }
        image_free(&img);
        free(bytes);
        free(want);
        free(want_f);
        free(got_f);
    }
}

/* A w x h photo: red, with a blue band in the leftmost and rightmost tenth. */
static image_rgb banded(int w, int h)
{
    image_rgb img = {w, h, malloc((size_t)w * h * 3)};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = img.rgb + ((size_t)y * w + x) * 3;
            int band = x < w / 10 || x >= w - w / 10;
            p[0] = band ? 0 : 255;
            p[1] = 0;
            p[2] = band ? 255 : 0;
        }
    return img;
}

static const uint8_t *px(const uint8_t *sq, int x, int y) { return sq + ((size_t)y * PREPROCESS_SIZE + x) * 3; }

static void test_geometries(void)
{
    image_rgb img = banded(400, 200);
    static uint8_t sq[PREPROCESS_PIXELS * 3];
    char why[128];
    /* crop: the 512x256 resize loses 144 columns each side, the bands (51 px) are cut off */
    CHECK(preprocess_square(&img, FIT_CROP, sq, why, sizeof why) == 0);
    CHECK(px(sq, 0, 112)[0] == 255 && px(sq, 0, 112)[2] == 0);
    CHECK(px(sq, 223, 112)[0] == 255 && px(sq, 223, 112)[2] == 0);
    /* pad: 224x112 centred, white above and below, both bands kept */
    CHECK(preprocess_square(&img, FIT_PAD, sq, why, sizeof why) == 0);
    CHECK(memcmp(px(sq, 100, 0), "\xff\xff\xff", 3) == 0 && memcmp(px(sq, 100, 55), "\xff\xff\xff", 3) == 0);
    CHECK(memcmp(px(sq, 100, 168), "\xff\xff\xff", 3) == 0 && memcmp(px(sq, 5, 223), "\xff\xff\xff", 3) == 0);
    CHECK(px(sq, 2, 112)[2] == 255 && px(sq, 221, 112)[2] == 255 && px(sq, 112, 112)[0] == 255);
    CHECK(px(sq, 112, 57)[0] == 255 && px(sq, 112, 166)[0] == 255);
    /* squash: full height, bands kept at both edges */
    CHECK(preprocess_square(&img, FIT_SQUASH, sq, why, sizeof why) == 0);
    CHECK(px(sq, 2, 0)[2] == 255 && px(sq, 221, 223)[2] == 255 && px(sq, 112, 0)[0] == 255);
    image_free(&img);
    /* a 1-pixel-high strip still works in every mode without a huge intermediate */
    img = banded(16000, 1);
    for (int f = FIT_CROP; f <= FIT_SQUASH; f++)
        CHECKF(preprocess_square(&img, (preprocess_fit)f, sq, why, sizeof why) == 0, "fit %d", f);
    image_free(&img);
}

static void test_names(void)
{
    preprocess_fit fit;
    char name[64];
    CHECK(preprocess_fit_parse("pad", &fit) == 0 && fit == FIT_PAD);
    CHECK(preprocess_fit_parse("zoom", &fit) == -1 && preprocess_fit_parse(NULL, &fit) == -1);
    preprocess_name(NORM_TORCHVISION, FIT_CROP, name, sizeof name);
    CHECK(strcmp(name, "torchvision-crop224") == 0);
    preprocess_name(NORM_TF, FIT_SQUASH, name, sizeof name);
    CHECK(strcmp(name, "tf-squash224") == 0);
    /* TF scaling maps 0..255 to -1..1 */
    static uint8_t rgb[PREPROCESS_PIXELS * 3];
    static float chw[PREPROCESS_PIXELS * 3];
    rgb[0] = 255;
    preprocess_normalize(rgb, NORM_TF, chw);
    CHECK(chw[0] == 1.0f && chw[1] == -1.0f);
    preprocess_normalize(rgb, NORM_RGB8, chw);
    CHECK(chw[0] == 255.0f && chw[PREPROCESS_PIXELS] == 0.0f);
}

int main(void)
{
    RUN(test_normalize_matches_reference_exactly);
    RUN(test_crop_window_like_torchvision);
    RUN(test_crop_close_to_pil);
    RUN(test_geometries);
    RUN(test_names);
    return harness_done();
}
