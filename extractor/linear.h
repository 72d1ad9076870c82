/* Fully connected layer of the inference core: y = x W^T + b, optional ReLU, batched as one
 * sgemm.
 *
 * Manual: the weight (out x in, row-major as PyTorch stores it) and bias are borrowed: they
 * usually point into the mmapped weights file and must outlive the layer; owned copies (when
 * the file's data is not aligned) are kept in the *_owned fields and freed by linear_free(). */
#ifndef SOLEMATE_LINEAR_H
#define SOLEMATE_LINEAR_H

#include "extractor/activation.h"

typedef struct {
    int in, out;
    activation act;
    const float *weight, *bias;
    float *weight_owned, *bias_owned;
} linear;

/* x: n x in, y: n x out (row-major). */
void linear_forward(const linear *l, const float *x, float *y, int n);
void linear_free(linear *l);

#endif
