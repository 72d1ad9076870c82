/* Retrieval quality against labels: each labelled product queries all other labelled products
 * (full ranking by the metric, ties by lower product id, no duplicate collapse), and a hit is a
 * neighbour with the same label.  precision@k = hits in the top k / k; AP = mean over the
 * query's relevant products of the precision at their ranks; mAP = mean AP over queries.
 *
 * Manual: evaluate_ranking() takes a matrix already in the metric's form (normalised for cosine)
 * and labels[i] for every row (non-NULL), fills precision[j] for ks[j] and *map.  Returns 0, or
 * -1 + err (out of memory).  Queries without any other product of their label count with AP 0. */
#ifndef SOLEMATE_EVALUATE_H
#define SOLEMATE_EVALUATE_H

#include <stddef.h>

#include "recommender/knn.h"
#include "recommender/vector_matrix.h"

int evaluate_ranking(const vector_matrix *mat, char *const *labels, knn_metric metric, const int *ks, int nks,
                     double *precision, double *map, char *err, size_t errlen);

#endif
