/* What the recommender's commands share: opening the catalog, choosing models and metrics from
 * the options, turning library failures into the one-line error + exit status, timing.
 *
 * Manual: each function prints its own error (cli_error) and returns an exit status, 0 = ok.
 * command_models() fills a malloc'd list (caller frees) from --model or the whole models table.
 * command_metrics() writes 1 or 2 metrics from --metric (or the given default) and returns the
 * count.  Single-threaded, like the programs. */
#ifndef SOLEMATE_COMMAND_COMMON_H
#define SOLEMATE_COMMAND_COMMON_H

#include "cli/config.h"
#include "db/catalog.h"
#include "recommender/neighbor_store.h"
#include "recommender/recommender_args.h"

int command_open(const solemate_config *cfg, catalog_mode mode, catalog **cat);
int command_models(catalog *cat, const recommender_args *args, store_model **models, int *count);
int command_metrics(const char *option, const char *fallback, knn_metric metrics[2]);
/* Loads one model's vectors; an exit status, with the error printed. */
int command_load(catalog *cat, const store_model *model, vector_matrix *mat, store_load_info *info);
double command_seconds(void);

#endif
