/* Speed of the extractor's inference core: times model_forward() for one model at several batch
 * sizes and prints ms/image, images/s, GFLOP/s and % of the fp32 FMA ceiling, plus one
 * "RESULT {json}" line per configuration for extractor/bench/compare_peers.py.
 *
 * Usage: bench_extractor MODEL WEIGHTS [BATCHES=1,8,32] [MIN_TIME_S=1] [PEAK_GFLOPS=0] [NOTE] */
#define _POSIX_C_SOURCE 200809L
#include "extractor/blas_kernel.h"
#include "extractor/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REPS 1000

/* conv + fc multiply-adds per 224x224 image, feature heads only (what the peers time too) */
static double gmacs(const char *arch)
{
    if (strcmp(arch, "resnet18") == 0)
        return 1.814;
    if (strcmp(arch, "vgg16") == 0)
        return 15.35;
    return 0.3246;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int bench_batch(const char *arch, const char *weights, int batch, double min_time, double peak, const char *note)
{
    char err[512];
    model *m = model_load(arch, weights, batch, err, sizeof err);
    if (!m) {
        fprintf(stderr, "bench_extractor: %s\n", err);
        return -1;
    }
    size_t in_count = (size_t)batch * 3 * MODEL_INPUT_SIZE * MODEL_INPUT_SIZE;
    float *input = malloc(in_count * sizeof(float));
    float *feat = malloc((size_t)batch * (size_t)model_output_at(m, 0)->dim * sizeof(float));
    float *outs[3] = {feat, NULL, NULL};
    unsigned seed = 12345;
    for (size_t i = 0; i < in_count; i++) {
        seed = seed * 1103515245u + 12345u;
        input[i] = (float)((seed >> 8) & 0xffff) / 32768.0f - 1.0f;
    }
    double first = now_s();
    int rc = model_forward(m, input, batch, outs, err, sizeof err);
    first = now_s() - first;
    double times[MAX_REPS], start = now_s();
    int reps = 0;
    while (rc == 0 && reps < MAX_REPS && (reps < 3 || now_s() - start < min_time)) {
        double t = now_s();
        rc = model_forward(m, input, batch, outs, err, sizeof err);
        times[reps++] = now_s() - t;
    }
    if (rc == 0) {
        qsort(times, (size_t)reps, sizeof times[0], cmp_double);
        double med = reps % 2 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
        double ms_img = 1e3 * med / batch, ips = batch / med, gflops = 2 * gmacs(arch) * ips;
        printf("%-9s batch %3d: %8.2f ms/image %8.2f img/s %7.1f GFLOP/s", arch, batch, ms_img, ips, gflops);
        if (peak > 0)
            printf(" %5.1f%% of FMA peak", 100 * gflops / peak);
        printf("  (median of %d, first call %.0f ms)%s%s\n", reps, 1e3 * first, note[0] ? "  " : "", note);
        printf("RESULT {\"engine\":\"solemate\",\"model\":\"%s\",\"batch\":%d,\"ms_per_image_median\":%.4f,"
               "\"images_per_s\":%.4f,\"gflops\":%.2f,\"reps\":%d}\n",
               arch, batch, ms_img, ips, gflops, reps);
        fflush(stdout);
    } else {
        fprintf(stderr, "bench_extractor: %s\n", err);
    }
    free(input);
    free(feat);
    model_free(m);
    return rc;
}

int main(int argc, char **argv)
{
    blas_kernel_ensure(argv);
    if (argc < 3) {
        fprintf(stderr, "usage: bench_extractor MODEL WEIGHTS [BATCHES=1,8,32] [MIN_TIME_S=1] [PEAK_GFLOPS=0] [NOTE]\n");
        return 64;
    }
    char batches[256];
    snprintf(batches, sizeof batches, "%s", argc > 3 ? argv[3] : "1,8,32");
    double min_time = argc > 4 ? atof(argv[4]) : 1.0, peak = argc > 5 ? atof(argv[5]) : 0.0;
    const char *note = argc > 6 ? argv[6] : "";
    printf("%s: OpenBLAS kernel %s\n", argv[1], blas_kernel_name());
    char *save = NULL;
    for (char *tok = strtok_r(batches, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int b = atoi(tok);
        if (b < 1 || bench_batch(argv[1], argv[2], b, min_time, peak, note) < 0)
            return 70;
    }
    return 0;
}
