/* Bias + ReLU/ReLU6 epilogue and residual add + ReLU, written as plain loops that the compiler
 * vectorises, shared out among the worker pool (parallel.h) when large. */
#include "extractor/activation.h"

#include "extractor/parallel.h"

/* below this many values a loop is not worth waking the pool for */
#define PARALLEL_MIN 65536

static void row_none(float *restrict x, size_t len, float b)
{
    for (size_t i = 0; i < len; i++)
        x[i] += b;
}

static void row_relu(float *restrict x, size_t len, float b)
{
    for (size_t i = 0; i < len; i++) {
        float v = x[i] + b;
        x[i] = v > 0.0f ? v : 0.0f;
    }
}

static void row_relu6(float *restrict x, size_t len, float b)
{
    for (size_t i = 0; i < len; i++) {
        float v = x[i] + b;
        v = v > 0.0f ? v : 0.0f;
        x[i] = v < 6.0f ? v : 6.0f;
    }
}

typedef struct {
    float *x;
    const float *y;
    size_t len;
    const float *bias;
    activation act;
} rows_job;

static void rows_range(void *ctx, long begin, long end)
{
    const rows_job *j = ctx;
    for (long r = begin; r < end; r++) {
        float b = j->bias ? j->bias[r] : 0.0f;
        float *row = j->x + (size_t)r * j->len;
        if (j->act == ACT_RELU)
            row_relu(row, j->len, b);
        else if (j->act == ACT_RELU6)
            row_relu6(row, j->len, b);
        else if (b != 0.0f)
            row_none(row, j->len, b);
    }
}

void activation_rows(float *x, int rows, size_t len, const float *bias, activation act)
{
    rows_job job = {x, NULL, len, bias, act};
    if ((size_t)rows * len < PARALLEL_MIN)
        rows_range(&job, 0, rows);
    else
        parallel_for(rows, rows_range, &job);
}

static void add_relu_range(void *ctx, long begin, long end)
{
    const rows_job *j = ctx;
    float *restrict y = j->x;
    const float *restrict x = j->y;
    for (long i = begin; i < end; i++) {
        float v = y[i] + x[i];
        y[i] = v > 0.0f ? v : 0.0f;
    }
}

void activation_add_relu(float *y, const float *x, size_t len)
{
    rows_job job = {y, x, len, NULL, ACT_NONE};
    if (len < PARALLEL_MIN)
        add_relu_range(&job, 0, (long)len);
    else
        parallel_for((long)len, add_relu_range, &job);
}
