/* One model's feature vectors as a dense row-major float matrix, one row per product (ordered
 * by product id), with each row's product id, image digest and squared norm.
 *
 * Manual: vector_matrix_init() allocates room for cap rows of dim floats; vector_matrix_add()
 * appends a row (the matrix owns copies); vector_matrix_normalize() scales every row to unit
 * length in place (cosine); vector_matrix_free() releases everything.  Not thread-safe while
 * being filled; read-only use from several threads is fine.  Errors: -1 on out of memory. */
#ifndef SOLEMATE_VECTOR_MATRIX_H
#define SOLEMATE_VECTOR_MATRIX_H

#include <stdint.h>

#include "db/catalog.h"

typedef struct {
    long n, cap, dim;
    float *data;                        /* n x dim */
    float *sqnorm;                      /* n: squared norm of each row as stored */
    int64_t *ids;                       /* n: products.id, ascending */
    char (*sha)[CATALOG_SHA256_HEX];    /* n: products.image_sha256 */
    int normalized;                     /* rows are unit length (zero rows stay zero) */
} vector_matrix;

int vector_matrix_init(vector_matrix *m, long cap, long dim);
int vector_matrix_add(vector_matrix *m, int64_t id, const char *sha, const float *row);
void vector_matrix_normalize(vector_matrix *m);
const float *vector_matrix_row(const vector_matrix *m, long i);
/* Row index of a product id (binary search), or -1. */
long vector_matrix_find(const vector_matrix *m, int64_t id);
void vector_matrix_free(vector_matrix *m);

/* Squared norm of one vector, and scaling to unit length in place (zero vectors stay zero). */
float vector_sqnorm(const float *v, long dim);
void vector_normalize(float *v, long dim);

#endif
