/* The labels CSV behind labels_csv.h: a small RFC 4180 field reader and a sorted table
 * searched with bsearch. */
#include "extractor/labels_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/file_bytes.h"

typedef struct {
    char *path, *label;
} label_row;

struct labels_csv {
    label_row *rows;
    long count;
};

/* Reads one field at *p (ending at ',', newline or end) into a malloc'd string; NULL on a
 * malformed quote or out of memory. */
static char *read_field(const char **p, const char *end)
{
    size_t cap = 64, n = 0;
    char *out = malloc(cap);
    const char *s = *p;
    int quoted = s < end && *s == '"';
    s += quoted;
    while (out && s < end) {
        if (quoted && *s == '"') {
            if (s + 1 < end && s[1] == '"') {
                s++;
            } else {
                s++;
                quoted = 2;
                break;
            }
        } else if (!quoted && (*s == ',' || *s == '\n' || *s == '\r')) {
            break;
        }
        if (n + 2 > cap) {
            char *grown = realloc(out, cap *= 2);
            if (!grown) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        out[n++] = *s++;
    }
    if (!out || quoted == 1 || (quoted == 2 && s < end && *s != ',' && *s != '\n' && *s != '\r')) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    *p = s;
    return out;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const label_row *)a)->path, ((const label_row *)b)->path);
}

static int parse(labels_csv *l, const char *text, size_t len, const char *path, char *err, size_t errlen)
{
    const char *p = text, *end = text + len;
    long cap = 0;
    for (long line = 1; p < end; line++) {
        if (*p == '\n' || *p == '\r') {
            p += *p == '\r' && p + 1 < end && p[1] == '\n' ? 2 : 1;
            continue;
        }
        char *rel = read_field(&p, end), *label = NULL;
        if (rel && p < end && *p == ',') {
            p++;
            label = read_field(&p, end);
        }
        while (p < end && *p != '\n') /* extra columns are allowed and ignored */
            p++;
        if (!rel || !label || !*rel) {
            free(rel);
            free(label);
            snprintf(err, errlen, "%s:%ld: expected relative_path,label", path, line);
            return -1;
        }
        if (line == 1 && strcmp(rel, "relative_path") == 0) {
            free(rel);
            free(label);
            continue;
        }
        if (l->count == cap) {
            cap = cap ? cap * 2 : 256;
            label_row *grown = realloc(l->rows, (size_t)cap * sizeof *grown);
            if (!grown) {
                free(rel);
                free(label);
                snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            l->rows = grown;
        }
        l->rows[l->count++] = (label_row){rel, label};
    }
    if (l->count)
        qsort(l->rows, (size_t)l->count, sizeof *l->rows, by_path);
    return 0;
}

labels_csv *labels_csv_load(const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    int too_large;
    char why[512];
    char *text = file_bytes_read(path, FILE_BYTES_MAX, &len, &too_large, why, sizeof why);
    if (!text) {
        snprintf(err, errlen, "%s: %s", path, why);
        return NULL;
    }
    labels_csv *l = calloc(1, sizeof *l);
    if (!l || parse(l, text, len, path, err, errlen)) {
        if (!l)
            snprintf(err, errlen, "%s: out of memory", path);
        labels_csv_free(l);
        l = NULL;
    }
    free(text);
    return l;
}

const char *labels_csv_find(const labels_csv *l, const char *relpath)
{
    if (!l || !l->count)
        return NULL;
    label_row key = {(char *)relpath, NULL};
    const label_row *row = bsearch(&key, l->rows, (size_t)l->count, sizeof key, by_path);
    return row ? row->label : NULL;
}

long labels_csv_count(const labels_csv *l) { return l ? l->count : 0; }

void labels_csv_free(labels_csv *l)
{
    if (!l)
        return;
    for (long i = 0; i < l->count; i++) {
        free(l->rows[i].path);
        free(l->rows[i].label);
    }
    free(l->rows);
    free(l);
}
