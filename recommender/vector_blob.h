/* Feature BLOB decoding and the exact (double precision) cosine / Euclidean scores, shared by the
 * recommender and the loadable SQLite extension so both give the same numbers.
 *
 * Manual: a BLOB holds dim little-endian elements, 'f32' = IEEE-754 float32, 'u8' = bytes (see
 * db/schema.sql).  vector_blob_decode() checks length and finiteness and widens into caller-owned
 * floats; it returns 0 or -1 with err saying what is wrong.  The score functions are pure and
 * thread-safe.  Cosine with a zero vector is defined as 0; Euclidean distance never negative. */
#ifndef SOLEMATE_VECTOR_BLOB_H
#define SOLEMATE_VECTOR_BLOB_H

#include <stddef.h>

typedef enum { VECTOR_F32 = 0, VECTOR_U8 = 1 } vector_dtype;

/* "f32" / "u8" to the enum; -1 for anything else. */
int vector_dtype_parse(const char *name);
size_t vector_dtype_size(vector_dtype t);

/* Number of elements in a BLOB of len bytes, or -1 (err filled) when len is not a positive
 * multiple of the element size. */
long vector_blob_dim(size_t len, vector_dtype t, char *err, size_t errlen);

/* Widens dim elements of blob into out; -1 + err for a bad length or a non-finite float. */
int vector_blob_decode(const void *blob, size_t len, vector_dtype t, long dim, float *out, char *err,
                       size_t errlen);

/* Exact scores of two dim-element float vectors, accumulated in double. */
double vector_cosine(const float *a, const float *b, long dim);
double vector_l2(const float *a, const float *b, long dim);

#endif
