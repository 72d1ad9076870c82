/* The dense per-model feature matrix: growth, row lookup by product id, unit normalisation. */
#include "recommender/vector_matrix.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vector_matrix_init(vector_matrix *m, long cap, long dim)
{
    memset(m, 0, sizeof *m);
    m->dim = dim;
    m->cap = cap > 0 ? cap : 1;
    m->data = malloc((size_t)m->cap * (size_t)dim * sizeof *m->data);
    m->sqnorm = malloc((size_t)m->cap * sizeof *m->sqnorm);
    m->ids = malloc((size_t)m->cap * sizeof *m->ids);
    m->sha = malloc((size_t)m->cap * sizeof *m->sha);
    if (!m->data || !m->sqnorm || !m->ids || !m->sha) {
        vector_matrix_free(m);
        return -1;
    }
    return 0;
}

static int grow(vector_matrix *m)
{
    long cap = 2 * m->cap;
    float *data = realloc(m->data, (size_t)cap * (size_t)m->dim * sizeof *data);
    if (!data)
        return -1;
    m->data = data;
    float *sqnorm = realloc(m->sqnorm, (size_t)cap * sizeof *sqnorm);
    if (!sqnorm)
        return -1;
    m->sqnorm = sqnorm;
    int64_t *ids = realloc(m->ids, (size_t)cap * sizeof *ids);
    if (!ids)
        return -1;
    m->ids = ids;
    char(*sha)[CATALOG_SHA256_HEX] = realloc(m->sha, (size_t)cap * sizeof *sha);
    if (!sha)
        return -1;
    m->sha = sha;
    m->cap = cap;
    return 0;
}

int vector_matrix_add(vector_matrix *m, int64_t id, const char *sha, const float *row)
{
    if (m->n == m->cap && grow(m))
        return -1;
    float *dst = m->data + m->n * m->dim;
    memcpy(dst, row, (size_t)m->dim * sizeof *dst);
    m->sqnorm[m->n] = vector_sqnorm(dst, m->dim);
    m->ids[m->n] = id;
    snprintf(m->sha[m->n], CATALOG_SHA256_HEX, "%s", sha ? sha : "");
    m->n++;
    return 0;
}

float vector_sqnorm(const float *v, long dim)
{
    double sum = 0;
    for (long i = 0; i < dim; i++)
        sum += (double)v[i] * v[i];
    return (float)sum;
}

void vector_normalize(float *v, long dim)
{
    double norm = sqrt((double)vector_sqnorm(v, dim));
    if (norm == 0)
        return;
    float scale = (float)(1.0 / norm);
    for (long i = 0; i < dim; i++)
        v[i] *= scale;
}

void vector_matrix_normalize(vector_matrix *m)
{
    if (m->normalized)
        return;
    for (long i = 0; i < m->n; i++) {
        vector_normalize(m->data + i * m->dim, m->dim);
        m->sqnorm[i] = vector_sqnorm(m->data + i * m->dim, m->dim);
    }
    m->normalized = 1;
}

const float *vector_matrix_row(const vector_matrix *m, long i) { return m->data + i * m->dim; }

long vector_matrix_find(const vector_matrix *m, int64_t id)
{
    long lo = 0, hi = m->n - 1;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        if (m->ids[mid] == id)
            return mid;
        if (m->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

void vector_matrix_free(vector_matrix *m)
{
    free(m->data);
    free(m->sqnorm);
    free(m->ids);
    free(m->sha);
    memset(m, 0, sizeof *m);
}
