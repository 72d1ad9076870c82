/* Cold-start queries: the feature of a photo that is not in the catalog, computed in-process by
 * the extractor's embedder with the same model and preprocessing as the catalog's features.
 *
 * Manual: cold_start_embed() reads path, picks the fit (given, else whichever of crop/pad/squash
 * reproduces the catalog model's preprocessing name), embeds the photo into a malloc'd vector of
 * model->dim floats (*vector, caller frees) and the photo's SHA-256 into sha.  Returns an exit
 * status with the one-line error printed: 66 unreadable file, 69 weights missing, 65 bad photo or
 * no matching preprocessing. */
#ifndef SOLEMATE_COLD_START_H
#define SOLEMATE_COLD_START_H

#include "db/catalog.h"
#include "recommender/neighbor_store.h"

int cold_start_embed(const store_model *model, const char *path, const char *models_dir, const char *fit,
                     float **vector, char sha[CATALOG_SHA256_HEX]);

#endif
