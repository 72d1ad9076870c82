/* Nearest-neighbour search over a vector_matrix: all pairs by blocked sgemm (OpenBLAS) plus a
 * per-row top-m heap, so memory stays O(block x n), never n x n; and one query row against all.
 *
 * Manual: for KNN_COSINE the matrix (and the query) must already be unit length; for KNN_L2 the
 * rows are as stored and sqnorm is used (d^2 = |a|^2 + |b|^2 - 2ab).  Each hit carries the row
 * index and a "closeness" key (cosine: the similarity; l2: 2ab - |b|^2, the query's own norm
 * dropped), higher is closer.  Hits come sorted best first; equal keys order by lower row index
 * (= lower product id), the documented tie rule.  A row's own index is never its own hit.  Rows
 * with fewer than m other rows get index -1 in the unused tail.  knn_score() turns a key back into
 * the metric's score.  Reentrant; OpenBLAS threads do the sgemm.  Returns 0 or -1 (out of memory,
 * err filled). */
#ifndef SOLEMATE_KNN_H
#define SOLEMATE_KNN_H

#include <stddef.h>

#include "recommender/vector_matrix.h"

typedef enum { KNN_COSINE = 0, KNN_L2 = 1 } knn_metric;

typedef struct {
    long index;
    float key;
} knn_hit;

/* out: m->n rows of m_hits hits.  block_rows <= 0 picks a block of about 64 MB of scores. */
int knn_all_pairs(const vector_matrix *mat, knn_metric metric, int m_hits, long block_rows,
                  knn_hit *out, char *err, size_t errlen);

/* knn_all_pairs() for rows first .. first+count-1 only; out holds count rows of hits. */
int knn_rows(const vector_matrix *mat, knn_metric metric, int m_hits, long first, long count, long block_rows,
             knn_hit *out, char *err, size_t errlen);

/* Top m_hits rows for one query vector q (unit length for cosine); exclude is a row index never
 * returned (-1: none). */
int knn_query(const vector_matrix *mat, knn_metric metric, const float *q, long exclude, int m_hits,
              knn_hit *out, char *err, size_t errlen);

/* The dot products of rows start .. start+rows-1 with every row (one sgemm) into dots, a
 * rows x n row-major block; knn_key() turns one dot product into a closeness key for the row
 * whose squared norm is sqnorm. */
void knn_block_dots(const vector_matrix *mat, long start, long rows, float *dots);
float knn_key(knn_metric metric, float dot, float sqnorm);

/* The metric's score from a key: cosine similarity, or Euclidean distance given |q|^2. */
double knn_score(knn_metric metric, float key, float query_sqnorm);

const char *knn_metric_name(knn_metric metric);
/* "cosine" / "l2" to the enum; -1 for anything else. */
int knn_metric_parse(const char *name);

#endif
