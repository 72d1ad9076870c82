/* Feature BLOB decoding (float32 LE / bytes) and the reference cosine and Euclidean scores in
 * double precision: the recommender rescoring and the SQL functions both call these. */
#include "recommender/vector_blob.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int vector_dtype_parse(const char *name)
{
    if (name && strcmp(name, "f32") == 0)
        return VECTOR_F32;
    if (name && strcmp(name, "u8") == 0)
        return VECTOR_U8;
    return -1;
}

size_t vector_dtype_size(vector_dtype t) { return t == VECTOR_U8 ? 1 : 4; }

long vector_blob_dim(size_t len, vector_dtype t, char *err, size_t errlen)
{
    size_t size = vector_dtype_size(t);
    if (len == 0 || len % size != 0) {
        snprintf(err, errlen, "a %zu-byte BLOB is not a %s vector (length must be a positive multiple of %zu)",
                 len, t == VECTOR_U8 ? "u8" : "f32", size);
        return -1;
    }
    return (long)(len / size);
}

int vector_blob_decode(const void *blob, size_t len, vector_dtype t, long dim, float *out, char *err,
                       size_t errlen)
{
    long have = vector_blob_dim(len, t, err, errlen);
    if (have < 0)
        return -1;
    if (have != dim) {
        snprintf(err, errlen, "BLOB holds %ld elements, expected %ld", have, dim);
        return -1;
    }
    const unsigned char *p = blob;
    if (t == VECTOR_U8) {
        for (long i = 0; i < dim; i++)
            out[i] = (float)p[i];
        return 0;
    }
    for (long i = 0; i < dim; i++) {
        uint32_t bits = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
                        (uint32_t)p[4 * i + 3] << 24;
        float v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) {
            snprintf(err, errlen, "element %ld of the BLOB is not a finite number", i);
            return -1;
        }
        out[i] = v;
    }
    return 0;
}

double vector_cosine(const float *a, const float *b, long dim)
{
    double ab = 0, aa = 0, bb = 0;
    for (long i = 0; i < dim; i++) {
        ab += (double)a[i] * b[i];
        aa += (double)a[i] * a[i];
        bb += (double)b[i] * b[i];
    }
    if (aa == 0 || bb == 0)
        return 0;
    return ab / (sqrt(aa) * sqrt(bb));
}

double vector_l2(const float *a, const float *b, long dim)
{
    double sum = 0;
    for (long i = 0; i < dim; i++) {
        double d = (double)a[i] - b[i];
        sum += d * d;
    }
    return sqrt(sum);
}
