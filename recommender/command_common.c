/* Catalog opening, model/metric choice and vector loading as the commands need them. */
#define _POSIX_C_SOURCE 200809L
#include "recommender/command_common.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

int command_open(const solemate_config *cfg, catalog_mode mode, catalog **cat)
{
    char err[1024];
    *cat = catalog_open(cfg->catalog_path, mode, cfg->busy_timeout_ms, err, sizeof err);
    if (!*cat) {
        cli_error("catalog", "%s: %s", cfg->catalog_path, err);
        return CLI_EXIT_IOERR;
    }
    return 0;
}

int command_models(catalog *cat, const recommender_args *args, store_model **models, int *count)
{
    char err[512];
    if (args->model) {
        *count = 1;
        if (!(*models = malloc(sizeof **models))) {
            cli_error("model", "out of memory");
            return CLI_EXIT_SOFTWARE;
        }
        int rc = store_model_get(cat, args->model, *models, err, sizeof err);
        if (rc == 0)
            return 0;
        free(*models);
        *models = NULL;
        if (rc == 1) {
            cli_error("model", "'%s' has no features in %s (run solemate-extractor --model %s)",
                      args->model, catalog_path(cat), args->model);
            return CLI_EXIT_DATA;
        }
        cli_error("catalog", "%s", err);
        return CLI_EXIT_IOERR;
    }
    if (store_models(cat, models, count, err, sizeof err)) {
        cli_error("catalog", "%s", err);
        return CLI_EXIT_IOERR;
    }
    return 0;
}

int command_metrics(const char *option, const char *fallback, knn_metric metrics[2])
{
    const char *name = option ? option : fallback;
    if (strcmp(name, "both") == 0) {
        metrics[0] = KNN_COSINE;
        metrics[1] = KNN_L2;
        return 2;
    }
    metrics[0] = (knn_metric)knn_metric_parse(name);
    return 1;
}

int command_load(catalog *cat, const store_model *model, vector_matrix *mat, store_load_info *info)
{
    char err[512];
    if (store_load_vectors(cat, model, mat, info, err, sizeof err)) {
        cli_error(model->name, "%s", err);
        return strstr(err, "out of memory") ? CLI_EXIT_SOFTWARE : CLI_EXIT_IOERR;
    }
    if (info->skipped)
        cli_log(CLI_NORMAL, "%s: %ld malformed feature vectors left out (recompute them with solemate-extractor)",
                model->name, info->skipped);
    return 0;
}

double command_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
