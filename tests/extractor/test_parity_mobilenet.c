/* MobileNet v1 0.75 parity on the genuine weights (../shared/models): our 768-d feature and logits
 * against a PyTorch re-implementation (TF SAME padding, BN eps 1e-3) on seeded inputs, and the
 * models README's top-5 classes, in order, for darknet's dog/eagle/giraffe/kite photos
 * (preprocessed by tests/extractor/torch_reference.py: PIL bilinear 224x224, x/127.5-1). */
#include "extractor/blas_kernel.h"
#include "extractor/model.h"
#include "tests/extractor/parity.h"

#include <string.h>

#define N 2
#define PHOTOS 4
#define IMG ((size_t)3 * 224 * 224)

static st_file *ref;
static model *net;

static const char *const photo_names[PHOTOS] = {"dog", "eagle", "giraffe", "kite"};
/* ../shared/models/README.md, "Reference top-5" */
static const int readme_top5[PHOTOS][5] = {
    {249, 248, 537, 250, 174},
    {22, 21, 139, 8, 23},
    {340, 139, 83, 290, 138},
    {978, 701, 977, 130, 975},
};

static void top5(const float *logits, int out[5])
{
    for (int k = 0; k < 5; k++) {
        int best = -1;
        for (int c = 0; c < 1000; c++) {
            int taken = 0;
            for (int j = 0; j < k; j++)
                taken |= out[j] == c;
            if (!taken && (best < 0 || logits[c] > logits[best]))
                best = c;
        }
        out[k] = best;
    }
}

static void test_mobilenet_matches_torch_reimplementation(void)
{
    char err[512] = "";
    CHECK(model_output_count(net) == 2);
    CHECK(strcmp(model_output_at(net, 0)->name, "mobilenet") == 0 && model_output_at(net, 0)->dim == 768);
    CHECK(strcmp(model_weights_sha256(net), "2d9dff56621d0d7e1782a9f29a5bf665d02874754a336f14a4530e1a2ce2c6ed") == 0);
    float *input = parity_tensor(ref, "input", N * IMG);
    float *want_feat = parity_tensor(ref, "mobilenet", N * 768), *want_logits = parity_tensor(ref, "logits", N * 1000);
    float *feat = calloc(N * 768, sizeof(float)), *logits = calloc(N * 1000, sizeof(float));
    if (input && want_feat && want_logits) {
        float *outs[2] = {feat, logits};
        CHECKF(model_forward(net, input, N, outs, err, sizeof err) == 0, "%s", err);
        parity_compare("mobilenet", feat, want_feat, N * 768);
        parity_compare("mobilenet logits", logits, want_logits, N * 1000);
    }
    free(input);
    free(want_feat);
    free(want_logits);
    free(feat);
    free(logits);
}

static void test_mobilenet_readme_top5_on_darknet_photos(void)
{
    char err[512] = "";
    float *photos = parity_tensor(ref, "photos", PHOTOS * IMG);
    float *want = parity_tensor(ref, "photos_logits", PHOTOS * 1000);
    float *logits = calloc(PHOTOS * 1000, sizeof(float));
    if (photos && want) {
        for (int i = 0; i < PHOTOS; i += N) {
            float *outs[2] = {NULL, logits + (size_t)i * 1000};
            CHECKF(model_forward(net, photos + (size_t)i * IMG, N, outs, err, sizeof err) == 0, "%s", err);
        }
        parity_compare("mobilenet photo logits", logits, want, PHOTOS * 1000);
        for (int i = 0; i < PHOTOS; i++) {
            int got[5];
            top5(logits + (size_t)i * 1000, got);
            printf("# %s top-5: %d %d %d %d %d\n", photo_names[i], got[0], got[1], got[2], got[3], got[4]);
            CHECKF(memcmp(got, readme_top5[i], sizeof got) == 0, "%s top-5 differs from the README", photo_names[i]);
        }
    }
    free(photos);
    free(want);
    free(logits);
}

int main(int argc, char **argv)
{
    (void)argc;
    blas_kernel_ensure(argv); /* the kernel the programs use, so that is the one proven right */
    printf("# OpenBLAS kernel %s\n", blas_kernel_name());
    char err[512] = "", path[4096];
    ref = st_open(parity_path("mobilenet_ref.safetensors"), err, sizeof err);
    snprintf(path, sizeof path, "%s/mobilenet_v1_0.75_224.safetensors", parity_models_dir());
    net = ref ? model_load("mobilenet", path, N, err, sizeof err) : NULL;
    if (!net) {
        printf("# %s\nnot ok 1 - reference data and weights\n", err);
        st_close(ref);
        return 1;
    }
    RUN(test_mobilenet_matches_torch_reimplementation);
    RUN(test_mobilenet_readme_top5_on_darknet_photos);
    model_free(net);
    st_close(ref);
    return harness_done();
}
