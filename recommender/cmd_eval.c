/* `solemate-recommender eval`: precision@k and mAP per model x metric against product labels
 * (products.label, or a relative_path,label CSV matched to imported products' paths). */
#define _POSIX_C_SOURCE 200809L
#include "recommender/commands.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "recommender/command_common.h"
#include "recommender/evaluate.h"

#define EVAL_MAX_KS 16

static void free_strings(char **list, long n)
{
    for (long i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
}

/* Parses "1,5,9" into ks; count or -1. */
static int parse_ks(const char *text, int *ks)
{
    int count = 0;
    for (const char *p = text; *p;) {
        char *end = NULL;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (errno || end == p || v < 1 || v > 1000 || count == EVAL_MAX_KS || (*end && *end != ','))
            return -1;
        ks[count++] = (int)v;
        p = *end ? end + 1 : end;
    }
    return count;
}

/* Labels from a relative_path,label CSV: a row labels the product whose shop_id (the imported
 * file's path) equals the path or ends with "/" + path. */
static int labels_from_csv(const char *csv, char **shop_ids, long n, char **labels)
{
    FILE *f = fopen(csv, "r");
    if (!f) {
        cli_error(csv, "%s", strerror(errno));
        return CLI_EXIT_NOINPUT;
    }
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *comma = strrchr(line, ',');
        if (!comma || strcmp(line, "relative_path,label") == 0)
            continue;
        *comma = '\0';
        size_t plen = strlen(line);
        for (long i = 0; i < n; i++) {
            const char *id = shop_ids[i];
            size_t ilen = id ? strlen(id) : 0;
            if (!id || labels[i] || ilen < plen || strcmp(id + ilen - plen, line) != 0 ||
                (ilen > plen && id[ilen - plen - 1] != '/'))
                continue;
            labels[i] = strdup(comma + 1);
        }
    }
    fclose(f);
    return 0;
}

/* The labelled rows of mat as a new matrix, with their labels (borrowed from labels). */
static int labelled_rows(const vector_matrix *mat, char **labels, vector_matrix *sub, char ***sub_labels)
{
    long count = 0;
    for (long i = 0; i < mat->n; i++)
        count += labels[i] != NULL;
    *sub_labels = malloc((size_t)(count > 0 ? count : 1) * sizeof **sub_labels);
    if (!*sub_labels || vector_matrix_init(sub, count, mat->dim)) {
        free(*sub_labels);
        return -1;
    }
    for (long i = 0; i < mat->n; i++)
        if (labels[i]) {
            (*sub_labels)[sub->n] = labels[i];
            vector_matrix_add(sub, mat->ids[i], mat->sha[i], vector_matrix_row(mat, i));
        }
    return 0;
}

typedef struct {
    char model[64], preprocessing[128];
    knn_metric metric;
    long queries;
    double precision[EVAL_MAX_KS], map;
} eval_row;

static int evaluate_model(catalog *cat, const store_model *model, const recommender_args *args,
                          const knn_metric *metrics, int nmetrics, const int *ks, int nks, eval_row *rows, int *nrows)
{
    vector_matrix mat, sub = {0};
    store_load_info info;
    int rc = command_load(cat, model, &mat, &info);
    if (rc)
        return rc;
    char err[512], **labels = NULL, **shop_ids = NULL, **sub_labels = NULL;
    if (args->labels) {
        rc = store_shop_ids(cat, &mat, &shop_ids, err, sizeof err) ? CLI_EXIT_IOERR : 0;
        labels = calloc((size_t)(mat.n > 0 ? mat.n : 1), sizeof *labels);
        if (!rc && labels)
            rc = labels_from_csv(args->labels, shop_ids, mat.n, labels);
    } else {
        rc = store_labels(cat, &mat, &labels, err, sizeof err) ? CLI_EXIT_IOERR : 0;
    }
    if (rc == CLI_EXIT_IOERR)
        cli_error("catalog", "%s", err);
    if (!rc && (!labels || labelled_rows(&mat, labels, &sub, &sub_labels))) {
        cli_error("eval", "out of memory");
        rc = CLI_EXIT_SOFTWARE;
    }
    for (int pass = KNN_L2; pass >= KNN_COSINE && !rc && sub.n > 1; pass--)
        for (int m = 0; m < nmetrics && !rc; m++) {
            if (metrics[m] != (knn_metric)pass)
                continue;
            if (pass == KNN_COSINE)
                vector_matrix_normalize(&sub);
            eval_row *row = &rows[(*nrows)++];
            snprintf(row->model, sizeof row->model, "%s", model->name);
            snprintf(row->preprocessing, sizeof row->preprocessing, "%s", model->preprocessing);
            row->metric = metrics[m];
            row->queries = sub.n;
            if (evaluate_ranking(&sub, sub_labels, metrics[m], ks, nks, row->precision, &row->map, err, sizeof err)) {
                cli_error("eval", "%s", err);
                rc = CLI_EXIT_SOFTWARE;
            }
        }
    free_strings(labels, mat.n);
    free_strings(shop_ids, mat.n);
    free(sub_labels);
    vector_matrix_free(&sub);
    vector_matrix_free(&mat);
    return rc;
}

