/* The catalog run behind extract_run.h.  Per model: pending list, then a two-stage pipeline:
 * the main thread reads the next batch's bytes from SQLite and a producer thread decodes and
 * preprocesses them while the main thread runs the network on the current batch and commits
 * it (features + faults in one transaction). */
#define _POSIX_C_SOURCE 200809L
#include "extractor/extract_run.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "db/run_log.h"
#include "extractor/embedder.h"
#include "extractor/feature_store.h"
#include "extractor/model_registry.h"

/* One batch in flight: the photos' bytes, and after preparation the inputs of the good ones
 * packed at the front of slots (index[j] = which photo slot j holds). */
typedef struct {
    const embedder *e;
    const char (*shas)[CATALOG_SHA256_HEX];
    int n, ngood;
    void **bytes;
    size_t *len;
    float *slots;
    int *index;
    const char **kind;
    char (*why)[256];
} batch;

typedef struct {
    long computed, failed;
    double seconds;
} model_totals;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int batch_alloc(batch *b, const embedder *e, int size)
{
    memset(b, 0, sizeof *b);
    b->e = e;
    b->bytes = calloc((size_t)size, sizeof *b->bytes);
    b->len = calloc((size_t)size, sizeof *b->len);
    b->slots = malloc((size_t)size * EMBEDDER_INPUT_FLOATS * sizeof(float));
    b->index = calloc((size_t)size, sizeof *b->index);
    b->kind = calloc((size_t)size, sizeof *b->kind);
    b->why = calloc((size_t)size, sizeof *b->why);
    return b->bytes && b->len && b->slots && b->index && b->kind && b->why ? 0 : -1;
}

static void batch_release_bytes(batch *b)
{
    for (int i = 0; i < b->n; i++) {
        free(b->bytes[i]);
        b->bytes[i] = NULL;
    }
}

static void batch_free(batch *b)
{
    batch_release_bytes(b);
    free(b->bytes);
    free(b->len);
    free(b->slots);
    free(b->index);
    free(b->kind);
    free(b->why);
}

/* Main thread: the bytes of the n photos starting at shas. */
static int batch_load(catalog *cat, batch *b, const char (*shas)[CATALOG_SHA256_HEX], int n,
                      char *err, size_t errlen)
{
    b->shas = shas;
    b->n = n;
    b->ngood = 0;
    for (int i = 0; i < n; i++)
        if (feature_store_image(cat, shas[i], &b->bytes[i], &b->len[i], err, errlen))
            return -1;
    return 0;
}

/* Producer thread: decode + preprocess; touches only the batch and the read-only embedder. */
static void *batch_prepare(void *arg)
{
    batch *b = arg;
    for (int i = 0; i < b->n; i++) {
        b->kind[i] = NULL;
        float *slot = b->slots + (size_t)b->ngood * EMBEDDER_INPUT_FLOATS;
        if (embedder_prepare(b->e, b->bytes[i], b->len[i], slot, &b->kind[i], b->why[i],
                             sizeof b->why[i]) == 0)
            b->index[b->ngood++] = i;
        free(b->bytes[i]);
        b->bytes[i] = NULL;
    }
    return NULL;
}

/* Network + one transaction for the batch: features of the good photos, faults of the bad. */
static int batch_store(catalog *cat, embedder *e, const feature_model *fm, batch *b, float *out,
                       int64_t run_id, model_totals *t, int *status, char *err, size_t errlen)
{
    if (b->ngood && embedder_forward(e, b->slots, b->ngood, out, err, errlen)) {
        *status = CLI_EXIT_SOFTWARE;
        return -1;
    }
    *status = CLI_EXIT_IOERR;
    if (catalog_begin(cat, err, errlen))
        return -1;
    int good = 0;
    for (int i = 0; i < b->n; i++) {
        int rc;
        if (good < b->ngood && b->index[good] == i) {
            rc = feature_store_put(cat, fm, b->shas[i], out + (size_t)good * (size_t)fm->dim, err, errlen);
            good++;
        } else {
            char url[96];
            snprintf(url, sizeof url, "image:%s", b->shas[i]);
            cli_log(CLI_VERBOSE, "%s: %s: %s", fm->name, url, b->why[i]);
            rc = run_log_fault(cat, run_id, url, b->kind[i], b->why[i], err, errlen);
            t->failed++;
        }
        if (rc) {
            catalog_rollback(cat);
            return -1;
        }
    }
    if (catalog_commit(cat, err, errlen))
        return -1;
    t->computed += b->ngood;
    return 0;
}

