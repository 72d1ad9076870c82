/* Printing features of loose photo files behind embed_files.h. */
#define _POSIX_C_SOURCE 200809L
#include "extractor/embed_files.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "extractor/embedder.h"

/* A JSON string literal of s on stdout (cJSON does the escaping). */
static void print_json_string(const char *s)
{
    cJSON *str = cJSON_CreateString(s);
    char *text = str ? cJSON_PrintUnformatted(str) : NULL;
    fputs(text ? text : "null", stdout);
    cJSON_free(text);
    cJSON_Delete(str);
}

static void print_feature(const embed_options *o, const embedder *e, const char *file, const float *v)
{
    int dim = embedder_dim(e), bytes = strcmp(embedder_dtype(e), "u8") == 0;
    if (o->json) {
        fputs("{\"file\": ", stdout);
        print_json_string(file);
        fputs(", \"model\": ", stdout);
        print_json_string(embedder_name(e));
        fputs(", \"feature\": [", stdout);
    } else {
        printf("%s: %s, %d values (%s, %s)\n", file, embedder_name(e), dim, embedder_dtype(e),
               embedder_preprocessing(e));
    }
    for (int i = 0; i < dim; i++) {
        const char *sep = o->json ? (i ? ", " : "") : (i % 8 ? " " : "  ");
        if (bytes)
            printf("%s%d", sep, (int)v[i]);
        else
            printf("%s%.9g", sep, (double)v[i]);
        if (!o->json && (i % 8 == 7 || i == dim - 1))
            putchar('\n');
    }
    if (o->json)
        puts("]}");
}

int embed_files(const embed_options *o, char *const files[], int nfiles)
{
    char err[1024], path[4096];
    if (embedder_weights_path(o->model, o->models_dir, o->weights_path, path, sizeof path) == 0) {
        cli_error(o->model, "weights %s not found (get them with `make models`)", path);
        return CLI_EXIT_UNAVAILABLE;
    }
    embedder *e = embedder_open(o->model, o->models_dir, o->weights_path, o->fit, err, sizeof err);
    if (!e) {
        cli_error("loading model", "%s", err);
        return CLI_EXIT_DATA;
    }
    int status = CLI_EXIT_OK;
    float *v = malloc((size_t)embedder_dim(e) * sizeof *v);
    for (int i = 0; v && i < nfiles; i++) {
        if (access(files[i], R_OK)) {
            cli_error(files[i], "%s", strerror(errno));
            status = CLI_EXIT_NOINPUT;
        } else if (embedder_embed_file(e, files[i], v, err, sizeof err)) {
            cli_error("embed", "%s", err);
            status = status ? status : CLI_EXIT_DATA;
        } else {
            print_feature(o, e, files[i], v);
        }
    }
    if (!v) {
        cli_error("embed", "out of memory");
        status = CLI_EXIT_SOFTWARE;
    }
    free(v);
    embedder_close(e);
    return status;
}