static void print_rows(const eval_row *rows, int nrows, const int *ks, int nks, int json)
{
    if (json) {
        cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "results");
        for (int r = 0; r < nrows; r++) {
            cJSON *item = cJSON_CreateObject(), *prec = cJSON_CreateObject();
            cJSON_AddStringToObject(item, "model", rows[r].model);
            cJSON_AddStringToObject(item, "metric", knn_metric_name(rows[r].metric));
            cJSON_AddStringToObject(item, "preprocessing", rows[r].preprocessing);
            cJSON_AddNumberToObject(item, "queries", (double)rows[r].queries);
            for (int j = 0; j < nks; j++) {
                char key[16];
                snprintf(key, sizeof key, "%d", ks[j]);
                cJSON_AddNumberToObject(prec, key, rows[r].precision[j]);
            }
            cJSON_AddItemToObject(item, "precision_at", prec);
            cJSON_AddNumberToObject(item, "map", rows[r].map);
            cJSON_AddItemToArray(list, item);
        }
        char *text = cJSON_PrintUnformatted(root);
        if (text)
            printf("%s\n", text);
        free(text);
        cJSON_Delete(root);
        return;
    }
    printf("%-10s %-7s %-22s %7s", "model", "metric", "preprocessing", "queries");
    for (int j = 0; j < nks; j++)
        printf("   P@%-3d", ks[j]);
    printf("     mAP\n");
    for (int r = 0; r < nrows; r++) {
        printf("%-10s %-7s %-22s %7ld", rows[r].model, knn_metric_name(rows[r].metric), rows[r].preprocessing,
               rows[r].queries);
        for (int j = 0; j < nks; j++)
            printf("  %6.4f", rows[r].precision[j]);
        printf("  %6.4f\n", rows[r].map);
    }
}

int command_eval(const recommender_args *args, const solemate_config *cfg)
{
    int ks[EVAL_MAX_KS], nks = parse_ks(args->k_list ? args->k_list : "1,5,9", ks);
    if (nks <= 0) {
        cli_error("usage", "-k wants a list like 1,5,9 of up to %d counts from 1 to 1000 (see --help)", EVAL_MAX_KS);
        return CLI_EXIT_USAGE;
    }
    catalog *cat = NULL;
    int rc = command_open(cfg, CATALOG_READONLY, &cat);
    if (rc)
        return rc;
    store_model *models = NULL;
    int nmodels = 0, nrows = 0;
    knn_metric metrics[2];
    int nmetrics = command_metrics(args->metric, "both", metrics);
    rc = command_models(cat, args, &models, &nmodels);
    eval_row *rows = rc ? NULL : calloc((size_t)(2 * nmodels + 1), sizeof *rows);
    if (!rc && !rows) {
        cli_error("eval", "out of memory");
        rc = CLI_EXIT_SOFTWARE;
    }
    for (int i = 0; i < nmodels && !rc; i++)
        rc = evaluate_model(cat, &models[i], args, metrics, nmetrics, ks, nks, rows, &nrows);
    if (!rc && nrows == 0) {
        cli_error("eval", "no model has features for two or more labelled products in %s (import a labelled folder: "
                  "solemate-extractor import DIR --labels CSV)", catalog_path(cat));
        rc = CLI_EXIT_DATA;
    }
    if (!rc)
        print_rows(rows, nrows, ks, nks, args->json);
    free(rows);
    free(models);
    catalog_close(cat);
    return rc;
}