/* The pipeline over the pending list of one model. */
static int run_pipeline(catalog *cat, embedder *e, const feature_model *fm,
                        const char (*shas)[CATALOG_SHA256_HEX], long count, int size,
                        int64_t run_id, model_totals *t, char *err, size_t errlen)
{
    batch b[2];
    int status = CLI_EXIT_OK;
    float *out = malloc((size_t)size * (size_t)fm->dim * sizeof(float));
    int ok0 = batch_alloc(&b[0], e, size) == 0, ok1 = batch_alloc(&b[1], e, size) == 0;
    if (!out || !ok0 || !ok1) {
        snprintf(err, errlen, "out of memory for batches of %d", size);
        status = CLI_EXIT_SOFTWARE;
        goto done;
    }
    progress bar;
    progress_begin(&bar, fm->name, count);
    long nbatches = (count + size - 1) / size;
    int first = count < size ? (int)count : size;
    if (batch_load(cat, &b[0], shas, first, err, errlen)) {
        status = CLI_EXIT_IOERR;
        goto bar_done;
    }
    batch_prepare(&b[0]);
    for (long k = 0; k < nbatches; k++) {
        batch *cur = &b[k % 2], *next = &b[(k + 1) % 2];
        pthread_t producer;
        int started = 0;
        if (k + 1 < nbatches) {
            long at = (k + 1) * size;
            int n = count - at < size ? (int)(count - at) : size;
            if (batch_load(cat, next, shas + at, n, err, errlen)) {
                status = CLI_EXIT_IOERR;
                break;
            }
            started = pthread_create(&producer, NULL, batch_prepare, next) == 0;
            if (!started)
                batch_prepare(next);
        }
        int rc = batch_store(cat, e, fm, cur, out, run_id, t, &status, err, errlen);
        if (started)
            pthread_join(producer, NULL);
        if (rc)
            break;
        status = CLI_EXIT_OK;
        progress_step(&bar, cur->n);
    }
bar_done:
    progress_end(&bar);
done:
    if (ok0)
        batch_free(&b[0]);
    if (ok1)
        batch_free(&b[1]);
    free(out);
    return status;
}

/* One model from open to last batch; returns an exit status, 0 when done. */
static int extract_model(catalog *cat, const extract_options *o, const char *name,
                         int64_t run_id, model_totals *t)
{
    char err[1024];
    embedder *e = embedder_open_batch(name, o->models_dir, o->weights_path, o->fit, o->batch, err,
                                      sizeof err);
    if (!e) {
        cli_error("loading model", "%s", err);
        return CLI_EXIT_DATA;
    }
    feature_model fm = {embedder_name(e), embedder_weights_sha256(e), embedder_dim(e),
                        embedder_dtype(e), embedder_preprocessing(e)};
    char (*shas)[CATALOG_SHA256_HEX] = NULL;
    long count = 0;
    int status = CLI_EXIT_IOERR;
    if (catalog_begin(cat, err, sizeof err) == 0) {
        if (feature_store_register(cat, &fm, err, sizeof err) == 0 &&
            catalog_commit(cat, err, sizeof err) == 0)
            status = CLI_EXIT_OK;
        else
            catalog_rollback(cat);
    }
    if (status == CLI_EXIT_OK &&
        feature_store_pending(cat, &fm, o->rebuild, o->limit, &shas, &count, err, sizeof err))
        status = CLI_EXIT_IOERR;
    if (status == CLI_EXIT_OK && count > 0) {
        cli_log(CLI_VERBOSE, "%s: %ld images to compute (%s)", name, count, fm.preprocessing);
        double started = now_seconds();
        status = run_pipeline(cat, e, &fm, (const char (*)[CATALOG_SHA256_HEX])shas, count,
                              o->batch, run_id, t, err, sizeof err);
        t->seconds = now_seconds() - started;
    }
    if (status != CLI_EXIT_OK)
        cli_error(name, "%s", err);
    free(shas);
    embedder_close(e);
    return status;
}

