/* A photo in, its feature vector out: one named extractor (resnet18, vgg16, vgg16-fc7,
 * mobilenet or the raw-pixel baseline) with its weights and preprocessing, usable in-process
 * (the recommender's cold-start queries) and in batches (the catalog run).
 *
 * Manual:
 *   embedder *e = embedder_open("mobilenet", models_dir, NULL, NULL, err, sizeof err);
 *   float *v = malloc(embedder_dim(e) * sizeof *v);
 *   embedder_embed_file(e, "shoe.jpg", v, err, sizeof err);  ...  embedder_close(e);
 * weights_path NULL = the registry's file in models_dir; fit NULL = the model's default
 * ("crop" for ResNet/VGG/pixel, "squash" for MobileNet).  Only real weight files are used:
 * when the file is missing, embedder_open() fails with err saying so and how to get it
 * (`make models`); embedder_weights_path() lets a caller check that first.  Pixel vectors are
 * the 224x224x3 square in HWC order, returned as 0..255 floats (stored as 'u8').
 * Errors: every function returning int gives 0, or -1 with err/why filled (one line).
 * Ownership: the embedder owns its model and buffers; returned strings live as long as it.
 * Threads: embedder_prepare() only reads the embedder and may run on another thread while
 * embedder_forward() runs; everything else is one call at a time per embedder. */
#ifndef SOLEMATE_EMBEDDER_H
#define SOLEMATE_EMBEDDER_H

#include <stddef.h>

typedef struct embedder embedder;

embedder *embedder_open(const char *model, const char *models_dir, const char *weights_path,
                        const char *fit, char *err, size_t errlen);
int embedder_dim(const embedder *e);
const char *embedder_dtype(const embedder *e);         /* "f32" or "u8" (pixel) */
const char *embedder_preprocessing(const embedder *e); /* the name stored in models/features */
int embedder_embed_memory(embedder *e, const void *bytes, size_t len, float *out, char *err,
                          size_t errlen);
int embedder_embed_file(embedder *e, const char *path, float *out, char *err, size_t errlen);
void embedder_close(embedder *e);

/* The weights file the model would use (weights_path, else models_dir/<registry file>) into
 * out; returns 1 when it exists, 0 when missing (out still names it), -1 for an unknown model
 * name and 2 for a model that needs no weights (pixel). */
int embedder_weights_path(const char *model, const char *models_dir, const char *weights_path,
                          char *out, size_t outlen);

/* Batch use.  embedder_open_batch() is embedder_open() for up to max_batch images per
 * forward.  embedder_prepare() decodes and preprocesses one photo into a slot of
 * EMBEDDER_INPUT_FLOATS floats (kind: the faults-table class of a bad image);
 * embedder_forward() turns n prepared slots (contiguous) into n x dim values in out. */
#define EMBEDDER_INPUT_FLOATS (3 * 224 * 224)
embedder *embedder_open_batch(const char *model, const char *models_dir, const char *weights_path,
                              const char *fit, int max_batch, char *err, size_t errlen);
int embedder_prepare(const embedder *e, const void *bytes, size_t len, float *slot,
                     const char **kind, char *why, size_t whylen);
int embedder_forward(embedder *e, const float *slots, int n, float *out, char *err, size_t errlen);
const char *embedder_name(const embedder *e);
const char *embedder_weights_sha256(const embedder *e); /* NULL for pixel */

/* ImageNet-1k logits (1000 floats) of one photo, for models whose weights include the
 * classifier; -1 with err saying so otherwise. */
int embedder_logits(embedder *e, const void *bytes, size_t len, float *logits, char *err,
                    size_t errlen);

#endif
