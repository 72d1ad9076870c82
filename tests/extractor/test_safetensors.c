/* safetensors reader: a well-formed file is indexed correctly, and hostile or broken files
 * (truncated, lying header length, offsets past the end, overlaps, wrong dtype, shape/size
 * mismatch, bad JSON, duplicates) are rejected with a clear message; model_load() rejects
 * tensors whose shape does not fit the architecture or that are missing. */
#define _POSIX_C_SOURCE 200809L
#include "extractor/model.h"
#include "extractor/safetensors.h"
#include "tests/harness.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[4096];

/* Writes 8-byte length (hlen_override when non-negative, else the JSON's length), the JSON and
 * ndata bytes 0,1,2,... ; returns the path. */
static const char *write_file(const char *name, const char *json, long long hlen_override, size_t ndata)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    uint64_t hlen = hlen_override >= 0 ? (uint64_t)hlen_override : strlen(json);
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(hlen >> (8 * i));
    fwrite(len, 1, 8, f);
    fwrite(json, 1, strlen(json), f);
    for (size_t i = 0; i < ndata; i++)
        fputc((int)(i & 0xff), f);
    fclose(f);
    return path;
}

/* st_open must fail with a message containing want. */
static void expect_reject(const char *path, const char *want)
{
    char err[512] = "";
    st_file *f = st_open(path, err, sizeof err);
    CHECKF(f == NULL, "%s was accepted", path);
    CHECKF(strstr(err, want) != NULL, "error '%s' lacks '%s'", err, want);
    printf("# rejected: %s\n", err);
    st_close(f);
}

static void test_valid_file_is_indexed(void)
{
    const char *json = "{\"__metadata__\":{\"format\":\"pt\"},"
                       "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},"
                       "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}";
    char err[256] = "";
    st_file *f = st_open(write_file("ok.safetensors", json, -1, 32), err, sizeof err);
    CHECKF(f != NULL, "%s", err);
    if (!f)
        return;
    CHECK(st_count(f) == 2);
    const st_tensor *a = st_find(f, "a"), *b = st_find(f, "b");
    CHECK(a && a->ndim == 2 && a->shape[0] == 2 && a->shape[1] == 3 && a->count == 6);
    CHECK(b && b->ndim == 1 && b->count == 2);
    CHECK(st_find(f, "c") == NULL && st_find(f, "__metadata__") == NULL);
    if (b) {
        float v[2];
        unsigned char want[8] = {24, 25, 26, 27, 28, 29, 30, 31};
        st_copy_f32(b, v);
        CHECK(memcmp(v, want, 8) == 0);
        /* 8 + header length is odd here, so the data cannot be used in place */
        CHECK(((8 + strlen(json)) % 4 == 0) == (st_f32(b) != NULL));
    }
    CHECK(strlen(st_sha256(f)) == 64);
    st_close(f);
}

static void test_missing_file_rejected(void)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/none.safetensors", dir);
    expect_reject(path, "No such file");
}

static void test_truncated_file_rejected(void)
{
    const char *path = write_file("short.safetensors", "", -1, 0);
    FILE *f = fopen(path, "wb");
    fwrite("\x10\0\0", 1, 3, f);
    fclose(f);
    expect_reject(path, "truncated");
}

static void test_truncated_data_rejected(void)
{
    const char *json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
    expect_reject(write_file("trunc_data.safetensors", json, -1, 10), "outside the 10 data bytes");
}

static void test_header_length_lie_rejected(void)
{
    const char *json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    expect_reject(write_file("lie.safetensors", json, 1000000, 4), "past the end");
    expect_reject(write_file("lie_huge.safetensors", json, (long long)0x7fffffffffffffffLL, 4), "past the end");
}

static void test_offsets_past_end_rejected(void)
{
    const char *json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    expect_reject(write_file("past.safetensors", json, -1, 4), "outside");
    const char *huge = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[18446744073709551612,"
                       "18446744073709551616]}}";
    expect_reject(write_file("past_huge.safetensors", huge, -1, 4), "data_offsets");
    const char *reversed = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}";
    expect_reject(write_file("reversed.safetensors", reversed, -1, 4), "outside");
}

