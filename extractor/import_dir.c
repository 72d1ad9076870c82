/* Local photo import behind import_dir.h: directory walk, labels, content-addressed image
 * rows and the products pointing at them, one transaction per file. */
#define _DEFAULT_SOURCE
#include "extractor/import_dir.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "db/image_store.h"
#include "db/run_log.h"
#include "extractor/feature_store.h"
#include "extractor/file_bytes.h"
#include "extractor/image_decode.h"
#include "extractor/labels_csv.h"

typedef struct {
    char **paths; /* relative to the import root */
    long count, cap;
} path_list;

typedef struct {
    long added, updated, unchanged, failed, not_images;
} import_totals;

static int list_add(path_list *l, const char *rel)
{
    if (l->count == l->cap) {
        long cap = l->cap ? l->cap * 2 : 256;
        char **grown = realloc(l->paths, (size_t)cap * sizeof *grown);
        if (!grown)
            return -1;
        l->paths = grown;
        l->cap = cap;
    }
    return (l->paths[l->count] = strdup(rel)) ? (l->count++, 0) : -1;
}

/* Adds the regular files under root/rel (rel "" = root itself), recursing into directories. */
static int walk(const char *root, const char *rel, path_list *out, char *err, size_t errlen)
{
    char dir_path[4096];
    snprintf(dir_path, sizeof dir_path, "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(dir_path);
    if (!d) {
        snprintf(err, errlen, "%s: %s", dir_path, strerror(errno));
        return -1;
    }
    struct dirent *ent;
    int rc = 0;
    while (rc == 0 && (ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        char child[4096], full[8192];
        snprintf(child, sizeof child, "%s%s%s", rel, *rel ? "/" : "", ent->d_name);
        snprintf(full, sizeof full, "%s/%s", root, child);
        struct stat st;
        if (lstat(full, &st))
            continue;
        if (S_ISDIR(st.st_mode))
            rc = walk(root, child, out, err, errlen);
        else if ((S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && stat(full, &st) == 0 && S_ISREG(st.st_mode))) &&
                 list_add(out, child)) {
            snprintf(err, errlen, "out of memory listing %s", root);
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* One file: read, check it is a photo, store image + product in one transaction.  Returns
 * 0 (counted in t) or -1 with err for a catalog failure, which ends the import. */
static int import_file(catalog *cat, const import_options *o, const labels_csv *labels,
                       const char *rel, int64_t run_id, import_totals *t, char *err, size_t errlen)
{
    char full[8192], why[512];
    snprintf(full, sizeof full, "%s/%s", o->dir, rel);
    size_t len = 0;
    int too_large;
    const char *kind = NULL;
    image_rgb img = {0, 0, NULL};
    void *bytes = file_bytes_read(full, FILE_BYTES_MAX, &len, &too_large, why, sizeof why);
    if (!bytes)
        kind = too_large ? "too-large" : "io";
    else if (!image_sniff(bytes, len) && len > 0) {
        cli_log(CLI_VERBOSE, "import: %s: not an image, left out", rel);
        t->not_images++;
        free(bytes);
        return 0;
    } else if (image_decode(bytes, len, IMAGE_MAX_SIDE, IMAGE_MAX_PIXELS, &img, &kind, why, sizeof why) == 0) {
        kind = NULL;
        image_free(&img);
    }
    if (kind) {
        cli_log(CLI_VERBOSE, "import: %s: %s", full, why);
        free(bytes);
        t->failed++;
        return run_log_fault(cat, run_id, full, kind, why, err, errlen);
    }
    const char *name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    char sha[CATALOG_SHA256_HEX];
    import_outcome outcome;
    int rc = catalog_begin(cat, err, errlen);
    if (rc == 0)
        rc = image_store_put(cat, bytes, len, image_sniff(bytes, len), img.width, img.height, sha,
                             NULL, err, errlen) ||
             feature_store_import_product(cat, rel, name, labels_csv_find(labels, rel), sha,
                                          &outcome, err, errlen) ||
             catalog_commit(cat, err, errlen);
    free(bytes);
    if (rc) {
        catalog_rollback(cat);
        return -1;
    }
    t->added += outcome == IMPORT_ADDED;
    t->updated += outcome == IMPORT_UPDATED;
    t->unchanged += outcome == IMPORT_UNCHANGED;
    return 0;
}

static void print_summary(const import_options *o, const import_totals *t, long files,
                          char **summary)
{
    cJSON *json = cJSON_CreateObject();
    cJSON_AddStringToObject(json, "dir", o->dir);
    cJSON_AddNumberToObject(json, "files", (double)files);
    cJSON_AddNumberToObject(json, "added", (double)t->added);
    cJSON_AddNumberToObject(json, "updated", (double)t->updated);
    cJSON_AddNumberToObject(json, "unchanged", (double)t->unchanged);
    cJSON_AddNumberToObject(json, "failed", (double)t->failed);
    cJSON_AddNumberToObject(json, "not_images", (double)t->not_images);
    *summary = cJSON_PrintUnformatted(json);
    cJSON_Delete(json);
    if (o->json && *summary)
        printf("%s\n", *summary);
    else if (!o->json && cli_get_level() >= CLI_NORMAL)
        printf("import: %ld files: %ld added, %ld updated, %ld unchanged, %ld failed, %ld not images\n",
               files, t->added, t->updated, t->unchanged, t->failed, t->not_images);
}

int import_dir(catalog *cat, const import_options *o)
{
    char err[10240];
    labels_csv *labels = NULL;
    if (o->labels_csv && !(labels = labels_csv_load(o->labels_csv, err, sizeof err))) {
        cli_error("--labels", "%s", err);
        return access(o->labels_csv, R_OK) == 0 ? CLI_EXIT_DATA : CLI_EXIT_NOINPUT;
    }
    path_list files = {NULL, 0, 0};
    int status = CLI_EXIT_OK;
    int64_t run_id = 0;
    if (walk(o->dir, "", &files, err, sizeof err)) {
        cli_error("import", "%s", err);
        status = CLI_EXIT_NOINPUT;
    } else if (run_log_begin(cat, "extractor", o->args, &run_id, err, sizeof err)) {
        cli_error("recording the run", "%s", err);
        status = CLI_EXIT_IOERR;
    }
    if (status == CLI_EXIT_OK) {
        if (files.count)
            qsort(files.paths, (size_t)files.count, sizeof *files.paths, by_name);
        import_totals t = {0, 0, 0, 0, 0};
        progress bar;
        progress_begin(&bar, "import", files.count);
        for (long i = 0; i < files.count && status == CLI_EXIT_OK; i++) {
            if (import_file(cat, o, labels, files.paths[i], run_id, &t, err, sizeof err)) {
                cli_error("import", "%s", err);
                status = CLI_EXIT_IOERR;
            }
            progress_step(&bar, 1);
        }
        progress_end(&bar);
        char *summary = NULL;
        print_summary(o, &t, files.count, &summary);
        if (run_log_finish(cat, run_id, status ? "failed" : "ok", summary, err, sizeof err) && !status) {
            cli_error("recording the run", "%s", err);
            status = CLI_EXIT_IOERR;
        }
        cJSON_free(summary);
    }
    for (long i = 0; i < files.count; i++)
        free(files.paths[i]);
    free(files.paths);
    labels_csv_free(labels);
    return status;
}
