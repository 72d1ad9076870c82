/* `solemate-recommender similar`: the k most similar different shoes to one catalog product or
 * to a new photo, printed as a table, TSV or JSON (rank, product, name, score, URL). */
#include "recommender/commands.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "recommender/cold_start.h"
#include "recommender/command_common.h"
#include "recommender/product_filter.h"
#include "recommender/similar.h"

typedef struct {
    knn_metric metric;
    neighbor *list;
    int count;
} metric_result;

/* The model to query: --model, else mobilenet when it has vectors, else the first that has. */
static int pick_model(catalog *cat, const recommender_args *args, store_model *model)
{
    store_model *models = NULL;
    int count = 0, rc = command_models(cat, args, &models, &count);
    if (rc)
        return rc;
    int pick = -1;
    for (int i = 0; i < count && pick < 0; i++)
        if (args->model || strcmp(models[i].name, "mobilenet") == 0)
            pick = i;
    if (pick < 0 && count > 0)
        pick = 0;
    if (pick >= 0)
        *model = models[pick];
    free(models);
    if (pick < 0) {
        cli_error("model", "%s has no features (run solemate-extractor first)", catalog_path(cat));
        return CLI_EXIT_DATA;
    }
    return 0;
}

static const char *product_text(const char *s) { return s && *s ? s : "-"; }

static void print_table(catalog *cat, const char *model, const store_product *query, const char *image,
                        const vector_matrix *mat, const metric_result *results, int nresults)
{
    char err[256];
    for (int r = 0; r < nresults; r++) {
        const metric_result *res = &results[r];
        if (image)
            printf("%s%s %s neighbours of photo %s (%s)\n", r ? "\n" : "", model, knn_metric_name(res->metric), image,
                   res->metric == KNN_COSINE ? "cosine similarity, higher is closer" : "Euclidean distance, lower is closer");
        else
            printf("%s%s %s neighbours of product %lld %s (%s)\n", r ? "\n" : "", model,
                   knn_metric_name(res->metric), (long long)query->id, product_text(query->name),
                   res->metric == KNN_COSINE ? "cosine similarity, higher is closer" : "Euclidean distance, lower is closer");
        printf("%4s  %8s  %-40s  %10s  %s\n", "rank", "product", "name", "score", "url");
        for (int i = 0; i < res->count; i++) {
            store_product p;
            if (store_product_get(cat, mat->ids[res->list[i].index], &p, err, sizeof err) != 0)
                continue;
            printf("%4d  %8lld  %-40s  %10.6f  %s\n", i + 1, (long long)p.id, product_text(p.name), res->list[i].score,
                   product_text(p.url));
        }
    }
}

static void print_tsv(catalog *cat, const char *model, const vector_matrix *mat, const metric_result *results,
                      int nresults)
{
    char err[256];
    printf("model\tmetric\trank\tproduct_id\tname\tscore\turl\timage_sha256\n");
    for (int r = 0; r < nresults; r++)
        for (int i = 0; i < results[r].count; i++) {
            store_product p;
            if (store_product_get(cat, mat->ids[results[r].list[i].index], &p, err, sizeof err) != 0)
                continue;
            for (char *c = p.name; *c; c++)
                if (*c == '\t' || *c == '\n')
                    *c = ' ';
            printf("%s\t%s\t%d\t%lld\t%s\t%.17g\t%s\t%s\n", model, knn_metric_name(results[r].metric), i + 1,
                   (long long)p.id, p.name, results[r].list[i].score, p.url, p.sha);
        }
}

static int print_json(catalog *cat, const char *model, const store_product *query, const char *image,
                      const vector_matrix *mat, const metric_result *results, int nresults)
{
    char err[256];
    cJSON *root = cJSON_CreateObject(), *lists = cJSON_CreateArray();
    cJSON_AddStringToObject(root, "model", model);
    if (image)
        cJSON_AddStringToObject(root, "query_image", image);
    else
        cJSON_AddNumberToObject(root, "query_product_id", (double)query->id);
    cJSON_AddItemToObject(root, "results", lists);
    for (int r = 0; r < nresults; r++) {
        cJSON *list = cJSON_CreateObject(), *items = cJSON_CreateArray();
        cJSON_AddStringToObject(list, "metric", knn_metric_name(results[r].metric));
        cJSON_AddItemToObject(list, "neighbors", items);
        cJSON_AddItemToArray(lists, list);
        for (int i = 0; i < results[r].count; i++) {
            store_product p;
            if (store_product_get(cat, mat->ids[results[r].list[i].index], &p, err, sizeof err) != 0)
                continue;
            cJSON *item = cJSON_CreateObject();
            cJSON_AddNumberToObject(item, "rank", i + 1);
            cJSON_AddNumberToObject(item, "product_id", (double)p.id);
            cJSON_AddStringToObject(item, "name", p.name);
            cJSON_AddNumberToObject(item, "score", results[r].list[i].score);
            cJSON_AddStringToObject(item, "url", p.url);
            cJSON_AddStringToObject(item, "image_sha256", p.sha);
            cJSON_AddItemToArray(items, item);
        }
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text) {
        cli_error("json", "out of memory");
        return CLI_EXIT_SOFTWARE;
    }
    printf("%s\n", text);
    free(text);
    return 0;
}

