/* All SQL of the extractor: the models and features rows (the staleness rule of schema.sql),
 * reading photo bytes by digest, and the products rows of local imports.
 *
 * Manual: functions take an open catalog (catalog.h) and return 0, or -1 with err filled
 * (one line).  Writers do not open transactions: the caller groups them (one batch of
 * features, or one imported file, per transaction).  Vectors are encoded as schema.sql says:
 * little-endian IEEE float32 ('f32') or one byte per value ('u8', values rounded and clamped
 * to 0..255).  One thread per catalog handle. */
#ifndef SOLEMATE_FEATURE_STORE_H
#define SOLEMATE_FEATURE_STORE_H

#include <stddef.h>

#include "db/catalog.h"

typedef struct {
    const char *name;           /* models.name */
    const char *weights_sha256; /* NULL for pixel */
    int dim;
    const char *dtype;          /* "f32" | "u8" */
    const char *preprocessing;
} feature_model;

/* Inserts or updates the models row (updated_at changes only when a value does). */
int feature_store_register(catalog *cat, const feature_model *m, char *err, size_t errlen);

/* Digests of the images referenced by products that lack a current feature of m (every one
 * when rebuild), at most limit (< 0: no limit), in a malloc'd array of *count entries. */
int feature_store_pending(catalog *cat, const feature_model *m, int rebuild, long limit,
                          char (**shas)[CATALOG_SHA256_HEX], long *count, char *err, size_t errlen);

/* A malloc'd copy of the image's bytes. */
int feature_store_image(catalog *cat, const char *sha, void **bytes, size_t *len, char *err,
                        size_t errlen);

/* Stores (replaces) the feature of image sha: m->dim values of v, encoded per m->dtype. */
int feature_store_put(catalog *cat, const feature_model *m, const char *sha, const float *v,
                      char *err, size_t errlen);

typedef enum { IMPORT_ADDED, IMPORT_UPDATED, IMPORT_UNCHANGED } import_outcome;

/* The product source='import', shop_id=relpath: created pointing at image sha, or re-pointed
 * (and relabelled when label is not NULL) if it changed; name is the file name. */
int feature_store_import_product(catalog *cat, const char *relpath, const char *name,
                                 const char *label, const char *sha, import_outcome *outcome,
                                 char *err, size_t errlen);

#endif
