/* `solemate-extractor import DIR`: a local photo folder becomes catalog products, so the
 * pipeline runs on a user's own photos without crawling.
 *
 * Manual: import_dir() walks DIR (recursively, in name order, skipping dot files), stores
 * every decodable photo by its SHA-256 (db/image_store.h) and makes it the photo of the
 * product source='import', shop_id=<path relative to DIR>, name=<file name>, with the label
 * from the labels CSV ("relative_path,label", a header row allowed) when one is given.  Each
 * file is one transaction; re-importing changes nothing, a changed file re-points its
 * product.  Bad photos become faults rows; files that are not images are counted and left
 * out.  Prints errors, a progress bar on a tty and one summary line (JSON with json); returns
 * the exit status (cli.h). */
#ifndef SOLEMATE_IMPORT_DIR_H
#define SOLEMATE_IMPORT_DIR_H

#include "db/catalog.h"

typedef struct {
    const char *dir;
    const char *labels_csv; /* NULL: no labels */
    int json;
    const char *args;       /* the command line, for the runs row */
} import_options;

int import_dir(catalog *cat, const import_options *o);

#endif
