/* `solemate-recommender build`: every product's k nearest different shoes per model and metric,
 * written to the neighbors table one (model, metric) transaction at a time, skipping the pairs
 * whose features, k and near-duplicate threshold are unchanged since the last build. */
#include "recommender/commands.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "db/run_log.h"
#include "recommender/command_common.h"
#include "recommender/similar.h"

typedef struct {
    int lists, rebuilt, current;
    long products, neighbors, skipped;
} build_totals;

/* Builds (or confirms) one model's lists for the given metrics; exit status. */
static int build_model(catalog *cat, const store_model *model, const knn_metric *metrics, int nmetrics,
                       const recommender_args *args, const solemate_config *cfg, build_totals *t)
{
    vector_matrix mat;
    store_load_info info;
    int rc = command_load(cat, model, &mat, &info);
    if (rc)
        return rc;
    t->products += info.loaded;
    t->skipped += info.skipped;
    int k = args->k ? args->k : cfg->recommender_k;
    /* l2 needs the vectors as stored, cosine normalises them in place: l2 goes first */
    for (int pass = KNN_L2; pass >= KNN_COSINE && rc == 0; pass--) {
        int wanted = 0;
        for (int i = 0; i < nmetrics; i++)
            wanted |= metrics[i] == (knn_metric)pass;
        if (!wanted)
            continue;
        knn_metric metric = (knn_metric)pass;
        char err[512];
        int current = 0;
        t->lists++;
        if (!args->force && store_build_is_current(cat, model->name, metric, k, cfg->recommender_near_duplicate,
                                                   info.digest, &current, err, sizeof err)) {
            cli_error("catalog", "%s", err);
            rc = CLI_EXIT_IOERR;
            break;
        }
        if (current) {
            t->current++;
            cli_log(CLI_VERBOSE, "%s %s: up to date (%ld products)", model->name, knn_metric_name(metric), info.loaded);
            continue;
        }
        if (metric == KNN_COSINE)
            vector_matrix_normalize(&mat);
        double started = command_seconds();
        similar_options opts = {.rules = {.metric = metric, .near_duplicate = cfg->recommender_near_duplicate},
                                .k = k, .diverse = -1};
        store_neighbor *rows = NULL;
        long count = 0;
        if (similar_all(&mat, &opts, &rows, &count, err, sizeof err)) {
            cli_error(model->name, "%s", err);
            rc = CLI_EXIT_SOFTWARE;
            break;
        }
        if (store_replace_neighbors(cat, model->name, metric, k, cfg->recommender_near_duplicate, &info, rows,
                                    count, err, sizeof err)) {
            cli_error("writing neighbors", "%s", err);
            rc = CLI_EXIT_IOERR;
        } else {
            t->rebuilt++;
            t->neighbors += count;
            cli_log(CLI_VERBOSE, "%s %s: %ld products, %ld neighbours in %.3f s", model->name,
                    knn_metric_name(metric), info.loaded, count, command_seconds() - started);
        }
        free(rows);
    }
    vector_matrix_free(&mat);
    return rc;
}

int command_build(const recommender_args *args, const solemate_config *cfg, int argc, char **argv)
{
    if (args->model && args->all_models) {
        cli_error("usage", "--model and --all-models exclude each other (see --help)");
        return CLI_EXIT_USAGE;
    }
    catalog *cat = NULL;
    int rc = command_open(cfg, CATALOG_READWRITE, &cat);
    if (rc)
        return rc;
    double started = command_seconds();
    char err[512], command_line[1024] = "", summary[512];
    for (int i = 0, used = 0; i < argc && used < (int)sizeof command_line - 1; i++)
        used += snprintf(command_line + used, sizeof command_line - (size_t)used, "%s%s", i ? " " : "", argv[i]);
    int64_t run_id = 0;
    if (run_log_begin(cat, "recommender", command_line, &run_id, err, sizeof err)) {
        cli_error("catalog", "%s", err);
        catalog_close(cat);
        return CLI_EXIT_IOERR;
    }
    store_model *models = NULL;
    int nmodels = 0;
    knn_metric metrics[2];
    int nmetrics = command_metrics(args->metric, "both", metrics);
    build_totals t = {0};
    rc = command_models(cat, args, &models, &nmodels);
    for (int i = 0; i < nmodels && rc == 0; i++)
        rc = build_model(cat, &models[i], metrics, nmetrics, args, cfg, &t);
    free(models);
    double seconds = command_seconds() - started;
    snprintf(summary, sizeof summary,
             "{\"lists\":%d,\"rebuilt\":%d,\"current\":%d,\"products\":%ld,\"neighbors\":%ld,"
             "\"skipped_vectors\":%ld,\"seconds\":%.3f}",
             t.lists, t.rebuilt, t.current, t.products, t.neighbors, t.skipped, seconds);
    if (run_log_finish(cat, run_id, rc ? "failed" : "ok", summary, err, sizeof err) && rc == 0) {
        cli_error("catalog", "%s", err);
        rc = CLI_EXIT_IOERR;
    }
    catalog_close(cat);
    if (rc)
        return rc;
    if (args->json)
        printf("%s\n", summary);
    else if (cli_get_level() > CLI_QUIET)
        printf("build: %d lists (%d rebuilt, %d up to date), %ld neighbours written, %ld product vectors, %.2f s\n",
               t.lists, t.rebuilt, t.current, t.neighbors, t.products, seconds);
    return 0;
}
