/* The labels file of an import: CSV rows "relative_path,label" (a header row naming
 * relative_path is skipped; fields may be double-quoted with "" for a quote).
 *
 * Manual: labels_csv_load() returns the table (free with labels_csv_free()) or NULL with err
 * = "FILE: why" or "FILE:LINE: why"; labels_csv_find() looks a path up (NULL: no label).
 * Read-only after loading: any thread may look up. */
#ifndef SOLEMATE_LABELS_CSV_H
#define SOLEMATE_LABELS_CSV_H

#include <stddef.h>

typedef struct labels_csv labels_csv;

labels_csv *labels_csv_load(const char *path, char *err, size_t errlen);
const char *labels_csv_find(const labels_csv *l, const char *relpath);
long labels_csv_count(const labels_csv *l);
void labels_csv_free(labels_csv *l);

#endif
