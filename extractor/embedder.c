/* The embedder behind embedder.h: registry entry + weights (model.h) + preprocessing, with a
 * preallocated input batch, so a photo becomes a feature without the caller knowing which
 * network or normalisation is involved. */
#define _POSIX_C_SOURCE 200809L
#include "extractor/embedder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extractor/file_bytes.h"
#include "extractor/image_decode.h"
#include "extractor/model.h"
#include "extractor/model_registry.h"
#include "extractor/pixel_feature.h"

struct embedder {
    const model_info *info;
    model *net;          /* NULL for pixel */
    int feature_output;  /* index of the feature among the model's outputs */
    int logits_output;   /* -1 when the weights have no classifier */
    int max_batch;
    preprocess_fit fit;
    char preprocessing[32];
    float *slots;        /* max_batch x EMBEDDER_INPUT_FLOATS, for the one-photo calls */
};

int embedder_weights_path(const char *name, const char *models_dir, const char *weights_path,
                          char *out, size_t outlen)
{
    const model_info *info = model_registry_find(name);
    if (!info)
        return -1;
    if (!info->weights_file) {
        snprintf(out, outlen, "-");
        return 2;
    }
    if (weights_path)
        snprintf(out, outlen, "%s", weights_path);
    else
        snprintf(out, outlen, "%s/%s", models_dir ? models_dir : ".", info->weights_file);
    return access(out, R_OK) == 0;
}

static int find_output(const model *m, const char *name)
{
    for (int i = 0; i < model_output_count(m); i++)
        if (strcmp(model_output_at(m, i)->name, name) == 0)
            return i;
    return -1;
}

embedder *embedder_open_batch(const char *name, const char *models_dir, const char *weights_path,
                              const char *fit, int max_batch, char *err, size_t errlen)
{
    const model_info *info = model_registry_find(name);
    if (!info) {
        snprintf(err, errlen, "unknown model '%s' (%s)", name ? name : "", model_registry_names());
        return NULL;
    }
    preprocess_fit f = info->default_fit;
    if (fit && preprocess_fit_parse(fit, &f)) {
        snprintf(err, errlen, "unknown fit '%s' (crop, pad, squash)", fit);
        return NULL;
    }
    if (max_batch < 1) {
        snprintf(err, errlen, "batch size %d must be at least 1", max_batch);
        return NULL;
    }
    char path[4096];
    if (embedder_weights_path(name, models_dir, weights_path, path, sizeof path) == 0) {
        snprintf(err, errlen, "%s: weights %s not found (get them with `make models`)", name, path);
        return NULL;
    }
    embedder *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->info = info;
    e->fit = f;
    e->max_batch = max_batch;
    e->logits_output = -1;
    preprocess_name(info->norm, f, e->preprocessing, sizeof e->preprocessing);
    e->slots = malloc(sizeof(float) * EMBEDDER_INPUT_FLOATS);
    if (!e->slots) {
        snprintf(err, errlen, "out of memory");
        embedder_close(e);
        return NULL;
    }
    if (info->arch) {
        char why[1024];
        e->net = model_load(info->arch, path, max_batch, why, sizeof why);
        if (!e->net) {
            snprintf(err, errlen, "%s: %s", name, why);
            embedder_close(e);
            return NULL;
        }
        e->feature_output = find_output(e->net, info->output);
        e->logits_output = find_output(e->net, "logits");
        if (e->feature_output < 0 || model_output_at(e->net, e->feature_output)->dim != info->dim) {
            snprintf(err, errlen, "%s: weights %s lack the %s layers (%d-d)", name, path,
                     info->output, info->dim);
            embedder_close(e);
            return NULL;
        }
    }
    return e;
}

embedder *embedder_open(const char *name, const char *models_dir, const char *weights_path,
                        const char *fit, char *err, size_t errlen)
{
    return embedder_open_batch(name, models_dir, weights_path, fit, 1, err, errlen);
}

int embedder_dim(const embedder *e) { return e->info->dim; }
const char *embedder_dtype(const embedder *e) { return e->info->dtype; }
const char *embedder_preprocessing(const embedder *e) { return e->preprocessing; }
const char *embedder_name(const embedder *e) { return e->info->name; }
const char *embedder_weights_sha256(const embedder *e) { return e->net ? model_weights_sha256(e->net) : NULL; }

int embedder_prepare(const embedder *e, const void *bytes, size_t len, float *slot,
                     const char **kind, char *why, size_t whylen)
{
    image_rgb img;
    if (image_decode(bytes, len, IMAGE_MAX_SIDE, IMAGE_MAX_PIXELS, &img, kind, why, whylen))
        return -1;
    int rc;
    if (!e->net) {
        rc = pixel_feature(&img, e->fit, slot, why, whylen);
    } else {
        uint8_t *square = malloc(PREPROCESS_PIXELS * 3);
        rc = square ? preprocess_square(&img, e->fit, square, why, whylen) : -1;
        if (!square)
            snprintf(why, whylen, "out of memory");
        if (rc == 0)
            preprocess_normalize(square, e->info->norm, slot);
        free(square);
    }
    image_free(&img);
    if (rc)
        *kind = "no-memory";
    return rc;
}

int embedder_forward(embedder *e, const float *slots, int n, float *out, char *err, size_t errlen)
{
    if (n < 1 || n > e->max_batch) {
        snprintf(err, errlen, "batch of %d photos outside 1..%d", n, e->max_batch);
        return -1;
    }
    if (!e->net) {
        memcpy(out, slots, sizeof(float) * (size_t)n * PIXEL_FEATURE_DIM);
        return 0;
    }
    float *outs[3] = {NULL, NULL, NULL};
    outs[e->feature_output] = out;
    char why[512];
    if (model_forward(e->net, slots, n, outs, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", e->info->name, why);
        return -1;
    }
    return 0;
}

int embedder_embed_memory(embedder *e, const void *bytes, size_t len, float *out, char *err,
                          size_t errlen)
{
    const char *kind;
    if (embedder_prepare(e, bytes, len, e->slots, &kind, err, errlen))
        return -1;
    return embedder_forward(e, e->slots, 1, out, err, errlen);
}

int embedder_embed_file(embedder *e, const char *path, float *out, char *err, size_t errlen)
{
    size_t len = 0;
    int too_large;
    char why[512];
    void *bytes = file_bytes_read(path, FILE_BYTES_MAX, &len, &too_large, why, sizeof why);
    if (!bytes) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    int rc = embedder_embed_memory(e, bytes, len, out, why, sizeof why);
    if (rc)
        snprintf(err, errlen, "%s: %s", path, why);
    free(bytes);
    return rc;
}

int embedder_logits(embedder *e, const void *bytes, size_t len, float *logits, char *err,
                    size_t errlen)
{
    if (e->logits_output < 0) {
        snprintf(err, errlen, "%s: the weights have no ImageNet classifier", e->info->name);
        return -1;
    }
    const char *kind;
    if (embedder_prepare(e, bytes, len, e->slots, &kind, err, errlen))
        return -1;
    float *outs[3] = {NULL, NULL, NULL};
    outs[e->logits_output] = logits;
    char why[512];
    if (model_forward(e->net, e->slots, 1, outs, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", e->info->name, why);
        return -1;
    }
    return 0;
}

void embedder_close(embedder *e)
{
    if (!e)
        return;
    model_free(e->net);
    free(e->slots);
    free(e);
}
