/* VGG-16 parity with torchvision: seeded random weights with classifier, loaded once under
 * torchvision's names and once under timm's (pre_logits.fc1 as a [4096,512,7,7] conv weight,
 * pre_logits.fc2, head.fc); the 512-d feature, fc7 and logits must match PyTorch's to 1e-4 of
 * the largest reference value under both namings, and with the classifier heads skipped. */
#include "extractor/blas_kernel.h"
#include "extractor/model.h"
#include "tests/extractor/parity.h"

#include <string.h>

#define N 2
#define IMG ((size_t)3 * 224 * 224)

static st_file *ref;
static float *input, *tv_out[3];

static void test_vgg16_matches_torchvision(void)
{
    char err[512] = "";
    model *m = model_load("vgg16", parity_path("vgg16.safetensors"), N, err, sizeof err);
    CHECKF(m != NULL, "%s", err);
    if (!m)
        return;
    static const char *const names[3] = {"vgg16", "vgg16-fc7", "logits"};
    static const int dims[3] = {512, 4096, 1000};
    CHECK(model_output_count(m) == 3);
    for (int i = 0; i < 3 && i < model_output_count(m); i++)
        CHECK(strcmp(model_output_at(m, i)->name, names[i]) == 0 && model_output_at(m, i)->dim == dims[i]);
    float *want[3];
    for (int i = 0; i < 3; i++) {
        want[i] = parity_tensor(ref, names[i], (size_t)N * (size_t)dims[i]);
        tv_out[i] = calloc((size_t)N * (size_t)dims[i], sizeof(float));
    }
    if (input && want[0] && want[1] && want[2]) {
        CHECKF(model_forward(m, input, N, tv_out, err, sizeof err) == 0, "%s", err);
        for (int i = 0; i < 3; i++)
            parity_compare(names[i], tv_out[i], want[i], (size_t)N * (size_t)dims[i]);
    }
    for (int i = 0; i < 3; i++)
        free(want[i]);
    model_free(m);
}

static void test_vgg16_timm_names_load_by_shape(void)
{
    char err[512] = "";
    model *m = model_load("vgg16", parity_path("vgg16_timm.safetensors"), 1, err, sizeof err);
    CHECKF(m != NULL, "%s", err);
    if (!m || !input || !tv_out[0])
        return model_free(m);
    CHECK(model_output_count(m) == 3);
    float *feat = calloc(512, sizeof(float)), *fc7 = calloc(4096, sizeof(float)), *logits = calloc(1000, sizeof(float));
    float *outs[3] = {feat, fc7, logits};
    CHECKF(model_forward(m, input + IMG, 1, outs, err, sizeof err) == 0, "%s", err);
    /* the second image, alone, under the other naming: the same numbers as torchvision's */
    static const char *const names[3] = {"timm-named vgg16", "timm-named vgg16-fc7", "timm-named logits"};
    static const char *const ref_names[3] = {"vgg16", "vgg16-fc7", "logits"};
    static const int dims[3] = {512, 4096, 1000};
    for (int i = 0; i < 3; i++) {
        float *want = parity_tensor(ref, ref_names[i], (size_t)N * (size_t)dims[i]);
        if (want)
            parity_compare(names[i], outs[i], want + dims[i], (size_t)dims[i]);
        free(want);
    }
    free(feat);
    free(fc7);
    free(logits);
    model_free(m);
}

static void test_vgg16_features_only_without_classifier(void)
{
    char err[512] = "";
    model *m = model_load("vgg16", parity_path("vgg16.safetensors"), 1, err, sizeof err);
    CHECKF(m != NULL, "%s", err);
    if (!m || !input || !tv_out[0])
        return model_free(m);
    float feat[512];
    float *outs[3] = {feat, NULL, NULL};
    CHECKF(model_forward(m, input, 1, outs, err, sizeof err) == 0, "%s", err);
    parity_compare("vgg16 alone, batch of 1", feat, tv_out[0], 512);
    model_free(m);
}

int main(int argc, char **argv)
{
    (void)argc;
    blas_kernel_ensure(argv); /* the kernel the programs use, so that is the one proven right */
    printf("# OpenBLAS kernel %s\n", blas_kernel_name());
    char err[512] = "";
    ref = st_open(parity_path("vgg16_ref.safetensors"), err, sizeof err);
    if (!ref) {
        printf("# %s\nnot ok 1 - reference data\n", err);
        return 1;
    }
    input = parity_tensor(ref, "input", N * IMG);
    RUN(test_vgg16_matches_torchvision);
    RUN(test_vgg16_timm_names_load_by_shape);
    RUN(test_vgg16_features_only_without_classifier);
    for (int i = 0; i < 3; i++)
        free(tv_out[i]);
    free(input);
    st_close(ref);
    return harness_done();
}
