/* Fully connected layer: one sgemm for the whole batch, then the bias/activation epilogue. */
#include "extractor/linear.h"

#include <cblas.h>
#include <stdlib.h>

void linear_forward(const linear *l, const float *x, float *y, int n)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, l->out, l->in, 1.0f, x, l->in, l->weight,
                l->in, 0.0f, y, l->out);
    for (int i = 0; i < n; i++) {
        float *row = y + (size_t)i * (size_t)l->out;
        for (int j = 0; j < l->out; j++) {
            float v = row[j] + l->bias[j];
            row[j] = l->act == ACT_RELU && v < 0.0f ? 0.0f : v;
        }
    }
}

void linear_free(linear *l)
{
    free(l->weight_owned);
    free(l->bias_owned);
    l->weight_owned = l->bias_owned = NULL;
    l->weight = l->bias = NULL;
}
