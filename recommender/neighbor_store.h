/* Every SQL statement of the recommender: reading models, current feature vectors, products,
 * labels, categories and photos; writing the neighbors table and its build record.
 *
 * Manual: all functions take an open catalog and return 0 on success or -1 with err filled (one
 * line); store_product_get() returns 1 when the product does not exist.  A feature is current when
 * its weights digest, preprocessing and dim equal the model's (db/schema.sql); only products of
 * kind 'shoe' whose current photo has a current feature are loaded, ordered by id.  Memory
 * returned through pointers belongs to the caller (free()).  Same thread-safety as the catalog. */
#ifndef SOLEMATE_NEIGHBOR_STORE_H
#define SOLEMATE_NEIGHBOR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "db/catalog.h"
#include "recommender/knn.h"
#include "recommender/vector_blob.h"
#include "recommender/vector_matrix.h"

typedef struct {
    char name[64];
    long dim;
    vector_dtype dtype;
    char preprocessing[128];
} store_model;

typedef struct {
    int64_t id;
    char name[256];
    char brand[128];
    char url[512];
    char sha[CATALOG_SHA256_HEX];
    char label[64];
} store_product;

typedef struct {
    int64_t product_id;
    int rank;
    int64_t neighbor_id;
    double score;
} store_neighbor;

typedef struct {
    long loaded;                       /* rows in the matrix */
    long skipped;                      /* malformed vectors left out */
    char digest[CATALOG_SHA256_HEX];   /* SHA-256 over what was loaded */
} store_load_info;

/* Every model in the models table, by name (some may have no current features). */
int store_models(catalog *cat, store_model **models, int *count, char *err, size_t errlen);
/* One named model; 1 when it is not in the models table. */
int store_model_get(catalog *cat, const char *name, store_model *model, char *err, size_t errlen);

/* Fills an empty (uninitialised) matrix with the model's current vectors. */
int store_load_vectors(catalog *cat, const store_model *model, vector_matrix *mat,
                       store_load_info *info, char *err, size_t errlen);

/* *current = 1 when the last build of (model, metric) used the same digest, k and threshold. */
int store_build_is_current(catalog *cat, const char *model, knn_metric metric, int k,
                           double near_duplicate, const char *digest, int *current, char *err,
                           size_t errlen);

/* Replaces all neighbors of (model, metric) and its build record in one transaction. */
int store_replace_neighbors(catalog *cat, const char *model, knn_metric metric, int k,
                            double near_duplicate, const store_load_info *info,
                            const store_neighbor *rows, long count, char *err, size_t errlen);

int store_product_get(catalog *cat, int64_t id, store_product *product, char *err, size_t errlen);

/* labels[i] = strdup of products.label of matrix row i, or NULL when unlabelled. */
int store_labels(catalog *cat, const vector_matrix *mat, char ***labels, char *err, size_t errlen);

/* Ids of the shoes that have at least one feature, ascending (*ids malloc'd). */
int store_featured_products(catalog *cat, int64_t **ids, long *count, char *err, size_t errlen);

/* shop_ids[i] = strdup of products.shop_id of matrix row i (the file path for imports). */
int store_shop_ids(catalog *cat, const vector_matrix *mat, char ***shop_ids, char *err, size_t errlen);

/* Categories of each matrix row: ids in cats[offsets[i] .. offsets[i+1]), and a gender mask per
 * row (1 = a men's category, 2 = a women's one). */
int store_categories(catalog *cat, const vector_matrix *mat, long **offsets, int64_t **cats,
                     int **genders, char *err, size_t errlen);

/* The bytes of one stored photo (malloc'd). */
int store_image(catalog *cat, const char *sha, unsigned char **bytes, size_t *len, char *err,
                size_t errlen);

#endif
