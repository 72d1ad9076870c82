/* `solemate-recommender gallery`: chooses the query products (--product list or --random N with
 * a seed) and writes the HTML gallery of their neighbours for every model x metric. */
#include "recommender/commands.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "recommender/command_common.h"
#include "recommender/gallery.h"

/* n distinct ids drawn from the featured products with a seeded generator (partial shuffle). */
static int random_queries(catalog *cat, int n, unsigned seed, int64_t **queries, int *count)
{
    char err[256];
    long total = 0;
    if (store_featured_products(cat, queries, &total, err, sizeof err)) {
        cli_error("catalog", "%s", err);
        return CLI_EXIT_IOERR;
    }
    unsigned long long state = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    *count = n < total ? n : (int)total;
    for (int i = 0; i < *count; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        long j = i + (long)((state >> 33) % (unsigned long long)(total - i));
        int64_t t = (*queries)[i];
        (*queries)[i] = (*queries)[j];
        (*queries)[j] = t;
    }
    return 0;
}

int command_gallery(const recommender_args *args, const solemate_config *cfg)
{
    if (!args->out_dir || (args->nproducts > 0) == (args->random > 0)) {
        cli_error("usage", "gallery needs --out DIR and either --product ID[,ID...] or --random N (see --help)");
        return CLI_EXIT_USAGE;
    }
    catalog *cat = NULL;
    int rc = command_open(cfg, CATALOG_READONLY, &cat);
    if (rc)
        return rc;
    store_model *models = NULL;
    int nmodels = 0, nqueries = args->nproducts;
    int64_t *random = NULL;
    knn_metric metrics[2];
    int nmetrics = command_metrics(args->metric, "both", metrics);
    rc = command_models(cat, args, &models, &nmodels);
    if (!rc && args->random)
        rc = random_queries(cat, args->random, args->seed, &random, &nqueries);
    if (!rc && nqueries == 0) {
        cli_error("gallery", "%s has no products with features (run solemate-extractor first)", catalog_path(cat));
        rc = CLI_EXIT_DATA;
    }
    if (!rc) {
        gallery_options o = {.k = args->k ? args->k : cfg->recommender_k,
                             .near_duplicate = cfg->recommender_near_duplicate,
                             .metrics = metrics, .nmetrics = nmetrics, .models = models, .nmodels = nmodels,
                             .out_dir = args->out_dir};
        char err[1024];
        long images = 0;
        double started = command_seconds();
        if (gallery_write(cat, random ? random : args->products, nqueries, &o, &images, err, sizeof err)) {
            cli_error("gallery", "%s", err);
            rc = CLI_EXIT_CANTCREAT;
        } else if (cli_get_level() > CLI_QUIET) {
            printf("gallery: %d queries x %d lists, %ld thumbnails written, %.2f s: %s/index.html\n", nqueries,
                   nmodels * nmetrics, images, command_seconds() - started, args->out_dir);
        }
    }
    free(random);
    free(models);
    catalog_close(cat);
    return rc;
}
