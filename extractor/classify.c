/* Top-5 ImageNet classification behind classify.h: the embedder's logits, a softmax, the
 * class names file, and text or JSON lines. */
#include "extractor/classify.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "extractor/embedder.h"
#include "extractor/file_bytes.h"

#define CLASSES 1000
#define TOP 5
#define LABELS_FILE "imagenet1k_labels.txt"

/* The 1000 class names, one a line, into a malloc'd text with names[i] pointing into it. */
static char *load_names(const char *models_dir, const char *names[CLASSES], char *err, size_t errlen)
{
    char path[4096], why[512];
    snprintf(path, sizeof path, "%s/%s", models_dir, LABELS_FILE);
    size_t len = 0;
    int too_large;
    char *text = file_bytes_read(path, FILE_BYTES_MAX, &len, &too_large, why, sizeof why);
    if (!text) {
        snprintf(err, errlen, "%s: %s", path, why);
        return NULL;
    }
    text[len] = '\0';
    int n = 0;
    for (char *line = text, *next; line && *line && n < CLASSES; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line[strcspn(line, "\r")] = '\0';
        names[n++] = line;
    }
    if (n != CLASSES) {
        snprintf(err, errlen, "%s: %d class names, expected %d", path, n, CLASSES);
        free(text);
        return NULL;
    }
    return text;
}

/* Softmax in place, then the indices of the TOP largest. */
static void top_classes(float *logits, int top[TOP])
{
    float max = logits[0];
    for (int i = 1; i < CLASSES; i++)
        max = logits[i] > max ? logits[i] : max;
    double sum = 0;
    for (int i = 0; i < CLASSES; i++)
        sum += exp((double)logits[i] - max);
    for (int i = 0; i < CLASSES; i++)
        logits[i] = (float)(exp((double)logits[i] - max) / sum);
    for (int k = 0; k < TOP; k++) {
        int best = -1;
        for (int i = 0; i < CLASSES; i++) {
            int taken = 0;
            for (int j = 0; j < k; j++)
                taken |= top[j] == i;
            if (!taken && (best < 0 || logits[i] > logits[best]))
                best = i;
        }
        top[k] = best;
    }
}

static void print_result(const embed_options *o, const char *file, const float *p,
                         const int top[TOP], const char *names[CLASSES])
{
    if (!o->json) {
        printf("%s (%s)\n", file, o->model);
        for (int k = 0; k < TOP; k++)
            printf("  %3d  %.3f  %s\n", top[k], p[top[k]], names[top[k]]);
        return;
    }
    cJSON *json = cJSON_CreateObject(), *arr;
    cJSON_AddStringToObject(json, "file", file);
    cJSON_AddStringToObject(json, "model", o->model);
    arr = cJSON_AddArrayToObject(json, "top5");
    for (int k = 0; k < TOP; k++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddNumberToObject(c, "class", top[k]);
        cJSON_AddStringToObject(c, "name", names[top[k]]);
        cJSON_AddNumberToObject(c, "probability", p[top[k]]);
        cJSON_AddItemToArray(arr, c);
    }
    char *text = cJSON_PrintUnformatted(json);
    if (text)
        printf("%s\n", text);
    cJSON_free(text);
    cJSON_Delete(json);
}

int classify_files(const embed_options *o, char *const files[], int nfiles)
{
    char err[8192];
    char path[4096];
    if (embedder_weights_path(o->model, o->models_dir, o->weights_path, path, sizeof path) == 0) {
        cli_error(o->model, "weights %s not found (get them with `make models`)", path);
        return CLI_EXIT_UNAVAILABLE;
    }
    const char *names[CLASSES];
    char *names_text = load_names(o->models_dir, names, err, sizeof err);
    if (!names_text) {
        cli_error("class names", "%s", err);
        return CLI_EXIT_NOINPUT;
    }
    embedder *e = embedder_open(o->model, o->models_dir, o->weights_path, o->fit, err, sizeof err);
    if (!e) {
        cli_error("loading model", "%s", err);
        free(names_text);
        return CLI_EXIT_DATA;
    }
    int status = CLI_EXIT_OK;
    float *logits = malloc(CLASSES * sizeof *logits);
    for (int i = 0; logits && i < nfiles; i++) {
        size_t len = 0;
        int too_large, top[TOP];
        void *bytes = file_bytes_read(files[i], FILE_BYTES_MAX, &len, &too_large, err, sizeof err);
        if (!bytes) {
            cli_error(files[i], "%s", err);
            status = CLI_EXIT_NOINPUT;
            continue;
        }
        if (embedder_logits(e, bytes, len, logits, err, sizeof err)) {
            cli_error(files[i], "%s", err);
            status = status ? status : CLI_EXIT_DATA;
        } else {
            top_classes(logits, top);
            print_result(o, files[i], logits, top, names);
        }
        free(bytes);
    }
    if (!logits) {
        cli_error("classify", "out of memory");
        status = CLI_EXIT_SOFTWARE;
    }
    free(logits);
    embedder_close(e);
    free(names_text);
    return status;
}