static void test_overlapping_tensors_rejected(void)
{
    const char *json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                       "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
    expect_reject(write_file("overlap.safetensors", json, -1, 12), "overlap");
}

static void test_wrong_dtype_rejected(void)
{
    const char *json = "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
    expect_reject(write_file("f16.safetensors", json, -1, 4), "dtype F16");
}

static void test_shape_size_mismatch_rejected(void)
{
    const char *json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
    expect_reject(write_file("shape.safetensors", json, -1, 8), "do not match its shape");
    const char *neg = "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}";
    expect_reject(write_file("neg.safetensors", neg, -1, 8), "shape entry 0");
    const char *frac = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}";
    expect_reject(write_file("frac.safetensors", frac, -1, 8), "shape entry 0");
    const char *big = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967295,4294967295,4294967295],"
                      "\"data_offsets\":[0,8]}}";
    expect_reject(write_file("big.safetensors", big, -1, 8), "too large");
}

static void test_bad_json_rejected(void)
{
    expect_reject(write_file("json.safetensors", "{\"a\":{\"dtype\":", -1, 8), "not a JSON object");
    expect_reject(write_file("array.safetensors", "[1,2,3]", -1, 8), "not a JSON object");
    expect_reject(write_file("entry.safetensors", "{\"a\":42}", -1, 8), "not an object");
    expect_reject(write_file("fields.safetensors", "{\"a\":{\"dtype\":\"F32\"}}", -1, 8), "needs string dtype");
}

static void test_duplicate_names_rejected(void)
{
    const char *json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                       "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    expect_reject(write_file("dup.safetensors", json, -1, 8), "appears twice");
}

static void test_model_rejects_wrong_shape(void)
{
    /* conv1 as a 3x3 kernel: a well-formed file, but not a ResNet-18 */
    const char *json = "{\"conv1.weight\":{\"dtype\":\"F32\",\"shape\":[64,3,3,3],\"data_offsets\":[0,6912]}}";
    char err[512] = "";
    model *m = model_load("resnet18", write_file("shape_model.safetensors", json, -1, 6912), 1, err, sizeof err);
    CHECK(m == NULL);
    CHECKF(strstr(err, "'conv1.weight' has shape [64, 3, 3, 3], expected [64, 3, 7, 7]") != NULL, "%s", err);
    printf("# rejected: %s\n", err);
    model_free(m);
}

static void test_model_rejects_missing_tensor(void)
{
    const char *json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    char err[512] = "";
    model *m = model_load("mobilenet", write_file("missing.safetensors", json, -1, 4), 1, err, sizeof err);
    CHECK(m == NULL);
    CHECKF(strstr(err, "'conv1.weight' is missing") != NULL, "%s", err);
    m = model_load("alexnet", write_file("missing.safetensors", json, -1, 4), 1, err, sizeof err);
    CHECK(m == NULL && strstr(err, "unknown model") != NULL);
    m = model_load("mobilenet", write_file("missing.safetensors", json, -1, 4), 0, err, sizeof err);
    CHECK(m == NULL && strstr(err, "batch size") != NULL);
}

int main(void)
{
    const char *tmp = getenv("SOLEMATE_TMP");
    snprintf(dir, sizeof dir, "%s/st.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        printf("not ok 1 - scratch directory %s\n", dir);
        return 1;
    }
    RUN(test_valid_file_is_indexed);
    RUN(test_missing_file_rejected);
    RUN(test_truncated_file_rejected);
    RUN(test_truncated_data_rejected);
    RUN(test_header_length_lie_rejected);
    RUN(test_offsets_past_end_rejected);
    RUN(test_overlapping_tensors_rejected);
    RUN(test_wrong_dtype_rejected);
    RUN(test_shape_size_mismatch_rejected);
    RUN(test_bad_json_rejected);
    RUN(test_duplicate_names_rejected);
    RUN(test_model_rejects_wrong_shape);
    RUN(test_model_rejects_missing_tensor);
    int rc = harness_done();
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return rc;
}
