/* Element-wise ops of the inference core: per-channel bias + ReLU/ReLU6 (the epilogue of
 * convolutions and fully connected layers) and the residual add + ReLU.
 *
 * Manual: pure functions over caller-owned float arrays; no allocation, no failure, safe to
 * call from any thread on disjoint data. */
#ifndef SOLEMATE_ACTIVATION_H
#define SOLEMATE_ACTIVATION_H

#include <stddef.h>

typedef enum { ACT_NONE = 0, ACT_RELU, ACT_RELU6 } activation;

/* x is rows x len; adds bias[r] (when bias is not NULL) to row r, then applies act. */
void activation_rows(float *x, int rows, size_t len, const float *bias, activation act);
/* y = max(y + x, 0) over len values (the residual join of a ResNet block). */
void activation_add_relu(float *y, const float *x, size_t len);

#endif
