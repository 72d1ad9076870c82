/* ResNet-18 parity with torchvision: seeded random weights (random BN statistics) and inputs from
 * tests/extractor/torch_reference.py; our 512-d feature and logits must match PyTorch's to
 * 1e-4 of the largest reference value; skipping the logits head must not change the feature. */
#include "extractor/blas_kernel.h"
#include "extractor/model.h"
#include "tests/extractor/parity.h"

#include <string.h>

#define N 2

static void test_resnet18_matches_torchvision(void)
{
    char err[512] = "";
    st_file *ref = st_open(parity_path("resnet18_ref.safetensors"), err, sizeof err);
    CHECKF(ref != NULL, "%s", err);
    model *m = model_load("resnet18", parity_path("resnet18.safetensors"), N, err, sizeof err);
    CHECKF(m != NULL, "%s", err);
    if (!ref || !m) {
        st_close(ref);
        model_free(m);
        return;
    }
    CHECK(strcmp(model_arch(m), "resnet18") == 0);
    CHECK(strlen(model_weights_sha256(m)) == 64);
    CHECK(model_output_count(m) == 2);
    CHECK(strcmp(model_output_at(m, 0)->name, "resnet18") == 0 && model_output_at(m, 0)->dim == 512);
    CHECK(strcmp(model_output_at(m, 1)->name, "logits") == 0 && model_output_at(m, 1)->dim == 1000);
    CHECK(model_output_at(m, 2) == NULL);
    float *input = parity_tensor(ref, "input", (size_t)N * 3 * 224 * 224);
    float *want_feat = parity_tensor(ref, "resnet18", N * 512);
    float *want_logits = parity_tensor(ref, "logits", N * 1000);
    float *feat = calloc(N * 512, sizeof(float)), *logits = calloc(N * 1000, sizeof(float));
    float *feat_only = calloc(N * 512, sizeof(float));
    if (input && want_feat && want_logits) {
        float *outs[2] = {feat, logits};
        CHECKF(model_forward(m, input, N, outs, err, sizeof err) == 0, "%s", err);
        parity_compare("resnet18", feat, want_feat, N * 512);
        parity_compare("resnet18 logits", logits, want_logits, N * 1000);
        float *outs_feat[2] = {feat_only, NULL};
        CHECKF(model_forward(m, input, N, outs_feat, err, sizeof err) == 0, "%s", err);
        CHECK(memcmp(feat, feat_only, N * 512 * sizeof(float)) == 0);
        float *outs_one[2] = {feat_only, NULL};
        CHECKF(model_forward(m, input + (size_t)3 * 224 * 224, 1, outs_one, err, sizeof err) == 0, "%s", err);
        parity_compare("resnet18 batch of 1", feat_only, want_feat + 512, 512);
        CHECK(model_forward(m, input, N + 1, outs, err, sizeof err) == -1);
        CHECK(model_forward(m, input, 0, outs, err, sizeof err) == -1);
    }
    free(input);
    free(want_feat);
    free(want_logits);
    free(feat);
    free(logits);
    free(feat_only);
    model_free(m);
    st_close(ref);
}

int main(int argc, char **argv)
{
    (void)argc;
    blas_kernel_ensure(argv); /* the kernel the programs use, so that is the one proven right */
    printf("# OpenBLAS kernel %s\n", blas_kernel_name());
    RUN(test_resnet18_matches_torchvision);
    return harness_done();
}
