/* Shared helpers of the extractor parity tests: locate the PyTorch reference files made by
 * tests/extractor/torch_reference.py, read named reference tensors and compare model outputs
 * with the relative tolerance max|ours - ref| <= 1e-4 * max|ref| (printed as a TAP diagnostic).
 *
 * Manual: static functions for one test program; parity_path() returns a static buffer. */
#ifndef SOLEMATE_TESTS_PARITY_H
#define SOLEMATE_TESTS_PARITY_H

#include "extractor/safetensors.h"
#include "tests/harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PARITY_TOLERANCE 1e-4

/* SOLEMATE_TESTDATA/extractor/<file> (build/testdata when unset) */
static inline const char *parity_path(const char *file)
{
    static char path[4096];
    const char *dir = getenv("SOLEMATE_TESTDATA");
    snprintf(path, sizeof path, "%s/extractor/%s", dir && *dir ? dir : "build/testdata", file);
    return path;
}

static inline const char *parity_models_dir(void)
{
    const char *d = getenv("MODELS_DIR");
    return d && *d ? d : "../shared/models";
}

/* The reference tensor name from a reference file, with count floats, as a malloc'd copy. */
static inline float *parity_tensor(const st_file *ref, const char *name, size_t count)
{
    const st_tensor *t = st_find(ref, name);
    CHECKF(t != NULL, "reference tensor %s missing", name);
    if (!t)
        return NULL;
    CHECKF(t->count == count, "reference %s has %zu values, expected %zu", name, t->count, count);
    if (t->count != count)
        return NULL;
    float *v = malloc(count * sizeof *v);
    st_copy_f32(t, v);
    return v;
}

/* Ratio max|ours - ref| / max|ref|, printed; CHECKs it against the tolerance. */
static inline double parity_compare(const char *what, const float *ours, const float *ref, size_t count)
{
    double max_diff = 0, max_ref = 0;
    for (size_t i = 0; i < count; i++) {
        double d = fabs((double)ours[i] - (double)ref[i]);
        if (isnan(d) || d > max_diff)
            max_diff = d; /* once NaN, stays NaN: the check then fails */
        if (fabs((double)ref[i]) > max_ref)
            max_ref = fabs((double)ref[i]);
    }
    double ratio = max_ref > 0 ? max_diff / max_ref : max_diff;
    printf("# %s: max|ours-ref| = %.3g, max|ref| = %.3g, ratio = %.3g (tolerance %.0e)\n", what, max_diff,
           max_ref, ratio, PARITY_TOLERANCE);
    CHECKF(ratio <= PARITY_TOLERANCE && max_ref > 0, "%s parity ratio %.3g", what, ratio);
    return ratio;
}

#endif
