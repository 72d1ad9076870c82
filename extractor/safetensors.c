/* safetensors reader: mmap the file, parse and validate the JSON header with libcjson, index
 * the tensors by name.  Every offset, dtype and shape is checked before any tensor byte is
 * exposed, so a hostile or truncated file is rejected instead of read out of bounds. */
#define _POSIX_C_SOURCE 200809L
#include "extractor/safetensors.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* a header larger than this is not a weights file we can use */
#define ST_MAX_HEADER (100u * 1024u * 1024u)

struct st_file {
    void *map;
    size_t size;
    st_tensor *tensors;
    int count;
    st_tensor **by_name; /* sorted by name for st_find */
    char sha256[65];
};

static void fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* A JSON number that is a non-negative integer no larger than limit. */
static int json_uint(const cJSON *v, uint64_t limit, uint64_t *out)
{
    if (!cJSON_IsNumber(v))
        return -1;
    double d = v->valuedouble;
    if (!(d >= 0) || d != floor(d) || d > 9007199254740992.0 || d > (double)limit)
        return -1;
    *out = (uint64_t)d;
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    const st_tensor *x = *(const st_tensor *const *)a, *y = *(const st_tensor *const *)b;
    return strcmp(x->name, y->name);
}

typedef struct {
    uint64_t begin, end;
    const char *name;
} span;

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Fills t from one header entry; data_len is the size of the byte buffer after the header. */
static int parse_entry(const cJSON *e, st_tensor *t, const unsigned char *data, uint64_t data_len,
                       span *sp, char *err, size_t errlen)
{
    const char *name = e->string;
    if (!cJSON_IsObject(e)) {
        fail(err, errlen, "tensor '%s': header entry is not an object", name);
        return -1;
    }
    const cJSON *dtype = cJSON_GetObjectItemCaseSensitive(e, "dtype");
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(e, "shape");
    const cJSON *offs = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
    if (!cJSON_IsString(dtype) || !cJSON_IsArray(shape) || !cJSON_IsArray(offs)) {
        fail(err, errlen, "tensor '%s': needs string dtype, array shape and array data_offsets", name);
        return -1;
    }
    if (strcmp(dtype->valuestring, "F32") != 0) {
        fail(err, errlen, "tensor '%s': dtype %.16s is not supported (only F32)", name, dtype->valuestring);
        return -1;
    }
    int ndim = cJSON_GetArraySize(shape);
    if (ndim > ST_MAX_DIMS) {
        fail(err, errlen, "tensor '%s': %d dimensions (at most %d)", name, ndim, ST_MAX_DIMS);
        return -1;
    }
    uint64_t count = 1;
    int d = 0;
    for (const cJSON *v = shape->child; v; v = v->next, d++) {
        uint64_t dim;
        if (json_uint(v, UINT32_MAX, &dim) < 0) {
            fail(err, errlen, "tensor '%s': shape entry %d is not a valid dimension", name, d);
            return -1;
        }
        if (dim != 0 && count > UINT64_MAX / 4 / dim) {
            fail(err, errlen, "tensor '%s': shape is too large", name);
            return -1;
        }
        t->shape[d] = (int64_t)dim;
        count *= dim;
    }
    uint64_t begin, end;
    if (cJSON_GetArraySize(offs) != 2 || json_uint(offs->child, UINT64_MAX, &begin) < 0 ||
        json_uint(offs->child->next, UINT64_MAX, &end) < 0) {
        fail(err, errlen, "tensor '%s': data_offsets must be two non-negative integers", name);
        return -1;
    }
    if (begin > end || end > data_len) {
        fail(err, errlen, "tensor '%s': data_offsets [%llu, %llu) outside the %llu data bytes", name,
             (unsigned long long)begin, (unsigned long long)end, (unsigned long long)data_len);
        return -1;
    }
    if (end - begin != count * 4) {
        fail(err, errlen, "tensor '%s': %llu data bytes do not match its shape (%llu bytes)", name,
             (unsigned long long)(end - begin), (unsigned long long)(count * 4));
        return -1;
    }
    t->name = strdup(name);
    if (!t->name) {
        fail(err, errlen, "out of memory");
        return -1;
    }
    t->ndim = ndim;
    t->count = (size_t)count;
    t->data = data + begin;
    sp->begin = begin;
    sp->end = end;
    sp->name = t->name;
    return 0;
}

