/* Bias + residual + ReLU/ReLU6 epilogue, written as plain loops that the compiler vectorises
 * (in AVX-512, AVX2 and baseline builds, simd.h). */
#include "extractor/activation.h"

#include "extractor/simd.h"

SIMD_INLINE float apply(float v, activation act)
{
    if (act != ACT_NONE)
        v = v > 0.0f ? v : 0.0f;
    if (act == ACT_RELU6)
        v = v < 6.0f ? v : 6.0f;
    return v;
}

/* one loop per case, so each vectorises without a branch inside */
SIMD_INLINE void row_bias(float *restrict x, size_t len, float b, activation act)
{
    if (act == ACT_RELU)
        for (size_t i = 0; i < len; i++)
            x[i] = apply(x[i] + b, ACT_RELU);
    else if (act == ACT_RELU6)
        for (size_t i = 0; i < len; i++)
            x[i] = apply(x[i] + b, ACT_RELU6);
    else if (b != 0.0f)
        for (size_t i = 0; i < len; i++)
            x[i] += b;
}

SIMD_INLINE void row_bias_residual(float *restrict x, const float *restrict res, size_t len, float b, activation act)
{
    if (act == ACT_RELU)
        for (size_t i = 0; i < len; i++)
            x[i] = apply(x[i] + b + res[i], ACT_RELU);
    else if (act == ACT_RELU6)
        for (size_t i = 0; i < len; i++)
            x[i] = apply(x[i] + b + res[i], ACT_RELU6);
    else
        for (size_t i = 0; i < len; i++)
            x[i] += b + res[i];
}

SIMD_CLONES void activation_block(float *x, size_t ld, int rows, size_t cols, const float *bias,
                                  const float *residual, activation act)
{
    for (int r = 0; r < rows; r++) {
        float b = bias ? bias[r] : 0.0f;
        float *row = x + (size_t)r * ld;
        if (residual)
            row_bias_residual(row, residual + (size_t)r * ld, cols, b, act);
        else
            row_bias(row, cols, b, act);
    }
}