static int check_usage(const recommender_args *args)
{
    const char *why = NULL;
    if ((args->nproducts == 1) == (args->image != NULL))
        why = "similar needs exactly one of --product ID or --image FILE";
    else if (args->nproducts > 1)
        why = "similar takes one --product";
    else if (args->category && args->image)
        why = "--category same|other compares with the query product's categories: use it with --product";
    else if (args->all_models)
        why = "similar queries one model: use --model";
    if (why) {
        cli_error("usage", "%s (see --help)", why);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* Finds the query: its row and photo digest for a product, its embedded vector for a photo. */
static int locate_query(catalog *cat, const recommender_args *args, const solemate_config *cfg,
                        const store_model *model, const vector_matrix *mat, store_product *query, long *row,
                        float **vector, char sha[CATALOG_SHA256_HEX])
{
    *row = -1;
    if (args->image)
        return cold_start_embed(model, args->image, args->models_dir ? args->models_dir : cfg->models_dir,
                                args->fit, vector, sha);
    char err[256];
    int found = store_product_get(cat, args->products[0], query, err, sizeof err);
    if (found < 0) {
        cli_error("catalog", "%s", err);
        return CLI_EXIT_IOERR;
    }
    if (found > 0) {
        cli_error("product", "%lld is not in %s", (long long)args->products[0], catalog_path(cat));
        return CLI_EXIT_NOINPUT;
    }
    *row = vector_matrix_find(mat, query->id);
    if (*row < 0) {
        cli_error("product", "%lld has no current %s feature (run solemate-extractor --model %s)",
                  (long long)query->id, model->name, model->name);
        return CLI_EXIT_DATA;
    }
    snprintf(sha, CATALOG_SHA256_HEX, "%s", mat->sha[*row]);
    return 0;
}

int command_similar(const recommender_args *args, const solemate_config *cfg)
{
    int rc = check_usage(args);
    catalog *cat = NULL;
    if (rc || (rc = command_open(cfg, CATALOG_READONLY, &cat)))
        return rc;
    store_model model;
    vector_matrix mat = {0};
    store_load_info info;
    store_product query = {0};
    product_filter filter = {0};
    metric_result results[2] = {{0}};
    float *vector = NULL;
    char sha[CATALOG_SHA256_HEX] = "", err[512];
    long row = -1;
    knn_metric metrics[2];
    int nmetrics = command_metrics(args->metric, cfg->recommender_metric, metrics);
    int k = args->k ? args->k : cfg->recommender_k;
    if ((rc = pick_model(cat, args, &model)) || (rc = command_load(cat, &model, &mat, &info)) ||
        (rc = locate_query(cat, args, cfg, &model, &mat, &query, &row, &vector, sha)))
        goto done;
    if (args->category || args->gender) {
        if (product_filter_load(&filter, cat, &mat, err, sizeof err)) {
            cli_error("catalog", "%s", err);
            rc = CLI_EXIT_IOERR;
            goto done;
        }
        filter.category = !args->category ? FILTER_ANY_CATEGORY
                          : strcmp(args->category, "same") == 0 ? FILTER_SAME_CATEGORY : FILTER_OTHER_CATEGORY;
        filter.gender = !args->gender ? 0 : args->gender[0] == 'M' ? 1 : 2;
        filter.query_row = row;
    }
    /* l2 on the vectors as stored first, then cosine normalises them in place */
    for (int pass = KNN_L2; pass >= KNN_COSINE; pass--)
        for (int i = 0; i < nmetrics; i++) {
            if (metrics[i] != (knn_metric)pass)
                continue;
            if (pass == KNN_COSINE)
                vector_matrix_normalize(&mat);
            similar_options opts = {.rules = {.metric = metrics[i], .near_duplicate = cfg->recommender_near_duplicate,
                                              .accept = args->category || args->gender ? product_filter_accept : NULL,
                                              .accept_ctx = &filter},
                                    .k = k, .diverse = args->diverse};
            results[i].metric = metrics[i];
            results[i].list = malloc((size_t)k * sizeof *results[i].list);
            const float *q = row >= 0 ? vector_matrix_row(&mat, row) : vector;
            results[i].count = results[i].list ? similar_query(&mat, q, row, sha, &opts, results[i].list, err, sizeof err) : -1;
            if (results[i].count < 0) {
                cli_error("similar", "%s", results[i].list ? err : "out of memory");
                rc = CLI_EXIT_SOFTWARE;
                goto done;
            }
        }
    const char *format = args->format ? args->format : args->json ? "json" : "table";
    if (strcmp(format, "json") == 0)
        rc = print_json(cat, model.name, &query, args->image, &mat, results, nmetrics);
    else if (strcmp(format, "tsv") == 0)
        print_tsv(cat, model.name, &mat, results, nmetrics);
    else
        print_table(cat, model.name, &query, args->image, &mat, results, nmetrics);
done:
    for (int i = 0; i < 2; i++)
        free(results[i].list);
    free(vector);
    product_filter_free(&filter);
    vector_matrix_free(&mat);
    catalog_close(cat);
    return rc;
}
