/* Binding named safetensors tensors to layers with the shapes the model expects: convolution
 * weights and biases, batch-norm parameters (folded on the spot) and fully connected layers.
 *
 * Manual: each function returns 0, or -1 with err naming the tensor and what is wrong (missing,
 * or its shape against the expected one).  Convolution weights are copied (folding changes
 * them); fully connected weights point into the mapping when aligned (see linear.h). */
#ifndef SOLEMATE_WEIGHTS_H
#define SOLEMATE_WEIGHTS_H

#include "extractor/conv2d.h"
#include "extractor/linear.h"
#include "extractor/safetensors.h"

#include <stddef.h>
#include <stdint.h>

/* The tensor called name with exactly this shape. */
const st_tensor *weights_get(const st_file *st, const char *name, int ndim, const int64_t *shape,
                             char *err, size_t errlen);
/* c was set up by conv2d_init(); loads "<prefix>.weight" and, when has_bias, "<prefix>.bias". */
int weights_conv(const st_file *st, conv2d *c, const char *prefix, int has_bias, char *err, size_t errlen);
/* Folds batch norm "<prefix>.{weight,bias,running_mean,running_var}" into c. */
int weights_bn(const st_file *st, conv2d *c, const char *prefix, float eps, char *err, size_t errlen);
/* Loads "<prefix>.weight" (out x in, or the alternative shape alt when alt_ndim > 0, e.g. a
 * 4-D conv-style weight holding the same values) and "<prefix>.bias" into l. */
int weights_linear(const st_file *st, linear *l, const char *prefix, int in, int out, int alt_ndim,
                   const int64_t *alt, activation act, char *err, size_t errlen);

#endif
