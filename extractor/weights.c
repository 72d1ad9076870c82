/* Looks up model tensors by name, checks their shapes against the architecture and copies or
 * borrows their values into layers. */
#include "extractor/weights.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void shape_str(char *buf, size_t len, int ndim, const int64_t *shape)
{
    size_t off = 0;
    off += (size_t)snprintf(buf, len, "[");
    for (int i = 0; i < ndim && off < len; i++)
        off += (size_t)snprintf(buf + off, len - off, "%s%lld", i ? ", " : "", (long long)shape[i]);
    if (off < len)
        snprintf(buf + off, len - off, "]");
}

static int same_shape(const st_tensor *t, int ndim, const int64_t *shape)
{
    if (t->ndim != ndim)
        return 0;
    for (int i = 0; i < ndim; i++)
        if (t->shape[i] != shape[i])
            return 0;
    return 1;
}

static const st_tensor *find(const st_file *st, const char *name, char *err, size_t errlen)
{
    const st_tensor *t = st_find(st, name);
    if (!t)
        snprintf(err, errlen, "tensor '%s' is missing", name);
    return t;
}

static void shape_error(const st_tensor *t, int ndim, const int64_t *shape, char *err, size_t errlen)
{
    char got[128], want[128];
    shape_str(got, sizeof got, t->ndim, t->shape);
    shape_str(want, sizeof want, ndim, shape);
    snprintf(err, errlen, "tensor '%s' has shape %s, expected %s", t->name, got, want);
}

const st_tensor *weights_get(const st_file *st, const char *name, int ndim, const int64_t *shape,
                             char *err, size_t errlen)
{
    const st_tensor *t = find(st, name, err, errlen);
    if (t && !same_shape(t, ndim, shape)) {
        shape_error(t, ndim, shape, err, errlen);
        return NULL;
    }
    return t;
}

static const st_tensor *get_suffix(const st_file *st, const char *prefix, const char *suffix, int ndim,
                                   const int64_t *shape, char *err, size_t errlen)
{
    char name[256];
    snprintf(name, sizeof name, "%s.%s", prefix, suffix);
    return weights_get(st, name, ndim, shape, err, errlen);
}

int weights_conv(const st_file *st, conv2d *c, const char *prefix, int has_bias, char *err, size_t errlen)
{
    int64_t ws[4] = {c->cout, c->cin / c->groups, c->kh, c->kw}, bs[1] = {c->cout};
    const st_tensor *w = get_suffix(st, prefix, "weight", 4, ws, err, errlen);
    if (!w)
        return -1;
    st_copy_f32(w, c->weight);
    if (has_bias) {
        const st_tensor *b = get_suffix(st, prefix, "bias", 1, bs, err, errlen);
        if (!b)
            return -1;
        st_copy_f32(b, c->bias);
    }
    return 0;
}

int weights_bn(const st_file *st, conv2d *c, const char *prefix, float eps, char *err, size_t errlen)
{
    static const char *const parts[4] = {"weight", "bias", "running_mean", "running_var"};
    int64_t shape[1] = {c->cout};
    float *v = malloc(4 * (size_t)c->cout * sizeof(float));
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        const st_tensor *t = get_suffix(st, prefix, parts[i], 1, shape, err, errlen);
        if (!t) {
            free(v);
            return -1;
        }
        st_copy_f32(t, v + (size_t)i * (size_t)c->cout);
    }
    size_t n = (size_t)c->cout;
    conv2d_fold_bn(c, v, v + n, v + 2 * n, v + 3 * n, eps);
    free(v);
    return 0;
}

/* Borrowed pointer into the mapping when aligned, else an owned copy stored in *owned. */
static const float *borrow(const st_tensor *t, float **owned)
{
    const float *p = st_f32(t);
    if (p)
        return p;
    *owned = malloc(t->count * sizeof(float));
    if (*owned)
        st_copy_f32(t, *owned);
    return *owned;
}

int weights_linear(const st_file *st, linear *l, const char *prefix, int in, int out, int alt_ndim,
                   const int64_t *alt, activation act, char *err, size_t errlen)
{
    char name[256];
    int64_t ws[2] = {out, in}, bs[1] = {out};
    memset(l, 0, sizeof *l);
    l->in = in;
    l->out = out;
    l->act = act;
    snprintf(name, sizeof name, "%s.weight", prefix);
    const st_tensor *w = find(st, name, err, errlen);
    if (!w)
        return -1;
    if (!same_shape(w, 2, ws) && !(alt_ndim > 0 && same_shape(w, alt_ndim, alt))) {
        shape_error(w, alt_ndim > 0 ? alt_ndim : 2, alt_ndim > 0 ? alt : ws, err, errlen);
        return -1;
    }
    const st_tensor *b = get_suffix(st, prefix, "bias", 1, bs, err, errlen);
    if (!b)
        return -1;
    l->weight = borrow(w, &l->weight_owned);
    l->bias = borrow(b, &l->bias_owned);
    if (!l->weight || !l->bias) {
        snprintf(err, errlen, "out of memory");
        linear_free(l);
        return -1;
    }
    return 0;
}
