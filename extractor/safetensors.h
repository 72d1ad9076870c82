/* Read-only, zero-copy access to a safetensors weights file: the file is mmapped, the JSON
 * header is parsed (libcjson) and validated, and each tensor's bytes are used in place.
 *
 * Manual: st_open() maps and validates the whole file; it rejects, with a message in err,
 * anything that would make a reader step outside the file: short files, a header length beyond
 * the file, bad JSON, non-F32 dtypes, bad shapes, data offsets out of range or not matching
 * the shape, overlapping tensors and duplicate names.  The st_file owns the mapping; tensor
 * pointers stay valid until st_close().  Read-only after st_open(), so any number of threads may
 * read one st_file at once. */
#ifndef SOLEMATE_SAFETENSORS_H
#define SOLEMATE_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#define ST_MAX_DIMS 8

typedef struct {
    char *name;
    int ndim;
    int64_t shape[ST_MAX_DIMS];
    size_t count;        /* number of elements (product of shape) */
    const void *data;    /* count little-endian float32 values inside the mapping */
} st_tensor;

typedef struct st_file st_file;

st_file *st_open(const char *path, char *err, size_t errlen);
void st_close(st_file *f);

int st_count(const st_file *f);
const st_tensor *st_at(const st_file *f, int i);
/* NULL when no tensor has that name. */
const st_tensor *st_find(const st_file *f, const char *name);

/* The tensor's values as an aligned float pointer into the mapping, or NULL when the file
 * places them at an offset that is not 4-byte aligned (then use st_copy_f32). */
const float *st_f32(const st_tensor *t);
/* Copies the tensor's count values into dst. */
void st_copy_f32(const st_tensor *t, float *dst);

/* Lowercase hex SHA-256 of the whole file (64 characters + NUL), computed at st_open(). */
const char *st_sha256(const st_file *f);

#endif
