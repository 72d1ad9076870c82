/* The runs and faults tables: every program run is a row, every item that failed in it is a
 * fault row with the URL (or path, or digest) and a one-line reason.
 *
 * Manual: run_log_begin() marks earlier 'running' rows of the same program as 'interrupted'
 * (call it while holding the program's lock) and inserts a new row; run_log_fault() records one
 * failure in its own small transaction unless the caller has one open; run_log_finish() closes
 * the row with a status and the JSON summary.  All return 0 or -1 + err. */
#ifndef SOLEMATE_RUN_LOG_H
#define SOLEMATE_RUN_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "db/catalog.h"

int run_log_begin(catalog *cat, const char *program, const char *args, int64_t *run_id,
                  char *err, size_t errlen);
int run_log_fault(catalog *cat, int64_t run_id, const char *url, const char *kind,
                  const char *reason, char *err, size_t errlen);
int run_log_finish(catalog *cat, int64_t run_id, const char *status, const char *summary_json,
                   char *err, size_t errlen);

#endif