/* Which models to run: the named ones, or with all_models every one with weights present. */
static int choose_models(const extract_options *o, const char **chosen, int *nchosen,
                         const char **missing, int *nmissing)
{
    *nchosen = *nmissing = 0;
    char path[4096];
    if (o->all_models) {
        const model_info *info;
        for (int i = 0; (info = model_registry_at(i)) != NULL; i++)
            if (embedder_weights_path(info->name, o->models_dir, NULL, path, sizeof path) > 0)
                chosen[(*nchosen)++] = info->name;
            else
                cli_log(CLI_VERBOSE, "%s: no weights at %s, not computed", info->name, path);
        return 0;
    }
    for (int i = 0; i < o->nmodels; i++) {
        int present = embedder_weights_path(o->models[i], o->models_dir, o->weights_path, path, sizeof path);
        if (present < 0) {
            cli_error("--model", "unknown model '%s' (%s)", o->models[i], model_registry_names());
            return CLI_EXIT_USAGE;
        }
        if (present == 0) {
            cli_error(o->models[i], "weights %s not found, skipped (get them with `make models`)", path);
            missing[(*nmissing)++] = o->models[i];
        } else {
            chosen[(*nchosen)++] = o->models[i];
        }
    }
    return 0;
}

static void print_summary(const extract_options *o, cJSON *json, long computed, long failed,
                          double seconds, int nmissing)
{
    double rate = seconds > 0 ? (computed + failed) / seconds : 0;
    cJSON_AddNumberToObject(json, "computed", (double)computed);
    cJSON_AddNumberToObject(json, "failed", (double)failed);
    cJSON_AddNumberToObject(json, "seconds", seconds);
    cJSON_AddNumberToObject(json, "images_per_s", rate);
    if (o->json) {
        char *text = cJSON_PrintUnformatted(json);
        if (text)
            printf("%s\n", text);
        cJSON_free(text);
    } else if (cli_get_level() >= CLI_NORMAL) {
        printf("extract: %ld features computed, %ld images failed, %d models skipped; %.1f s, %.1f images/s\n",
               computed, failed, nmissing, seconds, rate);
    }
}

int extract_run(catalog *cat, const extract_options *o)
{
    const char *chosen[EXTRACT_MAX_MODELS * 2], *missing[EXTRACT_MAX_MODELS];
    int nchosen, nmissing;
    int status = choose_models(o, chosen, &nchosen, missing, &nmissing);
    if (status)
        return status;
    char err[1024];
    int64_t run_id;
    if (run_log_begin(cat, "extractor", o->args, &run_id, err, sizeof err)) {
        cli_error("recording the run", "%s", err);
        return CLI_EXIT_IOERR;
    }
    cJSON *json = cJSON_CreateObject(), *models = cJSON_AddArrayToObject(json, "models");
    cJSON *skipped = cJSON_AddArrayToObject(json, "skipped");
    long computed = 0, failed = 0;
    double seconds = 0;
    for (int i = 0; i < nmissing; i++)
        cJSON_AddItemToArray(skipped, cJSON_CreateString(missing[i]));
    for (int i = 0; i < nchosen; i++) {
        model_totals t = {0, 0, 0};
        int model_status = extract_model(cat, o, chosen[i], run_id, &t);
        status = status ? status : model_status;
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "name", chosen[i]);
        cJSON_AddNumberToObject(m, "computed", (double)t.computed);
        cJSON_AddNumberToObject(m, "failed", (double)t.failed);
        cJSON_AddNumberToObject(m, "seconds", t.seconds);
        cJSON_AddNumberToObject(m, "images_per_s", t.seconds > 0 ? (t.computed + t.failed) / t.seconds : 0);
        cJSON_AddItemToArray(models, m);
        computed += t.computed;
        failed += t.failed;
        seconds += t.seconds;
    }
    if (status == CLI_EXIT_OK && nmissing)
        status = CLI_EXIT_UNAVAILABLE;
    print_summary(o, json, computed, failed, seconds, nmissing);
    char *summary = cJSON_PrintUnformatted(json);
    if (run_log_finish(cat, run_id, status == CLI_EXIT_OK || status == CLI_EXIT_UNAVAILABLE ? "ok" : "failed",
                       summary, err, sizeof err)) {
        cli_error("recording the run", "%s", err);
        status = status ? status : CLI_EXIT_IOERR;
    }
    cJSON_free(summary);
    cJSON_Delete(json);
    return status;
}
