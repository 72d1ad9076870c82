/* Embeds a new photo with the catalog model's exact preprocessing (see cold_start.h). */
#include "recommender/cold_start.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "db/image_store.h"
#include "extractor/embedder.h"

#define COLD_START_MAX_BYTES (64L * 1024 * 1024)

static int read_file(const char *path, unsigned char **bytes, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error(path, "%s", strerror(errno));
        return CLI_EXIT_NOINPUT;
    }
    size_t cap = 65536;
    *bytes = malloc(cap);
    *len = 0;
    size_t got;
    while (*bytes && (got = fread(*bytes + *len, 1, cap - *len, f)) > 0) {
        *len += got;
        if (*len == cap && cap < (size_t)COLD_START_MAX_BYTES) {
            unsigned char *grown = realloc(*bytes, cap *= 2);
            if (!grown) {
                free(*bytes);
                *bytes = NULL;
            }
            *bytes = grown;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (!*bytes || failed) {
        cli_error(path, "%s", failed ? "read error" : "out of memory");
        free(*bytes);
        return failed ? CLI_EXIT_NOINPUT : CLI_EXIT_SOFTWARE;
    }
    if (*len == cap) {
        cli_error(path, "larger than %ld bytes", COLD_START_MAX_BYTES);
        free(*bytes);
        return CLI_EXIT_DATA;
    }
    return 0;
}

/* Opens the model with the fit whose preprocessing matches the catalog's, or prints why not. */
static embedder *open_matching(const store_model *model, const char *models_dir, const char *fit, int *status)
{
    static const char *const fits[] = {NULL, "crop", "pad", "squash"};
    char err[1024] = "", seen[256] = "";
    for (size_t i = 0; i < sizeof fits / sizeof fits[0]; i++) {
        const char *try = fit ? fit : fits[i];
        embedder *e = embedder_open(model->name, models_dir, NULL, try, err, sizeof err);
        if (!e) {
            cli_error(model->name, "%s", err);
            *status = CLI_EXIT_UNAVAILABLE;
            return NULL;
        }
        if (strcmp(embedder_preprocessing(e), model->preprocessing) == 0 && embedder_dim(e) == model->dim)
            return e;
        size_t used = strlen(seen);
        snprintf(seen + used, sizeof seen - used, "%s%s", used ? ", " : "", embedder_preprocessing(e));
        embedder_close(e);
        if (fit)
            break;
    }
    cli_error(model->name, "the catalog's features use preprocessing '%s' (dim %ld), this embedder gives %s",
              model->preprocessing, model->dim, seen);
    *status = CLI_EXIT_DATA;
    return NULL;
}

int cold_start_embed(const store_model *model, const char *path, const char *models_dir, const char *fit,
                     float **vector, char sha[CATALOG_SHA256_HEX])
{
    unsigned char *bytes = NULL;
    size_t len = 0;
    int status = read_file(path, &bytes, &len);
    if (status)
        return status;
    sha256_hex(bytes, len, sha);
    embedder *e = open_matching(model, models_dir, fit, &status);
    *vector = e ? malloc((size_t)model->dim * sizeof **vector) : NULL;
    char err[1024];
    if (e && !*vector) {
        cli_error(path, "out of memory");
        status = CLI_EXIT_SOFTWARE;
    } else if (e && embedder_embed_memory(e, bytes, len, *vector, err, sizeof err)) {
        cli_error(path, "%s", err);
        status = CLI_EXIT_DATA;
    }
    if (status) {
        free(*vector);
        *vector = NULL;
    }
    embedder_close(e);
    free(bytes);
    return status;
}
