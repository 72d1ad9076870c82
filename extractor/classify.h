/* `solemate-extractor classify FILE...`: the top-5 ImageNet classes of photos, the quick check
 * that installed weights are genuine (random weights give near-uniform nonsense).
 *
 * Manual: classify_files() opens the model (its weights must include the classifier), reads
 * the class names from imagenet1k_labels.txt in models_dir, and prints per file the top-5
 * (index, name, probability) as text or, with json, one JSON object a line.  It prints errors
 * itself (one line each, continuing with the next file) and returns the exit status. */
#ifndef SOLEMATE_CLASSIFY_H
#define SOLEMATE_CLASSIFY_H

#include "extractor/embed_files.h"

/* o: as for embed (model, models_dir, weights_path, fit, json). */
int classify_files(const embed_options *o, char *const files[], int nfiles);

#endif