/* Parses the header JSON into f->tensors; checks duplicates and overlaps. */
static int parse_header(st_file *f, const char *json, size_t json_len, char *err, size_t errlen)
{
    const unsigned char *data = (const unsigned char *)json + json_len;
    uint64_t data_len = f->size - 8 - json_len;
    cJSON *root = cJSON_ParseWithLength(json, json_len);
    if (!root || !cJSON_IsObject(root)) {
        fail(err, errlen, "header is not a JSON object");
        cJSON_Delete(root);
        return -1;
    }
    int n = 0;
    for (const cJSON *e = root->child; e; e = e->next)
        if (strcmp(e->string, "__metadata__") != 0)
            n++;
    f->tensors = calloc(n ? (size_t)n : 1, sizeof *f->tensors);
    f->by_name = calloc(n ? (size_t)n : 1, sizeof *f->by_name);
    span *spans = calloc(n ? (size_t)n : 1, sizeof *spans);
    int rc = -1;
    if (!f->tensors || !f->by_name || !spans) {
        fail(err, errlen, "out of memory");
        goto out;
    }
    for (const cJSON *e = root->child; e; e = e->next) {
        if (strcmp(e->string, "__metadata__") == 0) {
            if (!cJSON_IsObject(e)) {
                fail(err, errlen, "__metadata__ is not an object");
                goto out;
            }
            continue;
        }
        if (parse_entry(e, &f->tensors[f->count], data, data_len, &spans[f->count], err, errlen) < 0)
            goto out;
        f->by_name[f->count] = &f->tensors[f->count];
        f->count++;
    }
    qsort(f->by_name, (size_t)n, sizeof *f->by_name, cmp_name);
    for (int i = 1; i < n; i++)
        if (strcmp(f->by_name[i - 1]->name, f->by_name[i]->name) == 0) {
            fail(err, errlen, "tensor '%s' appears twice in the header", f->by_name[i]->name);
            goto out;
        }
    qsort(spans, (size_t)n, sizeof *spans, cmp_span);
    for (int i = 1; i < n; i++)
        if (spans[i].begin < spans[i - 1].end) {
            fail(err, errlen, "tensors '%s' and '%s' overlap in the data buffer", spans[i - 1].name,
                 spans[i].name);
            goto out;
        }
    rc = 0;
out:
    free(spans);
    cJSON_Delete(root);
    return rc;
}

static int hash_file(st_file *f, char *err, size_t errlen)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(f->map, f->size, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) {
        fail(err, errlen, "SHA-256 failed");
        return -1;
    }
    for (unsigned i = 0; i < 32; i++)
        snprintf(f->sha256 + 2 * i, 3, "%02x", md[i]);
    return 0;
}

st_file *st_open(const char *path, char *err, size_t errlen)
{
    st_file *f = calloc(1, sizeof *f);
    if (!f) {
        fail(err, errlen, "out of memory");
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(err, errlen, "%s: %s", path, strerror(errno));
        free(f);
        return NULL;
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        fail(err, errlen, "%s: not a regular file", path);
        close(fd);
        free(f);
        return NULL;
    }
    if (sb.st_size < 8) {
        fail(err, errlen, "%s: truncated (%lld bytes, no header length)", path, (long long)sb.st_size);
        close(fd);
        free(f);
        return NULL;
    }
    f->size = (size_t)sb.st_size;
    f->map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (f->map == MAP_FAILED) {
        fail(err, errlen, "%s: mmap: %s", path, strerror(errno));
        free(f);
        return NULL;
    }
    const unsigned char *p = f->map;
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--)
        hlen = (hlen << 8) | p[i];
    char why[256] = "";
    if (hlen > f->size - 8)
        snprintf(why, sizeof why, "header length %llu runs past the end of the %zu-byte file",
                 (unsigned long long)hlen, f->size);
    else if (hlen < 2 || hlen > ST_MAX_HEADER)
        snprintf(why, sizeof why, "implausible header length %llu", (unsigned long long)hlen);
    else if (parse_header(f, (const char *)p + 8, (size_t)hlen, why, sizeof why) == 0)
        hash_file(f, why, sizeof why);
    if (why[0]) {
        fail(err, errlen, "%s: %s", path, why);
        st_close(f);
        return NULL;
    }
    return f;
}

void st_close(st_file *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->count; i++)
        free(f->tensors[i].name);
    free(f->tensors);
    free(f->by_name);
    if (f->map && f->map != MAP_FAILED)
        munmap(f->map, f->size);
    free(f);
}

int st_count(const st_file *f) { return f->count; }

const st_tensor *st_at(const st_file *f, int i)
{
    return i >= 0 && i < f->count ? &f->tensors[i] : NULL;
}

const st_tensor *st_find(const st_file *f, const char *name)
{
    int lo = 0, hi = f->count - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(name, f->by_name[mid]->name);
        if (c == 0)
            return f->by_name[mid];
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return NULL;
}

const float *st_f32(const st_tensor *t)
{
    return ((uintptr_t)t->data % sizeof(float)) == 0 ? (const float *)t->data : NULL;
}

void st_copy_f32(const st_tensor *t, float *dst)
{
    memcpy(dst, t->data, t->count * sizeof(float));
}

const char *st_sha256(const st_file *f) { return f->sha256; }
